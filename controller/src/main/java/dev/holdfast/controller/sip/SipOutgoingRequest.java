package dev.holdfast.controller.sip;

/**
 * A request the core sends. An INVITE starts a new dialog with these addresses; BYE, ACK and CANCEL are sent in
 * (or, for CANCEL, against the INVITE of) the dialog with Call-ID {@code callId}, and only that field is read.
 *
 * @param transport {@code udp} or {@code tcp}: how to reach {@code requestUri}
 */
public record SipOutgoingRequest(String method, String callId, String requestUri, String transport, String fromUri,
                                 String fromTag, String toUri, String contentType, String body) {
    public static SipOutgoingRequest inDialog(String method, String callId) {
        return new SipOutgoingRequest(method, callId, null, null, null, null, null, null, null);
    }
}
