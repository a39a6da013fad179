package dev.holdfast.h248.transaction;

import dev.holdfast.h248.transport.Peer;

/** The transport could not send the request (no connection to the peer, message too large, I/O error). */
public final class TransactionSendException extends TransactionException {
    public TransactionSendException(Peer peer, long transactionId, Throwable cause) {
        super(peer, transactionId, "not sent: " + cause, cause);
    }
}
