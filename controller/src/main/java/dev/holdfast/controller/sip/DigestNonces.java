package dev.holdfast.controller.sip;

import dev.holdfast.controller.cookie.CookieKey;
import dev.holdfast.controller.cookie.CookieKeyRing;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The digest nonce codec: stateless nonces any controller of the pair can check (docs/migration.md, "Digest nonces
 * across a failover").
 *
 * <p>A nonce is {@code TIME.SEQ.KK.MAC}: the issue time (epoch ms, lower-case hex), a sequence number of the issuing
 * controller (hex: two challenges in one millisecond to one user and host get different nonces, so their nonce counts
 * do not collide), the id of the key that made it (two hex digits) and the first 16 octets of an HMAC-SHA-256, in
 * hex, over all of that, the realm, the user it was issued to and the address it was issued to. A nonce that should
 * outlive the configured lifetime (the {@code nextnonce} of a REGISTER's 2xx, which the phone answers only at its
 * refresh or at the alternate, up to a registration interval later) is {@code TIME.SEQ.KK.LIFE.MAC}, its lifetime in
 * seconds (hex) under the same MAC, so nobody can lengthen it. Nothing is remembered per nonce, so a phone can bring a nonce the
 * primary issued to the alternate, and the alternate checks it with the same key.
 *
 * <p>Keys: with call cookies configured, one nonce key per cookie key, derived from it with the label
 * {@value #LABEL} ({@link CookieKey#derive}): the controllers already share that ring, a rotation of it rotates the
 * nonce keys too, and the previous key's nonces are accepted until its {@code acceptUntil} (after that: stale, so the
 * phone answers a fresh challenge without a user being asked anything). Without cookies: one key of this controller
 * alone (id 0), as before: the alternate does not know it and challenges.
 *
 * <p>Why bound to the user and the address: a nonce is no secret (any REGISTER without credentials gets one), but a
 * nonce the controllers accept from each other widens what a captured REGISTER can do. Bound to the user, a nonce
 * serves one subscriber (its nonce counts are that subscriber's alone); bound to the source address (the host, not
 * the port: a phone that fails over over TCP opens a new connection from another port), a REGISTER captured on the
 * wire and replayed from elsewhere is refused. A phone whose address differs between the two controllers (different
 * NATs or SBCs in front of them) just takes the challenge, as without shared nonces.
 */
final class DigestNonces {
    /** The derivation label: changing it (or the layout) invalidates every nonce in flight, so it carries a version. */
    static final String LABEL = "holdfast sip digest nonce v1";
    /** The id of a controller's own key when no shared ring is configured. */
    static final int LOCAL_KEY_ID = 0;
    private static final int MAC_OCTETS = 16;
    private static final HexFormat HEX = HexFormat.of();

    /** What a nonce turned out to be. */
    enum Kind {
        /** Made by a key that is still accepted, for this user and address: {@link Check#issued} says when. */
        GENUINE,
        /** Genuine, but made by a key rotated out ({@code acceptUntil} passed): stale. */
        RETIRED,
        /** Not ours: malformed, a key we do not have, a forged MAC, or issued to another user or address. */
        UNKNOWN
    }

    /** {@code lifetimeSeconds}: what the nonce itself says, or 0 when it says nothing (the configured lifetime holds). */
    record Check(Kind kind, long issued, long lifetimeSeconds) {
        static final Check UNKNOWN = new Check(Kind.UNKNOWN, -1, 0);

        Check(Kind kind, long issued) { this(kind, issued, 0); }
    }

    /** The longest lifetime a nonce may carry (a day: the longest registration provisioning allows, plus slack). */
    static final long MAX_LIFETIME_SECONDS = 2 * 86_400;

    private record Key(int id, SecretKeySpec spec, Long acceptUntil) {
        boolean acceptsAt(long now) { return acceptUntil == null || now <= acceptUntil; }
    }

    private final String realm;
    private final Key current;
    private final Key[] byId = new Key[256];
    private final ThreadLocal<Mac> mac = ThreadLocal.withInitial(DigestNonces::newMac);
    /** Nonces issued so far (the core's state: a replay of the event log issues the same ones). */
    private long issued;

    private DigestNonces(String realm, Key current, Iterable<Key> all) {
        this.realm = realm;
        this.current = current;
        for (Key k : all) byId[k.id()] = k;
    }

    /** Nonces of this controller alone (no shared key configured): what the alternate cannot check. */
    static DigestNonces local(String realm, byte[] key) {
        Key k = new Key(LOCAL_KEY_ID, new SecretKeySpec(key.clone(), "HmacSHA256"), null);
        return new DigestNonces(realm, k, java.util.List.of(k));
    }

    /** Nonces every controller holding {@code ring} makes and checks alike. */
    static DigestNonces shared(String realm, CookieKeyRing ring) {
        java.util.List<Key> keys = new java.util.ArrayList<>();
        for (CookieKey c : ring.keys()) {
            keys.add(new Key(c.id(), new SecretKeySpec(c.derive(LABEL), "HmacSHA256"), c.acceptUntil()));
        }
        return new DigestNonces(realm, keys.get(0), keys); // the ring lists its current key first
    }

    /** A fresh nonce for {@code user} at {@code source} ({@code udp:host:port}; the host is what is bound). */
    String issue(long now, String user, String source) { return issue(now, user, source, 0); }

    /** As {@link #issue(long, String, String)}, valid for {@code lifetimeSeconds} (0: the configured lifetime). */
    String issue(long now, String user, String source, long lifetimeSeconds) {
        if (lifetimeSeconds < 0 || lifetimeSeconds > MAX_LIFETIME_SECONDS) {
            throw new IllegalArgumentException("nonce lifetime " + lifetimeSeconds + " s");
        }
        String head = Long.toHexString(now) + "." + Long.toHexString(issued++ & 0xffffffffL) + "." + HEX.toHexDigits((byte) current.id())
                + (lifetimeSeconds > 0 ? "." + Long.toHexString(lifetimeSeconds) : "");
        return head + "." + HEX.formatHex(mac(current, head, user, source), 0, MAC_OCTETS);
    }

    /** Whether {@code nonce} is one of ours for {@code user} at {@code source}, and when it was issued. */
    Check check(String nonce, String user, String source, long now) {
        if (nonce == null) return Check.UNKNOWN;
        int dot1 = nonce.indexOf('.');
        int dot2 = dot1 < 0 ? -1 : nonce.indexOf('.', dot1 + 1);
        int dot3 = dot2 < 0 ? -1 : nonce.indexOf('.', dot2 + 1);
        int last = nonce.lastIndexOf('.');
        if (dot1 < 1 || dot1 > 16 || dot2 < dot1 + 2 || dot2 > dot1 + 9 || dot3 != dot2 + 3
                || nonce.length() != last + 1 + 2 * MAC_OCTETS || (last != dot3 && (last < dot3 + 2 || last > dot3 + 9))) {
            return Check.UNKNOWN;
        }
        long issued = lowerHex(nonce, 0, dot1);
        long seq = lowerHex(nonce, dot1 + 1, dot2);
        long id = lowerHex(nonce, dot2 + 1, dot3);
        long lifetime = last == dot3 ? 0 : lowerHex(nonce, dot3 + 1, last);
        if (issued < 0 || seq < 0 || id < 0 || lifetime < 0 || lifetime > MAX_LIFETIME_SECONDS || byId[(int) id] == null) {
            return Check.UNKNOWN;
        }
        Key key = byId[(int) id];
        String head = nonce.substring(0, last);
        byte[] expected = HEX.formatHex(mac(key, head, user, source), 0, MAC_OCTETS).getBytes(StandardCharsets.US_ASCII);
        byte[] given = nonce.substring(last + 1).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, given)) return Check.UNKNOWN;
        return new Check(key.acceptsAt(now) ? Kind.GENUINE : Kind.RETIRED, issued, lifetime);
    }

    /** The value of {@code s[from..to)} as lower-case hex (what {@link #issue} writes), or -1. */
    private static long lowerHex(String s, int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0) return -1;
            v = v << 4 | d;
        }
        return v < 0 ? -1 : v;
    }

    private byte[] mac(Key key, String head, String user, String source) {
        Mac m = mac.get();
        try {
            m.init(key.spec());
        } catch (java.security.InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
        // each field length-prefixed: no two different (realm, user, host) can give the same input
        for (String field : new String[] {head, realm, user == null ? "" : user, host(source)}) {
            byte[] b = field.getBytes(StandardCharsets.UTF_8);
            m.update((byte) (b.length >>> 8));
            m.update((byte) b.length);
            m.update(b);
        }
        return m.doFinal();
    }

    /** The host of a source {@code transport:host:port} (the whole text when it is not of that form; "" for null). */
    static String host(String source) {
        if (source == null) return "";
        int first = source.indexOf(':');
        int last = source.lastIndexOf(':');
        return first < 0 || last <= first ? source : source.substring(first + 1, last);
    }

    private static Mac newMac() {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no HmacSHA256 in this Java runtime", e);
        }
    }
}
