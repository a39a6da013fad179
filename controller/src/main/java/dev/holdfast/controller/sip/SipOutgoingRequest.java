package dev.holdfast.controller.sip;

import java.util.List;

/**
 * A request the core sends. An INVITE or SUBSCRIBE with a {@code requestUri} starts a new dialog with these addresses;
 * BYE, ACK, CANCEL and a re-INVITE (no {@code requestUri}) are sent in (or, for CANCEL, against the INVITE of) the
 * dialog with Call-ID {@code callId}.
 *
 * @param transport {@code udp} or {@code tcp}: how to reach {@code requestUri}
 * @param cookie    the call cookie for our Contact's {@code hfck} parameter (INVITE, re-INVITE), or null
 * @param headers   more header lines (Event, Accept, Expires of a SUBSCRIBE)
 */
public record SipOutgoingRequest(String method, String callId, String requestUri, String transport, String fromUri,
                                 String fromTag, String toUri, String contentType, String body, String cookie,
                                 List<SipHeader> headers) {
    public SipOutgoingRequest {
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    public SipOutgoingRequest(String method, String callId, String requestUri, String transport, String fromUri,
                              String fromTag, String toUri, String contentType, String body) {
        this(method, callId, requestUri, transport, fromUri, fromTag, toUri, contentType, body, null, List.of());
    }

    public static SipOutgoingRequest inDialog(String method, String callId) {
        return new SipOutgoingRequest(method, callId, null, null, null, null, null, null, null);
    }

    /** A request in the dialog {@code callId} with more headers and a body (a NOTIFY with a sipfrag; an ACK with an answer). */
    public static SipOutgoingRequest inDialog(String method, String callId, String contentType, String body, List<SipHeader> headers) {
        return new SipOutgoingRequest(method, callId, null, null, null, null, null, contentType, body, null, headers);
    }

    /** The same request with {@code cookie} in our Contact. */
    public SipOutgoingRequest withCookie(String c) {
        return new SipOutgoingRequest(method, callId, requestUri, transport, fromUri, fromTag, toUri, contentType, body, c, headers);
    }
}
