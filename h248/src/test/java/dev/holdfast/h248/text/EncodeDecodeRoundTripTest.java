package dev.holdfast.h248.text;

import dev.holdfast.h248.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** {@code decode(encode(m)).equals(m)}: the encoder writes what the decoder reads back as the same model. */
class EncodeDecodeRoundTripTest {

    private static Message decode(String text, DecodeOptions options, String what) {
        DecodeResult r = TextCodec.decode(text, options);
        if (r instanceof DecodeResult.Failed f) fail(what + ": " + f.error().describe() + "\n" + text);
        return ((DecodeResult.Decoded) r).message();
    }

    @ParameterizedTest
    @EnumSource(TextForm.class)
    void everySampleDecodesStrictlyToTheModelItWasEncodedFrom(TextForm form) {
        for (Message m : SampleMessages.all()) {
            String text = TextCodec.encode(m, form);
            DecodeResult r = TextCodec.decode(text, DecodeOptions.STRICT);
            if (r instanceof DecodeResult.Failed f) fail(f.error().describe() + "\n" + text);
            DecodeResult.Decoded d = (DecodeResult.Decoded) r;
            assertEquals(List.of(), d.deviations(), text);
            assertEquals(m, d.message(), text);
        }
    }

    @ParameterizedTest
    @EnumSource(TextForm.class)
    void theWiresharkCallFlowRoundTrips(TextForm form) {
        for (WiresharkDissectorTest.Sent s : WiresharkDissectorTest.callFlow()) {
            String text = TextCodec.encode(s.message(), form);
            assertEquals(s.message(), decode(text, DecodeOptions.STRICT, form.toString()), text);
        }
    }

    /**
     * Each RFC 3525 example, decoded leniently, re-encodes in both forms to text that decodes to the same model,
     * with none of the lexical deviations of the RFC's text left, and re-encoding is stable.
     */
    @Test
    void rfc3525ExamplesReencodeToTheSameModel() throws IOException {
        Set<Deviation.Kind> lexical = EnumSet.of(Deviation.Kind.PARENTHESISED_PARAMETERS,
                Deviation.Kind.TRAILING_COMMA, Deviation.Kind.WHITESPACE_IN_DIGIT_MAP);
        int checked = 0;
        for (int i = 1; i <= 28; i++) {
            String name = String.format("rfc3525/%02d.txt", i);
            String original = resource(name);
            Message m = decode(original, DecodeOptions.LENIENT, name);
            for (TextForm form : TextForm.values()) {
                String text = TextCodec.encode(m, form);
                DecodeResult r = TextCodec.decode(text, DecodeOptions.LENIENT);
                if (r instanceof DecodeResult.Failed f) fail(name + " " + form + ": " + f.error().describe() + "\n" + text);
                DecodeResult.Decoded d = (DecodeResult.Decoded) r;
                assertEquals(m, d.message(), name + " " + form + ":\n" + text);
                for (Deviation dev : d.deviations()) {
                    assertTrue(!lexical.contains(dev.kind()), name + " " + form + " re-encoded with " + dev.describe());
                }
                assertEquals(text, TextCodec.encode(d.message(), form), name + " " + form + ": stable");
            }
            checked++;
        }
        assertEquals(28, checked);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = EncodeDecodeRoundTripTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) fail("missing test resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
