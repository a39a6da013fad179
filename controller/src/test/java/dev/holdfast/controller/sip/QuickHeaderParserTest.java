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
            // SIPp's From, To and Contact, ours, and other plain forms
            "From: sipp <sip:sipp@127.0.0.1:5061>;tag=2210SIPpTag001",
            "To: 1002 <sip:1002@127.0.0.1:5060>",
            "To: <sip:1002@127.0.0.1>;tag=hf-42x9",
            "Contact: sip:sipp@127.0.0.1:5061",
            "Contact: <sip:127.0.0.1:5062;transport=UDP>",
            "Contact: <sip:holdfast@127.0.0.1:5060;hfck=AbC-123_x.y>",
            "Contact: <sip:1001@10.0.0.2:5070;transport=tcp;ob>;expires=3600;+sip.instance=x",
            "From: T. A. Watson <sip:watson@bell-telephone.com;param=something>",
            "From: <sip:+1-650-555-2222@ss1.wcom.com;user=phone>;tag=5617",
            "To: sip:mranga@129.6.55.9;tag=696928473514.129.6.55.9",
            "To: sip:mranga@129.6.55.9;lr",
            "from:<sip:a_b.c@host_1.example:1>",
            "To: sip:host;tag=a@b",                                  // the RI's user may hold ';' and '='
            "To: <sip:a@b;maddr=[::1]>",
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
            "f: <sip:a@b>;tag=1",                                    // compact names go to the RI
            "m: <sip:a@b>",
            "From: \"Quoted Name\" <sip:a@b>;tag=1",                // quoted display names
            "From: <sips:a@b>;tag=1",                                // other schemes
            "From: <tel:+1234>;tag=1",
            "To: <sip:a:secret@b>",                                  // a password
            "To: <sip:a%20b@c>",                                     // escapes
            "To: <sip:a@b?Subject=x>",                               // URI headers
            "To: <sip:a@[::1]:5060>",                                // IPv6
            "To: <sip:a@1::2>",
            "To: < sip:a@b >",                                       // white space inside the brackets
            "To: <sip:a@b> ;tag=1",                                  // white space around a separator
            "To: <sip:a@b>;tag=\"q\"",                               // quoted values
            "To: <sip:a@b>;tag=",
            "To: <sip:a@b:>",
            "To: <sip:@b>",
            "To: <sip:a@b",
            "To: sip:a@b, sip:c@d",
            "Contact: *",
            "Contact: <sip:a@b>, <sip:c@d>",                         // several values
            "Contact: <sip:a@b>;expires=\"x\"",
            "Route: <sip:a@b;lr>",                                   // not a quick header at all
            "Subject: Performance Test",
            "Call-ID:",
            ": value",
    })
    void otherLinesAreLeftToTheRi(String line) {
        assertNull(QuickHeaderParser.header(line), line);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "INVITE sip:1002@127.0.0.1:5060 SIP/2.0",
            "ACK sip:1002@127.0.0.1:5060;transport=udp SIP/2.0",
            "BYE sip:holdfast@127.0.0.1:5060;hfck=x-1 SIP/2.0",
            "REGISTER sip:127.0.0.1 SIP/2.0",
            "OPTIONS sip:a_b@h-1.example:1;lr SIP/2.0",
    })
    void quickRequestLinesAreWhatTheRiBuilds(String line) throws Exception {
        gov.nist.javax.sip.header.RequestLine quick = QuickHeaderParser.requestLine(line);
        assertNotNull(quick, "taken by the quick path: " + line);
        assertSame(new gov.nist.javax.sip.parser.RequestLineParser(line + "\n").parse(), quick, line);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "INVITE sips:1002@127.0.0.1 SIP/2.0",
            "INVITE tel:+1234 SIP/2.0",
            "invite sip:1002@127.0.0.1 SIP/2.0",                     // case and extension methods go to the RI
            "FOO sip:1002@127.0.0.1 SIP/2.0",
            "INVITE sip:1002@127.0.0.1 SIP/3.0",
            "INVITE  sip:1002@127.0.0.1 SIP/2.0",
            "INVITE sip:1002@127.0.0.1  SIP/2.0",
            "INVITE sip:a:pw@127.0.0.1 SIP/2.0",
            "INVITE sip:1002@127.0.0.1?X=y SIP/2.0",
            "INVITE sip:1002@[::1] SIP/2.0",
            "INVITE sip:1002@127.0.0.1",
    })
    void otherRequestLinesAreLeftToTheRi(String line) {
        assertNull(QuickHeaderParser.requestLine(line), line);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "sip:1002@127.0.0.1", "sip:1002@127.0.0.1:5060", "sip:holdfast@127.0.0.1", "sip:127.0.0.1:5062;transport=tcp",
            "sip:1001@10.0.0.2:5070;transport=tcp;ob", "sip:a_b.c@host_1.example;lr",
    })
    void quickUrisAndAddressesAreWhatTheAddressFactoryMakes(String text) throws Exception {
        javax.sip.address.AddressFactory factory = javax.sip.SipFactory.getInstance().createAddressFactory();
        assertNotNull(QuickHeaderParser.sipUri(text), text);
        assertSame(factory.createURI(text), QuickHeaderParser.sipUri(text), text);
        assertSame(factory.createAddress(text), QuickHeaderParser.address(text), text);
        String named = "Bob <" + text + ">";
        assertNotNull(QuickHeaderParser.address(named), named);
        assertSame(factory.createAddress(named), QuickHeaderParser.address(named), named);
    }

    @Property(tries = 2000)
    void generatedUrisAndAddressesAreWhatTheAddressFactoryMakesWhenTaken(@ForAll("addressish") String text) throws Exception {
        javax.sip.address.AddressFactory factory = javax.sip.SipFactory.getInstance().createAddressFactory();
        Object uri = QuickHeaderParser.sipUri(text);
        net.jqwik.api.statistics.Statistics.collect(uri != null ? "quick" : "RI");
        if (uri != null) assertSame(factory.createURI(text), uri, text);
        Object address = QuickHeaderParser.address(text);
        if (address != null) assertSame(factory.createAddress(text), address, text);
    }

    /**
     * Lines made of the characters that matter to the RI's address and URI parsers: whatever the quick path takes, it
     * builds as the RI does (and the plain ones it does take).
     */
    @Property(tries = 3000)
    void generatedAddressesAreWhatTheRiBuildsWhenTaken(@ForAll @IntRange(min = 0, max = 5) int header,
                                                       @ForAll("addressish") String value) throws Exception {
        String name = new String[] {"From", "To", "Contact", "from", "TO", "Contact"}[header];
        String line = name + ": " + value;
        SIPHeader quick = QuickHeaderParser.header(line);
        net.jqwik.api.statistics.Statistics.label("header").collect(quick != null ? "quick" : "RI");
        if (quick != null) assertSame(StringMsgParser.parseSIPHeader(line + "\n"), quick, line);
        String request = "INVITE " + value + " SIP/2.0";
        gov.nist.javax.sip.header.RequestLine quickLine = QuickHeaderParser.requestLine(request);
        if (quickLine != null) {
            assertSame(new gov.nist.javax.sip.parser.RequestLineParser(request + "\n").parse(), quickLine, request);
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> addressish() {
        net.jqwik.api.Arbitrary<String> piece = net.jqwik.api.Arbitraries.of("sip:", "sips:", "a", "B", "1", "42",
                "@", ":", ";", "=", "<", ">", " ", ".", "-", "_", "+", "%20", "?", "&", ",", "\"", "[", "]", "/", "*",
                "tag", "transport", "lr", "host.example", "127.0.0.1", "5060", "::1");
        net.jqwik.api.Arbitrary<String> noise = piece.list().ofMinSize(0).ofMaxSize(12).map(l -> String.join("", l));
        net.jqwik.api.Arbitrary<String> plain = net.jqwik.api.Combinators.combine(
                net.jqwik.api.Arbitraries.of("", "sipp ", "T. A. Watson "), net.jqwik.api.Arbitraries.of(true, false),
                net.jqwik.api.Arbitraries.of("", "1002@", "a_b.c@", "+1-650@"),
                net.jqwik.api.Arbitraries.of("127.0.0.1", "host.example", "h_1"),
                net.jqwik.api.Arbitraries.of("", ":5060", ":1"),
                net.jqwik.api.Arbitraries.of("", ";transport=udp", ";lr", ";hfck=x-1;ob"),
                net.jqwik.api.Arbitraries.of("", ";tag=a1", ";expires=60;q", ";tag=x.y-z")).as(
                (display, brackets, user, host, port, uriParams, params) -> brackets
                        ? display + "<sip:" + user + host + port + uriParams + ">" + params
                        : "sip:" + user + host + port + params);
        return net.jqwik.api.Arbitraries.oneOf(plain, noise, net.jqwik.api.Combinators.combine(plain, noise).as(String::concat));
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
