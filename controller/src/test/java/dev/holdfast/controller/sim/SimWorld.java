package dev.holdfast.controller.sim;

import dev.holdfast.controller.provisioning.Provisioning;
import dev.holdfast.controller.provisioning.ProvisioningLoader;
import dev.holdfast.gatewaysim.GatewayConfig;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.transaction.TransactionOptions;
import dev.holdfast.endpointsim.sip.VirtualSipNetwork;
import dev.holdfast.sim.media.VirtualMediaNetwork;
import dev.holdfast.sim.rtp.ProbeConfig;
import dev.holdfast.sim.time.VirtualSimScheduler;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * The whole system of a migration on one virtual clock, in one thread: a primary and an alternate controller
 * (same provisioning, shared cookie key), gateways {@code gw1..gwN} with lines A1..An (numbers {@code g00l}) and,
 * on gw1, trunk circuit T1 without disconnect supervision (access code 9 and four digits), the H.248 network of
 * {@link SimWire} and an in-memory media network for the gateways' RTP talk-path probes. Nothing here uses a
 * socket, a thread or the real clock: a seed fixes the whole run.
 */
final class SimWorld {
    /** The cookie key both controllers share (32 octets, base64). */
    static final String COOKIES = """
            cookies: { current: 1, keys: [ { id: 1, secret: "aG9sZGZhc3QtdGVzdC1rZXktMzItb2N0ZXRzLWxvbmctLQ==" } ] }
            """;
    static final InetSocketAddress PRIMARY = new InetSocketAddress("127.0.0.1", 2944);
    static final InetSocketAddress ALTERNATE = new InetSocketAddress("127.0.0.2", 2944);
    static final InetSocketAddress PRIMARY_SIP = new InetSocketAddress("127.0.0.1", 5060);
    static final InetSocketAddress ALTERNATE_SIP = new InetSocketAddress("127.0.0.2", 5060);
    /** Provisioned SIP subscribers p1..pN (digest password "pw-" + user, numbers {@link #phoneNumber}). */
    static final int SUBSCRIBERS = 8;
    static final Duration TICK = Duration.ofMillis(20);
    /** The no-answer timer: long enough for every step of a run, short enough to wait for in virtual time. */
    static final int NO_ANSWER_SECONDS = 60;

    final VirtualSimScheduler time = new VirtualSimScheduler(Instant.parse("2026-01-01T00:00:00Z"));
    final SplittableRandom random;
    final SimFaults faults;
    final SimWire wire;
    final VirtualMediaNetwork media;
    /** SIP in virtual time: the controllers' SIP ports ({@link #PRIMARY_SIP}, {@link #ALTERNATE_SIP}) and the phones'. */
    final VirtualSipNetwork sip;
    final SimControllerNode primary;
    final SimControllerNode alternate;
    final List<SimGatewayNode> gateways = new ArrayList<>();
    final int linesEach;
    final List<Subscriber> subscribers = new ArrayList<>();
    /** Connection setup time to the alternate, per gateway (1-based): seconds for a slow one. */
    final Map<Integer, Duration> arrivalDelay = new LinkedHashMap<>();

    SimWorld(long seed, int gatewayCount, int linesEach, SimFaults faults) {
        this(seed, gatewayCount, linesEach, faults, Map.of());
    }

    /** {@code arrivals}: for these gateways (1-based), this connection setup time to the alternate. */
    SimWorld(long seed, int gatewayCount, int linesEach, SimFaults faults, Map<Integer, Duration> arrivals) {
        this(seed, gatewayCount, linesEach, faults, arrivals, TransactionOptions.DEFAULTS);
    }

    /** {@code options}: every node's transaction layer (e.g. one message per transaction instead of per turn). */
    SimWorld(long seed, int gatewayCount, int linesEach, SimFaults faults, Map<Integer, Duration> arrivals,
             TransactionOptions options) {
        this.random = new SplittableRandom(seed);
        this.faults = faults;
        this.linesEach = linesEach;
        this.wire = new SimWire(time, random.split(), faults);
        this.media = new VirtualMediaNetwork(time, Duration.ofMillis(5));
        Provisioning p = provisioning(gatewayCount, linesEach);
        Map<InetSocketAddress, SimControllerNode> controllers = new LinkedHashMap<>();
        primary = new SimControllerNode("primary", PRIMARY, p, seed * 2 + 1, time, wire, options);
        alternate = new SimControllerNode("alternate", ALTERNATE, p, seed * 2 + 2, time, wire, options);
        this.sip = new VirtualSipNetwork(time, Duration.ofMillis(2));
        primary.sip = new SimSipPort(primary, sip.open(PRIMARY_SIP));
        alternate.sip = new SimSipPort(alternate, sip.open(ALTERNATE_SIP));
        controllers.put(PRIMARY, primary);
        controllers.put(ALTERNATE, alternate);
        SplittableRandom connect = random.split();
        for (int g = 1; g <= gatewayCount; g++) {
            Duration slow = faults.slowArrivals() && connect.nextInt(2) == 0
                    ? Duration.ofMillis(500 + connect.nextInt(15_000)) : Duration.ofMillis(1 + connect.nextInt(30));
            if (arrivals.containsKey(g)) slow = arrivals.get(g);
            arrivalDelay.put(g, slow);
            GatewayConfig cfg = GatewayConfig.of(new MId.DomainName("gw" + g + ".test", 2944), linesEach,
                            List.of(PRIMARY, ALTERNATE))
                    .withProbe(ProbeConfig.atRate(2), null, 0)
                    .withRestartAvoidance(Duration.ofMillis(500))
                    .withRetryPause(Duration.ofMillis(500))
                    .withSeed(seed * 131 + g);
            if (g == 1) cfg = cfg.withTrunks(Map.of("T1", false));
            Duration toAlternate = slow;
            SplittableRandom r = connect.split();
            gateways.add(new SimGatewayNode("gw" + g, cfg, time, wire, media, controllers, options,
                    c -> c.equals(ALTERNATE) ? toAlternate : Duration.ofMillis(1 + r.nextInt(5))));
        }
        scheduleTicks();
    }

    private static Provisioning provisioning(int gatewayCount, int linesEach) {
        StringBuilder y = new StringBuilder("""
                controller: { address: 127.0.0.1, port: 2944, transports: [tcp] }
                timers: { noAnswerSeconds: %d, inactivityMillis: 10000 }
                dialPlan: { trunkAccessCodes: [ { code: "9", group: pstn, digits: xxxx } ] }
                sip: { realm: holdfast }
                """.formatted(NO_ANSWER_SECONDS)).append(COOKIES).append("subscribers:\n");
        for (int i = 1; i <= SUBSCRIBERS; i++) {
            y.append("  - { user: p").append(i).append(", password: pw-p").append(i).append(", number: \"").append(phoneNumber(i)).append("\" }\n");
        }
        y.append("gateways:\n");
        for (int g = 1; g <= gatewayCount; g++) {
            y.append("  - name: gw").append(g).append('\n')
             .append("    mid: \"<gw").append(g).append(".test>:2944\"\n")
             .append("    address: \"127.0.0.1\"\n")
             .append("    lines:\n");
            for (int l = 1; l <= linesEach; l++) {
                y.append("      - { termination: A").append(l).append(", number: \"").append(number(g, l)).append("\" }\n");
            }
            if (g == 1) y.append("    trunks:\n      - { termination: T1, group: pstn, disconnectSupervision: false }\n");
        }
        try {
            return ProvisioningLoader.parse(y.toString(), ProvisioningLoader.Format.YAML, "migration-sim.yaml");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String phoneNumber(int i) { return String.valueOf(7000 + i); }

    static String number(int gateway, int line) { return String.format("%d%03d", gateway, line); }

    SimGatewayNode gw(int g) { return gateways.get(g - 1); }

    int indexOf(String gatewayName) { return Integer.parseInt(gatewayName.substring(2)); }

    void start() { for (SimGatewayNode g : gateways) g.core.start(); }

    private void scheduleTicks() {
        time.schedule(new Runnable() {
            @Override public void run() {
                long now = time.nanoTime();
                for (Subscriber s : List.copyOf(subscribers)) s.tick(now, random, Duration.ofSeconds(8));
                time.schedule(this, TICK);
            }
        }, TICK);
    }

    void run(Duration d) { time.advance(d); }

    /** Runs until {@code condition} holds (checked every tick); false when {@code max} passed first. */
    boolean runUntil(BooleanSupplier condition, Duration max) {
        long end = time.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (time.nanoTime() >= end) return false;
            time.advance(TICK);
        }
        return true;
    }

    /** As {@link #runUntil}, looking every millisecond (to act between two messages of one exchange). */
    boolean runUntilFine(BooleanSupplier condition, Duration max) {
        long end = time.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (time.nanoTime() >= end) return false;
            time.advance(Duration.ofMillis(1));
        }
        return true;
    }

    /** Every gateway in service at {@code c} with its idle lines armed for off-hook. */
    boolean allArmedAt(SimControllerNode c) {
        for (SimGatewayNode g : gateways) {
            if (c.core.association().gateway(g.name).state() != dev.holdfast.controller.gateway.GatewayState.IN_SERVICE) return false;
            for (String l : g.config.lines()) if (!g.core.armedEvents(l).contains("al/of")) return false;
        }
        return true;
    }

    /** Every gateway still alive registered with {@code c} and in service there. */
    boolean allAliveAt(SimControllerNode c) {
        for (SimGatewayNode g : gateways) {
            if (!g.alive()) continue;
            if (!g.core.registered() || !c.address.equals(g.core.currentController())) return false;
            if (c.core.association().gateway(g.name).state() != dev.holdfast.controller.gateway.GatewayState.IN_SERVICE) return false;
        }
        return true;
    }

    long nowMillis() { return time.nanoTime() / 1_000_000; }
}
