package dev.holdfast.controller.sip;

import java.util.List;

/**
 * A SIP request as the core sees it: only what call processing and registration read, as plain text. The edge
 * fills it from the parsed message; it is what the event log records.
 *
 * @param transport          {@code udp} or {@code tcp}
 * @param fromUri            the From URI (no display name, no parameters); {@code toUri} likewise
 * @param contacts           the Contact header values, in order
 * @param expires            the Expires header, or null
 * @param authorization      the Authorization header value (digest credentials), or null
 * @param proxyAuthorization the Proxy-Authorization header value, or null
 * @param allowEvents        the Allow-Events header value (RFC 6665 7.2.2: the event packages the sender serves), or null
 * @param referTo            the Refer-To header value of a REFER (RFC 3515), as sent (a name-addr, URI headers such as
 *                           {@code Replaces} escaped), or null
 */
public record SipRequest(String method, String requestUri, String transport, String callId, long cseq,
                         String fromUri, String fromTag, String toUri, String toTag, List<SipContact> contacts,
                         Integer expires, String authorization, String proxyAuthorization, String contentType,
                         String body, String allowEvents, String referTo) {
    public SipRequest {
        contacts = contacts == null ? List.of() : List.copyOf(contacts);
    }

    public SipRequest(String method, String requestUri, String transport, String callId, long cseq, String fromUri,
                      String fromTag, String toUri, String toTag, List<SipContact> contacts, Integer expires,
                      String authorization, String proxyAuthorization, String contentType, String body) {
        this(method, requestUri, transport, callId, cseq, fromUri, fromTag, toUri, toTag, contacts, expires, authorization,
                proxyAuthorization, contentType, body, null, null);
    }

    public SipRequest(String method, String requestUri, String transport, String callId, long cseq, String fromUri,
                      String fromTag, String toUri, String toTag, List<SipContact> contacts, Integer expires,
                      String authorization, String proxyAuthorization, String contentType, String body, String allowEvents) {
        this(method, requestUri, transport, callId, cseq, fromUri, fromTag, toUri, toTag, contacts, expires, authorization,
                proxyAuthorization, contentType, body, allowEvents, null);
    }

    /** Whether the sender says it serves event package {@code pkg} (Allow-Events). */
    public boolean allowsEvent(String pkg) {
        if (allowEvents == null) return false;
        for (String p : allowEvents.split(",")) if (p.strip().equalsIgnoreCase(pkg)) return true;
        return false;
    }
}
