%%% hf_megaco_codec_bench - times OTP megaco's own H.248 text codec.
%%%
%%% Usage:
%%%   erlc -o DIR hf_megaco_codec_bench.erl
%%%   erl -noshell -pa DIR -run hf_megaco_codec_bench main \
%%%       <dir_with_message_files> <iterations> <pretty|compact> [options]
%%%   options: any-version  also accept MEGACO/2 and /3 messages (default: v1 only)
%%%            noflex       force the plain Erlang scanner (for comparison)
%%%
%%% Every *.txt file in the directory holds one H.248 text message (pretty
%%% or compact form; OTP's text decoder accepts both).  Each file is decoded
%%% with megaco_pretty_text_encoder or megaco_compact_text_encoder, protocol
%%% version 1, using the flex scanner when the build has it (encoding config
%%% [{flex, Port}], the fastest text configuration), otherwise the plain
%%% Erlang scanner.  Files that fail to decode (or to re-encode) are skipped
%%% and counted as rejected.  OTP's text decoders choose the v1/v2/v3 parser
%%% from the message header whatever version is passed in, so messages whose
%%% header is not MEGACO/1 (or !/1) are rejected too, unless the option
%%% any-version is given.  The accepted messages are then timed, single
%%% process, erlang:monotonic_time:
%%%   - decode+encode loop  -> us_per_decode_encode
%%%   - decode-only loop    -> us_per_decode
%%%   - encode-only loop    -> us_per_encode (encoding the decoded terms)
%%% and the same by CPU time (statistics(runtime), all the runtime's threads,
%%% 1 ms steps): cpu_us_per_decode_encode, cpu_us_per_decode, cpu_us_per_encode.
%%% each after a warm-up of max(1, iterations div 5) passes.  One iteration
%%% is one pass over all accepted messages; the figures are per message.
%%%
%%% stdout: exactly one JSON line, e.g.
%%%   {"codec":"otp-megaco","encoding":"pretty","flex":true,"messages":17,
%%%    "rejected":11,"iterations":N,"us_per_decode_encode":X,
%%%    "us_per_decode":Y,"us_per_encode":Z,...}
%%% stderr: human-readable notes (flex status, each rejected file and why).
%%% Exit status 0 on success, 1 on bad usage / no accepted messages.

-module(hf_megaco_codec_bench).

-export([main/1]).

-define(VERSION, 1).

main(Args) ->
    Status =
        try run(Args)
        catch
            throw:{usage, Msg} ->
                note("usage: hf_megaco_codec_bench main <dir> <iterations> "
                     "<pretty|compact> (~s)", [Msg]),
                1;
            Class:Reason:Stack ->
                note("crashed: ~w:~0p ~0p", [Class, Reason, Stack]),
                1
        end,
    erlang:halt(Status).

run([Dir, ItersS, EncodingS | Flags]) ->
    lists:foreach(
      fun(F) ->
              lists:member(F, ["v1", "any-version", "flex", "noflex"])
                  orelse throw({usage, "unknown option " ++ F})
      end, Flags),
    AnyVersion = lists:member("any-version", Flags),
    UseFlex = not lists:member("noflex", Flags),
    Iters = try list_to_integer(ItersS)
            catch _:_ -> throw({usage, "iterations must be an integer"})
            end,
    Iters > 0 orelse throw({usage, "iterations must be > 0"}),
    Mod = case EncodingS of
              "pretty" -> megaco_pretty_text_encoder;
              "compact" -> megaco_compact_text_encoder;
              _ -> throw({usage, "encoding must be pretty or compact"})
          end,
    filelib:is_dir(Dir) orelse throw({usage, "not a directory: " ++ Dir}),
    {Flex, FlexNote, Config} =
        case UseFlex of
            true -> flex_config();
            false -> {false, "flex scanner disabled on request (noflex)", []}
        end,
    note("~s", [FlexNote]),
    Files = lists:sort(filelib:wildcard(filename:join(Dir, "*.txt"))),
    {Accepted, Rejected} = load(Files, Mod, Config, AnyVersion),
    NMsg = length(Accepted),
    note("~w files, ~w accepted, ~w rejected",
         [length(Files), NMsg, length(Rejected)]),
    Common = [{"codec", "otp-megaco"},
              {"encoding", EncodingS},
              {"flex", Flex},
              {"messages", NMsg},
              {"rejected", length(Rejected)},
              {"iterations", Iters}],
    case Accepted of
        [] ->
            emit(Common ++ [{"error", "no message could be decoded"},
                            {"flex_note", FlexNote}]),
            1;
        _ ->
            Bins = [B || {_, B, _} <- Accepted],
            Terms = [T || {_, _, T} <- Accepted],
            Bytes = lists:sum([byte_size(B) || B <- Bins]),
            Warm = max(1, Iters div 5),
            DE = fun() -> loop_decode_encode(Iters, Bins, Mod, Config) end,
            D = fun() -> loop_decode(Iters, Bins, Mod, Config) end,
            E = fun() -> loop_encode(Iters, Terms, Mod, Config) end,
            loop_decode_encode(Warm, Bins, Mod, Config),
            {TDE, CDE} = timed(DE),
            loop_decode(Warm, Bins, Mod, Config),
            {TD, CD} = timed(D),
            loop_encode(Warm, Terms, Mod, Config),
            {TE, CE} = timed(E),
            N = Iters * NMsg,
            emit(Common ++
                     [{"us_per_decode_encode", per(TDE, N)},
                      {"us_per_decode", per(TD, N)},
                      {"us_per_encode", per(TE, N)},
                      {"cpu_us_per_decode_encode", per(CDE, N)},
                      {"cpu_us_per_decode", per(CD, N)},
                      {"cpu_us_per_encode", per(CE, N)},
                      {"avg_message_bytes", round(Bytes / NMsg)},
                      {"warmup_iterations", Warm},
                      {"otp_release", erlang:system_info(otp_release)},
                      {"megaco_vsn", megaco_vsn()},
                      {"flex_note", FlexNote}]),
            0
    end;
run(_) ->
    throw({usage, "wrong number of arguments"}).

%%----------------------------------------------------------------------

flex_config() ->
    Enabled = (catch megaco_flex_scanner:is_enabled()),
    case Enabled of
        true ->
            case catch megaco_flex_scanner:start() of
                {ok, PortOrPorts} ->
                    Re = (catch megaco_flex_scanner:is_reentrant_enabled()),
                    {true,
                     lists:flatten(
                       io_lib:format("flex scanner enabled (reentrant=~w)",
                                     [Re])),
                     [{flex, PortOrPorts}]};
                Other ->
                    {false,
                     lists:flatten(
                       io_lib:format("FLEX SCANNER NOT AVAILABLE: start failed "
                                     "(~0p); using the plain Erlang scanner",
                                     [Other])),
                     []}
            end;
        _ ->
            {false,
             "FLEX SCANNER NOT AVAILABLE: this megaco build has no flex "
             "scanner driver; using the plain Erlang scanner",
             []}
    end.

load(Files, Mod, Config, AnyVersion) ->
    lists:foldr(
      fun(F, {Acc, Rej}) ->
              case check_one(F, Mod, Config, AnyVersion) of
                  {ok, Bin, Term} ->
                      {[{F, Bin, Term} | Acc], Rej};
                  {error, Why} ->
                      note("rejected ~s: ~s", [filename:basename(F), Why]),
                      {Acc, [F | Rej]}
              end
      end, {[], []}, Files).

check_one(F, Mod, Config, AnyVersion) ->
    case file:read_file(F) of
        {ok, Bin} ->
            case catch Mod:decode_message(Config, ?VERSION, Bin) of
                {ok, {'MegacoMessage', _, {'Message', V, _, _}}}
                  when V =/= ?VERSION, not AnyVersion ->
                    %% The text decoders pick the parser from the header
                    %% (MEGACO/N), whatever version is passed in.
                    {error, brief({not_version_1, V})};
                {ok, Term} ->
                    case catch Mod:encode_message(Config, ?VERSION, Term) of
                        {ok, Enc} when is_binary(Enc) -> {ok, Bin, Term};
                        Bad -> {error, brief({encode_failed, Bad})}
                    end;
                Bad ->
                    {error, brief({decode_failed, Bad})}
            end;
        {error, E} ->
            {error, brief({read_failed, E})}
    end.

brief(Term) ->
    S = lists:flatten(io_lib:format("~0P", [Term, 25])),
    case length(S) > 400 of
        true -> lists:sublist(S, 400) ++ "...";
        false -> S
    end.

%%----------------------------------------------------------------------
%% Timed loops.  Results are matched so a failure aborts the run instead
%% of being timed as a fast error path.

loop_decode_encode(0, _, _, _) -> ok;
loop_decode_encode(N, Bins, Mod, Config) ->
    de(Bins, Mod, Config),
    loop_decode_encode(N - 1, Bins, Mod, Config).

de([], _, _) -> ok;
de([B | Bs], Mod, Config) ->
    {ok, T} = Mod:decode_message(Config, ?VERSION, B),
    {ok, _} = Mod:encode_message(Config, ?VERSION, T),
    de(Bs, Mod, Config).

loop_decode(0, _, _, _) -> ok;
loop_decode(N, Bins, Mod, Config) ->
    d(Bins, Mod, Config),
    loop_decode(N - 1, Bins, Mod, Config).

d([], _, _) -> ok;
d([B | Bs], Mod, Config) ->
    {ok, _} = Mod:decode_message(Config, ?VERSION, B),
    d(Bs, Mod, Config).

loop_encode(0, _, _, _) -> ok;
loop_encode(N, Terms, Mod, Config) ->
    e(Terms, Mod, Config),
    loop_encode(N - 1, Terms, Mod, Config).

e([], _, _) -> ok;
e([T | Ts], Mod, Config) ->
    {ok, _} = Mod:encode_message(Config, ?VERSION, T),
    e(Ts, Mod, Config).

%% {wall-clock ns, CPU ns}: the CPU time is statistics(runtime), all the
%% runtime's threads, in ms steps (a loop takes some hundred ms); on a busy
%% machine it leaves out the time spent waiting for a core.
timed(Fun) ->
    {R0, _} = statistics(runtime),
    T0 = erlang:monotonic_time(nanosecond),
    ok = Fun(),
    T1 = erlang:monotonic_time(nanosecond),
    {R1, _} = statistics(runtime),
    {T1 - T0, (R1 - R0) * 1000000}.

per(Nanos, N) ->
    round(Nanos / N) / 1000.   % microseconds, 3 decimals

megaco_vsn() ->
    case application:get_key(megaco, vsn) of
        {ok, V} -> V;
        _ ->
            _ = application:load(megaco),
            case application:get_key(megaco, vsn) of
                {ok, V} -> V;
                _ -> "unknown"
            end
    end.

%%----------------------------------------------------------------------
%% Output

emit(Pairs) ->
    Body = lists:join(",", [[json_str(K), ":", json_val(V)] || {K, V} <- Pairs]),
    io:format(user, "~s~n", [iolist_to_binary(["{", Body, "}"])]).

json_val(true) -> "true";
json_val(false) -> "false";
json_val(I) when is_integer(I) -> integer_to_list(I);
json_val(F) when is_float(F) -> float_to_list(F, [{decimals, 3}, compact]);
json_val(S) when is_list(S) -> json_str(S).

json_str(S) ->
    ["\"", [esc(C) || C <- S], "\""].

esc($") -> "\\\"";
esc($\\) -> "\\\\";
esc(C) when C < 32 -> io_lib:format("\\u~4.16.0B", [C]);
esc(C) -> [C].

note(Fmt, Args) ->
    io:format(standard_error, "hf_megaco_codec_bench: " ++ Fmt ++ "~n", Args).
