package dev.holdfast.h248.transaction;

import dev.holdfast.h248.transport.Peer;

/** The connection to the peer closed (TCP) or the endpoint was closed before the reply came. */
public final class PeerLostException extends TransactionException {
    public PeerLostException(Peer peer, long transactionId, String message) {
        super(peer, transactionId, message, null);
    }
}
