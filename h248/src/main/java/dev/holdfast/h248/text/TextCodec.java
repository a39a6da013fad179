package dev.holdfast.h248.text;

import dev.holdfast.h248.message.Message;


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

    /** Decodes the octets {@code bytes[offset, offset + length)} in place; never throws for bad input. */
    public static DecodeResult decode(byte[] bytes, int offset, int length, DecodeOptions options) {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        return MessageParser.parse(bytes, offset, length, options); // checks the size limit too
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
        return MessageEncoder.encodeToBytes(message, form);
    }
}
