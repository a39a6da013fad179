package dev.holdfast.controller.cookie;

import java.util.Arrays;
import java.util.Base64;

/**
 * base64url without padding (RFC 4648 section 5), decoded strictly: unlike {@link Base64.Decoder} this refuses
 * non-zero unused bits in the last character, so that no two texts decode to the same octets (a bit flipped in a
 * cookie's text can never leave the cookie valid).
 */
final class Base64Url {
    private Base64Url() {}

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final byte[] VALUE = new byte[128];

    static {
        Arrays.fill(VALUE, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < alphabet.length(); i++) VALUE[alphabet.charAt(i)] = (byte) i;
    }

    static String encode(byte[] octets, int length) {
        return ENCODER.encodeToString(length == octets.length ? octets : Arrays.copyOf(octets, length));
    }

    /** The octets, or null when {@code text} is not canonical unpadded base64url. */
    static byte[] decode(String text) {
        int n = text.length();
        if (n % 4 == 1) return null; // 6 bits cannot end an octet
        byte[] out = new byte[n * 3 / 4];
        int acc = 0;
        int bits = 0;
        int o = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            int v = c < 128 ? VALUE[c] : -1;
            if (v < 0) return null;
            acc = (acc << 6) | v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out[o++] = (byte) (acc >>> bits);
                acc &= (1 << bits) - 1;
            }
        }
        return acc == 0 ? out : null; // the leftover (unused) bits must be zero
    }
}
