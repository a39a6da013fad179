package dev.holdfast.controller.provisioning;

import dev.holdfast.controller.cookie.CallCookie;
import dev.holdfast.controller.cookie.CookieCodec;
import dev.holdfast.controller.cookie.CookieFixtures;
import dev.holdfast.controller.cookie.CookieKeyRing;
import dev.holdfast.controller.cookie.CookieVerdict;
import dev.holdfast.controller.cookie.RejectReason;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code cookies:} section: the call-cookie key ring, refused with line and field when wrong. */
class CookiesProvisioningTest {
    static final String S1 = Base64.getEncoder().encodeToString(CookieFixtures.secret(1));
    static final String S2 = Base64.getUrlEncoder().withoutPadding().encodeToString(CookieFixtures.secret(2));

    private static Provisioning parse(String yaml) throws ProvisioningException {
        return ProvisioningLoader.parse(yaml, ProvisioningLoader.Format.YAML, "cookies.yaml");
    }

    private static List<String> problems(String yaml) {
        ProvisioningException e = assertThrows(ProvisioningException.class, () -> parse(yaml));
        return e.problems().stream().map(Object::toString).toList();
    }

    /** A problem on {@code line} of the file that says {@code fieldAndMessage} (field, colon, message). */
    private static void has(List<String> problems, int line, String fieldAndMessage) {
        assertTrue(problems.stream().anyMatch(p -> p.matches("cookies\\.yaml:" + line + ":[0-9]+: .*")
                        && p.contains(": " + fieldAndMessage)),
                () -> "no '" + fieldAndMessage + "' on line " + line + " in " + problems);
    }

    @Test
    void withoutTheSectionCookiesAreOff() throws Exception {
        Provisioning p = parse("gateways: []");
        assertTrue(p.cookieKeyRing().isEmpty());
    }

    @Test
    void aRingIsReadAndSignsWithTheCurrentKey() throws Exception {
        Provisioning p = parse("""
                cookies:
                  current: 2
                  keys:
                    - { id: 1, secret: "%s", acceptUntil: "2026-12-01T00:00:00Z" }
                    - { id: 2, secret: "%s" }
                """.formatted(S1, S2));
        CookieKeyRing ring = p.cookieKeyRing().orElseThrow();
        assertEquals(2, ring.current().id());
        assertEquals(Instant.parse("2026-12-01T00:00:00Z").toEpochMilli(), ring.key(1).acceptUntil());
        // the ring from the file is the ring the fixtures' keys make: same secrets, same cookies
        CallCookie c = CookieFixtures.twoPartyIgcEnd();
        assertEquals(CookieCodec.encode(c, CookieFixtures.key(2)), CookieCodec.encode(c, ring.current()));
        String old = CookieCodec.encode(c, CookieFixtures.key(1));
        long before = Instant.parse("2026-11-30T23:59:59Z").toEpochMilli();
        long after = Instant.parse("2026-12-01T00:00:01Z").toEpochMilli();
        assertTrue(CookieCodec.verify(old, ring, before) instanceof CookieVerdict.Accepted);
        assertEquals(RejectReason.RETIRED_KEY, ((CookieVerdict.Rejected) CookieCodec.verify(old, ring, after)).reason());
    }

    @Test
    void theRingRoundTripsThroughJsonAndSecretsStayOutOfToString() throws Exception {
        Provisioning p = ProvisioningLoader.parse("""
                {"cookies": {"current": 1, "keys": [{"id": 1, "secret": "%s"}]}}
                """.formatted(S1), ProvisioningLoader.Format.JSON, "cookies.json");
        assertEquals(p, ProvisioningLoader.fromJson(ProvisioningLoader.toJson(p)));
        assertFalse(p.cookies().toString().contains(S1));
        assertFalse(ProvisioningLoader.toJson(p).toString().contains("keyRing"));
    }

    @Test
    void badKeysAreRefusedWithLineAndField() {
        List<String> problems = problems("""
                cookies:
                  current: 7
                  keys:
                    - { id: 0, secret: "%s" }
                    - { id: 3, secret: "not base64!" }
                    - { id: 3, secret: "%s" }
                    - { id: 4, secret: "%s", acceptUntil: "next tuesday" }
                    - { id: 256 }
                """.formatted(S1, Base64.getEncoder().encodeToString(new byte[16]), S2));
        has(problems, 2, "cookies.current: key 7 is not among the keys");
        has(problems, 4, "cookies.keys[0].id: key id 0 is not in 1..255");
        has(problems, 5, "cookies.keys[1].secret: the secret is not base64");
        has(problems, 6, "cookies.keys[2].id: key id 3 is used twice");
        has(problems, 6, "cookies.keys[2].secret: the secret is 16 octets, fewer than 32");
        has(problems, 7, "cookies.keys[3].acceptUntil: 'next tuesday' is not an ISO-8601 instant");
        has(problems, 8, "cookies.keys[4]: key without 'secret'");
        has(problems, 8, "cookies.keys[4].id: key id 256 is not in 1..255");
        // the secrets themselves never appear in the refusal
        for (String p : problems) assertFalse(p.contains(S1) || p.contains(S2), p);
    }

    @Test
    void theCurrentKeyMustBeNamedAndCannotExpire() {
        has(problems("""
                cookies:
                  keys:
                    - { id: 1, secret: "%s" }
                """.formatted(S1)), 1, "cookies: cookies without 'current'");
        has(problems("""
                cookies:
                  current: 1
                  keys:
                    - { id: 1, secret: "%s", acceptUntil: "2026-12-01T00:00:00Z" }
                """.formatted(S1)), 4, "cookies.keys[0].acceptUntil: key 1 is the current one");
        has(problems("""
                cookies:
                  current: 1
                """), 1, "cookies: cookies without 'keys'");
    }

    @Test
    void wrongTypesAndUnknownFieldsAreRefusedByTheBinding() {
        has(problems("""
                cookies:
                  current: "two"
                  keys: []
                """), 2, "cookies.current: expected a whole number");
        List<String> unknown = problems("""
                cookies:
                  current: 1
                  keys:
                    - { id: 1, secrets: "abc" }
                """);
        assertTrue(unknown.get(0).contains("cookies.keys[0].secrets: unknown field 'secrets'"), unknown.toString());
    }
}
