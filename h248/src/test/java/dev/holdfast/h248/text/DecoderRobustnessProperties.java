package dev.holdfast.h248.text;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The decoder on hostile input: random octets, random ASCII, grammar-flavoured token soup and mutated valid
 * messages (octets flipped, inserted, deleted, duplicated, truncated, runs of braces). For every input,
 * {@link TextCodec#decode} returns (never throws, never hangs: each call runs on a worker thread under a generous
 * time bound, so a hang fails the property instead of hanging the build), and a {@link DecodeResult.Failed} points
 * into the input (offset 0..length) with the line and column of that offset.
 */
class DecoderRobustnessProperties {

    /** Far above any decode time (microseconds); only a hang or a pathological slow path reaches it. */
    private static final long DECODE_BOUND_MS = 5_000;
    private static final int TRIES = 1000;

    private static ExecutorService worker = newWorker();

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "decode-under-guard");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterContainer
    static void stopWorker() {
        worker.shutdownNow();
    }

    // ------------------------------------------------------------------------------------------- properties

    @Property(tries = TRIES)
    void randomOctets(@ForAll("octets") byte[] input, @ForAll("options") DecodeOptions options) {
        DecodeResult r = guarded(() -> TextCodec.decode(input, options));
        checkResult(new String(input, StandardCharsets.ISO_8859_1), r);
    }

    @Property(tries = TRIES)
    void randomAscii(@ForAll("ascii") String input, @ForAll("options") DecodeOptions options) {
        checkResult(input, guarded(() -> TextCodec.decode(input, options)));
    }

    @Property(tries = TRIES)
    void tokenSoup(@ForAll("soup") String input, @ForAll("options") DecodeOptions options) {
        DecodeResult r = guarded(() -> TextCodec.decode(input, options));
        Statistics.label("outcome").collect(r.getClass().getSimpleName());
        checkResult(input, r);
    }

    @Property(tries = TRIES)
    void mutatedValidMessages(@ForAll("mutated") String input, @ForAll("options") DecodeOptions options) {
        DecodeResult r = guarded(() -> TextCodec.decode(input, options));
        Statistics.label("outcome").collect(r.getClass().getSimpleName());
        checkResult(input, r);
        // the same octets through the byte[] entry point give the same verdict
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        DecodeResult viaBytes = guarded(() -> TextCodec.decode(bytes, options));
        assertEquals(r, viaBytes, "decode(byte[]) and decode(String) disagree");
    }

    /**
     * Whatever the decoder accepts (here: mutations of valid messages that still decode), the encoder can write,
     * and the written text decodes to the same model: the decoder never builds a model outside the encodable
     * one. A model read without deviations re-decodes strictly; one read with lenient deviations (which the model
     * then carries, such as an over-long name) re-decodes leniently.
     */
    @Property(tries = TRIES)
    void whatTheDecoderAcceptsReEncodes(@ForAll("mutated") String input) {
        DecodeResult r = guarded(() -> TextCodec.decode(input, DecodeOptions.LENIENT));
        Statistics.label("decoded").collect(r instanceof DecodeResult.Decoded d0
                ? (d0.deviations().isEmpty() ? "clean" : "with deviations") : "failed");
        if (!(r instanceof DecodeResult.Decoded d)) return;
        DecodeOptions again = d.deviations().isEmpty() ? DecodeOptions.STRICT : DecodeOptions.LENIENT;
        for (TextForm form : TextForm.values()) {
            String text;
            try {
                text = TextCodec.encode(d.message(), form);
            } catch (RuntimeException e) {
                throw new AssertionError("the decoder accepted a message the encoder cannot write ("
                        + e + "):\n" + input, e);
            }
            DecodeResult r2 = guarded(() -> TextCodec.decode(text, again));
            if (!(r2 instanceof DecodeResult.Decoded d2)) {
                throw new AssertionError("re-encoded " + form + " text does not decode " + again.strictness() + ": "
                        + ((DecodeResult.Failed) r2).error().describe() + "\ndeviations of the input: "
                        + d.deviations() + "\ninput:\n" + input + "\nre-encoded:\n" + text);
            }
            assertEquals(d.message(), d2.message(), () -> "re-encoded " + form + " text decodes differently: "
                    + ModelDiff.firstDifference(d.message(), d2.message()) + "\ninput:\n" + input
                    + "\nre-encoded:\n" + text);
        }
    }

    // ------------------------------------------------------------------------------------------- checks

    /** Runs one decode on the worker thread: a hang or an exception fails the property. */
    static DecodeResult guarded(Supplier<DecodeResult> decode) {
        Future<DecodeResult> f = worker.submit(decode::get);
        try {
            DecodeResult r = f.get(DECODE_BOUND_MS, TimeUnit.MILLISECONDS);
            assertNotNull(r, "decode returned null");
            return r;
        } catch (TimeoutException e) {
            f.cancel(true);
            worker.shutdownNow();
            worker = newWorker(); // the stuck thread is a daemon; later tries get a fresh one
            return fail("decode did not return within " + DECODE_BOUND_MS + " ms");
        } catch (ExecutionException e) {
            throw new AssertionError("decode threw " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static void checkResult(String input, DecodeResult r) {
        if (r instanceof DecodeResult.Failed f) {
            SyntaxError e = f.error();
            assertNotNull(e, "Failed without a SyntaxError");
            assertTrue(e.offset() >= 0 && e.offset() <= input.length(),
                    () -> "error offset " + e.offset() + " outside the input of " + input.length() + " chars: " + e);
            int[] lc = lineColumn(input, e.offset());
            assertEquals(lc[0] + ":" + lc[1], e.line() + ":" + e.column(),
                    () -> "line:column of offset " + e.offset() + " (" + e.describe() + ")");
            assertNotNull(e.reason());
            assertTrue(!e.reason().isBlank(), "empty reason");
            assertNotNull(f.requestTransactionIds());
        } else {
            DecodeResult.Decoded d = (DecodeResult.Decoded) r;
            assertNotNull(d.message());
        }
    }

    /** 1-based line and column of an offset; EOL = CR [LF] / LF (a CR LF pair is one line break). */
    static int[] lineColumn(String text, int offset) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < Math.min(offset, text.length()); i++) {
            char c = text.charAt(i);
            boolean crOfCrLf = c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n';
            if (c == '\n' || (c == '\r' && !crOfCrLf)) {
                line++;
                lineStart = i + 1;
            }
        }
        return new int[] {line, offset - lineStart + 1};
    }

    // ------------------------------------------------------------------------------------------- inputs

    @Provide
    Arbitrary<DecodeOptions> options() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(DecodeOptions.LENIENT)),
                Tuple.of(4, Arbitraries.just(DecodeOptions.STRICT)),
                // small limits, so that inputs cross them
                Tuple.of(1, Arbitraries.integers().between(0, 400).map(n -> DecodeOptions.LENIENT.withMaxMessageBytes(n))),
                Tuple.of(1, Arbitraries.just(new DecodeOptions(DecodeOptions.Strictness.LENIENT, 65_536, 4, 2, 2, 2))));
    }

    @Provide
    Arbitrary<byte[]> octets() {
        Arbitrary<Byte> any = Arbitraries.bytes();
        return any.array(byte[].class).ofMaxSize(1500);
    }

    @Provide
    Arbitrary<String> ascii() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.strings().ascii().ofMaxLength(1500)),
                Tuple.of(1, Combinators.combine(Arbitraries.of("MEGACO/1 ", "!/2 ", "MEGACO/3 [1.2.3.4]:2944\n",
                                "!/1 <mg1>\n", "Authentication=0x1:0x2:0x3 "),
                        Arbitraries.strings().ascii().ofMaxLength(800)).as(String::concat)));
    }

    /** Random sequences of the grammar's fragments, mostly behind a valid header. */
    @Provide
    Arbitrary<String> soup() {
        List<String> fragments = new ArrayList<>();
        for (Token t : Token.values()) {
            fragments.add(t.longName);
            fragments.add(t.shortName);
        }
        fragments.addAll(List.of("{", "}", "{", "}", "=", "=", ",", ",", "[", "]", ":", "/", "(", ")", "|", "-",
                "*", "$", "\"", "\"abc\"", "<", ">", "#", ".", "@", "\n", "\r\n", " ", "\t", ";c\n", ";", "\\}",
                "O-", "W-", "0", "1", "2944", "4294967295", "4294967296", "99999999999999999999", "65535", "65536",
                "x", "T:", "S:", "L:", "Z:", "al/of", "al/*", "*/*", "A4444", "ROOT", "v=0", "X-foo", "X+1",
                "19990729T22000000", "1.2.3.4", "[::1]", "<mg.example>", "MTP{0A0B}", "0x12345678", "ON", "OFF"));
        Arbitrary<String> body = Arbitraries.of(fragments).list().ofMaxSize(120).map(l -> String.join("", l));
        Arbitrary<String> header = Arbitraries.of("", "MEGACO/1 [1.2.3.4]:2944\n", "!/3 [1.2.3.4]\n",
                "MEGACO/2 <mgc.example.net>:2944\n", "!/1 mg1\n", "MEGACO/3 MTP{00AB}\n");
        Arbitrary<String> withShape = Arbitraries.of(
                "T=1{C=-{%s}}", "P=1{C=1{%s}}", "T=1{C=${A=$%s}}", "T=1{C=1{MF=A4444{%s}}}",
                "T=1{C=1{MF=A4444{E=1{al/of{%s}}}}}", "T=1{C=1{MF=A4444{M{ST=1{L{%s}}}}}}",
                "T=1{C=1{MF=A4444{DM={%s}}}}", "T=1{C=1{N=A4444{OE=1{%s}}}}", "%s");
        return Combinators.combine(header, withShape, body).as((h, shape, b) -> h + shape.replace("%s", b));
    }

    /** Valid messages with mutations applied to their text. */
    @Provide
    Arbitrary<String> mutated() {
        // (a model the encoder refuses is a round-trip failure, reported by MessageRoundTripProperties; here it is
        // only skipped, since the point is to get valid text to mutate)
        Arbitrary<String> valid = Combinators.combine(MessageArbitraries.messages(), Arbitraries.of(TextForm.class))
                .as(TextCodec::encode)
                .ignoreException(IllegalArgumentException.class);
        Arbitrary<Mutation> mutation = Combinators.combine(Arbitraries.of(Mutation.Kind.class),
                        Arbitraries.doubles().between(0, 1), Arbitraries.integers().between(0, 255),
                        Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.integers().between(1, 8)),
                                Tuple.of(1, Arbitraries.integers().between(9, 3000))))
                .as(Mutation::new);
        return Combinators.combine(valid, mutation.list().ofMinSize(1).ofMaxSize(4))
                .as((text, ms) -> {
                    String t = text;
                    for (Mutation m : ms) t = m.apply(t);
                    return t;
                });
    }

    /** One edit of a message's text at a relative position. */
    record Mutation(Kind kind, double where, int octet, int length) {
        enum Kind { FLIP, INSERT, DELETE, DUPLICATE, TRUNCATE, OPEN_BRACES, CLOSE_BRACES, REPEAT_BLOCK, SWAP_CASE }

        String apply(String t) {
            int at = (int) Math.min(t.length(), Math.floor(where * (t.length() + 1)));
            int end = Math.min(t.length(), at + length);
            char c = (char) octet;
            return switch (kind) {
                case FLIP -> at < t.length() ? t.substring(0, at) + c + t.substring(at + 1) : t + c;
                case INSERT -> t.substring(0, at) + c + t.substring(at);
                case DELETE -> t.substring(0, at) + t.substring(end);
                case DUPLICATE -> t.substring(0, end) + t.substring(at, end) + t.substring(end);
                case TRUNCATE -> t.substring(0, at);
                case OPEN_BRACES -> t.substring(0, at) + "{".repeat(length) + t.substring(at);
                case CLOSE_BRACES -> t.substring(0, at) + "}".repeat(length) + t.substring(at);
                case REPEAT_BLOCK -> repeatBlock(t, at, Math.min(length, 40));
                case SWAP_CASE -> t.substring(0, at) + swapCase(t.substring(at, end)) + t.substring(end);
            };
        }

        /** Repeats the braced block that starts at the first '{' at or after {@code at}, n times in a row. */
        private static String repeatBlock(String t, int at, int n) {
            int open = t.indexOf('{', at);
            if (open < 0) return t;
            int depth = 0;
            for (int i = open; i < t.length(); i++) {
                if (t.charAt(i) == '{') depth++;
                else if (t.charAt(i) == '}' && --depth == 0) {
                    String block = t.substring(open, i + 1);
                    return t.substring(0, i + 1) + block.repeat(n) + t.substring(i + 1);
                }
            }
            return t;
        }

        private static String swapCase(String s) {
            StringBuilder b = new StringBuilder(s.length());
            for (char ch : s.toCharArray()) {
                if (ch >= 'a' && ch <= 'z') b.append((char) (ch - 32));
                else if (ch >= 'A' && ch <= 'Z') b.append((char) (ch + 32));
                else b.append(ch);
            }
            return b.toString();
        }
    }
}
