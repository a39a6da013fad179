package dev.holdfast.controller.sip;

import gov.nist.javax.sip.header.SIPHeader;

import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Message;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Set;

/**
 * The mapping between JAIN-SIP messages and the core's SIP values, in both directions: a received request or
 * response becomes a {@link SipRequest} / {@link SipResponse}; a {@link SipReply} or {@link SipOutgoingRequest}
 * becomes a JAIN-SIP message. No I/O and no transaction state: the real edge ({@link SipEdge}) and the whole-system
 * simulation's SIP port both use it, so the core sees the same values from either.
 */
public final class SipMessageMapping {
    private static final Set<String> LIST_HEADERS = Set.of("Allow", "Supported", "Accept");

    private final MessageFactory messages;
    private final HeaderFactory headers;
    private final AddressFactory addresses;

    public SipMessageMapping(MessageFactory messages, HeaderFactory headers, AddressFactory addresses) {
        this.messages = messages;
        this.headers = headers;
        this.addresses = addresses;
    }

    // ------------------------------------------------------------------------------------------ in

    /** The transport of the request's top Via, lower case ("udp" without one). */
    public static String transportOf(Request req) {
        ViaHeader via = (ViaHeader) req.getHeader(ViaHeader.NAME);
        return via == null || via.getTransport() == null ? "udp" : via.getTransport().toLowerCase(Locale.ROOT);
    }

    /** A received request as the core sees it; IllegalArgumentException when it lacks what every request has. */
    public static SipRequest toCore(Request req, String transport) {
        FromHeader from = (FromHeader) req.getHeader(FromHeader.NAME);
        ToHeader to = (ToHeader) req.getHeader(ToHeader.NAME);
        CallIdHeader callId = (CallIdHeader) req.getHeader(CallIdHeader.NAME);
        CSeqHeader cseq = (CSeqHeader) req.getHeader(CSeqHeader.NAME);
        if (from == null || to == null || callId == null || cseq == null) throw new IllegalArgumentException("missing From, To, Call-ID or CSeq");
        if (!cseq.getMethod().equals(req.getMethod())) throw new IllegalArgumentException("CSeq method differs from the request's");
        List<SipContact> contacts = new ArrayList<>();
        for (ListIterator<?> it = req.getHeaders(ContactHeader.NAME); it.hasNext(); ) {
            ContactHeader c = (ContactHeader) it.next();
            if (c.isWildCard() || c.getAddress() == null || c.getAddress().isWildcard()) {
                contacts.add(new SipContact("*", null));
            } else {
                contacts.add(new SipContact(c.getAddress().getURI().toString(), c.getExpires() >= 0 ? c.getExpires() : null));
            }
        }
        ExpiresHeader expires = req.getExpires();
        ContentTypeHeader ct = (ContentTypeHeader) req.getHeader(ContentTypeHeader.NAME);
        byte[] raw = req.getRawContent();
        return new SipRequest(req.getMethod(), req.getRequestURI().toString(), transport, callId.getCallId(),
                cseq.getSeqNumber(), from.getAddress().getURI().toString(), from.getTag(), to.getAddress().getURI().toString(),
                to.getTag(), contacts, expires == null ? null : expires.getExpires(), value(req.getHeader("Authorization")),
                value(req.getHeader("Proxy-Authorization")),
                ct == null ? null : ct.getContentType() + "/" + ct.getContentSubType(),
                raw == null || raw.length == 0 ? null : new String(raw, StandardCharsets.UTF_8), allowEvents(req),
                value(req.getHeader("Refer-To")));
    }

    /** A received response as the core sees it. */
    public static SipResponse toCore(Response resp) {
        ContentTypeHeader type = (ContentTypeHeader) resp.getHeader(ContentTypeHeader.NAME);
        byte[] raw = resp.getRawContent();
        return new SipResponse(resp.getStatusCode(), resp.getReasonPhrase(), ((CSeqHeader) resp.getHeader(CSeqHeader.NAME)).getMethod(),
                ((ToHeader) resp.getHeader(ToHeader.NAME)).getTag(),
                type == null ? null : type.getContentType() + "/" + type.getContentSubType(),
                raw == null || raw.length == 0 ? null : new String(raw, StandardCharsets.UTF_8));
    }

    /** Allow-Events values (the stack may parse one header line into several). */
    private static String allowEvents(Request req) {
        StringBuilder b = new StringBuilder();
        for (ListIterator<?> it = req.getHeaders("Allow-Events"); it != null && it.hasNext(); ) {
            Object h = it.next();
            String v = h instanceof SIPHeader s ? s.getHeaderValue() : String.valueOf(h);
            b.append(b.length() == 0 ? "" : ",").append(v.strip());
        }
        return b.length() == 0 ? null : b.toString();
    }

    private static String value(Header h) { return h == null ? null : ((SIPHeader) h).getHeaderValue(); }

    // ------------------------------------------------------------------------------------------ out

    /** What an edge answers to a keepalive (an out-of-dialog OPTIONS) itself: what the core answers. */
    public static SipReply keepaliveReply() {
        return SipReply.of(200, "OK", new SipHeader("Allow", SipCore.ALLOW), new SipHeader("Accept", "application/sdp"));
    }

    /** The core's reply to {@code request}; {@code contact} is our Contact, added when the reply asks for one. */
    public Response response(Request request, SipReply reply, ContactHeader contact) throws java.text.ParseException {
        Response resp = messages.createResponse(reply.status(), request);
        resp.setReasonPhrase(reply.reason());
        ToHeader to = (ToHeader) resp.getHeader(ToHeader.NAME);
        if (reply.toTag() != null && to.getTag() == null) to.setTag(reply.toTag());
        for (SipHeader h : reply.headers()) addHeader(resp, h);
        if (reply.contact()) resp.addHeader(contact);
        if (reply.body() != null) resp.setContent(reply.body(), contentType(reply.contentType()));
        return resp;
    }

    /**
     * An INVITE or SUBSCRIBE that starts a dialog ({@code q.requestUri()} set), with our {@code via} and {@code contact}
     * (see {@link #transportTo}).
     */
    public Request dialogStarting(SipOutgoingRequest q, ViaHeader via, ContactHeader contact) throws Exception {
        Request req = messages.createRequest(target(q), q.method(), headers.createCallIdHeader(q.callId()),
                headers.createCSeqHeader(1L, q.method()),
                headers.createFromHeader(address(q.fromUri()), q.fromTag()),
                headers.createToHeader(address(q.toUri()), null),
                new ArrayList<>(List.of(via)), headers.createMaxForwardsHeader(70));
        req.addHeader(contact);
        for (SipHeader h : q.headers()) req.addHeader(headers.createHeader(h.name(), h.value()));
        if (q.body() != null) req.setContent(q.body(), contentType(q.contentType()));
        return req;
    }

    /** The Request-URI of a dialog-starting request, with the transport parameter when it is not UDP. */
    private URI target(SipOutgoingRequest q) throws java.text.ParseException {
        URI target = uri(q.requestUri());
        String transport = q.transport() == null ? "udp" : q.transport();
        if (target instanceof SipURI sip && sip.getTransportParam() == null && !transport.equals("udp")) {
            sip.setTransportParam(transport);
        }
        return target;
    }

    /** The transport a dialog-starting request goes over: the Request-URI's transport parameter, else the core's. */
    public String transportTo(SipOutgoingRequest q) throws java.text.ParseException {
        URI target = target(q);
        String transport = q.transport() == null ? "udp" : q.transport();
        if (target instanceof SipURI sip && sip.getTransportParam() != null) transport = sip.getTransportParam().toLowerCase(Locale.ROOT);
        return transport;
    }

    /**
     * A phone's INVITE taken over from a dead controller (we are the UAS of its early dialog), rebuilt as the phone
     * sent it as far as a response needs: Call-ID, CSeq, From with the phone's tag, To, and a Via with the phone's
     * address and the branch it reported, so that our response matches the phone's INVITE client transaction.
     */
    public Request takenOverInvite(AdoptedDialog a, String branch) throws Exception {
        URI phone = addresses.createURI(a.remoteTarget());
        String transport = a.transport() == null ? "udp" : a.transport();
        if (phone instanceof SipURI s && s.getTransportParam() != null) transport = s.getTransportParam();
        SipURI at = (SipURI) phone;
        return messages.createRequest(addresses.createURI(a.localUri()), Request.INVITE,
                headers.createCallIdHeader(a.callId()), headers.createCSeqHeader(a.remoteCSeq(), Request.INVITE),
                headers.createFromHeader(addresses.createAddress(a.remoteUri()), a.remoteTag()),
                headers.createToHeader(addresses.createAddress(a.localUri()), null),
                new ArrayList<>(List.of(headers.createViaHeader(at.getHost(), at.getPort() > 0 ? at.getPort() : 5060,
                        transport, branch))),
                headers.createMaxForwardsHeader(70));
    }

    /** What the core adds to a request in a dialog (a NOTIFY's Event and Subscription-State; a body). */
    public void fillInDialog(Request req, SipOutgoingRequest q) throws Exception {
        for (SipHeader h : q.headers()) req.setHeader(headers.createHeader(h.name(), h.value()));
        if (q.body() != null) req.setContent(q.body(), contentType(q.contentType()));
    }

    /** Our Contact at {@code host:port}; with a call cookie, as URI parameter {@code hfck} (the phone keeps it as the dialog's remote target). */
    public ContactHeader contact(String host, int port, String transport, String cookie) throws java.text.ParseException {
        SipURI uri = sipUri("sip:holdfast@" + host);
        if (uri == null) uri = addresses.createSipURI("holdfast", host);
        uri.setPort(port);
        if (!"udp".equals(transport)) uri.setTransportParam(transport);
        if (cookie != null) uri.setParameter(DialogAdoption.COOKIE_PARAM, cookie);
        Address a = addresses.createAddress(uri);
        return headers.createContactHeader(a);
    }

    /*
     * The stack's AddressFactory parses every URI and address it makes from text with the RI's general parser; the
     * plain ones (all the B2BUA sends in a call) are built by the quick path instead, as the RI would build them
     * (QuickHeaderParser, QuickHeaderParserTest), anything else by the RI.
     */

    private URI uri(String text) throws java.text.ParseException {
        SipURI quick = sipUri(text);
        return quick != null ? quick : addresses.createURI(text);
    }

    private static SipURI sipUri(String text) {
        return text == null ? null : QuickHeaderParser.sipUri(text);
    }

    private Address address(String text) throws java.text.ParseException {
        Address quick = text == null ? null : QuickHeaderParser.address(text);
        return quick != null ? quick : addresses.createAddress(text);
    }

    public ContentTypeHeader contentType(String type) throws java.text.ParseException {
        String t = type == null ? "application/sdp" : type;
        int slash = t.indexOf('/');
        return slash < 0 ? headers.createContentTypeHeader(t, "octet-stream")
                : headers.createContentTypeHeader(t.substring(0, slash), t.substring(slash + 1));
    }

    private void addHeader(Message m, SipHeader h) throws java.text.ParseException {
        if (LIST_HEADERS.contains(h.name())) {
            // a list header (Allow) parses as several headers, one per value
            for (Object one : ((gov.nist.javax.sip.header.HeaderFactoryImpl) headers).createHeaders(h.name() + ": " + h.value())) {
                m.addHeader((Header) one);
            }
        } else {
            m.addHeader(headers.createHeader(h.name(), h.value()));
        }
    }
}
