package dev.holdfast.tcpha.ha;

import dev.holdfast.tcpha.posix.LibC;
import dev.holdfast.tcpha.posix.Sockets;
import dev.holdfast.tcpha.repair.ConnectionState;
import dev.holdfast.tcpha.repair.TcpRepair;
import dev.holdfast.tcpha.rig.Root;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The takeover's restore when the client holds more of the server's bytes than its last ACK that the tap saw says
 * (a client that reads slowly acknowledges only on its delayed-ACK timer; the primary died in between): the mid-bulk
 * takeover hang of session 9, made deterministic on loopback (real sockets, one kernel; root for TCP_REPAIR).
 * <p>A "primary" socket sends 300 KB, the client reads them all; the primary's state is read in repair mode and the
 * socket closed silently. The connection is then re-created as the takeover would from a tap that last saw the
 * client acknowledge only the first 100 KB: the replica's unacknowledged output is the 200 KB the client already has
 * plus 64 KB it does not.
 */
class TakeoverRestoreTest {
    static final int MSS = 1400;              // Ethernet-sized segments on loopback: the initial window is ~14 KB
    static final int SENT = 300 * 1024, STALE = 200 * 1024, NEW = 64 * 1024;

    @BeforeAll
    static void root() { Root.assumeNamespaces(); }

    /** With what the primary put on the wire queued as sent, the client gets the new bytes at once, each once. */
    @Test
    void clientAheadOfItsLastSeenAck_getsTheRestOfTheStream() throws Exception {
        try (Setup s = new Setup()) {
            int queued = Takeover.queuedAsSent(STALE + NEW, STALE, s.state.sndWnd(), MSS);
            assertEquals(STALE, queued, "everything the primary sent past the stale ACK goes in the repair queue");
            byte[] unacked = s.unacked();
            int fd = TcpRepair.restore(s.stale(Arrays.copyOfRange(unacked, 0, queued)),
                    TcpRepair.UnackedOutput.REPAIR_SEND_QUEUE, false, true);
            s.restored = fd;
            Sockets.writeFully(fd, unacked, queued, unacked.length - queued);
            long t0 = System.nanoTime();
            byte[] got = s.readClient(NEW, 3000);
            assertEquals(NEW, got.length, "the client got the bytes it lacked");
            assertArrayEquals(Arrays.copyOfRange(s.stream, SENT, SENT + NEW), got, "each byte once, in order");
            System.out.println("restore with the sent part queued: client had the new bytes after "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms");
        }
    }

    /**
     * The primary's last 32 KB were lost on the way (the tap saw them leave, the client never got them): queued as
     * sent, they go out again on the retransmission timer, which the client's first ACK (an RTT sample through the
     * timestamps) brings below the fresh socket's 3 s (0.45-0.9 s in three runs).
     */
    @Test
    void clientLackingTheTailOfWhatThePrimarySent_getsItOnTheRetransmissionTimer() throws Exception {
        int lost = 32 * 1024;
        try (Setup s = new Setup()) {
            // as the takeover sees it: the primary sent up to SENT + lost, the client holds up to SENT
            int queued = Takeover.queuedAsSent(STALE + lost + NEW, STALE + lost, s.state.sndWnd(), MSS);
            assertEquals(STALE + lost, queued);
            byte[] unacked = Arrays.copyOfRange(s.stream, SENT - STALE, SENT + lost + NEW);
            int fd = TcpRepair.restore(s.stale(Arrays.copyOfRange(unacked, 0, queued)),
                    TcpRepair.UnackedOutput.REPAIR_SEND_QUEUE, false, true);
            s.restored = fd;
            Sockets.writeFully(fd, unacked, queued, unacked.length - queued);
            long t0 = System.nanoTime();
            byte[] got = s.readClient(lost + NEW, 2500);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("restore with a lost tail queued: client had it all after " + ms + " ms");
            assertEquals(lost + NEW, got.length, "the client got the lost tail and the new bytes");
            assertArrayEquals(Arrays.copyOfRange(s.stream, SENT, SENT + lost + NEW), got, "each byte once, in order");
            assertTrue(ms < 1500, "on the RTT-based timer, not the fresh socket's 3 s: " + ms + " ms");
        }
    }

    /**
     * A segment the primary sent and the client never got, with nothing after it (no later segment to draw a SACK,
     * no new data): only a timer sends it again. The restored socket's send sequence starts one byte before the
     * client's last ACK (TcpRepair.RTT_SEED_BYTES), so the client's answer to the window probe acknowledges new data:
     * an RTT sample (from the timestamps: Linux takes none from a repaired segment's send time), about the age of the
     * primary's TSval the client echoes, and the timer becomes about that + max(2 x that, 200 ms). Without the seed
     * the socket has no sample and waits for the fallback (here 4.1-4.2 s: the 1 s tail loss probe sends the
     * segment's second half, then the 3 s RTO): the control, the way before session 13. The timestamp clock is the
     * primary's + 2 ms, as Takeover.tsClock now sets it (with the old 10 s margin the seed's sample would be 10 s).
     */
    @Test
    void aLostSegmentWithNothingAfterIt_isSentAgainOnAnRttBasedTimer_notTheFreshSocketsFallback() throws Exception {
        TcpRepair.warmUp(); // as the backup does at start-up: the restore's own first-call costs would be in the sample
        long seeded = lostTailWithNothingAfter(true, 3000);
        System.out.println("lost segment with nothing after it: client had it after " + seeded + " ms with the RTT seed");
        // 0.49-0.86 s in 8 runs at load 5-6 (the sample was 110-170 ms, more than the 2 ms margin explains; 1.5 s once
        // while a benchmark ran): bounded here by half the unseeded socket's 4 s
        assertTrue(seeded >= 0 && seeded < 2000, "on an RTT-based timer, well before the fallback: " + seeded + " ms");
        assertEquals(-1, lostTailWithNothingAfter(false, 2000), "control, without the seed: still waiting at 2 s");
    }

    /**
     * Restores with the client's true last ACK and one lost 1,000-byte segment queued as sent; ms until the client has
     * it, -1 if not within {@code waitMs}. On a loopback address pair of its own: the kernel's tcp_metrics cache keeps
     * an RTT per address pair (the host's 127.0.0.1 pair has one from every other loopback connection), and a restored
     * socket takes its first timer from there, as a backup's kernel would not for a client it never talked to.
     */
    private static long lostTailWithNothingAfter(boolean rttSeed, long waitMs) throws Exception {
        int lost = 1000;
        java.util.Random r = new java.util.Random();
        String server = "127." + (100 + r.nextInt(100)) + "." + r.nextInt(250) + "." + (1 + r.nextInt(250));
        String client = "127." + (200 + r.nextInt(50)) + "." + r.nextInt(250) + "." + (1 + r.nextInt(250));
        try (Setup s = new Setup(server, client, 1)) {
            ConnectionState d = s.state;
            int sentEnd = d.sndUna() + d.sendQueue().length; // the client has read everything the primary sent
            byte[] tail = Arrays.copyOfRange(s.stream, SENT + s.settled, SENT + s.settled + lost);
            ConnectionState st = new ConnectionState(d.local(), d.remote(), sentEnd, d.rcvNxt(), d.mss(), d.sndWscale(),
                    d.rcvWscale(), d.sack(), d.timestamps(), d.tsVal() + 2, d.sndWnd(), d.rcvWnd(), tail, new byte[0]);
            long t0 = System.nanoTime();
            s.restored = TcpRepair.restore(st, TcpRepair.UnackedOutput.REPAIR_SEND_QUEUE, false, true, rttSeed);
            byte[] got = s.readClient(lost, waitMs);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (got.length == 0) return -1;
            assertArrayEquals(tail, got, "the lost segment, once, after a timer (" + ms + " ms)");
            return ms;
        }
    }

    /**
     * Why: the whole unacknowledged output written as new data after the repair (the takeover's way before): the
     * first flight holds bytes the client has, its ACK acknowledges data we have not sent, and Linux drops it; the
     * client gets nothing. If this starts passing, the kernel changed and the comment on queuedAsSent is stale.
     */
    @Test
    void writtenAsNewDataAfterTheRepair_theClientsAcksAreDroppedAndNothingArrives() throws Exception {
        try (Setup s = new Setup()) {
            byte[] unacked = s.unacked();
            int fd = TcpRepair.restore(s.stale(new byte[0]), TcpRepair.UnackedOutput.WRITE_AFTER_REPAIR, false, true);
            s.restored = fd;
            Thread w = new Thread(() -> {
                try { Sockets.writeFully(fd, unacked, 0, unacked.length); } catch (IOException e) { /* closed at the end */ }
            });
            w.setDaemon(true);
            w.start();
            assertEquals(0, s.readClient(NEW, 1500).length, "no new byte reached the client");
        }
    }

    /** A client and a "primary" on loopback with 300 KB sent and read; the primary's state dumped, its socket gone. */
    static final class Setup implements AutoCloseable {
        final byte[] stream = new byte[SENT + 32 * 1024 + NEW];
        final int client;
        final ConnectionState state;
        int restored = -1;

        /** Bytes sent after the 300 KB, once the client has acknowledged them all (see the three-argument constructor). */
        final int settled;

        Setup() throws IOException { this("127.0.0.1", null, 0); }

        /**
         * On addresses of its own (client bound to clientIp, when not null), e.g. a pair no earlier connection used;
         * then, if {@code settle} > 0, that many more bytes once the client has acknowledged everything (its delayed
         * ACK): the client takes the TSval of a segment as its TS.Recent only then (RFC 7323), so after a bulk
         * transfer the TSval it echoes can be as old as the transfer; this makes it the primary's newest.
         */
        Setup(String serverIp, String clientIp, int settle) throws IOException {
            settled = settle;
            for (int i = 0; i < stream.length; i++) stream[i] = (byte) (i % 251);
            int listener = Sockets.tcpSocket();
            int primary;
            try {
                Sockets.setInt(listener, LibC.IPPROTO_TCP, TcpRepair.TCP_MAXSEG, MSS, "TCP_MAXSEG");
                Sockets.bind(listener, new InetSocketAddress(serverIp, 0));
                Sockets.listen(listener, 1);
                client = Sockets.tcpSocket();
                Sockets.setInt(client, LibC.IPPROTO_TCP, TcpRepair.TCP_MAXSEG, MSS, "TCP_MAXSEG");
                if (clientIp != null) Sockets.bind(client, new InetSocketAddress(clientIp, 0));
                Sockets.connect(client, Sockets.localAddress(listener));
                primary = Sockets.accept(listener);
            } finally {
                Sockets.close(listener); // the restored socket binds the same address
            }
            Thread w = new Thread(() -> {
                try { Sockets.writeFully(primary, stream, 0, SENT); } catch (IOException e) { throw new IllegalStateException(e); }
            });
            w.start();
            byte[] first = readClient(SENT, 5000);
            assertEquals(SENT, first.length);
            assertArrayEquals(Arrays.copyOfRange(stream, 0, SENT), first);
            try { w.join(5000); } catch (InterruptedException e) { throw new IllegalStateException(e); }
            if (settle > 0) {
                try { Thread.sleep(100); } catch (InterruptedException e) { throw new IllegalStateException(e); }
                Sockets.writeFully(primary, stream, SENT, settle);
                assertEquals(settle, readClient(settle, 5000).length);
            }
            state = TcpRepair.dump(primary); // leaves it in repair mode: closing sends nothing
            Sockets.close(primary);
        }

        /** The replica's unacknowledged output as the takeover sees it: from the stale ACK on, 64 KB past the primary. */
        byte[] unacked() { return Arrays.copyOfRange(stream, SENT - STALE, SENT + NEW); }

        /** The dumped state, but with the client's last ACK as the tap saw it, 200 KB back; {@code sendQueue} queued as sent. */
        ConnectionState stale(byte[] sendQueue) {
            ConnectionState s = state;
            int sentEnd = s.sndUna() + s.sendQueue().length; // the client's own last ACK may lag a little too
            return new ConnectionState(s.local(), s.remote(), sentEnd - STALE, s.rcvNxt(), s.mss(), s.sndWscale(),
                    s.rcvWscale(), s.sack(), s.timestamps(), s.tsVal() + 10, s.sndWnd(), s.rcvWnd(), sendQueue, new byte[0]);
        }

        /** Reads up to n bytes from the client socket within ms; fewer if the time runs out. */
        byte[] readClient(int n, long ms) throws IOException {
            byte[] timeout = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(0).putLong(100_000).array();
            Sockets.set(client, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, timeout, "SO_RCVTIMEO");
            byte[] out = new byte[n];
            byte[] buf = new byte[64 * 1024];
            int have = 0;
            long end = System.nanoTime() + ms * 1_000_000;
            while (have < n && System.nanoTime() < end) {
                int got;
                try {
                    got = (int) LibC.INSTANCE.read(client, buf, Math.min(buf.length, n - have));
                } catch (com.sun.jna.LastErrorException e) {
                    if (e.getErrorCode() == LibC.EAGAIN || e.getErrorCode() == LibC.EINTR) continue;
                    throw Sockets.io("read", e);
                }
                if (got <= 0) throw new IOException("client connection ended after " + have + " bytes");
                System.arraycopy(buf, 0, out, have, got);
                have += got;
            }
            return Arrays.copyOf(out, have);
        }

        @Override
        public void close() {
            if (restored >= 0) closeSilently(restored);
            Sockets.close(client);
        }

        /** Closes a socket without a FIN or RST reaching the client: repair mode first. */
        static void closeSilently(int fd) {
            try {
                Sockets.setInt(fd, LibC.IPPROTO_TCP, TcpRepair.TCP_REPAIR, TcpRepair.TCP_REPAIR_ON, "TCP_REPAIR on");
            } catch (IOException e) {
                // closing anyway
            }
            Sockets.close(fd);
        }
    }
}
