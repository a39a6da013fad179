package dev.holdfast.tcpha.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An ordinary kernel-TCP client (plain sockets, nothing ST-TCP-specific) that runs one of the demo applications'
 * request/reply exchanges on N connections and checks every byte it receives against what it expects: bytes lost
 * or duplicated, connections reset or closed, and the longest silence (a failover shows up as one). Prints one
 * JSON object as its last line.
 * <p>Usage: {@code CheckingClient --server IP:PORT --app echo|interactive|bulk [--connections N] [--messages M]
 * [--interval-ms I] [--bulk-bytes B] [--ready-file F] [--read-chunk BYTES --read-pause-ms MS] [--rcvbuf BYTES]}
 */
public final class CheckingClient {
    private final InetSocketAddress server;
    private final ExpectedReplies expect;
    private final int messages;
    private final int intervalMs;
    final AtomicLong bytesOk = new AtomicLong(), bytesLost = new AtomicLong(), bytesDuplicated = new AtomicLong();
    final AtomicLong broken = new AtomicLong(), exchanges = new AtomicLong();
    private long maxGapUs, maxGapEndUs;
    private final List<String> errors = new ArrayList<>();
    /** Silences longer than this are listed in the result (a failover is one of them). */
    static final long GAP_RECORD_US = 20_000;
    private final List<long[]> gaps = new ArrayList<>();

    /** Per connection only its longest silences are listed (a failover is among them), so the list stays small. */
    static final int GAPS_PER_CONNECTION = 20;

    private synchronized void recordGaps(List<long[]> connectionGaps) { gaps.addAll(connectionGaps); }

    /** Keeps {@code gap} among the connection's GAPS_PER_CONNECTION longest. */
    static void keepLongest(List<long[]> kept, long fromUs, long toUs) {
        if (kept.size() < GAPS_PER_CONNECTION) { kept.add(new long[] {fromUs, toUs}); return; }
        int shortest = 0;
        for (int i = 1; i < kept.size(); i++) {
            if (kept.get(i)[1] - kept.get(i)[0] < kept.get(shortest)[1] - kept.get(shortest)[0]) shortest = i;
        }
        if (toUs - fromUs > kept.get(shortest)[1] - kept.get(shortest)[0]) kept.set(shortest, new long[] {fromUs, toUs});
    }

    /**
     * A slow reader, as a client starved on a loaded host is: at most this many bytes per read, and a pause after
     * each read. Such a client acknowledges what it receives on its delayed-ACK timer (its window does not advance
     * while it does not read), so at any moment it may hold more than its last ACK says: the takeover must cope.
     */
    int readChunk = 16 * 1024, readPauseMs;
    /**
     * SO_RCVBUF before connecting, 0 for the kernel's autotuning: a small fixed receive buffer keeps a slow reader's
     * window full nearly all the time (autotuning grew it to 1.9 MB, more than a short bulk reply).
     */
    int rcvBuf;

    CheckingClient(InetSocketAddress server, ExpectedReplies expect, int messages, int intervalMs) {
        this.server = server;
        this.expect = expect;
        this.messages = messages;
        this.intervalMs = intervalMs;
    }

    public static long nowUs() {
        java.time.Instant t = java.time.Instant.now();
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }

    /** One connection's whole run; returns normally even when the connection breaks (counted in {@link #broken}). */
    void runConnection(int conn, CountDownLatch connected) {
        long lastReadUs = 0, gapUs = 0, gapEndUs = 0;
        List<long[]> myGaps = new ArrayList<>();
        boolean counted = false;
        try (SocketChannel ch = SocketChannel.open()) {
            if (rcvBuf > 0) ch.setOption(java.net.StandardSocketOptions.SO_RCVBUF, rcvBuf);
            ch.connect(server);
            connected.countDown();
            counted = true;
            connected.await();
            ByteBuffer in = ByteBuffer.allocate(readChunk);
            lastReadUs = nowUs();
            for (int m = 0; m < messages; m++) {
                byte[] req = expect.request(conn, m);
                ByteBuffer out = ByteBuffer.wrap(req);
                while (out.hasRemaining()) ch.write(out);
                long size = expect.replySize(), pos = 0;
                while (pos < size) {
                    in.clear();
                    in.limit((int) Math.min(in.capacity(), size - pos));
                    int n = ch.read(in);
                    if (n < 0) throw new IOException("connection closed by the server after " + pos + " of " + size + " reply bytes of message " + m);
                    long t = nowUs();
                    if (t - lastReadUs > gapUs) { gapUs = t - lastReadUs; gapEndUs = t; }
                    // the pause between messages is not a silence
                    if (t - lastReadUs > GAP_RECORD_US + (intervalMs + readPauseMs) * 1000L) keepLongest(myGaps, lastReadUs, t);
                    lastReadUs = t;
                    pos = check(req, in.array(), n, pos, size);
                    if (readPauseMs > 0 && pos < size) Thread.sleep(readPauseMs);
                }
                exchanges.incrementAndGet();
                if (intervalMs > 0) Thread.sleep(intervalMs);
            }
        } catch (IOException e) {
            broken.incrementAndGet();
            synchronized (errors) { if (errors.size() < 10) errors.add("connection " + conn + ": " + e.getMessage()); }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!counted) connected.countDown();
            recordGaps(myGaps);
            synchronized (this) {
                if (gapUs > maxGapUs) { maxGapUs = gapUs; maxGapEndUs = gapEndUs; }
            }
        }
    }

    /**
     * Checks n received bytes that should be reply bytes pos.. of request req. A mismatch is resynchronised by
     * finding the received bytes elsewhere in the expected reply: earlier means duplicated, later means lost.
     */
    long check(byte[] req, byte[] got, int n, long pos, long size) throws IOException {
        int i = 0;
        while (i < n) {
            if (pos < size && got[i] == expect.replyByte(req, pos)) { bytesOk.incrementAndGet(); i++; pos++; continue; }
            int window = Math.min(16, n - i);
            long found = -1;
            for (long q = Math.max(0, pos - 1_000_000); q + window <= size && q < pos + 1_000_000 && found < 0; q++) {
                if (q == pos) continue;
                boolean match = true;
                for (int k = 0; k < window && match; k++) match = got[i + k] == expect.replyByte(req, q + k);
                if (match) found = q;
            }
            if (found < 0) throw new IOException("received bytes that are not in the expected reply at offset " + pos);
            if (found < pos) bytesDuplicated.addAndGet(pos - found); else bytesLost.addAndGet(found - pos);
            pos = found;
        }
        return pos;
    }

    Map<String, Object> run(int connections) throws InterruptedException {
        CountDownLatch connected = new CountDownLatch(connections);
        List<Thread> threads = new ArrayList<>();
        long start = nowUs();
        for (int c = 0; c < connections; c++) {
            int conn = c;
            Thread t = new Thread(() -> runConnection(conn, connected), "conn-" + c);
            t.start();
            threads.add(t);
        }
        connected.await();
        System.out.println("connected " + connections + " at_us=" + nowUs());
        System.out.flush();
        for (Thread t : threads) t.join();
        long expected = (long) connections * messages * expect.replySize();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("connections", connections);
        r.put("connections_broken", broken.get());
        r.put("exchanges", exchanges.get());
        r.put("bytes_expected", expected);
        r.put("bytes_ok", bytesOk.get());
        r.put("bytes_lost", bytesLost.get() + (broken.get() > 0 ? expected - bytesOk.get() - bytesLost.get() : 0));
        r.put("bytes_duplicated", bytesDuplicated.get());
        r.put("max_gap_ms", maxGapUs / 1000.0);
        r.put("max_gap_end_us", maxGapEndUs);
        r.put("start_us", start);
        r.put("total_ms", (nowUs() - start) / 1000.0);
        r.put("errors", errors);
        synchronized (this) { r.put("gaps_us", new ArrayList<>(gaps)); }
        return r;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) a.put(args[i], args[i + 1]);
        String[] hp = a.getOrDefault("--server", "198.18.0.100:7000").split(":");
        CheckingClient c = new CheckingClient(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])),
                new ExpectedReplies(a.getOrDefault("--app", "echo"), Long.parseLong(a.getOrDefault("--bulk-bytes", "1048576"))),
                Integer.parseInt(a.getOrDefault("--messages", "100")), Integer.parseInt(a.getOrDefault("--interval-ms", "10")));
        c.readChunk = Integer.parseInt(a.getOrDefault("--read-chunk", "" + c.readChunk));
        c.readPauseMs = Integer.parseInt(a.getOrDefault("--read-pause-ms", "0"));
        c.rcvBuf = Integer.parseInt(a.getOrDefault("--rcvbuf", "0"));
        Map<String, Object> r = c.run(Integer.parseInt(a.getOrDefault("--connections", "1")));
        ObjectNode o = new ObjectMapper().valueToTree(r);
        System.out.println(o);
        System.out.flush();
        System.exit((long) r.get("connections_broken") == 0 && (long) r.get("bytes_lost") == 0 && (long) r.get("bytes_duplicated") == 0 ? 0 : 1);
    }

}
