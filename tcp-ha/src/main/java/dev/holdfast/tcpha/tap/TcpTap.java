package dev.holdfast.tcpha.tap;

import dev.holdfast.tcpha.app.StreamApplication;
import dev.holdfast.tcpha.posix.PacketSocket;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The backup's tap: reads the service's client-to-server TCP traffic from a packet socket on the port that sees
 * it (a hub port, or a mirror), follows each connection from its SYN (options), reassembles the client's bytes in
 * order and feeds them to a replica of the application; the client's ACKs trim the replica's kept output. Where
 * the tap also sees server-to-client segments (a hub), it takes the server's window scale and window from them.
 */
public final class TcpTap implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TcpTap.class.getName());

    private final PacketSocket socket;
    private final int vip;
    private final int port;
    private final StreamApplication app;
    private final int outputLimit;
    private final Map<Long, ReplicaConnection> connections = new ConcurrentHashMap<>();
    private final Thread reader, processor;
    private volatile boolean running = true;
    public final AtomicLong packets = new AtomicLong(), ignored = new AtomicLong(), malformed = new AtomicLong();
    public final AtomicLong dropped = new AtomicLong();
    /** Frames the kernel dropped for want of room in the tap's receive buffer (PACKET_STATISTICS tp_drops). */
    public final AtomicLong kernelDrops = new AtomicLong();
    /** Frames read but dropped because the processing queue was full. */
    public final AtomicLong queueDrops = new AtomicLong();
    /** Frames still queued in the kernel when the takeover stopped the tap, read before stopping. */
    public final AtomicLong drainedAtStop = new AtomicLong();
    /** Largest number of batches waiting between the reader and the processor. */
    public final AtomicLong maxBacklog = new AtomicLong();
    private static final List<byte[]> STOP = List.of();
    /** Batches of frames from the reader to the processor. */
    private final java.util.concurrent.ArrayBlockingQueue<List<byte[]>> frames = new java.util.concurrent.ArrayBlockingQueue<>(1 << 16);
    /**
     * After handing over a batch the reader sleeps this long before reading again, so a busy service costs the tap
     * about a thousand wake-ups a second rather than three (reader, processor, replica) per frame: on a host the tap
     * shares with others, every wake-up takes a CPU from them (about 80 us of CPU each on the VMs this runs on), and
     * a sender whose frame finds the reader asleep in poll(2) pays for waking it in its own context (the kernel
     * delivers the hub's copy of the frame on the sending thread). While the reader pauses, the kernel only queues.
     * The replica lags the primary by up to this much more; the takeover reads the queue out before it stops the tap.
     */
    static final long BATCH_PAUSE_NANOS = 1_000_000;
    private volatile boolean draining;
    /**
     * Written by {@link #stop}: the reader waits on it beside the packet socket, so an idle tap sleeps up to
     * {@link #IDLE_WAIT_MS} (it used to wake every millisecond to look for a stop: 1,000 wake-ups a second, about
     * 150 ms of CPU per second on a VM, on a real-time thread that took it from everything else on the host).
     */
    private final int stopFd;
    static final int IDLE_WAIT_MS = 100;
    /** Counted down by the processor once it has handled every frame read before the stop. */
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
    private volatile int dropEvery;
    private long dataSegments;

    /** Test hook: lose every n-th client segment that carries data (0: none), as a lossy mirror port would. */
    public void dropEvery(int n, long limit) { dropEvery = n; dropLimit = limit; }

    private volatile long dropLimit = Long.MAX_VALUE;

    public TcpTap(String ifName, Inet4Address vip, int port, StreamApplication app, int outputLimit) throws IOException {
        this(ifName, vip, port, app, outputLimit, true);
    }

    /** {@code serverHeaders}: see {@link ServiceTrafficFilter#program(int, int, boolean)}. */
    public TcpTap(String ifName, Inet4Address vip, int port, StreamApplication app, int outputLimit, boolean serverHeaders) throws IOException {
        this.socket = new PacketSocket(ifName, PacketSocket.ETH_P_IP, true);
        socket.setReceiveTimeoutMillis(1);
        try {
            stopFd = dev.holdfast.tcpha.posix.LibC.INSTANCE.eventfd(0, dev.holdfast.tcpha.posix.LibC.EFD_CLOEXEC | dev.holdfast.tcpha.posix.LibC.EFD_NONBLOCK);
        } catch (com.sun.jna.LastErrorException e) {
            socket.close();
            throw new IOException("eventfd: errno " + e.getErrorCode(), e);
        }
        // a SYN lost on the tap leaves that connection unprotected: give the tap room for bursts (root may exceed
        // rmem_max with SO_RCVBUFFORCE)
        try {
            socket.setReceiveBufferForce(32 * 1024 * 1024);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "tap keeps the default receive buffer: {0}", e.getMessage());
        }
        this.vip = ByteBuffer.wrap(vip.getAddress()).getInt();
        this.port = port;
        this.app = app;
        this.outputLimit = outputLimit;
        socket.attachFilter(ServiceTrafficFilter.program(this.vip, port, serverHeaders));
        // reading and reassembly on separate threads: the reader only copies frames out of the kernel's buffer
        // (real-time, so a busy host cannot starve it while the buffer fills); parsing, reassembly and handing bytes
        // to the replicas happen on the processor
        this.reader = new Thread(this::read, "tcp-tap-reader");
        reader.setDaemon(true);
        this.processor = new Thread(this::process, "tcp-tap");
        processor.setDaemon(true);
        processor.start();
        reader.start();
    }

    private static long key(int ip, int port) { return ((long) ip << 16) | port; }

    private void read() {
        dev.holdfast.tcpha.posix.RealtimeThread.elevate(5);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(70_000); // direct: see PacketSocket.receive
        int[] type = new int[1];
        long lastStats = System.nanoTime();
        try {
            while (true) {
                List<byte[]> batch = new ArrayList<>();
                boolean wait = !draining; // the first read of a batch may wait (until a frame or the stop); the rest do not
                while (true) {
                    int n;
                    try {
                        if (wait) socket.awaitReadable(IDLE_WAIT_MS, stopFd); // then read without waiting
                        n = socket.receive(buf, type, true);
                    } catch (IOException e) {
                        if (running) LOG.log(Level.ERROR, "tap read failed: {0}", e.getMessage());
                        return;
                    }
                    wait = false;
                    if (n < 0) break;
                    if (draining) drainedAtStop.incrementAndGet();
                    if (type[0] == PacketSocket.PACKET_OUTGOING) continue; // our own output, after a takeover
                    byte[] frame = new byte[n];
                    buf.get(0, frame);
                    batch.add(frame);
                    if (batch.size() >= 1024) break;
                }
                if (!batch.isEmpty()) {
                    if (!frames.offer(batch)) queueDrops.addAndGet(batch.size());
                    else if (frames.size() > maxBacklog.get()) maxBacklog.set(frames.size());
                }
                if (System.nanoTime() - lastStats > 100_000_000L) { readStatistics(); lastStats = System.nanoTime(); }
                if (draining && batch.isEmpty()) return; // the kernel's queue is empty: everything sent before the stop is read
                // pause after every batch, a lone frame too: in a request/reply exchange the lone request is followed
                // within microseconds by the server's reply (its header), the next request, and so on, and pausing
                // gathers them; without it the reader woke for every frame (a frame every 30 us in an echo run)
                if (!draining && !batch.isEmpty()) java.util.concurrent.locks.LockSupport.parkNanos(BATCH_PAUSE_NANOS);
            }
        } finally {
            readStatistics();
            try { frames.put(STOP); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        }
    }

    private void readStatistics() {
        try {
            kernelDrops.addAndGet(socket.statistics()[1]);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "tap statistics: {0}", e.getMessage());
        }
    }

    private void process() {
        // below the reader and the heartbeats: a tap that lags behind the primary makes the backup fetch bytes it
        // will see anyway, and holds the primary's FIN (MaxDelayFIN) waiting for the replica's close
        dev.holdfast.tcpha.posix.RealtimeThread.elevate(4);
        while (true) {
            List<byte[]> batch;
            try {
                batch = frames.take();
            } catch (InterruptedException e) {
                return;
            }
            if (batch == STOP) { stopped.countDown(); return; }
            for (byte[] f : batch) {
                TcpSegment s = TcpSegment.parse(f, f.length);
                if (s == null) { malformed.incrementAndGet(); continue; }
                packets.incrementAndGet();
                try {
                    if (s.dstIp() == vip && s.dstPort() == port) fromClient(s);
                    else if (s.srcIp() == vip && s.srcPort() == port) fromServer(s);
                    else ignored.incrementAndGet();
                } catch (RuntimeException e) {
                    malformed.incrementAndGet();
                    LOG.log(Level.WARNING, "tap dropped a segment it could not handle", e);
                }
            }
        }
    }

    private void fromClient(TcpSegment s) {
        long k = key(s.srcIp(), s.srcPort());
        if (s.has(TcpSegment.SYN) && !s.has(TcpSegment.ACK)) {
            ReplicaConnection old = connections.get(k);
            if (old != null && old.clientIsn == s.seq()) return; // SYN retransmitted
            connections.put(k, new ReplicaConnection(s, app, outputLimit));
            LOG.log(Level.DEBUG, "tap: new connection from port {0}", s.srcPort());
            return;
        }
        ReplicaConnection c = connections.get(k);
        if (c == null) { ignored.incrementAndGet(); return; } // opened before the tap started: not protected
        if (s.has(TcpSegment.RST)) {
            c.rstSeen = true;
            connections.remove(k);
            c.endOfInput();
            return;
        }
        if (s.has(TcpSegment.ACK)) {
            c.clientAcked(s.ack());
            c.clientWindow = s.window();
        }
        if (s.hasTimestamp()) {
            c.lastClientTsVal = s.tsVal();
            if (s.tsEcr() - c.lastTsEcr > 0 || c.lastTsEcrNanos == 0) { c.lastTsEcr = s.tsEcr(); c.lastTsEcrNanos = System.nanoTime(); }
        }
        if (dropEvery > 0 && s.payloadLength() > 0 && ++dataSegments % dropEvery == 0 && dropped.get() < dropLimit) {
            dropped.incrementAndGet(); // test hook: a tap that loses packets (the kernel here has no netem)
        } else {
            c.acceptClientBytes(s.seq(), s.packet(), s.payloadOffset(), s.payloadLength());
        }
        if (s.has(TcpSegment.FIN)) c.clientFin(s.seq() + s.payloadLength());
    }

    private void fromServer(TcpSegment s) {
        ReplicaConnection c = connections.get(key(s.dstIp(), s.dstPort()));
        if (c == null) return;
        if (s.hasTimestamp() && (c.lastServerTsValNanos == 0 || s.tsVal() - c.lastServerTsVal > 0)) {
            // the primary's clock itself (the restore's timestamp clock starts from it): on the hub every frame the
            // primary put on the LAN reaches the tap, so no client holds a newer TSval of this connection
            c.lastServerTsVal = s.tsVal();
            c.lastServerTsValNanos = System.nanoTime();
        }
        if (s.has(TcpSegment.SYN) && s.has(TcpSegment.ACK)) {
            c.serverIsn = s.seq();
            c.serverIsnKnown = true;
            c.serverWscale = s.wscale();
            c.synAckSeen = true;
        } else {
            c.serverWindow = s.window();
            int sent = s.wirePayloadLength();
            if (sent > 0) c.serverSent(s.seq() + sent);
        }
    }

    public Collection<ReplicaConnection> connections() { return connections.values(); }

    /**
     * Stops the tap after it has taken in every frame already queued in the kernel (a backlog from a busy moment
     * holds client bytes the primary may have acknowledged: stopping without reading them would lose them), at most
     * {@code maxMs}; the replicas keep what they have.
     */
    public void stop(long maxMs) throws InterruptedException {
        draining = true;
        try {
            dev.holdfast.tcpha.posix.LibC.INSTANCE.write(stopFd, new byte[] {1, 0, 0, 0, 0, 0, 0, 0}, 8); // eventfd += 1
        } catch (com.sun.jna.LastErrorException e) {
            LOG.log(Level.WARNING, "tap stop: eventfd write failed (errno {0}): the reader sees the stop within {1} ms",
                    e.getErrorCode(), IDLE_WAIT_MS);
        }
        // a latch, not Thread.join: a thread's exit (and so join) comes well after its last useful instruction
        if (!stopped.await(maxMs, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            LOG.log(Level.WARNING, "tap still busy {0} ms after the stop", maxMs);
        }
        running = false;
    }

    /** Counters for logs: kernel drops, drops between reader and processor, frames read while stopping, backlog. */
    public String counters() {
        return "tap_kernel_drops=" + kernelDrops.get() + " tap_queue_drops=" + queueDrops.get() + " tap_drained_at_stop="
                + drainedAtStop.get() + " tap_max_backlog=" + maxBacklog.get() + " tap_packets=" + packets.get();
    }

    @Override
    public void close() throws InterruptedException {
        stop(1000);
        socket.close();
        dev.holdfast.tcpha.posix.Sockets.close(stopFd);
    }
}
