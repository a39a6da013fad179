package dev.holdfast.drill;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the machine did each second of a drill (issue 5: half of the quiet 10,000-call drills were slow and nothing
 * in the drill's own figures said why): one JSON line a second in {@code DIR/machine.jsonl}, and per-window averages
 * for the report. Read from /proc (Linux); a file that cannot be read is left out of the line, never an error.
 * <ul>
 *   <li>pressure stall time (/proc/pressure/cpu, memory, io: ms stalled per second), the CPUs' user / system / irq /
 *   softirq / steal / idle ticks, context switches, interrupts, runnable tasks;</li>
 *   <li>/proc/vmstat deltas of the counters that would show the kernel working on memory: faults, major faults,
 *   transparent huge pages (thp_*), compaction (compact_*), NUMA, swap (pswp*), reclaim (pgsteal, pgscan);</li>
 *   <li>each of the drill's processes: CPU ms, minor and major faults, and the time its threads waited runnable for
 *   a CPU (schedstat: the run queue, i.e. the other processes on these 2 cores), the kernel threads that do
 *   memory work behind our back (khugepaged, kcompactd, kswapd, ksoftirqd, and kdamond: this VM runs DAMON with a
 *   pageout scheme), and every other process's CPU together (other helpers' work not under the lock), with the
 *   busiest one's command line;</li>
 *   <li>a fixed piece of work timed every second in this process: the same instructions (an arithmetic loop, and a
 *   pointer chase through 64 MB for the memory side) in CPU time and wall time. The guest charges the time its
 *   virtual CPU was not running to whatever it was running (this paravirtualised VM reports no steal), so the same
 *   work taking more of our thread's CPU time is the CPU itself being slower (the host's other guests, its caches,
 *   its memory bandwidth), while a longer wall time with the same CPU time is our own processes' contention.</li>
 * </ul>
 * Costs about 28 ms of CPU a second (measured over 20 s: the probe about 16, the /proc reads the rest), 1.4% of the 2
 * cores; only with the drill's --logs.
 */
final class MachineSampler implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long PERIOD_MS = 1000;
    /** The /proc/vmstat counters kept (by prefix): the kernel's memory work. */
    private static final List<String> VMSTAT = List.of("pgfault", "pgmajfault", "thp_", "compact_", "numa_", "pswp",
            "pgsteal_", "pgscan_", "pgmigrate_", "allocstall", "kswapd_", "drop_", "nr_dirtied", "nr_written", "pgpgin",
            "pgpgout", "workingset_");
    private static final List<String> KTHREADS = List.of("khugepaged", "kcompactd0", "kswapd0", "ksoftirqd/0", "ksoftirqd/1", "kdamond.0");

    private final Path file;
    private final Map<String, Long> processes = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, Long> kthreads = new LinkedHashMap<>();
    private final List<ObjectNode> samples = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Long> marks = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Thread thread;
    private volatile boolean stopped;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final int[] chase;
    private long sink;

    // the previous sample's raw counters
    private long[][] cpuPrev;
    private long ctxtPrev = -1;
    private long intrPrev = -1;
    private final Map<String, Long> psiPrev = new LinkedHashMap<>();
    private final Map<String, Long> vmPrev = new LinkedHashMap<>();
    private final Map<String, long[]> procPrev = new LinkedHashMap<>();

    MachineSampler(Path file) {
        this.file = file;
        // a random cycle through 16 M ints (64 MB, beyond any cache): each step a dependent load
        int n = 1 << 24;
        chase = new int[n];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int i = 0; i < n; i++) chase[order[i]] = order[(i + 1) % n];
        for (int i = 0; i < 30; i++) probe(); // compiled before the first sample counts
        try (var dir = Files.list(Path.of("/proc"))) {
            dir.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    String comm = Files.readString(p.resolve("comm")).trim();
                    if (KTHREADS.contains(comm)) kthreads.put(comm, Long.parseLong(p.getFileName().toString()));
                } catch (IOException | RuntimeException e) {
                    // gone, or not ours to read
                }
            });
        } catch (IOException e) {
            // no /proc: the kernel threads are left out
        }
        thread = new Thread(this::loop, "machine-sampler");
        thread.setDaemon(true);
    }

    MachineSampler start() {
        thread.start();
        return this;
    }

    /** Samples {@code pid} from now on under {@code name} (a process of the drill). */
    void watch(String name, long pid) { processes.put(name, pid); }

    /** A moment of the drill (the kill, the last call rebuilt), epoch ms: written into the file and used by {@link #summary}. */
    void mark(String what, long atMs) {
        marks.put(what, atMs);
        write(JSON.createObjectNode().put("mark", what).put("t", atMs));
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        long next = System.currentTimeMillis() + PERIOD_MS;
        sample(0); // the first read only sets the counters' base
        samples.clear();
        while (!stopped) {
            try {
                long wait = next - System.currentTimeMillis();
                if (wait > 0) Thread.sleep(wait);
            } catch (InterruptedException e) {
                return;
            }
            long late = System.currentTimeMillis() - next;
            next += PERIOD_MS;
            if (late > PERIOD_MS) next = System.currentTimeMillis() + PERIOD_MS; // a stall: do not catch up in a burst
            try {
                ObjectNode s = sample(late);
                samples.add(s);
                write(s);
            } catch (RuntimeException e) {
                // a malformed /proc line: this second is left out
            }
        }
    }

    private synchronized void write(ObjectNode n) {
        try (BufferedWriter w = Files.newBufferedWriter(file, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND)) {
            w.write(n.toString());
            w.newLine();
        } catch (IOException e) {
            // the log is best effort
        }
    }

    /** The fixed work: {cpu ns, wall ns} of the arithmetic loop, then of the pointer chase. */
    private long[] probe() {
        long c0 = threads.getCurrentThreadCpuTime(), w0 = System.nanoTime();
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < 2_000_000; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        long c1 = threads.getCurrentThreadCpuTime(), w1 = System.nanoTime();
        int p = (int) (x & (chase.length - 1));
        for (int i = 0; i < 40_000; i++) p = chase[p];
        long c2 = threads.getCurrentThreadCpuTime(), w2 = System.nanoTime();
        sink += x + p;
        return new long[] {c1 - c0, w1 - w0, c2 - c1, w2 - w1};
    }

    private ObjectNode sample(long lateMs) {
        ObjectNode s = JSON.createObjectNode();
        s.put("t", System.currentTimeMillis());
        s.put("sampler_late_ms", lateMs);
        long[] pr = probe();
        ObjectNode probe = s.putObject("probe_us");
        probe.put("alu_cpu", pr[0] / 1000);
        probe.put("alu_wall", pr[1] / 1000);
        probe.put("mem_cpu", pr[2] / 1000);
        probe.put("mem_wall", pr[3] / 1000);
        stat(s);
        ObjectNode psi = s.putObject("psi_ms");
        for (String res : List.of("cpu", "memory", "io")) {
            for (String line : lines(Path.of("/proc/pressure/" + res))) {
                String[] f = line.split("\\s+");
                for (String kv : f) {
                    if (!kv.startsWith("total=")) continue;
                    String key = res + "_" + f[0];
                    long v = Long.parseLong(kv.substring(6));
                    Long prev = psiPrev.put(key, v);
                    if (prev != null) psi.put(key, (v - prev) / 1000);
                }
            }
        }
        ObjectNode vm = s.putObject("vmstat");
        for (String line : lines(Path.of("/proc/vmstat"))) {
            int sp = line.indexOf(' ');
            if (sp < 0) continue;
            String key = line.substring(0, sp);
            if (VMSTAT.stream().noneMatch(key::startsWith)) continue;
            long v = Long.parseLong(line.substring(sp + 1).trim());
            Long prev = vmPrev.put(key, v);
            if (prev != null && v != prev) vm.put(key, v - prev);
        }
        for (String line : lines(Path.of("/proc/meminfo"))) {
            String[] f = line.split("\\s+");
            if (f.length < 2) continue;
            switch (f[0]) {
                case "MemFree:" -> s.put("mem_free_mb", Long.parseLong(f[1]) / 1024);
                case "Cached:" -> s.put("cached_mb", Long.parseLong(f[1]) / 1024);
                case "AnonHugePages:" -> s.put("anon_huge_mb", Long.parseLong(f[1]) / 1024);
                default -> { }
            }
        }
        ObjectNode ps = s.putObject("procs");
        Map<String, Long> all = new LinkedHashMap<>();
        synchronized (processes) {
            all.putAll(processes);
        }
        for (var e : all.entrySet()) process(ps, e.getKey(), e.getValue(), true);
        others(s, all.values());
        ObjectNode ks = s.putObject("kthreads");
        for (var e : kthreads.entrySet()) process(ks, e.getKey(), e.getValue(), false);
        return s;
    }

    private final Map<Long, Long> otherPrev = new java.util.HashMap<>();

    /**
     * The CPU every other process on the machine used this second (other helpers' builds and benchmarks share these 2
     * cores and the drill cannot stop them), and the busiest of them by name.
     */
    private void others(ObjectNode s, java.util.Collection<Long> ours) {
        Map<Long, Long> now = new java.util.HashMap<>();
        long total = 0, top = 0;
        String topName = null;
        try (var dir = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) dir::iterator) {
                String n = p.getFileName().toString();
                if (n.isEmpty() || !n.chars().allMatch(Character::isDigit)) continue;
                long pid = Long.parseLong(n);
                if (ours.contains(pid) || pid == ProcessHandle.current().pid()) continue;
                try {
                    ProcStat stat = ProcStat.read(p.resolve("stat"));
                    long ticks = stat.cpuTicks();
                    now.put(pid, ticks);
                    Long prev = otherPrev.get(pid);
                    long d = prev == null ? 0 : ticks - prev;
                    total += d;
                    if (d > top) {
                        top = d;
                        topName = stat.command() + " " + pid;
                    }
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            return;
        }
        boolean first = otherPrev.isEmpty();
        otherPrev.clear();
        otherPrev.putAll(now);
        if (first) return;
        s.put("others_cpu_ms", total * 10);
        if (topName != null) {
            String pid = topName.substring(topName.lastIndexOf(' ') + 1);
            String cmd = "";
            try {
                cmd = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"))).replace('\0', ' ').trim();
            } catch (IOException | RuntimeException e) {
                // gone
            }
            // the command line's last words say whose it is (a test class, a benchmark's arguments)
            s.put("others_top", topName + " " + top * 10 + " ms: " + (cmd.length() > 160 ? "..." + cmd.substring(cmd.length() - 160) : cmd));
        }
    }

    /** CPU ms, faults and run-queue wait of a process since the last sample (nothing once it is gone). */
    private void process(ObjectNode into, String name, long pid, boolean threadsToo) {
        long[] now = new long[4]; // cpu ticks, minflt, majflt, run-queue wait ns
        try {
            ProcStat stat = ProcStat.of(pid);
            now[0] = stat.cpuTicks();
            now[1] = stat.minorFaults();
            now[2] = stat.majorFaults();
        } catch (IOException | RuntimeException e) {
            procPrev.remove(name);
            return;
        }
        if (threadsToo) {
            try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                for (Path t : (Iterable<Path>) tasks::iterator) {
                    try {
                        String[] f = Files.readString(t.resolve("schedstat")).trim().split(" ");
                        now[3] += Long.parseLong(f[1]);
                    } catch (IOException | RuntimeException e) {
                        // a thread that ended meanwhile: its wait leaves the sum (the delta may dip)
                    }
                }
            } catch (IOException e) {
                // gone
            }
        } else {
            try {
                now[3] = Long.parseLong(Files.readString(Path.of("/proc/" + pid + "/schedstat")).trim().split(" ")[1]);
            } catch (IOException | RuntimeException e) {
                // leave 0
            }
        }
        long[] prev = procPrev.put(name, now);
        if (prev == null) return;
        ObjectNode p = into.putObject(name);
        p.put("cpu_ms", (now[0] - prev[0]) * 10);
        if (now[1] != prev[1]) p.put("minflt", now[1] - prev[1]);
        if (now[2] != prev[2]) p.put("majflt", now[2] - prev[2]);
        p.put("runq_wait_ms", Math.max(0, (now[3] - prev[3]) / 1_000_000));
    }

    private void stat(ObjectNode s) {
        List<long[]> cpus = new ArrayList<>();
        long ctxt = -1, intr = -1;
        for (String line : lines(Path.of("/proc/stat"))) {
            if (line.startsWith("cpu") && line.length() > 3 && Character.isDigit(line.charAt(3))) {
                String[] f = line.split("\\s+");
                long[] v = new long[8]; // user nice system idle iowait irq softirq steal
                for (int i = 0; i < 8 && i + 1 < f.length; i++) v[i] = Long.parseLong(f[i + 1]);
                cpus.add(v);
            } else if (line.startsWith("ctxt ")) {
                ctxt = Long.parseLong(line.substring(5).trim());
            } else if (line.startsWith("intr ")) {
                String t = line.substring(5).trim();
                int sp = t.indexOf(' ');
                intr = Long.parseLong(sp < 0 ? t : t.substring(0, sp));
            } else if (line.startsWith("procs_running ")) {
                s.put("procs_running", Long.parseLong(line.substring(14).trim()));
            } else if (line.startsWith("procs_blocked ")) {
                s.put("procs_blocked", Long.parseLong(line.substring(14).trim()));
            }
        }
        if (cpuPrev != null && cpuPrev.length == cpus.size()) {
            var arr = s.putArray("cpu_ticks"); // per CPU: user+nice, system, irq, softirq, steal, idle+iowait (1/100 s)
            for (int i = 0; i < cpus.size(); i++) {
                long[] a = cpus.get(i), b = cpuPrev[i];
                var c = arr.addObject();
                c.put("user", a[0] - b[0] + a[1] - b[1]);
                c.put("sys", a[2] - b[2]);
                c.put("irq", a[5] - b[5]);
                c.put("softirq", a[6] - b[6]);
                c.put("steal", a[7] - b[7]);
                c.put("idle", a[3] - b[3] + a[4] - b[4]);
            }
        }
        cpuPrev = cpus.toArray(new long[0][]);
        if (ctxtPrev >= 0 && ctxt >= 0) s.put("ctxt", ctxt - ctxtPrev);
        if (intrPrev >= 0 && intr >= 0) s.put("intr", intr - intrPrev);
        ctxtPrev = ctxt;
        intrPrev = intr;
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Averages per second over windows relative to the marks: the 10 s before the kill (the held calls' steady state),
     * the first 3 s after it (before most gateways noticed), and from the kill to the last call rebuilt. The probe's
     * medians, the machine's figures as means; the processes' CPU and run-queue wait as means too.
     */
    ObjectNode summary() {
        ObjectNode n = JSON.createObjectNode();
        Long kill = marks.get("kill");
        List<ObjectNode> all;
        synchronized (samples) {
            all = new ArrayList<>(samples);
        }
        if (kill == null || all.isEmpty()) return n;
        Long rebuilt = marks.get("rebuilt");
        long end = rebuilt != null ? rebuilt : kill + 10_000;
        if (!all.isEmpty()) n.set("first_5s", window(all, all.get(0).path("t").asLong() - 1, all.get(0).path("t").asLong() + 4_500));
        n.set("before_kill_10s", window(all, kill - 10_000, kill));
        n.set("kill_to_3s", window(all, kill, kill + 3_000));
        n.set("kill_to_rebuilt", window(all, kill, end));
        return n;
    }

    private static ObjectNode window(List<ObjectNode> all, long from, long to) {
        // a sample at t covers (t - 1 s, t]
        List<ObjectNode> in = all.stream().filter(s -> s.path("t").asLong() > from && s.path("t").asLong() - 1000 < to).toList();
        ObjectNode w = JSON.createObjectNode();
        w.put("seconds", in.size());
        if (in.isEmpty()) return w;
        ObjectNode probe = w.putObject("probe_us_median");
        for (String k : List.of("alu_cpu", "alu_wall", "mem_cpu", "mem_wall")) {
            List<Long> v = new ArrayList<>(in.stream().map(s -> s.path("probe_us").path(k).asLong()).toList());
            Collections.sort(v);
            probe.put(k, v.get(v.size() / 2));
        }
        w.put("sampler_late_ms_max", in.stream().mapToLong(s -> s.path("sampler_late_ms").asLong()).max().orElse(0));
        w.put("probe_alu_cpu_us_max", in.stream().mapToLong(s -> s.path("probe_us").path("alu_cpu").asLong()).max().orElse(0));
        // the CPUs' accounted time against the wall clock: this kernel accounts by tick, and a tick the virtual CPU
        // missed because the host did not run it is accounted to no one (no steal here), so a busy machine's ticks
        // falling short of 100 a second a CPU is time the host took
        long ticks = 0, expected = 0;
        for (int i = 1; i < in.size(); i++) {
            long dt = in.get(i).path("t").asLong() - in.get(i - 1).path("t").asLong();
            int cpus = in.get(i).path("cpu_ticks").size();
            if (cpus == 0) continue;
            expected += dt / 10 * cpus;
            for (var c : in.get(i).path("cpu_ticks")) {
                for (String k : List.of("user", "sys", "irq", "softirq", "steal", "idle")) ticks += c.path(k).asLong();
            }
        }
        if (expected > 0) w.put("cpu_ticks_accounted_pct", Math.round(1000.0 * ticks / expected) / 10.0);
        ObjectNode per = w.putObject("per_second_mean");
        for (String k : List.of("ctxt", "intr", "procs_running", "others_cpu_ms")) per.put(k, Math.round(in.stream().mapToLong(s -> s.path(k).asLong()).average().orElse(0)));
        for (String k : List.of("cpu_some", "cpu_full", "memory_some", "memory_full", "io_some", "io_full")) {
            per.put("psi_" + k + "_ms", Math.round(in.stream().mapToLong(s -> s.path("psi_ms").path(k).asLong()).average().orElse(0)));
        }
        for (String k : List.of("user", "sys", "irq", "softirq", "steal", "idle")) {
            per.put("cpu_" + k + "_pct", Math.round(in.stream().mapToLong(s -> {
                long sum = 0;
                for (var c : s.path("cpu_ticks")) sum += c.path(k).asLong();
                return sum;
            }).average().orElse(0)));
        }
        ObjectNode vm = w.putObject("vmstat_total");
        Map<String, Long> tot = new java.util.TreeMap<>();
        for (ObjectNode s : in) s.path("vmstat").fields().forEachRemaining(e -> tot.merge(e.getKey(), e.getValue().asLong(), Long::sum));
        tot.forEach(vm::put);
        ObjectNode procs = w.putObject("procs_per_second_mean");
        Set<String> names = new java.util.TreeSet<>();
        for (ObjectNode s : in) {
            s.path("procs").fieldNames().forEachRemaining(names::add);
            s.path("kthreads").fieldNames().forEachRemaining(names::add);
        }
        for (String name : names) {
            ObjectNode p = procs.putObject(name);
            for (String k : List.of("cpu_ms", "runq_wait_ms", "minflt", "majflt")) {
                p.put(k, Math.round(in.stream().mapToLong(s -> {
                    var x = s.path("procs").has(name) ? s.path("procs").path(name) : s.path("kthreads").path(name);
                    return x.path(k).asLong();
                }).average().orElse(0)));
            }
        }
        return w;
    }

    long sink() { return sink; }
}
