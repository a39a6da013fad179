package dev.holdfast.tcpha.app;

/**
 * The demo applications' request framing and reply contents: a request is {@link #REQUEST_SIZE} bytes whose first
 * 8 bytes (big-endian) carry a number (the reply size for Bulk, a seed otherwise); reply bytes are a function of
 * the request and the position, so a client can check every byte it receives.
 */
public final class Requests {
    public static final int REQUEST_SIZE = 150;

    private Requests() {}

    /** Byte {@code i} of message {@code msg} on connection {@code conn} (client side request contents). */
    public static byte requestByte(long conn, long msg, int i) {
        if (i < 8) return (byte) (msg >>> (56 - 8 * i));
        return mix(conn * 1_000_003L + msg * 131L + i);
    }

    /** Byte {@code pos} of the reply to a request whose first 8 bytes read {@code head}. */
    public static byte replyByte(long head, long pos) {
        return mix(head * 0x9E3779B97F4A7C15L + pos);
    }

    public static long head(byte[] request) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (request[i] & 0xff);
        return v;
    }

    static byte mix(long x) {
        x ^= x >>> 33; x *= 0xff51afd7ed558ccdL; x ^= x >>> 33; x *= 0xc4ceb9fe1a85ec53L; x ^= x >>> 33;
        return (byte) x;
    }
}
