package dev.holdfast.tcpha.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.holdfast.tcpha.client.PairedBlocksClient;
import dev.holdfast.tcpha.ha.BackupServer;
import dev.holdfast.tcpha.ha.PrimaryServer;
import dev.holdfast.tcpha.rig.NamespaceRig;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Failure-free overhead of ST-TCP against plain TCP, measured so that a 1 % difference can show on a shared machine
 * (bench sttcp --overhead). On one rig per heartbeat interval and application, a plain-TCP server (the same server
 * with no heartbeats, sync channel, input log or backup, port 7001) and an ST-TCP primary with its backup (port 7000)
 * run side by side; one client ({@link PairedBlocksClient}) holds a connection to each, and a second one to the
 * plain server, and runs many rounds of one timed block on each, in rotating order. The paired comparison
 * (ST-TCP block against the plain block of the same round) cancels the machine's drift, which is what made separate
 * runs useless here (plain TCP's own spread was tens of per cent). The same statistic for the second plain
 * connection against the first (A/A) is the measurement's own noise: what it can resolve. The ST-TCP processes'
 * standing cost (heartbeats, sync channel) runs through the plain blocks too, so it is reported apart, as CPU.
 */
final class PairedOverhead {
    static final int PLAIN_PORT = 7001;
    /** Extra BackupServer options (--backup-args "..."), e.g. a measurement knob. */
    static String BACKUP_EXTRA = "";
    static boolean STOP_BACKUP;
    /** Extra PrimaryServer options (--primary-args "..."), e.g. --threshold for --stop-backup. */
    static String PRIMARY_EXTRA = "";
    /**
     * Every JVM of the rig touches its whole heap at start (-XX:+AlwaysPreTouch; --no-pretouch: not). Without it a
     * server pays the kernel's first touch of each fresh page of its young generation (400 MB, a zeroed page and a
     * page-table update per 4 KB: about 22 us each on the paravirtualised VMs this runs on, 2.3 s per heap) while
     * the blocks are timed, until its allocation has wrapped around the young generation once; the plain server
     * serves two connections and allocates twice as fast, so it got there in half the time, and the ST-TCP primary
     * paid the rest inside the measured window: session 14 found the primary's connection thread taking 6 page
     * faults per interactive request against the plain server's 0.8, for its first 20 s of measuring, then none.
     */
    static boolean PRETOUCH = true;

    private PairedOverhead() {}

    record Result(String app, int hb, int rounds, double[] plain, double[] sttcp, double[] plain2,
                  double plainCpuMs, double primaryCpuMs, double backupCpuMs, double windowS, String error,
                  Map<String, Long> primaryThreads, Map<String, Long> backupThreads, Map<String, Long> plainThreads,
                  double[][] clientCpu) {}

    static void main(Map<String, String> a) throws Exception {
        int[] hbs = Arrays.stream(a.getOrDefault("--hb", "5000,1000,200,50,10").split(",")).mapToInt(Integer::parseInt).toArray();
        String[] apps = a.getOrDefault("--apps", "echo,interactive,bulk").split(",");
        int rounds = Integer.parseInt(a.getOrDefault("--rounds", "150"));
        int warmup = Integer.parseInt(a.getOrDefault("--warmup-rounds", "30"));
        int echoMessages = Integer.parseInt(a.getOrDefault("--messages", "500"));
        int interactiveMessages = Integer.parseInt(a.getOrDefault("--interactive-messages", "100"));
        long bulkMb = Long.parseLong(a.getOrDefault("--bulk-mb", "1"));
        boolean pin = a.containsKey("--pin");
        BACKUP_EXTRA = a.getOrDefault("--backup-args", "");
        STOP_BACKUP = a.containsKey("--stop-backup");
        PRIMARY_EXTRA = a.getOrDefault("--primary-args", "");
        PRETOUCH = !a.containsKey("--no-pretouch");
        Path logs = Files.createTempDirectory("sttcp-overhead");
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
        String startUtc = java.time.Instant.now().toString();
        List<Result> results = new ArrayList<>();
        List<String> retried = new ArrayList<>();
        for (int hb : hbs) {
            for (String app : apps) {
                int messages = app.equals("echo") ? echoMessages : interactiveMessages;
                Result r = run(app, hb, rounds, warmup, messages, bulkMb << 20, pin, logs.resolve(app + "-hb" + hb));
                if (r.plain() == null) {
                    // no figures at all (a false takeover before the client connected fences the primary's host, and
                    // the plain server with it): say so and measure the cell once more on a fresh rig
                    System.err.println(line(r) + " -- once more");
                    retried.add(hb + " " + app + ": " + r.error());
                    r = run(app, hb, rounds, warmup, messages, bulkMb << 20, pin, logs.resolve(app + "-hb" + hb + "-again"));
                }
                results.add(r);
                System.err.println(line(r));
            }
        }
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).strip();
        System.out.printf("Failure-free overhead, ST-TCP vs plain TCP, paired blocks (%s .. %s; load average before: %s; after: %s)%n",
                startUtc, java.time.Instant.now(), loadBefore, loadAfter);
        System.out.printf("%d measured rounds per cell after %d warm-up rounds; a block: echo %d requests, interactive %d, bulk %d MB,"
                + " back to back%s%s%n", rounds, warmup, echoMessages, interactiveMessages, bulkMb,
                pin ? "; client, plain server and primary on CPU 0, backup on CPU 1" : "; every process on both CPUs",
                PRETOUCH ? "; heaps pre-touched" : "; heaps NOT pre-touched (--no-pretouch)");
        System.out.println("wall clock per round: block time / the same round's plain block - 1; median [95 % confidence interval"
                + " of the median] and the ratio of the totals. A/A = the second plain connection against the first: the"
                + " measurement's own noise. CPU per block: the plain server's process / the ST-TCP primary's / the backup's,"
                + " over the measured window (ms; the primary's includes its heartbeats and sync channel)");
        System.out.printf("%-5s %-11s | %-21s | %-30s | %-30s | %-24s | %s%n", "hb ms", "application", "plain block ms min/med/max",
                "A/A %: median [CI], total", "ST-TCP %: median [CI], total", "CPU/block ms plain/prim/bkp", "within 1 %?");
        for (Result r : results) System.out.println(line(r));
        System.out.println("The client's own CPU per block (the same work for every server: a difference is interference, not the"
                + " server's work), ms median plain / ST-TCP / plain again; per round ST-TCP vs plain and A/A, median % [CI]:");
        for (Result r : results) {
            if (r.clientCpu() == null) continue;
            double[][] cc = r.clientCpu();
            double[] st = new double[cc[0].length], aa = new double[cc[0].length];
            for (int i = 0; i < st.length; i++) { st[i] = 100 * (cc[1][i] / cc[0][i] - 1); aa[i] = 100 * (cc[2][i] / cc[0][i] - 1); }
            double[] ciSt = medianCi(st), ciAa = medianCi(aa);
            System.out.printf("%-5d %-11s | %.2f / %.2f / %.2f | ST-TCP %+.2f [%+.2f, %+.2f] | A/A %+.2f [%+.2f, %+.2f]%n", r.hb(), r.app(),
                    median(cc[0]) / 1e6, median(cc[1]) / 1e6, median(cc[2]) / 1e6, median(st), ciSt[0], ciSt[1], median(aa), ciAa[0], ciAa[1]);
        }
        System.out.println("CPU per thread over the measured window, ms per second (threads above 10 ms/s; conn-* is the data path):");
        for (Result r : results) {
            if (r.plain() == null) continue;
            // the plain server's threads serve two connections (plain and plain again): its conn-* is per two blocks
            System.out.printf("%-5d %-11s | %.1f s | primary: %s | backup: %s | plain (2 connections): %s%n", r.hb(), r.app(), r.windowS(),
                    threads(r.primaryThreads(), r.windowS()), threads(r.backupThreads(), r.windowS()),
                    threads(r.plainThreads(), r.windowS()));
        }
        if (!retried.isEmpty()) System.out.println("measured again after a run without figures: " + String.join("; ", retried));
        System.out.println("logs: " + logs);
    }

    static String line(Result r) {
        if (r.plain() == null) return String.format("%-5d %-11s | NOT CLEAN: %s", r.hb(), r.app(), r.error());
        double[] aa = ratios(r.plain2(), r.plain()), st = ratios(r.sttcp(), r.plain());
        double[] ciAa = medianCi(aa), ciSt = medianCi(st);
        double n = r.rounds();
        String cpu = String.format("%.2f/%.2f/%.2f", r.plainCpuMs() / (2 * n), r.primaryCpuMs() / n, r.backupCpuMs() / n);
        return String.format("%-5d %-11s | %-21s | %-30s | %-30s | %-24s | %s", r.hb(), r.app(), Bench.stats(ms(r.plain())),
                String.format("%+.2f [%+.2f, %+.2f], %+.2f", median(aa), ciAa[0], ciAa[1], 100 * (sum(r.plain2()) / sum(r.plain()) - 1)),
                String.format("%+.2f [%+.2f, %+.2f], %+.2f", median(st), ciSt[0], ciSt[1], 100 * (sum(r.sttcp()) / sum(r.plain()) - 1)),
                cpu, verdict(ciSt)) + (r.error() == null ? "" : " (NOT CLEAN: " + r.error() + ")");
    }

    /** Within 1 %: the whole confidence interval of the median below +1 %; not: all of it above; else unresolved. */
    static String verdict(double[] ci) {
        if (ci[1] < 1.0) return "yes";
        if (ci[0] > 1.0) return "no";
        return "cannot tell";
    }

    static Result run(String app, int hb, int rounds, int warmup, int messages, long bulkBytes, boolean pin, Path logDir) throws Exception {
        Files.createDirectories(logDir);
        File plainLog = logDir.resolve("plain.log").toFile(), primaryLog = logDir.resolve("primary.log").toFile();
        File backupLog = logDir.resolve("backup.log").toFile(), clientLog = logDir.resolve("client.log").toFile();
        try (NamespaceRig rig = NamespaceRig.create()) {
            if (PRETOUCH) rig.addJvmOptions("-XX:+AlwaysPreTouch");
            if (pin) {
                rig.pinCpus(rig.client, "0");
                rig.pinCpus(rig.primary, "0");
                rig.pinCpus(rig.backup, "1");
            }
            Process plain = rig.startJava(rig.primary, plainLog, Drill.SERVER_NICE, PrimaryServer.class.getName(),
                    "--app", app, "--port", "" + PLAIN_PORT, "--plain", "true");
            List<String> primaryArgs = new ArrayList<>(List.of("--app", app, "--port", "" + Drill.PORT, "--hb-ms", "" + hb, "--miss", "5"));
            if (!PRIMARY_EXTRA.isBlank()) primaryArgs.addAll(List.of(PRIMARY_EXTRA.trim().split("\\s+")));
            Process primary = rig.startJava(rig.primary, primaryLog, Drill.SERVER_NICE, PrimaryServer.class.getName(),
                    primaryArgs.toArray(new String[0]));
            Drill.waitForLine(plainLog, "primary ready", 30_000);
            Drill.waitForLine(primaryLog, "primary ready", 30_000);
            List<String> backupArgs = new ArrayList<>(List.of("--app", app, "--port", "" + Drill.PORT, "--hb-ms", "" + hb,
                    "--miss", "5", "--fence-ns", rig.primary,
                    "--fence-links", NamespaceRig.PRIMARY_IF + "," + NamespaceRig.HB1_IF + "," + NamespaceRig.HB2_IF,
                    "--fence-pids", "" + primary.pid()));
            if (!BACKUP_EXTRA.isBlank()) backupArgs.addAll(List.of(BACKUP_EXTRA.trim().split("\\s+")));
            Process backup = rig.startJava(rig.backup, backupLog, Drill.SERVER_NICE, BackupServer.class.getName(),
                    backupArgs.toArray(new String[0]));
            Drill.waitForLine(backupLog, "backup ready", 30_000);
            String vip = NamespaceRig.VIP;
            Process client = rig.startJava(rig.client, clientLog, PairedBlocksClient.class.getName(),
                    "--servers", vip + ":" + PLAIN_PORT + "," + vip + ":" + Drill.PORT + "," + vip + ":" + PLAIN_PORT,
                    "--app", app, "--block-messages", "" + messages, "--bulk-bytes", "" + bulkBytes,
                    "--warmup-rounds", "" + warmup, "--rounds", "" + rounds);
            waitForLineOrExit(clientLog, "measuring", 600_000, client);
            // --stop-backup: the backup's process stopped (SIGSTOP) through the measured window, its kernel side (the
            // tap's filter and queue, in the senders' context) still there: what is left of the overhead is not the
            // backup's user-space work on the other CPU. Needs a heartbeat interval whose miss x hb outlasts the
            // window (hb 5000: 25 s), or the primary goes on alone.
            if (STOP_BACKUP) dev.holdfast.tcpha.rig.Cmd.run("kill", "-STOP", "" + backup.pid());
            Map<String, Long> p0 = threadCpu(primary.pid()), b0 = threadCpu(backup.pid()), q0 = threadCpu(plain.pid());
            long[] cpu0 = {cpuNanos(plain.pid()), cpuNanos(primary.pid()), cpuNanos(backup.pid())};
            long t0 = System.nanoTime();
            waitForLineOrExit(clientLog, "measured at_us", 1_800_000, client);
            if (STOP_BACKUP) dev.holdfast.tcpha.rig.Cmd.run("kill", "-CONT", "" + backup.pid());
            long[] cpu1 = {cpuNanos(plain.pid()), cpuNanos(primary.pid()), cpuNanos(backup.pid())};
            double windowS = (System.nanoTime() - t0) / 1e9;
            Map<String, Long> primaryThreads = minus(threadCpu(primary.pid()), p0), backupThreads = minus(threadCpu(backup.pid()), b0);
            Map<String, Long> plainThreads = minus(threadCpu(plain.pid()), q0);
            if (!client.waitFor(60, TimeUnit.SECONDS)) client.destroyForcibly().waitFor();
            List<String> lines = Files.readAllLines(clientLog.toPath());
            JsonNode j = new ObjectMapper().readTree(lines.get(lines.size() - 1));
            String error = null;
            if (j.get("errors").size() > 0) {
                return new Result(app, hb, rounds, null, null, null, 0, 0, 0, windowS, j.get("errors").toString(), Map.of(), Map.of(), Map.of(), null);
            }
            String bl = Files.readString(backupLog.toPath());
            if (bl.contains("taking over")) error = "false takeover at_us=" + bl.replaceAll("(?s).*taking over at_us=(\\d+).*", "$1")
                    + ", measured window ended at_us=" + Files.readString(clientLog.toPath()).replaceAll("(?s).*measured at_us=(\\d+).*", "$1");
            if (!primary.isAlive() || !backup.isAlive() || !plain.isAlive()) error = (error == null ? "" : error + "; ") + "a server died";
            JsonNode b = j.get("block_ns");
            return new Result(app, hb, rounds, row(b.get(0)), row(b.get(1)), row(b.get(2)),
                    (cpu1[0] - cpu0[0]) / 1e6, (cpu1[1] - cpu0[1]) / 1e6, (cpu1[2] - cpu0[2]) / 1e6, windowS, error,
                    primaryThreads, backupThreads, plainThreads,
                    j.has("block_cpu_ns") ? new double[][] {row(j.get("block_cpu_ns").get(0)), row(j.get("block_cpu_ns").get(1)),
                            row(j.get("block_cpu_ns").get(2))} : null);
        }
    }

    /** As {@link Drill#waitForLine}, but returns as soon as {@code p} has ended (a client that failed says why in its log). */
    static void waitForLineOrExit(File log, String text, long ms, Process p) throws IOException, InterruptedException {
        long end = System.currentTimeMillis() + ms;
        while (!(log.exists() && Files.readString(log.toPath()).contains(text)) && p.isAlive()) {
            if (System.currentTimeMillis() > end) throw new IllegalStateException("no '" + text + "' in " + log + " after " + ms + " ms");
            Thread.sleep(20);
        }
    }

    static double[] row(JsonNode n) {
        double[] v = new double[n.size()];
        for (int i = 0; i < v.length; i++) v[i] = n.get(i).asLong();
        return v;
    }

    /** A process's CPU time: the sum of its threads' time on the CPU (schedstat, ns; kernel work in their context included). */
    static long cpuNanos(long pid) {
        long sum = 0;
        File[] tasks = new File("/proc/" + pid + "/task").listFiles();
        if (tasks == null) return 0;
        for (File t : tasks) {
            try {
                sum += Long.parseLong(Files.readString(t.toPath().resolve("schedstat")).split(" ")[0]);
            } catch (IOException | RuntimeException e) {
                // a thread that ended meanwhile
            }
        }
        return sum;
    }

    /** CPU ns per thread name, threads of one kind (conn-12, conn-13) summed under one name (conn-*). */
    static Map<String, Long> threadCpu(long pid) {
        Map<String, Long> m = new java.util.TreeMap<>();
        File[] tasks = new File("/proc/" + pid + "/task").listFiles();
        if (tasks == null) return m;
        for (File t : tasks) {
            try {
                long ns = Long.parseLong(Files.readString(t.toPath().resolve("schedstat")).split(" ")[0]);
                String name = Files.readString(t.toPath().resolve("comm")).strip().replaceAll("\\d+$", "*");
                m.merge(name, ns, Long::sum);
            } catch (IOException | RuntimeException e) {
                // a thread that ended meanwhile
            }
        }
        return m;
    }

    static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> m = new java.util.TreeMap<>();
        after.forEach((k, v) -> m.put(k, v - before.getOrDefault(k, 0L)));
        return m;
    }

    /** The threads that used at least 1 % of the window, as ms of CPU per second of it. */
    static String threads(Map<String, Long> m, double windowS) {
        StringBuilder sb = new StringBuilder();
        m.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                .filter(e -> e.getValue() / 1e6 / windowS >= 10)
                .forEach(e -> sb.append(String.format("%s %.0f, ", e.getKey(), e.getValue() / 1e6 / windowS)));
        return sb.length() == 0 ? "-" : sb.substring(0, sb.length() - 2);
    }

    static List<Double> ms(double[] ns) {
        List<Double> v = new ArrayList<>();
        for (double x : ns) v.add(x / 1e6);
        return v;
    }

    /** Per round, 100 * (x / base - 1). */
    static double[] ratios(double[] x, double[] base) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) r[i] = 100 * (x[i] / base[i] - 1);
        return r;
    }

    static double sum(double[] v) { return Arrays.stream(v).sum(); }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /**
     * A distribution-free 95 % confidence interval of the median: the order statistics j and k around n/2 such that
     * the number of values below the true median (binomial, n, 1/2) lies between them with 95 % probability.
     */
    static double[] medianCi(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        int j = (int) Math.floor(n / 2.0 - 0.98 * Math.sqrt(n));
        int k = (int) Math.ceil(n / 2.0 + 0.98 * Math.sqrt(n));
        return new double[] {s[Math.max(0, j)], s[Math.min(n - 1, k)]};
    }
}
