package dev.holdfast.controller.sip;

import javax.sip.message.Request;

/**
 * When a phone's OPTIONS keepalive passed each stage on its way to our answer (System.nanoTime, 0 when not reached):
 * parsed by the stack (its valve), heard by the listener, taken up by the core, answered by the core. Carried as the
 * request's application data, so it costs nothing but this object per OPTIONS.
 */
final class KeepaliveTimes {
    /** An answer later than this is counted and logged: a quarter of a phone's usual 2 s keepalive timeout. */
    static final long LATE_NANOS = 500_000_000L;

    private final long arrived;
    private volatile long heard;
    private volatile long taken;
    private volatile long decided;

    private KeepaliveTimes(long arrived) { this.arrived = arrived; }

    /** Stamps a request as the stack's valve sees it. */
    static void arrived(Request request, long nanoTime) {
        if (request instanceof gov.nist.javax.sip.message.SIPMessage m) m.setApplicationData(new KeepaliveTimes(nanoTime));
    }

    /** The request's times, or null when the valve did not stamp it. */
    static KeepaliveTimes of(Request request) {
        return request instanceof gov.nist.javax.sip.message.SIPMessage m && m.getApplicationData() instanceof KeepaliveTimes k
                ? k : null;
    }

    void heard(long nanoTime) { heard = nanoTime; }

    void taken(long nanoTime) { taken = nanoTime; }

    void decided(long nanoTime) { decided = nanoTime; }

    /** Null when answered in time; else "N ms after it arrived: ..." with the time spent in each stage. */
    String lateSplit(long sent) {
        if (sent - arrived < LATE_NANOS) return null;
        StringBuilder b = new StringBuilder().append(ms(sent - arrived)).append(" ms after the stack parsed it: ")
                .append(ms(heard - arrived)).append(" ms until the listener heard it");
        if (taken != 0) {
            b.append(", ").append(ms(taken - heard)).append(" ms queued for the core, ")
                    .append(ms(decided - taken)).append(" ms in the core, ")
                    .append(ms(sent - decided)).append(" ms waiting for and in the sender");
        } else {
            b.append(", ").append(ms(sent - heard)).append(" ms until the answer was sent");
        }
        return b.toString();
    }

    private static long ms(long nanos) { return Math.max(0, nanos) / 1_000_000; }
}
