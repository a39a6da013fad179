package dev.holdfast.tcpha.drill;

import com.sun.jna.LastErrorException;
import dev.holdfast.tcpha.ha.InputLog;
import dev.holdfast.tcpha.posix.ConnectionIo;
import dev.holdfast.tcpha.posix.LibC;
import dev.holdfast.tcpha.posix.ProcessCpu;
import dev.holdfast.tcpha.posix.Sockets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The connection loop's parts, one at a time, as CPU time per call of one thread (bench sttcp --loop-cost): what a
 * server's connection thread spends per 150-byte echo request on its read and its write (the old way through the
 * {@link LibC} proxy into a 16 KB byte[], and {@link ConnectionIo}), and what the primary does more than the plain
 * server (its input log's append and trim, and the counters). Over a real loopback TCP connection in this process:
 * the requests are queued in the socket first, so a read never blocks and the figure is the call, not a wait.
 * Each part is measured in a fresh JVM without and with "the primary's other calls": the LibC functions its
 * heartbeat and sync threads call (sendto, recvfrom into a direct buffer, poll, getsockopt, clock_gettime), made
 * before the measurement, as the primary makes them before its first connection. Counted in CPU time, so the
 * figures hardly depend on the machine's load; the minimum and median over repetitions are printed.
 */
public final class LoopCost {
    static final int REQUEST = 150, PER_BATCH = 2000;
    static final String[] PARTS = {"proxy read 16 KB byte[]", "ConnectionIo read", "proxy write (copyOfRange)",
            "ConnectionIo write", "input log + counters"};

    private LoopCost() {}

    /** bench sttcp --loop-cost [--jvms N]: N pairs of child JVMs (without, with the other calls), alternating. */
    static void main(Map<String, String> a) throws Exception {
        int jvms = Integer.parseInt(a.getOrDefault("--jvms", "4"));
        String loadBefore = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip();
        Map<String, List<long[]>> byMode = new LinkedHashMap<>();
        for (int i = 0; i < jvms; i++) {
            for (String mode : new String[] {"alone", "other-calls"}) {
                Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                        System.getProperty("java.class.path"), LoopCost.class.getName(), mode).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                if (p.waitFor() != 0) throw new IllegalStateException("child failed: " + out);
                String last = out.strip().substring(out.strip().lastIndexOf('\n') + 1);
                long[] med = Arrays.stream(last.split(" ")).mapToLong(Long::parseLong).toArray();
                byMode.computeIfAbsent(mode, k -> new ArrayList<>()).add(med);
            }
        }
        String loadAfter = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip();
        System.out.printf("The connection loop's parts: CPU ns per call of one thread, 150-byte requests over loopback TCP (%d JVMs"
                + " per column, each the median of its repetitions; min / median / max over the JVMs; load average before: %s;"
                + " after: %s)%n", jvms, loadBefore, loadAfter);
        System.out.printf("%-28s | %-22s | %-22s%n", "part", "alone", "after the primary's other LibC calls");
        for (int k = 0; k < PARTS.length; k++) {
            StringBuilder sb = new StringBuilder(String.format("%-28s", PARTS[k]));
            for (List<long[]> runs : byMode.values()) {
                final int part = k;
                long[] v = runs.stream().mapToLong(r -> r[part]).sorted().toArray();
                sb.append(String.format(" | %-22s", v[0] + " / " + v[v.length / 2] + " / " + v[v.length - 1]));
            }
            System.out.println(sb);
        }
    }

    /** One child JVM: arg "other-calls" makes the primary's other LibC calls first. Last line: median ns per part. */
    public static void main(String[] argv) throws Exception {
        int[] pair = Sockets.loopbackPair();
        int client = pair[0], server = pair[1];
        // room for a whole batch of requests, so that no read waits and no write blocks
        Sockets.setInt(server, LibC.SOL_SOCKET, LibC.SO_RCVBUF, 4 << 20, "SO_RCVBUF");
        Sockets.setInt(client, LibC.SOL_SOCKET, LibC.SO_SNDBUF, 4 << 20, "SO_SNDBUF");
        Sockets.setInt(client, LibC.SOL_SOCKET, LibC.SO_RCVBUF, 4 << 20, "SO_RCVBUF");
        byte[] request = new byte[REQUEST], buf = new byte[16 * 1024];
        if (argv.length > 0 && argv[0].equals("other-calls")) otherCalls(server, request);
        ConnectionIo io = new ConnectionIo(16 * 1024);
        int reps = 12;
        long[][] perCall = new long[PARTS.length][reps];
        for (int rep = 0; rep < reps; rep++) {
            for (int part = 0; part < PARTS.length; part++) {
                boolean reads = part == 0 || part == 1, writes = part == 2 || part == 3;
                if (reads) for (int i = 0; i < PER_BATCH; i++) Sockets.writeFully(client, request, 0, REQUEST);
                InputLog log = new InputLog(4 << 20);
                AtomicLong bytesRead = new AtomicLong(), written = new AtomicLong();
                long got = 0;
                long t0 = ProcessCpu.threadNanos();
                for (int i = 0; i < PER_BATCH; i++) {
                    switch (part) {
                        case 0 -> got += check(LibC.INSTANCE.read(server, buf, REQUEST)); // a request per read, as in an echo exchange
                        case 1 -> got += check(io.read(server, buf, 0, REQUEST));
                        case 2 -> {
                            // what Sockets.writeFully did before session 13: copy the range, write through the proxy
                            byte[] chunk = Arrays.copyOfRange(buf, 0, REQUEST);
                            check(LibC.INSTANCE.write(server, chunk, chunk.length));
                        }
                        case 3 -> io.writeFully(server, buf, 0, REQUEST);
                        default -> {
                            // PrimaryServer.serve's extra per request: the read counter, the log's append, the written
                            // counters; the backup's acknowledgements trim the log (here every 16th request)
                            bytesRead.addAndGet(REQUEST);
                            log.append(buf, 0, REQUEST, 2000);
                            if ((i & 15) == 15) log.backupHas(log.readOffset());
                            written.addAndGet(REQUEST);
                        }
                    }
                }
                perCall[part][rep] = (ProcessCpu.threadNanos() - t0) / PER_BATCH;
                // a short read leaves bytes behind: the next batch must start empty (read here with Sockets, not LibC's
                // proxy: the "alone" JVM makes no proxy calls but the ones measured, like the plain server's)
                for (long left = (long) PER_BATCH * REQUEST - got; reads && left > 0; ) left -= Sockets.read(server, buf);
                if (writes) {
                    long left = (long) PER_BATCH * REQUEST;
                    while (left > 0) left -= Sockets.read(client, buf);
                }
            }
        }
        long[] med = new long[PARTS.length];
        StringBuilder sb = new StringBuilder();
        for (int part = 0; part < PARTS.length; part++) {
            long[] v = Arrays.copyOfRange(perCall[part], 2, reps); // the first two repetitions warm the JIT up
            Arrays.sort(v);
            med[part] = v[v.length / 2];
            sb.append(PARTS[part]).append(": min ").append(v[0]).append(" median ").append(med[part]).append("; ");
        }
        System.out.println(sb);
        System.out.println(String.join(" ", Arrays.stream(med).mapToObj(Long::toString).toArray(String[]::new)));
    }

    private static long check(long n) {
        if (n <= 0) throw new IllegalStateException("read or write returned " + n);
        return n;
    }

    /**
     * The LibC calls the primary's other threads make through the same proxy (heartbeats: sendto, recvfrom into a
     * direct buffer, poll; the sync channel and start-up: getsockopt; ProcessCpu: clock_gettime), many times, before
     * the measurement: the proxy's shared dispatch code is then compiled for all of them, as in the primary's JVM.
     */
    private static void otherCalls(int tcpFd, byte[] payload) throws IOException {
        int udp = LibC.INSTANCE.socket(LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        byte[] to = Sockets.sockaddrIn(Sockets.addr("127.0.0.1", 9)); // discard: nobody listens, nothing comes back
        ByteBuffer frame = ByteBuffer.allocateDirect(2048);
        byte[] pollFd = new byte[8];
        for (int i = 0; i < 30_000; i++) {
            ProcessCpu.nanos();
            try { LibC.INSTANCE.sendto(udp, payload, 50, LibC.MSG_DONTWAIT, to, to.length); } catch (LastErrorException e) { /* ECONNREFUSED */ }
            try { LibC.INSTANCE.recvfrom(udp, frame, 2048, LibC.MSG_DONTWAIT, null, null); } catch (LastErrorException e) { /* EAGAIN */ }
            try { LibC.INSTANCE.poll(pollFd, 1, 0); } catch (LastErrorException e) { /* nothing */ }
            Sockets.getInt(tcpFd, LibC.SOL_SOCKET, LibC.SO_RCVBUF, "SO_RCVBUF");
        }
        Sockets.close(udp);
    }
}
