package dev.holdfast.h248.text;

import dev.holdfast.h248.message.Message;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * decode(encode(m)) == m for the encoder's samples (which together use every record of the model), in both forms,
 * and the encoded text is plain ABNF: it decodes strictly with no deviation. The RFC 3525 corpus round trip is in
 * {@link Rfc3525CorpusTest}.
 */
class RoundTripTest {

    static Stream<Arguments> samples() {
        List<Arguments> args = new ArrayList<>();
        List<Message> all = SampleMessages.all();
        for (int i = 0; i < all.size(); i++) {
            for (TextForm form : TextForm.values()) args.add(Arguments.of(i, form, all.get(i)));
        }
        return args.stream();
    }

    /**
     * Deviations that are in the model itself, not in how it is written: the encoder writes what it is given.
     * Everything else (the syntactic ones) must not appear in encoded text.
     */
    static final List<String> CONTENT_DEVIATIONS = List.of(
            "ServiceChange request without a Reason (serviceChangeReason is REQUIRED)",
            "'#' in a digit map: H.248.1 writes the DTMF keys * and # as E and F",
            "Notify without an ObservedEvents descriptor (only an Error descriptor)");

    @ParameterizedTest(name = "sample {0} {1}")
    @MethodSource("samples")
    void decodeOfEncodeIsIdentity(int index, TextForm form, Message sample) {
        String text = TextCodec.encode(sample, form);
        DecodeResult r = TextCodec.decode(text, DecodeOptions.LENIENT);
        DecodeResult.Decoded d = assertInstanceOf(DecodeResult.Decoded.class, r, () -> r + "\n" + text);
        assertEquals(sample, d.message(), text);
        for (Deviation v : d.deviations()) {
            assertTrue(CONTENT_DEVIATIONS.contains(v.detail()), () -> v.describe() + "\n" + text);
        }
        if (d.deviations().isEmpty()) {
            assertEquals(sample, ((DecodeResult.Decoded) TextCodec.decode(text, DecodeOptions.STRICT)).message());
        }
    }
}
