package dev.holdfast.h248.transaction;

/**
 * The round trip to a peer as H.248.1 Annex D.1.3 suggests estimating it, the way TCP does (RFC 6298): a smoothed
 * average acknowledgement delay (AAD) and its average deviation (ADEV) from the time between sending a request and
 * its first response, the retransmission timer AAD + 4 ADEV. Only requests that were never sent again give a sample
 * (Karn: a response to a retransmitted request cannot say which copy it answers). Integer nanoseconds, no clock of
 * its own: the transaction manager feeds it, so it runs unchanged in virtual time.
 *
 * <p>And, as the annex says, a retransmission doubles the estimate: a request's first timer ran out, so the next
 * requests to that peer start with twice that timer (up to the cap) until one of them is answered without being
 * sent again. Without it a peer slower than the first timer would never give a sample (every request retransmitted).
 *
 * <p>Why: a fixed first timer (500 ms) is right for a peer that answers in milliseconds and wrong for one that
 * answers in seconds, such as a gateway's host swamped at a failover. There every request was sent two or three
 * times, the copies cost the busy peer more work and the answers came later still (the migration drill's slow runs:
 * 300-4,400 retransmissions instead of 16-243).
 */
final class RoundTripEstimate {
    private long average;
    private long deviation;
    private boolean sampled;
    /** The first timer after a retransmission, kept until the next sample; 0: none. */
    private long backedOff;

    void sample(long roundTripNanos) {
        backedOff = 0;
        long r = Math.max(0, roundTripNanos);
        if (!sampled) {
            average = r;
            deviation = r / 2;
            sampled = true;
            return;
        }
        deviation = (3 * deviation + Math.abs(average - r)) / 4;
        average = (7 * average + r) / 8;
    }

    /** A request whose first timer was {@code firstTimerNanos} had to be sent again. */
    void backOff(long firstTimerNanos, long capNanos) {
        backedOff = Math.max(backedOff, Math.min(capNanos, 2 * firstTimerNanos));
    }

    /** Whether it says anything yet (a sample, or a back-off). */
    boolean known() { return sampled || backedOff > 0; }

    /** AAD + 4 ADEV, or the backed-off timer when that is longer; only meaningful once {@link #known()}. */
    long timeoutNanos() { return Math.max(sampled ? average + 4 * deviation : 0, backedOff); }
}
