package dev.holdfast.controller.cookie;

import dev.holdfast.controller.call.Call;
import dev.holdfast.controller.call.CallState;
import dev.holdfast.controller.call.CallStructure.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model's own checks: a cookie that cannot be right cannot be built (nor, so, decoded). */
class CookieModelTest {
    static final List<CookieParty> TWO = List.of(CookieParty.line("gw1", "line/1", Role.CALLER),
            CookieParty.phone("1002", "abc@host", Role.CALLEE));

    private static void refused(String expected, Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(expected), x.getMessage());
    }

    private static CallCookie cookie(CallState state, CallState consult, List<CookieParty> parties, CookiePart part) {
        return new CallCookie(1, 1, 0, state, Call.Feature.NONE, consult, parties, part);
    }

    @Test
    void callFieldsAreChecked() {
        CookiePart p0 = new CookiePart.Party(0);
        refused("RELEASED has no cookie", () -> cookie(CallState.RELEASED, null, TWO, p0));
        refused("null has no cookie", () -> cookie(null, null, TWO, p0));
        refused("consultation state RELEASED", () -> cookie(CallState.SETUP, CallState.RELEASED, TWO, p0));
        refused("without parties", () -> cookie(CallState.SETUP, null, List.of(), p0));
        refused("generation 0", () -> new CallCookie(1, 0, 0, CallState.SETUP, Call.Feature.NONE, null, TWO, p0));
        refused("before 1970", () -> new CallCookie(1, 1, -1, CallState.SETUP, Call.Feature.NONE, null, TWO, p0));
        refused("feature is missing", () -> new CallCookie(1, 1, 0, CallState.SETUP, null, null, TWO, p0));
        refused("part the cookie sits on is missing", () -> cookie(CallState.SETUP, null, TWO, null));
        List<CookieParty> many = new ArrayList<>();
        for (int i = 0; i <= CallCookie.MAX_PARTIES; i++) many.add(CookieParty.line("g", "t" + i, Role.CONFEREE));
        refused("more than " + CallCookie.MAX_PARTIES, () -> cookie(CallState.SETUP, null, many, p0));
        List<CookieParty> withNull = new ArrayList<>(TWO);
        withNull.add(null);
        refused("party 2 is missing", () -> cookie(CallState.SETUP, null, withNull, p0));
    }

    @Test
    void partsMustNameAPartyOfTheRightKind() {
        refused("names party 2 of 2", () -> cookie(CallState.SETUP, null, TWO, new CookiePart.Party(2)));
        refused("a PARTY part names party 1, a PHONE", () -> cookie(CallState.SETUP, null, TWO, new CookiePart.Party(1)));
        refused("a PHONE_RTP part names party 0, a LINE", () -> cookie(CallState.SETUP, null, TWO, new CookiePart.PhoneRtp(0)));
        refused("a PHONE_DIALOG part names party 0", () -> cookie(CallState.SETUP, null, TWO,
                new CookiePart.PhoneDialog(0, null, null, null)));
        refused("leads to party 2 of 2", () -> cookie(CallState.SETUP, null, TWO, new CookiePart.IgcEnd("gw2", 1L, null, 2)));
        refused("below -1", () -> new CookiePart.IgcEnd("gw2", 1L, null, -2));
        refused("negative", () -> new CookiePart.Party(-1));
        refused("FEGI) is missing", () -> new CookiePart.IgcEnd(null, 1L, null, -1));
        refused("is not a context id", () -> new CookiePart.IgcEnd("gw2", 0x1_0000_0000L, null, -1));
        refused("is not a context id", () -> new CookiePart.PhoneDialog(0, "gw", -1L, null));
        refused("without its gateway", () -> new CookiePart.PhoneDialog(0, null, 5L, null));
        // none is fine where the contract allows it
        CallCookie c = cookie(CallState.SETUP, null, TWO, new CookiePart.IgcEnd("gw2", null, null, -1));
        assertNull(((CookiePart.IgcEnd) c.part()).farContext());
    }

    @Test
    void partiesAreChecked() {
        refused("kind is missing", () -> new CookieParty(null, "g", "t", Role.CALLER, null, null));
        refused("a phone party has no gateway", () -> new CookieParty(CookieParty.Kind.PHONE, "g", "1", Role.CALLER, null, null));
        refused("gateway name of a LINE party is missing", () -> CookieParty.line(null, "t", Role.CALLER));
        refused("termination id is missing", () -> CookieParty.line("g", null, Role.CALLER));
        refused("phone number is empty", () -> CookieParty.phone("", "x", Role.CALLER));
        refused("role of party t is missing", () -> CookieParty.line("g", "t", null));
        refused("unpaired UTF-16 surrogate at index 1", () -> CookieParty.line("g", "t\uD800x", Role.CALLER));
        refused("unpaired UTF-16 surrogate", () -> CookieParty.phone("1", "\uDC00", Role.CALLER));
        refused("more than 255", () -> CookieParty.phone("1", "x".repeat(256), Role.CALLER));
        refused("more than 255", () -> CookieParty.phone("1", "\u00e9".repeat(128), Role.CALLER)); // 256 octets
        CookieParty.phone("1", "\u00e9".repeat(127) + "x", Role.CALLER); // 255 octets: fine
        CookieParty.line("g", "\uD83D\uDCDE", Role.CALLER); // a paired surrogate (U+1F4DE) is fine
    }

    @Test
    void thePartyListIsACopy() {
        List<CookieParty> parties = new ArrayList<>(TWO);
        CallCookie c = cookie(CallState.SETUP, null, parties, new CookiePart.Party(0));
        parties.clear();
        assertEquals(2, c.parties().size());
        assertThrows(UnsupportedOperationException.class, () -> c.parties().clear());
    }

    @Test
    void keysAreChecked() {
        refused("key id 0 is not in 1..255", () -> new CookieKey(0, CookieFixtures.secret(1), null));
        refused("key id 256 is not in 1..255", () -> new CookieKey(256, CookieFixtures.secret(1), null));
        refused("31 octets, fewer than 32", () -> new CookieKey(1, new byte[31], null));
        refused("has no secret", () -> new CookieKey(1, null, null));
        byte[] secret = CookieFixtures.secret(1);
        CookieKey k = new CookieKey(1, secret, null);
        Arrays.fill(secret, (byte) 0); // the key kept its own copy
        assertTrue(k.sameSecret(CookieFixtures.key(1)));
        assertFalse(k.toString().contains(Arrays.toString(CookieFixtures.secret(1))));
    }

    @Test
    void ringsAreChecked() {
        refused("no current key", () -> new CookieKeyRing(null, List.of()));
        refused("key id 1 is in the ring twice", () -> new CookieKeyRing(CookieFixtures.key(1),
                List.of(new CookieKey(1, CookieFixtures.secret(5), 10L))));
        refused("cannot expire", () -> CookieKeyRing.of(new CookieKey(1, CookieFixtures.secret(1), 10L)));
        refused("key id 1 is in the ring twice", () -> CookieKeyRing.of(CookieFixtures.key(1)).rotate(CookieFixtures.key(1), 5));
        CookieKeyRing r = CookieKeyRing.of(CookieFixtures.key(1)).rotate(CookieFixtures.key(2), 100)
                .rotate(CookieFixtures.key(3), 200);
        assertEquals(List.of(3, 2, 1), r.keys().stream().map(CookieKey::id).toList());
        assertEquals(100L, r.key(1).acceptUntil());
        assertEquals(200L, r.key(2).acceptUntil());
        assertNull(r.key(4));
        assertNull(r.key(-1));
        assertNull(r.key(1000));
        assertEquals(List.of(3, 2), r.withoutRetired(150).keys().stream().map(CookieKey::id).toList());
    }

    @Test
    void countersCountVerdictsAndSizes() {
        CookieCounters counters = new CookieCounters();
        CookieKeyRing ring = CookieKeyRing.of(CookieFixtures.key(1));
        String a = counters.encoded(CookieCodec.encode(CookieFixtures.twoPartyIgcEnd(), ring.current()));
        String b = counters.encoded(CookieCodec.encode(CookieFixtures.threePartyConference(), ring.current()));
        counters.count(CookieCodec.verify(a, ring, 0));
        counters.count(CookieCodec.verify(b, ring, 0));
        counters.count(CookieCodec.verify(a.substring(1), ring, 0));
        counters.count(CookieCodec.verify(CookieCodec.encode(CookieFixtures.twoPartyIgcEnd(),
                new CookieKey(1, CookieFixtures.secret(9), null)), ring, 0));
        counters.count(CookieCodec.verify(CookieCodec.encode(CookieFixtures.twoPartyIgcEnd(),
                new CookieKey(1, CookieFixtures.secret(9), null)), ring, 0));
        Map<String, Long> s = counters.snapshot();
        assertEquals(2L, s.get("cookie.accepted"));
        assertEquals(2L, s.get("cookie.rejected.forged"));
        assertEquals(0L, s.get("cookie.rejected.retired_key"));
        assertEquals(0L, s.get("cookie.rejected.unsupported_version"));
        assertEquals(3L, counters.rejectedTotal());
        assertEquals(2L, s.get("cookie.encoded"));
        assertEquals((long) a.length() + b.length(), s.get("cookie.encoded.chars.total"));
        assertEquals((long) Math.max(a.length(), b.length()), s.get("cookie.encoded.chars.max"));
        assertEquals((long) (a.length() + b.length()) / 2, s.get("cookie.encoded.chars.mean"));
        for (RejectReason r : RejectReason.values()) assertTrue(s.containsKey("cookie.rejected." + r.counterName()));
    }
}
