package dev.holdfast.h248.text;

/** Placeholder: the ABNF parser is being written. */
final class MessageParser {
    private MessageParser() {}

    static DecodeResult parse(CharSequence text, DecodeOptions options) {
        throw new UnsupportedOperationException("parser not written yet");
    }
}
