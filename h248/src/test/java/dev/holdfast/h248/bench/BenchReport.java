package dev.holdfast.h248.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prints the summary table of a bin/bench-codec run from its work directory: per form and message set, our
 * codec's µs per message (decode, encode, decode+encode; per run, the median of the JMH measurement iterations),
 * messages/s and bytes allocated per message from the
 * JMH result files {@code run<k>-jmh-<form>[-<part>].json}, and OTP megaco's µs per message from
 * {@code run<k>-otp-<form>.json} (one JSON line of hf_megaco_codec_bench), as min / median / max over the runs,
 * with the ratio OTP / ours on the messages OTP accepts.
 */
public final class BenchReport {
    private static final Pattern RUN_FILE = Pattern.compile("run(\\d+)-(jmh|otp)-(pretty|compact)(-[a-z])?\\.json");
    /** TextCodecSpeedLoop's output on OTP's set, decode+encode by thread CPU time. */
    private static final Pattern CPU_FILE = Pattern.compile("run(\\d+)-cpu-(pretty|compact)\\.txt");
    private static final Pattern CPU_MEAN = Pattern.compile("decode\\+encode .* mean +([0-9.]+) ns/message");
    private static final String[] BENCHMARKS = {"decode", "encode", "decodeEncode"};
    private static final Map<String, String> OTP_KEYS = Map.of("decode", "us_per_decode", "encode", "us_per_encode",
            "decodeEncode", "us_per_decode_encode");

    private final ObjectMapper json = new ObjectMapper();
    /** form -> set ("otp" or "all") -> benchmark -> values over runs. */
    private final Map<String, Map<String, Map<String, List<Double>>>> micros = new TreeMap<>(Collections.reverseOrder());
    private final Map<String, Map<String, Map<String, List<Double>>>> allocs = new TreeMap<>();
    /** form -> ours (thread CPU, µs per decode+encode, mean of the rounds) and OTP's CPU time, over runs. */
    private final Map<String, List<Double>> oursCpu = new TreeMap<>(Collections.reverseOrder());
    private final Map<String, List<Double>> otpCpu = new TreeMap<>();
    /** form -> benchmark -> OTP values over runs. */
    private final Map<String, Map<String, List<Double>>> otp = new TreeMap<>();
    /** form -> set -> number of messages. */
    private final Map<String, Map<String, Integer>> counts = new TreeMap<>();
    private final Map<String, String> otpInfo = new TreeMap<>();
    private int runs;
    /** The JVM options of our JMH forks, as the result files give them. */
    private final java.util.Set<String> jvmArgs = new java.util.TreeSet<>();
    /** The load average (1, 5, 15 minutes) when bin/bench-codec started and ended, if it wrote them. */
    private String loadStart;
    private String loadEnd;
    /** The 1-minute load average before each OTP and JMH step of the run. */
    private final List<Double> loadSamples = new ArrayList<>();

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: BenchReport <bench work dir>");
            System.exit(2);
        }
        BenchReport r = new BenchReport();
        r.read(Path.of(args[0]));
        System.out.print(r.table());
    }

    void read(Path dir) throws IOException {
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.sorted().toList();
        }
        loadStart = loadAverage(dir.resolve("loadavg-start.txt"));
        loadEnd = loadAverage(dir.resolve("loadavg-end.txt"));
        Path samples = dir.resolve("loadavg-samples.txt");
        if (Files.exists(samples)) {
            for (String line : Files.readAllLines(samples)) if (!line.isBlank()) loadSamples.add(oneMinute(line));
        }
        for (Path f : files) {
            Matcher cpu = CPU_FILE.matcher(f.getFileName().toString());
            if (cpu.matches()) {
                Matcher mean = CPU_MEAN.matcher(Files.readString(f));
                if (mean.find()) {
                    oursCpu.computeIfAbsent(cpu.group(2), k -> new ArrayList<>())
                            .add(Double.parseDouble(mean.group(1)) / 1000);
                }
                continue;
            }
            Matcher m = RUN_FILE.matcher(f.getFileName().toString());
            if (!m.matches()) continue;
            runs = Math.max(runs, Integer.parseInt(m.group(1)));
            String form = m.group(3);
            if (m.group(2).equals("jmh")) readJmh(form, f, dir);
            else readOtp(form, f);
        }
    }

    /** The 1-minute figure of a loadavg line, 0 if there is none. */
    static double oneMinute(String loadAverages) {
        if (loadAverages == null || loadAverages.isBlank()) return 0;
        try {
            return Double.parseDouble(loadAverages.trim().split("\\s+")[0]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String loadAverage(Path f) throws IOException {
        return Files.exists(f) ? Files.readString(f).trim() : null;
    }

    private void readJmh(String form, Path f, Path dir) throws IOException {
        String accepted = acceptedList(dir, form);
        for (JsonNode b : json.readTree(f.toFile())) {
            List<String> args = new ArrayList<>();
            for (JsonNode a : b.path("jvmArgs")) args.add(a.asText());
            jvmArgs.add(args.isEmpty() ? "(none: the JVM's defaults)" : String.join(" ", args));
            String name = b.get("benchmark").asText();
            String bench = name.substring(name.lastIndexOf('.') + 1);
            String files = b.get("params").get("files").asText();
            String set = files.equals("*") ? "all" : "otp";
            if (set.equals("otp") && accepted != null && !accepted.equals(files)) continue;
            double us = medianIteration(b.get("primaryMetric"));
            JsonNode alloc = b.path("secondaryMetrics").path("gc.alloc.rate.norm").path("score");
            add(micros, form, set, bench, us);
            if (!alloc.isMissingNode()) add(allocs, form, set, bench, alloc.asDouble());
            int n = files.equals("*") ? BenchCorpus.MESSAGES : files.split("\\+").length;
            counts.computeIfAbsent(form, k -> new TreeMap<>()).put(set, n);
        }
    }

    /**
     * The median of the measurement iterations (all forks) rather than JMH's mean: on a shared 2-core machine one
     * iteration in a few is stretched many times over by other processes, and the mean follows it.
     */
    static double medianIteration(JsonNode primaryMetric) {
        List<Double> values = new ArrayList<>();
        for (JsonNode fork : primaryMetric.path("rawData")) for (JsonNode v : fork) values.add(v.asDouble());
        return values.isEmpty() ? primaryMetric.get("score").asDouble() : median(values);
    }

    private static String acceptedList(Path dir, String form) throws IOException {
        Path p = dir.resolve("otp-accepted-" + form + ".txt");
        return Files.exists(p) ? Files.readString(p).trim() : null;
    }

    private void readOtp(String form, Path f) throws IOException {
        String line = Files.readString(f).trim();
        if (line.isEmpty()) return;
        JsonNode o = json.readTree(line.lines().reduce((a, b) -> b).orElse(line));
        if (o.has("error")) {
            otpInfo.put(form, "OTP error: " + o.get("error").asText());
            return;
        }
        JsonNode cpu = o.get("cpu_us_per_decode_encode");
        if (cpu != null) otpCpu.computeIfAbsent(form, k -> new ArrayList<>()).add(cpu.asDouble());
        for (String bench : BENCHMARKS) {
            JsonNode v = o.get(OTP_KEYS.get(bench));
            if (v != null) otp.computeIfAbsent(form, k -> new TreeMap<>()).computeIfAbsent(bench, k -> new ArrayList<>())
                    .add(v.asDouble());
        }
        otpInfo.put(form, String.format(Locale.ROOT, "OTP %s megaco %s, flex scanner %s: %d of %d messages accepted",
                o.path("otp_release").asText("?"), o.path("megaco_vsn").asText("?"), o.path("flex").asText("?"),
                o.path("messages").asInt(), o.path("messages").asInt() + o.path("rejected").asInt()));
    }

    private static void add(Map<String, Map<String, Map<String, List<Double>>>> into, String form, String set,
                            String bench, double v) {
        into.computeIfAbsent(form, k -> new TreeMap<>()).computeIfAbsent(set, k -> new TreeMap<>())
                .computeIfAbsent(bench, k -> new ArrayList<>()).add(v);
    }

    String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%nH.248 text codec on the RFC 3525 call flow, %d run(s); "
                + "figures are min / median / max over the runs%n", runs));
        otpInfo.forEach((form, info) -> sb.append("  ").append(form).append(": ").append(info).append('\n'));
        sb.append("  ours: JMH forks with JVM options ").append(String.join("; ", jvmArgs)).append('\n');
        if (loadStart != null || loadEnd != null) {
            sb.append("  load average (1, 5, 15 min) at the start: ").append(loadStart == null ? "?" : loadStart)
                    .append(", at the end: ").append(loadEnd == null ? "?" : loadEnd).append('\n');
            double highest = Math.max(oneMinute(loadStart), oneMinute(loadEnd));
            if (!loadSamples.isEmpty()) {
                highest = Math.max(highest, Collections.max(loadSamples));
                sb.append(String.format(Locale.ROOT, "  1-minute load average before each of the %d steps: min %.2f,"
                        + " median %.2f, max %.2f%n", loadSamples.size(), Collections.min(loadSamples),
                        median(loadSamples), Collections.max(loadSamples)));
            }
            int cores = Runtime.getRuntime().availableProcessors();
            if (highest > cores) {
                sb.append("  WARNING: the load average was above the ").append(cores).append(" cores: both sides' "
                        + "wall-clock times include waiting for a core (and our warmup, JIT compilation that had no "
                        + "core), so these times and the ratio do not measure the codecs\n");
            }
        }
        sb.append('\n');
        String head = String.format(Locale.ROOT, "%-8s %-13s %4s %-13s %-26s %12s %10s %-26s %-22s%n", "form", "messages",
                "n", "operation", "ours us/msg", "ours msg/s", "ours B/msg", "OTP us/msg", "OTP/ours (median)");
        sb.append(head).append("-".repeat(head.length() - 1)).append('\n');
        for (var formEntry : micros.entrySet()) {
            String form = formEntry.getKey();
            for (String set : new String[] {"otp", "all"}) {
                Map<String, List<Double>> byBench = formEntry.getValue().get(set);
                if (byBench == null) continue;
                for (String bench : BENCHMARKS) {
                    List<Double> ours = byBench.get(bench);
                    if (ours == null) continue;
                    List<Double> alloc = allocs.getOrDefault(form, Map.of()).getOrDefault(set, Map.of()).get(bench);
                    // OTP has figures only on the messages it accepts
                    List<Double> theirs = set.equals("otp") ? otp.getOrDefault(form, Map.of()).get(bench) : null;
                    String ratio = theirs == null || theirs.isEmpty() ? "" : String.format(Locale.ROOT, "%.1fx",
                            median(theirs) / median(ours));
                    sb.append(String.format(Locale.ROOT, "%-8s %-13s %4d %-13s %-26s %12.0f %10s %-26s %-22s%n",
                            form, set.equals("otp") ? "OTP-accepted" : "all",
                            counts.getOrDefault(form, Map.of()).getOrDefault(set, 0),
                            bench.equals("decodeEncode") ? "decode+encode" : bench, triple(ours),
                            1e6 / median(ours), alloc == null ? "" : String.format(Locale.ROOT, "%.0f", median(alloc)),
                            theirs == null ? (set.equals("otp") ? "(no OTP figure)" : "-") : triple(theirs), ratio));
                }
            }
        }
        for (var e : otp.entrySet()) {
            List<Double> d = e.getValue().get("decode");
            List<Double> en = e.getValue().get("encode");
            if (d != null && en != null) {
                sb.append(String.format(Locale.ROOT, "%nOTP %s, its own split on its set: decode alone %s us/msg, "
                        + "encode alone %s us/msg", e.getKey(), triple(d), triple(en)));
            }
        }
        sb.append('\n');
        for (var e : oursCpu.entrySet()) {
            List<Double> theirs = otpCpu.get(e.getKey());
            if (theirs == null || theirs.isEmpty()) continue;
            sb.append(String.format(Locale.ROOT, "%nCPU time, %s, decode+encode on OTP's set: ours %s us/msg (thread CPU, "
                    + "TextCodecSpeedLoop), OTP %s us/msg (statistics(runtime)): OTP/ours %.1fx (medians)",
                    e.getKey(), triple(e.getValue()), triple(theirs), median(theirs) / median(e.getValue())));
        }
        if (!oursCpu.isEmpty()) {
            sb.append("\n(CPU time leaves out waiting for a core, not a core slowed by other work on it, so on a busy "
                    + "machine it moves between runs, and it is the only comparison there; ours leaves out the "
                    + "collector's own thread, OTP's includes its per-process GC.)\n");
        }
        sb.append("\nours: JMH average time per message (one op = one message of the mix; per run the median of "
                + "the measurement iterations), lenient decode, B/msg = gc.alloc.rate.norm;\nOTP: hf_megaco_codec_bench on the same octets, single Erlang "
                + "process; OTP/ours > 1 means ours is faster.\n");
        return sb.toString();
    }

    private static String triple(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return String.format(Locale.ROOT, "%s / %s / %s", fmt(s.get(0)), fmt(median(s)), fmt(s.get(s.size() - 1)));
    }

    private static String fmt(double us) {
        return us >= 100 ? String.format(Locale.ROOT, "%.0f", us) : String.format(Locale.ROOT, "%.2f", us);
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
