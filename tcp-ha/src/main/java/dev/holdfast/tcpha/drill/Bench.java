package dev.holdfast.tcpha.drill;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The thesis's experiment on a namespace rig: each application over plain TCP and over ST-TCP at several heartbeat
 * intervals, without a failure (table 3.1: total time) and with a primary crash in the middle (table 3.2: failover
 * time), min/median/max over several runs. Usage (see bin/bench): {@code Bench [--runs N] [--hb 1000,200,50,10]
 * [--apps echo,interactive,bulk] [--bulk-mb 1,5]}
 */
public final class Bench {
    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new java.util.HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (argv[i].equals("--overhead") || argv[i].equals("--pin") || argv[i].equals("--separate-runs") || argv[i].equals("--stop-backup")
                    || argv[i].equals("--loop-cost") || argv[i].equals("--no-pretouch")) { a.put(argv[i], "true"); continue; }
            if (i + 1 < argv.length) a.put(argv[i], argv[++i]);
        }
        int runs = Integer.parseInt(a.getOrDefault("--runs", "3"));
        if (a.containsKey("--overhead") && a.containsKey("--separate-runs")) { Overhead.main(a, runs); return; }
        if (a.containsKey("--overhead")) { PairedOverhead.main(a); return; }
        if (a.containsKey("--loop-cost")) { LoopCost.main(a); return; }
        int[] hbs = Arrays.stream(a.getOrDefault("--hb", "1000,200,50,10").split(",")).mapToInt(Integer::parseInt).toArray();
        List<String> apps = new ArrayList<>();
        for (String app : a.getOrDefault("--apps", "echo,interactive,bulk").split(",")) {
            if (app.equals("bulk")) {
                for (String mb : a.getOrDefault("--bulk-mb", "1,5").split(",")) apps.add("bulk:" + mb);
            } else {
                apps.add(app);
            }
        }
        Path logs = Files.createTempDirectory("sttcp-bench");
        Map<String, List<Double>> total = new LinkedHashMap<>(), failover = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        Map<String, List<Map<?, ?>>> phases = new LinkedHashMap<>();
        for (String app : apps) {
            for (int hbIndex = -1; hbIndex < hbs.length; hbIndex++) {
                for (boolean crash : new boolean[] {false, true}) {
                    if (hbIndex < 0 && crash) continue; // plain TCP has no failover
                    for (int run = 0; run < runs; run++) {
                        Drill.Config c = config(app, hbIndex < 0 ? 1000 : hbs[hbIndex], crash);
                        if (hbIndex < 0) c = c.plain();
                        String col = hbIndex < 0 ? "plain TCP" : "hb " + hbs[hbIndex] + " ms";
                        Map<String, Object> r = Drill.run(c, logs.resolve(app.replace(':', '-') + "-" + col.replace(' ', '_') + "-" + crash + "-" + run));
                        String key = app + "|" + col;
                        boolean clean = Long.valueOf(0).equals(r.get("connections_broken")) && Long.valueOf(0).equals(r.get("bytes_lost"))
                                && Long.valueOf(0).equals(r.get("bytes_duplicated")) && !Boolean.TRUE.equals(r.get("false_takeover"));
                        if (!clean) problems.add(key + (crash ? " crash" : "") + " run " + run + ": " + r);
                        if (crash) {
                            if (r.get("failover_ms") instanceof Double d && d > 0) {
                                failover.computeIfAbsent(key, k -> new ArrayList<>()).add(d);
                                if (r.get("phases_ms") instanceof Map<?, ?> p) phases.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
                            }
                        } else if (r.get("total_ms") instanceof Double d) {
                            total.computeIfAbsent(key, k -> new ArrayList<>()).add(d);
                        }
                        System.err.printf("%s %s %s run %d: total %.1f ms, failover %s ms%s%n", app, col, crash ? "crash" : "no failure",
                                run, r.get("total_ms"), r.get("failover_ms"), clean ? "" : " (NOT CLEAN)");
                    }
                }
            }
        }
        List<String> cols = new ArrayList<>(List.of("plain TCP"));
        for (int hb : hbs) cols.add("hb " + hb + " ms");
        System.out.println("Table 3.1 (shape): total time without failure, ms, min/median/max over " + runs + " runs");
        print(apps, cols, total);
        System.out.println();
        System.out.println("Table 3.2 (shape): failover time (client's last byte before the crash to first after), ms, min/median/max");
        print(apps, cols.subList(1, cols.size()), failover);
        System.out.println();
        System.out.println("Where the failover time went (medians, ms from the crash; drill --json phases_ms): the client's last byte"
                + " before it / the backup's detection / takeover done (readers started) / the client's first byte after");
        Map<String, List<Double>> breakdown = new LinkedHashMap<>();
        phases.forEach((key, list) -> {
            for (String step : List.of("client_last_byte", "detected", "readers_started", "client_first_byte")) {
                List<Double> v = new ArrayList<>();
                for (Map<?, ?> p : list) if (p.get(step) instanceof Double d) v.add(d);
                breakdown.put(key + "|" + step, v);
            }
        });
        StringBuilder h = new StringBuilder(String.format("%-14s", "application"));
        for (String c : cols.subList(1, cols.size())) h.append(String.format(" | %-24s", c));
        System.out.println(h);
        for (String app : apps) {
            StringBuilder row = new StringBuilder(String.format("%-14s", app.replace("bulk:", "bulk ") + (app.startsWith("bulk") ? " MB" : "")));
            for (String c : cols.subList(1, cols.size())) {
                StringBuilder cell = new StringBuilder();
                for (String step : List.of("client_last_byte", "detected", "readers_started", "client_first_byte")) {
                    List<Double> v = breakdown.getOrDefault(app + "|" + c + "|" + step, List.of());
                    if (cell.length() > 0) cell.append('/');
                    cell.append(v.isEmpty() ? "-" : String.format("%.0f", median(v)));
                }
                row.append(String.format(" | %-24s", cell));
            }
            System.out.println(row);
        }
        System.out.println();
        System.out.println(problems.isEmpty() ? "every run: no connection broken, no byte lost or duplicated"
                : problems.size() + " runs NOT clean:\n  " + String.join("\n  ", problems));
        System.out.println("logs: " + logs);
    }

    static Drill.Config config(String app, int hbMs, boolean crash) {
        int miss = 5;
        return switch (app.split(":")[0]) {
            case "echo" -> new Drill.Config("echo", hbMs, miss, 1, 100, 10, 0, crash ? 400 : -1, "write", true, null,
                    crash ? Drill.Crash.PRIMARY_HOST : Drill.Crash.NONE);
            case "interactive" -> new Drill.Config("interactive", hbMs, miss, 1, 100, 10, 0, crash ? 400 : -1, "write", true, null,
                    crash ? Drill.Crash.PRIMARY_HOST : Drill.Crash.NONE);
            default -> new Drill.Config("bulk", hbMs, miss, 1, 1, 0, Long.parseLong(app.split(":")[1]) << 20, crash ? 50 : -1,
                    "write", true, null, crash ? Drill.Crash.PRIMARY_HOST : Drill.Crash.NONE);
        };
    }

    static void print(List<String> apps, List<String> cols, Map<String, List<Double>> data) {
        StringBuilder h = new StringBuilder(String.format("%-14s", "application"));
        for (String c : cols) h.append(String.format(" | %-24s", c));
        System.out.println(h);
        for (String app : apps) {
            StringBuilder row = new StringBuilder(String.format("%-14s", app.replace("bulk:", "bulk ") + (app.startsWith("bulk") ? " MB" : "")));
            for (String c : cols) {
                List<Double> v = data.getOrDefault(app + "|" + c, List.of());
                row.append(String.format(" | %-24s", v.isEmpty() ? "-" : stats(v)));
            }
            System.out.println(row);
        }
    }

    static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static String stats(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        return String.format("%.0f/%.0f/%.0f", s[0], median, s[s.length - 1]);
    }
}
