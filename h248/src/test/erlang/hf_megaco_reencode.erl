%%% hf_megaco_reencode - lets OTP megaco write H.248 text, for the Java decoder to read.
%%%
%%% Usage:
%%%   erl -noshell -pa DIR -run hf_megaco_reencode main <in_dir> <out_dir>
%%%
%%% Every *.txt file in <in_dir> holds one H.248 text message. Each is decoded
%%% with megaco_pretty_text_encoder (flex scanner when the build has it, any
%%% protocol version) and, when that works, encoded again both ways:
%%%   <out_dir>/<name>.pretty.txt   megaco_pretty_text_encoder
%%%   <out_dir>/<name>.compact.txt  megaco_compact_text_encoder
%%% stdout: one line per file, "HF-REENCODE <name> ok" or
%%% "HF-REENCODE <name> rejected <reason>", then "HF-DONE ok".

-module(hf_megaco_reencode).

-export([main/1]).

main([InDir, OutDir]) ->
    Status =
        try
            ok = filelib:ensure_dir(filename:join(OutDir, "x")),
            Config = config(),
            Files = lists:sort(filelib:wildcard(filename:join(InDir, "*.txt"))),
            lists:foreach(fun(F) -> reencode(F, OutDir, Config) end, Files),
            io:format("HF-DONE ok~n"),
            0
        catch
            Class:Reason:Stack ->
                io:format("HF-DONE fail ~0p~n", [{Class, Reason, Stack}]),
                1
        end,
    erlang:halt(Status);
main(_) ->
    io:format("HF-DONE fail usage~n"),
    erlang:halt(1).

config() ->
    case catch megaco_flex_scanner:is_enabled() of
        true ->
            case catch megaco_flex_scanner:start() of
                {ok, Port} -> [{flex, Port}];
                _ -> []
            end;
        _ -> []
    end.

reencode(File, OutDir, Config) ->
    Name = filename:basename(File, ".txt"),
    {ok, Bin} = file:read_file(File),
    Decoded = (catch megaco_pretty_text_encoder:decode_message(Config, dynamic, Bin)),
    case Decoded of
        {ok, Msg} ->
            %% #'MegacoMessage'{mess = #'Message'{version = V}}
            V = element(2, element(3, Msg)),
            Pretty = megaco_pretty_text_encoder:encode_message([], V, Msg),
            Compact = megaco_compact_text_encoder:encode_message([], V, Msg),
            case {Pretty, Compact} of
                {{ok, P}, {ok, C}} ->
                    ok = file:write_file(filename:join(OutDir, Name ++ ".pretty.txt"), P),
                    ok = file:write_file(filename:join(OutDir, Name ++ ".compact.txt"), C),
                    io:format("HF-REENCODE ~s ok~n", [Name]);
                Other ->
                    io:format("HF-REENCODE ~s rejected ~0p~n", [Name, {encode, Other}])
            end;
        Other ->
            io:format("HF-REENCODE ~s rejected ~0p~n", [Name, Other])
    end.
