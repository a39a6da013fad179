package dev.holdfast.h248.transaction;

import dev.holdfast.h248.transport.Peer;

/** Why an outgoing transaction did not get its reply. The subclasses say which way it failed. */
public abstract sealed class TransactionException extends RuntimeException
        permits TransactionTimeoutException, PeerLostException, TransactionSendException,
        TransactionRejectedException, MessageRejectedException {
    private final transient Peer peer;
    private final long transactionId;

    protected TransactionException(Peer peer, long transactionId, String message, Throwable cause) {
        super("transaction " + transactionId + " to " + peer + ": " + message, cause);
        this.peer = peer;
        this.transactionId = transactionId;
    }

    public Peer peer() { return peer; }

    public long transactionId() { return transactionId; }
}
