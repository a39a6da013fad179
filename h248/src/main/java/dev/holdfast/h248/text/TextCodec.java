package dev.holdfast.h248.text;

import dev.holdfast.h248.message.Message;

import java.nio.charset.StandardCharsets;

/**
 * The H.248.1 text codec (Annex B), both spellings, versions 1 to 3. Messages are octets; text is handled as
 * ISO-8859-1 so every octet maps to one char and SDP bodies survive byte for byte.
 */
public final class TextCodec {
    private TextCodec() {}

    /** Decodes; never throws for bad input. */
    public static DecodeResult decode(CharSequence text, DecodeOptions options) {
        return MessageParser.parse(text, options); // checks the size limit too
    }

    public static DecodeResult decode(byte[] bytes, int offset, int length, DecodeOptions options) {
        if (length > options.maxMessageBytes()) {
            // refused before the octets become a String; the position is where the limit was crossed
            int max = options.maxMessageBytes();
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < max; i++) {
                byte b = bytes[offset + i];
                if (b == '\n' || (b == '\r' && (i + 1 >= length || bytes[offset + i + 1] != '\n'))) {
                    line++;
                    lineStart = i + 1;
                }
            }
            return new DecodeResult.Failed(new SyntaxError(max, line, max - lineStart + 1,
                    "message of " + length + " octets exceeds the limit of " + max), null, null, java.util.List.of());
        }
        return decode(new String(bytes, offset, length, StandardCharsets.ISO_8859_1), options);
    }

    public static DecodeResult decode(byte[] bytes, DecodeOptions options) {
        return decode(bytes, 0, bytes.length, options);
    }

    /** Lenient decode that throws on a syntax error: for tools and tests. */
    public static Message parse(CharSequence text) throws H248SyntaxException {
        DecodeResult r = decode(text, DecodeOptions.LENIENT);
        if (r instanceof DecodeResult.Failed f) throw new H248SyntaxException(f.error());
        return ((DecodeResult.Decoded) r).message();
    }

    public static String encode(Message message, TextForm form) {
        return MessageEncoder.encode(message, form);
    }

    public static byte[] encodeToBytes(Message message, TextForm form) {
        return encode(message, form).getBytes(StandardCharsets.ISO_8859_1);
    }
}
