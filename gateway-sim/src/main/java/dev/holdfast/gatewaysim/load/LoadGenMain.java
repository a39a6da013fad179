package dev.holdfast.gatewaysim.load;

import dev.holdfast.sim.cli.CommandOptions;
import dev.holdfast.sim.cli.StartBarrier;
import dev.holdfast.gatewaysim.GatewayConfig;
import dev.holdfast.gatewaysim.GatewayRuntime;
import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import dev.holdfast.sim.rtp.ProbeConfig;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The H.248 load generator: simulated gateways with scripted subscribers placing calls through a controller.
 * <pre>
 * loadgen h248 --write-config FILE --gateways N --lines M [--controller HOST:PORT] [--no-answer S]
 * loadgen h248 --controller HOST:PORT --gateways N --lines M [--cps R] [--hold S] [--duration T]
 *              [--transport udp|tcp] [--probe-rate PPS] [--full-rate-every N] [--interval S] [--seed N] [--json]
 *              [--threads N] [--controller-pid PID] [--answer-lines K] [--call-numbers N1,N2,...]
 *              [--ready-file FILE] [--start-when FILE]
 * </pre>
 * {@code --answer-lines K}: the last K lines of each gateway place no calls and take none of ours; they answer calls
 * from outside (SIP phones) and go on-hook when the caller hangs up. {@code --call-numbers}: numbers outside these
 * gateways (SIP phones) that also get calls, about one in three while one is free; each such call is counted here.
 * {@code --ready-file}/{@code --start-when}: once registered, create the one file and wait (up to 60 s) for the
 * other before placing calls, so that two load generators calling each other start together.
 * {@code --cps 100,200,500} is a ramp: each rate for {@code --duration} on the same gateways, one summary (and JSON
 * line) per rate. With {@code --controller-pid} the summary also gives that process's CPU share (from /proc).
 * The first form writes the controller's provisioning for exactly the gateways the second form simulates. The
 * second prints a summary line every interval and a final report ({@code --json}: one JSON object as the last
 * line); it exits 0 when calls completed and none failed, 1 otherwise, 2 for a bad command line.
 */
public final class LoadGenMain {
    private LoadGenMain() {}

    private static final String USAGE_LINES = """
            usage: loadgen h248 --write-config FILE --gateways N --lines M [--controller HOST:PORT] [--no-answer S]
                                [--inactivity MS]
                   loadgen h248 --controller HOST:PORT[,HOST:PORT...] --gateways N --lines M [--cps R] [--hold S] [--duration T]
                                [--transport udp|tcp] [--probe-rate PPS] [--full-rate-every N] [--interval S] [--seed N] [--json]
                                [--threads N] [--controller-pid PID] [--answer-lines K] [--call-numbers N1,N2,...]
                                [--ready-file FILE] [--start-when FILE] [--heartbeat-timeout MS] [--inactivity MS]
                                [--failover-journal FILE] [--failover-settle MS] [--killed-file FILE] [--failover-tolerant]
                                [--controller-metrics URL]
                   loadgen h248 --controller HOST:PORT[,HOST:PORT...] --gateways N --lines M --establish K
                                [--mix intra=W,inter=W,hold=W,conference=W] [--control-port P] [--setup-threads N]
                                [--transport udp|tcp] [--probe-rate PPS] [--heartbeat-timeout MS] [--inactivity MS]
                                [--step-limit MS] [--answer-lines A] [--full-rate-every N]
              durations: 30s, 500ms, 2m, or plain seconds; defaults: --cps 2 --hold 3s --duration 30s --interval 1s
              --cps R1,R2,...: a ramp, each rate for --duration, one summary (and JSON line) per rate
              --threads N: event loop threads, each with its share of the gateways and of the rate (default 2)
              --controller-pid PID: also report that process's CPU share (Linux /proc)
              --controller-metrics URL: the controller's /metrics (admin API): each step also reports the controller's
                H.248 step latency, reply latency and round trip to the gateways (p50/p99/max) next to the load
                generator's own (loop lateness, task-queue wait, off-hook to Notify sent, reply latency, round trip)
              talk-path probes: 1 RTP termination in --full-rate-every (default 100; 0: none) sends 50 packets/s,
              the others --probe-rate (default 4)
              --controller A,B: the gateways' ordered controller list (primary first; they fail over down the list)
              --heartbeat-timeout MS: a controller that does not answer the it/ito heartbeat within MS is lost
              --inactivity MS: with --write-config, the controller's it/ito mit (timers.inactivityMillis, default
                10000); otherwise the gateways' mit when the controller gives none
              --establish K: establish and hold exactly K calls of --mix (default intra=4,inter=4,hold=1,conference=1)
                with real RTP at --probe-rate (default 50) and serve a failover drill on --control-port (127.0.0.1,
                default 0: any; the port is printed as "loadgen: control 127.0.0.1:P"): one command a line, one
                JSON line back: status [gateways] | mark | check hangup|hold|transfer|conference N | release-all | quit;
                --step-limit MS: how long one step of a call or check may take (default 10000);
                --answer-lines A: the last A lines of each gateway answer calls from SIP phones (printed as
                "loadgen: answering lines N1,N2,...") and hang up when released;
                --setup-probe-rate PPS: the rate while calls are set up (default the larger of --probe-rate and 20:
                a talk path shows within a few packets); each call goes to --probe-rate once up;
                --full-rate-every N: once established, 1 in N of the talking calls with RTP (inter-gateway,
                conference) sends 50 packets/s on every IGC end, the rest --probe-rate; status reports the sample's
                RTP figures apart (rtp.full_rate). Default 0: every call at --probe-rate
            """;

    static final String USAGE = USAGE_LINES + dev.holdfast.sim.load.FailoverLedger.USAGE;


    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line; returns the exit status (what {@link #main} exits with). */
    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0 || !args[0].equals("h248")) {
            err.print(USAGE);
            return 2;
        }
        CommandOptions opt;
        try {
            opt = CommandOptions.parse(args, 1, Set.of("json", "verbose", "failover-tolerant"));
        } catch (IllegalArgumentException e) {
            err.println("loadgen: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        if (opt.has("help")) {
            out.print(USAGE);
            return 0;
        }
        try {
            LoadPlan plan = new LoadPlan(opt.integer("gateways", null), opt.integer("lines", null));
            if (opt.has("write-config")) {
                InetSocketAddress ctl = CommandOptions.hostPort(opt.get("controller", "127.0.0.1:2944"));
                Path file = Path.of(opt.get("write-config"));
                Files.writeString(file, plan.provisioningYaml(ctl.getHostString(), ctl.getPort(),
                        opt.integer("no-answer", 30), opt.integer("inactivity", 10_000)), StandardCharsets.UTF_8);
                out.println("loadgen: wrote " + file + " (" + plan.gateways() + " gateways x " + plan.lines()
                        + " lines, controller " + ctl.getHostString() + ":" + ctl.getPort() + ")");
                return 0;
            }
            if (!opt.has("controller") && !opt.has("controllers"))
                throw new IllegalArgumentException("--controller or --write-config is required");
            if (opt.has("establish")) return HoldMode.run(plan, opt, out, err);
            return load(plan, opt, out, err);
        } catch (IllegalArgumentException e) {
            err.println("loadgen: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
    }

    private static int load(LoadPlan plan, CommandOptions opt, PrintStream out, PrintStream err) throws Exception {
        List<InetSocketAddress> controllers = controllers(opt);
        // one rate, or a ramp (100,200,500): each rate runs --duration on the same registered gateways and warm JVM
        List<Double> rates = new ArrayList<>();
        for (String r : opt.get("cps", "2").split(",")) {
            try {
                double v = Double.parseDouble(r.trim());
                if (!(v > 0)) throw new NumberFormatException();
                rates.add(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--cps is a positive number or a list of them: " + r);
            }
        }
        Long controllerPid = opt.has("controller-pid") ? Long.valueOf(opt.integer("controller-pid", null)) : null;
        Duration hold = opt.duration("hold", "3s");
        Duration length = opt.duration("duration", "30s");
        Duration interval = opt.duration("interval", "1s");
        Transport transport = switch (opt.get("transport", "udp").toLowerCase(Locale.ROOT)) {
            case "udp" -> Transport.UDP;
            case "tcp" -> Transport.TCP;
            default -> throw new IllegalArgumentException("--transport is udp or tcp");
        };
        // the rule for thousands of calls on a small machine: a real 50 packets/s stream on a sample of the
        // calls (1 RTP termination in --full-rate-every), a few packets/s on the rest
        double probeRate = opt.decimal("probe-rate", "4");
        int fullRateEvery = opt.integer("full-rate-every", 100);
        long seed = Long.parseLong(opt.get("seed", "1"));
        boolean json = opt.has("json");
        // the summary lines are the output: the gateways' routine log lines (registrations) only with --verbose
        if (!opt.has("verbose")) java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);

        // shards: each runtime is one event loop thread with its gateways, their RTP probes and their subscribers;
        // gateway g goes to shard (g - 1) % threads. One thread for everything was the load generator's own limit.
        int threads = Math.max(1, Math.min(opt.integer("threads", 2), plan.gateways()));
        dev.holdfast.sim.load.FailoverLedger ledger = dev.holdfast.sim.load.FailoverLedger.fromOptions(opt);
        boolean tolerant = opt.has("failover-tolerant");
        List<GatewayRuntime> runtimes = new ArrayList<>();
        for (int i = 0; i < threads; i++) runtimes.add(GatewayRuntime.create(1, GatewayRuntime.loadTransactions()));
        try {
            List<SimulatedGateway> gateways = new ArrayList<>();
            List<List<SimulatedGateway>> shardGateways = new ArrayList<>();
            List<List<Integer>> shardNumbers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                shardGateways.add(new ArrayList<>());
                shardNumbers.add(new ArrayList<>());
            }
            for (int g = 1; g <= plan.gateways(); g++) {
                GatewayConfig config = gatewayConfig(plan, g, controllers, opt)
                        .withProbe(ProbeConfig.atRate(probeRate), ProbeConfig.FULL_RATE, fullRateEvery).withSeed(seed + g);
                int shard = (g - 1) % threads;
                SimulatedGateway gw = runtimes.get(shard).start(config, transport, new InetSocketAddress("127.0.0.1", 0));
                gateways.add(gw);
                shardGateways.get(shard).add(gw);
                shardNumbers.get(shard).add(g);
                watchController(gw, plan, g, ledger.windows());
            }
            long began = System.nanoTime();
            for (SimulatedGateway gw : gateways) {
                // one look on the gateways' thread per gateway, not one cross-thread call per line
                boolean ready = SimulatedGateway.await(() -> gw.call(core -> core.registered()
                        && gw.config().lines().stream().allMatch(l -> core.armedEvents(l).contains("al/of"))),
                        Duration.ofSeconds(30));
                if (!ready) {
                    err.println("loadgen: " + gw.config().midText() + " did not register with " + controllerText(opt)
                            + " (and get its lines armed) within 30 s: " + gw.registrationHistory());
                    gateways.forEach(SimulatedGateway::close);
                    return 1;
                }
            }
            out.printf(Locale.ROOT, "loadgen: %d gateways x %d lines registered with %s over %s in %d ms; placing %s calls/s, hold %s, for %s%s%n",
                    plan.gateways(), plan.lines(), controllerText(opt), transport.name().toLowerCase(Locale.ROOT),
                    (System.nanoTime() - began) / 1_000_000, opt.get("cps", "2"), CommandOptions.text(hold), CommandOptions.text(length),
                    rates.size() > 1 ? " each" : "");
            out.flush();
            int answeringLines = opt.integer("answer-lines", 0);
            if (answeringLines < 0 || answeringLines >= plan.lines())
                throw new IllegalArgumentException("--answer-lines is 0 up to one less than --lines");
            List<String> external = opt.has("call-numbers") ? List.of(opt.get("call-numbers").split(",")) : List.of();
            StartBarrier.arriveAndAwait(opt.get("ready-file"), opt.get("start-when"), Duration.ofSeconds(60));
            // one full collection before the first call: what lives as long as the run (the gateways, their lines and
            // sockets, the loaded classes' data) goes to the old generation now, instead of being copied from one
            // survivor space to the other by every young collection until it is old enough (up to 15 times, each
            // copy inside a pause that stops the event loops)
            System.gc();

            // a 10 ms timer per event loop: its lateness is the loop's lag (what a readable datagram waits too)
            List<dev.holdfast.sim.time.LoopLag> loops = new ArrayList<>();
            List<dev.holdfast.h248.transport.LatencyHistogram> lateness = new ArrayList<>();
            for (GatewayRuntime rt : runtimes) {
                dev.holdfast.h248.transport.LatencyHistogram h = new dev.holdfast.h248.transport.LatencyHistogram();
                lateness.add(h);
                loops.add(new dev.holdfast.sim.time.LoopLag(rt.scheduler(), "load generator event loop " + loops.size(),
                        dev.holdfast.sim.time.LoopLag.DEFAULT_STALL).observe(h::record));
            }
            LatencySplit split = new LatencySplit(lateness, gateways, opt.get("controller-metrics"),
                    transport.name().toLowerCase(Locale.ROOT));
            // allocation and GC pauses per step: counted figures the machine's load does not change
            dev.holdfast.sim.load.JvmStepStats jvm = new dev.holdfast.sim.load.JvmStepStats();
            boolean allGood = true;
            for (double cps : rates) {
                long messagesBefore = gateways.stream().mapToLong(SimulatedGateway::h248Messages).sum();
                long transactionsBefore = gateways.stream().mapToLong(SimulatedGateway::h248Transactions).sum();
                long splitBefore = gateways.stream().mapToLong(SimulatedGateway::h248BatchesSplit).sum();
                Shards subscribers = new Shards();
                for (int i = 0; i < threads; i++) {
                    // each external number belongs to one shard: one call at a time to it
                    List<String> shardExternal = new ArrayList<>();
                    for (int e = i; e < external.size(); e += threads) shardExternal.add(external.get(e).trim());
                    subscribers.parts.add(new ScriptedSubscribers(runtimes.get(i).scheduler(), shardGateways.get(i),
                            shardNumbers.get(i), plan, cps / threads, hold, seed + i, answeringLines, shardExternal, ledger));
                }
                split.mark();
                jvm.mark();
                long start = System.nanoTime();
                long cpuBefore = processCpuNanos();
                long controllerCpuBefore = controllerPid == null ? 0 : processCpuNanos(controllerPid);
                subscribers.start();
                long end = start + length.toNanos();
                long nextPrint = start + interval.toNanos();
                while (System.nanoTime() < end) {
                    Thread.sleep(Math.max(1, Math.min(end, nextPrint) - System.nanoTime()) / 1_000_000 + 1);
                    if (System.nanoTime() >= nextPrint) {
                        out.println(line(start, subscribers.summary()));
                        out.flush();
                        nextPrint += interval.toNanos();
                    }
                }
                subscribers.stopPlacing();
                long placingNanos = System.nanoTime() - start;
                // the split is of the placing time: the drain that follows is quieter and would dilute it
                LatencySplit.Step latencySplit = split.step(subscribers.parts);
                // let the calls in progress finish: their hold time plus a few steps
                long drainEnd = System.nanoTime() + hold.toNanos() + 4 * ScriptedSubscribers.STEP_LIMIT.toNanos();
                while (subscribers.summary().active() > 0 && System.nanoTime() < drainEnd) Thread.sleep(20);
                if (answeringLines > 0) {
                    // calls from outside to the answering lines: the other load generator counts them, but they need
                    // the gateways up until they end (and one placed just now may not ring yet)
                    long grace = System.nanoTime() + ScriptedSubscribers.STEP_LIMIT.toNanos() / 5;
                    while ((System.nanoTime() < grace || subscribers.answeringBusy() > 0) && System.nanoTime() < drainEnd + hold.toNanos())
                        Thread.sleep(20);
                }
                subscribers.stop();
                ScriptedSubscribers.Summary s = subscribers.summary();
                dev.holdfast.sim.load.JvmStepStats.Step memory = jvm.step();
                long wall = System.nanoTime() - start;
                long messages = gateways.stream().mapToLong(SimulatedGateway::h248Messages).sum() - messagesBefore;
                double messagesPerS = messages / (wall / 1e9);
                long transactions = gateways.stream().mapToLong(SimulatedGateway::h248Transactions).sum() - transactionsBefore;
                long batchesSplit = gateways.stream().mapToLong(SimulatedGateway::h248BatchesSplit).sum() - splitBefore;
                String h248 = String.format(Locale.ROOT, "\"h248_transactions_per_message\":%.2f,\"h248_batches_split\":%d,",
                        messages == 0 ? 0.0 : (double) transactions / messages, batchesSplit) + latencySplit.json()
                        + memory.json("loadgen", s.completed());
                // this process's own CPU while it placed and drained calls, as a share of one core: near 100% per
                // event loop thread means the load generator, not the controller, limits the figures
                double cpuShare = (processCpuNanos() - cpuBefore) / (double) wall;
                double controllerCpuShare = controllerPid == null ? -1
                        : (processCpuNanos(controllerPid) - controllerCpuBefore) / (double) wall;
                out.println(line(start, s));
                out.printf(Locale.ROOT, "loadgen: done%s: attempted %d, completed %d%s, failed %d%s, talk paths checked %d, "
                                + "setup (off-hook to ring-back) p50 %.1f ms p99 %.1f ms max %.1f ms, %.1f calls/s completed, %.0f H.248 messages/s, load generator CPU %.0f%% of a core, its event loop lag p99 %.0f ms%s%n",
                        rates.size() > 1 ? String.format(Locale.ROOT, " at %.0f calls/s", cps) : "",
                        s.attempted(), s.completed(),
                        external.isEmpty() ? "" : " (" + subscribers.completedToExternal() + " of them to " + String.join(",", external) + ")",
                        s.failed(), s.failedByReason().isEmpty() ? "" : " " + s.failedByReason(),
                        s.talkPathOk(), s.setupP50(), s.setupP99(), s.setupMax(), s.completed() / (placingNanos / 1e9),
                        messagesPerS, 100 * cpuShare, s.tickLagMillis(99), controllerPid == null ? ""
                                : String.format(Locale.ROOT, ", controller CPU %.0f%%", 100 * controllerCpuShare));
                dev.holdfast.sim.load.FailoverLedger.Report failover = ledger.report();
                if (s.failed() > 0 || failover.killedAtMillis() >= 0)
                    out.println("loadgen: failover: " + failover.text());
                // when the tail starts: p99 (and max) of the calls placed in each second of the step
                out.println("loadgen: setup p99/max by second placed (ms): " + bySecondText(s));
                if (!latencySplit.text().isEmpty())
                    out.println("loadgen: latency split while placing (ms, p50/p99/max): " + latencySplit.text());
                out.printf(Locale.ROOT, "loadgen: this JVM: %.1f KB allocated per completed call, %d GC pauses, %d ms in all, the longest %d ms%n",
                        s.completed() > 0 ? memory.allocatedBytes() / 1024.0 / s.completed() : 0.0, memory.pauses(),
                        memory.pauseMillis(), memory.longestPauseMillis());
                if (json) out.println(json(s, placingNanos, messagesPerS, h248, cpuShare, cps, controllerCpuShare, wall, failover));
                out.flush();
                allGood &= (tolerant ? failover.failedOtherCount() == 0 : s.failed() == 0) && s.completed() > 0;
            }
            loops.forEach(dev.holdfast.sim.time.LoopLag::stop);
            jvm.close();
            for (SimulatedGateway gw : gateways) gw.shutdown(Duration.ZERO);
            return allGood ? 0 : 1;
        } finally {
            runtimes.forEach(GatewayRuntime::close);
        }
    }

    /** Notified events each load-run gateway keeps (a test gateway keeps 10,000). */
    static final int NOTIFICATIONS_KEPT = 64;

    /** Gateway {@code g}'s losses of its controller and registrations, as windows of all its lines' numbers. */
    static void watchController(SimulatedGateway gw, LoadPlan plan, int g, dev.holdfast.sim.load.FailoverWindows windows) {
        List<String> numbers = new ArrayList<>();
        for (int l = 1; l <= plan.lines(); l++) numbers.add(plan.number(g, l));
        gw.call(core -> {
            // a load run reads no gateway's notification history: keep the last few for a look in a debugger
            core.keepNotifications(NOTIFICATIONS_KEPT);
            core.onControllerChange(new dev.holdfast.gatewaysim.core.MediaGatewayCore.ControllerWatcher() {
                @Override public void lost(long lastHeardMillis) { windows.lost(numbers, lastHeardMillis); }

                @Override public void registered(long atMillis) { windows.registered(numbers, atMillis); }
            });
            return null;
        });
    }

    /** The gateways' ordered controller list: {@code --controller} (or {@code --controllers}) A[,B...]. */
    static List<InetSocketAddress> controllers(CommandOptions opt) {
        String list = opt.has("controllers") ? opt.get("controllers") : opt.get("controller");
        List<InetSocketAddress> out = new ArrayList<>();
        for (String c : list.split(",")) if (!c.isBlank()) out.add(CommandOptions.hostPort(c.trim()));
        if (out.isEmpty()) throw new IllegalArgumentException("--controller names at least one HOST:PORT");
        return out;
    }

    static String controllerText(CommandOptions opt) {
        return opt.has("controllers") ? opt.get("controllers") : opt.get("controller");
    }

    /** Gateway {@code g} of the plan with the controller list and the loss-detection options. */
    static GatewayConfig gatewayConfig(LoadPlan plan, int g, List<InetSocketAddress> controllers, CommandOptions opt) {
        GatewayConfig c = GatewayConfig.of(plan.mid(g), plan.lines(), controllers);
        if (opt.has("heartbeat-timeout")) c = c.withHeartbeatReplyTimeout(positiveMillis(opt, "heartbeat-timeout"));
        if (opt.has("inactivity")) c = c.withDefaultInactivity(positiveMillis(opt, "inactivity"));
        return c;
    }

    static Duration positiveMillis(CommandOptions opt, String name) {
        int ms = opt.integer(name, null);
        if (ms <= 0) throw new IllegalArgumentException("--" + name + " is a positive number of milliseconds");
        return Duration.ofMillis(ms);
    }

    /** The subscribers of every shard, driven and summed as one. */
    private static final class Shards {
        final List<ScriptedSubscribers> parts = new ArrayList<>();

        void start() { parts.forEach(ScriptedSubscribers::start); }

        void stopPlacing() { parts.forEach(ScriptedSubscribers::stopPlacing); }

        void stop() { parts.forEach(ScriptedSubscribers::stop); }

        long completedToExternal() { return parts.stream().mapToLong(ScriptedSubscribers::completedToExternal).sum(); }

        int answeringBusy() { return parts.stream().mapToInt(ScriptedSubscribers::answeringBusy).sum(); }

        ScriptedSubscribers.Summary summary() {
            return ScriptedSubscribers.Summary.combine(parts.stream().map(ScriptedSubscribers::summary).toList());
        }
    }

    private static String line(long start, ScriptedSubscribers.Summary s) {
        return String.format(Locale.ROOT,
                "loadgen: %6.1fs attempted %d completed %d failed %d active %d talk-paths-up %d setup p50 %.1f ms p99 %.1f ms",
                (System.nanoTime() - start) / 1e9, s.attempted(), s.completed(), s.failed(), s.active(),
                s.talkPathsUp(), s.setupP50(), s.setupP99());
    }

    /**
     * The run's JSON line. CPU is also given per completed call ({@code *_cpu_ms_per_call}: the process's CPU time
     * from the first call placed to the last one drained, over the calls completed), a figure that other work on the
     * machine disturbs less than calls/s or latency do.
     */
    static String json(ScriptedSubscribers.Summary s, long placingNanos, double messagesPerS, String h248Members, double cpuShare,
                       double cps, double controllerCpuShare, long wallNanos,
                       dev.holdfast.sim.load.FailoverLedger.Report failover) {
        double perCall = s.completed() > 0 ? wallNanos / 1e6 / s.completed() : 0;
        StringBuilder reasons = new StringBuilder("{");
        s.failedByReason().forEach((k, v) -> reasons.append(reasons.length() > 1 ? "," : "")
                .append('"').append(k.replace("\\", "\\\\").replace("\"", "\\\"")).append("\":").append(v));
        reasons.append('}');
        return String.format(Locale.ROOT,
                "{\"attempted\":%d,\"completed\":%d,\"failed\":%d,\"failed_by_reason\":%s,\"setup_ms_p50\":%.3f,"
                        + "\"setup_ms_p99\":%.3f,\"setup_ms_max\":%.3f,\"talk_path_ok\":%d,\"calls_per_s\":%.3f,"
                        + "\"cps\":%.1f,\"loadgen_cpu_share\":%.3f,\"loadgen_lag_ms_p99\":%.1f,\"loadgen_lag_ms_max\":%.1f,"
                        + "\"loadgen_cpu_ms_per_call\":%.3f,%s%s\"messages_per_s\":%.1f,\"setup_ms_p99_by_s\":%s,"
                        + "\"setup_ms_max_by_s\":%s,%s}",
                s.attempted(), s.completed(), s.failed(), reasons, s.setupP50(), s.setupP99(), s.setupMax(),
                s.talkPathOk(), s.completed() / (placingNanos / 1e9), cps, cpuShare, s.tickLagMillis(99),
                s.tickLagMillis(100), cpuShare * perCall,
                controllerCpuShare < 0 ? "" : String.format(Locale.ROOT,
                        "\"controller_cpu_share\":%.3f,\"controller_cpu_ms_per_call\":%.3f,", controllerCpuShare,
                        controllerCpuShare * perCall),
                h248Members, messagesPerS, jsonArray(s.setupMillisBySecond(99)), jsonArray(s.setupMillisBySecond(100)),
                failover.jsonMembers());
    }

    private static String jsonArray(double[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) b.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.1f", v[i]));
        return b.append(']').toString();
    }

    /** "s1 p99/max s2 p99/max ..." of the calls placed in each second of the step. */
    static String bySecondText(ScriptedSubscribers.Summary s) {
        double[] p99 = s.setupMillisBySecond(99);
        double[] max = s.setupMillisBySecond(100);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < p99.length; i++)
            b.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.0f/%.0f", p99[i], max[i]));
        return b.toString();
    }

    /** CPU time (user + system) of another process from /proc (Linux), 0 when it cannot be read. */
    static long processCpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // fields after the command name (which may hold spaces) in parentheses: utime is the 14th field
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * 10_000_000L; // USER_HZ is 100 on Linux
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    /** CPU time of this whole process (every thread), or 0 where the JVM does not tell. */
    static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? Math.max(0, os.getProcessCpuTime()) : 0;
    }



    private static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

}
