package dev.holdfast.controller.cookie;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What cookies cost on the wire (docs/migration.md, "Sizes"): the typical cookie (a two-party call between two
 * gateways, on an IGC end) and a large one (a three-party conference of a line, a phone and a trunk, on the
 * phone's dialog), with a full 64-bit call key. The bounds leave room for longer names, not for a looser format.
 */
class CookieSizeTest {
    static final CookieKey KEY = CookieFixtures.key(1);

    private static int size(CallCookie c, String what) {
        String text = CookieCodec.encode(c, KEY);
        int octets = CookieFixtures.octets(text).length;
        System.out.println("cookie size, " + what + ": " + text.length() + " characters (" + octets + " octets, "
                + CookieFixtures.body(text).length + " of them body): " + text);
        return text.length();
    }

    @Test
    void theTypicalTwoPartyIgcEndCookieIsSmall() {
        int chars = size(CookieFixtures.twoPartyIgcEnd(), "two-party call, IGC end");
        assertTrue(chars < 140, chars + " characters");
    }

    @Test
    void aPhoneToLineCallOnThePhonesDialogIsSmall() {
        CallCookie c = new CallCookie(CookieFixtures.CALL_KEY, 2, CookieFixtures.SINCE,
                dev.holdfast.controller.call.CallState.CONNECTED, dev.holdfast.controller.call.Call.Feature.NONE, null,
                java.util.List.of(CookieParty.phone("1002", "a84b4c76e66710-1c6f3d1@pc33.atlanta.example.com",
                                dev.holdfast.controller.call.CallStructure.Role.CALLER),
                        CookieParty.line("gw17", "line/12", dev.holdfast.controller.call.CallStructure.Role.CALLEE)),
                new CookiePart.PhoneDialog(0, "gw17", 40_017L, "rtp/00042"));
        int chars = size(c, "phone-to-line call, phone dialog");
        assertTrue(chars < 180, chars + " characters");
    }

    @Test
    void aThreePartyConferenceCookieIsBounded() {
        int chars = size(CookieFixtures.threePartyConference(), "three-party conference, phone dialog");
        assertTrue(chars < 240, chars + " characters");
    }
}
