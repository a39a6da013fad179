package dev.holdfast.controller.cookie;

import dev.holdfast.controller.call.Call;
import dev.holdfast.controller.call.CallState;
import dev.holdfast.controller.call.CallStructure.Role;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** Keys and realistic cookies shared by the tests and the benchmark. */
public final class CookieFixtures {
    private CookieFixtures() {}

    /** A secret of 32 octets made from a seed (tests only: real secrets come from provisioning). */
    public static byte[] secret(int seed) {
        byte[] s = new byte[32];
        for (int i = 0; i < s.length; i++) s[i] = (byte) (seed * 31 + i * 7);
        return s;
    }

    public static CookieKey key(int id) { return new CookieKey(id, secret(id), null); }

    /** A call key as an alternate-proof identity would look: full 64 bits (the longest varint). */
    public static final long CALL_KEY = 0x9E3779B97F4A7C15L;
    /** 2026-11-27T06:00:00Z. */
    public static final long SINCE = 1_795_759_200_000L;

    /**
     * The typical cookie: a connected two-party call between lines on two gateways, the cookie sitting on the
     * calling gateway's end of the inter-gateway connection.
     */
    public static CallCookie twoPartyIgcEnd() {
        return new CallCookie(CALL_KEY, 3, SINCE, CallState.CONNECTED, Call.Feature.NONE, null,
                List.of(CookieParty.line("gw17", "line/12", Role.CALLER),
                        CookieParty.line("gw23", "line/7", Role.CALLEE)),
                new CookiePart.IgcEnd("gw23", 40_017L, "rtp/00042", 1));
    }

    /**
     * A large one: a three-party conference hosted by a line, with a phone and a trunk circuit (outpulsed digits),
     * the cookie sitting on the phone's dialog.
     */
    public static CallCookie threePartyConference() {
        return new CallCookie(CALL_KEY, 11, SINCE, CallState.CONNECTED, Call.Feature.CONFERENCE, CallState.CONNECTED,
                List.of(CookieParty.line("gw17", "line/12", Role.HOST),
                        CookieParty.phone("1002", "a84b4c76e66710-1c6f3d1@pc33.atlanta.example.com", Role.CONFEREE)
                                .withRoleBeforeHold(Role.CALLEE),
                        CookieParty.trunk("gw23", "trunk/3/17", Role.CONFEREE, "0041446681800")
                                .withRoleBeforeHold(Role.HELD)),
                new CookiePart.PhoneDialog(1, "gw17", 40_017L, "rtp/00042"));
    }

    /** The octets of a cookie text (which the tests then alter). */
    static byte[] octets(String text) {
        byte[] b = Base64Url.decode(text);
        if (b == null) throw new IllegalArgumentException("not a cookie text: " + text);
        return b;
    }

    static String text(byte[] octets) { return Base64Url.encode(octets, octets.length); }

    /**
     * A cookie text around {@code body} (the octets after the body length), framed and signed with {@code key}
     * exactly as the codec does: what a controller with the key could write, however wrong the body.
     */
    static String signRaw(int version, int keyId, byte[] body, CookieKey key) {
        WireWriter w = new WireWriter(body.length + 32);
        w.octet(version);
        w.octet(keyId);
        w.varint(body.length);
        w.octets(body, 0, body.length);
        byte[] mac = key.mac(w.array(), w.size());
        w.octets(mac, 0, CookieCodec.MAC_OCTETS);
        return Base64Url.encode(w.array(), w.size());
    }

    /** The body octets of a valid cookie text (between the body length and the MAC). */
    static byte[] body(String text) {
        byte[] b = octets(text);
        WireReader r = new WireReader(b, 2, b.length);
        try {
            long length = r.varint("body length");
            return Arrays.copyOfRange(b, r.position(), r.position() + (int) length);
        } catch (WireReader.Malformed e) {
            throw new IllegalArgumentException(e);
        }
    }

    static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }
}
