package dev.holdfast.controller.cookie;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Writes a cookie's octets: single octets, unsigned LEB128 varints and length-prefixed UTF-8 strings. */
final class WireWriter {
    private byte[] buf;
    private int size;

    WireWriter(int capacity) { buf = new byte[capacity]; }

    int size() { return size; }

    byte[] array() { return buf; }

    void octet(int v) {
        ensure(1);
        buf[size++] = (byte) v;
    }

    /** {@code v} as an unsigned 64-bit value, 7 bits an octet, low bits first (1 to 10 octets). */
    void varint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    void string(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        varint(utf8.length);
        octets(utf8, 0, utf8.length);
    }

    void octets(byte[] b, int from, int length) {
        ensure(length);
        System.arraycopy(b, from, buf, size, length);
        size += length;
    }

    /** Octets {@code [from, size)} moved up by {@code gap}, leaving room at {@code from} (for a length prefix). */
    void openGap(int from, int gap) {
        ensure(gap);
        System.arraycopy(buf, from, buf, from + gap, size - from);
        size += gap;
    }

    /** Overwrites at {@code at} with the varint of {@code v}; the caller made exactly {@link #varintLength} room. */
    void putVarint(int at, long v) {
        int saved = size;
        size = at;
        varint(v);
        size = saved;
    }

    static int varintLength(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private void ensure(int more) {
        if (size + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
}
