package dev.holdfast.controller.sip;

import java.util.List;

/**
 * A response the core gives to a received request.
 *
 * @param toTag   the To tag to put on the response (null: none, or the one the request had)
 * @param contact true to add the controller's Contact (dialog-creating and target-refresh responses)
 * @param cookie  the call cookie for the Contact's {@code hfck} parameter, or null
 */
public record SipReply(int status, String reason, String toTag, List<SipHeader> headers, boolean contact,
                       String contentType, String body, String cookie) {
    public SipReply {
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    public SipReply(int status, String reason, String toTag, List<SipHeader> headers, boolean contact, String contentType,
                    String body) {
        this(status, reason, toTag, headers, contact, contentType, body, null);
    }

    public static SipReply of(int status, String reason, SipHeader... headers) {
        return new SipReply(status, reason, null, List.of(headers), false, null, null, null);
    }
}
