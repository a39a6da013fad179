package dev.holdfast.h248.transaction;

import dev.holdfast.h248.message.ErrorDescriptor;
import dev.holdfast.h248.transport.Peer;

/**
 * The peer answered the message that carried the request with a message-level error ({@code Error = ...} as the
 * whole message body): none of the message's transactions was processed (H.248.1 8.1, 8.2.2), so the request
 * has no reply and will get none.
 */
public final class MessageRejectedException extends TransactionException {
    private final ErrorDescriptor error;

    public MessageRejectedException(Peer peer, long transactionId, ErrorDescriptor error) {
        super(peer, transactionId, "the message carrying it was rejected with error " + error.code()
                + (error.text() == null ? "" : " " + error.text()), null);
        this.error = error;
    }

    public ErrorDescriptor error() { return error; }
}
