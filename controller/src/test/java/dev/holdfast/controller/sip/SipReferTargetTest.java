package dev.holdfast.controller.sip;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Refer-To values (RFC 3515 2.1, RFC 3891 with escaped Replaces) and SDP directions (RFC 3264) as the core reads them. */
class SipReferTargetTest {
    @Test void aBlindTargetIsItsUri() {
        ReferTarget t = ReferTarget.parse("<sip:2002@example.net;transport=tcp>");
        assertEquals("2002", t.uri().user());
        assertEquals("tcp", t.uri().transport());
        assertFalse(t.attended());
        assertEquals("2002", ReferTarget.parse("sip:2002@example.net").uri().user());
    }

    @Test void replacesIsUnescapedIntoItsDialog() {
        ReferTarget t = ReferTarget.parse("<sip:holdfast@127.0.0.1:5060;hfck=AbC?Replaces=abc%40host%3Bto-tag%3Dhfa1x2%3Bfrom-tag%3D77>");
        assertTrue(t.attended());
        assertEquals("abc@host", t.replaces());
        assertEquals("hfa1x2", t.toTag());
        assertEquals("77", t.fromTag());
        assertEquals("127.0.0.1", t.uri().host());
    }

    @Test void unreadableValuesAreNull() {
        assertNull(ReferTarget.parse(null));
        assertNull(ReferTarget.parse("<mailto:x@y>"));
        assertNull(ReferTarget.parse("<sip:1@h"));
        assertNull(ReferTarget.parse("<sip:1@h?Replaces=only-a-call-id>"), "Replaces without tags");
        assertNull(ReferTarget.parse("<sip:1@h?Replaces=%zz>"), "bad escape");
    }

    @Test void sdpDirections() {
        String sdp = "v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\na=sendonly\r\n";
        assertEquals(SdpDirection.SENDONLY, SdpDirection.of(sdp));
        assertEquals(SdpDirection.RECVONLY, SdpDirection.SENDONLY.answer());
        assertEquals(SdpDirection.INACTIVE, SdpDirection.INACTIVE.answer());
        assertEquals(SdpDirection.SENDRECV, SdpDirection.of("v=0\r\nm=audio 4000 RTP/AVP 0\r\n"));
        String answered = SdpDirection.RECVONLY.applyTo(sdp);
        assertEquals(SdpDirection.RECVONLY, SdpDirection.of(answered));
        assertFalse(answered.contains("a=sendonly"));
        assertTrue(answered.startsWith("v=0\r\n") && answered.endsWith("a=recvonly\r\n"));
    }
}
