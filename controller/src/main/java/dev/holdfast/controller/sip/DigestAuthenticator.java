package dev.holdfast.controller.sip;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Digest authentication (RFC 3261 22, RFC 2617, RFC 7616) with stateless nonces: a nonce is its issue time and an
 * HMAC of it under the controller's key, so any nonce can be checked without remembering it, a forged one fails,
 * and one older than the nonce lifetime is answered with {@code stale=true}. MD5 is offered (what phones and SIPp
 * speak); SHA-256 answers are accepted too when the subscriber's password is provisioned.
 */
public final class DigestAuthenticator {
    public enum Verdict { OK, STALE, WRONG }

    private static final HexFormat HEX = HexFormat.of();
    private final String realm;
    private final long lifetimeMillis;
    private final SecretKeySpec key;

    /** @param key the HMAC key (drawn from the core's seeded generator, so a replay issues the same nonces) */
    public DigestAuthenticator(String realm, int nonceSeconds, byte[] key) {
        this.realm = realm;
        this.lifetimeMillis = nonceSeconds * 1000L;
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    public String realm() { return realm; }

    /** A {@code WWW-Authenticate} / {@code Proxy-Authenticate} value with a fresh nonce. */
    public String challenge(long now, boolean stale) {
        return "Digest realm=\"" + realm + "\", nonce=\"" + nonce(now) + "\", algorithm=MD5, qop=\"auth\""
                + (stale ? ", stale=true" : "");
    }

    String nonce(long now) {
        String ts = Long.toHexString(now);
        return ts + "." + HEX.formatHex(mac(ts), 0, 16);
    }

    /** The time a genuine nonce was issued, or -1 for one we did not make. */
    long issued(String nonce) {
        if (nonce == null) return -1;
        int dot = nonce.indexOf('.');
        if (dot <= 0 || dot > 16) return -1;
        String ts = nonce.substring(0, dot);
        byte[] expected = HEX.formatHex(mac(ts), 0, 16).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, nonce.substring(dot + 1).getBytes(StandardCharsets.US_ASCII))) return -1;
        try {
            return Long.parseLong(ts, 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Checks credentials for a request. {@code subscriber} is null for an unknown user: the answer is then WRONG,
     * after the same work as for a known one, so neither the response nor its timing tells the two apart.
     */
    public Verdict verify(String method, DigestCredentials c, Subscriber subscriber, long now) {
        String algorithm = c.get("algorithm") == null ? "MD5" : c.get("algorithm").toUpperCase(Locale.ROOT);
        if (!algorithm.equals("MD5") && !algorithm.equals("SHA-256")) return Verdict.WRONG;
        String user = c.username();
        String nonce = c.get("nonce");
        String uri = c.get("uri");
        String response = c.get("response");
        if (user == null || nonce == null || uri == null || response == null || !realm.equals(c.get("realm"))) {
            return Verdict.WRONG;
        }
        long issued = issued(nonce);
        String ha1;
        if (algorithm.equals("MD5")) {
            ha1 = subscriber == null ? hash("MD5", user + ":" + realm + ":")
                    : subscriber.ha1() != null ? subscriber.ha1().toLowerCase(Locale.ROOT)
                    : hash("MD5", user + ":" + realm + ":" + subscriber.password());
        } else {
            ha1 = hash("SHA-256", user + ":" + realm + ":" + (subscriber == null ? "" : subscriber.password()));
            if (subscriber != null && subscriber.password() == null) subscriber = null;
        }
        String qop = c.get("qop");
        if (qop != null && !(qop.equalsIgnoreCase("auth") && c.get("nc") != null && c.get("cnonce") != null)) {
            return Verdict.WRONG;
        }
        String expected = response(algorithm, ha1, nonce, c.get("nc"), c.get("cnonce"), qop, method, uri);
        boolean match = MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                response.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
        if (subscriber == null || !match || issued < 0 || issued > now) return Verdict.WRONG;
        return now - issued > lifetimeMillis ? Verdict.STALE : Verdict.OK;
    }

    /**
     * The request-digest of RFC 2617 3.2.2.1 / RFC 7616 3.4.1 ({@code qop} null: the RFC 2069 form). Public for the
     * warm-up's scripted phones, which answer the registrar's challenge as a phone does.
     */
    public static String response(String algorithm, String ha1, String nonce, String nc, String cnonce, String qop,
                           String method, String uri) {
        String ha2 = hash(algorithm, method + ":" + uri);
        return qop == null ? hash(algorithm, ha1 + ":" + nonce + ":" + ha2)
                : hash(algorithm, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
    }

    private byte[] mac(String text) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            return m.doFinal(text.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The MD5 HA1 of RFC 2617 3.2.2.2 in lower-case hex: what a subscriber's password is kept as. */
    public static String md5Ha1(String user, String realm, String password) {
        return hash("MD5", user + ":" + realm + ":" + password);
    }

    static String hash(String algorithm, String text) {
        try {
            return HEX.formatHex(MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
