package dev.holdfast.tcpha.tap;

import dev.holdfast.tcpha.app.StreamApplication;

import java.lang.System.Logger.Level;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One client connection as the backup knows it from the tap: what the handshake negotiated, the client's latest
 * ACK, window and timestamps, the in-order client byte stream, and the replica session fed with it (on its own
 * thread, so a replica blocked on its output never stalls the tap).
 */
public final class ReplicaConnection {
    private static final System.Logger LOG = System.getLogger(ReplicaConnection.class.getName());
    private static final byte[] END = new byte[0];

    public final int clientIp, clientPort;
    public final int clientIsn, mss, clientWscale;
    public final boolean sack, timestamps;
    volatile int serverIsn;
    volatile boolean serverIsnKnown;
    volatile int serverWscale = -1;
    volatile boolean synAckSeen;
    volatile int serverWindow = -1;  // raw window field from the server's segments, if the tap sees them
    /**
     * Sequence number after the last data byte the primary put on the wire (from its segments' headers on the tap),
     * valid once {@link #serverSentKnown}: the client may hold every byte before it, acknowledged or not.
     */
    volatile int serverSentEnd;
    volatile boolean serverSentKnown;
    volatile int lastAck, clientWindow, lastTsEcr, lastClientTsVal;
    volatile long lastTsEcrNanos;
    /** The primary's own timestamp clock: the newest TSval on its segments (headers on the tap), and when seen (0: never). */
    volatile int lastServerTsVal;
    volatile long lastServerTsValNanos;
    volatile boolean finSeen, rstSeen;
    final StreamReassembler input;
    public final ReplicaOutput output;
    private final StreamApplication.Session session;
    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private long enqueued, processed; // guarded by this
    private final Thread thread;

    ReplicaConnection(TcpSegment syn, StreamApplication app, int outputLimit) {
        clientIp = syn.srcIp();
        clientPort = syn.srcPort();
        clientIsn = syn.seq();
        mss = syn.mss() > 0 ? syn.mss() : 536;
        clientWscale = syn.wscale();
        sack = syn.sackPermitted();
        timestamps = syn.hasTimestamp();
        input = new StreamReassembler(syn.seq() + 1, 8 * 1024 * 1024);
        output = new ReplicaOutput(outputLimit);
        session = app.open();
        thread = new Thread(this::run, "replica-" + clientPort);
        thread.setDaemon(true);
        thread.start();
    }

    /** Client bytes at sequence number seq, from the tap or fetched from the primary: reassembled, then delivered. */
    synchronized void acceptClientBytes(int seq, byte[] b, int off, int len) {
        deliver(input.accept(seq, b, off, len));
        endIfFinReached();
    }

    private boolean finPending;
    private int finSeq;

    /**
     * The client's FIN, at sequence number {@code seq} (after its last data byte). Bytes before it may still be
     * missing (lost on the tap, to be fetched from the primary): the replica sees the end of input only once it has
     * every byte before the FIN, or it would close early (or, ignoring the FIN, never close, and the primary's
     * MaxDelayFIN would wait in vain for the replica's close).
     */
    synchronized void clientFin(int seq) {
        if (finSeen || finPending) return;
        finPending = true;
        finSeq = seq;
        endIfFinReached();
    }

    private void endIfFinReached() {
        if (finPending && !finSeen && input.nextSeq() == finSeq) {
            finSeen = true;
            input.acceptFin();
            endOfInput();
        }
    }

    /** Bytes fetched from the primary over the sync channel, at stream offset {@code offset}. */
    public void acceptFromPrimary(long offset, byte[] data) {
        acceptClientBytes(input.firstDataSeq() + (int) offset, data, 0, data.length);
    }

    /**
     * Whether client bytes are known to be missing here for good once the primary is gone: the tap holds bytes
     * after a hole, or the primary reported having read more than the replica has. The primary's kernel
     * acknowledged them, so the client will not send them again: the connection cannot be carried on.
     */
    public synchronized boolean missingInput() {
        return input.hasHole() || (primaryRead >= 0 && primaryRead > input.delivered());
    }

    /** Client bytes the replica has, in order (the offset the backup reports to the primary). */
    public synchronized long delivered() { return input.delivered(); }

    public long syncKey() { return dev.holdfast.tcpha.ha.SyncChannel.key(clientIp, clientPort); }

    /** The sync channel's last READ report from the primary (bytes its application has read), or -1. */
    public volatile long primaryRead = -1;
    /** What the replica had when the primary last reported being ahead of it (a gap older than one sync period). */
    public volatile long deliveredWhenBehind = -1;
    /** The primary application's output bytes written, from the sync channel (-1: not reported yet). */
    public volatile long primaryWritten = -1;
    /** Since when (nanoTime) the replica's output has been ahead of the primary's by more than AppMaxLagBytes; 0: not. */
    public long lagSinceNanos;
    /**
     * The primary's counters when the lag began, and how far its output had been seen on the LAN: any progress since
     * means its application is alive and its output gets out.
     */
    public long lagPrimaryRead, lagPrimaryWritten, lagOnLan;
    /** When the sync channel last reported on this connection (nanoTime). */
    public volatile long primaryReportNanos;
    /** The delivered offset last reported to the primary in a HAS frame (sync channel thread only). */
    public long hasReported = -1;
    /** When the sync client last reported this connection (System.nanoTime): a settled one is reported again now and then. */
    public long reportedAtNanos;
    /** The replica's consumed input last reported to the primary (sync channel thread only). */
    public long consumedReported = -1;
    /** Unacknowledged output bytes the takeover put in the repair-mode send queue as already sent (for the log). */
    public volatile int queuedAtTakeover, unackedAtTakeover;
    /** The restored socket's RTT seed (TcpRepair.RTT_SEED_BYTES) in bytes, 0 if none; and the first RTT sample expected, ms. */
    public volatile int rttSeedAtTakeover, expectedRttSampleMsAtTakeover;
    /** Bytes written ahead of the rest after the ARP to prompt a client whose window was full (Takeover.prompt). */
    public volatile int promptAtTakeover;
    /** The replica's close has been reported to the primary (MaxDelayFIN). */
    public volatile boolean closeReported;

    void deliver(byte[] bytes) {
        if (bytes.length == 0) return;
        synchronized (this) { enqueued += bytes.length; }
        queue.add(bytes);
    }

    void endOfInput() { queue.add(END); }

    private void run() {
        dev.holdfast.tcpha.posix.RealtimeThread.lower(); // started by the tap's real-time processor
        try {
            while (true) {
                byte[] b = queue.take();
                if (b == END) { session.onEndOfInput(output); synchronized (this) { endConsumed = true; } markProcessed(0); return; }
                session.onInput(b, 0, b.length, output);
                markProcessed(b.length);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "replica of connection from port " + clientPort + " failed", e);
        }
    }

    private boolean endConsumed; // guarded by this

    /**
     * Client bytes the replica's application has taken in, plus one once it has also taken in the end of input
     * (the client's FIN counts one, as in TCP's sequence space).
     */
    public synchronized long consumed() { return processed + (endConsumed ? 1 : 0); }

    private synchronized void markProcessed(int n) {
        processed += n;
        notifyAll();
    }

    /** Waits until the replica has consumed every byte delivered so far (or the timeout passes); true if it has. */
    public synchronized boolean drain(long timeoutMs) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        // a replica blocked on its output (the client lags) has taken all it can: its input stays in the queue
        while (processed < enqueued && !output.waitingForAcks()) {
            long left = end - System.currentTimeMillis();
            if (left <= 0) return false;
            wait(Math.min(left, 2));
        }
        return true;
    }

    /** Hands the connection's input over to the re-created socket's reader (after takeover). */
    public void deliverFromSocket(byte[] b) { deliver(b); }

    public void endOfInputFromSocket() { endOfInput(); }

    void clientAcked(int ack) {
        if (!serverIsnKnown) { serverIsn = ack - 1; serverIsnKnown = true; }
        if (ack - lastAck > 0 || lastAck == 0) lastAck = ack;
        output.acknowledged(Integer.toUnsignedLong(lastAck - (serverIsn + 1)));
    }

    public boolean serverIsnKnown() { return serverIsnKnown; }

    public int lastAck() { return lastAck; }

    public int serverWscale() { return serverWscale; }

    public boolean synAckSeen() { return synAckSeen; }

    public boolean rstSeen() { return rstSeen; }

    public int serverWindow() { return serverWindow; }

    /** A data segment of the primary's, seen on the tap: {@code end} is the sequence number after its last byte. */
    void serverSent(int end) {
        if (!serverSentKnown || end - serverSentEnd > 0) { serverSentEnd = end; serverSentKnown = true; }
    }

    /**
     * Bytes past the client's last ACK that the primary had put on the wire (the client may have them all, its ACK
     * for them not yet sent or not yet seen), or -1 if the tap sees none of the server's segments (a mirror of the
     * client's side only).
     */
    public long primarySentPastAck() {
        if (!serverSentKnown) return -1;
        return Math.max(0, serverSentEnd - lastAck);
    }

    public int clientWindow() { return clientWindow; }

    /**
     * Sequence number up to which the primary's output was seen on the service LAN: its segments' headers on the
     * tap, or the client's ACK for them (which also covers a header the tap missed). Valid if {@link #lanSeenKnown}.
     */
    int lanSeenEnd() {
        if (lastAck != 0 && serverSentKnown) return serverSentEnd - lastAck > 0 ? serverSentEnd : lastAck;
        return serverSentKnown ? serverSentEnd : lastAck;
    }

    boolean lanSeenKnown() { return serverIsnKnown && (lastAck != 0 || serverSentKnown); }

    /**
     * Bytes the primary's application wrote (its last WRITTEN report, {@code written}) that were never seen on the
     * service LAN, counted only while the client's last advertised window had room for them (a full window, the
     * client not reading, holds output back legitimately); 0 if none or unknown. In sequence space, so a stream
     * past 4 GB wraps correctly.
     */
    public long primaryOutputNotOnLan(long written) {
        if (written < 0 || !lanSeenKnown() || lastAck == 0) return 0;
        int seen = lanSeenEnd();
        int missing = serverIsn + 1 + (int) written - seen; // modulo 2^32, as sequence numbers are
        if (missing <= 0) return 0;
        int shift = clientWscale >= 0 && (!synAckSeen || serverWscale >= 0) ? clientWscale : 0;
        long window = (long) clientWindow << shift;
        int inFlight = seen - lastAck; // seen at or after lastAck by construction
        return window > inFlight ? missing : 0;
    }

    /** A marker of the primary's output progress on the LAN (changes whenever more of it is seen). */
    public long lanProgress() { return lanSeenKnown() ? lanSeenEnd() : Long.MIN_VALUE; }

    public int lastTsEcr() { return lastTsEcr; }

    public long lastTsEcrNanos() { return lastTsEcrNanos; }

    public int lastServerTsVal() { return lastServerTsVal; }

    public long lastServerTsValNanos() { return lastServerTsValNanos; }

    public StreamReassembler input() { return input; }

    public boolean finSeen() { return finSeen; }
}
