package dev.holdfast.sim.media;

import dev.holdfast.sim.time.SimScheduler;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * An in-memory UDP network in the time of a {@link SimScheduler} (typically virtual): a datagram sent to a bound
 * address arrives after {@code latency}; one sent to an unbound address is dropped. A drop rule lets a test or a
 * simulation lose chosen packets.
 */
public final class VirtualMediaNetwork implements MediaNetwork {
    private final SimScheduler scheduler;
    private final Duration latency;
    private final Map<InetSocketAddress, VirtualSocket> bound = new HashMap<>();
    private final Map<InetAddress, Integer> nextPort = new HashMap<>();
    private BiPredicate<InetSocketAddress, byte[]> dropRule = (to, d) -> false;
    private long delivered;
    private long dropped;

    public VirtualMediaNetwork(SimScheduler scheduler, Duration latency) {
        this.scheduler = scheduler;
        this.latency = latency;
    }

    @Override public SimScheduler scheduler() { return scheduler; }

    /** Datagrams for which {@code rule(destination, datagram)} is true are lost. */
    public void dropWhen(BiPredicate<InetSocketAddress, byte[]> rule) { this.dropRule = rule; }

    public long delivered() { return delivered; }

    public long dropped() { return dropped; }

    @Override public MediaSocket open(InetAddress address, MediaSocket.Receiver receiver) {
        int port = nextPort.merge(address, 1, Integer::sum) + 20_000 - 1;
        InetSocketAddress local = new InetSocketAddress(address, port);
        VirtualSocket s = new VirtualSocket(local, receiver);
        bound.put(local, s);
        return s;
    }

    private final class VirtualSocket implements MediaSocket {
        final InetSocketAddress local;
        final MediaSocket.Receiver receiver;
        boolean closed;

        VirtualSocket(InetSocketAddress local, MediaSocket.Receiver receiver) {
            this.local = local;
            this.receiver = receiver;
        }

        @Override public InetSocketAddress localAddress() { return local; }

        @Override public void send(InetSocketAddress to, byte[] datagram) {
            if (closed) return;
            if (dropRule.test(to, datagram)) {
                dropped++;
                return;
            }
            byte[] copy = datagram.clone();
            scheduler.schedule(() -> {
                VirtualSocket target = bound.get(to);
                if (target == null || target.closed) {
                    dropped++;
                    return;
                }
                delivered++;
                target.receiver.received(local, copy);
            }, latency);
        }

        @Override public void close() {
            closed = true;
            bound.remove(local, this);
        }
    }
}
