package dev.holdfast.gatewaysim.load;

import dev.holdfast.gatewaysim.GatewayConfig;
import dev.holdfast.gatewaysim.GatewayRuntime;
import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import dev.holdfast.sim.cli.CommandOptions;
import dev.holdfast.sim.cli.ControlServer;
import dev.holdfast.sim.rtp.ProbeConfig;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * {@code loadgen h248 --establish K}: the gateways register, {@link HeldCalls} establishes exactly K calls of the
 * mix and holds them, and the control channel ({@link ControlServer}) serves the failover drill until {@code quit}
 * (or SIGTERM). Output lines: {@code loadgen: control 127.0.0.1:P} once the port is open, {@code loadgen: established
 * U of K calls} once every call is up or failed (then the drill may go on).
 */
final class HoldMode {
    private HoldMode() {}

    static int run(LoadPlan plan, CommandOptions opt, PrintStream out, PrintStream err) throws Exception {
        List<InetSocketAddress> controllers = LoadGenMain.controllers(opt);
        int k = opt.integer("establish", null);
        if (k < 1) throw new IllegalArgumentException("--establish is at least 1");
        String mix = opt.get("mix", "intra=4,inter=4,hold=1,conference=1");
        int needed = HeldCalls.kinds(k, mix).stream().mapToInt(HeldCalls::linesFor).sum();
        int answeringLines = opt.integer("answer-lines", 0);
        if (answeringLines < 0 || answeringLines >= plan.lines()) throw new IllegalArgumentException("--answer-lines is 0 up to --lines - 1");
        if (needed > plan.gateways() * (plan.lines() - answeringLines))
            throw new IllegalArgumentException(k + " calls of that mix need " + needed + " lines; there are "
                    + plan.gateways() * (plan.lines() - answeringLines) + " (the answering lines aside)");
        Transport transport = switch (opt.get("transport", "udp").toLowerCase(Locale.ROOT)) {
            case "udp" -> Transport.UDP;
            case "tcp" -> Transport.TCP;
            default -> throw new IllegalArgumentException("--transport is udp or tcp");
        };
        double probeRate = opt.decimal("probe-rate", "50");
        // set-up at a rate at which a talk path shows quickly; held calls go down to --probe-rate once up
        double setupRate = opt.has("setup-probe-rate") ? opt.decimal("setup-probe-rate", "20") : Math.max(probeRate, 20);
        long seed = Long.parseLong(opt.get("seed", "1"));
        int threads = Math.max(1, Math.min(opt.integer("threads", 2), plan.gateways()));
        int setupThreads = opt.integer("setup-threads", 32);
        if (!opt.has("verbose")) java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);

        List<GatewayRuntime> runtimes = new ArrayList<>();
        for (int i = 0; i < threads; i++) runtimes.add(GatewayRuntime.create(1, GatewayRuntime.loadTransactions()));
        List<SimulatedGateway> gateways = new ArrayList<>();
        CountDownLatch quit = new CountDownLatch(1);
        try {
            for (int g = 1; g <= plan.gateways(); g++) {
                GatewayConfig config = LoadGenMain.gatewayConfig(plan, g, controllers, opt)
                        .withProbe(ProbeConfig.atRate(setupRate), null, 0).withSeed(seed + g);
                gateways.add(runtimes.get((g - 1) % threads).start(config, transport, new InetSocketAddress("127.0.0.1", 0)));
            }
            long began = System.nanoTime();
            for (SimulatedGateway gw : gateways) {
                boolean ready = SimulatedGateway.await(() -> gw.call(core -> core.registered()
                        && gw.config().lines().stream().allMatch(l -> core.armedEvents(l).contains("al/of"))),
                        Duration.ofSeconds(60));
                if (!ready) {
                    err.println("loadgen: " + gw.config().midText() + " did not register with " + LoadGenMain.controllerText(opt)
                            + " (and get its lines armed) within 60 s: " + gw.registrationHistory());
                    return 1;
                }
            }
            out.printf(Locale.ROOT, "loadgen: %d gateways x %d lines registered with %s over %s in %d ms; establishing %d calls (%s)%n",
                    plan.gateways(), plan.lines(), controllers.get(0).getHostString() + ":" + controllers.get(0).getPort(),
                    transport.name().toLowerCase(Locale.ROOT), (System.nanoTime() - began) / 1_000_000, k, mix);
            out.flush();
            try (HeldCalls calls = new HeldCalls(gateways, plan, setupThreads, seed,
                    opt.has("step-limit") ? LoadGenMain.positiveMillis(opt, "step-limit") : HeldCalls.STEP_LIMIT)
                    .watching(runtimes.stream().map(GatewayRuntime::scheduler).toList())
                    .heldAt(setupRate == probeRate ? null : ProbeConfig.atRate(probeRate));
                 ControlServer control = new ControlServer(opt.integer("control-port", 0),
                         command -> handle(calls, command, quit))) {
                List<String> answering = calls.answering(opt.integer("answer-lines", 0));
                if (!answering.isEmpty()) out.println("loadgen: answering lines " + String.join(",", answering));
                out.println("loadgen: control 127.0.0.1:" + control.port());
                out.flush();
                long t0 = System.nanoTime();
                int up = calls.establish(k, mix);
                long took = (System.nanoTime() - t0) / 1_000_000;
                int fullRateEvery = opt.integer("full-rate-every", 0);
                if (fullRateEvery > 0) {
                    int sampled = calls.fullRateSample(fullRateEvery, ProbeConfig.FULL_RATE);
                    out.printf(Locale.ROOT, "loadgen: full-rate RTP (%.0f packets/s) on %d calls (1 in %d of the calls with RTP), %s packets/s on the rest%n",
                            ProbeConfig.FULL_RATE.packetsPerSecond(), sampled, fullRateEvery, opt.get("probe-rate", "50"));
                }
                out.printf(Locale.ROOT, "loadgen: established %d of %d calls in %d ms%n", up, k, took);
                out.flush();
                Thread hook = new Thread(quit::countDown);
                Runtime.getRuntime().addShutdownHook(hook);
                quit.await();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // shutting down already
                }
            }
            for (SimulatedGateway gw : gateways) gw.shutdown(Duration.ZERO);
            return 0;
        } finally {
            runtimes.forEach(GatewayRuntime::close);
        }
    }

    private static String handle(HeldCalls calls, String command, CountDownLatch quit) throws Exception {
        String[] w = command.trim().split("\\s+");
        switch (w[0].toLowerCase(Locale.ROOT)) {
            case "status" -> { return w.length > 1 && w[1].equals("gateways") ? calls.registrations() : calls.status(); }
            case "mark" -> { return "{\"marked_at_ms\":" + calls.mark() + "}"; }
            case "check" -> {
                if (w.length != 3) throw new IllegalArgumentException("usage: check hangup|hold|transfer|conference N");
                HeldCalls.Check check;
                try {
                    check = HeldCalls.Check.valueOf(w[1].toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("checks: hangup, hold, transfer, conference");
                }
                int n;
                try {
                    n = Integer.parseInt(w[2]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("check " + w[1] + " N: N is a whole number");
                }
                return calls.check(check, n);
            }
            case "release-all" -> { return calls.releaseAll(); }
            case "quit" -> {
                quit.countDown();
                return "{\"quit\":true}";
            }
            default -> throw new IllegalArgumentException("commands: status [gateways], mark, check KIND N, release-all, quit");
        }
    }
}
