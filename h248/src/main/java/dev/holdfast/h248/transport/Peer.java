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

    public static Peer of(String host, int port) { return new Peer(new InetSocketAddress(host, port)); }

    @Override public String toString() {
        return address.getHostString() + ":" + address.getPort();
    }
}
