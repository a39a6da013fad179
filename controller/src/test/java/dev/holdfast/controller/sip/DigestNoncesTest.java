package dev.holdfast.controller.sip;

import dev.holdfast.controller.cookie.CookieFixtures;
import dev.holdfast.controller.cookie.CookieKey;
import dev.holdfast.controller.cookie.CookieKeyRing;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The digest nonce codec: what one controller issues, the other of the pair (same key ring) checks. */
class DigestNoncesTest {
    private static final String SRC = "udp:127.0.0.1:5070";
    private static final long T0 = 1_795_759_200_000L;
    private static final CookieKeyRing RING = CookieKeyRing.of(CookieFixtures.key(1));

    private static DigestNonces.Check check(DigestNonces n, String nonce, long now) { return n.check(nonce, "alice", SRC, now); }

    @Test void aNonceIsTimeKeyIdAndMacAndChecksBackToItsTime() {
        DigestNonces primary = DigestNonces.shared("holdfast", RING);
        String nonce = primary.issue(T0, "alice", SRC);
        assertTrue(nonce.matches("[0-9a-f]{1,16}\\.[0-9a-f]{1,8}\\.01\\.[0-9a-f]{32}"), nonce);
        assertEquals(new DigestNonces.Check(DigestNonces.Kind.GENUINE, T0), check(primary, nonce, T0 + 1));
    }

    @Test void twoNoncesInOneMillisecondForOneUserAndHostDiffer() {
        DigestNonces n = DigestNonces.shared("holdfast", RING);
        String a = n.issue(T0, "alice", SRC);
        String b = n.issue(T0, "alice", SRC);
        assertNotEquals(a, b, "their nonce counts must not collide");
        assertEquals(DigestNonces.Kind.GENUINE, check(n, a, T0).kind());
        assertEquals(DigestNonces.Kind.GENUINE, check(n, b, T0).kind());
    }

    @Test void theAlternateWithTheSameRingAcceptsThePrimarysNonce() {
        String nonce = DigestNonces.shared("holdfast", RING).issue(T0, "alice", SRC);
        DigestNonces alternate = DigestNonces.shared("holdfast", CookieKeyRing.of(CookieFixtures.key(1)));
        assertEquals(new DigestNonces.Check(DigestNonces.Kind.GENUINE, T0), check(alternate, nonce, T0 + 1));
    }

    @Test void anotherRingAnotherRealmOrALocalKeyDoNotAccept() {
        String nonce = DigestNonces.shared("holdfast", RING).issue(T0, "alice", SRC);
        // same key id, another secret
        CookieKeyRing other = CookieKeyRing.of(new CookieKey(1, CookieFixtures.secret(99), null));
        assertEquals(DigestNonces.Kind.UNKNOWN, check(DigestNonces.shared("holdfast", other), nonce, T0).kind());
        assertEquals(DigestNonces.Kind.UNKNOWN, check(DigestNonces.shared("elsewhere", RING), nonce, T0).kind());
        assertEquals(DigestNonces.Kind.UNKNOWN, check(DigestNonces.local("holdfast", CookieFixtures.secret(1)), nonce, T0).kind());
        // and the other way: a controller without shared key makes nonces only it accepts
        DigestNonces local = DigestNonces.local("holdfast", CookieFixtures.secret(1));
        String own = local.issue(T0, "alice", SRC);
        assertTrue(own.contains(".00."), own);
        assertEquals(DigestNonces.Kind.GENUINE, check(local, own, T0).kind());
        assertEquals(DigestNonces.Kind.UNKNOWN, check(DigestNonces.shared("holdfast", RING), own, T0).kind());
    }

    @Test void boundToUserAndHostNotPort() {
        DigestNonces n = DigestNonces.shared("holdfast", RING);
        String nonce = n.issue(T0, "alice", SRC);
        assertEquals(DigestNonces.Kind.UNKNOWN, n.check(nonce, "bob", SRC, T0).kind());
        assertEquals(DigestNonces.Kind.UNKNOWN, n.check(nonce, "alice", "udp:127.0.0.2:5070", T0).kind());
        assertEquals(DigestNonces.Kind.GENUINE, n.check(nonce, "alice", "tcp:127.0.0.1:41234", T0).kind());
        String v6 = n.issue(T0, "alice", "udp:[::1]:5070");
        assertEquals(DigestNonces.Kind.GENUINE, n.check(v6, "alice", "tcp:[::1]:6000", T0).kind());
        assertEquals(DigestNonces.Kind.UNKNOWN, n.check(v6, "alice", SRC, T0).kind());
    }

    @Test void rotationAcceptsThePreviousKeysNoncesUntilItsEndThenTheyAreRetired() {
        String old = DigestNonces.shared("holdfast", RING).issue(T0, "alice", SRC);
        long until = T0 + 60_000;
        CookieKeyRing rotated = RING.rotate(CookieFixtures.key(2), until);
        DigestNonces after = DigestNonces.shared("holdfast", rotated);
        assertEquals(new DigestNonces.Check(DigestNonces.Kind.GENUINE, T0), check(after, old, until));
        assertEquals(new DigestNonces.Check(DigestNonces.Kind.RETIRED, T0), check(after, old, until + 1));
        String fresh = after.issue(T0 + 1000, "alice", SRC);
        assertTrue(fresh.contains(".02."), fresh);
        assertEquals(DigestNonces.Kind.GENUINE, check(after, fresh, until + 1).kind());
        // a controller not yet given the new key does not know the new key's nonces: a plain challenge
        assertEquals(DigestNonces.Kind.UNKNOWN, check(DigestNonces.shared("holdfast", RING), fresh, T0 + 1000).kind());
        // dropped from the ring: unknown
        assertEquals(DigestNonces.Kind.UNKNOWN, check(DigestNonces.shared("holdfast", rotated.withoutRetired(until + 1)), old, until + 1).kind());
    }

    @Test void everyOneCharacterChangeIsUnknown() {
        DigestNonces n = DigestNonces.shared("holdfast", RING);
        String nonce = n.issue(T0, "alice", SRC);
        int changed = 0;
        for (int i = 0; i < nonce.length(); i++) {
            for (char c : "0123456789abcdefA.x".toCharArray()) {
                if (c == nonce.charAt(i)) continue;
                String forged = nonce.substring(0, i) + c + nonce.substring(i + 1);
                assertEquals(DigestNonces.Kind.UNKNOWN, check(n, forged, T0).kind(), forged);
                changed++;
            }
        }
        assertTrue(changed > 500);
    }

    @Test void malformedNoncesAreUnknownNotErrors() {
        DigestNonces n = DigestNonces.shared("holdfast", RING);
        String good = n.issue(T0, "alice", SRC);
        String zeros = "00000000000000000000000000000000";
        for (String bad : List.of("", ".", "...", "abc", "1.0.01.", "1.0.1." + zeros, "1..01." + zeros, "1.123456789.01." + zeros,
                "11111111111111111.0.01." + zeros, good + "0", good.substring(1), "1.01." + zeros,
                good.toUpperCase(), "-1.0.01." + zeros, "ffffffffffffffff.0.01." + zeros,
                good.replace(".01.", ".ff."), "\u00e9" + good.substring(1))) {
            assertEquals(DigestNonces.Kind.UNKNOWN, check(n, bad, T0).kind(), bad);
        }
        assertEquals(DigestNonces.Kind.UNKNOWN, n.check(null, "alice", SRC, T0).kind());
        assertEquals(DigestNonces.Kind.GENUINE, n.check(n.issue(T0, null, null), null, null, T0).kind());
    }

    @Test void theNonceKeyIsALabelledDerivationNotTheCookieKey() {
        CookieKey k = CookieFixtures.key(1);
        byte[] nonceKey = k.derive(DigestNonces.LABEL);
        assertEquals(32, nonceKey.length);
        assertArrayEquals(nonceKey, CookieFixtures.key(1).derive(DigestNonces.LABEL), "deterministic: both controllers derive the same");
        assertFalse(Arrays.equals(nonceKey, CookieFixtures.secret(1)));
        assertFalse(Arrays.equals(nonceKey, k.derive("holdfast sip digest nonce v2")));
        assertNotEquals(Arrays.toString(nonceKey), Arrays.toString(CookieFixtures.key(2).derive(DigestNonces.LABEL)));
    }

    @Test void aLongLivedNonceCarriesItsLifetimeUnderTheMac() {
        DigestNonces n = DigestNonces.shared("holdfast", RING);
        String nonce = n.issue(T0, "alice", SRC, 3600);
        assertTrue(nonce.matches("[0-9a-f]{1,16}\\.[0-9a-f]{1,8}\\.01\\.e10\\.[0-9a-f]{32}"), nonce);
        assertEquals(new DigestNonces.Check(DigestNonces.Kind.GENUINE, T0, 3600), check(n, nonce, T0 + 1));
        // nobody can lengthen it: another lifetime under the same MAC is not ours
        String longer = nonce.replace(".e10.", ".1e10.");
        assertEquals(DigestNonces.Kind.UNKNOWN, check(n, longer, T0 + 1).kind());
        String dropped = nonce.replace(".e10.", ".");
        assertEquals(DigestNonces.Kind.UNKNOWN, check(n, dropped, T0 + 1).kind());
        // the plain form says nothing of its lifetime
        assertEquals(0, check(n, n.issue(T0, "alice", SRC), T0).lifetimeSeconds());
        // malformed lifetimes are not ours
        String mac = nonce.substring(nonce.lastIndexOf('.'));
        String head = nonce.substring(0, nonce.indexOf(".e10."));
        for (String life : List.of("", "E10", "123456789", "-1", "x")) {
            assertEquals(DigestNonces.Kind.UNKNOWN, check(n, head + "." + life + mac, T0).kind(), life);
        }
    }
}
