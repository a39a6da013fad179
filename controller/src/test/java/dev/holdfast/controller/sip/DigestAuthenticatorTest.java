package dev.holdfast.controller.sip;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DigestAuthenticatorTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final DigestAuthenticator auth = new DigestAuthenticator("holdfast", 60, KEY);
    private final Subscriber alice = new Subscriber("alice", "wonderland", null, "2001");

    @Test void md5RequestDigestIsThatOfRfc2617Section3_5() {
        String ha1 = DigestAuthenticator.hash("MD5", "Mufasa:testrealm@host.com:Circle Of Life");
        assertEquals("6629fae49393a05397450978507c4ef1", DigestAuthenticator.response("MD5", ha1,
                "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001", "0a4f113b", "auth", "GET", "/dir/index.html"));
    }

    @Test void sha256RequestDigestIsThatOfRfc7616Section3_9_1() {
        String ha1 = DigestAuthenticator.hash("SHA-256", "Mufasa:http-auth@example.org:Circle of Life");
        assertEquals("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", DigestAuthenticator.response(
                "SHA-256", ha1, "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "00000001",
                "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", "auth", "GET", "/dir/index.html"));
    }

    private static final String SRC = "udp:127.0.0.1:5070";

    private String answer(String user, String password, String nonce, String algorithm) {
        return answer(user, password, nonce, algorithm, "00000001");
    }

    private String answer(String user, String password, String nonce, String algorithm, String nc) {
        String ha1 = DigestAuthenticator.hash(algorithm, user + ":holdfast:" + password);
        String response = DigestAuthenticator.response(algorithm, ha1, nonce, nc, "c0ffee", "auth", "REGISTER", "sip:127.0.0.1");
        return "Digest username=\"" + user + "\", realm=\"holdfast\", nonce=\"" + nonce + "\", uri=\"sip:127.0.0.1\", "
                + "response=\"" + response + "\", algorithm=" + algorithm + ", qop=auth, nc=" + nc + ", cnonce=\"c0ffee\"";
    }

    private static DigestAuthenticator.Verdict verify(DigestAuthenticator a, String header, Subscriber s, long now) {
        return a.verify("REGISTER", "sip:127.0.0.1", DigestCredentials.parse(header), s, SRC, now);
    }

    @Test void aGoodAnswerPassesWithMd5AndSha256() {
        String nonce = auth.nonce(1_000_000, "alice", SRC);
        assertEquals(DigestAuthenticator.Verdict.OK, verify(auth, answer("alice", "wonderland", nonce, "MD5"), alice, 1_001_000));
        assertEquals(DigestAuthenticator.Verdict.OK, verify(auth, answer("alice", "wonderland", nonce, "SHA-256", "00000002"), alice, 1_001_000));
    }

    @Test void anOldNonceIsStaleOnlyWhenTheAnswerIsRight() {
        String nonce = auth.nonce(1_000_000, "alice", SRC);
        long later = 1_000_000 + 61_000;
        assertEquals(DigestAuthenticator.Verdict.STALE, verify(auth, answer("alice", "wonderland", nonce, "MD5"), alice, later));
        assertEquals(DigestAuthenticator.Verdict.WRONG, verify(auth, answer("alice", "guess", nonce, "MD5"), alice, later));
    }

    @Test void aForgedNonceOrAnotherKeysNonceIsUnknownAPlainChallenge() {
        String forged = Long.toHexString(1_000_000) + ".0.00.00000000000000000000000000000000";
        assertEquals(DigestAuthenticator.Verdict.UNKNOWN_NONCE, verify(auth, answer("alice", "wonderland", forged, "MD5"), alice, 1_001_000));
        String foreign = new DigestAuthenticator("holdfast", 60, new byte[32]).nonce(1_000_000, "alice", SRC);
        assertEquals(DigestAuthenticator.Verdict.UNKNOWN_NONCE, verify(auth, answer("alice", "wonderland", foreign, "MD5"), alice, 1_001_000));
        // today's format (no key id) is not ours either
        assertEquals(DigestAuthenticator.Verdict.UNKNOWN_NONCE, verify(auth,
                answer("alice", "wonderland", Long.toHexString(1_000_000) + ".00000000000000000000000000000000", "MD5"), alice, 1_001_000));
    }

    @Test void aNonceIssuedToAnotherUserOrAddressIsUnknown() {
        String bobs = auth.nonce(1_000_000, "bob", SRC);
        assertEquals(DigestAuthenticator.Verdict.UNKNOWN_NONCE, verify(auth, answer("alice", "wonderland", bobs, "MD5"), alice, 1_001_000));
        String elsewhere = auth.nonce(1_000_000, "alice", "udp:10.0.0.9:5070");
        assertEquals(DigestAuthenticator.Verdict.UNKNOWN_NONCE, verify(auth, answer("alice", "wonderland", elsewhere, "MD5"), alice, 1_001_000));
        // the port is not bound: over TCP a phone comes back from another one
        String otherPort = auth.nonce(1_000_000, "alice", "tcp:127.0.0.1:40000");
        assertEquals(DigestAuthenticator.Verdict.OK, verify(auth, answer("alice", "wonderland", otherPort, "MD5"), alice, 1_001_000));
    }

    @Test void aNonceFromBeyondTheClockSkewIsUnknown() {
        long now = 1_000_000;
        String soon = auth.nonce(now + DigestAuthenticator.MAX_CLOCK_SKEW_MILLIS, "alice", SRC);
        assertEquals(DigestAuthenticator.Verdict.OK, verify(auth, answer("alice", "wonderland", soon, "MD5"), alice, now));
        String future = auth.nonce(now + DigestAuthenticator.MAX_CLOCK_SKEW_MILLIS + 1, "alice", SRC);
        assertEquals(DigestAuthenticator.Verdict.UNKNOWN_NONCE, verify(auth, answer("alice", "wonderland", future, "MD5"), alice, now));
    }

    @Test void aNonceCountNotAboveTheLastIsAReplay() {
        String nonce = auth.nonce(1_000_000, "alice", SRC);
        String first = answer("alice", "wonderland", nonce, "MD5", "00000001");
        assertEquals(DigestAuthenticator.Verdict.OK, verify(auth, first, alice, 1_001_000));
        assertEquals(DigestAuthenticator.Verdict.REPLAYED, verify(auth, first, alice, 1_002_000));
        assertEquals(DigestAuthenticator.Verdict.OK, verify(auth, answer("alice", "wonderland", nonce, "MD5", "00000003"), alice, 1_003_000));
        assertEquals(DigestAuthenticator.Verdict.REPLAYED, verify(auth, answer("alice", "wonderland", nonce, "MD5", "00000002"), alice, 1_004_000));
        assertEquals(1, auth.countedNonces());
        // past its lifetime the nonce is stale and forgotten at the next count
        String fresh = auth.nonce(1_100_000, "alice", SRC);
        assertEquals(DigestAuthenticator.Verdict.OK, verify(auth, answer("alice", "wonderland", fresh, "MD5"), alice, 1_100_000));
        assertEquals(1, auth.countedNonces());
    }

    /** The registrar's nextnonce for an hour's registration is good for that hour, and its counts are kept as long. */
    @Test void aNextNonceForALongRegistrationLivesAsLongAndStaysCounted() {
        String header = auth.nextNonce(1_000_000, "alice", SRC, 3600);
        String nonce = header.substring(header.indexOf('"') + 1, header.lastIndexOf('"'));
        long later = 1_000_000 + 3_000_000; // 50 minutes: far past the 60 s lifetime
        String first = answer("alice", "wonderland", nonce, "MD5", "00000001");
        assertEquals(DigestAuthenticator.Verdict.OK, verify(auth, first, alice, later));
        // another nonce used much later sweeps the table; the long-lived one's count stays, so its replay is caught
        String fresh = auth.nonce(later + 100_000, "alice", SRC);
        assertEquals(DigestAuthenticator.Verdict.OK, verify(auth, answer("alice", "wonderland", fresh, "MD5"), alice, later + 100_000));
        assertEquals(DigestAuthenticator.Verdict.REPLAYED, verify(auth, first, alice, later + 100_001));
        assertEquals(DigestAuthenticator.Verdict.STALE, verify(auth, answer("alice", "wonderland", nonce, "MD5", "00000009"),
                alice, 1_000_000 + 3_600_001));
        // a registration shorter than the lifetime gets the plain nonce
        String brief = auth.nextNonce(1_000_000, "alice", SRC, 30);
        assertEquals(3, brief.chars().filter(c -> c == '.').count(), brief);
    }

    @Test void theDigestUriMustNameTheRequestUrisResource() {
        assertTrue(DigestAuthenticator.sameResource("sip:127.0.0.1", "sip:127.0.0.1"));
        assertTrue(DigestAuthenticator.sameResource("sip:127.0.0.1;transport=tcp", "sip:127.0.0.1"));
        assertTrue(DigestAuthenticator.sameResource("sip:Example.NET:5060", "sip:example.net"));
        assertTrue(DigestAuthenticator.sameResource("sip:2001@example.net", "<sip:2001@example.net;user=phone>"));
        assertFalse(DigestAuthenticator.sameResource("sip:127.0.0.2", "sip:127.0.0.1"));
        assertFalse(DigestAuthenticator.sameResource("sip:127.0.0.1:5070", "sip:127.0.0.1"));
        assertFalse(DigestAuthenticator.sameResource("sips:127.0.0.1", "sip:127.0.0.1"));
        assertFalse(DigestAuthenticator.sameResource("sip:2002@example.net", "sip:2001@example.net"));
        assertTrue(DigestAuthenticator.sameResource("sip:example.net", "sip:2001@example.net"), "SIPp's form");
        assertFalse(DigestAuthenticator.sameResource("sip:2001@example.net", "sip:example.net"));
        assertFalse(DigestAuthenticator.sameResource("/index.html", "sip:example.net"));
        String nonce = auth.nonce(1_000_000, "alice", SRC);
        DigestCredentials c = DigestCredentials.parse(answer("alice", "wonderland", nonce, "MD5"));
        assertEquals(DigestAuthenticator.Verdict.URI_MISMATCH, auth.verify("REGISTER", "sip:192.0.2.1", c, alice, SRC, 1_001_000));
        assertEquals(DigestAuthenticator.Verdict.OK, auth.verify("REGISTER", "sip:127.0.0.1", c, alice, SRC, 1_001_000));
    }

    @Test void anUnknownUserIsWrongLikeAWrongPassword() {
        String nonce = auth.nonce(1_000_000, "mallory", SRC);
        assertEquals(DigestAuthenticator.Verdict.WRONG, verify(auth, answer("mallory", "", nonce, "MD5"), null, 1_001_000));
    }

    @Test void ha1StandsInForThePassword() {
        Subscriber byHa1 = new Subscriber("alice", null, DigestAuthenticator.hash("MD5", "alice:holdfast:wonderland"), "2001");
        String nonce = auth.nonce(5, "alice", SRC);
        assertEquals(DigestAuthenticator.Verdict.OK, verify(auth, answer("alice", "wonderland", nonce, "MD5"), byHa1, 10));
        // SHA-256 needs the password: with HA1 only it cannot pass
        assertEquals(DigestAuthenticator.Verdict.WRONG, verify(auth, answer("alice", "wonderland", nonce, "SHA-256", "00000002"), byHa1, 10));
    }

    @Test void credentialsParse() {
        DigestCredentials c = DigestCredentials.parse("Digest username=\"a\\\"b\", realm=\"r\", nc=00000001, qop=auth");
        assertNotNull(c);
        assertEquals("a\"b", c.username());
        assertEquals("00000001", c.get("nc"));
        assertNull(DigestCredentials.parse("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
        assertNull(DigestCredentials.parse("Digest username=\"unterminated"));
        assertNull(DigestCredentials.parse("Digest nonce=\"a\", nonce=\"b\""));
    }

    @Property void anyHeaderTextParsesOrIsRefusedWithoutThrowing(@ForAll String text) {
        DigestCredentials.parse("Digest " + text);
        DigestCredentials.parse(text);
        SipUri.parse(text);
        SipUri.parse("sip:" + text);
    }

    @Test void sipUris() {
        SipUri u = SipUri.parse("<sip:1001@127.0.0.1:5070;transport=TCP;ob>");
        assertEquals(new SipUri("1001", "127.0.0.1", 5070, "tcp"), u);
        assertEquals("127.0.0.1:5070", u.hostPort());
        assertEquals("example.net:5060", SipUri.parse("sips:example.net").hostPort());
        assertEquals("[::1]:5080", SipUri.parse("sip:bob@[::1]:5080").hostPort());
        assertNull(SipUri.parse("tel:+15551234"));
        assertNull(SipUri.parse("sip:bob@host:99999"));
        assertTrue(SipUri.parse("sip:host").user() == null);
    }
}
