package dev.holdfast.tcpha.ha;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Heartbeats both ways over each of the diverse links between primary and backup (UDP, one socket per link): sends
 * {@code payload} every interval on every link and remembers when the peer was last heard on each. The payload is a
 * text line: the sender's role and counters (last byte received, last ack, bytes the application read and wrote,
 * FIN/RST state), so either side can tell a dead peer from a lagging one.
 *
 * <p>Cheap by design, because it runs all the time: at a 10 ms interval every wake-up of a thread is paid 100 times a
 * second, and on the virtual machines this runs on a wake-up after a 10 ms sleep costs about 80 us of CPU by itself.
 * So one sender thread that sleeps until the next round's deadline (no scheduled executor and its queue), reused
 * buffers, no string concatenation per round; other per-round work (the primary's watch of its backup) rides on the
 * sender's wake-up ({@link #onEachRound}). (One receiver thread for both links with a selector was tried: the peer's
 * two datagrams are sent some 100 us apart, so it woke twice a round anyway, with two more system calls.)
 */
public final class Heartbeats implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Heartbeats.class.getName());
    public static final int PORT = 7100;

    private final List<DatagramChannel> channels = new ArrayList<>();
    private final List<InetSocketAddress> peers = new ArrayList<>();
    private final long[] lastHeardNanos;
    private final String[] lastPayload;
    private final Thread sender;
    private final long intervalNanos;
    private final Supplier<String> payload;
    private long sent;
    private volatile Runnable onEachRound = () -> {};
    private final java.util.concurrent.CountDownLatch receiverReady;
    private volatile boolean running = true;
    private final boolean readOnEachRound;

    /** links: pairs of (local IP, peer IP), one per link; a blocking receiver thread per link. */
    public Heartbeats(List<String[]> links, int intervalMs, Supplier<String> payload) throws IOException {
        this(links, intervalMs, payload, false);
    }

    /**
     * As above; with {@code readOnEachRound}, no receiver threads: the sender reads whatever arrived on each link
     * once a round, just before {@link #onEachRound}, so the peer is known heard to within one interval. For a side
     * that only needs that (the primary, which watches its backup once a round anyway): each heartbeat received
     * used to wake a thread of its own, two per round, about 80 us of CPU each on the VMs this runs on.
     */
    public Heartbeats(List<String[]> links, int intervalMs, Supplier<String> payload, boolean readOnEachRound) throws IOException {
        this.intervalNanos = intervalMs * 1_000_000L;
        this.payload = payload;
        this.readOnEachRound = readOnEachRound;
        for (String[] l : links) {
            DatagramChannel ch = DatagramChannel.open();
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(new InetSocketAddress(l[0], PORT));
            if (readOnEachRound) ch.configureBlocking(false);
            channels.add(ch);
            peers.add(new InetSocketAddress(l[1], PORT));
        }
        lastHeardNanos = new long[links.size()];
        lastPayload = new String[links.size()];
        receiverReady = new java.util.concurrent.CountDownLatch(readOnEachRound ? 0 : links.size());
        for (int i = 0; i < links.size() && !readOnEachRound; i++) {
            int link = i;
            Thread t = new Thread(() -> receive(link), "heartbeat-rx-" + (link + 1));
            t.setDaemon(true);
            t.start();
        }
        try {
            receiverReady.await(); // the grace below starts when the receivers listen, not before (a cold JVM on a
                                   // busy host can take longer than a detection deadline to start a thread)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long now = System.nanoTime();
        java.util.Arrays.fill(lastHeardNanos, now); // grace: a peer not heard yet is not dead yet
        sender = new Thread(this::sendEveryInterval, "heartbeat-tx");
        sender.setDaemon(true);
        sender.start();
    }

    /** Work to do once per heartbeat round on the sender's thread (real-time: keep it short, no blocking). */
    public void onEachRound(Runnable r) { onEachRound = r; }

    private void sendEveryInterval() {
        dev.holdfast.tcpha.posix.RealtimeThread.elevate(20);
        ByteBuffer out = ByteBuffer.allocateDirect(1500);
        StringBuilder text = new StringBuilder(128);
        ByteBuffer in = readOnEachRound ? ByteBuffer.allocateDirect(1500) : null;
        byte[] bytes = readOnEachRound ? new byte[1500] : null;
        long next = System.nanoTime();
        while (running) {
            text.setLength(0);
            text.append(++sent).append(' ').append(payload.get());
            out.clear();
            for (int i = 0; i < text.length() && out.hasRemaining(); i++) out.put((byte) text.charAt(i));
            out.flip();
            for (int i = 0; i < channels.size(); i++) {
                try {
                    channels.get(i).send(out.duplicate(), peers.get(i));
                } catch (IOException e) {
                    // a link that is down fails the send: the peer notices the silence, we go on with the other link
                }
            }
            if (readOnEachRound) readWhatArrived(in, bytes);
            onEachRound.run();
            // fixed rate: the next round is due one interval after the last one was due, not after this one ended
            next += intervalNanos;
            long now = System.nanoTime();
            if (next - now < 0) {
                // a stall (GC, a busy host) is not made up for with a burst; remembered (a diagnosis of false
                // takeovers: was it this side that went silent?)
                if (now - next > lateNanos) { lateNanos = now - next; lateAtNanos = now; }
                next = now;
            }
            for (long left = next - now; running && left > 0; left = next - System.nanoTime()) LockSupport.parkNanos(left);
        }
    }

    /** Reads every datagram queued on each link without waiting (non-blocking channels); the last one's payload is kept. */
    private void readWhatArrived(ByteBuffer buf, byte[] bytes) {
        for (int link = 0; link < channels.size(); link++) {
            int n = -1;
            try {
                while (true) {
                    buf.clear();
                    if (channels.get(link).receive(buf) == null) break;
                    n = buf.position();
                }
            } catch (IOException e) {
                // this link only: what it would have said counts as silence
            }
            if (n < 0) continue;
            lastHeardNanos[link] = System.nanoTime();
            buf.position(0).limit(n); // (the last receive, which found nothing, left the last datagram's bytes in place)
            buf.get(bytes, 0, n);
            lastPayload[link] = new String(bytes, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    private void receive(int link) {
        dev.holdfast.tcpha.posix.RealtimeThread.elevate(20);
        DatagramChannel ch = channels.get(link);
        ByteBuffer buf = ByteBuffer.allocateDirect(1500);
        byte[] bytes = new byte[1500];
        receiverReady.countDown();
        while (running) {
            buf.clear();
            try {
                ch.receive(buf);
            } catch (IOException e) {
                // this link only: the peer notices its silence, the other link goes on
                if (running) LOG.log(Level.WARNING, "heartbeat link {0} receive failed: {1}", link + 1, e.getMessage());
                return;
            }
            lastHeardNanos[link] = System.nanoTime();
            buf.flip();
            int n = buf.remaining();
            buf.get(bytes, 0, n);
            lastPayload[link] = new String(bytes, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    /** The longest this sender has been late for a round so far (ns), and when (nanoTime): its own stalls. */
    public volatile long lateNanos, lateAtNanos;

    /** Milliseconds since the peer was last heard on the link (0-based). */
    public long silentMillis(int link) { return (System.nanoTime() - lastHeardNanos[link]) / 1_000_000; }

    /** System.nanoTime() when the peer was last heard on the link (0-based). */
    public long lastHeardNanos(int link) { return lastHeardNanos[link]; }

    public int links() { return channels.size(); }

    public String lastPayload(int link) { return lastPayload[link]; }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(sender);
        for (DatagramChannel ch : channels) {
            try { ch.close(); } catch (IOException e) { /* closing anyway */ }
        }
    }
}
