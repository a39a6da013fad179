package dev.holdfast.h248.transaction;

import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.transport.Peer;

/**
 * A transaction request received from a peer.
 *
 * @param version the protocol version of the message it came in (the reply uses the same)
 * @param mid     the sender's mId as written in that message
 */
public record IncomingRequest(Peer peer, int version, MId mid, Transaction.Request request) {
    public long transactionId() { return request.transactionId(); }
}
