%%% hf_megaco_mg - a foreign media gateway for the controller's interop test: the real Erlang/OTP megaco stack,
%%% playing an MG with a few analog lines that answers whatever the controller asks.
%%%
%%% Usage:
%%%   erl -noshell -pa DIR -run hf_megaco_mg main <udp|tcp> <local_port> <mgc_host> <mgc_port> <lines> [<timeout_s>]
%%%     <lines>: comma-separated termination ids, e.g. A1,A2
%%%
%%% It registers (ServiceChange Restart 901 on ROOT, compact text, version 1), then answers every request:
%%% Add / Modify / Subtract / Move succeed (Add = $ gets a new context id), AuditValue returns an empty result for
%%% ROOT and its lines (error 430 for other terminations), Notify and ServiceChange get a plain reply.
%%% It never acts on its own after registering: the test reads what it was asked from stdout and stops it (or
%%% it halts after <timeout_s>, default 30).
%%%
%%% Output (stdout, one line each):
%%%   HF-START mid=[127.0.0.1]:<port>
%%%   HF-REGISTERED <reply>          the ServiceChange reply, as decoded
%%%   HF-REQ ctx=<id> <command>       one line per command received, as decoded (~0p)
%%%   HF-FAIL <reason>

-module(hf_megaco_mg).
-behaviour(megaco_user).

-export([main/1]).
-export([handle_connect/2, handle_connect/3, handle_disconnect/3,
         handle_syntax_error/3, handle_syntax_error/4,
         handle_message_error/3, handle_message_error/4,
         handle_trans_request/3, handle_trans_request/4,
         handle_trans_long_request/3, handle_trans_long_request/4,
         handle_trans_reply/4, handle_trans_reply/5,
         handle_trans_ack/4, handle_trans_ack/5,
         handle_unexpected_trans/3, handle_unexpected_trans/4,
         handle_trans_request_abort/4, handle_trans_request_abort/5,
         handle_segment_reply/5, handle_segment_reply/6]).

%% The public megaco records this script needs (Debian's erlang-megaco ships no include files).
-record(megaco_incr_timer, {wait_for, factor, incr, max_retries}).
-record(megaco_term_id, {contains_wildcards = false, id}).
-record('IP4Address', {address, portNumber = asn1_NOVALUE}).
-record('ErrorDescriptor', {errorCode, errorText = asn1_NOVALUE}).
-record('ActionRequest', {contextId, contextRequest = asn1_NOVALUE, contextAttrAuditReq = asn1_NOVALUE,
                          commandRequests = []}).
-record('ActionReply', {contextId, errorDescriptor = asn1_NOVALUE, contextReply = asn1_NOVALUE,
                        commandReply = []}).
-record('CommandRequest', {command, optional = asn1_NOVALUE, wildcardReturn = asn1_NOVALUE}).
-record('AmmRequest', {terminationID = [], descriptors = []}).
-record('AmmsReply', {terminationID = [], terminationAudit = asn1_NOVALUE}).
-record('SubtractRequest', {terminationID = [], auditDescriptor = asn1_NOVALUE}).
-record('AuditRequest', {terminationID, auditDescriptor}).
-record('AuditResult', {terminationID, terminationAuditResult = []}).
-record('NotifyRequest', {terminationID = [], observedEventsDescriptor, errorDescriptor = asn1_NOVALUE}).
-record('NotifyReply', {terminationID = [], errorDescriptor = asn1_NOVALUE}).
-record('ServiceChangeRequest', {terminationID = [], serviceChangeParms}).
-record('ServiceChangeReply', {terminationID = [], serviceChangeResult = []}).
-record('ServiceChangeParm', {serviceChangeMethod, serviceChangeAddress = asn1_NOVALUE,
                              serviceChangeVersion = asn1_NOVALUE, serviceChangeProfile = asn1_NOVALUE,
                              serviceChangeReason, serviceChangeDelay = asn1_NOVALUE,
                              serviceChangeMgcId = asn1_NOVALUE, timeStamp = asn1_NOVALUE,
                              nonStandardData = asn1_NOVALUE}).
-record('ServiceChangeResParm', {serviceChangeMgcId = asn1_NOVALUE, serviceChangeAddress = asn1_NOVALUE,
                                 serviceChangeVersion = asn1_NOVALUE, serviceChangeProfile = asn1_NOVALUE,
                                 timeStamp = asn1_NOVALUE}).

-define(CHOOSE_CTX, 16#FFFFFFFE).

main([Transport, LP, Host, RP | Rest]) ->
    Timeout = case Rest of [_, T] -> list_to_integer(T); _ -> 30 end,
    Lines = case Rest of [L | _] -> string:tokens(L, ","); [] -> [] end,
    logger:set_primary_config(level, warning),
    spawn(fun() -> timer:sleep(Timeout * 1000), out("HF-FAIL timeout"), erlang:halt(1) end),
    Port = list_to_integer(LP),
    persistent_term:put({?MODULE, lines}, [string:lowercase(X) || X <- Lines]),
    persistent_term:put({?MODULE, next_ctx}, counters:new(1, [])),
    Mid = {ip4Address, #'IP4Address'{address = [127, 0, 0, 1], portNumber = Port}},
    out("HF-START mid=[127.0.0.1]:~w", [Port]),
    ok = megaco:start(),
    ok = megaco:start_user(Mid, [{user_mod, ?MODULE}, {user_args, []}, {protocol_version, 1},
                                 {encoding_mod, megaco_compact_text_encoder}, {encoding_config, []},
                                 {send_mod, send_mod(Transport)},
                                 {request_timer, #megaco_incr_timer{wait_for = 1000, factor = 1, incr = 0,
                                                                    max_retries = 3}},
                                 {long_request_timer, 5000}, {reply_timer, 5000}, {auto_ack, false}]),
    RH = megaco:user_info(Mid, receive_handle),
    {ok, IP} = inet:getaddr(Host, inet),
    CH = connect(Transport, Port, IP, list_to_integer(RP), RH),
    Sc = #'ServiceChangeParm'{serviceChangeMethod = restart, serviceChangeReason = ["901 Cold Boot"]},
    Req = #'ActionRequest'{contextId = 0, commandRequests = [#'CommandRequest'{command =
              {serviceChangeReq, #'ServiceChangeRequest'{terminationID = [tid("ROOT")],
                                                         serviceChangeParms = Sc}}}]},
    Reply = megaco:call(CH, [Req], []),
    out("HF-REGISTERED ~s", [oneline(io_lib:format("~0p", [Reply]))]),
    receive never -> ok end.

send_mod("udp") -> megaco_udp;
send_mod("tcp") -> megaco_tcp.

connect("udp", Port, IP, RP, RH) ->
    {ok, Sup} = megaco_udp:start_transport(),
    {ok, Handle, Control} = megaco_udp:open(Sup, [{port, Port}, {receive_handle, RH}]),
    SH = megaco_udp:create_send_handle(Handle, IP, RP),
    {ok, CH} = megaco:connect(RH, preliminary_mid, SH, Control),
    CH;
connect("tcp", _Port, IP, RP, RH) ->
    {ok, Sup} = megaco_tcp:start_transport(),
    {ok, SH, Control} = megaco_tcp:connect(Sup, [{host, IP}, {port, RP}, {receive_handle, RH}]),
    {ok, CH} = megaco:connect(RH, preliminary_mid, SH, Control),
    CH.

tid(Name) -> #megaco_term_id{contains_wildcards = false, id = [Name]}.

known(#megaco_term_id{id = [Name]}) ->
    N = string:lowercase(Name),
    N =:= "root" orelse lists:member(N, persistent_term:get({?MODULE, lines}));
known(_) -> false.

%% ------------------------------------------------------------------------------------------ answering

handle_trans_request(_CH, _PV, ARs) ->
    {discard_ack, [action(AR) || AR <- ARs]}.

handle_trans_request(CH, PV, ARs, _Extra) -> handle_trans_request(CH, PV, ARs).

action(#'ActionRequest'{contextId = Ctx0, commandRequests = CRs}) ->
    Ctx = case Ctx0 of
              ?CHOOSE_CTX -> C = persistent_term:get({?MODULE, next_ctx}), counters:add(C, 1, 1), counters:get(C, 1);
              _ -> Ctx0
          end,
    Replies = [command(Ctx, Cmd) || #'CommandRequest'{command = Cmd} <- CRs],
    #'ActionReply'{contextId = Ctx, commandReply = Replies}.

command(Ctx, Cmd) ->
    out("HF-REQ ctx=~w ~s", [Ctx, oneline(io_lib:format("~0p", [Cmd]))]),
    case Cmd of
        {addReq, #'AmmRequest'{terminationID = T}} -> {addReply, #'AmmsReply'{terminationID = T}};
        {modReq, #'AmmRequest'{terminationID = T}} -> {modReply, #'AmmsReply'{terminationID = T}};
        {moveReq, #'AmmRequest'{terminationID = T}} -> {moveReply, #'AmmsReply'{terminationID = T}};
        {subtractReq, #'SubtractRequest'{terminationID = T}} -> {subtractReply, #'AmmsReply'{terminationID = T}};
        {auditValueRequest, #'AuditRequest'{terminationID = T}} ->
            case known(T) of
                true -> {auditValueReply, {auditResult, #'AuditResult'{terminationID = T, terminationAuditResult = []}}};
                false -> {auditValueReply, {error, #'ErrorDescriptor'{errorCode = 430, errorText = "unknown termination"}}}
            end;
        {notifyReq, #'NotifyRequest'{terminationID = T}} -> {notifyReply, #'NotifyReply'{terminationID = T}};
        {serviceChangeReq, #'ServiceChangeRequest'{terminationID = T}} ->
            {serviceChangeReply, #'ServiceChangeReply'{terminationID = T,
                serviceChangeResult = {serviceChangeResParms, #'ServiceChangeResParm'{}}}}
    end.

%% ------------------------------------------------------------------------------------------ the rest of megaco_user

handle_connect(_CH, _PV) -> ok.
handle_connect(CH, PV, _Info) -> handle_connect(CH, PV).
handle_disconnect(CH, _PV, Reason) -> catch megaco:cancel(CH, Reason), ok.
handle_syntax_error(_RH, _PV, ED) -> out("HF-FAIL syntax error ~0p", [ED]), reply.
handle_syntax_error(RH, PV, ED, _Extra) -> handle_syntax_error(RH, PV, ED).
handle_message_error(_CH, _PV, ED) -> out("HF-FAIL message error ~0p", [ED]), no_reply.
handle_message_error(CH, PV, ED, _Extra) -> handle_message_error(CH, PV, ED).
handle_trans_long_request(_CH, _PV, _RD) -> {discard_ack, #'ErrorDescriptor'{errorCode = 501}}.
handle_trans_long_request(CH, PV, RD, _Extra) -> handle_trans_long_request(CH, PV, RD).
handle_trans_reply(_CH, _PV, _Reply, _RD) -> ok.
handle_trans_reply(CH, PV, Reply, RD, _Extra) -> handle_trans_reply(CH, PV, Reply, RD).
handle_trans_ack(_CH, _PV, _Status, _AD) -> ok.
handle_trans_ack(CH, PV, Status, AD, _Extra) -> handle_trans_ack(CH, PV, Status, AD).
handle_unexpected_trans(_CH, _PV, _T) -> ok.
handle_unexpected_trans(CH, PV, T, _Extra) -> handle_unexpected_trans(CH, PV, T).
handle_trans_request_abort(_CH, _PV, _TId, _Pid) -> ok.
handle_trans_request_abort(CH, PV, TId, Pid, _Extra) -> handle_trans_request_abort(CH, PV, TId, Pid).
handle_segment_reply(_CH, _PV, _TId, _SN, _SC) -> ok.
handle_segment_reply(CH, PV, TId, SN, SC, _Extra) -> handle_segment_reply(CH, PV, TId, SN, SC).

oneline(IoData) ->
    [case C of $\n -> $\s; $\r -> $\s; _ -> C end || C <- unicode:characters_to_list(iolist_to_binary(IoData))].

out(Fmt) -> out(Fmt, []).
out(Fmt, Args) -> io:format(user, Fmt ++ "~n", Args).
