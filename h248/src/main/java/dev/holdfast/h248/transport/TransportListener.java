package dev.holdfast.h248.transport;

import dev.holdfast.h248.message.Message;

/** Where a transport delivers what it receives: decoded messages, and the loss of a connection-oriented peer. */
public interface TransportListener {
    void onMessage(Peer peer, Message message);

    /** The connection to {@code peer} closed (TCP). Not called for UDP, which has no connection. */
    default void onPeerLost(Peer peer) { }

    /** A connection to {@code peer} was established (TCP). */
    default void onPeerConnected(Peer peer) { }
}
