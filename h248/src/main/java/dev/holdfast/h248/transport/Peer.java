package dev.holdfast.h248.transport;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The remote H.248 entity as the transport sees it: the address its messages come from and ours go to (UDP), or
 * the remote end of its connection (TCP). TransactionIDs are correlated per peer.
 */
public record Peer(InetSocketAddress address) {
    public Peer {
        Objects.requireNonNull(address, "address");
    }

    public static Peer of(InetSocketAddress address) { return new Peer(address); }

    /** The peer at a channel's remote address; a non-IP address (in-memory channels) becomes an unresolved name. */
    public static Peer of(java.net.SocketAddress address) {
        return address instanceof InetSocketAddress inet ? new Peer(inet)
                : new Peer(InetSocketAddress.createUnresolved(String.valueOf(address), 0));
    }

    public static Peer of(String host, int port) { return new Peer(new InetSocketAddress(host, port)); }

    @Override public String toString() {
        return address.getHostString() + ":" + address.getPort();
    }
}
