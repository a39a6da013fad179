package dev.holdfast.sim.rtp;

/**
 * What a failover drill asks of one receiving end of a talk path: since a mark, the largest silence between two
 * consecutive packets (the first packet after the mark counts from the last one before it, and a silence still going
 * on counts up to the moment of reading), and the packets lost (sequence numbers expected minus packets received).
 * A mark starts a new window; nothing else resets it. Not thread-safe: the probe's thread feeds it.
 */
public final class GapWindow {
    private boolean marked;
    private long lastArrivalNanos;
    private boolean anyArrival;
    private long maxGapNanos;
    private long expectedAtMark;
    private long receivedAtMark;
    private long markNanos;

    /**
     * Starts a window at {@code now}, given the receiver's running totals (all sources) so that loss is counted
     * from here on.
     */
    public void mark(long now, long expectedSoFar, long receivedSoFar) {
        marked = true;
        markNanos = now;
        maxGapNanos = 0;
        expectedAtMark = expectedSoFar;
        receivedAtMark = receivedSoFar;
    }

    /** A packet from the expected peer arrived at {@code now}. */
    public void packet(long now) {
        if (marked && anyArrival) maxGapNanos = Math.max(maxGapNanos, now - lastArrivalNanos);
        lastArrivalNanos = now;
        anyArrival = true;
    }

    public boolean marked() { return marked; }

    /**
     * The largest gap since the mark in nanoseconds, a silence still going on included; 0 before a mark. Nothing
     * received at all (before or after the mark) counts from the mark.
     */
    public long maxGapNanos(long now) {
        if (!marked) return 0;
        long open = anyArrival ? now - lastArrivalNanos : now - markNanos;
        return Math.max(maxGapNanos, open);
    }

    /** The largest gap since the mark between two packets that did arrive (no silence going on counted). */
    public long closedMaxGapNanos() { return marked ? maxGapNanos : 0; }

    /** When the last packet arrived (before or after the mark), or {@code Long.MIN_VALUE} if none did. */
    public long lastArrivalNanos() { return anyArrival ? lastArrivalNanos : Long.MIN_VALUE; }

    /** When the window was marked. */
    public long markNanos() { return markNanos; }

    /** Packets lost since the mark, from the receiver's running totals now. */
    public long lostSinceMark(long expectedNow, long receivedNow) {
        if (!marked) return 0;
        return Math.max(0, (expectedNow - expectedAtMark) - (receivedNow - receivedAtMark));
    }

    public long receivedSinceMark(long receivedNow) { return marked ? receivedNow - receivedAtMark : 0; }
}
