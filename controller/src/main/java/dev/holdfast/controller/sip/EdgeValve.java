package dev.holdfast.controller.sip;

import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.header.RetryAfter;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPDialog;
import gov.nist.javax.sip.stack.SIPMessageValve;
import gov.nist.javax.sip.SIPConstants;

import javax.sip.SipStack;
import javax.sip.header.CSeqHeader;
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
    private SipStackImpl stack;

    @Override public void init(SipStack stack) {
        this.stack = (SipStackImpl) stack;
        guard = SipEdge.guard(this.stack.getStackName());
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
        // when a REGISTER or a keepalive came off the wire: the edge tells how long they waited (SipEdge)
        if (Request.REGISTER.equals(request.getMethod())) guard.registerArrived(request.getTransactionId(), System.nanoTime());
        if (Request.OPTIONS.equals(request.getMethod())) guard.registerArrived(request.getTransactionId(), System.nanoTime());
        if (Request.ACK.equals(request.getMethod()) && guard.ackArrived() != null) guard.ackArrived().accept(request);
        counters.count(SipEdgeCounters.REQUESTS);
        return true;
    }

    /**
     * A response no client transaction of ours matches (RFC 3261 17.1.3: by the branch of its top Via, which is ours
     * and carries the magic cookie) is stray: most often the callee's retransmitted 2xx to an INVITE whose ACK is
     * late or lost. The RI would then test it against every client transaction it holds (thousands at a few hundred
     * calls/s, each test lower-casing strings), and at load that scan was the busiest code in the controller. Here it
     * gets what the RI's stray path would give it: a 2xx to an INVITE we acknowledged gets the ACK again; anything
     * else is dropped (the listener ignores responses without a transaction anyway).
     */
    @Override public boolean processResponse(Response response, MessageChannel channel) {
        if (!(response instanceof SIPResponse r) || stack == null) return true;
        String key = r.getTransactionId();
        if (key == null || !key.startsWith(SIPConstants.BRANCH_MAGIC_COOKIE_LOWER_CASE)) return true;
        if (stack.findTransaction(key, false) != null) return true;
        // a phone's answer to the INVITE of an early dialog we took over from a dead controller: no transaction here
        if (guard != null && guard.earlyAnswer() != null && guard.earlyAnswer().test(r)) return false;
        if (guard != null) guard.counters().count(SipEdgeCounters.STRAY_RESPONSES);
        CSeqHeader cseq = r.getCSeq();
        if (r.getStatusCode() / 100 == 2 && cseq != null && Request.INVITE.equals(cseq.getMethod())) {
            SIPDialog dialog = stack.getDialog(r.getDialogId(false));
            if (dialog != null && dialog.isAckSent(cseq.getSeqNumber())) {
                try {
                    dialog.resendAck();
                } catch (Exception e) {
                    if (guard != null) guard.counters().count(SipEdgeCounters.SEND_FAILED, "ACK again in " + r.getCallId().getCallId() + ": " + e);
                }
            }
        }
        return false;
    }

    @Override public void destroy() { }
}
