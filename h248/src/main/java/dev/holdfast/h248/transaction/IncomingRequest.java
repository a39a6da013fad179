package dev.holdfast.h248.transaction;

import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.transport.Peer;

/**
 * A transaction request received from a peer.
 *
 * @param version the protocol version of the message it came in (the reply uses the same)
 * @param mid     the sender's mId as written in that message
 * @param receivedNanos when its message reached the transaction layer (the scheduler's clock): where the time an
 *                      answer takes starts
 */
public record IncomingRequest(Peer peer, int version, MId mid, Transaction.Request request, long receivedNanos) {
    public IncomingRequest(Peer peer, int version, MId mid, Transaction.Request request) {
        this(peer, version, mid, request, 0);
    }

    public long transactionId() { return request.transactionId(); }
}
