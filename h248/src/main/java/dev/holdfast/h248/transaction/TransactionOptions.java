package dev.holdfast.h248.transaction;

import java.time.Duration;
import java.util.Objects;

/**
 * The transaction layer's timers and bounds: the H.248.1 Annex D.1 timers made configurable, and the
 * execution-time / pending logic of H.248.1 section 8 (root package normalMGExecutionTime,
 * normalMGCExecutionTime, MG/MGC ProvisionalResponseTimerValue, MG/MGC OriginatedPendingLimit).
 *
 * @param initialRetransmission     first retransmission timer of a request over UDP
 * @param maxRetransmissionInterval cap of the exponential back-off (the timer doubles each time up to this)
 * @param maxRetransmissions        retransmissions before giving up; the transaction fails one (capped) interval
 *                                  after the last one
 * @param longTimer                 LONG-TIMER: how long a reply is kept for duplicate requests, and how long the
 *                                  sender waits after a Pending for the reply or the next Pending
 * @param reliableReplyTimeout      over TCP (no retransmission): how long the sender waits for a reply or
 *                                  Pending before failing the transaction
 * @param provisionalResponseTime   when the local handler has not answered within this time, send
 *                                  {@code Pending}, and again every this long while it is still working (our
 *                                  normal execution time as the peer's provisional response timer expects it)
 * @param pendingLimit              most Pendings accepted for one outgoing transaction before it fails, and most
 *                                  sent for one incoming transaction (the OriginatedPendingLimit)
 * @param requestImmediateAck       put ImmAckRequired in our replies over UDP (the peer acks, we free the cache)
 * @param ackReplies                acknowledge received replies that did not ask for it, piggy-backed on the
 *                                  next message to that peer or sent alone after {@code ackDelay}
 * @param ackDelay                  the longest an ack of {@code ackReplies} waits for a message to ride on
 * @param maxOutstandingRequests    bound on outgoing transactions awaiting a reply (all peers)
 * @param maxIncomingTransactions   bound on incoming transactions executing or kept for duplicates (all peers);
 *                                  beyond it new requests are answered with error 503 and not kept
 * @param restartAvoidance          maximum waiting delay (MWD) before an MG's first ServiceChange after a
 *                                  restart; the actual wait is uniform in [0, MWD)
 * @param protocolVersion           version written in our requests (replies use the request's version)
 * @param segmentationTimer         v3 segmented replies: how long to wait for the next missing segment (the
 *                                  segmentation package's MGC/MG segmentation timer); when it runs out the
 *                                  request fails with error 459
 * @param segmentReplies            answer every received segment of a segmented reply with a SegmentReply
 * @param batchPerTurn              collect what goes to one peer during one turn of the scheduler's thread
 *                                  (replies, requests, acks) and send it as one message when the turn ends
 *                                  (H.248.1 lets a message carry several transactions); false: one message each
 */
public record TransactionOptions(Duration initialRetransmission, Duration maxRetransmissionInterval,
                                 int maxRetransmissions, Duration longTimer, Duration reliableReplyTimeout,
                                 Duration provisionalResponseTime, int pendingLimit, boolean requestImmediateAck,
                                 boolean ackReplies, Duration ackDelay, int maxOutstandingRequests,
                                 int maxIncomingTransactions, Duration restartAvoidance, int protocolVersion,
                                 Duration segmentationTimer, boolean segmentReplies, boolean batchPerTurn) {

    public static final TransactionOptions DEFAULTS = new TransactionOptions(
            Duration.ofMillis(500), Duration.ofSeconds(4), 5, Duration.ofSeconds(30), Duration.ofSeconds(15),
            Duration.ofMillis(500), 10, false, false, Duration.ofMillis(100), 10_000, 100_000,
            Duration.ofSeconds(5), 1, Duration.ofSeconds(3), true,
            // -Dholdfast.h248.batchPerTurn=false: one message per transaction, for before/after measurements
            Boolean.parseBoolean(System.getProperty("holdfast.h248.batchPerTurn", "true")));

    public TransactionOptions {
        Objects.requireNonNull(initialRetransmission);
        Objects.requireNonNull(maxRetransmissionInterval);
        Objects.requireNonNull(longTimer);
        Objects.requireNonNull(reliableReplyTimeout);
        Objects.requireNonNull(provisionalResponseTime);
        Objects.requireNonNull(ackDelay);
        Objects.requireNonNull(restartAvoidance);
        Objects.requireNonNull(segmentationTimer);
        if (segmentationTimer.isNegative() || segmentationTimer.isZero())
            throw new IllegalArgumentException("segmentationTimer must be positive");
        if (initialRetransmission.isNegative() || initialRetransmission.isZero())
            throw new IllegalArgumentException("initialRetransmission must be positive");
        if (maxRetransmissionInterval.compareTo(initialRetransmission) < 0)
            throw new IllegalArgumentException("maxRetransmissionInterval < initialRetransmission");
        if (maxRetransmissions < 0) throw new IllegalArgumentException("maxRetransmissions < 0");
        if (pendingLimit < 0) throw new IllegalArgumentException("pendingLimit < 0");
        if (provisionalResponseTime.isNegative() || provisionalResponseTime.isZero())
            throw new IllegalArgumentException("provisionalResponseTime must be positive");
        if (maxOutstandingRequests < 1 || maxIncomingTransactions < 1)
            throw new IllegalArgumentException("bounds must be positive");
        if (protocolVersion < 1 || protocolVersion > 3) throw new IllegalArgumentException("version " + protocolVersion);
    }

    public TransactionOptions withRetransmission(Duration initial, Duration maxInterval, int maxCount) {
        return new TransactionOptions(initial, maxInterval, maxCount, longTimer, reliableReplyTimeout,
                provisionalResponseTime, pendingLimit, requestImmediateAck, ackReplies, ackDelay,
                maxOutstandingRequests, maxIncomingTransactions, restartAvoidance, protocolVersion,
                segmentationTimer, segmentReplies, batchPerTurn);
    }

    public TransactionOptions withLongTimer(Duration d) {
        return new TransactionOptions(initialRetransmission, maxRetransmissionInterval, maxRetransmissions, d,
                reliableReplyTimeout, provisionalResponseTime, pendingLimit, requestImmediateAck, ackReplies,
                ackDelay, maxOutstandingRequests, maxIncomingTransactions, restartAvoidance, protocolVersion,
                segmentationTimer, segmentReplies, batchPerTurn);
    }

    public TransactionOptions withReliableReplyTimeout(Duration d) {
        return new TransactionOptions(initialRetransmission, maxRetransmissionInterval, maxRetransmissions,
                longTimer, d, provisionalResponseTime, pendingLimit, requestImmediateAck, ackReplies, ackDelay,
                maxOutstandingRequests, maxIncomingTransactions, restartAvoidance, protocolVersion,
                segmentationTimer, segmentReplies, batchPerTurn);
    }

    public TransactionOptions withProvisionalResponseTime(Duration d) {
        return new TransactionOptions(initialRetransmission, maxRetransmissionInterval, maxRetransmissions,
                longTimer, reliableReplyTimeout, d, pendingLimit, requestImmediateAck, ackReplies, ackDelay,
                maxOutstandingRequests, maxIncomingTransactions, restartAvoidance, protocolVersion,
                segmentationTimer, segmentReplies, batchPerTurn);
    }

    public TransactionOptions withPendingLimit(int n) {
        return new TransactionOptions(initialRetransmission, maxRetransmissionInterval, maxRetransmissions,
                longTimer, reliableReplyTimeout, provisionalResponseTime, n, requestImmediateAck, ackReplies,
                ackDelay, maxOutstandingRequests, maxIncomingTransactions, restartAvoidance, protocolVersion,
                segmentationTimer, segmentReplies, batchPerTurn);
    }

    public TransactionOptions withRequestImmediateAck(boolean b) {
        return new TransactionOptions(initialRetransmission, maxRetransmissionInterval, maxRetransmissions,
                longTimer, reliableReplyTimeout, provisionalResponseTime, pendingLimit, b, ackReplies, ackDelay,
                maxOutstandingRequests, maxIncomingTransactions, restartAvoidance, protocolVersion,
                segmentationTimer, segmentReplies, batchPerTurn);
    }

    public TransactionOptions withAckReplies(boolean b, Duration delay) {
        return new TransactionOptions(initialRetransmission, maxRetransmissionInterval, maxRetransmissions,
                longTimer, reliableReplyTimeout, provisionalResponseTime, pendingLimit, requestImmediateAck, b,
                delay, maxOutstandingRequests, maxIncomingTransactions, restartAvoidance, protocolVersion,
                segmentationTimer, segmentReplies, batchPerTurn);
    }

    public TransactionOptions withBounds(int outstanding, int incoming) {
        return new TransactionOptions(initialRetransmission, maxRetransmissionInterval, maxRetransmissions,
                longTimer, reliableReplyTimeout, provisionalResponseTime, pendingLimit, requestImmediateAck,
                ackReplies, ackDelay, outstanding, incoming, restartAvoidance, protocolVersion,
                segmentationTimer, segmentReplies, batchPerTurn);
    }

    public TransactionOptions withRestartAvoidance(Duration mwd) {
        return new TransactionOptions(initialRetransmission, maxRetransmissionInterval, maxRetransmissions,
                longTimer, reliableReplyTimeout, provisionalResponseTime, pendingLimit, requestImmediateAck,
                ackReplies, ackDelay, maxOutstandingRequests, maxIncomingTransactions, mwd, protocolVersion,
                segmentationTimer, segmentReplies, batchPerTurn);
    }

    public TransactionOptions withProtocolVersion(int v) {
        return new TransactionOptions(initialRetransmission, maxRetransmissionInterval, maxRetransmissions,
                longTimer, reliableReplyTimeout, provisionalResponseTime, pendingLimit, requestImmediateAck,
                ackReplies, ackDelay, maxOutstandingRequests, maxIncomingTransactions, restartAvoidance, v,
                segmentationTimer, segmentReplies, batchPerTurn);
    }

    public TransactionOptions withSegmentation(Duration timer, boolean replies) {
        return new TransactionOptions(initialRetransmission, maxRetransmissionInterval, maxRetransmissions,
                longTimer, reliableReplyTimeout, provisionalResponseTime, pendingLimit, requestImmediateAck,
                ackReplies, ackDelay, maxOutstandingRequests, maxIncomingTransactions, restartAvoidance,
                protocolVersion, timer, replies, batchPerTurn);
    }

    public TransactionOptions withBatchPerTurn(boolean b) {
        return new TransactionOptions(initialRetransmission, maxRetransmissionInterval, maxRetransmissions,
                longTimer, reliableReplyTimeout, provisionalResponseTime, pendingLimit, requestImmediateAck,
                ackReplies, ackDelay, maxOutstandingRequests, maxIncomingTransactions, restartAvoidance,
                protocolVersion, segmentationTimer, segmentReplies, b);
    }

    /**
     * As these options, acknowledging the peer's replies ({@link #ackReplies}) as a busy entity should: without an
     * ack the peer keeps each reply for LONG-TIMER (30 s) to answer a duplicate request, and at a load generator's
     * rates those cached replies (some 165,000 at 1,000 calls/s, each a decoded reply) were most of what its young
     * collections copied and promoted. With acks it drops each within {@code ackDelay} (100 ms), mostly on a message
     * that goes to it anyway. {@code -Dholdfast.h248.ackReplies=false} turns this off (before/after measurements),
     * {@code -Dholdfast.h248.ackDelayMs} sets the delay.
     */
    public TransactionOptions ackingReplies() {
        return withAckReplies(Boolean.parseBoolean(System.getProperty("holdfast.h248.ackReplies", "true")),
                Duration.ofMillis(Long.getLong("holdfast.h248.ackDelayMs", 100)));
    }

    /** The retransmission timer after {@code n} retransmissions: initial * 2^n, capped. */
    public Duration retransmissionInterval(int n) {
        return Duration.ofNanos(retransmissionIntervalNanos(initialRetransmission.toNanos(), n));
    }

    /** The back-off from a first timer of {@code firstNanos}: after {@code n} retransmissions first * 2^n, capped. */
    long retransmissionIntervalNanos(long firstNanos, int n) {
        long cap = maxRetransmissionInterval.toNanos();
        long v = firstNanos;
        for (int i = 0; i < n && v < cap; i++) v = v > cap / 2 ? cap : v * 2;
        return Math.min(v, cap);
    }

    /** How long an unanswered UDP request lives before it fails: the sum of all its timers. */
    public Duration unreliableGiveUpTime() {
        Duration total = Duration.ZERO;
        for (int i = 0; i <= maxRetransmissions; i++) total = total.plus(retransmissionInterval(i));
        return total;
    }
}
