package dev.holdfast.sim.media;

import java.net.InetSocketAddress;

/** One bound UDP socket for media: sends datagrams and hands the received ones to its {@link Receiver}. */
public interface MediaSocket extends AutoCloseable {
    /** The address and port the socket is bound to (what goes into SDP). */
    InetSocketAddress localAddress();

    /** Sends one datagram; never throws (a send that fails is a lost packet, as on a real network). */
    void send(InetSocketAddress to, byte[] datagram);

    /** Gives up the socket: later sends are dropped (a network may keep the port bound for its next socket). */
    @Override void close();

    /** Where received datagrams go; called on the network's scheduler thread. */
    @FunctionalInterface
    interface Receiver {
        void received(InetSocketAddress from, byte[] datagram);
    }
}
