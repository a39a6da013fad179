package dev.holdfast.controller.sip;

import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.header.RetryAfter;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;

import javax.sip.SipStack;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * The first thing a parsed request meets in the SIP stack (a JAIN-SIP RI message valve): drops oversized
 * messages and refuses requests from a flooding source with 503 and Retry-After, before any transaction exists;
 * a REFER without Refer-To gets 400 here (counted as malformed) rather than the stack's uncounted one.
 * The stack makes it by class name; it finds its edge's settings through {@link SipEdge#guard(String)}.
 */
public final class EdgeValve implements SIPMessageValve {
    private SipEdge.Guard guard;

    @Override public void init(SipStack stack) {
        guard = SipEdge.guard(((SipStackImpl) stack).getStackName());
    }

    @Override public boolean processRequest(SIPRequest request, MessageChannel channel) {
        if (guard == null) return true;
        SipEdgeCounters counters = guard.counters();
        String source = channel.getPeerAddress();
        // the parser set the size of a datagram; a stream's body length is its Content-Length
        int size = Math.max(request.getSize(), request.getContentLength() == null ? 0 : request.getContentLength().getContentLength());
        if (size > guard.maxMessageBytes()) {
            counters.count(SipEdgeCounters.OVERSIZED, request.getMethod() + " of " + size + " octets from "
                    + source + ":" + channel.getPeerPort());
            return false;
        }
        if (!guard.flood().admit(source, System.nanoTime())) {
            counters.count(SipEdgeCounters.FLOOD, request.getMethod() + " from " + source);
            if (!Request.ACK.equals(request.getMethod())) {
                try {
                    SIPResponse busy = request.createResponse(Response.SERVICE_UNAVAILABLE, "Service Unavailable (rate limit)");
                    RetryAfter retry = new RetryAfter();
                    retry.setRetryAfter(guard.retryAfterSeconds());
                    busy.setHeader(retry);
                    channel.sendMessage(busy);
                } catch (Exception e) {
                    counters.count(SipEdgeCounters.SEND_FAILED, "503 to " + source + ": " + e);
                }
            }
            return false;
        }
        if (Request.REFER.equals(request.getMethod()) && request.getHeader("Refer-To") == null) {
            // RFC 3515 2.4.1: exactly one Refer-To; the stack would answer 400 itself, uncounted
            counters.count(SipEdgeCounters.MALFORMED, "REFER without Refer-To from " + source + ":" + channel.getPeerPort());
            try {
                channel.sendMessage(request.createResponse(Response.BAD_REQUEST, "Bad Request (no Refer-To)"));
            } catch (Exception e) {
                counters.count(SipEdgeCounters.SEND_FAILED, "400 to " + source + ": " + e);
            }
            return false;
        }
        counters.count(SipEdgeCounters.REQUESTS);
        return true;
    }

    @Override public boolean processResponse(Response response, MessageChannel channel) { return true; }

    @Override public void destroy() { }
}
