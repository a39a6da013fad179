package dev.holdfast.sim.rtp;

/**
 * Sequence-number and jitter accounting for the packets of one source, after RFC 3550 appendix A.1 and A.8:
 * extended highest sequence number with wrap-around, packets expected and lost, and the interarrival jitter.
 * Adds what the talk-path probe needs on top: the number of gaps (forward jumps that skipped packets),
 * duplicates and late (reordered) packets. Not thread-safe: one thread feeds it.
 */
public final class ReceiveStatistics {
    private static final int MAX_DROPOUT = 3000;
    private static final int MAX_MISORDER = 100;
    private static final int SEQ_MOD = 1 << 16;

    private boolean started;
    private int baseSeq;
    private int maxSeq;
    private long cycles;
    private long received;
    private long gaps;
    private long duplicates;
    private long late;
    private long restarts;
    private int lastSeq = -1;
    // jitter, in timestamp units (RFC 3550 A.8)
    private double jitter;
    private long lastTransit;
    private boolean haveTransit;

    /**
     * Accounts one packet.
     *
     * @param sequence          its sequence number
     * @param timestamp         its RTP timestamp
     * @param arrivalTimestamp  its arrival time in the same units as the timestamp
     */
    public void packet(int sequence, long timestamp, long arrivalTimestamp) {
        received++;
        if (!started) {
            started = true;
            baseSeq = sequence;
            maxSeq = sequence;
            lastSeq = sequence;
            transit(timestamp, arrivalTimestamp);
            return;
        }
        int delta = (sequence - maxSeq + SEQ_MOD) % SEQ_MOD;
        if (delta == 0) {
            duplicates++;
            received--; // a duplicate is not a packet received (RFC 3550 counts it, we prefer the honest count)
        } else if (delta < MAX_DROPOUT) {
            if (delta > 1) gaps++;
            if (sequence < maxSeq) cycles++;
            maxSeq = sequence;
            transit(timestamp, arrivalTimestamp);
        } else if (delta > SEQ_MOD - MAX_MISORDER) {
            late++;
        } else {
            // a jump too large to be loss: the sender restarted its sequence; start counting afresh
            restarts++;
            started = true;
            baseSeq = sequence;
            maxSeq = sequence;
            cycles = 0;
            received = 1;
            haveTransit = false;
            transit(timestamp, arrivalTimestamp);
        }
        lastSeq = sequence;
    }

    private void transit(long timestamp, long arrival) {
        long transit = arrival - timestamp;
        if (haveTransit) {
            long d = Math.abs(transit - lastTransit);
            jitter += (d - jitter) / 16.0;
        }
        lastTransit = transit;
        haveTransit = true;
    }

    /** Packets received (duplicates not counted). */
    public long received() { return received; }

    /** Packets the sequence numbers say were sent: extended highest - base + 1. */
    public long expected() {
        if (!started) return 0;
        return cycles * SEQ_MOD + maxSeq - baseSeq + 1;
    }

    /** Expected minus received (late packets make it smaller, never below zero). */
    public long lost() { return Math.max(0, expected() - received); }

    /** Forward jumps in the sequence that skipped at least one packet. */
    public long gaps() { return gaps; }

    public long duplicates() { return duplicates; }

    /** Packets older than the highest sequence seen (reordered). */
    public long late() { return late; }

    /** Times the sender's sequence jumped so far that counting started afresh. */
    public long restarts() { return restarts; }

    /** The interarrival jitter in timestamp units. */
    public double jitter() { return jitter; }

    public int lastSequence() { return lastSeq; }
}
