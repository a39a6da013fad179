package dev.holdfast.h248.transaction;

import dev.holdfast.h248.transport.Peer;

/** Refused locally before sending: too many transactions outstanding, or the manager is closed. */
public final class TransactionRejectedException extends TransactionException {
    public TransactionRejectedException(Peer peer, String message) {
        super(peer, 0, message, null);
    }
}
