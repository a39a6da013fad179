package dev.holdfast.controller.sip;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    private String answer(String user, String password, String nonce, String algorithm) {
        String ha1 = DigestAuthenticator.hash(algorithm, user + ":holdfast:" + password);
        String response = DigestAuthenticator.response(algorithm, ha1, nonce, "00000001", "c0ffee", "auth", "REGISTER", "sip:127.0.0.1");
        return "Digest username=\"" + user + "\", realm=\"holdfast\", nonce=\"" + nonce + "\", uri=\"sip:127.0.0.1\", "
                + "response=\"" + response + "\", algorithm=" + algorithm + ", qop=auth, nc=00000001, cnonce=\"c0ffee\"";
    }

    @Test void aGoodAnswerPassesWithMd5AndSha256() {
        String nonce = auth.nonce(1_000_000);
        assertEquals(DigestAuthenticator.Verdict.OK, auth.verify("REGISTER",
                DigestCredentials.parse(answer("alice", "wonderland", nonce, "MD5")), alice, 1_001_000));
        assertEquals(DigestAuthenticator.Verdict.OK, auth.verify("REGISTER",
                DigestCredentials.parse(answer("alice", "wonderland", nonce, "SHA-256")), alice, 1_001_000));
    }

    @Test void anOldNonceIsStaleOnlyWhenTheAnswerIsRight() {
        String nonce = auth.nonce(1_000_000);
        long later = 1_000_000 + 61_000;
        assertEquals(DigestAuthenticator.Verdict.STALE, auth.verify("REGISTER",
                DigestCredentials.parse(answer("alice", "wonderland", nonce, "MD5")), alice, later));
        assertEquals(DigestAuthenticator.Verdict.WRONG, auth.verify("REGISTER",
                DigestCredentials.parse(answer("alice", "guess", nonce, "MD5")), alice, later));
    }

    @Test void aForgedNonceOrAnotherKeysNonceIsWrong() {
        String forged = Long.toHexString(1_000_000) + ".00000000000000000000000000000000";
        assertEquals(DigestAuthenticator.Verdict.WRONG, auth.verify("REGISTER",
                DigestCredentials.parse(answer("alice", "wonderland", forged, "MD5")), alice, 1_001_000));
        String foreign = new DigestAuthenticator("holdfast", 60, new byte[32]).nonce(1_000_000);
        assertEquals(DigestAuthenticator.Verdict.WRONG, auth.verify("REGISTER",
                DigestCredentials.parse(answer("alice", "wonderland", foreign, "MD5")), alice, 1_001_000));
    }

    @Test void anUnknownUserIsWrongLikeAWrongPassword() {
        String nonce = auth.nonce(1_000_000);
        assertEquals(DigestAuthenticator.Verdict.WRONG, auth.verify("REGISTER",
                DigestCredentials.parse(answer("mallory", "", nonce, "MD5")), null, 1_001_000));
    }

    @Test void ha1StandsInForThePassword() {
        Subscriber byHa1 = new Subscriber("alice", null, DigestAuthenticator.hash("MD5", "alice:holdfast:wonderland"), "2001");
        String nonce = auth.nonce(5);
        assertEquals(DigestAuthenticator.Verdict.OK, auth.verify("REGISTER",
                DigestCredentials.parse(answer("alice", "wonderland", nonce, "MD5")), byHa1, 10));
        // SHA-256 needs the password: with HA1 only it cannot pass
        assertEquals(DigestAuthenticator.Verdict.WRONG, auth.verify("REGISTER",
                DigestCredentials.parse(answer("alice", "wonderland", nonce, "SHA-256")), byHa1, 10));
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
