package dev.holdfast.controller.sip;

import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.StringMsgParser;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The quick path of the stack's parser builds exactly what the RI's own parser builds (every field, compared
 * reflectively, and the encoding), and leaves every line it does not fully recognise to the RI.
 */
class QuickHeaderParserTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "Call-ID: 1-4242@127.0.0.1",
            "call-id:abc",
            "Call-ID:   x.y.z@[::1]   ",
            "CSeq: 1 INVITE",
            "CSeq: 2147483647 BYE",
            "CSeq: 3 SUBSCRIBE",
            "CSeq:12   ACK",
            "Content-Length: 0",
            "Content-Length: 137",
            "content-length:5",
            "Max-Forwards: 70",
            "Max-Forwards: 0",
            "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1234-1-0",
            "Via: SIP/2.0/TCP host.example.com;branch=z9hG4bKabc;rport",
            "Via: SIP/2.0/UDP 10.0.0.1:5060;rport=5062;received=10.0.0.9;branch=z9hG4bKhf1x2",
            "Via: SIP/2.0/udp a-b.c:1;branch=z9hG4bK.x;foo",
            "VIA:SIP/2.0/UDP 127.0.0.1",
    })
    void quickHeadersAreWhatTheRiBuilds(String line) throws Exception {
        SIPHeader quick = QuickHeaderParser.header(line);
        assertNotNull(quick, "taken by the quick path: " + line);
        SIPHeader ri = StringMsgParser.parseSIPHeader(line + "\n");
        assertSame(ri, quick, line);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "i: compact-call-id",                                    // compact names go to the RI
            "v: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1",
            "l: 0",
            "Call-ID: has space",
            "CSeq: 1",
            "CSeq: 7 invite",                                        // an extension method, or lower case
            "CSeq: 3 X-CUSTOM",
            "CSeq: 5 C",
            "CSeq: abc INVITE",
            "CSeq: 99999999999 INVITE",                              // out of range: the RI reports it
            "CSeq: 1 INVITE junk",
            "Content-Length: -1",
            "Content-Length: 1234567890",
            "Max-Forwards: 256",
            "Max-Forwards: 1000",
            "Via: SIP/2.0/UDP 127.0.0.1;branch",                     // a branch without a value
            "Via: SIP/2.0/UDP 127.0.0.1;branch=\"q\"",               // quoted
            "Via: SIP/2.0/UDP 127.0.0.1, SIP/2.0/UDP 10.0.0.1",      // two values
            "Via: SIP/2.0/UDP [::1]:5060;branch=z9hG4bK1",           // IPv6
            "Via: SIP/2.0/UDP 127.0.0.1 ;branch=z9hG4bK1",           // white space around a separator
            "Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1 (comment)",
            "Via: SIP / 2.0 / UDP 127.0.0.1",
            "Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\tx",
            "Contact: <sip:a@b>",                                    // not a quick header at all
            "Subject: Performance Test",
            "Call-ID:",
            ": value",
    })
    void otherLinesAreLeftToTheRi(String line) {
        assertNull(QuickHeaderParser.header(line), line);
    }

    @Test
    void aMalformedLineStillGetsTheRisError() {
        byte[] bad = ("INVITE sip:1002@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK1\r\n"
                + "CSeq: abc INVITE\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        // the stack's listener (its message channel) decides what a bad header costs; here it refuses the message
        gov.nist.javax.sip.parser.ParseExceptionListener refuse = (ex, message, headerClass, header, text) -> {
            throw ex;
        };
        ParseException quick = assertThrows(ParseException.class, () -> new QuickHeaderParser().parseSIPMessage(bad, true, false, refuse));
        ParseException ri = assertThrows(ParseException.class, () -> new StringMsgParser().parseSIPMessage(bad, true, false, refuse));
        assertEquals(ri.getMessage(), quick.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // SIPp's uac INVITE, uas 180 and 200, and a response with a status line the quick path leaves alone
            "INVITE sip:1002@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-2210-1-0\r\n"
                    + "From: sipp <sip:sipp@127.0.0.1:5061>;tag=2210SIPpTag001\r\nTo: 1002 <sip:1002@127.0.0.1:5060>\r\n"
                    + "Call-ID: 1-2210@127.0.0.1\r\nCSeq: 1 INVITE\r\nContact: sip:sipp@127.0.0.1:5061\r\n"
                    + "Max-Forwards: 70\r\nSubject: Performance Test\r\nContent-Type: application/sdp\r\n"
                    + "Content-Length:   5\r\n\r\nv=0\r\n",
            "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKhf1x2f;rport=5060\r\n"
                    + "From: <sip:sipp@127.0.0.1>;tag=a\r\nTo: <sip:1002@127.0.0.1>;tag=b\r\nCall-ID: hf-1\r\n"
                    + "CSeq: 1 INVITE\r\nContact: <sip:127.0.0.1:5062;transport=UDP>\r\nContent-Length: 0\r\n\r\n",
            "SIP/2.0  200  OK then some\r\nVia: SIP/2.0/UDP 127.0.0.1\r\nCall-ID: x\r\nCSeq: 2 BYE\r\n"
                    + "Content-Length: 0\r\n\r\n",
            "SIP/2.0 603 \r\nCall-ID: x\r\nCSeq: 2 BYE\r\nl: 0\r\n\r\n",
            "SIP/2.0 1000 Odd\r\nCall-ID: x\r\nCSeq: 2 BYE\r\n\r\n",
    })
    void wholeMessagesParseAsWithTheRi(String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        SIPMessage ri = new StringMsgParser().parseSIPMessage(bytes, true, false, null);
        SIPMessage quick = new QuickHeaderParser().parseSIPMessage(bytes, true, false, null);
        assertSame(ri, quick, text);
    }

    @Property(tries = 300)
    void generatedViasAndCSeqsAreWhatTheRiBuilds(@ForAll @IntRange(min = 0, max = 65535) int port,
                                                  @ForAll @AlphaChars @StringLength(min = 1, max = 12) String label,
                                                  @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int seq,
                                                  @ForAll @AlphaChars @StringLength(min = 1, max = 10) String method,
                                                  @ForAll boolean rport) throws Exception {
        for (String line : new String[] {
                "Via: SIP/2.0/UDP " + label + ".example:" + port + ";branch=z9hG4bK" + label + (rport ? ";rport" : ""),
                "CSeq: " + seq + " " + method, "CSeq: " + seq + " INVITE"}) {
            SIPHeader quick = QuickHeaderParser.header(line);
            if (quick == null) {
                assertTrue(line.startsWith("CSeq") && !line.endsWith("INVITE"), "left to the RI: " + line);
            } else {
                assertSame(StringMsgParser.parseSIPHeader(line + "\n"), quick, line);
            }
        }
    }

    private static void assertSame(Object ri, Object quick, String what) {
        assertEquals(encoded(ri), encoded(quick), what);
        String diff = difference(ri, quick, "", new IdentityHashMap<>());
        if (diff != null) fail(what + ": differs at " + diff);
    }

    private static String encoded(Object o) {
        return o instanceof SIPHeader h ? h.encode() : o instanceof SIPMessage m ? m.encode() : String.valueOf(o);
    }

    /** The first field (path) in which a and b differ, or null: every non-static field, recursively. */
    private static String difference(Object a, Object b, String path, IdentityHashMap<Object, Boolean> seen) {
        if (a == b) return null;
        if (a == null || b == null) return path + " (" + a + " / " + b + ")";
        if (a.getClass() != b.getClass()) return path + " (class " + a.getClass() + " / " + b.getClass() + ")";
        if (a instanceof String || a instanceof Number || a instanceof Boolean || a instanceof Character || a instanceof Enum<?>) {
            return a.equals(b) ? null : path + " (" + a + " / " + b + ")";
        }
        if (seen.put(a, Boolean.TRUE) != null) return null;
        if (a instanceof Map<?, ?> ma) {
            Map<?, ?> mb = (Map<?, ?>) b;
            if (ma.size() != mb.size()) return path + " (size " + ma.size() + " / " + mb.size() + ")";
            for (Map.Entry<?, ?> e : ma.entrySet()) {
                String d = difference(e.getValue(), mb.get(e.getKey()), path + "[" + e.getKey() + "]", seen);
                if (d != null) return d;
            }
            return null;
        }
        if (a instanceof Collection<?> ca) {
            Collection<?> cb = (Collection<?>) b;
            if (ca.size() != cb.size()) return path + " (size " + ca.size() + " / " + cb.size() + ")";
            Iterator<?> ib = cb.iterator();
            int i = 0;
            for (Object x : ca) {
                String d = difference(x, ib.next(), path + "[" + i++ + "]", seen);
                if (d != null) return d;
            }
            return null;
        }
        if (a.getClass().isArray()) {
            return java.util.Objects.deepEquals(new Object[] {a}, new Object[] {b}) ? null : path + " (array)";
        }
        for (Class<?> c = a.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) continue;
                try {
                    f.setAccessible(true);
                    String d = difference(f.get(a), f.get(b), path + "." + f.getName(), seen);
                    if (d != null) return d;
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return path + "." + f.getName() + " (unreadable: " + e + ")";
                }
            }
        }
        return null;
    }
}
