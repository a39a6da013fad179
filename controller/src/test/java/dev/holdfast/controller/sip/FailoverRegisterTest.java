package dev.holdfast.controller.sip;

import dev.holdfast.controller.Controller;
import dev.holdfast.controller.cookie.CookieFixtures;
import dev.holdfast.controller.cookie.CookieKey;
import dev.holdfast.controller.cookie.CookieKeyRing;
import dev.holdfast.endpointsim.PhoneRuntime;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Digest nonces across a failover (docs/migration.md, "Digest nonces across a failover"): two real controllers on
 * 127.0.0.1 sharing a key ring, an endpoint-sim phone with both in its list. The primary stops; the phone's first
 * REGISTER to the alternate carries credentials on the primary's last nonce and is answered 200: one round trip, no
 * challenge. Without a shared key, or with a nonce past its lifetime, the alternate challenges (plain, or stale) and the
 * phone answers: two round trips, as before. And, REGISTER by REGISTER over a UDP socket, what a controller answers to
 * a forged, expired, other-key, previous-key, retired-key and replayed nonce.
 */
class FailoverRegisterTest extends PrimaryAndAlternate {
    private static final Duration T = Duration.ofSeconds(10);
    private static final String FAR_FUTURE = "2099-01-01T00:00:00Z";

    private static String secret(int seed) { return Base64.getEncoder().encodeToString(CookieFixtures.secret(seed)); }

    /** A {@code cookies:} section: key {@code current} signs; the others are listed with their {@code acceptUntil}. */
    private static String ring(int current, String... others) {
        StringBuilder keys = new StringBuilder("{ id: " + current + ", secret: \"" + secret(current) + "\" }");
        for (String o : others) {
            String[] idUntil = o.split("@");
            keys.append(", { id: ").append(idUntil[0]).append(", secret: \"").append(secret(Integer.parseInt(idUntil[0])))
                    .append("\", acceptUntil: \"").append(idUntil[1]).append("\" }");
        }
        return "cookies: { current: " + current + ", keys: [ " + keys + " ] }";
    }

    /**
     * Phone 1001 registers with the primary (one challenge), the primary stops, the phone registers with the alternate.
     * Returns the phone.
     */
    private Phone registerThenFailOver(String primaryMore, String alternateMore, String sipExtra, String transport,
                                       Duration beforeTheKill) throws Exception {
        primary = SipTestController.start(sipExtra, 30, null, null, primaryMore);
        // another seed, as another process has: without a shared key the two controllers' nonce keys differ
        alternate = SipTestController.start(sipExtra, 30, null, null, alternateMore, 2);
        phones = PhoneRuntime.loopback();
        Phone p = phones.phone(PhoneConfig.of("1001", "secret1", List.of(address(primary), address(alternate)))
                .withRegistration(Duration.ofSeconds(60), Duration.ofMillis(300), Duration.ofMillis(1500))
                .withTransport(transport));
        SipTestController.await("registered with the primary", T, p::registered, p::registrationError);
        assertEquals(1, counter(primary, "register.challenged"), "the first registration is challenged");
        assertEquals(1, counter(primary, "register.ok"));
        assertEquals(0, p.failoverRegistrations());
        Thread.sleep(beforeTheKill.toMillis());
        primary.close(); // abrupt: its sockets are gone
        SipTestController.await("registered with the alternate", T,
                () -> p.registered() && p.controller().equals(address(alternate)), () -> p.controller() + " " + p.registrationError());
        assertEquals(1, p.failovers());
        assertEquals(1, p.failoverRegistrations());
        assertEquals(1, SipTestController.bindings(alternate, "1001").size());
        return p;
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void withASharedKeyTheFirstRegisterToTheAlternateIsAnswered200(String transport) throws Exception {
        Phone p = registerThenFailOver(ring(1), ring(1), "", transport, Duration.ZERO);
        // the SIP exchange at the alternate: one REGISTER, one 200, no challenge of any kind
        assertEquals(1, counter(alternate, "requests.REGISTER"), counters(alternate));
        assertEquals(1, counter(alternate, "register.ok"), counters(alternate));
        assertEquals(0, counter(alternate, "register.challenged") + counter(alternate, "register.stale")
                + counter(alternate, "register.unknown-nonce") + counter(alternate, "register.replayed"), counters(alternate));
        assertEquals(0, counter(alternate, "responses.4xx"), counters(alternate));
        assertEquals(1, p.failoverRegistrationsAtOnce());
        assertEquals(1, p.registerRoundTripsSaved());
    }

    @Test void aRotatedAlternateAcceptsTheNonceOfThePreviousKey() throws Exception {
        // the primary still signs with key 1; the alternate was given key 2 and accepts key 1 until its end
        Phone p = registerThenFailOver(ring(1), ring(2, "1@" + FAR_FUTURE), "", "udp", Duration.ZERO);
        assertEquals(1, counter(alternate, "requests.REGISTER"), counters(alternate));
        assertEquals(1, counter(alternate, "register.ok"));
        assertEquals(1, p.failoverRegistrationsAtOnce());
    }

    /** No shared key (no {@code cookies:}): each controller's nonces are its own, the alternate challenges as before. */
    @Test void withoutASharedKeyTheAlternateChallengesAndThePhoneAnswers() throws Exception {
        Phone p = registerThenFailOver("", "", "", "udp", Duration.ZERO);
        assertEquals(2, counter(alternate, "requests.REGISTER"), counters(alternate));
        assertEquals(1, counter(alternate, "register.unknown-nonce"), counters(alternate));
        assertEquals(0, counter(alternate, "register.stale"), "not stale: the nonce is none of ours");
        assertEquals(1, counter(alternate, "register.ok"));
        assertEquals(0, p.failoverRegistrationsAtOnce());
        assertEquals(1, p.registersWithCredentials() - p.registerRoundTripsSaved(), "one REGISTER on the last nonce refused");
    }

    /** A nonce the alternate no longer accepts (its key rotated out there) is answered stale, and the phone answers. */
    @Test void aNonceOfARetiredKeyIsAnsweredStaleAndThePhoneAnswers() throws Exception {
        Phone p = registerThenFailOver(ring(1), ring(2, "1@2020-01-01T00:00:00Z"), "", "udp", Duration.ZERO);
        assertEquals(2, counter(alternate, "requests.REGISTER"), counters(alternate));
        assertEquals(1, counter(alternate, "register.stale"), counters(alternate));
        assertEquals(1, counter(alternate, "register.ok"));
        assertEquals(0, p.failoverRegistrationsAtOnce());
    }

    /**
     * The phone's last nonce (its registration's nextnonce) is older than the nonce lifetime at the failover: it was
     * handed over for the registration's 60 s, so the alternate still takes it at once (with only the 1 s lifetime it
     * was answered stale, a second round trip).
     */
    @Test void aNextNoncePastTheNonceLifetimeButWithinTheRegistrationServesTheAlternateAtOnce() throws Exception {
        Phone p = registerThenFailOver(ring(1), ring(1), "nonceSeconds: 1", "udp", Duration.ofMillis(1200));
        assertEquals(1, counter(alternate, "requests.REGISTER"), counters(alternate));
        assertEquals(0, counter(alternate, "register.stale"), counters(alternate));
        assertEquals(1, counter(alternate, "register.ok"));
        assertEquals(1, p.failoverRegistrationsAtOnce());
    }

    // ------------------------------------------------------------------ one controller, REGISTER by REGISTER

    private static final AtomicInteger SEQ = new AtomicInteger();

    /** One REGISTER of 1001 over UDP with credentials on {@code nonce}; the status line and the challenge, if any. */
    private static String register(DatagramSocket s, Controller c, String nonce, String password, String nc) throws Exception {
        return register(s, c, nonce, password, nc, null, 60);
    }

    /**
     * As above; the digest made for {@code digestUri} (null: the Request-URI, as a phone does), the contact registered
     * for {@code expires} seconds.
     */
    private static String register(DatagramSocket s, Controller c, String nonce, String password, String nc,
                                   String digestUri, int expires) throws Exception {
        int port = c.sip().port();
        int local = s.getLocalPort();
        String requestUri = "sip:127.0.0.1:" + port;
        String uri = digestUri != null ? digestUri : requestUri;
        String ha1 = DigestAuthenticator.md5Ha1("1001", "holdfast", password);
        String response = DigestAuthenticator.response("MD5", ha1, nonce, nc, "cafe", "auth", "REGISTER", uri);
        int n = SEQ.incrementAndGet();
        String msg = "REGISTER " + requestUri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + local + ";branch=z9hG4bK-nonce-" + n + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:1001@127.0.0.1>;tag=t" + n + "\r\n"
                + "To: <sip:1001@127.0.0.1>\r\n"
                + "Call-ID: nonce-test-" + n + "\r\n"
                + "CSeq: 1 REGISTER\r\n"
                + "Contact: <sip:1001@127.0.0.1:" + local + ">;expires=" + expires + "\r\n"
                + "Authorization: Digest username=\"1001\", realm=\"holdfast\", nonce=\"" + nonce + "\", uri=\"" + uri
                + "\", response=\"" + response + "\", algorithm=MD5, qop=auth, nc=" + nc + ", cnonce=\"cafe\"\r\n"
                + "Content-Length: 0\r\n\r\n";
        byte[] out = msg.getBytes(StandardCharsets.US_ASCII);
        s.send(new DatagramPacket(out, out.length, InetAddress.getLoopbackAddress(), port));
        byte[] in = new byte[4096];
        while (true) {
            DatagramPacket d = new DatagramPacket(in, in.length);
            s.receive(d); // the socket's timeout fails the test on silence
            String text = new String(d.getData(), 0, d.getLength(), StandardCharsets.US_ASCII);
            if (!text.startsWith("SIP/2.0 1")) return text;
        }
    }

    private static int status(String response) { return Integer.parseInt(response.substring(8, 11)); }

    private static boolean stale(String response) { return response.toLowerCase(java.util.Locale.ROOT).contains("stale=true"); }

    @Test void eachKindOfNonceGetsItsAnswer() throws Exception {
        // signs with key 2; key 1 (the previous one) accepted for years yet; key 3 rotated out in 2020
        primary = SipTestController.start("", 30, null, null, ring(2, "1@" + FAR_FUTURE, "3@2020-01-01T00:00:00Z"));
        long now = System.currentTimeMillis();
        String src = "udp:127.0.0.1:1"; // the port is not bound, the host is
        DigestNonces previous = DigestNonces.shared("holdfast", CookieKeyRing.of(CookieFixtures.key(1)));
        DigestNonces current = DigestNonces.shared("holdfast", CookieKeyRing.of(CookieFixtures.key(2)));
        DigestNonces retired = DigestNonces.shared("holdfast", CookieKeyRing.of(CookieFixtures.key(3)));
        DigestNonces other = DigestNonces.shared("holdfast", CookieKeyRing.of(new CookieKey(2, CookieFixtures.secret(99), null)));
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(5000);
            // the previous key's nonce, during the rotation: let in, and handed the current key's next nonce
            String prev = previous.issue(now, "1001", src);
            String ok = register(s, primary, prev, "secret1", "00000001");
            assertEquals(200, status(ok), ok);
            assertTrue(ok.matches("(?s).*Authentication-Info: *nextnonce=\"[0-9a-f]+\\.[0-9a-f]+\\.02\\.[0-9a-f]{32}\".*"), ok);
            // the same answer again (a captured REGISTER replayed): its nonce count is not new here
            String replay = register(s, primary, prev, "secret1", "00000001");
            assertEquals(401, status(replay), replay);
            assertTrue(stale(replay), replay);
            assertEquals(1, counter(primary, "register.replayed"));
            assertEquals(200, status(register(s, primary, prev, "secret1", "00000002")), "the next count is fine");

            String expired = register(s, primary, current.issue(now - 301_000, "1001", src), "secret1", "00000001");
            assertEquals(401, status(expired), expired);
            assertTrue(stale(expired), "past its lifetime: stale " + expired);
            String gone = register(s, primary, retired.issue(now, "1001", src), "secret1", "00000001");
            assertEquals(401, status(gone), gone);
            assertTrue(stale(gone), "a rotated-out key's nonce: stale " + gone);
            assertEquals(2, counter(primary, "register.stale"));

            String foreign = register(s, primary, other.issue(now, "1001", src), "secret1", "00000001");
            assertEquals(401, status(foreign), foreign);
            assertFalse(stale(foreign), "another key's nonce: a plain challenge " + foreign);
            String forged = register(s, primary, Long.toHexString(now) + ".1.02.00000000000000000000000000000000", "secret1", "00000001");
            assertEquals(401, status(forged), forged);
            assertFalse(stale(forged), forged);
            String otherUsers = register(s, primary, current.issue(now, "1002", src), "secret1", "00000001");
            assertEquals(401, status(otherUsers), otherUsers);
            assertFalse(stale(otherUsers), otherUsers);
            assertEquals(3, counter(primary, "register.unknown-nonce"));

            String wrong = register(s, primary, current.issue(now, "1001", src), "not-the-password", "00000001");
            assertEquals(403, status(wrong), "a good nonce, a wrong password: 403 as before " + wrong);
        }
    }

    /**
     * RFC 2617 3.2.2.5: the digest's {@code uri} must name the Request-URI's resource, or a digest made for one request
     * could carry another. The same resource written otherwise (a transport parameter added) passes; another host,
     * port, user or scheme is answered 400 and counted, and nothing is bound.
     */
    @Test void aDigestMadeForAnotherUriIsRefusedWith400() throws Exception {
        primary = SipTestController.start("", 30, null, null, ring(1));
        String src = "udp:127.0.0.1:1";
        DigestNonces nonces = DigestNonces.shared("holdfast", CookieKeyRing.of(CookieFixtures.key(1)));
        int port = primary.sip().port();
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(5000);
            for (String other : List.of("sip:192.0.2.7:" + port, "sip:127.0.0.1:" + (port + 1), "sips:127.0.0.1:" + port,
                    "sip:someone@127.0.0.1:" + port, "/index.html")) {
                String refused = register(s, primary, nonces.issue(System.currentTimeMillis(), "1001", src), "secret1",
                        "00000001", other, 60);
                assertEquals(400, status(refused), other + ": " + refused);
            }
            assertEquals(5, counter(primary, "register.uri-mismatch"), counters(primary));
            assertEquals(0, counter(primary, "register.ok"));
            String sameResource = register(s, primary, nonces.issue(System.currentTimeMillis(), "1001", src), "secret1",
                    "00000001", "sip:127.0.0.1:" + port + ";transport=udp", 60);
            assertEquals(200, status(sameResource), sameResource);
        }
    }

    /**
     * The nonce a REGISTER's 2xx hands over (nextnonce) lives as long as the registration: a phone registered for an
     * hour answers its refresh, or its first REGISTER at the alternate after a failover 20 minutes later, in one round
     * trip, where the 300 s nonce lifetime alone would answer it stale and cost a second.
     */
    @Test void theNextNonceOfAnHourLongRegistrationServesTheAlternateTwentyMinutesLater() throws Exception {
        primary = SipTestController.start("", 30, null, null, ring(1));
        alternate = SipTestController.start("", 30, null, null, ring(1), 2);
        String src = "udp:127.0.0.1:1";
        DigestNonces nonces = DigestNonces.shared("holdfast", CookieKeyRing.of(CookieFixtures.key(1)));
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(5000);
            String ok = register(s, primary, nonces.issue(System.currentTimeMillis(), "1001", src), "secret1", "00000001",
                    null, 3600);
            assertEquals(200, status(ok), ok);
            java.util.regex.Matcher next = java.util.regex.Pattern.compile("nextnonce=\"([^\"]+)\"").matcher(ok);
            assertTrue(next.find(), ok);
            assertEquals(3600, nonces.check(next.group(1), "1001", src, System.currentTimeMillis()).lifetimeSeconds(),
                    "the next nonce carries the registration's hour: " + next.group(1));
            // the same kind of nonce, issued by the primary 20 minutes ago, brought to the alternate
            long twentyMinutesAgo = System.currentTimeMillis() - 20 * 60_000;
            String atAlternate = register(s, alternate, nonces.issue(twentyMinutesAgo, "1001", src, 3600), "secret1",
                    "00000001", null, 3600);
            assertEquals(200, status(atAlternate), atAlternate);
            assertEquals(0, counter(alternate, "register.stale"), counters(alternate));
            // a plain challenge's nonce of that age is stale, as before
            String old = register(s, alternate, nonces.issue(twentyMinutesAgo, "1001", src), "secret1", "00000001",
                    null, 3600);
            assertEquals(401, status(old), old);
            assertTrue(stale(old), old);
        }
    }
}
