package dev.holdfast.controller.cookie;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CookieCodecPropertiesTest {
    static final CookieKey KEY = CookieFixtures.key(7);
    static final CookieKeyRing RING = CookieKeyRing.of(KEY);
    static final long NOW = CookieFixtures.SINCE;

    @Provide
    Arbitrary<CallCookie> cookies() { return CookieArbitraries.cookies(); }

    private static CookieVerdict.Rejected rejected(String text) {
        CookieVerdict v = CookieCodec.verify(text, RING, NOW);
        CookieVerdict.Rejected r = assertInstanceOf(CookieVerdict.Rejected.class, v, () -> "accepted: " + text);
        assertFalse(r.detail().startsWith("unexpected"), r::detail);
        return r;
    }

    @Property(tries = 300)
    void everyCookieReadsBackAsWritten(@ForAll("cookies") CallCookie cookie) {
        Statistics.label("part").collect(cookie.part().getClass().getSimpleName());
        Statistics.label("part").coverage(c -> {
            for (String kind : List.of("Party", "IgcEnd", "PhoneRtp", "PhoneDialog")) c.check(kind).count(n -> n > 5);
        });
        String text = CookieCodec.encode(cookie, KEY);
        assertTrue(text.matches("[A-Za-z0-9_-]+"), text);
        CookieVerdict v = CookieCodec.verify(text, RING, NOW);
        CookieVerdict.Accepted a = assertInstanceOf(CookieVerdict.Accepted.class, v, v::toString);
        assertEquals(cookie, a.cookie());
        assertEquals(KEY.id(), a.keyId());
        // the encoding is a function of the cookie: writing the decoded one gives the same text
        assertEquals(text, CookieCodec.encode(a.cookie(), KEY));
    }

    @Property(tries = 100)
    void everyStrictPrefixIsRejected(@ForAll("cookies") CallCookie cookie) {
        String text = CookieCodec.encode(cookie, KEY);
        Set<RejectReason> cut = EnumSet.of(RejectReason.TRUNCATED, RejectReason.MALFORMED);
        for (int n = 0; n < text.length(); n++) {
            CookieVerdict.Rejected r = rejected(text.substring(0, n));
            assertTrue(cut.contains(r.reason()), () -> "prefix of " + r + " " + r.detail());
        }
    }

    @Property(tries = 30)
    void everySingleBitFlipInTheTextIsRejected(@ForAll("cookies") CallCookie cookie) {
        String text = CookieCodec.encode(cookie, KEY);
        char[] chars = text.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            for (int bit = 0; bit < 16; bit++) {
                char saved = chars[i];
                chars[i] = (char) (saved ^ (1 << bit));
                rejected(new String(chars));
                chars[i] = saved;
            }
        }
    }

    @Property(tries = 60)
    void everySingleBitFlipInTheOctetsIsRejected(@ForAll("cookies") CallCookie cookie) {
        byte[] b = CookieFixtures.octets(CookieCodec.encode(cookie, KEY));
        for (int i = 0; i < b.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                b[i] ^= (byte) (1 << bit);
                rejected(CookieFixtures.text(b));
                b[i] ^= (byte) (1 << bit);
            }
        }
    }

    @Property(tries = 100)
    void trailingOctetsAreRejected(@ForAll("cookies") CallCookie cookie, @ForAll @Size(min = 1, max = 8) List<Byte> extra) {
        byte[] b = CookieFixtures.octets(CookieCodec.encode(cookie, KEY));
        byte[] longer = java.util.Arrays.copyOf(b, b.length + extra.size());
        for (int i = 0; i < extra.size(); i++) longer[b.length + i] = extra.get(i);
        assertEquals(RejectReason.MALFORMED, rejected(CookieFixtures.text(longer)).reason());
    }

    @Property(tries = 2000)
    void anyStringGetsAVerdict(@ForAll String text) {
        CookieVerdict v = CookieCodec.verify(text, RING, NOW);
        assertNotNull(v);
        if (v instanceof CookieVerdict.Rejected r) assertFalse(r.detail().startsWith("unexpected"), r::detail);
        else throw new AssertionError("accepted " + text);
    }

    @Property(tries = 2000)
    void anyOctetsGetAVerdict(@ForAll @Size(max = 400) byte[] octets) {
        rejected(CookieFixtures.text(octets));
    }

    @Provide
    Arbitrary<String> base64Garbage() {
        return Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ ")
                .ofMaxLength(300);
    }

    @Property(tries = 2000)
    void base64LookalikesGetAVerdict(@ForAll("base64Garbage") String text) {
        rejected(text);
    }

    /**
     * A body signed with the right key but otherwise random: what only a controller with a bug (or a stolen key)
     * could write. The body reader must answer, never throw; whatever it accepts must be a valid cookie.
     */
    @Property(tries = 3000)
    void signedRandomBodiesNeverThrow(@ForAll @Size(max = 120) byte[] body) {
        CookieVerdict v = CookieCodec.verify(CookieFixtures.signRaw(1, KEY.id(), body, KEY), RING, NOW);
        if (v instanceof CookieVerdict.Rejected r) {
            assertEquals(RejectReason.MALFORMED, r.reason(), r.detail());
            assertFalse(r.detail().startsWith("unexpected"), r::detail);
        }
    }

    /** A valid body with one octet changed and signed again: the reader refuses it or reads a valid cookie. */
    @Property(tries = 300)
    void signedMutatedBodiesNeverThrow(@ForAll("cookies") CallCookie cookie, @ForAll @IntRange(min = 0, max = 10_000) int at,
                                       @ForAll byte value) {
        byte[] body = CookieFixtures.body(CookieCodec.encode(cookie, KEY));
        body[at % body.length] = value;
        CookieVerdict v = CookieCodec.verify(CookieFixtures.signRaw(1, KEY.id(), body, KEY), RING, NOW);
        if (v instanceof CookieVerdict.Rejected r) {
            assertEquals(RejectReason.MALFORMED, r.reason(), r.detail());
            assertFalse(r.detail().startsWith("unexpected"), r::detail);
        } else {
            CallCookie read = ((CookieVerdict.Accepted) v).cookie();
            assertEquals(CookieFixtures.signRaw(1, KEY.id(), body, KEY), CookieCodec.encode(read, KEY),
                    "an accepted body is the canonical encoding of what was read");
        }
    }
}
