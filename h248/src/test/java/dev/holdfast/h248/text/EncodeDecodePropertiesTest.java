package dev.holdfast.h248.text;

import dev.holdfast.h248.message.Message;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** For random valid messages in canonical form: {@code decode(encode(m)).equals(m)}, in both forms. */
class EncodeDecodePropertiesTest {

    @Provide
    Arbitrary<Message> messages() {
        return CanonicalMessageArbitraries.messages();
    }

    @Property(tries = 1500, edgeCases = EdgeCasesMode.MIXIN)
    void compactTextDecodesToTheSameMessage(@ForAll("messages") Message m) {
        roundTrip(m, TextForm.COMPACT);
    }

    @Property(tries = 1500, edgeCases = EdgeCasesMode.MIXIN)
    void prettyTextDecodesToTheSameMessage(@ForAll("messages") Message m) {
        roundTrip(m, TextForm.PRETTY);
    }

    private static void roundTrip(Message m, TextForm form) {
        String text = TextCodec.encode(m, form);
        DecodeResult r = TextCodec.decode(text, DecodeOptions.LENIENT.withMaxMessageBytes(1 << 20));
        if (r instanceof DecodeResult.Failed f) fail(f.error().describe() + "\n" + text + "\nmodel: " + m);
        assertEquals(m, ((DecodeResult.Decoded) r).message(), text);
    }
}
