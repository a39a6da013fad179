package dev.holdfast.h248.text;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The octet output of {@link MessageEncoder}, which extends it (the octets and their count are fields of the
 * encoder itself, one indirection less on every write): ISO-8859-1 octets written straight into an array that is
 * kept per thread (with its encoder) and reused, so that encoding allocates only its result.
 *
 * <p>A model string may hold a character above U+00FF, which no octet can carry: it is written as {@code '?'},
 * as {@code String.getBytes(ISO_8859_1)} does (one {@code '?'} for a surrogate pair), and remembered, so that
 * {@link #text()} gives the character itself back.
 */
abstract class OctetWriter {
    private static final int KEPT_CAPACITY = 64 * 1024;

    private byte[] a = new byte[2048];
    private int n;
    /** Where characters above U+00FF were replaced, and by what. */
    private int[] widePos;
    private String[] wideText;
    private int wideCount;

    /** Empties the output for the next message. */
    final void reset() {
        n = 0;
        wideCount = 0;
    }

    /** Lets go of what the last message needed: a grown array, the replaced characters. */
    final void trim() {
        if (a.length > KEPT_CAPACITY) a = new byte[2048];
        if (wideText != null) java.util.Arrays.fill(wideText, null);
    }

    final int length() { return n; }

    /** The last octet, or -1 when empty. */
    final int last() { return n == 0 ? -1 : a[n - 1] & 0xFF; }

    final byte[] toBytes() { return Arrays.copyOf(a, n); }

    /** The octets written since {@code from}, a copy. */
    final byte[] copyFrom(int from) { return Arrays.copyOfRange(a, from, n); }

    /** How many characters above U+00FF were written as '?' so far. */
    final int wideCount() { return wideCount; }

    /** The octets as text, with the characters above U+00FF that were written as '?' given back. */
    final String text() {
        if (wideCount == 0) return new String(a, 0, n, StandardCharsets.ISO_8859_1);
        StringBuilder sb = new StringBuilder(n + 8);
        int from = 0;
        for (int i = 0; i < wideCount; i++) {
            int p = widePos[i];
            for (int k = from; k < p; k++) sb.append((char) (a[k] & 0xFF));
            sb.append(wideText[i]);
            from = p + 1;
        }
        for (int k = from; k < n; k++) sb.append((char) (a[k] & 0xFF));
        return sb.toString();
    }

    private void ensure(int more) {
        if (n + more > a.length) a = Arrays.copyOf(a, Math.max(a.length * 2, n + more));
    }

    final OctetWriter append(char c) {
        if (c > 0xFF) return append(String.valueOf(c));
        if (n == a.length) ensure(1);
        a[n++] = (byte) c;
        return this;
    }

    final OctetWriter append(byte[] octets) {
        int l = octets.length;
        ensure(l);
        System.arraycopy(octets, 0, a, n, l);
        n += l;
        return this;
    }

    /**
     * The octets packed little-endian in {@code words[at, at + 3)}, {@code words[at + 3]} of them (1 to 24; the
     * octets past them are 0): one to three 8-octet stores, the octets past the end overwritten by what comes next.
     */
    final void appendPacked(long[] words, int at) {
        int len = (int) words[at + 3];
        if (n + 24 > a.length) ensure(24);
        byte[] a = this.a;
        int p = n;
        LONG.set(a, p, words[at]);
        if (len > 8) {
            LONG.set(a, p + 8, words[at + 1]);
            if (len > 16) LONG.set(a, p + 16, words[at + 2]);
        }
        n = p + len;
    }

    @SuppressWarnings("deprecation")
    final OctetWriter append(String s) {
        int l = s.length();
        ensure(l);
        if (l <= SHORT_STRING) {
            // names, values, ids: checked and copied in one pass (no second pass, no array copy call)
            byte[] a = this.a;
            int p = n;
            for (int i = 0; i < l; i++) {
                char c = s.charAt(i);
                if (c > 0xFF) {
                    appendWide(s, 0);
                    return this;
                }
                a[p + i] = (byte) c;
            }
            n = p + l;
            return this;
        }
        for (int i = 0; i < l; i++) {
            if (s.charAt(i) > 0xFF) {
                appendWide(s, 0);
                return this;
            }
        }
        s.getBytes(0, l, a, n); // every character is an octet: the deprecated copy is exact here, and the fastest
        n += l;
        return this;
    }

    /** Up to this length a string is copied octet by octet, longer ones (SDP) by the array copy. */
    private static final int SHORT_STRING = 32;

    private void appendWide(String s, int i) {
        int l = s.length();
        for (; i < l; i++) {
            char c = s.charAt(i);
            if (c <= 0xFF) {
                a[n++] = (byte) c;
                continue;
            }
            int from = i;
            if (Character.isHighSurrogate(c) && i + 1 < l && Character.isLowSurrogate(s.charAt(i + 1))) i++;
            if (widePos == null) {
                widePos = new int[4];
                wideText = new String[4];
            } else if (wideText == null) {
                wideText = new String[widePos.length];
            }
            if (wideCount == widePos.length) {
                widePos = Arrays.copyOf(widePos, wideCount * 2);
                wideText = Arrays.copyOf(wideText, wideCount * 2);
            }
            widePos[wideCount] = n;
            wideText[wideCount++] = s.substring(from, i + 1);
            a[n++] = '?';
        }
    }

    private static final java.lang.invoke.VarHandle LONG = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long EIGHT_SPACES = 0x2020202020202020L;
    private static final byte[] LINE = new byte[129];

    static {
        Arrays.fill(LINE, (byte) ' ');
        LINE[0] = '\n';
    }

    /** {@code before} (unless 0), a line feed, {@code indent} spaces and {@code after} (unless 0), in one go. */
    final void lineBreak(int before, int indent, int after) {
        if (indent >= LINE.length) {
            if (before != 0) append((char) before);
            lineBreak(indent);
            if (after != 0) append((char) after);
            return;
        }
        ensure(indent + 3 + 16);
        byte[] a = this.a;
        int p = n;
        if (before != 0) a[p++] = (byte) before;
        a[p++] = '\n';
        if (indent <= 16) {
            // pretty text's indentation: two 8-octet stores of spaces, the octets past the indent overwritten next
            LONG.set(a, p, EIGHT_SPACES);
            LONG.set(a, p + 8, EIGHT_SPACES);
        } else {
            System.arraycopy(LINE, 1, a, p, indent);
        }
        p += indent;
        if (after != 0) a[p++] = (byte) after;
        n = p;
    }

    /** A line feed and {@code indent} spaces. */
    final OctetWriter lineBreak(int indent) {
        ensure(indent + 1);
        if (indent < LINE.length) {
            System.arraycopy(LINE, 0, a, n, indent + 1);
            n += indent + 1;
        } else {
            a[n++] = '\n';
            Arrays.fill(a, n, n + indent, (byte) ' ');
            n += indent;
        }
        return this;
    }

    final OctetWriter append(int v) { return append((long) v); }

    /** Decimal digits, '-' first when negative. */
    final OctetWriter append(long v) {
        if (v >= 0 && v < 10) {
            if (n == a.length) ensure(1);
            a[n++] = (byte) ('0' + v);
            return this;
        }
        if (v < 0) {
            if (v == Long.MIN_VALUE) return append(Long.toString(v));
            append('-');
            v = -v;
        }
        int digits = v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5 : digits(v);
        ensure(digits);
        byte[] a = this.a;
        int p = n + digits;
        if (v <= Integer.MAX_VALUE) {
            int i = (int) v;
            while (i >= 10) {
                int q = i / 10;
                a[--p] = (byte) ('0' + (i - q * 10));
                i = q;
            }
            a[--p] = (byte) ('0' + i);
        } else {
            while (v >= 10) {
                long q = v / 10;
                a[--p] = (byte) ('0' + (v - q * 10));
                v = q;
            }
            a[--p] = (byte) ('0' + v);
        }
        n += digits;
        return this;
    }

    private static int digits(long v) {
        int d = 1;
        for (long t = v; t >= 10; t /= 10) d++;
        return d;
    }
}
