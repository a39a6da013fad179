package dev.holdfast.sim.rtp;

import dev.holdfast.sim.media.MediaNetwork;
import dev.holdfast.sim.media.MediaSocket;
import dev.holdfast.sim.time.SimScheduler;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * One end of a talk path: sends small RTP packets (RFC 3550 header: V=2, the payload type from SDP, sequence
 * numbers, timestamps, SSRC) to the remote address it was given, receives the peer's, and knows whether the path
 * is up both ways. Every payload carries a {@link ProbeReport} (which SSRC we hear and how recently), so each end
 * learns whether its own packets arrive.
 *
 * <p>All state lives on the media network's scheduler thread: the socket delivers there, timers fire there, and
 * the setters hop there. {@link #stats()} may be called from any thread (it reads published values). Many
 * thousands of probes share one scheduler: a probe costs a socket and one timer, no thread.
 */
public final class TalkPathProbe implements AutoCloseable {
    private final SimScheduler scheduler;
    private final MediaSocket socket;
    private final int ssrc;
    private ProbeConfig config;
    private InetSocketAddress remote;
    private int payloadType;
    private boolean sending = true;
    private boolean hearing = true;
    private boolean closed;

    // sending
    private int sequence;
    private long timestamp;
    private long nextDueNanos;
    private SimScheduler.Cancellable sendTimer;

    // receiving from the current peer
    private int peerSsrc;
    private ReceiveStatistics current;
    private long totalReceivedBefore;
    private long totalLostBefore;
    private long totalGapsBefore;
    private long totalLateBefore;
    private long totalDuplicatesBefore;
    private long totalExpectedBefore;
    /** Gap and loss since the drill's mark (see {@link #mark}). */
    private final GapWindow window = new GapWindow();

    // published for stats() from any thread
    private volatile long packetsSent;
    private volatile long octetsSent;
    private volatile long packetsReceived;
    private volatile long octetsReceived;
    private volatile long gaps;
    private volatile long lost;
    private volatile long late;
    private volatile long duplicates;
    private volatile long strangerPackets;
    private volatile double jitterUnits;
    private volatile long lastReceivedNanos = Long.MIN_VALUE;
    private volatile long peerHeardUsAtNanos = Long.MIN_VALUE;
    private volatile boolean hearingPublished = true;
    private volatile ProbeConfig configPublished;
    private volatile boolean markedPublished;
    private volatile long windowGapNanos;
    private volatile long windowLastArrivalNanos = Long.MIN_VALUE;
    private volatile long windowMarkNanos;
    private volatile long windowLost;
    private volatile long windowReceived;

    private TalkPathProbe(MediaNetwork network, InetAddress address, ProbeConfig config, int payloadType,
                          RandomGenerator random) throws IOException {
        this.scheduler = network.scheduler();
        this.config = Objects.requireNonNull(config);
        this.configPublished = config;
        this.payloadType = payloadType;
        this.ssrc = random.nextInt();
        this.sequence = random.nextInt(1 << 16);
        this.timestamp = random.nextLong(1L << 32);
        this.socket = network.open(address, this::onDatagram);
    }

    /**
     * Opens a probe on a fresh port of {@code address}. It sends nothing until it has a remote address.
     *
     * @param payloadType the RTP payload type to send (from the SDP m= line)
     */
    public static TalkPathProbe open(MediaNetwork network, InetAddress address, ProbeConfig config, int payloadType,
                                     RandomGenerator random) throws IOException {
        return new TalkPathProbe(network, address, config, payloadType, random);
    }

    /** The address and port this end receives on (and sends from). */
    public InetSocketAddress localAddress() { return socket.localAddress(); }

    public int ssrc() { return ssrc; }

    /** Sets (or with null, clears) the peer: packets go there and only packets from there count. */
    public void setRemote(InetSocketAddress remote) {
        scheduler.run(() -> {
            if (closed || Objects.equals(this.remote, remote)) return;
            this.remote = remote;
            resetPeer();
            reschedule();
        });
    }

    /** Whether media may leave this end (the termination's mode and the context's topology allow it). */
    public void setSending(boolean sending) {
        scheduler.run(() -> {
            if (closed || this.sending == sending) return;
            this.sending = sending;
            reschedule();
        });
    }

    /** Whether media that arrives is passed on (and reported to the peer as heard). */
    public void setHearing(boolean hearing) {
        scheduler.run(() -> {
            this.hearing = hearing;
            this.hearingPublished = hearing;
        });
    }

    public void setPayloadType(int payloadType) {
        if (payloadType < 0 || payloadType > 127) throw new IllegalArgumentException("payload type " + payloadType);
        scheduler.run(() -> this.payloadType = payloadType);
    }

    /** Changes the rate (and downAfter) from now on. */
    public void setConfig(ProbeConfig config) {
        Objects.requireNonNull(config);
        scheduler.run(() -> {
            if (closed) return;
            this.config = config;
            this.configPublished = config;
            if (sendTimer != null) {
                sendTimer.cancel();
                sendTimer = null;
            }
            reschedule();
        });
    }

    public ProbeConfig config() { return configPublished; }

    /** Completes once every change requested before this call has been applied on the probe's thread. */
    public java.util.concurrent.CompletableFuture<Void> settled() {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        scheduler.run(() -> done.complete(null));
        return done;
    }

    /**
     * Starts a new window for the largest gap between received packets and the packets lost (a failover drill marks
     * just before it kills the controller). Returns once the mark is in place.
     */
    public java.util.concurrent.CompletableFuture<Void> mark() {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        scheduler.run(() -> {
            window.mark(scheduler.nanoTime(), totalExpected(), totalReceived());
            windowMarkNanos = scheduler.nanoTime();
            markedPublished = true;
            publishWindow();
            done.complete(null);
        });
        return done;
    }

    /** Stops sending and releases the port; the statistics stay readable. */
    @Override public void close() {
        scheduler.run(() -> {
            if (closed) return;
            closed = true;
            if (sendTimer != null) sendTimer.cancel();
            sendTimer = null;
            socket.close();
        });
    }

    // ------------------------------------------------------------------------------------------------ sending

    private void reschedule() {
        boolean shouldSend = !closed && sending && remote != null;
        if (!shouldSend) {
            if (sendTimer != null) sendTimer.cancel();
            sendTimer = null;
            return;
        }
        if (sendTimer == null) {
            nextDueNanos = scheduler.nanoTime();
            sendTimer = scheduler.schedule(this::sendTick, Duration.ZERO);
        }
    }

    private void sendTick() {
        sendTimer = null;
        if (closed || !sending || remote == null) return;
        sendOne();
        long interval = config.interval().toNanos();
        nextDueNanos += interval;
        long now = scheduler.nanoTime();
        if (nextDueNanos < now - interval) nextDueNanos = now; // we fell far behind (a stall): do not burst
        sendTimer = scheduler.schedule(this::sendTick, Duration.ofNanos(Math.max(0, nextDueNanos - now)));
    }

    private void sendOne() {
        byte[] packet = new byte[RtpHeader.LENGTH + config.payloadSize()];
        new RtpHeader(false, payloadType, sequence, timestamp, ssrc).write(packet, 0);
        report().write(packet, RtpHeader.LENGTH);
        socket.send(remote, packet);
        sequence = (sequence + 1) & 0xFFFF;
        timestamp = (timestamp + config.timestampStep()) & 0xFFFFFFFFL;
        packetsSent = packetsSent + 1;
        octetsSent = octetsSent + config.payloadSize();
    }

    private ProbeReport report() {
        if (!hearing || lastReceivedNanos == Long.MIN_VALUE) return ProbeReport.nothingHeard();
        long ageMillis = (scheduler.nanoTime() - lastReceivedNanos) / 1_000_000;
        return new ProbeReport(peerSsrc, Math.max(0, ageMillis));
    }

    // ------------------------------------------------------------------------------------------------ receiving

    private void onDatagram(InetSocketAddress from, byte[] datagram) {
        if (closed) return;
        RtpHeader h = remote != null && remote.equals(from) ? RtpHeader.read(datagram) : null;
        if (h == null) {
            strangerPackets = strangerPackets + 1;
            return;
        }
        long now = scheduler.nanoTime();
        boolean newSource = current == null || h.ssrc() != peerSsrc;
        if (newSource) {
            foldCurrent();
            current = new ReceiveStatistics();
            peerSsrc = h.ssrc();
        }
        long arrivalUnits = (long) (now / 1e9 * config.clockRate());
        current.packet(h.sequence(), h.timestamp(), arrivalUnits);
        int payloadOffset = RtpHeader.payloadOffset(datagram);
        octetsReceived = octetsReceived + (datagram.length - payloadOffset);
        lastReceivedNanos = now;
        window.packet(now);
        ProbeReport r = ProbeReport.read(datagram, payloadOffset);
        if (r != null && r.heardAnything() && r.heardSsrc() == ssrc) {
            peerHeardUsAtNanos = now - r.ageMillis() * 1_000_000;
        } else if (r != null) {
            peerHeardUsAtNanos = Long.MIN_VALUE; // the peer says it does not hear us (now)
        }
        publishReceive();
        // the first packet of a new source is answered at once, with a report that says we hear it: the peer learns
        // that its packets arrive one round trip after its first one, not a whole interval later (250 ms at the
        // few packets per second of a load run's calls, during which every call waits for its talk path)
        if (newSource && hearing && sending && remote != null) sendOne();
    }

    /** A new peer (or a new source at the peer): counting per source starts afresh, totals carry on. */
    private void resetPeer() {
        foldCurrent();
        current = null;
        lastReceivedNanos = Long.MIN_VALUE;
        peerHeardUsAtNanos = Long.MIN_VALUE;
    }

    private void foldCurrent() {
        if (current == null) return;
        totalReceivedBefore += current.received();
        totalLostBefore += current.lost();
        totalGapsBefore += current.gaps();
        totalLateBefore += current.late();
        totalDuplicatesBefore += current.duplicates();
        totalExpectedBefore += current.expected();
        current = null;
        publishReceive();
    }

    private void publishReceive() {
        ReceiveStatistics c = current;
        packetsReceived = totalReceivedBefore + (c == null ? 0 : c.received());
        lost = totalLostBefore + (c == null ? 0 : c.lost());
        gaps = totalGapsBefore + (c == null ? 0 : c.gaps());
        late = totalLateBefore + (c == null ? 0 : c.late());
        duplicates = totalDuplicatesBefore + (c == null ? 0 : c.duplicates());
        if (c != null) jitterUnits = c.jitter();
        publishWindow();
    }

    private long totalExpected() { return totalExpectedBefore + (current == null ? 0 : current.expected()); }

    private long totalReceived() { return totalReceivedBefore + (current == null ? 0 : current.received()); }

    /** The window's figures for readers on other threads; the open gap is added at reading time. */
    private void publishWindow() {
        if (!window.marked()) return;
        // the largest closed gap: the open one is computed by the reader from the last arrival
        windowGapNanos = window.closedMaxGapNanos();
        windowLastArrivalNanos = window.lastArrivalNanos();
        windowLost = window.lostSinceMark(totalExpected(), totalReceived());
        windowReceived = window.receivedSinceMark(totalReceived());
    }

    // ------------------------------------------------------------------------------------------------ reading

    /** A snapshot; callable from any thread. */
    public ProbeStats stats() {
        long now = scheduler.nanoTime();
        long down = configPublished.downAfter().toNanos();
        long lastRx = lastReceivedNanos;
        long heardAt = peerHeardUsAtNanos;
        boolean weHear = hearingPublished && lastRx != Long.MIN_VALUE && now - lastRx <= down;
        boolean peerHears = heardAt != Long.MIN_VALUE && now - heardAt <= down;
        return new ProbeStats(packetsSent, octetsSent, packetsReceived, octetsReceived, gaps, lost, late, duplicates,
                strangerPackets, jitterUnits * 1000.0 / configPublished.clockRate(), weHear, peerHears,
                lastRx == Long.MIN_VALUE ? -1 : (now - lastRx) / 1_000_000, markedPublished,
                markedPublished ? windowGap(now) / 1e6 : 0, windowLost, windowReceived);
    }

    /** The largest gap since the mark, a silence going on now included. */
    private long windowGap(long now) {
        long last = windowLastArrivalNanos;
        long open = last == Long.MIN_VALUE ? now - windowMarkNanos : now - last;
        return Math.max(windowGapNanos, open);
    }

    /**
     * Packets from the expected peer both ways, recently: what {@code stats().talkPathUp()} says, without the
     * snapshot (a load generator asks this of every call setting up, many times a second).
     */
    public boolean talkPathUp() {
        long now = scheduler.nanoTime();
        long down = configPublished.downAfter().toNanos();
        long lastRx = lastReceivedNanos;
        long heardAt = peerHeardUsAtNanos;
        return hearingPublished && lastRx != Long.MIN_VALUE && now - lastRx <= down
                && heardAt != Long.MIN_VALUE && now - heardAt <= down;
    }
}
