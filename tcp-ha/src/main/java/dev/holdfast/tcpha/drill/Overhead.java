package dev.holdfast.tcpha.drill;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Failure-free cost of ST-TCP against plain TCP on the same rig in the same run (bin/bench sttcp --overhead):
 * for each application and run, one plain-TCP run (the same server with no heartbeats, sync channel or input log,
 * no backup) and one ST-TCP run (backup tapping, heartbeats at --hb), back to back, in alternating order so a
 * machine getting busier or quieter does not favour one side. Requests go back to back (no think time), so the
 * client's total time is the service's time. Prints min/median/max of each side and of the paired ratios.
 */
final class Overhead {
    private Overhead() {}

    static void main(Map<String, String> a, int runs) throws Exception {
        int hb = Integer.parseInt(a.getOrDefault("--hb", "10"));
        int messages = Integer.parseInt(a.getOrDefault("--messages", "1000"));
        long bulkMb = Long.parseLong(a.getOrDefault("--bulk-mb", "20"));
        String[] apps = a.getOrDefault("--apps", "echo,interactive,bulk").split(",");
        Path logs = Files.createTempDirectory("sttcp-overhead");
        boolean pin = a.containsKey("--pin");
        System.setProperty("sttcp.reportCpu", "true");
        Map<String, List<Double>> plainCpu = new LinkedHashMap<>(), sttcpCpu = new LinkedHashMap<>(), cpuRatio = new LinkedHashMap<>();
        Map<String, List<Double>> plainThr = new LinkedHashMap<>(), sttcpThr = new LinkedHashMap<>(), thrRatio = new LinkedHashMap<>();
        if (pin) System.setProperty("sttcp.pinCpus", "true");
        Map<String, List<Double>> plain = new LinkedHashMap<>(), sttcp = new LinkedHashMap<>(), ratio = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
        for (int run = 0; run < runs; run++) {
            for (String app : apps) {
                Drill.Config c = app.equals("bulk")
                        ? new Drill.Config("bulk", hb, 5, 1, 1, 0, bulkMb << 20, -1, "write", true, null, Drill.Crash.NONE)
                        : new Drill.Config(app, hb, 5, 1, messages, 0, 0, -1, "write", true, null, Drill.Crash.NONE);
                double[] t = new double[2], cpu = {Double.NaN, Double.NaN}, thr = {Double.NaN, Double.NaN};
                for (int k = 0; k < 2; k++) {
                    boolean plainSide = (k == 0) == (run % 2 == 0);
                    Drill.Config cc = plainSide ? c.plain() : c;
                    Map<String, Object> r = Drill.run(cc, logs.resolve(app + "-" + run + (plainSide ? "-plain" : "-sttcp")));
                    boolean clean = Long.valueOf(0).equals(r.get("connections_broken")) && Long.valueOf(0).equals(r.get("bytes_lost"))
                            && Long.valueOf(0).equals(r.get("bytes_duplicated")) && !Boolean.TRUE.equals(r.get("false_takeover"))
                            && r.get("total_ms") instanceof Double;
                    if (!clean) problems.add(app + " run " + run + (plainSide ? " plain" : " ST-TCP") + ": " + r);
                    t[plainSide ? 0 : 1] = r.get("total_ms") instanceof Double d ? d : Double.NaN;
                    cpu[plainSide ? 0 : 1] = r.get("primary_cpu_ms") instanceof Double d ? d : Double.NaN;
                    thr[plainSide ? 0 : 1] = r.get("primary_connection_thread_cpu_ms") instanceof Double d ? d : Double.NaN;
                    System.err.printf("%s run %d %s: %.1f ms, primary CPU %.1f ms%n", app, run, plainSide ? "plain TCP" : "ST-TCP hb " + hb,
                            t[plainSide ? 0 : 1], cpu[plainSide ? 0 : 1]);
                }
                if (!Double.isNaN(cpu[0]) && !Double.isNaN(cpu[1])) {
                    plainCpu.computeIfAbsent(app, x -> new ArrayList<>()).add(cpu[0]);
                    sttcpCpu.computeIfAbsent(app, x -> new ArrayList<>()).add(cpu[1]);
                    cpuRatio.computeIfAbsent(app, x -> new ArrayList<>()).add(100.0 * (cpu[1] - cpu[0]) / cpu[0]);
                    plainThr.computeIfAbsent(app, x -> new ArrayList<>()).add(thr[0]);
                    sttcpThr.computeIfAbsent(app, x -> new ArrayList<>()).add(thr[1]);
                    thrRatio.computeIfAbsent(app, x -> new ArrayList<>()).add(100.0 * (thr[1] - thr[0]) / thr[0]);
                }
                if (Double.isNaN(t[0]) || Double.isNaN(t[1])) continue;
                plain.computeIfAbsent(app, x -> new ArrayList<>()).add(t[0]);
                sttcp.computeIfAbsent(app, x -> new ArrayList<>()).add(t[1]);
                ratio.computeIfAbsent(app, x -> new ArrayList<>()).add(100.0 * (t[1] - t[0]) / t[0]);
            }
        }
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).strip();
        System.out.printf("Failure-free total time, plain TCP vs ST-TCP (hb %d ms), %d runs, pairs in alternating order; "
                + "echo/interactive: %d requests back to back; bulk: %d MB%s%n", hb, runs, messages, bulkMb,
                pin ? "; client and primary on CPU 0, backup on CPU 1 (taskset)" : "; all on both CPUs");
        System.out.printf("%-12s | %-22s | %-22s | %-26s%n", "application", "plain TCP ms", "ST-TCP ms", "ST-TCP - plain, % (pairs)");
        for (String app : apps) {
            if (!plain.containsKey(app)) { System.out.printf("%-12s | -%n", app); continue; }
            System.out.printf("%-12s | %-22s | %-22s | %-26s%n", app, Bench.stats(plain.get(app)), Bench.stats(sttcp.get(app)),
                    pct(ratio.get(app)));
        }
        System.out.println();
        System.out.println("The primary's CPU time (its whole process, clock_gettime(CLOCK_PROCESS_CPUTIME_ID), from accepting the"
                + " connection to closing it), same pairs:");
        System.out.printf("%-12s | %-22s | %-22s | %-26s%n", "application", "plain TCP CPU ms", "ST-TCP CPU ms", "ST-TCP - plain, % (pairs)");
        for (String app : apps) {
            if (!plainCpu.containsKey(app)) { System.out.printf("%-12s | -%n", app); continue; }
            System.out.printf("%-12s | %-22s | %-22s | %-26s%n", app, Bench.stats(plainCpu.get(app)), Bench.stats(sttcpCpu.get(app)),
                    pct(cpuRatio.get(app)));
        }
        System.out.println("Of that, the connection's own thread (the data path: reads, the input log's copy, the application,"
                + " writes, and the kernel's work in that thread's context):");
        System.out.printf("%-12s | %-22s | %-22s | %-26s%n", "application", "plain TCP CPU ms", "ST-TCP CPU ms", "ST-TCP - plain, % (pairs)");
        for (String app : apps) {
            if (!plainThr.containsKey(app)) { System.out.printf("%-12s | -%n", app); continue; }
            System.out.printf("%-12s | %-22s | %-22s | %-26s%n", app, Bench.stats(plainThr.get(app)), Bench.stats(sttcpThr.get(app)),
                    pct(thrRatio.get(app)));
        }
        System.out.println("load average before: " + loadBefore + "; after: " + loadAfter
                + " (2 cores shared: wall-clock differences below the run-to-run spread are noise)");
        System.out.println(problems.isEmpty() ? "every run clean" : problems.size() + " runs NOT clean:\n  " + String.join("\n  ", problems));
        System.out.println("logs: " + logs);
    }

    static String pct(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        return String.format("%+.1f/%+.1f/%+.1f", s[0], median, s[s.length - 1]);
    }
}
