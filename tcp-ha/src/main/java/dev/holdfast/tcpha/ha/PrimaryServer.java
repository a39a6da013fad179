package dev.holdfast.tcpha.ha;

import dev.holdfast.tcpha.app.StreamApplication;
import dev.holdfast.tcpha.posix.LibC;
import dev.holdfast.tcpha.posix.Sockets;
import dev.holdfast.tcpha.rig.NamespaceRig;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The primary: serves the application on the VIP with ordinary kernel sockets and heartbeats the backup over both
 * links. Usage: {@code PrimaryServer --app echo --port 7000 --hb-ms 10 [--vip IP]}
 */
public final class PrimaryServer {
    private static final System.Logger LOG = System.getLogger(PrimaryServer.class.getName());
    final AtomicLong bytesRead = new AtomicLong(), bytesWritten = new AtomicLong();
    final AtomicInteger open = new AtomicInteger();
    /** The second receive buffer of each connection, by client address (see {@link InputLog}). */
    final Map<Long, InputLog> logs = new ConcurrentHashMap<>();
    volatile boolean alone;
    int threshold = 4 * 1024 * 1024;
    long hangAfterBytes = -1;
    long finAfterBytes = -1;
    /** Test hook (--nic-down-after-bytes): the service link goes down between a read and the reply to it. */
    long nicDownAfterBytes = -1;
    long maxDelayFinMs = 500;
    /** Print the process's CPU time per connection when it closes (--report-cpu). */
    boolean reportCpu;
    final java.util.Set<Integer> fds = ConcurrentHashMap.newKeySet();

    /**
     * The primary's application closed a connection that the backup's replica did not close: the primary's
     * application is the faulty one. Withdraw without a FIN or RST reaching any client: take the service link down,
     * put every connection in repair mode (so closing sends nothing), and stop; the backup takes over.
     */
    void withdraw(int culprit) {
        System.out.println("application closed connection fd " + culprit + " but the replica did not (MaxDelayFIN " + maxDelayFinMs
                + " ms): primary withdraws at_us=" + dev.holdfast.tcpha.client.CheckingClient.nowUs());
        System.out.flush();
        dev.holdfast.tcpha.rig.Cmd.tryRun("ip", "link", "set", "dev", NamespaceRig.PRIMARY_IF, "down");
        for (int fd : fds) {
            try { Sockets.setInt(fd, LibC.IPPROTO_TCP, dev.holdfast.tcpha.repair.TcpRepair.TCP_REPAIR, 1, "TCP_REPAIR"); }
            catch (IOException e) { /* closing anyway */ }
        }
        Runtime.getRuntime().halt(3);
    }

    public static void main(String[] argv) throws Exception {
        Args a = new Args(argv);
        StreamApplication app = StreamApplication.named(a.get("app", "echo"));
        PrimaryServer p = new PrimaryServer();
        int hbMs = a.getInt("hb-ms", 10);
        // --plain: the same server with no fault tolerance at all (no heartbeats, sync channel or input log): the
        // plain-TCP baseline the failure-free overhead is measured against
        boolean plain = a.get("plain", "false").equals("true");
        // --input-log false: a measurement knob only (bench sttcp --overhead --primary-args "--input-log false"):
        // heartbeats and the sync channel as usual, connections served as the plain server serves them (no second
        // receive buffer, no READ/WRITTEN reports, so no fetches and no lag check): the log's share of the primary's
        // per-request cost, apart from the rest. Not fault tolerant: a tap loss cannot be repaired.
        boolean inputLog = !a.get("input-log", "true").equals("false");
        p.threshold = a.getInt("threshold", p.threshold);
        p.hangAfterBytes = Long.parseLong(a.get("hang-after-bytes", "-1"));
        p.finAfterBytes = Long.parseLong(a.get("fin-after-bytes", "-1"));
        p.nicDownAfterBytes = Long.parseLong(a.get("nic-down-after-bytes", "-1"));
        p.maxDelayFinMs = Long.parseLong(a.get("max-delay-fin-ms", "500"));
        p.reportCpu = a.get("report-cpu", "false").equals("true");
        if (!plain) {
            Heartbeats hb = new Heartbeats(List.of(new String[] {NamespaceRig.HB1_PRIMARY, NamespaceRig.HB1_BACKUP},
                    new String[] {NamespaceRig.HB2_PRIMARY, NamespaceRig.HB2_BACKUP}), hbMs,
                    () -> "primary conns=" + p.open.get() + " read=" + p.bytesRead.get() + " written=" + p.bytesWritten.get(),
                    true); // the primary only asks once a round whether its backup lives: no receiver threads
            SyncServer sync = new SyncServer(p.logs);
            sync.listen(NamespaceRig.HB1_PRIMARY);
            sync.listen(NamespaceRig.HB2_PRIMARY);
            long deadMs = (long) hbMs * a.getInt("miss", 5);
            // checked on the heartbeat sender's wake-up: a thread of its own cost a wake-up every deadMs / 4 (about
            // 80 us of CPU each on the VMs this runs on), for three comparisons
            p.notices.prestartCoreThread();
            p.heartbeats = hb;
            hb.onEachRound(() -> p.checkBackup(hb, sync, deadMs));
        }
        int lfd = Sockets.tcpSocket();
        Sockets.setInt(lfd, LibC.SOL_SOCKET, LibC.SO_REUSEADDR, 1, "SO_REUSEADDR");
        Sockets.bind(lfd, Sockets.addr(a.get("vip", NamespaceRig.VIP), a.getInt("port", 7000)));
        Sockets.listen(lfd, 1024);
        System.out.println("primary ready pid=" + ProcessHandle.current().pid());
        System.out.flush();
        while (true) {
            int fd = Sockets.accept(lfd);
            Thread t = new Thread(plain || !inputLog ? () -> p.serve(fd, app.open()) : () -> p.serveLogged(fd, app.open()), "conn-" + fd);
            t.setDaemon(true);
            t.start();
        }
    }

    /**
     * Whether the backup is alive; once per heartbeat round, on the heartbeat sender's real-time thread. Only the
     * comparisons run there: what follows a change (logging, waking the input logs) goes to {@link #notices}, so the
     * first such change (its log call and string building are slow the first time, tens of milliseconds on a busy
     * host) cannot hold up the heartbeats, least of all just as a backup starts and listens for them.
     */
    private void checkBackup(Heartbeats hb, SyncServer sync, long deadMs) {
        // the backup's sync reports count as a sign of life too: a backup JVM whose heartbeat sender stalled
        // for a moment is not a dead backup (and alone, nothing waits for it to acknowledge client bytes)
        if (hb.lateNanos > reportedLateNanos && hb.lateNanos > 10_000_000L) {
            // (said off this thread) this sender's own stall: if a backup then took over, the silence began here
            reportedLateNanos = hb.lateNanos;
            notices.execute(senderLate);
        }
        boolean dead = hb.silentMillis(0) > deadMs && hb.silentMillis(1) > deadMs && sync.silentMillis() > deadMs;
        if (dead != alone) notices.execute(dead ? runningAlone : backupBack);
        alone = dead;
    }

    /** Runs what follows a change of the backup's state, off the heartbeat thread (started from main: not real-time). */
    private final java.util.concurrent.ThreadPoolExecutor notices = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0,
            java.util.concurrent.TimeUnit.MILLISECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "backup-notices");
                t.setDaemon(true);
                return t;
            });
    private volatile long reportedLateNanos;
    private volatile Heartbeats heartbeats;
    // made here (on the main thread), not on the heartbeat thread: a lambda is linked the first time it is created
    private final Runnable senderLate = () -> System.out.println("heartbeat sender stalled " + reportedLateNanos / 1_000_000
            + " ms (its longest so far) at_us=" + (dev.holdfast.tcpha.client.CheckingClient.nowUs()
            - (System.nanoTime() - heartbeats.lateAtNanos) / 1000));
    private final Runnable runningAlone = () -> {
        LOG.log(System.Logger.Level.WARNING, "backup silent on both links: running WITHOUT fault tolerance");
        System.out.println("backup failed: running alone at_us=" + dev.holdfast.tcpha.client.CheckingClient.nowUs());
        logs.values().forEach(l -> l.setAlone(true));
    };
    private final Runnable backupBack = () -> {
        LOG.log(System.Logger.Level.INFO, "backup heard again: waiting for its acknowledgements again");
        System.out.println("backup heard again at_us=" + dev.holdfast.tcpha.client.CheckingClient.nowUs());
        logs.values().forEach(l -> l.setAlone(false));
    };

    /** Runs one connection, keeping what the application reads until the backup has it. */
    void serveLogged(int fd, StreamApplication.Session session) {
        long key;
        try {
            java.net.InetSocketAddress peer = Sockets.remoteAddress(fd);
            key = SyncChannel.key(java.nio.ByteBuffer.wrap(peer.getAddress().getAddress()).getInt(), peer.getPort());
        } catch (IOException e) {
            Sockets.close(fd);
            return;
        }
        InputLog log = new InputLog(threshold);
        if (alone) log.setAlone(true);
        logs.put(key, log);
        try {
            serve(fd, session, log);
        } finally {
            logs.remove(key, log);
        }
    }

    /** Runs one connection: input to the application, its output to the socket. */
    void serve(int fd, StreamApplication.Session session) { serve(fd, session, null); }

    void serve(int fd, StreamApplication.Session session, InputLog log) {
        long cpuAtOpen = reportCpu ? dev.holdfast.tcpha.posix.ProcessCpu.nanos() : 0;
        long threadCpuAtOpen = reportCpu ? dev.holdfast.tcpha.posix.ProcessCpu.threadNanos() : 0;
        open.incrementAndGet();
        fds.add(fd);
        boolean[] eofRead = {false}; // the client's FIN was read: the replica must take it in before it can close too
        // the connection's native buffer: reads and the application's writes both run on this thread, and a read's
        // bytes are copied out before the application writes (see ConnectionIo for what LibC's proxy cost per call)
        dev.holdfast.tcpha.posix.ConnectionIo io = new dev.holdfast.tcpha.posix.ConnectionIo(16 * 1024);
        StreamApplication.Output out = new StreamApplication.Output() {
            @Override public void write(byte[] b, int off, int len) {
                try { io.writeFully(fd, b, off, len); bytesWritten.addAndGet(len); if (log != null) log.written.addAndGet(len); }
                catch (IOException e) { throw new java.io.UncheckedIOException(e); }
            }
            @Override public void close() throws InterruptedException {
                // MaxDelayFIN: the FIN goes out only once the backup's replica has closed at the same point
                if (log != null && !log.awaitBackupClose(maxDelayFinMs, eofRead[0])) withdraw(fd);
                Sockets.shutdownOutput(fd);
            }
        };
        byte[] buf = new byte[16 * 1024]; // one per connection thread: small
        try {
            while (true) {
                int n = io.read(fd, buf);
                if (n <= 0) { eofRead[0] = true; session.onEndOfInput(out); break; }
                bytesRead.addAndGet(n);
                if (log != null) log.append(buf, 0, n, 2000);
                if (finAfterBytes >= 0 && bytesRead.get() > finAfterBytes) {
                    // test hook: the application closes the connection where the replica does not (FIN/RST row)
                    System.out.println("application closes a connection early (test hook)");
                    out.close();
                    break;
                }
                if (nicDownAfterBytes >= 0 && bytesRead.get() > nicDownAfterBytes) {
                    // test hook: the service NIC fails after the application has read a request and before its reply
                    // leaves (the kernel has the request, so the client sends nothing new; the reply is written into a
                    // dead link). The window is microseconds on a quiet host and milliseconds on a loaded one: here it
                    // is made certain. The process and its heartbeat links go on.
                    nicDownAfterBytes = -1;
                    dev.holdfast.tcpha.rig.Cmd.run("ip", "link", "set", "dev", NamespaceRig.PRIMARY_IF, "down");
                    System.out.println("service link down between a read and its reply (test hook) at_us="
                            + dev.holdfast.tcpha.client.CheckingClient.nowUs());
                }
                if (hangAfterBytes >= 0 && bytesRead.get() > hangAfterBytes) {
                    // test hook: the application hangs (no FIN, no RST; the process and its heartbeats go on)
                    System.out.println("application hung (test hook) at_us=" + dev.holdfast.tcpha.client.CheckingClient.nowUs());
                    Thread.sleep(Long.MAX_VALUE);
                }
                session.onInput(buf, 0, n, out);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.log(System.Logger.Level.INFO, "connection ended: {0}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.decrementAndGet();
            fds.remove(fd);
            Sockets.close(fd);
            if (reportCpu) {
                // what this whole process (heartbeats, sync channel, input log included) spent while the connection
                // was open: the failure-free cost measured as work, not as wall-clock time (bench sttcp --overhead)
                // (the connection's own thread: the data path, input log and the kernel's send path included; the
                // rest of the process: heartbeats, sync channel, failure detector, JIT and GC)
                System.out.println("connection done: process_cpu_ns=" + (dev.holdfast.tcpha.posix.ProcessCpu.nanos() - cpuAtOpen)
                        + " thread_cpu_ns=" + (dev.holdfast.tcpha.posix.ProcessCpu.threadNanos() - threadCpuAtOpen)
                        + " bytes_read=" + bytesRead.get() + " bytes_written=" + bytesWritten.get());
            }
        }
    }
}
