package dev.holdfast.controller.cookie;

import dev.holdfast.controller.call.Call;
import dev.holdfast.controller.call.CallState;
import dev.holdfast.controller.call.CallStructure.Role;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The call cookie's wire format, version 1 (docs/migration.md, "Encoding"), as base64url without padding:
 *
 * <pre>
 * version (1) | key id (1, 0 = unsigned) | body length (varint) | body | HMAC-SHA-256 of all before it, first 16 octets
 *
 * body:   callKey (varint, the 64 bits as unsigned) | generation (varint, 1..2^31-1) | stateSince (varint, epoch ms)
 *         | state (octet) | feature (octet) | consultState (octet, 0 = none) | party count (varint, 1..32)
 *         | parties | part
 * party:  kind and flags (octet: bits 0-1 kind, bit 2 extra present) | roles (octet: low nibble role, high
 *         nibble role before hold, 0 = none) | gateway (string; not for a phone) | termination (string)
 *         | extra (string, if present)
 * part:   kind and flags (octet: low nibble kind, high nibble presence bits) and per kind:
 *         PARTY (1):        party (varint)
 *         IGC_END (2):      far gateway (string) | far context (varint, bit 4) | far termination (string, bit 5)
 *                           | party (varint, bit 6; absent = -1)
 *         PHONE_RTP (3):    party (varint)
 *         PHONE_DIALOG (4): party (varint) | gateway (string, bit 4) | context (varint, bit 5)
 *                           | termination (string, bit 6)
 * string: UTF-8 length (varint, 1..255) | UTF-8 octets
 * </pre>
 * Varints are unsigned LEB128 in their shortest form; enum codes are the fixed table of {@link WireCodes}. Nothing
 * is signed as a number (absent values have presence bits), so no zig-zag is needed. The body length makes a cut-off
 * cookie {@link RejectReason#TRUNCATED} rather than forged; the body itself is read only once its MAC has verified.
 *
 * <p>{@link #verify} never throws: any text, however wrong, gets a {@link CookieVerdict}.
 */
public final class CookieCodec {
    private CookieCodec() {}

    public static final int VERSION = 1;
    /** Octets of the HMAC-SHA-256 kept (128 bits: forging one is a 2^-128 guess per try). */
    public static final int MAC_OCTETS = 16;
    /** Longest cookie text accepted (and written); longer text is {@link RejectReason#OVERSIZED}, unread. */
    public static final int MAX_TEXT_CHARS = 2048;

    private static final int MAX_BODY_OCTETS = MAX_TEXT_CHARS * 3 / 4;
    private static final int PARTY_EXTRA = 0x04;
    private static final int FLAG_A = 0x10;
    private static final int FLAG_B = 0x20;
    private static final int FLAG_C = 0x40;

    /**
     * The cookie signed with {@code key}, as base64url text.
     *
     * @throws IllegalArgumentException if the text would be longer than {@link #MAX_TEXT_CHARS} (only possible with
     *                                  many parties with very long names), since no controller would accept it
     */
    public static String encode(CallCookie cookie, CookieKey key) {
        if (cookie == null || key == null) throw new IllegalArgumentException("encode needs a cookie and a key");
        WireWriter w = new WireWriter(160);
        w.octet(VERSION);
        w.octet(key.id());
        int bodyStart = w.size();
        writeBody(w, cookie);
        int bodyLength = w.size() - bodyStart;
        int lengthOctets = WireWriter.varintLength(bodyLength);
        w.openGap(bodyStart, lengthOctets);
        w.putVarint(bodyStart, bodyLength);
        byte[] mac = key.mac(w.array(), w.size());
        w.octets(mac, 0, MAC_OCTETS);
        String text = Base64Url.encode(w.array(), w.size());
        if (text.length() > MAX_TEXT_CHARS) {
            throw new IllegalArgumentException("the cookie of call " + cookie.callKey() + " would be " + text.length()
                    + " characters, more than " + MAX_TEXT_CHARS + " (names too long?)");
        }
        return text;
    }

    /** The verdict on {@code text}: accepted with its cookie, or rejected with the reason. Never throws on any text. */
    public static CookieVerdict verify(String text, CookieKeyRing ring, long nowMillis) {
        if (ring == null) throw new IllegalArgumentException("verify needs a key ring"); // configuration, not input
        try {
            return verifyChecked(text, ring, nowMillis);
        } catch (RuntimeException e) {
            // a bug of ours must not take the caller's pipeline down; the tests look for this detail
            return reject(RejectReason.MALFORMED, "unexpected " + e);
        }
    }

    private static CookieVerdict verifyChecked(String text, CookieKeyRing ring, long nowMillis) {
        if (text == null) return reject(RejectReason.MALFORMED, "no cookie");
        if (text.length() > MAX_TEXT_CHARS) {
            return reject(RejectReason.OVERSIZED, text.length() + " characters, more than " + MAX_TEXT_CHARS);
        }
        if (text.isEmpty()) return reject(RejectReason.TRUNCATED, "empty");
        byte[] b = Base64Url.decode(text);
        if (b == null) return reject(RejectReason.MALFORMED, "not unpadded base64url");
        if (b.length < 1) return reject(RejectReason.TRUNCATED, "no version octet");
        int version = b[0] & 0xFF;
        if (version != VERSION) return reject(RejectReason.UNSUPPORTED_VERSION, "format version " + version);
        if (b.length < 2) return reject(RejectReason.TRUNCATED, "no key id");
        int keyId = b[1] & 0xFF;
        if (keyId == 0) return reject(RejectReason.UNSIGNED, "key id 0");

        // framing only: how long the body says it is (its content is not trusted before the MAC)
        WireReader framing = new WireReader(b, 2, b.length);
        long bodyLength;
        try {
            bodyLength = framing.varint("body length");
        } catch (WireReader.Malformed e) {
            // the only ways to fail: running out of octets, or a varint no encoder writes
            return framing.atEnd() ? reject(RejectReason.TRUNCATED, e.getMessage())
                    : reject(RejectReason.MALFORMED, e.getMessage());
        }
        int bodyStart = framing.position();
        if (bodyLength > MAX_BODY_OCTETS) return reject(RejectReason.MALFORMED, "body length " + bodyLength);
        int macStart = bodyStart + (int) bodyLength;
        int expected = macStart + MAC_OCTETS;
        if (b.length < expected) {
            return reject(RejectReason.TRUNCATED, b.length + " octets of " + expected);
        }
        if (b.length > expected) {
            return reject(RejectReason.MALFORMED, (b.length - expected) + " octets after the MAC");
        }

        CookieKey key = ring.key(keyId);
        if (key == null) return reject(RejectReason.UNKNOWN_KEY, "key id " + keyId);
        byte[] mac = Arrays.copyOf(key.mac(b, macStart), MAC_OCTETS);
        if (!MessageDigest.isEqual(mac, Arrays.copyOfRange(b, macStart, expected))) {
            return reject(RejectReason.FORGED, "MAC does not match key " + keyId);
        }
        // genuinely signed by us, but with a key past its acceptUntil
        if (!key.acceptsAt(nowMillis)) {
            return reject(RejectReason.RETIRED_KEY, "key " + keyId + " retired at "
                    + java.time.Instant.ofEpochMilli(key.acceptUntil()));
        }
        WireReader r = new WireReader(b, bodyStart, macStart);
        try {
            CallCookie cookie = readBody(r);
            if (!r.atEnd()) throw new WireReader.Malformed((macStart - r.position()) + " octets after the part");
            return new CookieVerdict.Accepted(cookie, keyId);
        } catch (WireReader.Malformed e) {
            return reject(RejectReason.MALFORMED, e.getMessage());
        } catch (IllegalArgumentException e) {
            // well-formed octets that make an impossible cookie (the model's own checks)
            return reject(RejectReason.MALFORMED, e.getMessage());
        }
    }

    private static CookieVerdict reject(RejectReason reason, String detail) {
        return new CookieVerdict.Rejected(reason, detail);
    }

    // ---- body

    private static void writeBody(WireWriter w, CallCookie c) {
        w.varint(c.callKey());
        w.varint(c.generation());
        w.varint(c.stateSince());
        w.octet(WireCodes.state(c.state()));
        w.octet(WireCodes.feature(c.feature()));
        w.octet(c.consultState() == null ? 0 : WireCodes.state(c.consultState()));
        w.varint(c.parties().size());
        for (CookieParty p : c.parties()) {
            w.octet(WireCodes.kind(p.kind()) | (p.extra() != null ? PARTY_EXTRA : 0));
            w.octet(WireCodes.role(p.role())
                    | (p.roleBeforeHold() == null ? 0 : WireCodes.role(p.roleBeforeHold()) << 4));
            if (p.kind() != CookieParty.Kind.PHONE) w.string(p.gateway());
            w.string(p.termination());
            if (p.extra() != null) w.string(p.extra());
        }
        CookiePart part = c.part();
        if (part instanceof CookiePart.Party p) {
            w.octet(WireCodes.PART_PARTY);
            w.varint(p.party());
        } else if (part instanceof CookiePart.IgcEnd e) {
            w.octet(WireCodes.PART_IGC_END | (e.farContext() != null ? FLAG_A : 0)
                    | (e.farTermination() != null ? FLAG_B : 0) | (e.party() >= 0 ? FLAG_C : 0));
            w.string(e.farGateway());
            if (e.farContext() != null) w.varint(e.farContext());
            if (e.farTermination() != null) w.string(e.farTermination());
            if (e.party() >= 0) w.varint(e.party());
        } else if (part instanceof CookiePart.PhoneRtp r) {
            w.octet(WireCodes.PART_PHONE_RTP);
            w.varint(r.party());
        } else if (part instanceof CookiePart.PhoneDialog d) {
            w.octet(WireCodes.PART_PHONE_DIALOG | (d.gateway() != null ? FLAG_A : 0)
                    | (d.context() != null ? FLAG_B : 0) | (d.termination() != null ? FLAG_C : 0));
            w.varint(d.party());
            if (d.gateway() != null) w.string(d.gateway());
            if (d.context() != null) w.varint(d.context());
            if (d.termination() != null) w.string(d.termination());
        } else {
            throw new IllegalArgumentException("unknown cookie part " + part);
        }
    }

    private static CallCookie readBody(WireReader r) throws WireReader.Malformed {
        long callKey = r.varint("callKey");
        int generation = (int) r.varint("generation", 1, Integer.MAX_VALUE);
        long stateSince = r.varint("stateSince", 0, Long.MAX_VALUE);
        CallState state = known(WireCodes.state(r.octet("state")), "state");
        Call.Feature feature = known(WireCodes.feature(r.octet("feature")), "feature");
        int consultCode = r.octet("consultState");
        CallState consult = consultCode == 0 ? null : known(WireCodes.state(consultCode), "consultState");
        int count = (int) r.varint("party count", 1, CallCookie.MAX_PARTIES);
        List<CookieParty> parties = new ArrayList<>(count);
        for (int i = 0; i < count; i++) parties.add(readParty(r, i));
        int partOctet = r.octet("part");
        int flags = partOctet & 0xF0;
        CookiePart part;
        switch (partOctet & 0x0F) {
            case WireCodes.PART_PARTY -> {
                noFlags(flags, 0, "PARTY part");
                part = new CookiePart.Party(partyIndex(r, count));
            }
            case WireCodes.PART_IGC_END -> {
                noFlags(flags, FLAG_A | FLAG_B | FLAG_C, "IGC_END part");
                String farGateway = r.string("far gateway");
                Long farContext = (flags & FLAG_A) != 0 ? r.varint("far context", 0, 0xFFFFFFFFL) : null;
                String farTermination = (flags & FLAG_B) != 0 ? r.string("far termination") : null;
                int party = (flags & FLAG_C) != 0 ? partyIndex(r, count) : -1;
                part = new CookiePart.IgcEnd(farGateway, farContext, farTermination, party);
            }
            case WireCodes.PART_PHONE_RTP -> {
                noFlags(flags, 0, "PHONE_RTP part");
                part = new CookiePart.PhoneRtp(partyIndex(r, count));
            }
            case WireCodes.PART_PHONE_DIALOG -> {
                noFlags(flags, FLAG_A | FLAG_B | FLAG_C, "PHONE_DIALOG part");
                int party = partyIndex(r, count);
                String gateway = (flags & FLAG_A) != 0 ? r.string("media gateway") : null;
                Long context = (flags & FLAG_B) != 0 ? r.varint("media context", 0, 0xFFFFFFFFL) : null;
                String termination = (flags & FLAG_C) != 0 ? r.string("media termination") : null;
                part = new CookiePart.PhoneDialog(party, gateway, context, termination);
            }
            default -> throw new WireReader.Malformed("unknown part kind " + (partOctet & 0x0F));
        }
        return new CallCookie(callKey, generation, stateSince, state, feature, consult, parties, part);
    }

    private static CookieParty readParty(WireReader r, int i) throws WireReader.Malformed {
        int head = r.octet("party " + i);
        noFlags(head & ~0x03, PARTY_EXTRA, "party " + i);
        CookieParty.Kind kind = known(WireCodes.kind(head & 0x03), "party " + i + " kind");
        int roles = r.octet("party " + i + " roles");
        Role role = known(WireCodes.role(roles & 0x0F), "party " + i + " role");
        Role before = (roles >>> 4) == 0 ? null : known(WireCodes.role(roles >>> 4), "party " + i + " role before hold");
        String gateway = kind == CookieParty.Kind.PHONE ? null : r.string("party " + i + " gateway");
        String termination = r.string("party " + i + " termination");
        String extra = (head & PARTY_EXTRA) != 0 ? r.string("party " + i + " extra") : null;
        return new CookieParty(kind, gateway, termination, role, before, extra);
    }

    private static int partyIndex(WireReader r, int count) throws WireReader.Malformed {
        return (int) r.varint("party index", 0, count - 1);
    }

    private static void noFlags(int flags, int allowed, String what) throws WireReader.Malformed {
        if ((flags & ~allowed) != 0) throw new WireReader.Malformed(what + ": unknown flag bits " + Integer.toHexString(flags));
    }

    private static <T> T known(T value, String what) throws WireReader.Malformed {
        if (value == null) throw new WireReader.Malformed("unknown " + what + " code");
        return value;
    }
}
