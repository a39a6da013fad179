package dev.holdfast.endpointsim.sip;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;

import javax.sip.SipStack;
import javax.sip.message.Response;

/**
 * A JAIN-SIP RI message valve (made by the stack from its class name) that lets everything through (but the responses
 * a test asked to lose: {@link JainSipStack#loseResponses}) and stamps each response with when the stack parsed it, in its application data: from there to the phone's handler is time spent
 * in the phones' own process (the stack's listener, the phone's event loop), not at the controller.
 */
public final class ArrivalStamp implements SIPMessageValve {
    /** The stamp (System.nanoTime), or 0 when the response was not stamped. */
    static long of(Response response) {
        return response instanceof SIPMessage m && m.getApplicationData() instanceof Arrived a ? a.nanoTime() : 0;
    }

    private record Arrived(long nanoTime) {}

    /**
     * Responses to lose, by stack name ({@link JainSipStack#loseResponses}): a test's fault injection, a datagram
     * lost on the way (the stack never sees it). Empty in normal operation.
     */
    static final java.util.Map<String, java.util.function.Predicate<Response>> LOSS = new java.util.concurrent.ConcurrentHashMap<>();

    private volatile String stackName;

    @Override public boolean processRequest(SIPRequest request, MessageChannel channel) { return true; }

    @Override public boolean processResponse(Response response, MessageChannel channel) {
        String name = stackName;
        java.util.function.Predicate<Response> lose = name == null || LOSS.isEmpty() ? null : LOSS.get(name);
        if (lose != null && lose.test(response)) return false;
        if (response instanceof SIPMessage m && m.getApplicationData() == null) m.setApplicationData(new Arrived(System.nanoTime()));
        return true;
    }

    @Override public void init(SipStack stack) { this.stackName = stack.getStackName(); }

    @Override public void destroy() {}
}
