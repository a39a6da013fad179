package dev.holdfast.controller.warmup;

import dev.holdfast.controller.sip.DigestAuthenticator;
import dev.holdfast.controller.sip.SipHeader;
import dev.holdfast.controller.sip.SipMessageMapping;
import dev.holdfast.controller.sip.SipOutgoingRequest;
import dev.holdfast.controller.sip.SipReply;
import dev.holdfast.controller.sip.SipRequest;
import dev.holdfast.controller.sip.SipResponse;

import java.nio.charset.StandardCharsets;

/**
 * A SIP phone of a warm-up rehearsal that was in a call with a line when its controller died: it registers with the
 * alternate (digest, RFC 3261 22 / RFC 2617), answers its one-shot dialog SUBSCRIBE and sends the NOTIFY with its
 * dialog (RFC 4235, our extension element; the dead controller's Contact carries the call cookie), and answers the BYE
 * when the call ends. Its messages are written as text and read by the SIP stack's own parser and the edge's mapping,
 * as a datagram from a phone would be; nothing is sent.
 */
final class ScriptedPhone {
    private enum State { IDLE, REGISTERING, CHALLENGED, REGISTERED, SUBSCRIBED, NOTIFIED, ENDED }

    private final int index;
    private final String user;
    private final String address;
    private final String callId;
    private final boolean calling;
    private final String dialogCookie;
    private final String line;
    private State state = State.IDLE;
    private String nonce;
    private long cseq;
    private int branch;
    private String subscribeCallId;
    private String subscribeTag;
    private boolean notifyDue;
    /** Its last request as the stack parsed it: the one the controller's next answer is for. */
    private javax.sip.message.Request lastRequest;
    private final SipEdgeMessages edge;

    ScriptedPhone(SipEdgeMessages edge, int index, String callId, boolean calling, String dialogCookie, String line) {
        this.edge = edge;
        this.index = index;
        this.user = ScratchSetup.phoneUser(index);
        this.address = ScratchSetup.phoneAddress(index);
        this.callId = callId;
        this.calling = calling;
        this.dialogCookie = dialogCookie;
        this.line = line;
    }

    String user() { return user; }

    String state() { return state.name(); }

    /** Where its requests come from, as the SIP edge names a source. */
    String source() { return "udp:" + address + ":5060"; }

    /** Whether its dialog was asked for and sent. */
    boolean adopted() { return state == State.NOTIFIED || state == State.ENDED; }

    static String sdp(int index) {
        String ip = ScratchSetup.phoneAddress(index);
        return "\nv=0\no=- " + index + " 1 IN IP4 " + ip + "\ns=-\nc=IN IP4 " + ip + "\nt=0 0\nm=audio " + (30000 + 2 * index) + " RTP/AVP 0\n";
    }

    private String contact() { return "sip:" + user + "@" + address + ":5060"; }

    void startRegistration() { state = State.REGISTERING; }

    /** The REGISTER it sends now, or null when it has nothing to send. */
    SipRequest nextRequest() {
        if (state != State.REGISTERING && state != State.CHALLENGED) return null;
        String aor = "sip:" + user + "@" + ScratchSetup.DOMAIN;
        StringBuilder m = new StringBuilder();
        m.append("REGISTER sip:").append(ScratchSetup.DOMAIN).append(" SIP/2.0\r\n");
        header(m, ++cseq, "REGISTER", "<" + aor + ">;tag=wu" + index, "<" + aor + ">", "reg-" + user + "@" + address);
        m.append("Contact: <").append(contact()).append(">\r\nExpires: 600\r\nAllow-Events: dialog\r\n");
        if (state == State.CHALLENGED) {
            String uri = "sip:" + ScratchSetup.DOMAIN;
            String ha1 = DigestAuthenticator.md5Ha1(user, ScratchSetup.REALM, ScratchSetup.password(index));
            String cnonce = "wu" + cseq;
            String response = DigestAuthenticator.response("MD5", ha1, nonce, "00000001", cnonce, "auth", "REGISTER", uri);
            m.append("Authorization: Digest username=\"").append(user).append("\", realm=\"").append(ScratchSetup.REALM)
             .append("\", nonce=\"").append(nonce).append("\", uri=\"").append(uri).append("\", response=\"").append(response)
             .append("\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"").append(cnonce).append("\"\r\n");
        }
        m.append("Content-Length: 0\r\n\r\n");
        state = state == State.CHALLENGED ? State.REGISTERED : State.CHALLENGED; // as it will be once answered
        return request(m.toString());
    }

    /** The controller's response to its last request; false when the edge could not have written it. */
    boolean response(SipReply r) {
        boolean written = written(() -> edge.response(lastRequest, r));
        if (r.status() == 401) {
            for (SipHeader h : r.headers()) {
                if (h.name().equalsIgnoreCase("WWW-Authenticate")) nonce = quoted(h.value(), "nonce");
            }
        } else if (r.status() >= 300 && state != State.NOTIFIED) {
            state = State.IDLE; // refused: nothing more to send
        }
        return written;
    }

    private interface Writing { String text() throws Exception; }

    private static boolean written(Writing w) {
        try {
            w.text();
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** Whether the edge could write the controller's request out (a dialog-starting one; one in a dialog: true). */
    boolean sendable(SipOutgoingRequest q) { return written(() -> edge.request(q)); }

    /** Whether the controller's request is for this phone (a SUBSCRIBE to its contact). */
    boolean owns(SipOutgoingRequest q) { return q.requestUri() != null && q.requestUri().contains(user + "@" + address); }

    /** A request from the controller; the phone's response to it. */
    SipResponse request(SipOutgoingRequest q) {
        String to;
        switch (q.method()) {
            case "SUBSCRIBE" -> {
                subscribeCallId = q.callId();
                subscribeTag = q.fromTag();
                state = State.SUBSCRIBED;
                notifyDue = true;
                to = "<" + q.toUri() + ">;tag=wun" + index;
            }
            case "BYE" -> {
                state = State.ENDED;
                to = "<sip:" + user + "@" + ScratchSetup.DOMAIN + ">;tag=wud" + index;
            }
            default -> to = "<sip:" + user + "@" + ScratchSetup.DOMAIN + ">;tag=wux" + index;
        }
        String m = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP " + ScratchSetup.DOMAIN + ":5060;branch=z9hG4bKwuc" + (++branch) + "\r\n"
                + "From: <sip:holdfast@" + ScratchSetup.DOMAIN + ">;tag=" + (q.fromTag() != null ? q.fromTag() : "wuf") + "\r\n"
                + "To: " + to + "\r\nCall-ID: " + q.callId() + "\r\nCSeq: 1 " + q.method() + "\r\n"
                + (q.method().equals("SUBSCRIBE") ? "Expires: 0\r\n" : "") + "Content-Length: 0\r\n\r\n";
        try {
            return SipMessageMapping.toCore((javax.sip.message.Response) parse(m));
        } catch (java.text.ParseException e) {
            throw new IllegalStateException("warm-up response did not parse: " + e.getMessage(), e);
        }
    }

    /** The NOTIFY with its dialog, once, after the SUBSCRIBE was answered; else null. */
    SipRequest pendingNotify() {
        if (!notifyDue) return null;
        notifyDue = false;
        state = State.NOTIFIED;
        String self = "sip:" + user + "@" + ScratchSetup.DOMAIN;
        String lineUri = "sip:" + line + "@" + ScratchSetup.DOMAIN;
        String body = "<?xml version=\"1.0\"?>\n"
                + "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" xmlns:hf=\"urn:x-holdfast:dialog-state\""
                + " version=\"0\" state=\"full\" entity=\"" + self + "\">\n"
                + " <dialog id=\"d" + index + "\" call-id=\"" + callId + "\" local-tag=\"wul" + index + "\" remote-tag=\"wur"
                + index + "\" direction=\"" + (calling ? "initiator" : "recipient") + "\">\n"
                + "  <state>confirmed</state>\n"
                + "  <local><identity>" + self + "</identity><target uri=\"" + contact() + "\"/></local>\n"
                + "  <remote><identity>" + lineUri + "</identity><target uri=\"sip:holdfast@192.0.2.2:5060;hfck="
                + dialogCookie + "\"/></remote>\n"
                + "  <hf:dialog-state local-cseq=\"2\" remote-cseq=\"1\"/>\n"
                + " </dialog>\n</dialog-info>\n";
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder m = new StringBuilder();
        m.append("NOTIFY ").append("sip:holdfast@").append(ScratchSetup.DOMAIN).append(" SIP/2.0\r\n");
        header(m, 1, "NOTIFY", "<sip:" + user + "@" + ScratchSetup.DOMAIN + ">;tag=wun" + index,
                "<sip:holdfast@" + ScratchSetup.DOMAIN + ">;tag=" + subscribeTag, subscribeCallId);
        m.append("Contact: <").append(contact()).append(">\r\nEvent: dialog\r\nSubscription-State: terminated;reason=timeout\r\n")
         .append("Content-Type: application/dialog-info+xml\r\nContent-Length: ").append(b.length).append("\r\n\r\n").append(body);
        return request(m.toString());
    }

    private void header(StringBuilder m, long seq, String method, String from, String to, String id) {
        m.append("Via: SIP/2.0/UDP ").append(address).append(":5060;branch=z9hG4bKwu").append(index).append('x').append(++branch).append("\r\n")
         .append("Max-Forwards: 70\r\nFrom: ").append(from).append("\r\nTo: ").append(to).append("\r\nCall-ID: ").append(id)
         .append("\r\nCSeq: ").append(seq).append(' ').append(method).append("\r\n");
    }

    private SipRequest request(String text) {
        try {
            lastRequest = (javax.sip.message.Request) parse(text);
            return SipMessageMapping.toCore(lastRequest, "udp");
        } catch (java.text.ParseException e) {
            throw new IllegalStateException("warm-up request did not parse: " + e.getMessage(), e);
        }
    }

    private static Object parse(String text) throws java.text.ParseException {
        return new gov.nist.javax.sip.parser.StringMsgParser().parseSIPMessage(text.getBytes(StandardCharsets.UTF_8), true, false, null);
    }

    private static String quoted(String header, String name) {
        int i = header.indexOf(name + "=\"");
        if (i < 0) return null;
        int start = i + name.length() + 2;
        int end = header.indexOf('"', start);
        return end < 0 ? null : header.substring(start, end);
    }
}
