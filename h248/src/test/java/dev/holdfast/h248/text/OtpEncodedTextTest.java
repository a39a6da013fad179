package dev.holdfast.h248.text;

import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.CommandRequest;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.interop.ErlangPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our decoder reads what a real peer writes: Erlang/OTP megaco decodes the RFC 3525 corpus and encodes every message
 * it accepts again, pretty and compact ({@code hf_megaco_reencode.erl}); each of those texts must decode with no
 * deviation (strictly), to the same transactions, contexts, commands and termination ids as the original. (OTP lowers
 * the case of names, reorders some descriptors and rewrites the SDP line by line, so the comparison is on that
 * skeleton, not on the whole model.) The same for the encoder's v1-v3 samples that OTP accepts.
 */
class OtpEncodedTextTest {

    /** Runs hf_megaco_reencode over the *.txt files of {@code in}; returns the names OTP accepted. */
    private static List<String> reencode(Path in, Path out) throws Exception {
        Path ebin = ErlangPeer.ensureCompiled();
        Process p = new ProcessBuilder("erl", "-noshell", "-pa", ebin.toString(), "-run", "hf_megaco_reencode",
                "main", in.toString(), out.toString())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "hf_megaco_reencode timed out");
        assertTrue(log.contains("HF-DONE ok"), log);
        List<String> accepted = new ArrayList<>();
        for (String line : log.split("\n")) {
            if (line.startsWith("HF-REENCODE ") && line.endsWith(" ok")) accepted.add(line.split(" ")[1]);
        }
        return accepted;
    }

    /**
     * Decodes OTP's pretty and compact text of {@code name} and compares the skeleton with {@code ours}. The text
     * must be plain ABNF: no deviation, except those the message content itself carries (see
     * {@link RoundTripTest#CONTENT_DEVIATIONS}: OTP writes a Notify with only an Error as it got it).
     */
    private static void assertReadsOtpText(Path out, String name, Message ours) throws IOException {
        for (String form : List.of("pretty", "compact")) {
            String otp = Files.readString(out.resolve(name + "." + form + ".txt"), StandardCharsets.ISO_8859_1);
            DecodeResult r = TextCodec.decode(otp, DecodeOptions.LENIENT);
            DecodeResult.Decoded d = assertInstanceOf(DecodeResult.Decoded.class, r,
                    () -> name + " " + form + ": " + r + "\n" + otp);
            for (Deviation v : d.deviations()) {
                assertTrue(RoundTripTest.CONTENT_DEVIATIONS.contains(v.detail()), () -> v.describe() + "\n" + otp);
            }
            if (d.deviations().isEmpty()) {
                assertInstanceOf(DecodeResult.Decoded.class, TextCodec.decode(otp, DecodeOptions.STRICT));
            }
            assertEquals(skeleton(ours), skeleton(d.message()), () -> name + " " + form + "\n" + otp);
        }
    }

    @Test
    void everyCorpusMessageOtpWritesDecodesStrictly(@TempDir Path out) throws Exception {
        Path corpus = corpusDir();
        List<String> accepted = reencode(corpus, out);
        // OTP's flex scanner accepts 17 of the 28 (see INDEX.md); it encodes all of them again
        assertEquals(17, accepted.size(), accepted::toString);
        for (String name : accepted) {
            String original = Files.readString(corpus.resolve(name + ".txt"), StandardCharsets.ISO_8859_1);
            assertReadsOtpText(out, name, ((DecodeResult.Decoded) TextCodec.decode(original, DecodeOptions.LENIENT))
                    .message());
        }
    }

    @Test
    void ourV1ToV3SamplesAsOtpWritesThemDecodeStrictly(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path out = dir.resolve("out");
        List<Message> samples = SampleMessages.all();
        for (int i = 0; i < samples.size(); i++) {
            Files.writeString(in.resolve(String.format("s%02d.txt", i)), TextCodec.encode(samples.get(i),
                    TextForm.COMPACT), StandardCharsets.ISO_8859_1);
        }
        List<String> accepted = reencode(in, out);
        // OTP refuses several samples for reasons of its own (at-most-once checks, v2 grammar gaps); the others
        // are what matters here
        assertTrue(accepted.size() >= 3, () -> "OTP accepted only " + accepted);
        for (String name : accepted) {
            assertReadsOtpText(out, name, samples.get(Integer.parseInt(name.substring(1))));
        }
    }

    /** Transactions, contexts, commands and termination ids (lower case), in order. */
    private static List<String> skeleton(Message m) {
        List<String> out = new ArrayList<>();
        out.add("v" + m.version() + " " + m.mid());
        for (Transaction t : m.transactions()) {
            if (t instanceof Transaction.Request r) {
                out.add("T" + r.transactionId());
                for (ActionRequest a : r.actions()) {
                    out.add(" C" + a.contextId());
                    for (CommandRequest c : a.commands()) out.add("  " + verb(c.command()) + ids(c.command().terminationIds()));
                }
            } else if (t instanceof Transaction.Reply r) {
                out.add("P" + r.transactionId() + (r.error() != null ? " " + r.error() : ""));
                for (ActionReply a : r.actions()) {
                    out.add(" C" + a.contextId());
                    for (CommandReply c : a.replies()) out.add("  " + c.getClass().getSimpleName() + reply(c));
                }
            } else {
                out.add(t.toString());
            }
        }
        return out;
    }

    private static String verb(Command c) {
        return c instanceof Command.Amm amm ? amm.verb().toString() : c.getClass().getSimpleName();
    }

    private static String reply(CommandReply c) {
        if (c instanceof CommandReply.Amms a) return a.verb() + ids(a.terminationIds()) + " " + a.terminationAudit().size();
        if (c instanceof CommandReply.Audit a) return ids(a.terminationIds()) + " " + a.terminationAudit().size();
        if (c instanceof CommandReply.Notify n) return ids(n.terminationIds());
        return ids(((CommandReply.ServiceChange) c).terminationIds());
    }

    private static String ids(List<TerminationId> ids) {
        return ids.stream().map(i -> i.value().toLowerCase(Locale.ROOT)).toList().toString();
    }

    private static Path corpusDir() throws IOException {
        for (Path p : List.of(Paths.get("src/test/resources/rfc3525"), Paths.get("h248/src/test/resources/rfc3525"))) {
            if (Files.isDirectory(p)) return p.toAbsolutePath();
        }
        throw new IOException("cannot find src/test/resources/rfc3525 from " + Paths.get("").toAbsolutePath());
    }
}
