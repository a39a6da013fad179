package dev.holdfast.controller.sip;

import gov.nist.core.Host;
import gov.nist.core.HostPort;
import gov.nist.core.NameValue;
import gov.nist.javax.sip.address.AddressImpl;
import gov.nist.javax.sip.address.SipUri;
import gov.nist.javax.sip.header.AddressParametersHeader;
import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.header.CallID;
import gov.nist.javax.sip.header.Contact;
import gov.nist.javax.sip.header.ContactList;
import gov.nist.javax.sip.header.ContentLength;
import gov.nist.javax.sip.header.From;
import gov.nist.javax.sip.header.MaxForwards;
import gov.nist.javax.sip.header.Protocol;
import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.header.StatusLine;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.header.ViaList;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.message.SIPDuplicateHeaderException;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;

import java.text.ParseException;

/**
 * The stack's message parser with a quick path for the plainest forms of the lines every call carries many times:
 * a status line, a request line with a SIP URI, and the Call-ID, CSeq, Content-Length, Max-Forwards, (single-valued)
 * Via, From, To and (single-valued) Contact headers with plain SIP URIs ({@link #uri}). The RI parses
 * each header line by looking its parser class up by name, instantiating it by reflection and running a general
 * lexer over it; for these lines that was about a tenth of the controller's CPU under call load. The quick path
 * builds the same header objects the RI's parsers build (the tests compare them field by field); any line it does not
 * fully recognise (compact names, folding, quoted or escaped values, IPv6, several values, out-of-range numbers,
 * a CSeq with an extension method, quoted display names, URIs with a password, escapes or headers, other schemes)
 * goes to the RI's own parser, which then also reports what is wrong with it.
 */
final class QuickHeaderParser extends StringMsgParser {
    /** The methods a CSeq may name on the quick path, as sent (upper case). */
    private static final java.util.Set<String> METHODS = java.util.Set.of("INVITE", "ACK", "BYE", "CANCEL", "REGISTER",
            "OPTIONS", "INFO", "UPDATE", "PRACK", "SUBSCRIBE", "NOTIFY", "REFER", "MESSAGE", "PUBLISH");

    @Override protected SIPMessage processFirstLine(String firstLine, ParseExceptionListener listener, byte[] raw)
            throws ParseException {
        StatusLine status = statusLine(firstLine);
        if (status != null) {
            SIPResponse response = new SIPResponse();
            response.setStatusLine(status);
            return response;
        }
        RequestLine line = requestLine(firstLine);
        if (line == null) return super.processFirstLine(firstLine, listener, raw);
        SIPRequest request = new SIPRequest();
        request.setRequestLine(line);
        return request;
    }

    /** "METHOD sip:... SIP/2.0" as the RI's RequestLineParser makes it (a method it knows, a plain URI), or null. */
    static RequestLine requestLine(String line) {
        int sp = line.indexOf(' ');
        if (sp <= 0 || !line.endsWith(" SIP/2.0")) return null;
        String method = line.substring(0, sp);
        if (!METHODS.contains(method)) return null;
        int end = line.length() - 8;
        SipUri uri = new SipUri();
        try {
            if (uri(line, sp + 1, end, true, uri) != end) return null;
        } catch (ParseException | RuntimeException unusual) {
            return null;
        }
        RequestLine r = new RequestLine();
        r.setMethod(method);
        r.setUri(uri);
        r.setSipVersion("SIP/2.0");
        return r;
    }

    @Override protected void processHeader(String line, SIPMessage message, ParseExceptionListener listener, byte[] raw)
            throws ParseException {
        SIPHeader quick = line == null ? null : header(line);
        if (quick != null) {
            try {
                message.attachHeader(quick, false);
                return;
            } catch (SIPDuplicateHeaderException duplicate) {
                // the RI's own path reports it as it always does
            }
        }
        super.processHeader(line, message, listener, raw);
    }

    /** "SIP/2.0 NNN reason" as the RI's StatusLineParser makes it, or null for the RI to parse. */
    static StatusLine statusLine(String line) {
        if (!line.startsWith("SIP/2.0 ") || line.length() < 11) return null;
        int i = 8;
        while (i < line.length() && line.charAt(i) == ' ') i++;
        int start = i;
        while (i < line.length() && isDigit(line.charAt(i))) i++;
        if (i - start != 3 || (i < line.length() && line.charAt(i) != ' ')) return null;
        StatusLine s = new StatusLine();
        s.setSipVersion("SIP/2.0");
        s.setStatusCode(Integer.parseInt(line, start, i, 10));
        s.setReasonPhrase(line.substring(i).trim());
        return s;
    }

    /** One header line in its quick form, or null for the RI to parse. */
    static SIPHeader header(String line) {
        int colon = line.indexOf(':');
        if (colon <= 0) return null;
        int nameEnd = colon;
        while (nameEnd > 0 && line.charAt(nameEnd - 1) == ' ') nameEnd--;
        int v = colon + 1;
        while (v < line.length() && (line.charAt(v) == ' ' || line.charAt(v) == '\t')) v++;
        int end = line.length();
        while (end > v && line.charAt(end - 1) <= ' ') end--;
        if (v >= end) return null;
        try {
            switch (nameEnd) {
                case 2 -> { if (line.regionMatches(true, 0, "To", 0, 2)) return addressHeader(line, v, end, new To()); }
                case 3 -> { if (line.regionMatches(true, 0, "Via", 0, 3)) return via(line, v, end); }
                case 4 -> {
                    if (line.regionMatches(true, 0, "CSeq", 0, 4)) return cseq(line, v, end);
                    if (line.regionMatches(true, 0, "From", 0, 4)) return addressHeader(line, v, end, new From());
                }
                case 7 -> {
                    if (line.regionMatches(true, 0, "Call-ID", 0, 7)) return callId(line, v, end);
                    if (line.regionMatches(true, 0, "Contact", 0, 7)) return contact(line, v, end);
                }
                case 12 -> { if (line.regionMatches(true, 0, "Max-Forwards", 0, 12)) return maxForwards(line, v, end); }
                case 14 -> { if (line.regionMatches(true, 0, "Content-Length", 0, 14)) return contentLength(line, v, end); }
                default -> { }
            }
        } catch (ParseException | javax.sip.InvalidArgumentException | RuntimeException unusual) {
            return null;
        }
        return null;
    }

    private static SIPHeader callId(String line, int v, int end) throws ParseException {
        for (int i = v; i < end; i++) if (line.charAt(i) <= ' ' || line.charAt(i) >= 0x7f) return null;
        CallID c = new CallID();
        c.setCallId(line.substring(v, end));
        return c;
    }

    private static SIPHeader cseq(String line, int v, int end) throws ParseException, javax.sip.InvalidArgumentException {
        int i = digits(line, v, end, 10);
        if (i < 0 || i >= end || line.charAt(i) != ' ') return null;
        long number = Long.parseLong(line, v, i, 10);
        while (i < end && line.charAt(i) == ' ') i++;
        String method = line.substring(i, end);
        if (!METHODS.contains(method)) return null; // the RI's method lexer has its own rules for the others
        CSeq c = new CSeq();
        c.setSeqNumber(number);
        c.setMethod(SIPRequest.getCannonicalName(method).intern());
        return c;
    }

    private static SIPHeader contentLength(String line, int v, int end) throws javax.sip.InvalidArgumentException {
        if (digits(line, v, end, 9) != end) return null;
        ContentLength c = new ContentLength();
        c.setContentLength(Integer.parseInt(line, v, end, 10));
        return c;
    }

    private static SIPHeader maxForwards(String line, int v, int end) throws javax.sip.InvalidArgumentException {
        if (digits(line, v, end, 3) != end) return null;
        MaxForwards m = new MaxForwards();
        m.setMaxForwards(Integer.parseInt(line, v, end, 10));
        return m;
    }

    /** "SIP/2.0/UDP host[:port](;name[=token])*" with one value only. */
    private static SIPHeader via(String line, int v, int end) throws ParseException, javax.sip.InvalidArgumentException {
        if (!line.regionMatches(v, "SIP/2.0/", 0, 8)) return null;
        int i = v + 8;
        int t = i;
        while (i < end && isToken(line.charAt(i))) i++;
        if (i == t || i >= end || line.charAt(i) != ' ') return null;
        String transport = line.substring(t, i);
        while (i < end && line.charAt(i) == ' ') i++;
        int h = i;
        while (i < end && isHostChar(line.charAt(i))) i++;
        if (i == h) return null;
        String host = line.substring(h, i);
        int port = -1;
        if (i < end && line.charAt(i) == ':') {
            int p = ++i;
            i = digits(line, p, end, 5);
            if (i < 0) return null;
            port = Integer.parseInt(line, p, i, 10);
        }
        Via via = new Via();
        Protocol protocol = new Protocol();
        protocol.setProtocolName("SIP");
        protocol.setProtocolVersion("2.0");
        protocol.setTransport(transport);
        via.setSentProtocol(protocol);
        HostPort sentBy = new HostPort();
        sentBy.setHost(new Host(host));
        if (port >= 0) sentBy.setPort(port);
        via.setSentBy(sentBy);
        if (!parameters(line, i, end, via, true)) return null;
        ViaList list = new ViaList(); // what the RI's ViaParser returns, one Via or several
        list.add(via);
        return list;
    }

    /**
     * A whole SIP URI ("sip:[user@]host[:port](;name[=value])*") as the RI's {@code AddressFactory.createURI} and
     * {@code createSipURI} make it, or null for the RI to parse. The B2BUA builds every INVITE it sends from such strings.
     */
    static SipUri sipUri(String text) {
        SipUri uri = new SipUri();
        try {
            return uri(text, 0, text.length(), true, uri) == text.length() ? uri : null;
        } catch (ParseException | RuntimeException unusual) {
            return null;
        }
    }

    /** A whole address (a plain name-addr or a SIP URI) as the RI's {@code AddressFactory.createAddress} makes it, or null. */
    static AddressImpl address(String text) {
        try {
            int lt = text.indexOf('<');
            if (lt < 0) {
                SipUri uri = sipUri(text);
                if (uri == null) return null;
                AddressImpl a = new AddressImpl();
                a.setURI(uri);
                a.setAddressType(AddressImpl.ADDRESS_SPEC);
                return a;
            }
            if (!text.endsWith(">")) return null;
            From holder = addressHeader(text, 0, text.length(), new From());
            return holder == null ? null : (AddressImpl) holder.getAddress();
        } catch (ParseException | RuntimeException unusual) {
            return null;
        }
    }

    /** A Contact with one value (not "*"), as the RI's ContactParser makes it: a list of one. */
    private static SIPHeader contact(String line, int v, int end) throws ParseException {
        if (line.charAt(v) == '*') return null;
        Contact c = addressHeader(line, v, end, new Contact());
        if (c == null) return null;
        ContactList list = new ContactList();
        list.add(c);
        return list;
    }

    /**
     * "[display-name] <sip:...>(;name=token)*" or "sip:user@host[:port](;name=token)*" (the parameters then belong to
     * the header, as RFC 3261 20.10 says and the RI parses), as the RI's AddressParametersParser fills {@code h}.
     */
    private static <H extends AddressParametersHeader> H addressHeader(String line, int v, int end, H h) throws ParseException {
        AddressImpl address = new AddressImpl();
        SipUri uri = new SipUri();
        int i;
        int lt = line.indexOf('<', v);
        if (lt >= 0 && lt < end) {
            // a name-addr: a display name of tokens before '<' (a quoted one, or anything the RI would take for a
            // URI, goes to the RI)
            for (int k = v; k < lt; k++) {
                char c = line.charAt(k);
                if (c != ' ' && !isToken(c)) return null;
            }
            address.setAddressType(AddressImpl.NAME_ADDR);
            if (lt > v) address.setDisplayName(line.substring(v, lt).trim());
            i = uri(line, lt + 1, end, true, uri);
            if (i < 0 || i >= end || line.charAt(i) != '>') return null;
            i++;
        } else {
            i = uri(line, v, end, false, uri);
            if (i < 0) return null;
            address.setAddressType(AddressImpl.ADDRESS_SPEC);
        }
        address.setURI(uri);
        h.setAddress(address);
        if (!parameters(line, i, end, h, false)) return null;
        return h;
    }

    /**
     * Parses "sip:[user@]host[:port]" and, {@code inBrackets}, its ";name[=value]" parameters from {@code from} into
     * {@code uri} as the RI's URLParser does; returns where the URI ends (the next character is ';' (out of
     * brackets), '>' or {@code end}), or -1 for anything else (a password, escapes, headers, IPv6, sips, other
     * schemes), which the RI then parses.
     */
    static int uri(String s, int from, int end, boolean inBrackets, SipUri uri) throws ParseException {
        if (!s.regionMatches(true, from, "sip:", 0, 4)) return -1;
        int start = from + 4;
        int j = start;
        while (j < end && isUserChar(s.charAt(j))) j++;
        if (j < end && s.charAt(j) == '@') {
            if (j == start) return -1;
            for (int k = start; k < j; k++) if (s.charAt(k) == ':') return -1; // a password
            uri.setUser(s.substring(start, j));
            start = j + 1;
        }
        int i = start;
        while (i < end && isDomainChar(s.charAt(i))) i++;
        if (i == start || isIPv6Address(s, start, end)) return -1;
        HostPort hp = new HostPort();
        hp.setHost(new Host(s.substring(start, i)));
        if (i < end && s.charAt(i) == ':') {
            int p = ++i;
            i = digits(s, p, end, 5);
            if (i < 0) return -1;
            hp.setPort(Integer.parseInt(s, p, i, 10));
        }
        uri.setHostPort(hp);
        while (inBrackets && i < end && s.charAt(i) == ';') {
            int n = ++i;
            while (i < end && isParamChar(s.charAt(i))) i++;
            if (i == n) return -1;
            String name = s.substring(n, i);
            if (i < end && s.charAt(i) == '=') {
                int val = ++i;
                while (i < end && isParamChar(s.charAt(i))) i++;
                if (i == val) return -1;
                uri.setUriParameter(new NameValue(name, s.substring(val, i), false));
            } else {
                uri.setUriParameter(new NameValue(name, "", true));
            }
        }
        if (i < end && s.charAt(i) != ';' && s.charAt(i) != '>') return -1;
        if (inBrackets && i < end && s.charAt(i) == ';') return -1;
        return i;
    }

    /**
     * The RI's HostNameParser takes a host with two colons before the first ';' or '?' (or ',') for an IPv6 address
     * without brackets: such lines go to the RI.
     */
    private static boolean isIPv6Address(String s, int from, int end) {
        int colons = 0;
        for (int k = from; k < end; k++) {
            char c = s.charAt(k);
            if (c == ',' || c == ';' || c == '?') break;
            if (c == ':' && ++colons == 2) return true;
        }
        return false;
    }

    /** What the RI's URLParser reads as a user (or as a password, or the ':' between), escapes left out. */
    private static boolean isUserChar(char c) {
        return isAlphaDigit(c) || "-_.!~*'()&=+$,;?/#:".indexOf(c) >= 0;
    }

    /** The RI's domain label characters (HostNameParser). */
    private static boolean isDomainChar(char c) { return isAlphaDigit(c) || c == '-' || c == '.' || c == '_'; }

    /** A URI parameter's name or value as the RI's URLParser reads it, escapes left out. */
    private static boolean isParamChar(char c) {
        return isAlphaDigit(c) || "-_.!~*'()[]/:&+$".indexOf(c) >= 0;
    }

    private static boolean isAlphaDigit(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c); }

    /** The end of 1 to {@code max} digits from {@code from}, or -1. */
    private static int digits(String s, int from, int end, int max) {
        int i = from;
        while (i < end && isDigit(s.charAt(i))) i++;
        return i == from || i - from > max ? -1 : i;
    }

    private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

    /** RFC 3261 token characters. */
    private static boolean isToken(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || "-.!%*_+`'~".indexOf(c) >= 0;
    }

    /** A host name or IPv4 address (IPv6 references go to the RI). */
    private static boolean isHostChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c == '.' || c == '-';
    }

    /**
     * {@code *(";" token ["=" token])} from {@code i} to {@code end} into {@code h}; false for anything else (the RI then
     * parses the line). A flag is kept as each RI parser keeps it: a Via's with a null value (and a Via branch without
     * a value refused, as the RI does), an address header's with "" and the separator omitted.
     */
    private static boolean parameters(String line, int i, int end, gov.nist.javax.sip.header.ParametersHeader h,
                                      boolean via) {
        while (i < end) {
            if (line.charAt(i) != ';') return false;
            int n = ++i;
            while (i < end && isToken(line.charAt(i))) i++;
            if (i == n) return false;
            String name = line.substring(n, i);
            if (i < end && line.charAt(i) == '=') {
                int val = ++i;
                while (i < end && isToken(line.charAt(i))) i++;
                if (i == val) return false;
                h.setParameter(new NameValue(name, line.substring(val, i), false));
            } else if (via) {
                if (name.equalsIgnoreCase(Via.BRANCH)) return false;
                h.setParameter(new NameValue(name, null, false));
            } else {
                h.setParameter(new NameValue(name, "", true));
            }
        }
        return true;
    }
}
