package dev.holdfast.controller.cookie;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link WireWriter} wrote, strictly: running past the end, an overlong varint (one that has a shorter
 * form) and invalid UTF-8 are all {@link Malformed}, so that exactly one octet string reads as a given cookie.
 */
final class WireReader {
    /** The input is not a well-formed body; thrown without a stack trace (it is an answer, not a bug). */
    static final class Malformed extends Exception {
        Malformed(String message) { super(message, null, false, false); }
    }

    private final byte[] buf;
    private int pos;
    private final int end;

    WireReader(byte[] buf, int from, int end) {
        this.buf = buf;
        this.pos = from;
        this.end = end;
    }

    int position() { return pos; }

    boolean atEnd() { return pos == end; }

    int octet(String what) throws Malformed {
        if (pos >= end) throw new Malformed("ends before " + what);
        return buf[pos++] & 0xFF;
    }

    long varint(String what) throws Malformed {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            int b = octet(what);
            if (shift == 63 && b > 1) throw new Malformed(what + ": varint longer than 64 bits");
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (b == 0 && shift > 0) throw new Malformed(what + ": overlong varint");
                return v;
            }
        }
    }

    /** A varint that must lie in {@code [min, max]}. */
    long varint(String what, long min, long max) throws Malformed {
        long v = varint(what);
        if (v < min || v > max) {
            throw new Malformed(what + " " + Long.toUnsignedString(v) + " is not in " + min + ".." + max);
        }
        return v;
    }

    String string(String what) throws Malformed {
        int length = (int) varint(what + " length", 0, CookieText.MAX_OCTETS);
        if (length == 0) throw new Malformed(what + " is empty");
        if (end - pos < length) throw new Malformed("ends inside " + what);
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, pos, length)).toString();
            pos += length;
            return s;
        } catch (CharacterCodingException e) {
            throw new Malformed(what + " is not UTF-8");
        }
    }
}
