package dev.holdfast.h248.text;

/**
 * Unwinds the decoder at the first syntax error. Only thrown for invalid input (never on the path of a valid
 * message) and never leaves the decoder: {@link MessageParser#parse} turns it into a {@link DecodeResult.Failed}.
 * Stackless, because the offset and reason are all that matter.
 */
final class ParseFailure extends RuntimeException {
    final int offset;
    final String reason;

    ParseFailure(int offset, String reason) {
        super(reason, null, false, false);
        this.offset = offset;
        this.reason = reason;
    }
}
