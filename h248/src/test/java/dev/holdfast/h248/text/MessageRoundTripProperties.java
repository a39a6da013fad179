package dev.holdfast.h248.text;

import dev.holdfast.h248.message.Message;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Round-trip properties of the text codec over random valid messages ({@link MessageArbitraries}): what the
 * encoder writes, the decoder reads back as the same model, in both forms, strictly and leniently (and leniently
 * without a single deviation: the encoder never relies on leniency); and encoding is a fixed point of
 * decode-then-encode.
 */
class MessageRoundTripProperties {

    private static final int TRIES = 1000;

    @Provide
    Arbitrary<Message> messages() {
        return MessageArbitraries.messages();
    }

    @Property(tries = TRIES)
    void prettyTextDecodesToTheSameMessage(@ForAll("messages") Message m) {
        roundTrip(m, TextForm.PRETTY);
    }

    @Property(tries = TRIES)
    void compactTextDecodesToTheSameMessage(@ForAll("messages") Message m) {
        roundTrip(m, TextForm.COMPACT);
    }

    /** encode(decode(encode(m))) == encode(m) in each form, and the two forms decode to the same model. */
    @Property(tries = TRIES)
    void encodingIsAFixedPointOfDecodeThenEncode(@ForAll("messages") Message m) {
        for (TextForm form : TextForm.values()) {
            String text = TextCodec.encode(m, form);
            Message decoded = decoded(text, DecodeOptions.LENIENT);
            assertEquals(text, TextCodec.encode(decoded, form), () -> form + " re-encoding differs");
        }
        Message fromPretty = decoded(TextCodec.encode(m, TextForm.PRETTY), DecodeOptions.STRICT);
        Message fromCompact = decoded(TextCodec.encode(m, TextForm.COMPACT), DecodeOptions.STRICT);
        assertEquals(fromPretty, fromCompact, "pretty and compact text decode differently");
    }

    /**
     * The same message spelled as another peer might write it (LWSP and comments around braces, commas and
     * equals signs; tokens in any case, long or short: see {@link Respeller}) decodes to the same model, strictly
     * and without deviations.
     */
    @Property(tries = TRIES)
    void otherValidSpellingsDecodeToTheSameMessage(@ForAll("messages") Message m, @ForAll TextForm form,
                                                   @ForAll long seed) {
        String text = Respeller.respell(TextCodec.encode(m, form), seed);
        DecodeResult r = TextCodec.decode(text, DecodeOptions.STRICT);
        DecodeResult.Decoded d = assertInstanceOf(DecodeResult.Decoded.class, r,
                () -> "respelled " + form + " text failed: " + describe(r) + "\n" + text);
        assertEquals(java.util.List.of(), d.deviations(), () -> "respelled text reported deviations\n" + text);
        assertEquals(m, d.message(), () -> "respelled " + form + " text gave another message: "
                + ModelDiff.firstDifference(m, d.message()) + "\n" + text);
    }

    private static void roundTrip(Message m, TextForm form) {
        Statistics.label("version").collect(m.version());
        Statistics.label("transactions").collect(m.transactions().size());
        String text = TextCodec.encode(m, form);
        for (DecodeOptions options : new DecodeOptions[] {DecodeOptions.STRICT, DecodeOptions.LENIENT}) {
            DecodeResult r = TextCodec.decode(text, options);
            DecodeResult.Decoded d = assertInstanceOf(DecodeResult.Decoded.class, r,
                    () -> options.strictness() + " decode of " + form + " text failed: " + describe(r) + "\n" + text);
            assertEquals(java.util.List.of(), d.deviations(),
                    () -> options.strictness() + " decode of " + form + " text reported deviations\n" + text);
            assertEquals(m, d.message(), () -> options.strictness() + " decode of " + form
                    + " text gave another message: " + ModelDiff.firstDifference(m, d.message()) + "\n" + text);
        }
    }

    private static Message decoded(String text, DecodeOptions options) {
        DecodeResult r = TextCodec.decode(text, options);
        return assertInstanceOf(DecodeResult.Decoded.class, r, () -> "decode failed: " + describe(r) + "\n" + text)
                .message();
    }

    static String describe(DecodeResult r) {
        return r instanceof DecodeResult.Failed f ? f.error().describe() : r.toString();
    }
}
