package dev.holdfast.controller.sip;

import javax.sip.ServerTransaction;

/**
 * When a phone's OPTIONS keepalive passed each stage on its way to our answer (System.nanoTime, 0 when not reached):
 * parsed by the stack (its valve, which notes it by transaction id as it does for REGISTERs), heard by the listener,
 * taken up by the core, answered by the core. Carried as the server transaction's application data (the edge uses
 * none of its own there), so it costs nothing but this object per OPTIONS.
 */
final class KeepaliveTimes {
    /** An answer later than this is counted and logged: a quarter of a phone's usual 2 s keepalive timeout. */
    static final long LATE_NANOS = 500_000_000L;

    private final long arrived;
    private volatile long heard;
    private volatile long taken;
    private volatile long decided;

    /** Times for an OPTIONS the stack parsed at {@code arrived} and the listener heard at {@code heard}. */
    KeepaliveTimes(long arrived, long heard) {
        this.arrived = arrived;
        this.heard = heard;
    }

    /** Attaches these times to the OPTIONS' server transaction. */
    void attachTo(ServerTransaction st) { st.setApplicationData(this); }

    /** The times of the OPTIONS of {@code st}, or null. */
    static KeepaliveTimes of(ServerTransaction st) {
        return st != null && st.getApplicationData() instanceof KeepaliveTimes k ? k : null;
    }

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
