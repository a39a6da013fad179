package dev.holdfast.controller.sip;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Digest authentication (RFC 3261 22, RFC 2617, RFC 7616) with stateless nonces ({@link DigestNonces}): a nonce is
 * its issue time and an HMAC, so any nonce can be checked without remembering it, a forged one fails, and one older
 * than the nonce lifetime is answered with {@code stale=true}. With call cookies configured the nonce keys are derived
 * from the key ring the controllers share, so a phone that fails over brings its last nonce to the alternate and is
 * let in on its first REGISTER (docs/migration.md, "Digest nonces across a failover"). MD5 is offered (what phones
 * and SIPp speak); SHA-256 answers are accepted too when the subscriber's password is provisioned.
 *
 * <p>Nonce counts ({@code nc}, RFC 7616 3.4) are checked here, per controller: an answer whose count is not above the
 * highest this controller saw for its nonce is a replay, answered like a stale nonce (a fresh challenge, which a phone
 * that merely lost an answer takes at once). The table is not shared: a REGISTER captured at the primary can be
 * replayed once to the alternate, from the phone's own address, within the nonce lifetime. That is the price of the
 * saved round trip, and it is small: the replay binds only what an on-path attacker could bind anyway by rewriting the
 * REGISTER in flight (digest does not cover the Contact), and {@code nonceSeconds} (default 300 s) bounds it.
 */
public final class DigestAuthenticator {
    /**
     * OK: let in. STALE: right password, old nonce (or a retired key's): 401 with {@code stale=true}. REPLAYED: a
     * nonce count already seen here: treated as stale. UNKNOWN_NONCE: not a nonce of ours (forged, another key, another
     * user or address, issued in the future beyond the clock skew allowed): a plain 401 with a fresh nonce. WRONG: a
     * wrong password, an unknown user, a malformed answer: 403. URI_MISMATCH: the answer's {@code uri} names another
     * resource than the Request-URI (RFC 2617 3.2.2.5): 400, since a digest made for one request must not carry
     * another.
     */
    public enum Verdict { OK, STALE, REPLAYED, UNKNOWN_NONCE, WRONG, URI_MISMATCH }

    /** How far ahead of our clock a peer controller's nonce may be dated (their clocks are NTP-synchronised). */
    static final long MAX_CLOCK_SKEW_MILLIS = 5_000;
    /** Nonces whose counts are remembered, at most (a bound on memory under a flood of distinct nonces). */
    static final int MAX_COUNTED_NONCES = 100_000;

    private static final HexFormat HEX = HexFormat.of();
    private final String realm;
    private final long lifetimeMillis;
    private final DigestNonces nonces;
    /**
     * Highest nonce count seen per nonce and when the nonce expires, in first-use order; entries leave once their nonce
     * is past its lifetime (a long-lived nonce stays until its own end, so its counts outlive its first use).
     */
    private final java.util.LinkedHashMap<String, long[]> counts = new java.util.LinkedHashMap<>();

    /**
     * Nonces of this controller alone (no shared key).
     *
     * @param key the HMAC key (drawn from the seed, so a replay of the event log issues the same nonces)
     */
    public DigestAuthenticator(String realm, int nonceSeconds, byte[] key) {
        this(realm, nonceSeconds, DigestNonces.local(realm, key));
    }

    /** Nonces every controller holding {@code ring} (the call-cookie key ring) accepts. */
    public DigestAuthenticator(String realm, int nonceSeconds, dev.holdfast.controller.cookie.CookieKeyRing ring) {
        this(realm, nonceSeconds, DigestNonces.shared(realm, ring));
    }

    private DigestAuthenticator(String realm, int nonceSeconds, DigestNonces nonces) {
        this.realm = realm;
        this.lifetimeMillis = nonceSeconds * 1000L;
        this.nonces = nonces;
    }

    public String realm() { return realm; }

    /**
     * A {@code WWW-Authenticate} / {@code Proxy-Authenticate} value with a fresh nonce for {@code user} (the To of a
     * REGISTER, the From of an INVITE) at {@code source} ({@code transport:host:port}).
     */
    public String challenge(long now, boolean stale, String user, String source) {
        return "Digest realm=\"" + realm + "\", nonce=\"" + nonce(now, user, source) + "\", algorithm=MD5, qop=\"auth\""
                + (stale ? ", stale=true" : "");
    }

    /**
     * An {@code Authentication-Info} value with the next nonce to use (RFC 2617 3.2.3, RFC 7616 3.5), for the 2xx of
     * an authenticated request, valid for {@code validSeconds} if that is longer than the configured lifetime. The
     * registrar passes the registration's interval: the phone answers its refresh (or, after a failover, its first
     * REGISTER at the alternate) with this nonce up to that long after, and a nonce gone stale by then would cost
     * that REGISTER a second round trip, at a failover to an alternate that is busiest just then.
     */
    public String nextNonce(long now, String user, String source, long validSeconds) {
        long life = validSeconds * 1000 > lifetimeMillis ? Math.min(validSeconds, DigestNonces.MAX_LIFETIME_SECONDS) : 0;
        return "nextnonce=\"" + nonces.issue(now, user, source, life) + "\"";
    }

    String nonce(long now, String user, String source) { return nonces.issue(now, user, source); }

    /**
     * Checks credentials for a request from {@code source} to {@code requestUri}. {@code subscriber} is null for an unknown user: the answer is then WRONG, after the same work
     * as for a known one, so neither the response nor its timing tells the two apart.
     */
    public Verdict verify(String method, String requestUri, DigestCredentials c, Subscriber subscriber, String source,
                          long now) {
        String algorithm = c.get("algorithm") == null ? "MD5" : c.get("algorithm").toUpperCase(Locale.ROOT);
        if (!algorithm.equals("MD5") && !algorithm.equals("SHA-256")) return Verdict.WRONG;
        String user = c.username();
        String nonce = c.get("nonce");
        String uri = c.get("uri");
        String response = c.get("response");
        if (user == null || nonce == null || uri == null || response == null || !realm.equals(c.get("realm"))) {
            return Verdict.WRONG;
        }
        if (!sameResource(uri, requestUri)) return Verdict.URI_MISMATCH;
        // the nonce first: whether it is ours says nothing about the user or the password
        DigestNonces.Check check = nonces.check(nonce, user, source, now);
        if (check.kind() == DigestNonces.Kind.UNKNOWN || check.issued() > now + MAX_CLOCK_SKEW_MILLIS) {
            return Verdict.UNKNOWN_NONCE;
        }
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
        long nc = qop == null ? 1 : count(c.get("nc"));
        if (nc <= 0) return Verdict.WRONG;
        String expected = response(algorithm, ha1, nonce, c.get("nc"), c.get("cnonce"), qop, method, uri);
        boolean match = MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                response.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
        if (subscriber == null || !match) return Verdict.WRONG;
        long expires = check.issued() + (check.lifetimeSeconds() > 0 ? check.lifetimeSeconds() * 1000 : lifetimeMillis);
        if (check.kind() == DigestNonces.Kind.RETIRED || now > expires) return Verdict.STALE;
        return counted(nonce, nc, expires, now) ? Verdict.OK : Verdict.REPLAYED;
    }

    /**
     * Whether the answer's {@code uri} and the Request-URI name the same resource: the same text, or two SIP URIs with
     * the same scheme, host (case-insensitive) and port (none and 5060 alike), whatever their parameters (a phone may
     * add or drop {@code ;transport=}), and the same user when the digest names one. A digest uri without a user is
     * taken for the host it names: SIPp, the load generator operators use, writes {@code sip:host:port} for an INVITE
     * to {@code sip:user@host:port}. Anything else is another resource.
     */
    static boolean sameResource(String digestUri, String requestUri) {
        if (digestUri.equals(requestUri)) return true;
        SipUri a = SipUri.parse(digestUri);
        SipUri b = SipUri.parse(requestUri);
        if (a == null || b == null || secure(digestUri) != secure(requestUri)) return false;
        return (a.user() == null || a.user().equals(b.user())) && a.host().equalsIgnoreCase(b.host())
                && a.portOrDefault() == b.portOrDefault();
    }

    private static boolean secure(String uri) {
        String t = uri.trim();
        return t.regionMatches(true, t.startsWith("<") ? 1 : 0, "sips:", 0, 5);
    }

    /** The nonce count as RFC 7616 writes it (8 hex digits), or -1. */
    private static long count(String nc) {
        if (nc == null || nc.isEmpty() || nc.length() > 8) return -1;
        try {
            return Long.parseLong(nc, 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Records {@code nc} for {@code nonce}: false when it is not above the highest seen (a replay). An answer without
     * qop has no count: its nonce serves once here (counted as 1).
     */
    private boolean counted(String nonce, long nc, long expires, long now) {
        // forget nonces past their lifetime (they are stale from now on anyway), oldest first use first; an entry still
        // live stops the sweep, so a long-lived one keeps younger dead ones a while (memory, bounded, not safety)
        for (var it = counts.values().iterator(); it.hasNext(); ) {
            long[] e = it.next();
            if (now <= e[1] && counts.size() < MAX_COUNTED_NONCES) break;
            it.remove();
        }
        long[] seen = counts.get(nonce);
        if (seen == null) {
            counts.put(nonce, new long[] {nc, expires});
            return true;
        }
        if (nc <= seen[0]) return false;
        seen[0] = nc;
        return true;
    }

    /** Nonces whose counts are remembered now (for tests and metrics). */
    int countedNonces() { return counts.size(); }

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
