package dev.holdfast.h248.text;

import dev.holdfast.h248.interop.ErlangPeer;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.AuditDescriptor;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.IndAuditParameter;
import dev.holdfast.h248.message.IndAuditParameter.LocalControl;
import dev.holdfast.h248.message.IndAuditParameter.Media;
import dev.holdfast.h248.message.IndAuditParameter.Mode;
import dev.holdfast.h248.message.IndAuditParameter.ServiceStates;
import dev.holdfast.h248.message.IndAuditParameter.Stream;
import dev.holdfast.h248.message.IndAuditParameter.TerminationState;
import dev.holdfast.h248.message.LocalControlDescriptor;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.ParmValue;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.RequestId;
import dev.holdfast.h248.message.TerminationStateDescriptor;
import dev.holdfast.h248.message.Transaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Interop of the v2/v3 individual audit with Erlang/OTP megaco (Debian erlang-megaco, whose v2 and v3 text codecs
 * have indAud): OTP decodes what we encode, in both forms, and where OTP can write it again
 * ({@code hf_megaco_reencode.erl}), its text decodes strictly, with our decoder, to the message we sent.
 *
 * <p>Where OTP disagrees with the ABNF, the case says so and the test holds OTP to it, so that this list stays true:
 * <ul>
 *   <li>OTP's decoder rejects an auditItem token after an individual audit parameter in the same list
 *       ({@code Audit{Media{...}, Events}}; its grammar lets indAudterminationAudit run to the end of the list),
 *       v2 and v3; a token before them is accepted;</li>
 *   <li>OTP's v3 decoder rejects the INEQUAL selections {@code Mode # mode} and {@code ServiceStates # state}
 *       (its scanner never produces the INEQUAL its grammar wants there) and a propertyParm selection in an audited
 *       LocalControl or TerminationState ({@code bad_indAudLocalControlDescriptor_parm}: its records have no place
 *       for it); {@code Mode = mode} and {@code ServiceStates = state} are accepted;</li>
 *   <li>OTP decodes an audited Local/Remote, an audited signal's Stream, a TerminationState next to stream
 *       parameters or Stream descriptors in one audited Media, and a v2 ServiceChange with audit items, but does not write them back as
 *       sent: Local/Remote fail ({@code bad_property_parm}), the signal's stream comes out without {@code Stream=}
 *       ({@code cg/rt{1,SPARQ=5}}, which is not ABNF and which our decoder refuses), the TerminationState is
 *       dropped ({@code M{TS{SI},ST=1{O{MO}}}} comes back as {@code M{ST=1{O{MO}}}}, {@code M{TS{SI},O{MO}}} as
 *       {@code M{O{MO}}}), the ServiceChange crashes
 *       its v2 encoder ({@code function_clause} in enc_ServiceChangeParm).</li>
 * </ul>
 */
class IndividualAuditOtpInteropTest {
    private static final long ERL_TIMEOUT_SECONDS = 120;

    /** What OTP does with a message: decode and write again, decode only, or reject. */
    enum Otp { ROUND_TRIP, DECODES_ONLY, REJECTS }

    record Case(String name, Message message, Otp otp) {}

    private static Message auditValue(int version, AuditDescriptor.AuditItem... items) {
        return Message.of(version, SampleMessages.MGC, new Transaction.Request(1, List.of(ActionRequest.of(
                ContextId.NULL, new Command.Audit(false, List.of(SampleMessages.tid("line/1")),
                        AuditDescriptor.of(items))))));
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("v2-sample", SampleMessages.individualAuditsV2(), Otp.ROUND_TRIP));
        c.add(new Case("v2-servicechange", SampleMessages.capabilityChange(), Otp.DECODES_ONLY));
        c.add(new Case("v2-token-after", auditValue(2, Media.of(new Stream(1, LocalControl.of(Mode.audit()))),
                AuditDescriptor.Item.EVENTS), Otp.REJECTS));
        // v3: each form on its own
        c.add(new Case("v3-media-list", auditValue(3, Media.of(new Stream(1, LocalControl.of(Mode.audit())),
                new Stream(2, LocalControl.of(new IndAuditParameter.ReservedGroup())))), Otp.ROUND_TRIP));
        c.add(new Case("v3-termstate-and-stream", auditValue(3, Media.of(new TerminationState(ServiceStates.audit()),
                new Stream(1, LocalControl.of(Mode.audit())))), Otp.DECODES_ONLY));
        c.add(new Case("v3-termstate-and-streamparm", auditValue(3, Media.of(
                new TerminationState(ServiceStates.audit()), LocalControl.of(Mode.audit()))), Otp.DECODES_ONLY));
        c.add(new Case("v3-localcontrol-list", auditValue(3, Media.of(LocalControl.of(Mode.audit(),
                new IndAuditParameter.ReservedValue(), new IndAuditParameter.Property("nt/jit")))), Otp.ROUND_TRIP));
        c.add(new Case("v3-stream-statistics", auditValue(3, Media.of(new Stream(2,
                new IndAuditParameter.Statistics("nt/os"))), Media.of(new IndAuditParameter.Statistics("rtp/ps"))),
                Otp.ROUND_TRIP));
        c.add(new Case("v3-mode-equal", auditValue(3, Media.of(LocalControl.of(new Mode(ParmValue.Relation.EQUAL,
                LocalControlDescriptor.Mode.SENDRECV)))), Otp.ROUND_TRIP));
        c.add(new Case("v3-servicestates-equal", auditValue(3, Media.of(new TerminationState(new ServiceStates(
                ParmValue.Relation.EQUAL, TerminationStateDescriptor.ServiceState.IN_SERVICE)))), Otp.ROUND_TRIP));
        c.add(new Case("v3-termstate-property", auditValue(3, Media.of(new TerminationState(
                new IndAuditParameter.Property("tdmc/ec")))), Otp.ROUND_TRIP));
        c.add(new Case("v3-events-signals", auditValue(3, new IndAuditParameter.Events(null, "al/of"),
                new IndAuditParameter.Events(RequestId.ALL, "dd/ce"), new IndAuditParameter.Signals(null),
                new IndAuditParameter.Signals(new IndAuditParameter.Signal("cg/rt", null, RequestId.of(5))),
                new IndAuditParameter.Signals(new IndAuditParameter.SignalList(4, null)),
                new IndAuditParameter.DigitMap("dialplan0"), new IndAuditParameter.EventBuffer("g/x", 2, null),
                new IndAuditParameter.Packages("nt", 1)), Otp.ROUND_TRIP));
        c.add(new Case("v3-local-remote", auditValue(3, Media.of(new Stream(3, new IndAuditParameter.Local("v=0")),
                new Stream(4, new IndAuditParameter.Remote("v=0")))), Otp.DECODES_ONLY));
        c.add(new Case("v3-signal-stream", auditValue(3, new IndAuditParameter.Signals(
                new IndAuditParameter.Signal("cg/rt", 1, RequestId.of(5)))), Otp.DECODES_ONLY));
        c.add(new Case("v3-mode-inequal", auditValue(3, Media.of(LocalControl.of(new Mode(
                ParmValue.Relation.NOT_EQUAL, LocalControlDescriptor.Mode.INACTIVE)))), Otp.REJECTS));
        c.add(new Case("v3-servicestates-inequal", auditValue(3, Media.of(new TerminationState(new ServiceStates(
                ParmValue.Relation.NOT_EQUAL, TerminationStateDescriptor.ServiceState.TEST)))), Otp.REJECTS));
        c.add(new Case("v3-localcontrol-propertyparm", auditValue(3, Media.of(LocalControl.of(
                PropertyParm.of("tdmc/gain", "3")))), Otp.REJECTS));
        c.add(new Case("v3-termstate-propertyparm", auditValue(3, Media.of(new TerminationState(
                PropertyParm.of("tdmc/gain", "3")))), Otp.REJECTS));
        c.add(new Case("v3-token-after", auditValue(3, new IndAuditParameter.Packages("nt", 1),
                AuditDescriptor.Item.MEDIA), Otp.REJECTS));
        return c;
    }

    @Test
    void otpReadsOurIndividualAuditsAndWritesThemBackAsWeSentThem(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path out = dir.resolve("out");
        Map<String, Case> byFile = new LinkedHashMap<>();
        for (Case c : cases()) {
            for (TextForm form : TextForm.values()) {
                String file = c.name() + "-" + form.name().toLowerCase();
                Files.writeString(in.resolve(file + ".txt"), TextCodec.encode(c.message(), form),
                        StandardCharsets.ISO_8859_1);
                byFile.put(file, c);
            }
        }
        Map<String, String> verdicts = reencode(in, out);
        int roundTrips = 0;
        for (Map.Entry<String, Case> e : byFile.entrySet()) {
            String file = e.getKey();
            Case c = e.getValue();
            String verdict = verdicts.get(file);
            String ours = Files.readString(in.resolve(file + ".txt"), StandardCharsets.ISO_8859_1);
            if (verdict == null) fail("no verdict from OTP for " + file);
            switch (c.otp()) {
                case ROUND_TRIP -> {
                    assertEquals("ok", verdict, () -> file + ":\n" + ours);
                    for (String otpForm : List.of("pretty", "compact")) {
                        String otp = Files.readString(out.resolve(file + "." + otpForm + ".txt"),
                                StandardCharsets.ISO_8859_1);
                        DecodeResult r = TextCodec.decode(otp, DecodeOptions.STRICT);
                        if (r instanceof DecodeResult.Failed f) {
                            fail(file + ": OTP's " + otpForm + " text: " + f.error().describe() + "\n" + otp);
                        }
                        assertEquals(c.message(), ((DecodeResult.Decoded) r).message(),
                                () -> file + ": OTP's " + otpForm + " text:\n" + otp);
                        roundTrips++;
                    }
                }
                case DECODES_ONLY -> {
                    // OTP's decoder took it (see otpDecodesWhatItCannotWriteBack); its encoder fails, or what it
                    // writes is not what we sent
                    if (verdict.equals("ok")) {
                        String otp = Files.readString(out.resolve(file + ".compact.txt"), StandardCharsets.ISO_8859_1);
                        DecodeResult r = TextCodec.decode(otp, DecodeOptions.STRICT);
                        assertTrue(r instanceof DecodeResult.Failed
                                        || !((DecodeResult.Decoded) r).message().equals(c.message()),
                                () -> file + ": OTP now writes it back as sent: make it a ROUND_TRIP case\n" + otp);
                    } else {
                        assertTrue(verdict.startsWith("rejected {encode,")
                                        || verdict.startsWith("rejected {error,{bad_property_parm"),
                                () -> file + ": expected OTP's encoder to fail, got " + verdict);
                    }
                }
                case REJECTS -> assertTrue(verdict.startsWith("rejected ") && !verdict.startsWith("rejected {encode,")
                                && !verdict.contains("bad_property_parm"),
                        () -> file + ": expected OTP's decoder to reject it (a known disagreement), got " + verdict
                                + "\n" + ours);
            }
        }
        assertEquals(2 * 2 * cases().stream().filter(c -> c.otp() == Otp.ROUND_TRIP).count(), roundTrips);
    }

    /**
     * The DECODES_ONLY cases: OTP's decoder accepted our text (checked on its own, with the decoder of the text's
     * form), though OTP's encoder fails on the result.
     */
    @Test
    void otpDecodesWhatItCannotWriteBack(@TempDir Path dir) throws Exception {
        List<Path> files = new ArrayList<>();
        for (Case c : cases()) {
            if (c.otp() != Otp.DECODES_ONLY) continue;
            for (TextForm form : TextForm.values()) {
                Path p = dir.resolve(c.name() + (form == TextForm.COMPACT ? ".compact" : ".pretty"));
                Files.writeString(p, TextCodec.encode(c.message(), form), StandardCharsets.ISO_8859_1);
                files.add(p);
            }
        }
        String program = String.join(" ",
                "lists:foreach(fun(F) ->",
                "  {ok, B} = file:read_file(F),",
                "  Mod = case filename:extension(F) of \".compact\" -> megaco_compact_text_encoder;",
                "                                      _ -> megaco_pretty_text_encoder end,",
                "  case (catch Mod:decode_message([], dynamic, B)) of",
                "    {ok, _} -> io:format(\"OTP-OK ~s~n\", [F]);",
                "    R -> io:format(\"OTP-REJECT ~s ~0p~n\", [F, R]) end",
                "end, [" + String.join(",", files.stream().map(p -> "\"" + p + "\"").toList()) + "]),",
                "halt().");
        String output = runErl(List.of(erl(), "-noshell", "-noinput", "-eval", program), dir);
        for (Path p : files) {
            assertTrue(output.contains("OTP-OK " + p + "\n"), () -> p.getFileName() + ":\n"
                    + readQuietly(p) + "\n" + output);
        }
    }

    // ---------------------------------------------------------------- running OTP

    /** hf_megaco_reencode over {@code in}: per file name (without .txt), "ok" or "rejected REASON". */
    private static Map<String, String> reencode(Path in, Path out) throws Exception {
        Path ebin = ErlangPeer.ensureCompiled();
        String log = runErl(List.of(erl(), "-noshell", "-pa", ebin.toString(), "-run", "hf_megaco_reencode", "main",
                in.toString(), out.toString()), in);
        assertTrue(log.contains("HF-DONE ok"), log);
        Map<String, String> verdicts = new LinkedHashMap<>();
        for (String line : log.split("\n")) {
            if (!line.startsWith("HF-REENCODE ")) continue;
            String rest = line.substring("HF-REENCODE ".length());
            int space = rest.indexOf(' ');
            verdicts.put(rest.substring(0, space), rest.substring(space + 1).trim());
        }
        return verdicts;
    }

    private static String runErl(List<String> command, Path dir) throws Exception {
        Path log = Files.createTempFile(dir, "erl", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            if (!p.waitFor(ERL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) fail("erl did not finish in time");
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    private static String erl() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path p = Path.of(d, "erl");
            if (Files.isExecutable(p)) return p.toString();
        }
        return fail("erl is not installed (not on PATH): this test needs Erlang/OTP with megaco, Debian packages"
                + " 'erlang-base' and 'erlang-megaco'");
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p, StandardCharsets.ISO_8859_1);
        } catch (Exception e) {
            return "(unreadable: " + e + ")";
        }
    }
}
