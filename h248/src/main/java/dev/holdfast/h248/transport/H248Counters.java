package dev.holdfast.h248.transport;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Plain counters of one H.248 endpoint (transport, codec and transaction layer), safe to bump from any thread.
 * Metrics export reads {@link #snapshot()}.
 */
public final class H248Counters {
    /** Whole messages (datagrams or TPKT frames) handed to the decoder. */
    public final LongAdder messagesReceived = new LongAdder();
    /** Whole messages handed to the transport. */
    public final LongAdder messagesSent = new LongAdder();
    /** Batches of several transactions too large for one message (or one Ethernet-sized datagram), sent split. */
    public final LongAdder batchesSplit = new LongAdder();
    public final LongAdder requestsSent = new LongAdder();
    public final LongAdder requestsReceived = new LongAdder();
    public final LongAdder repliesSent = new LongAdder();
    public final LongAdder repliesReceived = new LongAdder();
    /** Requests sent again because no reply or Pending came in time (UDP). */
    public final LongAdder retransmissions = new LongAdder();
    /** Requests received again while executing or after replying: answered from the cache, not re-executed. */
    public final LongAdder duplicateRequests = new LongAdder();
    /** Replies for no outstanding transaction (late, duplicated or unknown). */
    public final LongAdder unmatchedReplies = new LongAdder();
    public final LongAdder pendingsSent = new LongAdder();
    public final LongAdder pendingsReceived = new LongAdder();
    public final LongAdder acksSent = new LongAdder();
    public final LongAdder acksReceived = new LongAdder();
    /** Messages that did not decode. */
    public final LongAdder decodeErrors = new LongAdder();
    /** Error replies sent for undecodable messages (transaction-level 403 or message-level 400). */
    public final LongAdder errorRepliesSent = new LongAdder();
    /** Error answers not sent because the per-second quota for them was used up (a flood or a reflection attempt). */
    public final LongAdder errorRepliesSuppressed = new LongAdder();
    /** Message-level errors ({@code Error = ...} instead of transactions) received. */
    public final LongAdder messageErrorsReceived = new LongAdder();
    /** Outstanding requests failed by a message-level error from their peer (the message was not processed). */
    public final LongAdder requestsFailedByMessageError = new LongAdder();
    /** Replies with ImmAckRequired sent again because no TransactionResponseAck came (Annex D.1). */
    public final LongAdder replyRetransmissions = new LongAdder();
    /** Segments of segmented replies (v3) received, and SegmentReply messages sent for them. */
    public final LongAdder segmentsReceived = new LongAdder();
    public final LongAdder segmentRepliesSent = new LongAdder();
    /** Segmented replies given up with error 459 because segments were missing when the segmentation timer ran out. */
    public final LongAdder segmentationTimeouts = new LongAdder();
    /** Datagrams or TPKT frames larger than the configured maximum. */
    public final LongAdder oversized = new LongAdder();
    /** Empty datagrams, TPKT frames with a bad header. */
    public final LongAdder malformedFrames = new LongAdder();
    /** Outgoing transactions given up for lack of an answer. */
    public final LongAdder timeouts = new LongAdder();
    /** Connections lost with transactions outstanding or not (TCP). */
    public final LongAdder peersLost = new LongAdder();
    /** Outgoing messages the transport could not send (encoding too large, no connection, I/O error). */
    public final LongAdder sendFailures = new LongAdder();
    /** Requests refused because a bound on outstanding state was reached. */
    public final LongAdder rejectedForLoad = new LongAdder();

    /**
     * How long this entity took to answer: from a request's arrival at the transaction layer (decoded, on the
     * transport's thread) to the message carrying its reply handed to the transport. Duplicates answered from the
     * cache are not counted. Under load this is the entity's own queueing and work, the other side's not included.
     */
    public final LatencyHistogram replyLatency = new LatencyHistogram();
    /**
     * How long the peers took to answer ours: from a request's first transmission handed to the transport to its
     * reply's arrival at the transaction layer, also when it was retransmitted meanwhile (the requester waited that
     * long). This includes the network and both sides' queueing: less {@link #replyLatency} measured at the peer,
     * it is the time messages waited in sockets and event loops (and lost copies).
     */
    public final LatencyHistogram requestRoundTrip = new LatencyHistogram();

    /** Counter name to value, in declaration order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (var f : H248Counters.class.getFields()) {
            if (f.getType() != LongAdder.class) continue; // the latency histograms are read on their own
            try {
                m.put(f.getName(), ((LongAdder) f.get(this)).sum());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return m;
    }

    @Override public String toString() { return snapshot().toString(); }
}
