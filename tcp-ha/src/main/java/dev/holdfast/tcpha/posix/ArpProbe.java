package dev.holdfast.tcpha.posix;

import java.io.IOException;
import java.net.Inet4Address;
import java.util.Arrays;

/**
 * Asks, on one interface, who has an IPv4 address (an ARP request, RFC 826) and waits for that host's reply: whether
 * a neighbour on the link answers, tested below IP (no route, neighbour cache or firewall in the way). The backup
 * probes the gateway through its service link before a takeover: a backup whose own service link is broken must not
 * fence a primary that may be serving the clients it cannot reach.
 */
public final class ArpProbe implements AutoCloseable {
    private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
    private final PacketSocket socket;
    private final byte[] request;
    private final byte[] target;
    private final byte[] buf = new byte[1500];
    private final int[] pktType = new int[1];

    /** Opens the packet socket and builds the request now: probing later is a sendto and a poll. */
    public ArpProbe(String ifName, Inet4Address source, Inet4Address target) throws IOException {
        this.target = target.getAddress();
        this.request = GratuitousArp.frame(1, PacketSocket.macOf(ifName), source.getAddress(), new byte[6], this.target);
        this.socket = new PacketSocket(ifName, PacketSocket.ETH_P_ARP, false);
    }

    /**
     * Sends a request and waits up to {@code timeoutMs} for a reply from the target; returns the microseconds it took,
     * or -1 if nobody answered in time (or the interface is down: the send fails).
     */
    public synchronized long probe(int timeoutMs) {
        try {
            while (socket.receive(buf, pktType, true) >= 0) { /* replies to an earlier probe that came late */ }
            long start = System.nanoTime();
            long deadline = start + timeoutMs * 1_000_000L;
            socket.send(request, BROADCAST);
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left < 0 || !socket.awaitReadable((int) Math.max(1, left))) {
                    if (System.nanoTime() >= deadline) return -1;
                    continue;
                }
                int n = socket.receive(buf, pktType, true);
                if (n >= 28 && isReplyFromTarget(buf)) return (System.nanoTime() - start) / 1000;
            }
        } catch (IOException e) {
            return -1;
        }
    }

    /** An ARP reply (op 2) for IPv4 whose sender protocol address is the target. */
    private boolean isReplyFromTarget(byte[] p) {
        return p[0] == 0 && p[1] == 1 && p[2] == 8 && p[3] == 0 && p[6] == 0 && p[7] == 2
                && Arrays.equals(p, 14, 18, target, 0, 4);
    }

    @Override
    public void close() { socket.close(); }
}
