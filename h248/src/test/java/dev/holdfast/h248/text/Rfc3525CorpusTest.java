package dev.holdfast.h248.text;

import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.AuditReturnItem;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.DigitMapDescriptor;
import dev.holdfast.h248.message.LocalDescriptor;
import dev.holdfast.h248.message.MediaDescriptor;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.Sdp;
import dev.holdfast.h248.message.ServiceChangeParm;
import dev.holdfast.h248.message.StatisticsDescriptor;
import dev.holdfast.h248.message.StreamDescriptor;
import dev.holdfast.h248.message.Transaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The 28 messages of RFC 3525 Appendix A (src/test/resources/rfc3525, see INDEX.md there): all decode leniently, each
 * with exactly the deviations INDEX.md lists where the text breaks the B.2 ABNF, and strict mode rejects exactly those
 * files, at the first deviation.
 */
class Rfc3525CorpusTest {

    static String read(int n) throws IOException {
        String name = String.format("/rfc3525/%02d.txt", n);
        try (InputStream in = Rfc3525CorpusTest.class.getResourceAsStream(name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    record Expected(Deviation.Kind kind, int line, int column) {
        @Override public String toString() { return kind + "@" + line + ":" + column; }
    }

    private static Expected at(Deviation.Kind kind, int line, int column) { return new Expected(kind, line, column); }

    /** The deviations of each file, from INDEX.md ("Annex B deviations"), in order. */
    private static List<Expected> expected(int n) {
        return switch (n) {
            // [B.2 comment] Services without Reason
            case 1 -> List.of(at(Deviation.Kind.MISSING_SERVICE_CHANGE_REASON, 3, 34));
            // [prod] trailing comma after LocalControl{...}; al/of(strict=state)
            case 3 -> List.of(at(Deviation.Kind.TRAILING_COMMA, 9, 26), at(Deviation.Kind.PARENTHESISED_PARAMETERS, 13, 36));
            case 5 -> List.of(at(Deviation.Kind.PARENTHESISED_PARAMETERS, 4, 36));
            // al/on(strict=state); the digit map broken inside "[1-" line break "7]"
            case 7 -> List.of(at(Deviation.Kind.PARENTHESISED_PARAMETERS, 5, 25),
                    at(Deviation.Kind.WHITESPACE_IN_DIGIT_MAP, 8, 47));
            case 13 -> List.of(at(Deviation.Kind.PARENTHESISED_PARAMETERS, 6, 27));
            case 17 -> List.of(at(Deviation.Kind.PARENTHESISED_PARAMETERS, 5, 36));
            case 19 -> List.of(at(Deviation.Kind.PARENTHESISED_PARAMETERS, 4, 33));
            case 25 -> List.of(at(Deviation.Kind.PARENTHESISED_PARAMETERS, 4, 37));
            default -> List.of();
        };
    }

    static Stream<Arguments> files() { return IntStream.rangeClosed(1, 28).mapToObj(Arguments::of); }

    @ParameterizedTest(name = "{0}.txt")
    @MethodSource("files")
    void decodesLenientlyWithExactlyTheKnownDeviations(int n) throws IOException {
        String text = read(n);
        DecodeResult r = TextCodec.decode(text, DecodeOptions.LENIENT);
        DecodeResult.Decoded d = assertInstanceOf(DecodeResult.Decoded.class, r, () -> n + ": " + r);
        assertEquals(expected(n), d.deviations().stream().map(v -> at(v.kind(), v.line(), v.column())).toList());
        assertEquals(1, d.message().version());
        assertEquals(1, d.message().transactions().size());
    }

    @ParameterizedTest(name = "{0}.txt")
    @MethodSource("files")
    void strictModeRejectsExactlyTheDeviatingFilesAtTheFirstDeviation(int n) throws IOException {
        String text = read(n);
        DecodeResult strict = TextCodec.decode(text, DecodeOptions.STRICT);
        List<Expected> deviations = expected(n);
        if (deviations.isEmpty()) {
            DecodeResult.Decoded d = assertInstanceOf(DecodeResult.Decoded.class, strict, () -> n + ": " + strict);
            assertEquals(((DecodeResult.Decoded) TextCodec.decode(text, DecodeOptions.LENIENT)).message(), d.message());
            return;
        }
        DecodeResult.Failed f = assertInstanceOf(DecodeResult.Failed.class, strict);
        DecodeResult.Decoded lenient = (DecodeResult.Decoded) TextCodec.decode(text, DecodeOptions.LENIENT);
        Deviation first = lenient.deviations().get(0);
        assertEquals(new SyntaxError(first.offset(), first.line(), first.column(), first.detail()), f.error());
        assertEquals(1, f.version());
        assertEquals(lenient.message().mid(), f.mid());
    }

    @ParameterizedTest(name = "{0}.txt")
    @MethodSource("files")
    void roundTripsThroughTheEncoderInBothForms(int n) throws IOException {
        Message decoded = ((DecodeResult.Decoded) TextCodec.decode(read(n), DecodeOptions.LENIENT)).message();
        for (TextForm form : TextForm.values()) {
            String encoded = TextCodec.encode(decoded, form);
            // the encoder writes plain ABNF: the syntactic deviations are gone; only what the model itself holds
            // (01's ServiceChange without a Reason) is still there
            DecodeResult again = TextCodec.decode(encoded, DecodeOptions.LENIENT);
            DecodeResult.Decoded d = assertInstanceOf(DecodeResult.Decoded.class, again,
                    () -> n + " " + form + ": " + again + "\n" + encoded);
            assertEquals(n == 1 ? List.of(Deviation.Kind.MISSING_SERVICE_CHANGE_REASON) : List.of(),
                    d.deviations().stream().map(Deviation::kind).toList(), () -> form + "\n" + encoded);
            assertEquals(decoded, d.message(), () -> n + " " + form + "\n" + encoded);
            assertEquals(encoded, TextCodec.encode(d.message(), form));
        }
    }

    @Test
    void strictAcceptsTwentyAndLenientAllTwentyEight() throws Exception {
        int strict = 0;
        int lenient = 0;
        for (int n = 1; n <= 28; n++) {
            String text = read(n);
            if (TextCodec.decode(text, DecodeOptions.STRICT) instanceof DecodeResult.Decoded) strict++;
            if (TextCodec.decode(text, DecodeOptions.LENIENT) instanceof DecodeResult.Decoded) lenient++;
        }
        assertEquals(20, strict); // all but 01 03 05 07 13 17 19 25
        assertEquals(28, lenient);
    }

    private static Message message(int n) throws IOException, H248SyntaxException { return TextCodec.parse(read(n)); }

    @Test
    void serviceChangeOfStep1() throws Exception {
        Command.ServiceChange sc = (Command.ServiceChange) ((Transaction.Request) message(1).transactions().get(0))
                .actions().get(0).commands().get(0).command();
        assertEquals(List.of(ServiceChangeParm.Method.of(ServiceChangeParm.MethodKind.RESTART),
                new ServiceChangeParm.Address(null, 55555), new ServiceChangeParm.Profile("ResGW", 1)), sc.parms());
    }

    @Test
    void digitMapOfStep8HasTheLineBreakRemoved() throws Exception {
        Command.Amm modify = (Command.Amm) ((Transaction.Request) message(7).transactions().get(0)).actions().get(0)
                .commands().get(0).command();
        DigitMapDescriptor dm = (DigitMapDescriptor) modify.descriptors().get(2);
        assertEquals("Dialplan0", dm.name());
        assertEquals("(0|00|[1-7]xxx|8xxxxxxx|Fxxxxxxx|Exx|91xxxxxxxxxx|9011x.)", dm.value().digitMap());
    }

    @Test
    void localOfStep12IsVerbatimWithTwoAlternatives() throws Exception {
        ActionRequest a = ((Transaction.Request) message(11).transactions().get(0)).actions().get(0);
        MediaDescriptor media = (MediaDescriptor) ((Command.Amm) a.commands().get(1).command()).descriptors().get(0);
        LocalDescriptor local = (LocalDescriptor) ((StreamDescriptor) media.parms().get(0)).parms().get(1);
        assertEquals(" v=0 c=IN IP4 $ m=audio $ RTP/AVP 4\n   a=ptime:30 v=0 c=IN IP4 $ m=audio $ RTP/AVP 0\n"
                + "                     ", local.sdp());
        assertEquals(1, Sdp.parse(local.sdp()).sessions().size()); // the RFC prints SDP fields on one line
    }

    @Test
    void auditValueReplyOfStep20() throws Exception {
        CommandReply.Audit audit = (CommandReply.Audit) ((Transaction.Reply) message(24).transactions().get(0))
                .actions().get(0).replies().get(0);
        assertEquals(6, audit.terminationAudit().size());
        assertInstanceOf(MediaDescriptor.class, audit.terminationAudit().get(0));
        assertInstanceOf(AuditReturnItem.class, audit.terminationAudit().get(1));
        StatisticsDescriptor stats = (StatisticsDescriptor) audit.terminationAudit().get(5);
        assertEquals(List.of("rtp/ps", "nt/os", "rtp/pr", "nt/or", "rtp/pl", "rtp/jit", "rtp/delay"),
                stats.statistics().stream().map(StatisticsDescriptor.Statistic::name).toList());
    }
}
