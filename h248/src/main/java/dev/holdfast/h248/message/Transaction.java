package dev.holdfast.h248.message;

import java.util.List;
import java.util.Objects;

/** One element of a {@code transactionList}. TransactionIDs are UINT32 held in a long. */
public sealed interface Transaction {

    /** {@code Transaction = id { actionRequest *(, actionRequest) }}. */
    record Request(long transactionId, List<ActionRequest> actions) implements Transaction {
        public Request {
            Checks.uint32(transactionId, "TransactionID");
            actions = Checks.nonEmpty(actions, "a transaction request's action list");
        }
    }

    /**
     * {@code Reply = id [/segment [/END]] { [ImmAckRequired,] (errorDescriptor / actionReplyList) }}.
     *
     * @param segmentNumber null unless the reply is segmented (v3)
     * @param error         a transaction-level error; then {@code actions} is empty
     */
    record Reply(long transactionId, Integer segmentNumber, boolean segmentationComplete, boolean immAckRequired,
                 ErrorDescriptor error, List<ActionReply> actions) implements Transaction {
        public Reply {
            Checks.uint32(transactionId, "TransactionID");
            if (segmentNumber != null) Checks.uint16(segmentNumber, "segment number");
            if (segmentationComplete && segmentNumber == null) {
                throw new IllegalArgumentException("SegmentationComplete (END) without a segment number in reply "
                        + transactionId);
            }
            actions = List.copyOf(actions);
            if (error != null && !actions.isEmpty()) {
                throw new IllegalArgumentException("reply " + transactionId + " has both an Error descriptor and "
                        + "action replies: the ABNF allows (errorDescriptor / actionReplyList)");
            }
            if (error == null && actions.isEmpty()) {
                throw new IllegalArgumentException("reply " + transactionId + " has neither an Error descriptor nor "
                        + "an action reply");
            }
        }

        public static Reply of(long transactionId, List<ActionReply> actions) {
            return new Reply(transactionId, null, false, false, null, actions);
        }

        public static Reply error(long transactionId, ErrorDescriptor error) {
            return new Reply(transactionId, null, false, false, Objects.requireNonNull(error), List.of());
        }
    }

    /** {@code Pending = id { }}: the request is being worked on (Annex D.1 long-running request). */
    record Pending(long transactionId) implements Transaction {
        public Pending { Checks.uint32(transactionId, "TransactionID"); }
    }

    /** {@code TransactionResponseAck { ack *(, ack) }}. */
    record ResponseAck(List<AckRange> acks) implements Transaction {
        public ResponseAck { acks = Checks.nonEmpty(acks, "TransactionResponseAck"); }
    }

    /** {@code Segment = id / segmentNumber [/ END]} (v3). */
    record SegmentReply(long transactionId, int segmentNumber, boolean segmentationComplete) implements Transaction {
        public SegmentReply {
            Checks.uint32(transactionId, "TransactionID");
            Checks.uint16(segmentNumber, "segment number");
        }
    }

    /** {@code transactionAck = id / (id "-" id)}; {@code first == last} for a single id. */
    record AckRange(long first, long last) {
        public AckRange {
            Checks.uint32(first, "TransactionID");
            Checks.uint32(last, "TransactionID");
        }

        public static AckRange of(long id) { return new AckRange(id, id); }
        public boolean contains(long id) { return id >= first && id <= last; }
    }
}
