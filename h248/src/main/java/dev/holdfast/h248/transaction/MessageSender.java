package dev.holdfast.h248.transaction;

import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.transport.Peer;

import java.util.concurrent.CompletionStage;

/** What the transaction layer needs from a transport: hand over a whole message for a peer. */
public interface MessageSender {
    /**
     * Encodes and sends {@code message} to {@code peer}. Never throws; the stage fails when the message could not
     * be handed to the network (no connection, too large, I/O error).
     */
    CompletionStage<Void> send(Peer peer, Message message);

    /** True for a reliable transport (TCP): no retransmission, no duplicate handling needed (but harmless). */
    boolean reliable();
}
