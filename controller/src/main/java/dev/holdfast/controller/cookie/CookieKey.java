package dev.holdfast.controller.cookie;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * One HMAC-SHA-256 key of the cookie key ring. Immutable (the secret is copied in and never handed out); its MAC
 * instances are per thread, since {@link Mac} is not thread-safe and keying one per cookie costs two hash blocks.
 *
 * @see CookieKeyRing
 */
public final class CookieKey {
    /** Shortest secret accepted: the HMAC-SHA-256 output length (RFC 2104 section 3: less weakens the key). */
    public static final int MIN_SECRET_OCTETS = 32;
    static final String ALGORITHM = "HmacSHA256";

    private final int id;
    private final byte[] secret;
    private final Long acceptUntil;
    private final ThreadLocal<Mac> mac;

    /**
     * @param id          1..255, written in every cookie it signs (0 means unsigned)
     * @param secret      at least {@link #MIN_SECRET_OCTETS} octets
     * @param acceptUntil epoch milliseconds after which cookies signed with it are refused (a rotated-out key), or
     *                    null for no end
     */
    public CookieKey(int id, byte[] secret, Long acceptUntil) {
        if (id < 1 || id > 255) throw new IllegalArgumentException("key id " + id + " is not in 1..255");
        if (secret == null) throw new IllegalArgumentException("key " + id + " has no secret");
        if (secret.length < MIN_SECRET_OCTETS) {
            throw new IllegalArgumentException("the secret of key " + id + " is " + secret.length
                    + " octets, fewer than " + MIN_SECRET_OCTETS);
        }
        this.id = id;
        this.secret = secret.clone();
        this.acceptUntil = acceptUntil;
        SecretKeySpec spec = new SecretKeySpec(this.secret, ALGORITHM);
        this.mac = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance(ALGORITHM);
                m.init(spec);
                return m;
            } catch (GeneralSecurityException e) {
                // every Java SE runtime must provide HmacSHA256 (java.security.Security standard names)
                throw new IllegalStateException("no " + ALGORITHM + " in this Java runtime", e);
            }
        });
        mac.get(); // fail here, at configuration, rather than at the first cookie
    }

    public int id() { return id; }

    /** Epoch milliseconds after which this key's cookies are refused, or null for no end. */
    public Long acceptUntil() { return acceptUntil; }

    /** Whether a cookie signed with this key is still accepted at {@code nowMillis}. */
    public boolean acceptsAt(long nowMillis) { return acceptUntil == null || nowMillis <= acceptUntil; }

    /** The same secret and id, accepted until {@code until} (what a rotation does to the key it replaces). */
    public CookieKey acceptedUntil(Long until) { return new CookieKey(id, secret, until); }

    /** The full HMAC-SHA-256 of {@code data[0..length)}. */
    byte[] mac(byte[] data, int length) {
        Mac m = mac.get();
        m.update(data, 0, length);
        return m.doFinal(); // doFinal resets the Mac for the next use
    }

    /**
     * A key for another purpose derived from this one's secret: HKDF-Expand (RFC 5869 2.3) with {@code label} as the
     * info, one block (32 octets). The secret is already a uniformly random key of at least 32 octets, so the extract
     * step is not needed (RFC 5869 3.3). Different labels give independent keys, so a MAC made for one purpose (a
     * digest nonce) can never pass as another's (a call cookie), and the cookie key itself never leaves this class.
     */
    public byte[] derive(String label) {
        try {
            Mac m = Mac.getInstance(ALGORITHM);
            m.init(new SecretKeySpec(secret, ALGORITHM));
            m.update(label.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            m.update((byte) 1);
            return m.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no " + ALGORITHM + " in this Java runtime", e);
        }
    }

    /** Whether this key has the same secret as {@code other} (for tests and for refusing a rotation to itself). */
    boolean sameSecret(CookieKey other) { return Arrays.equals(secret, other.secret); }

    @Override public String toString() {
        // never the secret
        return "CookieKey[id=" + id + (acceptUntil == null ? "" : ", acceptUntil=" + java.time.Instant.ofEpochMilli(acceptUntil)) + "]";
    }
}
