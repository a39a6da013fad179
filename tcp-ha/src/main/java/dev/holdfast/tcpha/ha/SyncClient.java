package dev.holdfast.tcpha.ha;

import dev.holdfast.tcpha.tap.ReplicaConnection;
import dev.holdfast.tcpha.tap.TcpTap;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The backup's end of the sync channel: every SyncTime it tells the primary how far each replica has got (so the
 * primary can drop those bytes); when the primary's application has read bytes that the replica still lacks one
 * period later, the tap missed them and the backup fetches them from the primary.
 */
final class SyncClient {
    private static final System.Logger LOG = System.getLogger(SyncClient.class.getName());
    private final TcpTap tap;
    private final int syncMs;
    private volatile boolean running = true;
    final AtomicLong fetchedBytes = new AtomicLong();
    /** FETCH requests sent, and DATA replies that came back empty (the primary no longer had the bytes). */
    final AtomicLong fetches = new AtomicLong(), emptyReplies = new AtomicLong();
    private volatile long lastReplyNanos;
    /** When the oldest report not yet answered was sent (nanoTime); 0: none outstanding. */
    private volatile long firstUnansweredNanos;
    /** At most this long without a report while the backup has connections (below the silence check's 500 ms). */
    static final long KEEP_ALIVE_NANOS = 200_000_000L;

    /** Milliseconds since the primary last answered on the sync channel (a third sign of life). */
    long silentMillis() { return (System.nanoTime() - lastReplyNanos) / 1_000_000; }

    SyncClient(TcpTap tap, int syncMs) {
        this.tap = tap;
        this.syncMs = syncMs;
    }

    void start(String... primaryIps) {
        Thread t = new Thread(() -> loop(primaryIps), "sync-client");
        t.setDaemon(true);
        t.start();
    }

    void stop() { running = false; }

    private void loop(String[] ips) {
        int i = 0;
        while (running) {
            String ip = ips[i++ % ips.length]; // the other link when one fails
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(ip, SyncChannel.PORT), 1000);
                s.setTcpNoDelay(true);
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
                DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
                Thread reader = new Thread(() -> readReplies(in, out), "sync-replies");
                reader.setDaemon(true);
                reader.start();
                lastReplyNanos = System.nanoTime();
                firstUnansweredNanos = 0;
                while (running && reader.isAlive()) {
                    long unanswered = firstUnansweredNanos;
                    if (!tap.connections().isEmpty() && unanswered != 0 && System.nanoTime() - unanswered > Math.max(10L * syncMs, 500) * 1_000_000) {
                        // no answer for ten periods (and half a second: a primary busy with many connections is
                        // slow, not gone): this link is down (TCP would take seconds to say so). Counted from the
                        // first report still unanswered, not from the last reply: before the first connection there
                        // is nothing to report, and the first report after a quiet spell used to find the last
                        // reply long past and drop a working link at once
                        LOG.log(Level.INFO, "sync channel via {0} silent: trying the other link", ip);
                        break;
                    }
                    synchronized (out) {
                        long now = System.nanoTime();
                        // a connection whose replica and primary agree and have not moved needs no report: an idle
                        // service then costs the primary no wake-up per SyncTime (50 a second at 20 ms), only a
                        // keep-alive (which keeps the replies, and so the silence check above, going)
                        for (ReplicaConnection c : tap.connections()) {
                            // "settled" is judged on the primary's last reply, which may be stale: a connection whose
                            // bytes the replica has exactly up to that reply, and whose next segment the tap lost,
                            // looks settled while the primary has read on. So each connection is reported at least
                            // every keep-alive period, whatever the others do (a keep-alive of the whole channel
                            // alone never came while another connection was busy, and such a gap was never fetched);
                            // these per-connection keep-alives also keep the channel's replies going
                            boolean due = now - c.reportedAtNanos > KEEP_ALIVE_NANOS;
                            long delivered = c.delivered();
                            boolean settled = delivered == c.hasReported && c.primaryRead == delivered
                                    && c.primaryWritten == c.output.produced() && c.consumed() == c.consumedReported
                                    && (c.closeReported || !c.output.isClosed());
                            if (settled && !due) continue;
                            SyncChannel.write(out, SyncChannel.HAS, c.syncKey(), delivered, 0, null);
                            c.hasReported = delivered;
                            c.reportedAtNanos = now;
                            if (firstUnansweredNanos == 0) firstUnansweredNanos = now;
                            long consumed = c.consumed();
                            if (consumed != c.consumedReported) {
                                SyncChannel.write(out, SyncChannel.CONSUMED, c.syncKey(), consumed, 0, null);
                                c.consumedReported = consumed;
                            }
                            if (!c.closeReported && c.output.isClosed()) {
                                SyncChannel.write(out, SyncChannel.CLOSED, c.syncKey(), c.output.produced(), 0, null);
                                c.closeReported = true;
                            }
                        }
                        out.flush();
                    }
                    Thread.sleep(syncMs);
                }
            } catch (IOException e) {
                if (running) LOG.log(Level.DEBUG, "sync channel to {0}: {1}", ip, e.getMessage());
                try { Thread.sleep(syncMs); } catch (InterruptedException x) { return; }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void readReplies(DataInputStream in, DataOutputStream out) {
        Map<Long, ReplicaConnection> byKey = new HashMap<>();
        try {
            while (running) {
                SyncChannel.Frame f = SyncChannel.read(in);
                lastReplyNanos = System.nanoTime();
                firstUnansweredNanos = 0;
                ReplicaConnection c = byKey.get(f.conn());
                if (c == null) {
                    for (ReplicaConnection x : tap.connections()) byKey.put(x.syncKey(), x);
                    c = byKey.get(f.conn());
                    if (c == null) continue;
                }
                if (f.type() == SyncChannel.READ && f.offset() < 0) {
                    continue; // the primary does not have this connection (closed there, or not accepted yet)
                } else if (f.type() == SyncChannel.READ) {
                    c.primaryRead = f.offset();
                    c.primaryReportNanos = System.nanoTime();
                    lastReplyNanos = System.nanoTime();
                    long have = c.delivered();
                    if (f.offset() > have) {
                        // behind the primary: bytes in flight on the tap catch up within a period; a gap does not
                        if (c.deliveredWhenBehind == have) {
                            synchronized (out) {
                                SyncChannel.write(out, SyncChannel.FETCH, f.conn(), have, (int) Math.min(f.offset() - have, 1 << 20), null);
                                out.flush();
                                fetches.incrementAndGet();
                            }
                        }
                        c.deliveredWhenBehind = have;
                    } else {
                        c.deliveredWhenBehind = -1;
                    }
                } else if (f.type() == SyncChannel.WRITTEN) {
                    c.primaryWritten = f.offset();
                } else if (f.type() == SyncChannel.DATA && f.data().length == 0 && c.delivered() <= f.offset()) {
                    // (an empty reply to a request already answered on the other link is harmless: not counted)
                    emptyReplies.incrementAndGet();
                    LOG.log(Level.WARNING, "primary no longer has bytes from offset {0} of the connection from port {1}",
                            f.offset(), c.clientPort);
                } else if (f.type() == SyncChannel.DATA && f.data().length > 0) {
                    c.acceptFromPrimary(f.offset(), f.data());
                    fetchedBytes.addAndGet(f.data().length);
                }
            }
        } catch (IOException e) {
            if (running) LOG.log(Level.INFO, "sync replies: {0}", e.getMessage());
        }
    }
}
