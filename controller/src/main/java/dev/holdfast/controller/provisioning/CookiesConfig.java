package dev.holdfast.controller.provisioning;

import dev.holdfast.controller.cookie.CookieKey;
import dev.holdfast.controller.cookie.CookieKeyRing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The call-cookie key ring (docs/migration.md, "Encoding"), shared by the controllers that can take over each
 * other's calls. Absent from a provisioning file: cookies are off.
 *
 * <pre>
 * cookies:
 *   current: 2
 *   keys:
 *     - { id: 1, secret: "base64 of 32 or more random octets", acceptUntil: "2026-12-01T00:00:00Z" }
 *     - { id: 2, secret: "..." }
 * </pre>
 *
 * @param current the id of the key that signs new cookies
 * @param keys    every key that still verifies cookies: id 1..255, secret in base64 (standard or URL alphabet,
 *                padding optional) of at least 32 octets, and for a rotated-out key the ISO-8601 instant after which
 *                its cookies are refused
 */
public record CookiesConfig(Integer current, List<Key> keys) {
    public CookiesConfig {
        keys = keys == null ? List.of() : List.copyOf(keys);
    }

    /** One key; the secret is base64. */
    public record Key(Integer id, String secret, String acceptUntil) {
        @Override public String toString() {
            return "Key[id=" + id + ", acceptUntil=" + acceptUntil + "]"; // never the secret
        }
    }

    /** The secret's octets, or null when it is not base64. */
    static byte[] decodeSecret(String secret) {
        if (secret == null) return null;
        try {
            boolean url = secret.indexOf('-') >= 0 || secret.indexOf('_') >= 0;
            return (url ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(secret);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The instant in epoch milliseconds, or null when it is not an ISO-8601 instant. */
    static Long parseInstant(String text) {
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The key ring this section describes. Call it on a validated provisioning (ProvisioningLoader did). */
    public CookieKeyRing keyRing() {
        CookieKey cur = null;
        List<CookieKey> older = new ArrayList<>();
        for (Key k : keys) {
            CookieKey key = new CookieKey(k.id(), decodeSecret(k.secret()),
                    k.acceptUntil() == null ? null : parseInstant(k.acceptUntil()));
            if (k.id().equals(current)) cur = key;
            else older.add(key);
        }
        return new CookieKeyRing(cur, older);
    }
}
