package dev.holdfast.h248.text;

import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.SignalsDescriptor;
import dev.holdfast.h248.message.Transaction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Interop with Erlang/OTP megaco's text decoders ({@code megaco_pretty_text_encoder} and
 * {@code megaco_compact_text_encoder}, Debian {@code erlang-megaco}): what we encode, OTP decodes. The realistic
 * call flow must be accepted in both forms, and every RFC 3525 example OTP accepts as printed must still be
 * accepted after we decode and re-encode it (our text is never worse for OTP than the RFC's). One {@code erl}
 * process decodes all the files of a test; it is killed if it runs over its time.
 */
class OtpMegacoAcceptsOurTextTest {
    private static final long ERL_TIMEOUT_SECONDS = 120;
    private static String erl;

    @TempDir
    Path dir;

    @BeforeAll
    static void findErlang() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path p = Path.of(d, "erl");
            if (Files.isExecutable(p)) {
                erl = p.toString();
                return;
            }
        }
        fail("erl is not installed (not on PATH): this test needs Erlang/OTP with megaco, Debian packages "
                + "'erlang-base' and 'erlang-megaco', which the project's test script installs");
    }

    @Test
    void otpDecodesTheCallFlowInBothForms() throws Exception {
        Map<String, Path> files = new LinkedHashMap<>();
        int i = 0;
        for (WiresharkDissectorTest.Sent s : WiresharkDissectorTest.callFlow()) {
            i++;
            for (TextForm form : TextForm.values()) files.put("flow " + i + " " + form, write(s.message(), form));
        }
        Map<String, String> verdicts = otpDecode(files);
        for (Map.Entry<String, String> v : verdicts.entrySet()) {
            assertEquals("OK", v.getValue(), v.getKey() + ":\n" + Files.readString(files.get(v.getKey())));
        }
    }

    /** An empty Signals descriptor (stop all signals) is written bare, which is the only form OTP accepts. */
    @Test
    void otpDecodesAnEmptySignalsDescriptorInEveryVersion() throws Exception {
        Map<String, Path> files = new LinkedHashMap<>();
        for (int version = 1; version <= 3; version++) {
            Message m = Message.of(version, SampleMessages.MGC, new Transaction.Request(7, List.of(ActionRequest.of(
                    ContextId.of(1), new Command.Amm(Command.AmmVerb.MODIFY, List.of(SampleMessages.tid("line/17")),
                            List.of(SignalsDescriptor.of()))))));
            for (TextForm form : TextForm.values()) files.put("v" + version + " " + form, write(m, form));
        }
        for (Map.Entry<String, String> v : otpDecode(files).entrySet()) {
            assertEquals("OK", v.getValue(), v.getKey() + ":\n" + Files.readString(files.get(v.getKey())));
        }
    }

    @Test
    void everyRfc3525ExampleOtpAcceptsIsStillAcceptedAfterReencoding() throws Exception {
        Map<String, Path> originals = new LinkedHashMap<>();
        Map<String, Path> reencoded = new LinkedHashMap<>();
        for (int n = 1; n <= 28; n++) {
            String name = String.format("%02d.txt", n);
            String text = resource("rfc3525/" + name);
            Path original = dir.resolve("rfc-" + name);
            Files.writeString(original, text, StandardCharsets.ISO_8859_1);
            originals.put(name, original);
            DecodeResult r = TextCodec.decode(text, DecodeOptions.LENIENT);
            if (r instanceof DecodeResult.Failed f) fail(name + ": " + f.error().describe());
            Message m = ((DecodeResult.Decoded) r).message();
            for (TextForm form : TextForm.values()) reencoded.put(name + " " + form, write(m, form));
        }
        Map<String, String> before = otpDecode(originals);
        Map<String, String> after = otpDecode(reencoded);
        int accepted = 0;
        for (Map.Entry<String, String> b : before.entrySet()) {
            if (!b.getValue().equals("OK")) continue;
            accepted++;
            for (TextForm form : TextForm.values()) {
                String key = b.getKey() + " " + form;
                assertEquals("OK", after.get(key), key + " (OTP accepts the RFC's text):\n"
                        + Files.readString(reencoded.get(key)));
            }
        }
        if (accepted < 15) fail("OTP accepted only " + accepted + " RFC examples: " + before);
    }

    // ---------------------------------------------------------------- running OTP

    private Path write(Message m, TextForm form) throws IOException {
        Path p = Files.createTempFile(dir, "msg", form == TextForm.COMPACT ? ".compact" : ".pretty");
        Files.write(p, TextCodec.encodeToBytes(m, form));
        return p;
    }

    /**
     * Decodes each file with OTP megaco (the compact decoder for {@code .compact} files, else the pretty one;
     * version read from the message) and returns "OK" or OTP's error per key.
     */
    private Map<String, String> otpDecode(Map<String, Path> files) throws Exception {
        Path list = dir.resolve("files-" + System.nanoTime() + ".txt");
        List<String> paths = new ArrayList<>();
        for (Path p : files.values()) paths.add(p.toString());
        Files.write(list, paths, StandardCharsets.UTF_8);
        String program = String.join(" ",
                "{ok, L} = file:read_file(\"" + list + "\"),",
                "Files = string:lexemes(binary_to_list(L), \"\\n\"),",
                "lists:foreach(fun(F) ->",
                "  {ok, B} = file:read_file(F),",
                "  Mod = case filename:extension(F) of \".compact\" -> megaco_compact_text_encoder;",
                "                                      _ -> megaco_pretty_text_encoder end,",
                "  R = (catch Mod:decode_message([], dynamic, B)),",
                "  case R of {ok, _} -> io:format(\"OTP-OK ~s~n\", [F]);",
                "            _ -> io:format(\"OTP-REJECT ~s ~0p~n\", [F, R]) end",
                "end, Files),",
                "halt().");
        Path out = dir.resolve("erl-" + System.nanoTime() + ".out");
        Process p = new ProcessBuilder(erl, "-noshell", "-noinput", "-eval", program)
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            if (!p.waitFor(ERL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                fail("erl did not finish within " + ERL_TIMEOUT_SECONDS + " s");
            }
        } finally {
            if (p.isAlive()) p.destroyForcibly();
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) fail("erl exited with " + p.exitValue() + ":\n" + output);
        Map<String, String> byPath = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("OTP-OK ")) {
                byPath.put(line.substring(7).trim(), "OK");
            } else if (line.startsWith("OTP-REJECT ")) {
                String rest = line.substring(11);
                int space = rest.indexOf(' ');
                byPath.put(rest.substring(0, space), rest.substring(space + 1));
            }
        }
        Map<String, String> verdicts = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : files.entrySet()) {
            String v = byPath.get(e.getValue().toString());
            if (v == null) fail("no OTP verdict for " + e.getKey() + " in:\n" + output);
            verdicts.put(e.getKey(), v);
        }
        return verdicts;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = OtpMegacoAcceptsOurTextTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) fail("missing test resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
