package dev.holdfast.tcpha.ha;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Heartbeats both ways over each of the diverse links between primary and backup (UDP, one socket per link): sends
 * {@code payload} every interval on every link and remembers when the peer was last heard on each. The payload is a
 * text line: the sender's role and counters (last byte received, last ack, bytes the application read and wrote,
 * FIN/RST state), so either side can tell a dead peer from a lagging one.
 */
public final class Heartbeats implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Heartbeats.class.getName());
    public static final int PORT = 7100;

    private final List<DatagramSocket> sockets;
    private final List<InetSocketAddress> peers;
    private final long[] lastHeardNanos;
    private final String[] lastPayload;
    private final ScheduledExecutorService timer;
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean running = true;

    /** links: pairs of (local IP, peer IP), one per link. */
    public Heartbeats(List<String[]> links, int intervalMs, Supplier<String> payload) throws IOException {
        sockets = new java.util.ArrayList<>();
        peers = new java.util.ArrayList<>();
        for (String[] l : links) {
            sockets.add(new DatagramSocket(new InetSocketAddress(l[0], PORT)));
            peers.add(new InetSocketAddress(l[1], PORT));
        }
        lastHeardNanos = new long[links.size()];
        lastPayload = new String[links.size()];
        long now = System.nanoTime();
        java.util.Arrays.fill(lastHeardNanos, now); // grace: a peer not heard yet is not dead yet
        for (int i = 0; i < sockets.size(); i++) {
            int link = i;
            Thread t = new Thread(() -> receive(link), "heartbeat-rx-" + (link + 1));
            t.setDaemon(true);
            t.start();
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> { Thread t = new Thread(r, "heartbeat-tx"); t.setDaemon(true); return t; });
        timer.scheduleAtFixedRate(() -> send(payload.get()), 0, intervalMs, TimeUnit.MILLISECONDS);
    }

    private volatile boolean senderRealtime;

    private void send(String text) {
        if (!senderRealtime) senderRealtime = dev.holdfast.tcpha.posix.RealtimeThread.elevate(20) || true;
        byte[] b = (sent.incrementAndGet() + " " + text).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < sockets.size(); i++) {
            try {
                sockets.get(i).send(new DatagramPacket(b, b.length, peers.get(i)));
            } catch (IOException e) {
                // a link that is down fails the send: the peer notices the silence, we go on with the other link
            }
        }
    }

    private void receive(int link) {
        dev.holdfast.tcpha.posix.RealtimeThread.elevate(20);
        byte[] buf = new byte[1500];
        while (running) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                sockets.get(link).receive(p);
            } catch (IOException e) {
                if (running) LOG.log(Level.WARNING, "heartbeat link {0} receive failed: {1}", link + 1, e.getMessage());
                return;
            }
            lastHeardNanos[link] = System.nanoTime();
            lastPayload[link] = new String(buf, 0, p.getLength(), StandardCharsets.US_ASCII);
        }
    }

    /** Milliseconds since the peer was last heard on the link (0-based). */
    public long silentMillis(int link) { return (System.nanoTime() - lastHeardNanos[link]) / 1_000_000; }

    /** System.nanoTime() when the peer was last heard on the link (0-based). */
    public long lastHeardNanos(int link) { return lastHeardNanos[link]; }

    public int links() { return sockets.size(); }

    public String lastPayload(int link) { return lastPayload[link]; }

    @Override
    public void close() {
        running = false;
        timer.shutdownNow();
        sockets.forEach(DatagramSocket::close);
    }
}
