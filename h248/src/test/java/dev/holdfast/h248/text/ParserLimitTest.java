package dev.holdfast.h248.text;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static dev.holdfast.h248.text.Decode.HEADER;
import static dev.holdfast.h248.text.Decode.failed;
import static dev.holdfast.h248.text.Decode.ok;
import static dev.holdfast.h248.text.Decode.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DecodeOptions limits, deep nesting, and "never throws, never hangs" on hostile input. */
class ParserLimitTest {
    private static DecodeOptions limits(int depth, int transactions, int actions, int commands) {
        return new DecodeOptions(DecodeOptions.Strictness.LENIENT, 65_536, depth, transactions, actions, commands);
    }

    @Test
    void oversizeMessageIsRefusedWhereTheLimitIsCrossed() {
        String text = HEADER + "T=1{C=1{MF=t{M{L{" + "x".repeat(70_000) + "}}}}}}";
        DecodeResult.Failed f = failed(text, DecodeOptions.LENIENT);
        assertEquals(65_536, f.error().offset());
        assertEquals(2, f.error().line());
        assertEquals(65_536 - HEADER.length() + 1, f.error().column());
        assertEquals("message of " + text.length() + " octets exceeds the limit of 65536", f.error().reason());

        DecodeResult viaBytes = TextCodec.decode(text.getBytes(StandardCharsets.ISO_8859_1), DecodeOptions.LENIENT);
        assertEquals(f.error(), ((DecodeResult.Failed) viaBytes).error());

        String small = request("MF=t");
        DecodeResult.Failed tight = failed(small, DecodeOptions.LENIENT.withMaxMessageBytes(10));
        assertEquals(10, tight.error().offset());
        assertTrue(TextCodec.decode(small, DecodeOptions.LENIENT.withMaxMessageBytes(small.length()))
                instanceof DecodeResult.Decoded);
    }

    @Test
    void tenThousandOpeningBracesFailFastAtTheFirstUnexpectedOne() {
        String text = HEADER + "T=1{" + "{".repeat(10_000);
        DecodeResult.Failed f = failed(text, DecodeOptions.LENIENT);
        assertEquals(HEADER.length() + 4, f.error().offset());
        assertEquals("expected 'Context' after 'T=1{' but found '{'", f.error().reason());
        assertEquals(List.of(1L), f.requestTransactionIds());
    }

    @Test
    void nestingDeeperThanTheLimitIsReportedAtTheBrace() {
        String text = request("MF=t{M{ST=1{O{MO=SO}}}}"); // T{ C{ MF{ M{ ST{ O{ : 6 levels
        assertTrue(TextCodec.decode(text, limits(6, 256, 256, 1024)) instanceof DecodeResult.Decoded);
        DecodeResult.Failed f = failed(text, limits(5, 256, 256, 1024));
        assertEquals("braces nested deeper than 5 levels", f.error().reason());
        assertEquals(text.indexOf("O{") + 1, f.error().offset());
    }

    /** x/y { RegulatedNotify { Embed { Events = 1 { x/y { ... } } } } }: the ABNF lets this recurse forever. */
    private static String regulatedNotifyNest(int levels) {
        String ev = "x/y";
        for (int i = 0; i < levels; i++) ev = "x/y{NBRN{EM{E=1{" + ev + "}}}}";
        return request("MF=t{E=1{" + ev + "}}");
    }

    @Test
    void recursiveGrammarIsBoundedByTheDepthLimit() {
        String text = regulatedNotifyNest(100); // 4 + 400 braces
        DecodeResult.Failed f = failed(text, DecodeOptions.LENIENT);
        assertEquals("braces nested deeper than 32 levels", f.error().reason());
        assertEquals(Decode.offsetOf(text, "{", 32), f.error().offset());
    }

    @Test
    void evenAnUnboundedLimitCannotOverflowTheStack() {
        String text = regulatedNotifyNest(2_000); // 8004 braces
        DecodeResult.Failed f = failed(text, limits(Integer.MAX_VALUE, 256, 256, 1024));
        assertEquals("braces nested deeper than " + TextScanner.HARD_MAX_DEPTH + " levels", f.error().reason());
        assertEquals(Decode.offsetOf(text, "{", TextScanner.HARD_MAX_DEPTH), f.error().offset());
        assertTrue(TextCodec.decode(regulatedNotifyNest(30), limits(200, 256, 256, 1024))
                instanceof DecodeResult.Decoded);
    }

    @Test
    void tooManyTransactions() {
        String text = HEADER + "T=1{C=1{MF=a}} T=2{C=1{MF=a}} T=3{C=1{MF=a}} T=4{C=1{MF=a}}";
        DecodeResult.Failed f = failed(text, limits(32, 3, 256, 1024));
        assertEquals("more than 3 transactions in one message", f.error().reason());
        assertEquals(text.indexOf("T=4"), f.error().offset());
        assertEquals(List.of(1L, 2L, 3L), f.requestTransactionIds());
        assertEquals(4, ok(text).transactions().size());
    }

    @Test
    void tooManyActions() {
        String text = HEADER + "T=9{C=1{MF=a},C=2{MF=a},C=3{MF=a}}";
        DecodeResult.Failed f = failed(text, limits(32, 256, 2, 1024));
        assertEquals("more than 2 actions in transaction 9", f.error().reason());
        assertEquals(text.indexOf("C=3"), f.error().offset());
        String reply = HEADER + "P=9{C=1{MF=a},C=2{MF=a},C=3{MF=a}}";
        assertEquals("more than 2 actions in reply 9", failed(reply, limits(32, 256, 2, 1024)).error().reason());
    }

    @Test
    void tooManyCommands() {
        String text = request("MF=a,MF=b,MF=c");
        DecodeResult.Failed f = failed(text, limits(32, 256, 256, 2));
        assertEquals("more than 2 commands in Context = 1", f.error().reason());
        assertEquals(text.indexOf("MF=c"), f.error().offset());
        DecodeResult.Failed r = failed(Decode.reply("MF=a,MF=b,MF=c"), limits(32, 256, 256, 2));
        assertEquals("more than 2 command replies in Context = 1", r.error().reason());
    }

    // ---------------------------------------------------------------- hostile input

    private static void assertDecodesOrFails(String text) {
        DecodeResult r = TextCodec.decode(text, DecodeOptions.LENIENT);
        assertNotNull(r);
        if (r instanceof DecodeResult.Failed f) {
            assertFalse(f.error().reason().startsWith("internal decoder error"), () -> f.error() + " for " + text);
            assertTrue(f.error().offset() >= 0 && f.error().offset() <= text.length());
        }
        DecodeResult s = TextCodec.decode(text, DecodeOptions.STRICT);
        if (s instanceof DecodeResult.Failed f) {
            assertFalse(f.error().reason().startsWith("internal decoder error"), () -> f.error() + " for " + text);
        }
    }

    @Test
    void everyTruncationAndEveryDeletionOfTheCorpusDecodesOrFailsCleanly() throws IOException {
        for (int n = 1; n <= 28; n++) {
            String text = Rfc3525CorpusTest.read(n);
            for (int i = 0; i <= text.length(); i++) {
                assertDecodesOrFails(text.substring(0, i));
                if (i < text.length()) assertDecodesOrFails(text.substring(0, i) + text.substring(i + 1));
            }
        }
    }

    @Test
    void randomMutationsDecodeOrFailCleanly() throws IOException {
        Random random = new Random(20240611);
        String alphabet = "{}[]()=,;:/\\\"'<>#*$-.@!&|_ \t\r\nABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz0123456789\u0000\u00ff";
        for (int n = 1; n <= 28; n++) {
            String text = Rfc3525CorpusTest.read(n);
            for (int k = 0; k < 300; k++) {
                StringBuilder sb = new StringBuilder(text);
                int edits = 1 + random.nextInt(4);
                for (int e = 0; e < edits; e++) {
                    int at = random.nextInt(sb.length());
                    char c = alphabet.charAt(random.nextInt(alphabet.length()));
                    switch (random.nextInt(3)) {
                        case 0 -> sb.setCharAt(at, c);
                        case 1 -> sb.insert(at, c);
                        default -> sb.deleteCharAt(at);
                    }
                }
                assertDecodesOrFails(sb.toString());
            }
        }
    }

    @Test
    void randomOctetsDecodeOrFailCleanly() {
        Random random = new Random(7);
        for (int k = 0; k < 2_000; k++) {
            byte[] b = new byte[random.nextInt(300)];
            random.nextBytes(b);
            String prefix = k % 2 == 0 ? "MEGACO/1 [1.2.3.4] " : "";
            assertDecodesOrFails(prefix + new String(b, StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void charactersBeyondIso88591AreRejectedNotCrashedOn() {
        assertDecodesOrFails(request("MF=t{M{O{a/b=\u20ac}}}"));
        assertDecodesOrFails(request("MF=t{M{L{\u20ac}}}"));
        assertDecodesOrFails(HEADER + "P=1{ER=1{\"\u20ac\"}}");
    }
}
