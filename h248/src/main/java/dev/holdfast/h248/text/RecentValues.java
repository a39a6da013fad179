package dev.holdfast.h248.text;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The model values the decoder made recently from short runs of octets (up to {@link #MAX_OCTETS}), by those
 * octets: a peer writes the same names over and over (its mId, its termination ids, the package items it uses), so
 * the decoder hands back the value it made the last time instead of a new String each time. Values are immutable
 * (String, the model's records), so sharing one is invisible to the caller.
 *
 * <p>One table per decoder (per thread), direct-mapped: a slot holds the last value whose octets hashed to it, a
 * new one replaces it. The keys are the octets themselves, packed into longs (no String is needed to compare), so
 * a hit costs a hash and three comparisons; the table never grows, whatever a peer sends.
 */
final class RecentValues {
    static final int MAX_OCTETS = 24;

    /** What a value is, so that the same octets read as a String and as a termination id stay apart. */
    static final int STRING = 0;
    static final int TERMINATION_ID = 1;
    static final int MID = 2;
    /** A one-id termination id list. */
    static final int TERMINATION_ID_LIST = 3;
    /** A PropertyParm written {@code name=value}. */
    static final int PARAMETER = 4;
    static final int CONTEXT_ID = 5;
    static final int REQUEST_ID = 6;

    private static final int BITS = 9;
    private static final int MASK = (1 << BITS) - 1;
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * The keys, four longs per slot: the octets in three longs and the shape ({@code length | kind << 8}, 0 for an
     * empty slot), side by side: a probe reads 32 octets of one array (one cache line, two when the slot straddles
     * one), not a line in each of four arrays. Primitive keys: only a
     * miss stores a reference (into an old array: a G1 barrier), a hit stores nothing.
     */
    private final long[] keys = new long[(MASK + 1) * 4];
    private final Object[] value = new Object[MASK + 1];

    /** Key of the last {@link #find} that missed, for {@link #keep}. */
    private int slot;
    private long w0;
    private long w1;
    private long w2;
    private int wShape;

    /**
     * The value of {@code kind} last kept for the octets {@code b[from, to)}, or null; {@code to - from} is 1 to
     * {@link #MAX_OCTETS}. After a null, {@link #keep} stores the value the caller makes.
     */
    Object find(byte[] b, int from, int to, int kind) {
        if (from + 24 > b.length) return findNearEnd(b, from, to, kind);
        // the common case, octets to spare after the key: three whole 8-octet reads, the octets past the key masked
        // off without a branch. Small (about 150 bytecodes, under C2's FreqInlineSize of 325), so that the JIT
        // inlines it at the decoder's hot call sites instead of calling it (the old form, 348 bytecodes, never was)
        int bits = (to - from) << 3;
        long a = (long) LONG.get(b, from) & lowBits(bits);
        long c = (long) LONG.get(b, from + 8) & lowBits(bits - 64);
        long d = (long) LONG.get(b, from + 16) & lowBits(bits - 128);
        return probe(a, c, d, to - from | kind << 8);
    }

    /** The low {@code bits} bits set: none for 0 or less, all for 64 or more. */
    private static long lowBits(int bits) {
        return bits <= 0 ? 0 : bits >= 64 ? -1L : ~(-1L << bits);
    }

    /** {@link #find} of a key that ends less than 24 octets before the end of the array: read octet by octet. */
    private Object findNearEnd(byte[] b, int from, int to, int kind) {
        int n = to - from;
        long a = octets(b, from, n);
        long c = n > 8 ? octets(b, from + 8, n - 8) : 0;
        long d = n > 16 ? octets(b, from + 16, n - 16) : 0;
        return probe(a, c, d, n | kind << 8);
    }

    /** The value kept for the key words {@code a, c, d} and shape {@code sh}, or null (remembering the key). */
    private Object probe(long a, long c, long d, int sh) {
        long x = (a * 0x9E3779B97F4A7C15L + c) * 0xC2B2AE3D27D4EB4FL + d + sh;
        int i = (int) (x ^ x >>> 29 ^ x >>> 47) & MASK;
        long[] k = keys;
        int at = i << 2;
        if (k[at] == a && k[at + 3] == sh && k[at + 1] == c && k[at + 2] == d) return value[i];
        slot = i;
        w0 = a;
        w1 = c;
        w2 = d;
        wShape = sh;
        return null;
    }

    /** Keeps {@code v} for the octets of the last {@link #find} that returned null; returns {@code v}. */
    <T> T keep(T v) {
        int i = slot;
        value[i] = v;
        long[] k = keys;
        int at = i << 2;
        k[at] = w0;
        k[at + 1] = w1;
        k[at + 2] = w2;
        k[at + 3] = wShape;
        return v;
    }

    /** Up to 8 octets from {@code p} ({@code n} of them if fewer), little-endian, the rest zero. */
    private static long octets(byte[] b, int p, int n) {
        if (p + 8 <= b.length) {
            long w = (long) LONG.get(b, p);
            return n >= 8 ? w : w & ((1L << (n << 3)) - 1);
        }
        long w = 0;
        for (int k = Math.min(n, 8) - 1; k >= 0; k--) w = (w << 8) | (b[p + k] & 0xFF);
        return w;
    }
}
