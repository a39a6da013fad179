package dev.holdfast.tcpha.client;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plain kernel-TCP client for the failure-free overhead (bench sttcp --overhead): one connection to each of
 * several servers (plain TCP, ST-TCP, plain TCP again), and many rounds in which each connection runs one block of
 * back-to-back requests (or one bulk transfer), timed. The order within a round cycles through every permutation, so
 * no server always goes first or last; the rounds follow each other within a second, so a machine that gets busier
 * or quieter weighs on every server alike, which separate runs minutes apart cannot give on a shared machine. Every
 * reply byte is checked. Prints "measuring at_us=..." after the warm-up rounds (not timed: the JIT) and one JSON
 * object as its last line: per server, each measured block's nanoseconds.
 * <p>Usage: {@code PairedBlocksClient --servers IP:PORT,IP:PORT,... --app echo|interactive|bulk
 * [--block-messages N] [--bulk-bytes B] [--warmup-rounds W] [--rounds R]}
 */
public final class PairedBlocksClient {
    private final ExpectedReplies expect;
    private final int blockMessages;
    private long bytesOk;
    private long msg;

    PairedBlocksClient(ExpectedReplies expect, int blockMessages) {
        this.expect = expect;
        this.blockMessages = blockMessages;
    }

    /** One block on one connection: its requests back to back, every reply byte checked; nanoseconds taken. */
    long block(SocketChannel ch, int conn, ByteBuffer in) throws IOException {
        long t0 = System.nanoTime();
        for (int m = 0; m < blockMessages; m++) {
            byte[] req = expect.request(conn, msg++);
            ByteBuffer out = ByteBuffer.wrap(req);
            while (out.hasRemaining()) ch.write(out);
            long size = expect.replySize();
            for (long pos = 0; pos < size; ) {
                in.clear();
                in.limit((int) Math.min(in.capacity(), size - pos));
                int n = ch.read(in);
                if (n < 0) throw new IOException("connection closed by the server after " + pos + " of " + size + " reply bytes");
                byte[] got = in.array();
                for (int i = 0; i < n; i++, pos++) {
                    if (got[i] != expect.replyByte(req, pos)) throw new IOException("wrong reply byte at offset " + pos);
                }
                bytesOk += n;
            }
        }
        return System.nanoTime() - t0;
    }

    /** The p-th permutation (of n! in lexicographic order) of 0..n-1. */
    static int[] permutation(int n, int p) {
        List<Integer> left = new ArrayList<>();
        for (int i = 0; i < n; i++) left.add(i);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int f = factorial(n - 1 - i);
            out[i] = left.remove(p / f);
            p %= f;
        }
        return out;
    }

    static int factorial(int n) { return n <= 1 ? 1 : n * factorial(n - 1); }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) a.put(args[i], args[i + 1]);
        String app = a.getOrDefault("--app", "echo");
        PairedBlocksClient c = new PairedBlocksClient(new ExpectedReplies(app, Long.parseLong(a.getOrDefault("--bulk-bytes", "1048576"))),
                app.equals("bulk") ? 1 : Integer.parseInt(a.getOrDefault("--block-messages", "500")));
        int warmup = Integer.parseInt(a.getOrDefault("--warmup-rounds", "20"));
        int rounds = Integer.parseInt(a.getOrDefault("--rounds", "60"));
        String[] servers = a.getOrDefault("--servers", "198.18.0.100:7001,198.18.0.100:7000,198.18.0.100:7001").split(",");
        List<SocketChannel> chs = new ArrayList<>();
        Map<String, Object> r = new LinkedHashMap<>();
        long[][] ns = new long[servers.length][rounds];
        // the client's own CPU per block: the same work whichever server answers, so a difference between plain and
        // ST-TCP blocks is interference (the backup's work on the other CPU, kernel work done in the client's
        // context), the yardstick for the servers' CPU per block
        long[][] cpuNs = new long[servers.length][rounds];
        List<String> errors = new ArrayList<>();
        try {
            for (String s : servers) {
                String[] hp = s.split(":");
                SocketChannel ch = SocketChannel.open(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])));
                ch.socket().setTcpNoDelay(true);
                chs.add(ch);
            }
            System.out.println("connected " + servers.length + " at_us=" + CheckingClient.nowUs());
            System.out.flush();
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            int perms = factorial(servers.length);
            for (int round = -warmup; round < rounds; round++) {
                if (round == 0) {
                    System.out.println("measuring at_us=" + CheckingClient.nowUs());
                    System.out.flush();
                }
                for (int k : permutation(servers.length, Math.floorMod(round, perms))) {
                    long cpu0 = dev.holdfast.tcpha.posix.ProcessCpu.threadNanos();
                    long t = c.block(chs.get(k), k, in);
                    long cpu = dev.holdfast.tcpha.posix.ProcessCpu.threadNanos() - cpu0;
                    if (round >= 0) { ns[k][round] = t; cpuNs[k][round] = cpu; }
                }
            }
            System.out.println("measured at_us=" + CheckingClient.nowUs());
            System.out.flush();
            // the connections stay open a moment: the bench reads the servers' per-thread CPU time now, and a
            // connection thread's time is gone from /proc once the thread ends
            Thread.sleep(1000);
        } catch (IOException e) {
            errors.add(e.getMessage());
        } finally {
            for (SocketChannel ch : chs) {
                try { ch.close(); } catch (IOException e) { /* closing anyway */ }
            }
        }
        r.put("servers", List.of(servers));
        r.put("app", app);
        r.put("block_messages", c.blockMessages);
        r.put("rounds", rounds);
        r.put("bytes_ok", c.bytesOk);
        r.put("errors", errors);
        r.put("block_ns", ns);
        r.put("block_cpu_ns", cpuNs);
        System.out.println(new ObjectMapper().writeValueAsString(r));
        System.out.flush();
        System.exit(errors.isEmpty() ? 0 : 1);
    }
}
