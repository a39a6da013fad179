%%% hf_megaco_peer - scripted Erlang/OTP megaco peer for Holdfast interop tests.
%%%
%%% Usage:
%%%   erlc -o DIR hf_megaco_peer.erl
%%%   erl -noshell -pa DIR -run hf_megaco_peer main \
%%%       <mg|mgc> <udp|tcp> <pretty|compact> <local_port> <remote_host> <remote_port> [<timeout_s>]
%%%
%%% Runs one fixed H.248 v1 scenario over the real OTP megaco stack
%%% (megaco_udp / megaco_tcp sockets, text encoders).  Both mids are
%%% [127.0.0.1]:<local_port>.  All commands are in the NULL context (Context = -).
%%%
%%%   1. MG  -> MGC  Transaction = 1 { Context = - { ServiceChange = ROOT {
%%%                    Services { Method = Restart, Reason = "901" } } } }
%%%                  MGC replies  Reply = 1 { Context = - { ServiceChange = ROOT } }
%%%   2. MGC -> MG   Transaction = 1 { Context = - { Modify = A4444 {
%%%                    Media { Stream = 1 { LocalControl { Mode = SendReceive } } },
%%%                    Events = 2222 { al/of } } } }
%%%                  MG replies   Reply = 1 { Context = - { Modify = A4444 } }
%%%   3. MG  -> MGC  Transaction = 2 { Context = - { Notify = A4444 {
%%%                    ObservedEvents = 2222 { yyyymmddThhmmss00:al/of } } } }   (UTC now)
%%%                  MGC replies  Reply = 2 { Context = - { Notify = A4444 } }
%%%   4. MGC -> MG   Transaction = 2 { Context = - { AuditValue = A4444 { Audit { Media } } } }
%%%                  MG replies   Reply = 2 { Context = - { AuditValue = A4444 { Media {
%%%                    TerminationState { ServiceStates = InService },
%%%                    Stream = 1 { LocalControl { Mode = SendReceive } } } } } }
%%%   5. MG lingers 1 s (MGC 0.5 s), stops the stack, exits 0 if all ok, else 1.
%%%
%%% (Compact form is the same with short tokens: "!/1 [127.0.0.1]:P\nT=1{C=-{SC=ROOT{SV{MT=RS,RE=\"901\"}}}}".)
%%% Requests are answered whenever they arrive; the controller checks that
%%% the expected ones arrive in order, with termination A4444 (any case),
%%% request id 2222 and event al/of, and that replies carry no error.
%%% Requests go out 100 ms after the reply to the previous step was sent.
%%%
%%% Transport details:
%%%   udp  MG and MGC bind <local_port>; replies go to the datagram's source.
%%%   tcp  MGC listens on <local_port>; MG connects from an ephemeral port
%%%        (its mid still says <local_port>), retrying refused connects for 5 s.
%%%        Framing is TPKT (RFC 1006: 03 00 <len16 incl. 4-byte header>).
%%% Timers: UDP requests are resent every 1.5 s, 3 times; TCP requests time
%%% out after 6 s; each expected incoming request must come within 10 s;
%%% the whole run is killed after <timeout_s> (default 20) with exit 1.
%%%
%%% Output (stdout, one line each, machine-parsable):
%%%   HF-START role=.. transport=.. encoding=.. local_port=.. remote=host:port mid=[127.0.0.1]:port
%%%   HF-STEP <name> <ok|sent|received|fail> [detail]
%%%   HF-SEND <bytes> <escaped wire text>        every message handed to the transport
%%%   HF-RECV <bytes> <escaped wire text>        every message handed to the decoder
%%%   HF-DECODED <what> <erlang term>            decoded request/reply, one line
%%%   HF-INFO / HF-WARN <text>
%%%   HF-DONE ok | HF-DONE fail <reason>
%%% Escaping in HF-SEND/HF-RECV: \ -> \\, CR -> \r, LF -> \n, TAB -> \t.
%%%
%%% The module is at the same time
%%%   - the megaco_user callback module (handle_* functions),
%%%   - a thin send_mod wrapper around megaco_udp/megaco_tcp (logs HF-SEND),
%%%   - a thin encoding_mod wrapper around megaco_{pretty,compact}_text_encoder
%%%     (logs HF-RECV).
%%% The real transport/encoder modules are kept in persistent_term.

-module(hf_megaco_peer).

-behaviour(megaco_user).

%% command line entry
-export([main/1]).

%% megaco_user callbacks
-export([handle_connect/2, handle_connect/3,
         handle_disconnect/3,
         handle_syntax_error/3, handle_syntax_error/4,
         handle_message_error/3, handle_message_error/4,
         handle_trans_request/3, handle_trans_request/4,
         handle_trans_long_request/3, handle_trans_long_request/4,
         handle_trans_reply/4, handle_trans_reply/5,
         handle_trans_ack/4, handle_trans_ack/5,
         handle_unexpected_trans/3, handle_unexpected_trans/4,
         handle_trans_request_abort/4, handle_trans_request_abort/5,
         handle_segment_reply/5, handle_segment_reply/6]).

%% send_mod wrapper (megaco_transport behaviour)
-export([send_message/2, resend_message/2, block/1, unblock/1, close/1]).

%% encoding_mod wrapper (megaco_encoder behaviour)
-export([encode_message/3, decode_message/3, decode_mini_message/3,
         version_of/2, encode_transaction/3, encode_action_requests/3,
         encode_action_reply/3]).

%%----------------------------------------------------------------------
%% Records.  These mirror the public megaco data structures (megaco.hrl,
%% megaco_message_v1.hrl); the Debian erlang-megaco package ships no
%% include files, so the needed ones are declared here with the same
%% field order.
%%----------------------------------------------------------------------

-record(megaco_incr_timer, {wait_for, factor, incr, max_retries}).
-record(megaco_term_id, {contains_wildcards = false, id}).

-record('IP4Address', {address, portNumber = asn1_NOVALUE}).
-record('ErrorDescriptor', {errorCode, errorText = asn1_NOVALUE}).
-record('ActionRequest', {contextId, contextRequest = asn1_NOVALUE,
                          contextAttrAuditReq = asn1_NOVALUE,
                          commandRequests = []}).
-record('ActionReply', {contextId, errorDescriptor = asn1_NOVALUE,
                        contextReply = asn1_NOVALUE, commandReply = []}).
-record('CommandRequest', {command, optional = asn1_NOVALUE,
                           wildcardReturn = asn1_NOVALUE}).
-record('AmmRequest', {terminationID = [], descriptors = []}).
-record('AmmsReply', {terminationID = [], terminationAudit = asn1_NOVALUE}).
-record('AuditRequest', {terminationID, auditDescriptor}).
-record('AuditResult', {terminationID, terminationAuditResult = []}).
-record('AuditDescriptor', {auditToken = asn1_NOVALUE}).
-record('NotifyRequest', {terminationID = [], observedEventsDescriptor,
                          errorDescriptor = asn1_NOVALUE}).
-record('NotifyReply', {terminationID = [], errorDescriptor = asn1_NOVALUE}).
-record('ObservedEventsDescriptor', {requestId, observedEventLst = []}).
-record('ObservedEvent', {eventName, streamID = asn1_NOVALUE,
                          eventParList = [], timeNotation = asn1_NOVALUE}).
-record('ServiceChangeRequest', {terminationID = [], serviceChangeParms}).
-record('ServiceChangeReply', {terminationID = [], serviceChangeResult = []}).
-record('MediaDescriptor', {termStateDescr = asn1_NOVALUE,
                            streams = asn1_NOVALUE}).
-record('StreamDescriptor', {streamID, streamParms}).
-record('StreamParms', {localControlDescriptor = asn1_NOVALUE,
                        localDescriptor = asn1_NOVALUE,
                        remoteDescriptor = asn1_NOVALUE}).
-record('LocalControlDescriptor', {streamMode = asn1_NOVALUE,
                                   reserveValue = asn1_NOVALUE,
                                   reserveGroup = asn1_NOVALUE,
                                   propertyParms = []}).
-record('TerminationStateDescriptor', {propertyParms = [],
                                       eventBufferControl = asn1_NOVALUE,
                                       serviceState = asn1_NOVALUE}).
-record('EventsDescriptor', {requestID = asn1_NOVALUE, eventList = []}).
-record('RequestedEvent', {pkgdName, streamID = asn1_NOVALUE,
                           eventAction = asn1_NOVALUE, evParList = []}).
-record('ServiceChangeParm', {serviceChangeMethod,
                              serviceChangeAddress = asn1_NOVALUE,
                              serviceChangeVersion = asn1_NOVALUE,
                              serviceChangeProfile = asn1_NOVALUE,
                              serviceChangeReason,
                              serviceChangeDelay = asn1_NOVALUE,
                              serviceChangeMgcId = asn1_NOVALUE,
                              timeStamp = asn1_NOVALUE,
                              nonStandardData = asn1_NOVALUE}).
-record('ServiceChangeResParm', {serviceChangeMgcId = asn1_NOVALUE,
                                 serviceChangeAddress = asn1_NOVALUE,
                                 serviceChangeVersion = asn1_NOVALUE,
                                 serviceChangeProfile = asn1_NOVALUE,
                                 timeStamp = asn1_NOVALUE}).
-record('TimeNotation', {date, time}).

-define(CTL, hf_megaco_peer_ctl).
-define(NULL_CTX, 0).
-define(TERM, "A4444").
-define(REQ_ID, 2222).
-define(EVENT, "al/of").
-define(DEFAULT_TIMEOUT_S, 20).
-define(STEP_WAIT_MS, 10000).
-define(LINGER_MS, 1000).
-define(GAP_MS, 100).
-define(TCP_CONNECT_MS, 5000).

%%======================================================================
%% Entry point
%%======================================================================

main(Args) ->
    {Role, Transport, Encoding, LocalPort, RemoteHost, RemotePort, TimeoutS} =
        try parse_args(Args)
        catch _:_ ->
                out("HF-DONE fail usage: hf_megaco_peer main <mg|mgc> <udp|tcp> "
                    "<pretty|compact> <local_port> <remote_host> <remote_port> "
                    "[<timeout_s>] (got ~0p)", [Args]),
                erlang:halt(2)
        end,
    register(?CTL, self()),
    logger:set_primary_config(level, warning),
    start_watchdog(TimeoutS * 1000),
    Mid = {ip4Address, #'IP4Address'{address = [127, 0, 0, 1],
                                      portNumber = LocalPort}},
    out("HF-START role=~s transport=~s encoding=~s local_port=~w remote=~s:~w "
        "mid=[127.0.0.1]:~w",
        [Role, Transport, Encoding, LocalPort, RemoteHost, RemotePort, LocalPort]),
    persistent_term:put({?MODULE, transport}, transport_mod(Transport)),
    persistent_term:put({?MODULE, encoder}, encoder_mod(Encoding)),
    Cfg = #{role => Role, transport => Transport, mid => Mid,
            local_port => LocalPort, remote_host => RemoteHost,
            remote_port => RemotePort},
    Result =
        try
            run(Role, Cfg)
        catch
            throw:{step_failed, Reason} ->
                {fail, Reason};
            Class:Reason:Stack ->
                {fail, io_lib:format("~w:~0p @ ~0p", [Class, Reason, Stack])}
        end,
    stop_stack(Mid),
    case Result of
        ok ->
            out("HF-DONE ok"),
            erlang:halt(0);
        {fail, Why} ->
            out("HF-DONE fail ~s", [oneline(Why)]),
            erlang:halt(1)
    end.

parse_args([Role, Transport, Encoding, LP, RH, RP | Rest]) ->
    true = lists:member(Role, ["mg", "mgc"]),
    true = lists:member(Transport, ["udp", "tcp"]),
    true = lists:member(Encoding, ["pretty", "compact"]),
    T = case Rest of
            [] -> ?DEFAULT_TIMEOUT_S;
            [S] -> list_to_integer(S)
        end,
    {list_to_atom(Role), list_to_atom(Transport), list_to_atom(Encoding),
     list_to_integer(LP), RH, list_to_integer(RP), T}.

transport_mod(udp) -> megaco_udp;
transport_mod(tcp) -> megaco_tcp.

encoder_mod(pretty) -> megaco_pretty_text_encoder;
encoder_mod(compact) -> megaco_compact_text_encoder.

%% A hard upper bound: whatever happens, the VM is gone after TimeoutMs.
start_watchdog(TimeoutMs) ->
    spawn(fun() ->
                  timer:sleep(TimeoutMs),
                  out("HF-DONE fail timeout after ~w ms", [TimeoutMs]),
                  erlang:halt(1)
          end).

%%======================================================================
%% Scenarios
%%======================================================================

run(Role, Cfg = #{mid := Mid}) ->
    ok = megaco:start(),
    UserConfig = [{user_mod, ?MODULE},
                  {user_args, []},
                  {protocol_version, 1},
                  {encoding_mod, ?MODULE},      % wrapper -> real text encoder
                  {encoding_config, []},
                  {send_mod, ?MODULE},          % wrapper -> megaco_udp/megaco_tcp
                  {request_timer, request_timer(maps:get(transport, Cfg))},
                  {long_request_timer, 5000},
                  {reply_timer, 5000},
                  {auto_ack, false}],
    case megaco:start_user(Mid, UserConfig) of
        ok -> ok;
        {error, E} -> fail("start_user", E)
    end,
    RH = megaco:user_info(Mid, receive_handle),
    case Role of
        mg -> run_mg(Cfg, RH);
        mgc -> run_mgc(Cfg, RH)
    end.

%% UDP: resend a few times (lost datagrams, peer slow to start);
%% TCP: no resends, one overall timeout.
request_timer(udp) ->
    #megaco_incr_timer{wait_for = 1500, factor = 1, incr = 0, max_retries = 3};
request_timer(tcp) ->
    6000.

%%----------------------------------------------------------------------
%% MG role
%%----------------------------------------------------------------------

run_mg(Cfg, RH) ->
    CH = mg_connect(Cfg, RH),
    step("transport", "ok", "connected ~0p", [CH]),

    %% 1. ServiceChange Restart / 901
    step("servicechange-request", "sent"),
    SCReply = megaco:call(CH, [service_change_request()], []),
    decoded("servicechange-reply", SCReply),
    check_service_change_reply(SCReply),
    step("servicechange-reply", "ok"),
    %% megaco has now re-keyed the connection: the handle carrying
    %% 'preliminary_mid' is dead, the live one names the MGC's real mid.
    CH2 = current_conn(maps:get(mid, Cfg), "servicechange-reply"),
    out("HF-INFO connection now ~0p", [CH2]),

    %% 2. Modify A4444 from the MGC (answered by handle_trans_request)
    {modify, ModCheck} = await_event(modify, "modify-request"),
    step("modify-request", "received"),
    expect_check("modify-request", ModCheck),
    step("modify-reply", "sent"),

    %% 3. Notify A4444 ObservedEvents=2222{al/of}
    timer:sleep(?GAP_MS),
    step("notify-request", "sent"),
    NReply = megaco:call(CH2, [notify_request()], []),
    decoded("notify-reply", NReply),
    check_notify_reply(NReply),
    step("notify-reply", "ok"),

    %% 4. AuditValue A4444 from the MGC
    {auditvalue, AVCheck} = await_event(auditvalue, "auditvalue-request"),
    step("auditvalue-request", "received"),
    expect_check("auditvalue-request", AVCheck),
    step("auditvalue-reply", "sent"),

    %% 5. linger
    linger(?LINGER_MS),
    ok.

mg_connect(#{transport := udp, local_port := LP, remote_host := Host,
             remote_port := RP}, RH) ->
    {ok, Sup} = megaco_udp:start_transport(),
    case megaco_udp:open(Sup, [{port, LP}, {receive_handle, RH}]) of
        {ok, Handle, ControlPid} ->
            SH = megaco_udp:create_send_handle(Handle, resolve(Host), RP),
            connect(RH, SH, ControlPid);
        Err ->
            fail("transport", {megaco_udp_open, Err})
    end;
mg_connect(#{transport := tcp, remote_host := Host, remote_port := RP}, RH) ->
    {ok, Sup} = megaco_tcp:start_transport(),
    Deadline = erlang:monotonic_time(millisecond) + ?TCP_CONNECT_MS,
    tcp_connect(Sup, resolve(Host), RP, RH, Deadline).

%% The MGC may still be starting: retry refused connections for a while.
tcp_connect(Sup, IP, RP, RH, Deadline) ->
    case megaco_tcp:connect(Sup, [{host, IP}, {port, RP}, {receive_handle, RH}]) of
        {ok, SH, ControlPid} ->
            connect(RH, SH, ControlPid);
        Err ->
            case erlang:monotonic_time(millisecond) < Deadline of
                true ->
                    timer:sleep(200),
                    tcp_connect(Sup, IP, RP, RH, Deadline);
                false ->
                    fail("transport", {megaco_tcp_connect, Err})
            end
    end.

%% The remote mid is not known before the ServiceChange reply arrives;
%% megaco replaces 'preliminary_mid' with the mid of the first message
%% received on this connection.
connect(RH, SH, ControlPid) ->
    case megaco:connect(RH, preliminary_mid, SH, ControlPid) of
        {ok, CH} -> CH;
        Err -> fail("transport", {megaco_connect, Err})
    end.

%%----------------------------------------------------------------------
%% MGC role
%%----------------------------------------------------------------------

run_mgc(Cfg, RH) ->
    mgc_listen(Cfg, RH),
    step("listen", "ok", "~s port ~w", [maps:get(transport, Cfg),
                                        maps:get(local_port, Cfg)]),

    %% 1. ServiceChange from the MG (answered by handle_trans_request)
    {servicechange, SCCheck, CH} = await_event(servicechange,
                                               "servicechange-request"),
    step("servicechange-request", "received"),
    expect_check("servicechange-request", SCCheck),
    step("servicechange-reply", "sent"),

    %% 2. Modify A4444 with Events 2222 {al/of}
    timer:sleep(?GAP_MS),
    step("modify-request", "sent"),
    MReply = megaco:call(CH, [modify_request()], []),
    decoded("modify-reply", MReply),
    check_modify_reply(MReply),
    step("modify-reply", "ok"),

    %% 3. Notify from the MG
    {notify, NCheck} = await_event(notify, "notify-request"),
    step("notify-request", "received"),
    expect_check("notify-request", NCheck),
    step("notify-reply", "sent"),

    %% 4. AuditValue A4444 Audit{Media}
    timer:sleep(?GAP_MS),
    step("auditvalue-request", "sent"),
    AReply = megaco:call(CH, [audit_value_request()], []),
    decoded("auditvalue-reply", AReply),
    check_audit_value_reply(AReply),
    step("auditvalue-reply", "ok"),

    %% 5. short linger (lets a retransmitted request still get its reply)
    linger(?LINGER_MS div 2),
    ok.

mgc_listen(#{transport := udp, local_port := LP}, RH) ->
    {ok, Sup} = megaco_udp:start_transport(),
    case megaco_udp:open(Sup, [{port, LP}, {receive_handle, RH}]) of
        {ok, _SH, _ControlPid} -> ok;
        Err -> fail("listen", {megaco_udp_open, Err})
    end;
mgc_listen(#{transport := tcp, local_port := LP}, RH) ->
    {ok, Sup} = megaco_tcp:start_transport(),
    case megaco_tcp:listen(Sup, [{port, LP}, {receive_handle, RH}]) of
        ok -> ok;
        Err -> fail("listen", {megaco_tcp_listen, Err})
    end.

%%----------------------------------------------------------------------
%% Controller helpers
%%----------------------------------------------------------------------

await_event(Tag, StepName) ->
    receive
        {hf_event, Ev} when element(1, Ev) =:= Tag -> Ev;
        {hf_event, {Bad, What}} when Bad =:= syntax_error;
                                     Bad =:= message_error;
                                     Bad =:= unexpected_command ->
            fail(StepName, {Bad, What})
    after ?STEP_WAIT_MS ->
            fail(StepName, {no_request_within_ms, ?STEP_WAIT_MS})
    end.

current_conn(Mid, Step) ->
    case megaco:user_info(Mid, connections) of
        [C] -> C;
        Other -> fail(Step, {expected_one_connection, Other})
    end.

linger(Ms) ->
    Deadline = erlang:monotonic_time(millisecond) + Ms,
    linger_loop(Deadline).

linger_loop(Deadline) ->
    Left = Deadline - erlang:monotonic_time(millisecond),
    if Left =< 0 -> ok;
       true ->
            receive
                {hf_event, Ev} ->
                    out("HF-INFO extra event after scenario: ~0p", [Ev]),
                    linger_loop(Deadline)
            after Left -> ok
            end
    end.

expect_check(_Step, ok) -> ok;
expect_check(Step, {error, Why}) -> fail(Step, Why).

fail(Step, Reason) ->
    R = oneline(io_lib:format("~0p", [Reason])),
    step(Step, "fail", "~s", [R]),
    throw({step_failed, Step ++ ": " ++ R}).

stop_stack(Mid) ->
    %% bounded: never let a stuck stop keep the VM alive
    Self = self(),
    Pid = spawn(fun() ->
                        catch [begin
                                   catch megaco:disconnect(C, stopped),
                                   catch megaco:cancel(C, stopped)
                               end || C <- megaco:user_info(Mid, connections)],
                        catch megaco:stop_user(Mid),
                        catch megaco:stop(),
                        Self ! {stopped, self()}
                end),
    receive {stopped, Pid} -> ok
    after 2000 -> out("HF-WARN megaco stop did not finish within 2 s")
    end.

resolve(Host) ->
    case inet:getaddr(Host, inet) of
        {ok, IP} -> IP;
        {error, E} -> fail("resolve", {Host, E})
    end.

%%======================================================================
%% Messages we originate
%%======================================================================

tid(Name) -> #megaco_term_id{contains_wildcards = false, id = [Name]}.

service_change_request() ->
    Parm = #'ServiceChangeParm'{serviceChangeMethod = restart,
                                serviceChangeReason = ["901"]},
    Req = #'ServiceChangeRequest'{terminationID = [tid("ROOT")],
                                  serviceChangeParms = Parm},
    action([#'CommandRequest'{command = {serviceChangeReq, Req}}]).

modify_request() ->
    Media = #'MediaDescriptor'{streams = {multiStream, [stream_sendrecv()]}},
    Events = #'EventsDescriptor'{
                requestID = ?REQ_ID,
                eventList = [#'RequestedEvent'{pkgdName = ?EVENT}]},
    Req = #'AmmRequest'{terminationID = [tid(?TERM)],
                        descriptors = [{mediaDescriptor, Media},
                                       {eventsDescriptor, Events}]},
    action([#'CommandRequest'{command = {modReq, Req}}]).

notify_request() ->
    {{Y, Mo, D}, {H, Mi, S}} = calendar:universal_time(),
    Date = lists:flatten(io_lib:format("~4..0w~2..0w~2..0w", [Y, Mo, D])),
    Time = lists:flatten(io_lib:format("~2..0w~2..0w~2..0w00", [H, Mi, S])),
    OE = #'ObservedEvent'{eventName = ?EVENT,
                          timeNotation = #'TimeNotation'{date = Date,
                                                         time = Time}},
    OED = #'ObservedEventsDescriptor'{requestId = ?REQ_ID,
                                      observedEventLst = [OE]},
    Req = #'NotifyRequest'{terminationID = [tid(?TERM)],
                           observedEventsDescriptor = OED},
    action([#'CommandRequest'{command = {notifyReq, Req}}]).

audit_value_request() ->
    Req = #'AuditRequest'{terminationID = tid(?TERM),
                          auditDescriptor =
                              #'AuditDescriptor'{auditToken = [mediaToken]}},
    action([#'CommandRequest'{command = {auditValueRequest, Req}}]).

action(Cmds) ->
    #'ActionRequest'{contextId = ?NULL_CTX, commandRequests = Cmds}.

stream_sendrecv() ->
    #'StreamDescriptor'{
       streamID = 1,
       streamParms = #'StreamParms'{
                        localControlDescriptor =
                            #'LocalControlDescriptor'{streamMode = sendRecv}}}.

%%======================================================================
%% Checking replies to our requests  (megaco:call/3 result)
%%======================================================================

%% megaco:call/3 with a list of ActionRequests returns
%% {ProtocolVersion, {ok, [ActionReply]} | {error, Reason}}.
command_replies(Step, {_V, {ok, ARs}}) when is_list(ARs) ->
    lists:flatmap(
      fun(#'ActionReply'{errorDescriptor = asn1_NOVALUE, commandReply = CR}) ->
              CR;
         (#'ActionReply'{errorDescriptor = ED}) ->
              fail(Step, {action_error, ED})
      end, ARs);
command_replies(Step, {_V, {ok, ARs, _SegInfo}}) ->
    command_replies(Step, {_V, {ok, ARs}});
command_replies(Step, {_V, {error, Reason}}) ->
    fail(Step, Reason);
command_replies(Step, Other) ->
    fail(Step, {unexpected_call_result, Other}).

check_service_change_reply(Res) ->
    case command_replies("servicechange-reply", Res) of
        [{serviceChangeReply,
          #'ServiceChangeReply'{serviceChangeResult = {serviceChangeResParms, _}}}] ->
            ok;
        Other ->
            fail("servicechange-reply", {unexpected, Other})
    end.

check_modify_reply(Res) ->
    case command_replies("modify-reply", Res) of
        [{modReply, #'AmmsReply'{terminationID = TIDs}}] ->
            require_term("modify-reply", TIDs);
        Other ->
            fail("modify-reply", {unexpected, Other})
    end.

check_notify_reply(Res) ->
    case command_replies("notify-reply", Res) of
        [{notifyReply, #'NotifyReply'{terminationID = TIDs,
                                      errorDescriptor = asn1_NOVALUE}}] ->
            require_term("notify-reply", TIDs);
        Other ->
            fail("notify-reply", {unexpected, Other})
    end.

check_audit_value_reply(Res) ->
    case command_replies("auditvalue-reply", Res) of
        [{auditValueReply,
          {auditResult, #'AuditResult'{terminationID = TID,
                                       terminationAuditResult = Parms}}}] ->
            require_term("auditvalue-reply", [TID]),
            case lists:keyfind(mediaDescriptor, 1, Parms) of
                {mediaDescriptor, #'MediaDescriptor'{}} -> ok;
                false -> fail("auditvalue-reply", {no_media_descriptor, Parms})
            end;
        Other ->
            fail("auditvalue-reply", {unexpected, Other})
    end.

require_term(Step, TIDs) ->
    case [T || T <- TIDs, is_term(T, ?TERM)] of
        [_ | _] -> ok;
        [] -> fail(Step, {wrong_termination, TIDs})
    end.

%% OTP's text decoder lower-cases termination ids.
is_term(#megaco_term_id{id = [Name]}, Want) ->
    string:lowercase(Name) =:= string:lowercase(Want);
is_term(_, _) ->
    false.

%%======================================================================
%% Answering requests from the peer (runs inside megaco processes)
%%======================================================================

answer_actions(CH, ARs) ->
    Replies = [answer_action(CH, AR) || AR <- ARs],
    {discard_ack, Replies}.

answer_action(CH, #'ActionRequest'{contextId = Ctx, commandRequests = CRs}) ->
    #'ActionReply'{contextId = Ctx,
                   commandReply = [answer_command(CH, Ctx, C#'CommandRequest'.command)
                                   || C <- CRs]}.

answer_command(CH, Ctx, {serviceChangeReq,
                         #'ServiceChangeRequest'{terminationID = TIDs,
                                                 serviceChangeParms = P}}) ->
    Check =
        case {TIDs, P} of
            {[T], #'ServiceChangeParm'{serviceChangeMethod = restart,
                                       serviceChangeReason = Reason}} ->
                case is_term(T, "ROOT") of
                    true when Ctx =:= ?NULL_CTX ->
                        out("HF-INFO servicechange method=restart reason=~0p",
                            [Reason]),
                        ok;
                    true -> {error, {context_not_null, Ctx}};
                    false -> {error, {not_root, TIDs}}
                end;
            _ ->
                {error, {unexpected_service_change, TIDs, P}}
        end,
    notify_ctl({servicechange, Check, CH}),
    %% Empty ServiceChangeResParm encodes as a bare "ServiceChange = ROOT".
    {serviceChangeReply,
     #'ServiceChangeReply'{terminationID = [tid("ROOT")],
                           serviceChangeResult =
                               {serviceChangeResParms,
                                #'ServiceChangeResParm'{}}}};
answer_command(_CH, Ctx, {modReq, #'AmmRequest'{terminationID = TIDs,
                                                descriptors = Ds}}) ->
    Check =
        case TIDs of
            [T] ->
                case is_term(T, ?TERM) of
                    true when Ctx =:= ?NULL_CTX -> check_events(Ds);
                    true -> {error, {context_not_null, Ctx}};
                    false -> {error, {wrong_termination, TIDs}}
                end;
            _ -> {error, {wrong_termination, TIDs}}
        end,
    notify_ctl({modify, Check}),
    {modReply, #'AmmsReply'{terminationID = reply_tids(TIDs)}};
answer_command(_CH, Ctx, {notifyReq, #'NotifyRequest'{terminationID = TIDs,
                                                      observedEventsDescriptor = OED}}) ->
    Check =
        case {TIDs, OED} of
            {[T], #'ObservedEventsDescriptor'{requestId = ?REQ_ID,
                                              observedEventLst = Evs}}
              when Ctx =:= ?NULL_CTX ->
                case is_term(T, ?TERM) of
                    true ->
                        case [E || E = #'ObservedEvent'{eventName = N} <- Evs,
                                   string:lowercase(N) =:= ?EVENT] of
                            [#'ObservedEvent'{timeNotation = TN} | _] ->
                                out("HF-INFO notify observed al/of timestamp=~0p",
                                    [TN]),
                                ok;
                            [] -> {error, {no_al_of_event, Evs}}
                        end;
                    false -> {error, {wrong_termination, TIDs}}
                end;
            _ ->
                {error, {unexpected_notify, Ctx, TIDs, OED}}
        end,
    notify_ctl({notify, Check}),
    {notifyReply, #'NotifyReply'{terminationID = reply_tids(TIDs)}};
answer_command(_CH, Ctx, {auditValueRequest,
                          #'AuditRequest'{terminationID = T,
                                          auditDescriptor = AD}}) ->
    Check =
        case is_term(T, ?TERM) of
            true when Ctx =:= ?NULL_CTX ->
                out("HF-INFO auditvalue descriptor=~0p", [AD]),
                ok;
            true -> {error, {context_not_null, Ctx}};
            false -> {error, {wrong_termination, T}}
        end,
    notify_ctl({auditvalue, Check}),
    [RT] = reply_tids([T]),
    Media = #'MediaDescriptor'{
               termStateDescr = #'TerminationStateDescriptor'{
                                   propertyParms = [], serviceState = inSvc},
               streams = {multiStream, [stream_sendrecv()]}},
    {auditValueReply,
     {auditResult, #'AuditResult'{terminationID = RT,
                                  terminationAuditResult =
                                      [{mediaDescriptor, Media}]}}};
answer_command(_CH, _Ctx, Other) ->
    notify_ctl({unexpected_command, Other}),
    %% handle_trans_request turns this into a 501 transaction error
    erlang:error({unsupported_command, element(1, Other)}).

check_events(Ds) ->
    case [E || {eventsDescriptor, E} <- Ds] of
        [#'EventsDescriptor'{requestID = ?REQ_ID, eventList = Evs}] ->
            case [R || R = #'RequestedEvent'{pkgdName = N} <- Evs,
                       string:lowercase(N) =:= ?EVENT] of
                [_ | _] -> ok;
                [] -> {error, {no_al_of_in_events, Evs}}
            end;
        [#'EventsDescriptor'{requestID = Other}] ->
            {error, {wrong_request_id, Other}};
        [] ->
            {error, {no_events_descriptor, Ds}};
        Many ->
            {error, {several_events_descriptors, Many}}
    end.

%% Echo the termination ids, restoring the canonical spelling of ours
%% (the OTP text decoder hands them to us lower-cased).
reply_tids(TIDs) ->
    [case is_term(T, ?TERM) of
         true -> tid(?TERM);
         false -> T
     end || T <- TIDs].

notify_ctl(Ev) ->
    case whereis(?CTL) of
        undefined -> ok;
        Pid -> Pid ! {hf_event, Ev}
    end.

%%======================================================================
%% megaco_user callbacks
%%======================================================================

handle_connect(CH, PV) ->
    out("HF-INFO handle_connect ~0p v~w", [CH, PV]),
    ok.

handle_connect(CH, PV, _ConnectInfo) ->
    handle_connect(CH, PV).

handle_disconnect(CH, _PV, Reason) ->
    out("HF-INFO handle_disconnect ~0p ~0p", [CH, Reason]),
    catch megaco:cancel(CH, Reason),
    ok.

handle_syntax_error(_RH, PV, ED) ->
    out("HF-WARN handle_syntax_error v~w ~0p", [PV, ED]),
    notify_ctl({syntax_error, ED}),
    reply.

handle_syntax_error(RH, PV, ED, _Extra) ->
    handle_syntax_error(RH, PV, ED).

handle_message_error(CH, PV, ED) ->
    out("HF-WARN handle_message_error ~0p v~w ~0p", [CH, PV, ED]),
    notify_ctl({message_error, ED}),
    no_reply.

handle_message_error(CH, PV, ED, _Extra) ->
    handle_message_error(CH, PV, ED).

handle_trans_request(CH, _PV, ARs) ->
    decoded("trans-request", ARs),
    try
        answer_actions(CH, ARs)
    catch
        _:Why ->
            out("HF-WARN cannot answer request: ~0p", [Why]),
            {discard_ack,
             #'ErrorDescriptor'{errorCode = 501,
                                errorText = "Not Implemented"}}
    end.

handle_trans_request(CH, PV, ARs, _Extra) ->
    handle_trans_request(CH, PV, ARs).

handle_trans_long_request(_CH, _PV, _ReqData) ->
    {discard_ack, #'ErrorDescriptor'{errorCode = 501,
                                     errorText = "Not Implemented"}}.

handle_trans_long_request(CH, PV, ReqData, _Extra) ->
    handle_trans_long_request(CH, PV, ReqData).

handle_trans_reply(CH, PV, Reply, _ReplyData) ->
    out("HF-INFO handle_trans_reply ~0p v~w ~0p", [CH, PV, Reply]),
    ok.

handle_trans_reply(CH, PV, Reply, ReplyData, _Extra) ->
    handle_trans_reply(CH, PV, Reply, ReplyData).

handle_trans_ack(_CH, _PV, _Status, _AckData) ->
    ok.

handle_trans_ack(CH, PV, Status, AckData, _Extra) ->
    handle_trans_ack(CH, PV, Status, AckData).

handle_unexpected_trans(CH, PV, Trans) ->
    out("HF-WARN handle_unexpected_trans ~0p v~w ~0p", [CH, PV, Trans]),
    ok.

handle_unexpected_trans(CH, PV, Trans, _Extra) ->
    handle_unexpected_trans(CH, PV, Trans).

handle_trans_request_abort(_CH, _PV, TransId, _Pid) ->
    out("HF-WARN handle_trans_request_abort ~0p", [TransId]),
    ok.

handle_trans_request_abort(CH, PV, TransId, Pid, _Extra) ->
    handle_trans_request_abort(CH, PV, TransId, Pid).

handle_segment_reply(_CH, _PV, _TransId, _SN, _SC) ->
    ok.

handle_segment_reply(CH, PV, TransId, SN, SC, _Extra) ->
    handle_segment_reply(CH, PV, TransId, SN, SC).

%%======================================================================
%% send_mod wrapper
%%======================================================================

real_transport() -> persistent_term:get({?MODULE, transport}).

send_message(SH, Bin) ->
    wire("HF-SEND", Bin),
    (real_transport()):send_message(SH, Bin).

resend_message(SH, Bin) ->
    send_message(SH, Bin).

block(SH) -> (real_transport()):block(SH).
unblock(SH) -> (real_transport()):unblock(SH).
close(SH) -> (real_transport()):close(SH).

%%======================================================================
%% encoding_mod wrapper
%%======================================================================

real_encoder() -> persistent_term:get({?MODULE, encoder}).

encode_message(EC, V, Msg) ->
    (real_encoder()):encode_message(EC, V, Msg).

decode_message(EC, V, Bin) ->
    wire("HF-RECV", Bin),
    (real_encoder()):decode_message(EC, V, Bin).

decode_mini_message(EC, V, Bin) ->
    (real_encoder()):decode_mini_message(EC, V, Bin).

version_of(EC, Bin) ->
    (real_encoder()):version_of(EC, Bin).

encode_transaction(EC, V, T) ->
    (real_encoder()):encode_transaction(EC, V, T).

encode_action_requests(EC, V, ARs) ->
    (real_encoder()):encode_action_requests(EC, V, ARs).

encode_action_reply(EC, V, AR) ->
    (real_encoder()):encode_action_reply(EC, V, AR).

%%======================================================================
%% Output
%%======================================================================

step(Name, Status) ->
    out("HF-STEP ~s ~s", [Name, Status]).

step(Name, Status, Fmt, Args) ->
    out("HF-STEP ~s ~s " ++ Fmt, [Name, Status | Args]).

decoded(What, Term) ->
    out("HF-DECODED ~s ~s", [What, oneline(io_lib:format("~0p", [Term]))]).

wire(Tag, Bin) when is_binary(Bin) ->
    out("~s ~w ~s", [Tag, byte_size(Bin), escape(Bin)]);
wire(Tag, Other) ->
    out("~s ? ~0p", [Tag, Other]).

escape(Bin) ->
    << <<(esc(C))/binary>> || <<C>> <= Bin >>.

esc($\\) -> <<"\\\\">>;
esc($\r) -> <<"\\r">>;
esc($\n) -> <<"\\n">>;
esc($\t) -> <<"\\t">>;
esc(C) -> <<C>>.

oneline(IoData) ->
    S = unicode:characters_to_list(iolist_to_binary(IoData)),
    [case C of $\n -> $\s; $\r -> $\s; _ -> C end || C <- S].

out(Fmt) ->
    out(Fmt, []).

%% Everything goes to the 'user' io server (stdout) so that lines written
%% from megaco's processes are not lost or interleaved mid-line.
out(Fmt, Args) ->
    io:format(user, Fmt ++ "~n", Args).
