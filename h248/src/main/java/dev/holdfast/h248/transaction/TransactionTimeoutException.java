package dev.holdfast.h248.transaction;

import dev.holdfast.h248.transport.Peer;

/** No reply came in time: retransmissions exhausted, LONG-TIMER after a Pending ran out, or too many Pendings. */
public final class TransactionTimeoutException extends TransactionException {
    public TransactionTimeoutException(Peer peer, long transactionId, String message) {
        super(peer, transactionId, message, null);
    }
}
