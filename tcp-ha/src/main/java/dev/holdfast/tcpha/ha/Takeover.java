package dev.holdfast.tcpha.ha;

import dev.holdfast.tcpha.posix.GratuitousArp;
import dev.holdfast.tcpha.posix.LibC;
import dev.holdfast.tcpha.posix.Sockets;
import dev.holdfast.tcpha.rig.Cmd;
import dev.holdfast.tcpha.repair.ConnectionState;
import dev.holdfast.tcpha.repair.TcpRepair;
import dev.holdfast.tcpha.tap.ReplicaConnection;
import dev.holdfast.tcpha.tap.TcpTap;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The backup becomes the server: fence the primary, stop the tap, let every replica catch up, take the VIP, re-create
 * each connection with TCP_REPAIR (same 4-tuple, sequence numbers, options, windows, timestamp clock; the replica's
 * unacknowledged output queued again), leave repair mode, announce the VIP with a gratuitous ARP, and prompt each
 * client at once so it need not wait for its retransmission timer.
 */
public final class Takeover {
    private static final System.Logger LOG = System.getLogger(Takeover.class.getName());

    /**
     * holdBeforeArpMs: a test hook, 0 in service: waits that long between restoring the connections and announcing
     * the VIP, as a takeover of many connections on a loaded host does; client segments sent in that hole (after the
     * tap stopped, before the client's ARP entry moved) reach nobody.
     */
    public record Options(String ifName, Inet4Address vip, int port, TcpRepair.UnackedOutput unacked,
                          boolean windowProbe, boolean reprobeAfterArp, int fallbackServerWscale, boolean vipOnLoopback,
                          int holdBeforeArpMs) {
        public Options(String ifName, Inet4Address vip, int port, TcpRepair.UnackedOutput unacked,
                       boolean windowProbe, boolean reprobeAfterArp, int fallbackServerWscale, boolean vipOnLoopback) {
            this(ifName, vip, port, unacked, windowProbe, reprobeAfterArp, fallbackServerWscale, vipOnLoopback, 0);
        }
    }

    /**
     * Timestamp clock margin when the tap saw only the client's TSecr (the primary's clock, late by the tap's
     * backlog). It is not free: a client ACK for bytes queued as sent in repair mode gives the socket its first RTT
     * sample from the timestamps alone (Linux treats repaired segments as retransmitted: no send-time sample), and
     * that sample is our clock minus the client's TSecr, margin included: 10 s made the RTO about 30 s (session 13).
     */
    static final int TS_MARGIN_MS = 10_000;
    /** Margin when the primary's own TSval was seen on the tap: the rounding of the two millisecond clocks. */
    static final int TS_MARGIN_SEEN_MS = 2;
    /**
     * The RTT seed (TcpRepair.RTT_SEED_BYTES) is used only when the first sample it gives, our timestamp clock minus
     * the client's TSecr (the primary's clock as the client last echoed it), is at most this: the RTO it sets is
     * about the sample + max(2 x the sample, 200 ms), better than the fresh socket's 1-3 s only for short samples
     * (a short heartbeat: at hb 10 x 5 the primary's last TSval is 50-80 ms old at the restore).
     */
    static final int RTT_SEED_MAX_SAMPLE_MS = 400;
    /** Unacknowledged output up to this size fits an empty socket send buffer: written inline at the takeover. */
    static final int SMALL_UNACKED = 16 * 1024;
    private final Options o;
    public final Map<String, Long> timingsUs = new LinkedHashMap<>();
    public final List<Integer> sockets = new ArrayList<>();
    private final List<ReplicaConnection> taken = new ArrayList<>();
    public int restored, skipped, failed;
    /** Connections whose client bytes the backup lacks for good (tap loss, primary gone before the fetch): reset. */
    public int resetForMissingInput;
    private final List<Integer> toReset = new ArrayList<>();
    /** The listening socket for connections opened after the takeover. */
    public int listenFd = -1;

    private final GratuitousArp arp;
    private final TakenOverReaders readers;

    /** Made before it is needed: the ARP socket is opened and the classes are loaded ahead of a failure. */
    public Takeover(Options o) throws IOException {
        this.o = o;
        this.arp = new GratuitousArp(o.ifName(), o.vip());
        this.readers = new TakenOverReaders();
    }

    public void run(Fence fence, TcpTap tap) throws Exception { run(fence, tap, System.nanoTime()); }

    /** The takeover; {@code t0} (nanoTime) is when the failure was detected: the timings count from there. */
    public void run(Fence fence, TcpTap tap, long t0) throws Exception {
        mark("fence_start", t0);
        fence.fence();
        mark("fenced", t0);
        tap.stop(1000);
        mark("tap_stopped", t0);
        for (ReplicaConnection c : tap.connections()) {
            if (!c.drain(500)) LOG.log(Level.WARNING, "replica of port {0} did not catch up in 500 ms", c.clientPort);
        }
        mark("replicas_drained", t0);
        if (o.vipOnLoopback()) {
            // the VIP is already on lo (see VipOnLoopback); from now on answer ARP for it on the service port too
            VipOnLoopback.answerArp(o.ifName());
        } else {
            Cmd.run("ip", "addr", "add", o.vip().getHostAddress() + "/24", "dev", o.ifName());
        }
        mark("vip_added", t0);
        // the listener for new connections first: once the repaired sockets hold VIP:port, a later bind would fail
        listenFd = Sockets.tcpSocket();
        Sockets.setInt(listenFd, LibC.SOL_SOCKET, LibC.SO_REUSEADDR, 1, "SO_REUSEADDR");
        Sockets.setInt(listenFd, LibC.SOL_SOCKET, LibC.SO_REUSEPORT, 1, "SO_REUSEPORT");
        Sockets.bind(listenFd, new InetSocketAddress(o.vip(), o.port()));
        Sockets.listen(listenFd, 1024);
        mark("listening", t0);
        List<ReplicaConnection> todo = new ArrayList<>();
        for (ReplicaConnection c : tap.connections()) {
            if (!c.serverIsnKnown() || c.rstSeen()) skipped++; else todo.add(c);
        }
        // one restorer per CPU: a restore is a dozen system calls, and the clients wait for the last one (the VIP
        // can only be announced once every connection exists: a segment for a 4-tuple without a socket draws an RST)
        int[] fds = new int[todo.size()];
        int workers = todo.size() < PARALLEL_FROM ? 1 : Math.min(Runtime.getRuntime().availableProcessors(), 8);
        if (workers == 1) {
            restoreRange(todo, fds, 0, 1); // a few connections: a thread start would cost more than it saves
        } else {
            List<Thread> restorers = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                Thread r = new Thread(new Restorer(todo, fds, w, workers), "restore-" + w);
                r.start();
                restorers.add(r);
            }
            for (Thread r : restorers) r.join();
        }
        for (int i = 0; i < fds.length; i++) {
            if (fds[i] < 0) { failed++; continue; }
            if (todo.get(i).missingInput()) {
                // carrying it on would stall it for ever (the client waits for an answer to bytes we never got);
                // an RST at least tells the client, once the VIP is ours (its answer to the RST must reach us)
                LOG.log(Level.WARNING, "connection from port {0}: client bytes lost on the tap and the primary is gone: resetting it",
                        todo.get(i).clientPort);
                toReset.add(fds[i]);
                resetForMissingInput++;
                continue;
            }
            sockets.add(fds[i]);
            taken.add(todo.get(i));
            restored++;
        }
        mark("connections_restored", t0);
        if (o.holdBeforeArpMs() > 0) Thread.sleep(o.holdBeforeArpMs());
        arp.announce(1);
        mark("arp_announced", t0);
        for (int fd : toReset) Sockets.abort(fd);
        if (o.reprobeAfterArp()) {
            // toggling repair mode on an established socket sends another window probe on leaving it: its ACK comes
            // back to our MAC now, and the probe itself tells the client our rcv_nxt (so it stops retransmitting)
            // under the output's lock: a send() while the socket is in repair mode would fail and lose the bytes
            for (int i = 0; i < taken.size(); i++) {
                synchronized (taken.get(i).output) {
                    try {
                        Sockets.setInt(sockets.get(i), LibC.IPPROTO_TCP, TcpRepair.TCP_REPAIR, TcpRepair.TCP_REPAIR_ON, "TCP_REPAIR on");
                        Sockets.setInt(sockets.get(i), LibC.IPPROTO_TCP, TcpRepair.TCP_REPAIR, TcpRepair.TCP_REPAIR_OFF, "TCP_REPAIR off");
                    } catch (IOException e) {
                        LOG.log(Level.WARNING, "re-probe failed: {0}", e.getMessage());
                    }
                }
            }
            mark("reprobed", t0);
        }
        for (ReplicaConnection c : taken) c.promptAtTakeover = c.output.writeAhead(promptBytes(c.output.pendingBytes(), clientWindowBytes(c), c.mss));
        mark("prompted", t0);
        // only now (VIP announced, sockets out of repair mode for good) the unacknowledged output goes out: a
        // small one (a reply in flight) right here, a large one (bulk) on a thread of its own, since it may block
        // until the client takes it
        for (ReplicaConnection c : taken) {
            if (c.output.pendingBytes() <= SMALL_UNACKED) {
                c.output.flushPending();
            } else {
                Thread w = new Thread(c.output::flushPending, "unacked-" + c.clientPort);
                w.setDaemon(true);
                w.start();
            }
        }
        mark("unacked_written", t0);
        for (int i = 0; i < taken.size(); i++) readers.add(taken.get(i), sockets.get(i));
        mark("readers_started", t0);
        // the clients are served again: what this thread does from here on (logging, the accept loop) is ordinary
        // work, and a real-time thread doing it kept a CPU from the replica and the readers
        dev.holdfast.tcpha.posix.RealtimeThread.lower();
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < todo.size(); i++) {
            ReplicaConnection c = todo.get(i);
            if (fds[i] < 0) { log.append("restored failed: port ").append(c.clientPort).append('\n'); continue; }
            log.append("restored ").append(stateOf(c, new byte[0])).append(" unacked=").append(c.unackedAtTakeover)
                    .append(" primary_sent_past_ack=").append(c.primarySentPastAck()).append(" queued_as_sent=")
                    .append(c.queuedAtTakeover).append(" prompt=").append(c.promptAtTakeover)
                    .append(" rtt_seed=").append(c.rttSeedAtTakeover).append(" expected_rtt_sample_ms=")
                    .append(c.expectedRttSampleMsAtTakeover).append('\n');
        }
        System.out.print(log);
    }

    static final int PARALLEL_FROM = 32;

    /**
     * Whether leaving repair mode at the restore sends a window probe. Not when the takeover re-probes after the
     * ARP: the client's answer to this one goes to the old MAC, and it uses up the client's allowance of one answer
     * to an out-of-window segment per 500 ms (Linux, net.ipv4.tcp_invalid_ratelimit; a window probe's sequence
     * number is one below the client's rcv_nxt), so the re-probe 30-300 ms later went unanswered (session 12's
     * capture of a 3 s failover: the probe answered to the old MAC, the re-probe after the ARP not at all).
     */
    private boolean probeOnRepair() { return o.windowProbe() && !o.reprobeAfterArp(); }

    /**
     * How many of a connection's pending (unacknowledged, not yet sent) output bytes to write ahead of the rest right
     * after the ARP: at least one when the client's window, as the tap last saw it, is below a segment, else none.
     * <p>Such a socket sends nothing when the output is written: the kernel sends a segment only if a whole one fits
     * the window, and otherwise waits for the client's window update or its own persist timer, whose first expiry
     * on a re-created socket (no RTT sample) is 3 s. A slow reader's window update sent between the tap's stop and
     * the ARP reaches nobody, and a pure window probe may draw no answer (rate-limited, see {@link #probeOnRepair}):
     * the soak's 3 s failovers (session 11, 5 of 20 drills; the restored window was 1 byte in all five). A few
     * bytes that fit the window go out at once: a zero-window probe that carries data (RFC 9293 3.8.6.1), which the
     * client always answers with its current window (a closed window drops the data and acknowledges, and Linux
     * never rate-limits the answer to a segment with data); an open one takes the bytes, the next in the stream.
     */
    static int promptBytes(int pending, long clientWindowBytes, int mss) {
        if (pending <= 0 || clientWindowBytes >= mss) return 0;
        return (int) Math.min(pending, Math.max(1, clientWindowBytes));
    }

    /** The client's receive window as the tap last saw it, in bytes (its field scaled by the client's shift). */
    private int clientWindowBytes(ReplicaConnection c) {
        return scaling(c) ? c.clientWindow() << c.clientWscale : c.clientWindow();
    }

    /** Window scaling is on when both sides offered it (the server's offer from the SYN-ACK, else our kernel's). */
    private boolean scaling(ReplicaConnection c) {
        return c.clientWscale >= 0 && serverWscale(c) >= 0;
    }

    private int serverWscale(ReplicaConnection c) { return c.synAckSeen() ? c.serverWscale() : o.fallbackServerWscale(); }

    private final class Restorer implements Runnable {
        private final List<ReplicaConnection> todo;
        private final int[] fds;
        private final int first, step;

        Restorer(List<ReplicaConnection> todo, int[] fds, int first, int step) {
            this.todo = todo; this.fds = fds; this.first = first; this.step = step;
        }

        @Override public void run() { restoreRange(todo, fds, first, step); }
    }

    private void restoreRange(List<ReplicaConnection> todo, int[] fds, int first, int step) {
        for (int i = first; i < fds.length; i += step) fds[i] = restoreOne(todo.get(i));
    }

    /** Re-creates one connection; returns its fd, or -1 (logged) if the kernel refused. */
    private int restoreOne(ReplicaConnection c) {
        try {
            synchronized (c.output) {
                int unacked = c.output.unacknowledgedBytes();
                c.unackedAtTakeover = unacked;
                int fd;
                ConnectionState probe = stateOf(c, new byte[0]);
                int expected = expectedRttSampleMs(c, probe.tsVal());
                boolean seed = expected >= 0 && expected <= RTT_SEED_MAX_SAMPLE_MS;
                c.expectedRttSampleMsAtTakeover = expected;
                c.rttSeedAtTakeover = seed ? TcpRepair.RTT_SEED_BYTES : 0;
                if (o.unacked() == TcpRepair.UnackedOutput.REPAIR_SEND_QUEUE) {
                    fd = TcpRepair.restore(stateOf(c, c.output.unacknowledged()), o.unacked(), false, probeOnRepair(), seed);
                    c.output.attach(fd, new byte[0]);
                } else {
                    // what the primary already put on the wire goes in the repair-mode send queue, counted as sent
                    // (see queuedAsSent: else a client that has it acknowledges past our snd_nxt and the kernel
                    // drops every such ACK); the rest is written once the VIP is announced, by a writer thread for
                    // a large one (bulk), which must not hold up the other connections' takeover
                    int sndWnd = probe.sndWnd();
                    int queued = o.unacked() == TcpRepair.UnackedOutput.WRITE_ALL_AFTER_REPAIR ? 0
                            : queuedAsSent(unacked, c.primarySentPastAck(), sndWnd, c.mss);
                    byte[] sent = c.output.unacknowledged(0, queued);
                    fd = TcpRepair.restore(stateOf(c, sent), TcpRepair.UnackedOutput.REPAIR_SEND_QUEUE, false, probeOnRepair(), seed);
                    c.output.attachAfter(fd, queued); // the rest stays where it is (no copy of megabytes here)
                    c.queuedAtTakeover = queued;
                }
                return fd;
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "could not take over the connection from port " + c.clientPort, e);
            return -1;
        }
    }

    /**
     * A first flight of this many segments is safe to write after the repair (the kernel's initial congestion window
     * is 10): it reaches past every byte the client can hold.
     */
    static final int FIRST_FLIGHT_SEGMENTS = 8;

    /**
     * How many of a connection's {@code unacked} bytes (from the client's last ACK the tap saw on) go into the
     * repair-mode send queue, counted as sent, rather than being written after the repair as new data.
     * <p>The client may hold more than its last ACK says: bytes the primary sent whose ACK was delayed (a client
     * that does not read as fast as it receives acknowledges only on its delayed-ACK timer, 40-200 ms) or sent after
     * the tap stopped. Its next ACK then acknowledges past the re-created socket's snd_nxt if we have not sent that
     * far yet, and Linux drops such an ACK unread (TCP_ACK_UNSENT_DATA, RFC 9293 3.10.7.4; at most a rate-limited
     * challenge ACK goes back, TcpExtTCPChallengeACK): written
     * as new data, only a first flight goes out (the initial congestion window), the client answers it with ACKs we
     * drop, the congestion window never opens, and every retransmission draws the same answer; the connection hangs
     * (session 9: a bulk reply left the client waiting 120 s). Queued as sent, snd_nxt covers everything the primary
     * sent, the client's ACK is taken (its answer to the window probe after the ARP), and what it still lacks is
     * retransmitted on the timer (0.45-0.9 s in TakeoverRestoreTest once that ACK gave an RTT sample; a fresh socket's
     * first timeout is 3 s).
     * <p>What the primary sent is read from its segments' headers on the tap ({@code primarySentPastAck}); a tap that
     * sees only the client's side (-1) bounds it by the client's window. Up to a first flight
     * ({@link #FIRST_FLIGHT_SEGMENTS}) everything is written after the repair as before: it reaches past what the
     * client can hold, and a reply the client never got (lost with the primary) goes out at once instead of on the
     * fresh socket's 3 s first retransmission timeout.
     */
    static int queuedAsSent(int unacked, long primarySentPastAck, int clientWindowBytes, int mss) {
        long onTheWire = primarySentPastAck >= 0 ? primarySentPastAck : clientWindowBytes;
        if (onTheWire <= (long) FIRST_FLIGHT_SEGMENTS * mss) return 0;
        return (int) Math.min(unacked, onTheWire);
    }

    private void mark(String what, long t0) { timingsUs.put(what, (System.nanoTime() - t0) / 1000); }

    ConnectionState stateOf(ReplicaConnection c, byte[] unacked) {
        int serverWscale = serverWscale(c);
        boolean scaling = scaling(c);
        int sndWnd = clientWindowBytes(c);
        int rcvWnd = c.serverWindow() >= 0 ? c.serverWindow() << (scaling ? serverWscale : 0) : 65535;
        byte[] ip = ByteBuffer.allocate(4).putInt(c.clientIp).array();
        InetSocketAddress remote;
        try {
            remote = new InetSocketAddress(java.net.InetAddress.getByAddress(ip), c.clientPort);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        return new ConnectionState(new InetSocketAddress(o.vip(), o.port()), remote, c.lastAck(), c.input().nextSeq(),
                c.mss, scaling ? c.clientWscale : -1, scaling ? serverWscale : 0, c.sack, c.timestamps,
                tsClock(c, System.nanoTime()), Math.max(sndWnd, 1), Math.max(rcvWnd, 1024), unacked, new byte[0]);
    }

    /**
     * The restored socket's timestamp clock. It must not run behind the primary's, or the client's PAWS check drops
     * what we send (a forward jump is harmless: RFC 7323 only rejects values behind TS.Recent); and every ms it runs
     * ahead is added to the first RTT sample the timestamps give (see TS_MARGIN_MS). From the primary's own newest
     * TSval on the tap plus the time since (the tap is drained after the fence: nothing newer reached a client), or
     * the client's newest TSecr plus the time since, whichever is ahead; only with neither of the primary's own seen,
     * the wide margin.
     */
    static int tsClock(ReplicaConnection c, long nowNanos) {
        return tsClock(c.lastTsEcr(), c.lastTsEcrNanos(), c.lastServerTsVal(), c.lastServerTsValNanos(), nowNanos);
    }

    /** As above, from the tap's figures (a time of 0: never seen); TSvals compare with wrap-around (RFC 7323). */
    static int tsClock(int lastTsEcr, long lastTsEcrNanos, int lastServerTsVal, long lastServerTsValNanos, long nowNanos) {
        int fromEcr = lastTsEcr + (int) ((nowNanos - lastTsEcrNanos) / 1_000_000);
        if (lastServerTsValNanos == 0) return fromEcr + TS_MARGIN_MS + 1;
        int fromServer = lastServerTsVal + (int) ((nowNanos - lastServerTsValNanos) / 1_000_000);
        return (lastTsEcrNanos != 0 && fromEcr - fromServer > 0 ? fromEcr : fromServer) + TS_MARGIN_SEEN_MS;
    }

    /** The first RTT sample the seed would give (ms: our clock minus the client's newest TSecr), or -1 without timestamps. */
    static int expectedRttSampleMs(ReplicaConnection c, int tsClock) {
        if (!c.timestamps || c.lastTsEcrNanos() == 0) return -1; // no timestamps: a repaired segment gives no sample
        return tsClock - c.lastTsEcr();
    }

}
