package dev.holdfast.controller.sim;

import dev.holdfast.controller.CallStructures;
import dev.holdfast.controller.call.Call;
import dev.holdfast.controller.call.CallState;
import dev.holdfast.controller.call.CallStructure;
import dev.holdfast.controller.gateway.GatewayState;
import dev.holdfast.gatewaysim.core.MediaGatewayCore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One seeded run of call migration (docs/migration.md, issue 5): calls of every kind are set up through the
 * primary, the primary dies at a random moment (possibly in the middle of a set-up or a feature change), the
 * gateways fail over to the alternate with the run's faults, the alternate rebuilds and merges the calls, features
 * are exercised on them, everybody hangs up; then the invariants are checked. {@link #run(long)} returns what was
 * violated (nothing, when all is well) and a hash of every message delivered, for the determinism check.
 */
final class MigrationSimulation {
    /** What a run found. */
    record Result(long seed, List<String> violations, long trace, long messages, String summary) {
        boolean ok() { return violations.isEmpty(); }
    }

    /** A call as the primary had it when it died, stable long enough to be in its cookies. */
    private record Settled(String parties, long key, CallStructure structure, String comparable, Set<String> gateways) {}

    private final long seed;
    private final SplittableRandom random;
    private final SimFaults faults;
    private final SimWorld w;
    private final CookieLedger ledger;
    private final List<String> violations = new ArrayList<>();
    private final Set<String> freeLines = new LinkedHashSet<>();
    /** The primary's calls by parties: comparable structure and since when (ns). */
    private final Map<String, Map.Entry<String, Long>> seen = new TreeMap<>();
    private final List<String> plan = new ArrayList<>();
    private int featureChecks;
    private int featureChecksPassed;
    /** RTP terminations of rebuilt calls whose probes were checked for loss across the failover. */
    private int rtpEndsChecked;

    private MigrationSimulation(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed ^ 0x5EEDL);
        int gateways = 3 + random.nextInt(2);
        this.faults = new SimFaults(
                random.nextInt(10) < 3 ? 0.02 : 0.0,
                1 + random.nextInt(20),
                1 + random.nextInt(300),
                random.nextInt(10) < 4,
                random.nextInt(100) < 15 ? 1 + random.nextInt(gateways) : 0,
                random.nextInt(100) < 15,
                random.nextInt(10) < 3);
        this.w = new SimWorld(seed, gateways, 8, faults);
        this.ledger = new CookieLedger(w.alternate, provisioningKeys(), w.time.wallMillis(), faults.tamperCookie());
        w.wire.tap(ledger);
        for (int g = 1; g <= gateways; g++) for (int l = 1; l <= w.linesEach; l++) freeLines.add(g + ":" + l);
    }

    private dev.holdfast.controller.cookie.CookieKeyRing provisioningKeys() {
        try {
            return dev.holdfast.controller.provisioning.ProvisioningLoader.parse(SimWorld.COOKIES + "gateways: []\n",
                    dev.holdfast.controller.provisioning.ProvisioningLoader.Format.YAML, "keys").cookieKeyRing().orElseThrow();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Result run(long seed) {
        MigrationSimulation s = new MigrationSimulation(seed);
        try {
            s.runPhases();
        } catch (RuntimeException e) {
            java.io.StringWriter sw = new java.io.StringWriter();
            e.printStackTrace(new java.io.PrintWriter(sw));
            s.violations.add("the simulation threw: " + sw);
        }
        return new Result(seed, List.copyOf(s.violations), s.w.wire.trace(), s.w.wire.delivered(), s.summary());
    }

    private String summary() {
        return "seed " + seed + ": " + w.gateways.size() + " gateways, faults " + faults + ", plan " + plan
                + ", " + settled.size() + " calls established at the kill " + settled.keySet()
                + (hungUpInOutage.isEmpty() ? "" : ", hung up in the outage " + hungUpInOutage)
                + (ledger.tamperedWhere == null ? "" : ", cookie altered on the wire from " + ledger.tamperedWhere)
                + ", migration counters " + w.alternate.core.calls().migrationCounters()
                + ", feature checks " + featureChecksPassed + "/" + featureChecks + ", RTP ends checked for loss " + rtpEndsChecked + ", messages " + w.wire.delivered()
                + " delivered, " + w.wire.lost() + " lost, virtual time " + w.nowMillis() + " ms";
    }

    private void violation(String what) { violations.add(what); }

    // ------------------------------------------------------------------------------------------ phases

    private Map<String, Settled> settled = Map.of();
    private final Set<String> hungUpInOutage = new LinkedHashSet<>();
    private int deadGateway;

    private void runPhases() {
        w.start();
        if (!w.runUntil(() -> w.allArmedAt(w.primary), Duration.ofSeconds(30))) {
            violation("gateways did not come into service at the primary with their lines armed");
            return;
        }
        planCalls();
        long killAt = w.time.nanoTime() + Duration.ofMillis(2000 + random.nextInt(7000)).toNanos();
        while (w.time.nanoTime() < killAt) {
            w.run(Duration.ofNanos(Math.min(Duration.ofMillis(100).toNanos(), killAt - w.time.nanoTime())));
            track();
        }
        settled = settledAtKill();
        for (Subscriber s : w.subscribers) s.stop();
        w.subscribers.clear();
        w.primary.kill(() -> 0);
        if (faults.deadGateway() > 0) {
            deadGateway = faults.deadGateway();
            SimGatewayNode dying = w.gw(deadGateway);
            w.time.schedule(dying::kill, Duration.ofMillis(random.nextInt(1000)));
        }
        if (faults.outageHangUp()) outageHangUp();
        boolean migrated = w.runUntil(() -> w.allAliveAt(w.alternate), Duration.ofSeconds(90));
        w.run(Duration.ofSeconds(3));
        if (!migrated) violation("not every surviving gateway in service at the alternate: " + gatewayStates());
        checkRebuilt();
        exerciseFeatures();
        hangUpEverybody();
        checkClean();
    }

    private String gatewayStates() {
        StringBuilder b = new StringBuilder();
        for (SimGatewayNode g : w.gateways) {
            b.append(g.name).append(g.alive() ? "" : "(dead)").append(" at ").append(g.core.currentController())
             .append(" alternate says ").append(w.alternate.core.association().gateway(g.name).state())
             .append(' ').append(g.core.registrationHistory()).append("; ");
        }
        return b.toString();
    }

    // ------------------------------------------------------------------------------------------ calls

    private String take(int g) {
        List<String> on = new ArrayList<>();
        for (String l : freeLines) if (l.startsWith(g + ":")) on.add(l);
        if (on.isEmpty()) return null;
        String l = on.get(random.nextInt(on.size()));
        freeLines.remove(l);
        return "A" + l.substring(l.indexOf(':') + 1);
    }

    private int anyGateway() { return 1 + random.nextInt(w.gateways.size()); }

    private int otherGateway(int not) {
        int g;
        do g = anyGateway(); while (g == not);
        return g;
    }

    private static String number(String line, int g) { return SimWorld.number(g, Integer.parseInt(line.substring(1))); }

    private void planCalls() {
        List<Runnable> calls = new ArrayList<>();
        int intra = 1 + random.nextInt(2), inter = 2 + random.nextInt(2);
        for (int i = 0; i < intra; i++) calls.add(() -> { int g = anyGateway(); basic("intra", g, g, 0); });
        for (int i = 0; i < inter; i++) calls.add(() -> { int g = anyGateway(); basic("inter", g, otherGateway(g), 0); });
        calls.add(() -> { int g = anyGateway(); basic("ringing", g, random.nextBoolean() ? g : otherGateway(g), 1); });
        calls.add(() -> { int g = anyGateway(); basic("held", g, random.nextBoolean() ? g : otherGateway(g), 2); });
        if (random.nextInt(10) < 7) calls.add(this::conference);
        if (random.nextInt(10) < 6) calls.add(this::trunk);
        for (Runnable r : calls) r.run();
    }

    private boolean hears(SimGatewayNode g, String line, String signal) { return g.core.signals(line).contains(signal); }

    private boolean talking(SimGatewayNode a, String la, SimGatewayNode b, String lb) {
        return a.core.talkPathUp(la) && b.core.talkPathUp(lb);
    }

    private boolean answered(SimGatewayNode a, String la, SimGatewayNode b, String lb) {
        return a.core.signals(la).isEmpty() && b.core.signals(lb).isEmpty() && talking(a, la, b, lb);
    }

    private Subscriber subscriber(String name) {
        Subscriber s = new Subscriber(name);
        s.startAt(w.time.nanoTime() + Duration.ofMillis(random.nextInt(3000)).toNanos());
        w.subscribers.add(s);
        return s;
    }

    /** {@code mode} 0: connected; 1: left ringing; 2: connected then held. */
    private void basic(String kind, int ga, int gb, int mode) {
        String la = take(ga), lb = take(gb);
        if (la == null || lb == null) return;
        SimGatewayNode a = w.gw(ga), b = w.gw(gb);
        plan.add(kind + " " + a.name + "/" + la + "->" + b.name + "/" + lb);
        Subscriber s = subscriber(kind + " " + la + "->" + lb);
        dialling(s, a, la, number(lb, gb));
        s.await(lb + " rings", () -> hears(b, lb, "al/ri"));
        if (mode == 1) return;
        s.act(lb + " answers", () -> b.core.answer(lb));
        s.await("answered", () -> answered(a, la, b, lb));
        if (mode == 2) {
            s.act(la + " flashes: hold", () -> a.core.flash(la));
            s.await(la + " hears recall dial tone", () -> hears(a, la, "cg/dt"));
        }
    }

    private void dialling(Subscriber s, SimGatewayNode a, String la, String number) {
        s.act(la + " off-hook", () -> a.core.offHook(la));
        s.then(la + " hears dial tone, dials " + number, () -> hears(a, la, "cg/dt"), () -> a.core.dial(la, number));
    }

    /** Host on one gateway calls a party on a second, consults a party on a third, and makes it a conference. */
    private void conference() {
        if (w.gateways.size() < 3) return;
        int gh = anyGateway(), gb = otherGateway(gh), gc;
        do gc = anyGateway(); while (gc == gh || gc == gb);
        String lh = take(gh), lb = take(gb), lc = take(gc);
        if (lh == null || lb == null || lc == null) return;
        SimGatewayNode h = w.gw(gh), b = w.gw(gb), c = w.gw(gc);
        plan.add("conference " + h.name + "/" + lh + "+" + b.name + "/" + lb + "+" + c.name + "/" + lc);
        Subscriber s = subscriber("conference " + lh);
        dialling(s, h, lh, number(lb, gb));
        s.await(lb + " rings", () -> hears(b, lb, "al/ri"));
        s.act(lb + " answers", () -> b.core.answer(lb));
        s.await("answered", () -> answered(h, lh, b, lb));
        s.act(lh + " flashes", () -> h.core.flash(lh));
        String third = number(lc, gc);
        s.then(lh + " hears recall dial tone, dials " + third, () -> hears(h, lh, "cg/dt"), () -> h.core.dial(lh, third));
        s.await(lc + " rings", () -> hears(c, lc, "al/ri") && hears(h, lh, "cg/rt"));
        s.act(lc + " answers", () -> c.core.answer(lc));
        s.await("consultation answered", () -> answered(h, lh, c, lc));
        s.act(lh + " flashes", () -> h.core.flash(lh));
        s.then(lh + " hears recall dial tone, dials 3", () -> hears(h, lh, "cg/dt"), () -> h.core.dial(lh, "3"));
        s.await("conference", () -> {
            Long ctx = h.core.contextOf(lh);
            return ctx != null && h.core.terminationsIn(ctx).size() == 3 && h.core.signals(lh).isEmpty();
        });
    }

    /** A line on gw1 calls out over trunk T1, which has no disconnect supervision. */
    private void trunk() {
        String la = take(1);
        if (la == null) return;
        SimGatewayNode a = w.gw(1);
        plan.add("trunk gw1/" + la + "->T1");
        Subscriber s = subscriber("trunk " + la);
        dialling(s, a, la, "9" + (1000 + random.nextInt(9000)));
        s.await("connected to T1", () -> a.core.talkPathUp(la) && a.core.signals("T1").isEmpty());
    }

    // ------------------------------------------------------------------------------------------ the kill

    /** Records when each of the primary's calls last changed its structure. */
    private void track() {
        Map<String, CallStructure> now = CallStructures.byParties(w.primary.core.calls().calls());
        seen.keySet().retainAll(now.keySet());
        for (Map.Entry<String, CallStructure> e : now.entrySet()) {
            String c = CallStructures.comparable(e.getValue());
            Map.Entry<String, Long> was = seen.get(e.getKey());
            if (was == null || !was.getKey().equals(c)) seen.put(e.getKey(), Map.entry(c, w.time.nanoTime()));
        }
    }

    /**
     * The calls that must survive: connected or ringing, unchanged for a second, and nothing of theirs awaiting a
     * reply from a gateway (so their newest cookies are on the gateways).
     */
    private Map<String, Settled> settledAtKill() {
        track();
        Map<String, Settled> out = new TreeMap<>();
        long now = w.time.nanoTime();
        for (Call c : w.primary.core.calls().calls()) {
            CallStructure s = c.structure();
            String parties = String.join(",", s.parties());
            Map.Entry<String, Long> since = seen.get(parties);
            if (since == null || now - since.getValue() < Duration.ofSeconds(1).toNanos()) continue;
            if (c.state() != CallState.CONNECTED && c.state() != CallState.RINGING) continue;
            Set<String> gws = new LinkedHashSet<>();
            for (CallStructure.Leg l : s.legs()) gws.add(l.gateway());
            boolean quiet = true;
            for (String g : gws) {
                String peer = w.primary.peerOf(g);
                if (peer != null && w.primary.awaitingReplyFrom(peer)) quiet = false;
            }
            if (quiet) out.put(parties, new Settled(parties, c.key(), s, since.getKey(), gws));
        }
        return out;
    }

    /** A party of an established call hangs up while its gateway has no controller (its Notify waits in the queue). */
    private void outageHangUp() {
        List<Settled> candidates = new ArrayList<>();
        for (Settled s : settled.values()) {
            if (s.structure.state() == CallState.CONNECTED && s.structure.feature().equals("NONE")
                    && s.structure.roles().size() == 2 && !s.parties.contains("trunk:")
                    && !s.gateways.contains("gw" + deadGateway)) candidates.add(s);
        }
        if (candidates.isEmpty()) return;
        Settled s = candidates.get(random.nextInt(candidates.size()));
        CallStructure.Party p = s.structure.roles().get(random.nextInt(2));
        SimGatewayNode g = w.gw(w.indexOf(p.gateway()));
        Subscriber sub = new Subscriber("outage hang-up " + p.termination());
        sub.then(p.termination() + " hangs up while " + g.name + " has no controller", () -> !g.core.registered(), () -> {
            g.core.onHook(p.termination());
            hungUpInOutage.add(s.parties);
        });
        w.subscribers.add(sub);
    }

    private boolean touchesDead(Settled s) { return deadGateway > 0 && s.gateways.contains("gw" + deadGateway); }

    // ------------------------------------------------------------------------------------------ after the migration

    private void checkRebuilt() {
        for (Subscriber s : w.subscribers) s.stop();
        w.subscribers.clear();
        Map<String, CallStructure> after = CallStructures.byParties(w.alternate.core.calls().calls());
        if (Boolean.getBoolean("sim.trace")) System.out.println(w.nowMillis() + " ms: rebuilt check, alternate has " + after.keySet());
        for (Settled s : settled.values()) {
            if (touchesDead(s)) continue;
            if (s.key == ledger.tamperedKey) continue; // one of its cookies was forged on the wire
            if (hungUpInOutage.contains(s.parties)) {
                if (after.containsKey(s.parties)) violation("call " + s.parties + " whose party hung up during the outage is still up at the alternate: " + CallStructures.comparable(after.get(s.parties)));
                continue;
            }
            CallStructure a = after.get(s.parties);
            if (a == null) {
                violation("established call lost: " + s.parties + " was " + s.comparable + "; the alternate has " + after.keySet());
                continue;
            }
            String ca = CallStructures.comparable(a);
            if (!ca.equals(s.comparable)) violation("call " + s.parties + " rebuilt with another structure:\n  before " + s.comparable + "\n  after  " + ca);
            if (a.state() == CallState.CONNECTED && (a.feature().equals("NONE") || a.feature().equals("CONFERENCE"))) {
                for (CallStructure.Party p : a.roles()) {
                    if (p.gateway() == null) continue;
                    if (!w.gw(w.indexOf(p.gateway())).core.talkPathUp(p.termination())) {
                        violation("no talk path for " + p.gateway() + "/" + p.termination() + " of rebuilt call " + s.parties);
                    }
                }
                // the media never stopped: no RTP packet of the call's IGCs lost across the failover
                for (CallStructure.Igc i : s.structure.igcs()) {
                    for (CallStructure.IgcEnd e : List.of(i.a(), i.b())) {
                        var stats = w.gw(w.indexOf(e.gateway())).core.probeStats(e.termination());
                        if (stats != null) rtpEndsChecked++;
                        if (stats != null && (stats.lost() > 0 || stats.gaps() > 0)) {
                            violation("RTP lost on " + e.gateway() + "/" + e.termination() + " of " + s.parties + ": " + stats);
                        }
                    }
                }
            }
        }
    }

    private SimGatewayNode gwOf(CallStructure.Party p) { return w.gw(w.indexOf(p.gateway())); }

    private void check(String what, boolean ok) {
        featureChecks++;
        if (ok) featureChecksPassed++;
        else violation("feature after migration failed: " + what);
    }

    /** Answer or abandon ringing calls, retrieve held ones, hold and retrieve a sample, a trunk's far end leaves. */
    private void exerciseFeatures() {
        Map<String, CallStructure> calls = CallStructures.byParties(w.alternate.core.calls().calls());
        for (Map.Entry<String, CallStructure> e : calls.entrySet()) {
            CallStructure s = e.getValue();
            boolean dead = false;
            for (CallStructure.Leg l : s.legs()) if (deadGateway > 0 && l.gateway().equals("gw" + deadGateway)) dead = true;
            for (CallStructure.Party p : s.roles()) if (deadGateway > 0 && ("gw" + deadGateway).equals(p.gateway())) dead = true;
            if (dead || !settled.containsKey(e.getKey()) || settled.get(e.getKey()).key == ledger.tamperedKey) continue;
            CallStructure.Party caller = s.party(CallStructure.Role.CALLER);
            CallStructure.Party callee = s.party(CallStructure.Role.CALLEE);
            if (s.state() == CallState.RINGING && caller != null && callee != null) {
                SimGatewayNode a = gwOf(caller), b = gwOf(callee);
                if (random.nextBoolean()) {
                    b.core.answer(callee.termination());
                    check("answer " + e.getKey(), w.runUntil(() -> answered(a, caller.termination(), b, callee.termination()), Duration.ofSeconds(5)));
                } else {
                    a.core.onHook(caller.termination());
                    check("abandon " + e.getKey(), w.runUntil(() -> !hears(b, callee.termination(), "al/ri")
                            && a.core.contextOf(caller.termination()) == null, Duration.ofSeconds(5)));
                }
            } else if (s.feature().equals("HOLD")) {
                CallStructure.Party host = s.party(CallStructure.Role.HOST), held = s.party(CallStructure.Role.HELD);
                if (host == null || held == null || held.gateway() == null) continue;
                gwOf(host).core.flash(host.termination());
                check("retrieve " + e.getKey(), w.runUntil(() -> talking(gwOf(host), host.termination(), gwOf(held), held.termination()),
                        Duration.ofSeconds(5)));
            } else if (s.state() == CallState.CONNECTED && s.feature().equals("NONE") && caller != null && callee != null) {
                if (callee.party().startsWith("trunk:")) {
                    SimGatewayNode g = gwOf(callee);
                    g.core.offHook(callee.termination());
                    g.core.onHook(callee.termination()); // the far end leaves; this trunk cannot tell
                    w.run(Duration.ofMillis(500));
                    check("trunk without supervision keeps " + e.getKey(), CallStructures.byParties(w.alternate.core.calls().calls()).containsKey(e.getKey()));
                } else if (random.nextInt(10) < 4) {
                    SimGatewayNode a = gwOf(caller), b = gwOf(callee);
                    a.core.flash(caller.termination());
                    boolean held = w.runUntil(() -> hears(a, caller.termination(), "cg/dt") && !b.core.talkPathUp(callee.termination()), Duration.ofSeconds(5));
                    check("hold " + e.getKey(), held);
                    if (!held) continue;
                    a.core.flash(caller.termination());
                    check("retrieve after hold " + e.getKey(), w.runUntil(() -> talking(a, caller.termination(), b, callee.termination()), Duration.ofSeconds(5)));
                }
            }
        }
    }

    /** Every line and trunk still off-hook goes on-hook, in random order, until nobody is off-hook. */
    private void hangUpEverybody() {
        for (int round = 0; round < 8; round++) {
            List<String[]> off = new ArrayList<>();
            for (SimGatewayNode g : w.gateways) {
                if (!g.alive()) continue;
                for (String t : terminationsOf(g)) if (g.core.isOffHook(t)) off.add(new String[] {g.name, t});
            }
            if (off.isEmpty()) break;
            for (int i = off.size() - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                String[] x = off.get(i); off.set(i, off.get(j)); off.set(j, x);
            }
            for (String[] x : off) {
                w.gw(w.indexOf(x[0])).core.onHook(x[1]);
                w.run(Duration.ofMillis(random.nextInt(300)));
            }
            w.run(Duration.ofSeconds(2));
        }
        w.run(Duration.ofSeconds(5));
        // a call still ringing (its caller's gateway never came back) ends at the latest at the no-answer time
        w.runUntil(() -> w.alternate.core.calls().calls().isEmpty(), Duration.ofSeconds(SimWorld.NO_ANSWER_SECONDS + 5));
        w.run(Duration.ofSeconds(2));
    }

    private static List<String> terminationsOf(SimGatewayNode g) {
        List<String> out = new ArrayList<>(g.config.lines());
        out.addAll(g.config.trunks().keySet());
        return out;
    }

    private void checkClean() {
        if (!w.alternate.core.calls().calls().isEmpty()) {
            violation("calls left at the alternate after everybody hung up: " + w.alternate.core.calls().calls());
        }
        for (SimGatewayNode g : w.gateways) {
            if (!g.alive()) continue;
            MediaGatewayCore c = g.core;
            if (!c.contextIds().isEmpty()) {
                Map<Long, List<String>> ctx = new LinkedHashMap<>();
                for (Long id : c.contextIds()) ctx.put(id, c.terminationsIn(id));
                violation(g.name + " has contexts left after everybody hung up: " + ctx);
            }
            List<String> rtp = new ArrayList<>(c.terminationIds());
            rtp.removeAll(terminationsOf(g));
            if (!rtp.isEmpty()) violation(g.name + " has RTP terminations left: " + rtp);
            for (String t : terminationsOf(g)) {
                if (c.isOffHook(t)) violation(g.name + "/" + t + " still off-hook after the hang-up rounds");
                else if (!c.signals(t).isEmpty()) violation(g.name + "/" + t + " on-hook but still playing " + c.signals(t));
            }
        }
        if (w.primary.core.failures() != 0) violation("the primary's core threw " + w.primary.core.failures() + " times");
        if (w.alternate.core.failures() != 0) violation("the alternate's core threw " + w.alternate.core.failures() + " times");
        Map<String, Long> counters = w.alternate.core.calls().migrationCounters();
        long accepted = counters.getOrDefault("cookie.accepted", 0L);
        long rejected = 0;
        for (Map.Entry<String, Long> e : counters.entrySet()) if (e.getKey().startsWith("cookie.rejected.")) rejected += e.getValue();
        if (accepted > ledger.genuine) {
            violation("the alternate accepted " + accepted + " cookies, but only " + ledger.genuine
                    + " genuine ones came back in its context audits: " + counters);
        }
        if (rejected != ledger.forged) {
            violation("the alternate rejected " + rejected + " cookies; " + ledger.forged + " that no controller wrote came back"
                    + (ledger.tamperedWhere == null ? "" : " (one altered on the wire from " + ledger.tamperedWhere + ")") + ": " + counters);
        }
    }
}
