package dev.holdfast.h248.text;

import dev.holdfast.h248.message.LocalDescriptor;
import dev.holdfast.h248.message.MediaDescriptor;
import dev.holdfast.h248.message.RemoteDescriptor;
import dev.holdfast.h248.message.Sdp;
import dev.holdfast.h248.message.StreamDescriptor;
import org.junit.jupiter.api.Test;

import static dev.holdfast.h248.text.Decode.descriptor;
import static dev.holdfast.h248.text.Decode.error;
import static dev.holdfast.h248.text.Decode.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Local / Remote { octetString }: exactly the octets between the braces, "\}" escapes included. */
class LocalRemoteParserTest {

    private static String local(String body) {
        MediaDescriptor m = (MediaDescriptor) descriptor("Media { Stream = 1 { Local {" + body + "} } }");
        return ((LocalDescriptor) ((StreamDescriptor) m.parms().get(0)).parms().get(0)).sdp();
    }

    @Test
    void sdpIsKeptVerbatimWithItsWhiteSpaceAndLineEnds() {
        String sdp = "\r\nv=0\r\no=- 2890844526 2890842807 IN IP4 10.0.0.1\r\ns=-\r\nt= 0 0\r\n"
                + "c=IN IP4 10.0.0.1\r\nm=audio 2222 RTP/AVP 4\r\na=ptime:30\r\n   ";
        assertEquals(sdp, local(sdp));
    }

    @Test
    void escapedClosingBracesStayEscaped() {
        String sdp = "v=0\na=x-json:{\"a\":1\\}\na=fmtp:101 0-15\\}\n";
        assertEquals(sdp, local(sdp));
    }

    @Test
    void semicolonsAndCommentLookalikesAreSdpNotComments() {
        String sdp = " v=0 ; not a comment\n a=fmtp:18 annexb=no;foo=bar ";
        assertEquals(sdp, local(sdp));
    }

    @Test
    void emptyAndHighOctets() {
        assertEquals("", local(""));
        assertEquals("s=caf\u00e9 \u00ff", local("s=caf\u00e9 \u00ff"));
    }

    @Test
    void backslashNotBeforeABraceIsAnOrdinaryOctet() {
        assertEquals("a=x:\\n\\\\y", local("a=x:\\n\\\\y"));
        // read left to right, "\\}" is a backslash and then an escaped brace, so this Local is never closed
        SyntaxError e = error(Decode.HEADER + "T=1{C=1{MF=t{M{L{a=\\\\}");
        assertEquals("the '{' of this Local descriptor is never closed", e.reason());
    }

    @Test
    void remoteToo() {
        MediaDescriptor m = (MediaDescriptor) descriptor("M{R{v=0\nc=IN IP4 $\nm=audio $ RTP/AVP 0\n}}");
        RemoteDescriptor r = (RemoteDescriptor) m.parms().get(0);
        assertEquals("v=0\nc=IN IP4 $\nm=audio $ RTP/AVP 0\n", r.sdp());
        assertEquals(-1, Sdp.parse(r.sdp()).sessions().get(0).mediaPort());
    }

    @Test
    void nulOctetIsRejectedWhereItIs() {
        String text = request("MF=t{M{L{v=0\u0000}}}");
        SyntaxError e = error(text);
        assertEquals("a NUL octet is not allowed in a Local descriptor", e.reason());
        assertEquals(text.indexOf('\u0000'), e.offset());
    }

    @Test
    void unclosedLocalIsReportedAtItsBrace() {
        String text = Decode.HEADER + "T=1{C=1{MF=t{M{Local { v=0\\}";
        SyntaxError e = error(text);
        assertEquals("the '{' of this Local descriptor is never closed", e.reason());
        assertEquals(text.indexOf("{ v=0"), e.offset());
    }
}
