package dev.holdfast.controller.cookie;

import dev.holdfast.controller.call.Call;
import dev.holdfast.controller.call.CallState;
import dev.holdfast.controller.call.CallStructure.Role;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CookieCodecTest {
    static final long NOW = CookieFixtures.SINCE;
    static final CookieKey K1 = CookieFixtures.key(1);
    static final CookieKey K2 = CookieFixtures.key(2);

    private static RejectReason reason(String text, CookieKeyRing ring, long now) {
        CookieVerdict v = CookieCodec.verify(text, ring, now);
        return assertInstanceOf(CookieVerdict.Rejected.class, v, () -> "accepted " + text).reason();
    }

    private static CallCookie accepted(String text, CookieKeyRing ring, long now) {
        CookieVerdict v = CookieCodec.verify(text, ring, now);
        return assertInstanceOf(CookieVerdict.Accepted.class, v, v::toString).cookie();
    }

    @Test
    void theTypicalCookiesReadBack() {
        CookieKeyRing ring = CookieKeyRing.of(K1);
        for (CallCookie c : List.of(CookieFixtures.twoPartyIgcEnd(), CookieFixtures.threePartyConference())) {
            assertEquals(c, accepted(CookieCodec.encode(c, K1), ring, NOW));
        }
    }

    /**
     * Format version 1 pinned octet for octet: a change to the codec that changes what stored cookies mean (an enum
     * code, a field's order) fails here rather than in a failover.
     */
    @Test
    void formatVersionOneIsPinned() {
        CallCookie c = new CallCookie(300, 2, 1000, CallState.RINGING, Call.Feature.HOLD, CallState.SETUP,
                List.of(new CookieParty(CookieParty.Kind.LINE, "g", "l", Role.HELD, Role.CALLEE, null),
                        new CookieParty(CookieParty.Kind.PHONE, null, "9", Role.HOST, null, "c")),
                new CookiePart.IgcEnd("h", 5L, null, 1));
        byte[] b = CookieFixtures.octets(CookieCodec.encode(c, K1));
        byte[] expectedHead = {
                1, 1, 26,                         // version, key id, body length
                (byte) 0xAC, 0x02, 2, (byte) 0xE8, 0x07, // callKey 300, generation 2, stateSince 1000
                2, 2, 1,                          // RINGING, HOLD, consult SETUP
                2,                                // two parties
                1, 0x24, 1, 'g', 1, 'l',          // LINE, HELD (4) before CALLEE (2), gw "g", term "l"
                0x07, 3, 1, '9', 1, 'c',          // PHONE with extra, HOST, number "9", Call-ID "c"
                0x52, 1, 'h', 5, 1};              // IGC_END with far context and party: "h", 5, party 1
        assertEquals(expectedHead.length + CookieCodec.MAC_OCTETS, b.length);
        assertEquals(26, expectedHead.length - 3);
        assertEquals(java.util.HexFormat.of().formatHex(expectedHead),
                java.util.HexFormat.of().formatHex(b, 0, expectedHead.length));
    }

    @Test
    void aCookieSignedWithAnotherSecretIsForged() {
        CookieKey impostor = new CookieKey(1, CookieFixtures.secret(99), null); // same id, other secret
        String text = CookieCodec.encode(CookieFixtures.twoPartyIgcEnd(), impostor);
        assertEquals(RejectReason.FORGED, reason(text, CookieKeyRing.of(K1), NOW));
    }

    @Test
    void aForgedCookieWithAnImpossibleBodyIsReportedForgedNotMalformed() {
        byte[] body = {1, 1, 1, 99, 99, 99}; // unknown state and feature codes, and far too short
        CookieKey impostor = new CookieKey(1, CookieFixtures.secret(99), null);
        assertEquals(RejectReason.FORGED, reason(CookieFixtures.signRaw(1, 1, body, impostor), CookieKeyRing.of(K1), NOW));
        assertEquals(RejectReason.MALFORMED, reason(CookieFixtures.signRaw(1, 1, body, K1), CookieKeyRing.of(K1), NOW));
    }

    @Test
    void keyIdZeroIsUnsignedEvenWithAGoodMac() {
        byte[] body = CookieFixtures.body(CookieCodec.encode(CookieFixtures.twoPartyIgcEnd(), K1));
        String unsigned = CookieFixtures.signRaw(1, 0, body, K1);
        assertEquals(RejectReason.UNSIGNED, reason(unsigned, CookieKeyRing.of(K1), NOW));
    }

    @Test
    void aKeyTheRingDoesNotHoldIsUnknown() {
        String text = CookieCodec.encode(CookieFixtures.twoPartyIgcEnd(), K2);
        assertEquals(RejectReason.UNKNOWN_KEY, reason(text, CookieKeyRing.of(K1), NOW));
    }

    @Test
    void thePreviousKeyIsAcceptedUntilItsAcceptUntilThenRetired() {
        CookieKeyRing before = CookieKeyRing.of(K1);
        String old = CookieCodec.encode(CookieFixtures.twoPartyIgcEnd(), before.current());
        long until = NOW + 3_600_000;
        CookieKeyRing after = before.rotate(K2, until);
        assertEquals(2, after.current().id());
        assertEquals(until, after.key(1).acceptUntil());

        assertEquals(CookieFixtures.twoPartyIgcEnd(), accepted(old, after, NOW));
        assertEquals(CookieFixtures.twoPartyIgcEnd(), accepted(old, after, until)); // inclusive
        assertEquals(RejectReason.RETIRED_KEY, reason(old, after, until + 1));
        // new cookies are signed with the new key and are not subject to the old key's end
        String fresh = CookieCodec.encode(CookieFixtures.twoPartyIgcEnd(), after.current());
        assertEquals(2, ((CookieVerdict.Accepted) CookieCodec.verify(fresh, after, until + 1)).keyId());
        // once dropped, the old key is unknown
        assertEquals(RejectReason.UNKNOWN_KEY, reason(old, after.withoutRetired(until + 1), until + 1));
        // a controller that has not rotated yet still reads the new cookies? no: it does not know key 2
        assertEquals(RejectReason.UNKNOWN_KEY, reason(fresh, before, NOW));
    }

    @Test
    void aRetiredKeyWithABadMacIsForged() {
        CookieKeyRing ring = CookieKeyRing.of(K2).rotate(CookieFixtures.key(3), NOW - 1);
        CookieKey impostor = new CookieKey(2, CookieFixtures.secret(99), null);
        assertEquals(RejectReason.FORGED, reason(CookieCodec.encode(CookieFixtures.twoPartyIgcEnd(), impostor), ring, NOW));
        assertEquals(RejectReason.RETIRED_KEY, reason(CookieCodec.encode(CookieFixtures.twoPartyIgcEnd(), K2), ring, NOW));
    }

    @Test
    void anotherVersionIsUnsupported() {
        byte[] body = CookieFixtures.body(CookieCodec.encode(CookieFixtures.twoPartyIgcEnd(), K1));
        assertEquals(RejectReason.UNSUPPORTED_VERSION, reason(CookieFixtures.signRaw(2, 1, body, K1), CookieKeyRing.of(K1), NOW));
        assertEquals(RejectReason.UNSUPPORTED_VERSION, reason(CookieFixtures.signRaw(0, 1, body, K1), CookieKeyRing.of(K1), NOW));
        assertEquals(RejectReason.UNSUPPORTED_VERSION, reason("Ag", CookieKeyRing.of(K1), NOW)); // one octet: 2
    }

    @Test
    void oddInputsGetTheirReasons() {
        CookieKeyRing ring = CookieKeyRing.of(K1);
        assertEquals(RejectReason.MALFORMED, reason(null, ring, NOW));
        assertEquals(RejectReason.TRUNCATED, reason("", ring, NOW));
        assertEquals(RejectReason.MALFORMED, reason("A", ring, NOW));
        assertEquals(RejectReason.MALFORMED, reason("AQE=", ring, NOW));        // padding is not ours
        assertEquals(RejectReason.MALFORMED, reason("AQE+", ring, NOW));        // nor the standard alphabet
        assertEquals(RejectReason.MALFORMED, reason("AQF", ring, NOW));         // unused bits set (AQE is 01 01)
        assertEquals(RejectReason.TRUNCATED, reason("AQE", ring, NOW));         // version 1, key 1, nothing else
        assertEquals(RejectReason.OVERSIZED, reason("A".repeat(CookieCodec.MAX_TEXT_CHARS + 1), ring, NOW));
        assertEquals(RejectReason.OVERSIZED, reason("A".repeat(5_000_000), ring, NOW));
        assertEquals(RejectReason.MALFORMED, reason("Zm9v YmFy", ring, NOW));
        assertEquals(RejectReason.MALFORMED, reason("日本語の", ring, NOW));
        assertThrows(IllegalArgumentException.class, () -> CookieCodec.verify("AQE", null, NOW).accepted());
    }

    @Test
    void aSignedBodyWithTrailingOctetsIsMalformed() {
        byte[] body = CookieFixtures.body(CookieCodec.encode(CookieFixtures.twoPartyIgcEnd(), K1));
        byte[] longer = java.util.Arrays.copyOf(body, body.length + 1);
        assertEquals(RejectReason.MALFORMED, reason(CookieFixtures.signRaw(1, 1, longer, K1), CookieKeyRing.of(K1), NOW));
    }

    @Test
    void signedImpossibleValuesAreMalformed() {
        CookieKeyRing ring = CookieKeyRing.of(K1);
        // the pinned cookie's body, with one field at a time made impossible
        byte[] good = {(byte) 0xAC, 0x02, 2, (byte) 0xE8, 0x07, 2, 2, 1, 2,
                1, 0x24, 1, 'g', 1, 'l', 0x07, 3, 1, '9', 1, 'c', 0x52, 1, 'h', 5, 1};
        accepted(CookieFixtures.signRaw(1, 1, good, K1), ring, NOW);
        int[][] edits = {
                {2, 0},     // generation 0
                {5, 4},     // state RELEASED has no code; 4 is unknown
                {6, 9},     // feature code 9 unknown (8 is FOCUS)
                {7, 9},     // consult state unknown
                {8, 0},     // no parties
                {8, 33},    // more parties than allowed (and than there are)
                {9, 0},     // party kind 0
                {9, 0x09},  // unknown party flag bit
                {10, 0x08}, // role 8
                {10, 0x84}, // role before hold 8
                {12, 0xFF}, // invalid UTF-8 in a name
                {11, 0},    // an empty gateway name
                {21, 0x05}, // part kind 5
                {21, 0x51}, // PARTY part with flag bits
                {25, 2},    // IGC end leading to party 2 of 2
                {24, 0x80}, // context varint runs into the party index, then off the end
        };
        for (int[] e : edits) {
            byte[] body = good.clone();
            body[e[0]] = (byte) e[1];
            CookieVerdict v = CookieCodec.verify(CookieFixtures.signRaw(1, 1, body, K1), ring, NOW);
            CookieVerdict.Rejected r = assertInstanceOf(CookieVerdict.Rejected.class, v,
                    () -> "octet " + e[0] + " = " + e[1] + " accepted");
            assertEquals(RejectReason.MALFORMED, r.reason(), r.detail());
        }
        // an overlong varint (300 as three octets) is not the canonical form
        byte[] overlong = new byte[good.length + 1];
        overlong[0] = (byte) 0xAC;
        overlong[1] = (byte) 0x82;
        overlong[2] = 0;
        System.arraycopy(good, 2, overlong, 3, good.length - 2);
        assertEquals(RejectReason.MALFORMED, reason(CookieFixtures.signRaw(1, 1, overlong, K1), ring, NOW));
        // a PARTY part pointing at a phone
        byte[] wrongKind = {1, 1, 1, 1, 1, 0, 1, 0x03, 2, 1, '9', 0x01, 0};
        assertEquals(RejectReason.MALFORMED, reason(CookieFixtures.signRaw(1, 1, wrongKind, K1), ring, NOW));
    }

    @Test
    void encodingRefusesWhatNoControllerWouldAccept() {
        List<CookieParty> parties = new java.util.ArrayList<>();
        for (int i = 0; i < CallCookie.MAX_PARTIES; i++) {
            parties.add(CookieParty.trunk("g".repeat(200), "t" + i, Role.CONFEREE, "1".repeat(200)));
        }
        CallCookie huge = new CallCookie(1, 1, 1, CallState.CONNECTED, Call.Feature.CONFERENCE, null, parties,
                new CookiePart.Party(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CookieCodec.encode(huge, K1));
        assertTrue(e.getMessage().contains("more than " + CookieCodec.MAX_TEXT_CHARS), e.getMessage());
    }

    @Test
    void verifyingFromManyThreadsAgrees() throws Exception {
        CookieKeyRing ring = CookieKeyRing.of(K1);
        String text = CookieCodec.encode(CookieFixtures.threePartyConference(), K1);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        if (!CookieCodec.verify(text, ring, NOW).accepted()) return false;
                        if (!text.equals(CookieCodec.encode(CookieFixtures.threePartyConference(), K1))) return false;
                    }
                    return true;
                }));
            }
            for (var f : results) assertTrue(f.get());
        } finally {
            pool.shutdownNow();
        }
    }
}
