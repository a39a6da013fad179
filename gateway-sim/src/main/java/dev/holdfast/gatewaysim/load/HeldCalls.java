package dev.holdfast.gatewaysim.load;

import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.core.MediaGatewayCore;
import dev.holdfast.sim.cli.Json;
import dev.holdfast.sim.time.LoopLag;
import dev.holdfast.sim.rtp.ProbeStats;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * "Establish and hold" (the failover drill's load): exactly K calls of a mix of kinds are placed by scripted
 * subscribers, with the user actions of docs/h248-profile.md "Call features", and kept up until released:
 * <ul>
 *   <li>{@code intra}: two lines of one gateway talking;</li>
 *   <li>{@code inter}: two lines of different gateways talking over an IGC (real RTP both ways);</li>
 *   <li>{@code hold}: an inter-gateway call the caller put on hold with a hook flash (it hears recall dial tone);</li>
 *   <li>{@code conference}: the caller flashed, dialled a third line, which answered, flashed again and dialled 3: a
 *       three-party conference on the caller's gateway.</li>
 * </ul>
 * Then it answers the drill: {@link #status}, {@link #mark}, and the feature checks ({@link #check}): hang-up, hold
 * and retrieve, transfer, conference, each on a sample of established calls, each passed or failed with the step
 * that did not happen in time.
 * <p>
 * The subscribers' actions are blocking steps (act, then wait for what the gateway shows) run on a small pool of
 * threads; every read or action hops to the gateway's own thread, so the gateways' logic stays single-threaded.
 */
public final class HeldCalls implements AutoCloseable {
    /** How long one step of a call (dial tone, ringing, talk path...) may take by default. */
    static final Duration STEP_LIMIT = Duration.ofSeconds(10);
    private final Duration stepLimit;
    private static final long POLL_MILLIS = 20;

    public enum Kind { INTRA, INTER, HOLD, CONFERENCE }

    /** What the drill's checks exercise. */
    public enum Check { HANGUP, HOLD, TRANSFER, CONFERENCE }

    enum State { SETTING_UP, UP, FAILED, RELEASED }

    /** One subscriber line. */
    record Line(SimulatedGateway gw, int gateway, String id, String number) {
        @Override public String toString() { return "gw" + gateway + "/" + id; }
    }

    /** A call this generator placed, with what it should look like now. */
    static final class HeldCall {
        final int id;
        Kind kind;
        /** The parties in joining order: the caller (the host of a hold or conference) first. */
        final List<Line> parties = new ArrayList<>();
        volatile State state = State.SETTING_UP;
        volatile String failure;
        /** On hold now (talk paths down by intent). */
        volatile boolean held;
        /** Each party's context when the call was last seen settled: a failover must keep them. */
        final Map<Line, Long> contexts = new IdentityHashMap<>();
        /** In a check right now: not sampled again. */
        volatile boolean busy;
        /** Its RTP terminations send at the full rate (a sampled call: see {@link #fullRateSample}). */
        volatile boolean fullRate;

        HeldCall(int id, Kind kind) {
            this.id = id;
            this.kind = kind;
        }

        Line host() { return parties.get(0); }
    }

    /** A failed step: the call (or check) fails with this reason. */
    static final class StepFailed extends Exception {
        StepFailed(String reason) { super(reason, null, false, false); }
    }

    private final List<SimulatedGateway> gateways;
    private final List<String> gatewayNames;
    private final LoadPlan plan;
    /** Free lines by gateway (0-based). */
    private final List<ArrayDeque<Line>> free = new ArrayList<>();
    private final List<HeldCall> calls = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService pool;
    private final Random random;
    private volatile long markedAtMillis = -1;
    /** The calls whose talk path was up at the mark: the RTP figures are theirs. */
    private volatile java.util.Set<Integer> talkingAtMark = java.util.Set.of();
    /** The event loops the gateways and their RTP probes run on, watched for stalls. */
    private final List<LoopLag> loops = new ArrayList<>();
    private int nextId = 1;

    /**
     * @param gateways the gateways in the plan's order (gateway g of the plan is {@code gateways.get(g - 1)})
     * @param threads  how many subscribers act at once
     * @param stepLimit how long one step of a call or a check may take
     */
    public HeldCalls(List<SimulatedGateway> gateways, LoadPlan plan, int threads, long seed, Duration stepLimit) {
        this.stepLimit = stepLimit;
        this.gateways = List.copyOf(gateways);
        this.plan = plan;
        this.random = new Random(seed);
        List<String> names = new ArrayList<>();
        for (int g = 1; g <= gateways.size(); g++) {
            names.add("gw" + g);
            ArrayDeque<Line> lines = new ArrayDeque<>();
            for (int l = 1; l <= plan.lines(); l++) lines.add(new Line(gateways.get(g - 1), g, "A" + l, plan.number(g, l)));
            free.add(lines);
        }
        this.gatewayNames = List.copyOf(names);
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        this.pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "subscriber-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Lines that only answer calls from outside (SIP phones): they take no part in our calls. */
    private final List<Line> answering = new ArrayList<>();
    private volatile boolean closed;

    /**
     * The last {@code perGateway} lines of each gateway answer whatever rings them (calls from SIP phones) and go
     * on-hook once their context is gone; they are not used for our calls. Returns their numbers, in gateway order.
     */
    public synchronized List<String> answering(int perGateway) {
        if (perGateway <= 0) return List.of();
        List<String> numbers = new ArrayList<>();
        for (ArrayDeque<Line> lines : free) {
            List<Line> all = new ArrayList<>(lines);
            for (Line l : all.subList(Math.max(0, all.size() - perGateway), all.size())) {
                lines.remove(l);
                answering.add(l);
                numbers.add(l.number());
            }
        }
        Thread t = new Thread(this::answerLoop, "answering-lines");
        t.setDaemon(true);
        t.start();
        return numbers;
    }

    /** Every 50 ms, one look per gateway: answer a ringing line, hang up a line whose call was released. */
    private void answerLoop() {
        Map<SimulatedGateway, List<Line>> byGateway = new IdentityHashMap<>();
        for (Line l : answering) byGateway.computeIfAbsent(l.gw(), g -> new ArrayList<>()).add(l);
        // lines whose call's RTP went down to the held rate (answered and talking)
        java.util.Set<Line> lowered = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        while (!closed) {
            for (var e : byGateway.entrySet()) {
                try {
                    e.getKey().call(core -> {
                        var rate = heldRate;
                        for (Line l : e.getValue()) {
                            boolean offHook = core.isOffHook(l.id());
                            if (!offHook && core.signals(l.id()).contains("al/ri")) core.answer(l.id());
                            else if (offHook && core.contextOf(l.id()) == null) {
                                core.onHook(l.id());
                                lowered.remove(l);
                            } else if (offHook && rate != null && !lowered.contains(l)) {
                                // at once, not when the talk path shows: 1,000 phones calling at once kept 1,000 RTP
                                // ends at the set-up rate for as long as their calls took to set up
                                List<String> rtps = core.rtpTerminationsWith(l.id());
                                for (String rtp : rtps) core.setProbeConfig(rtp, rate);
                                if (!rtps.isEmpty()) lowered.add(l);
                            }
                        }
                        return null;
                    });
                } catch (RuntimeException ex) {
                    // the gateway is stopping
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException ex) {
                return;
            }
        }
    }

    /** The answering lines in a call with a talk path, and in a context at all. */
    private String answeringJson() {
        if (answering.isEmpty()) return "{\"lines\":0}";
        Map<SimulatedGateway, List<Line>> byGateway = new IdentityHashMap<>();
        for (Line l : answering) byGateway.computeIfAbsent(l.gw(), g -> new ArrayList<>()).add(l);
        int inCall = 0;
        int talking = 0;
        for (var e : byGateway.entrySet()) {
            int[] n = e.getKey().call(core -> {
                int[] r = new int[2];
                for (Line l : e.getValue()) {
                    if (core.contextOf(l.id()) != null) r[0]++;
                    if (core.talkPathUp(l.id())) r[1]++;
                }
                return r;
            });
            inCall += n[0];
            talking += n[1];
        }
        return "{\"lines\":" + answering.size() + ",\"in_call\":" + inCall + ",\"talking\":" + talking + "}";
    }

    /** Watches these event loops (the gateways' and their probes') for stalls, reported since the mark. */
    public HeldCalls watching(List<dev.holdfast.sim.time.SimScheduler> schedulers) {
        for (var s : schedulers) loops.add(new LoopLag(s));
        return this;
    }

    // ------------------------------------------------------------------------------------------------ the mix

    /**
     * The kinds of {@code k} calls for weights such as {@code intra=4,inter=4,hold=1,conference=1}: counts by the
     * largest remainder, then interleaved so that any prefix has about the mix's proportions.
     */
    static List<Kind> kinds(int k, String mix) {
        Map<Kind, Integer> weights = new EnumMap<>(Kind.class);
        for (String part : mix.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            String[] kv = p.split("=");
            if (kv.length != 2) throw new IllegalArgumentException("--mix is kind=weight,...: " + p);
            Kind kind;
            try {
                kind = Kind.valueOf(kv[0].trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--mix kinds are intra, inter, hold, conference: " + kv[0]);
            }
            int w;
            try {
                w = Integer.parseInt(kv[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--mix weight is a whole number: " + p);
            }
            if (w < 0) throw new IllegalArgumentException("--mix weight is not negative: " + p);
            weights.merge(kind, w, Integer::sum);
        }
        int sum = weights.values().stream().mapToInt(Integer::intValue).sum();
        if (sum == 0) throw new IllegalArgumentException("--mix has no positive weight");
        Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
        List<Map.Entry<Kind, Double>> remainders = new ArrayList<>();
        int given = 0;
        for (var e : weights.entrySet()) {
            double exact = (double) k * e.getValue() / sum;
            counts.put(e.getKey(), (int) Math.floor(exact));
            given += (int) Math.floor(exact);
            remainders.add(Map.entry(e.getKey(), exact - Math.floor(exact)));
        }
        remainders.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
        for (int i = 0; given < k; i++, given++) counts.merge(remainders.get(i % remainders.size()).getKey(), 1, Integer::sum);
        // interleave: at each position the kind furthest behind its share
        List<Kind> out = new ArrayList<>(k);
        Map<Kind, Integer> placed = new EnumMap<>(Kind.class);
        for (int i = 0; i < k; i++) {
            Kind best = null;
            double bestLag = -1;
            for (var e : counts.entrySet()) {
                int done = placed.getOrDefault(e.getKey(), 0);
                if (done >= e.getValue()) continue;
                double lag = (double) (i + 1) * e.getValue() / k - done;
                if (lag > bestLag) {
                    bestLag = lag;
                    best = e.getKey();
                }
            }
            out.add(best);
            placed.merge(best, 1, Integer::sum);
        }
        return out;
    }

    /** Lines a call of this kind needs. */
    static int linesFor(Kind k) { return k == Kind.CONFERENCE ? 3 : 2; }

    // ------------------------------------------------------------------------------------------------ lines

    private synchronized Line take(int gateway) {
        return free.get(gateway).poll();
    }

    private synchronized void giveBack(Line l) {
        free.get(l.gateway() - 1).add(l);
    }

    /** A free line, preferably on another gateway than {@code avoid} (0: any), round robin from a random start. */
    private synchronized Line takeAvoiding(int avoid) {
        int n = free.size();
        int start = random.nextInt(n);
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < n; i++) {
                int g = (start + i) % n;
                if (pass == 0 && g + 1 == avoid && n > 1) continue;
                Line l = free.get(g).poll();
                if (l != null) return l;
            }
        }
        return null;
    }

    /** The lines of a new call of {@code kind}, spread over gateways; null when there are not enough free lines. */
    private synchronized List<Line> linesFor(Kind kind, int seq) {
        int n = free.size();
        List<Line> picked = new ArrayList<>();
        if (kind == Kind.INTRA || n == 1) {
            for (int i = 0; i < n; i++) {
                int g = (seq + i) % n;
                if (free.get(g).size() >= linesFor(kind)) {
                    for (int j = 0; j < linesFor(kind); j++) picked.add(free.get(g).poll());
                    return picked;
                }
            }
            return null;
        }
        // a different gateway for each party while there are enough gateways, then round again
        for (int i = 0; i < n * linesFor(kind) && picked.size() < linesFor(kind); i++) {
            int g = (seq + i) % n;
            Line l = free.get(g).poll();
            if (l != null) picked.add(l);
        }
        if (picked.size() < linesFor(kind)) {
            picked.forEach(this::giveBack);
            return null;
        }
        return picked;
    }

    // ------------------------------------------------------------------------------------------------ establish

    /**
     * Places {@code k} calls of the mix and waits until each is up or failed.
     *
     * @return how many are up
     */
    public int establish(int k, String mix) throws InterruptedException {
        List<Kind> kinds = kinds(k, mix);
        List<Future<?>> running = new ArrayList<>();
        int seq = 0;
        for (Kind kind : kinds) {
            HeldCall c;
            synchronized (this) {
                c = new HeldCall(nextId++, kind);
            }
            List<Line> lines = linesFor(kind, seq++);
            if (lines == null) {
                c.state = State.FAILED;
                c.failure = "no free lines";
                calls.add(c);
                continue;
            }
            if (lines.size() >= 2 && lines.get(0).gateway() == lines.get(1).gateway() && kind != Kind.INTRA)
                c.kind = kind == Kind.INTER ? Kind.INTRA : kind; // one gateway only
            c.parties.addAll(lines);
            calls.add(c);
            running.add(pool.submit(() -> {
                try {
                    setUp(c);
                    settle(c);
                    if (heldRate != null) setRate(c, heldRate);
                    c.state = State.UP;
                } catch (StepFailed e) {
                    c.failure = e.getMessage();
                    c.state = State.FAILED;
                    hangUpAll(c);
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        return (int) snapshot().stream().filter(c -> c.state == State.UP).count();
    }

    /**
     * Puts every {@code every}-th established call with RTP (inter-gateway and conference calls talking; held calls
     * are silent by intent, intra-gateway calls have no RTP) on a full-rate probe (both ends of each of its IGCs);
     * the rest keep the load's low rate. With thousands of calls on a small machine only a sample can carry a real
     * 50 packets/s stream; the figures of the sample and of the rest are reported apart. Returns how many calls.
     */
    /** The rate of a call's probes once it is up (null: the gateways' own, as during set-up). */
    private volatile dev.holdfast.sim.rtp.ProbeConfig heldRate;

    /**
     * Calls are set up with the gateways' probe rate (a talk path shows within a few packets each way: at 1 packet/s
     * every call took 2-3 s to show one, and 2,700 calls took 92 s instead of 25), then each call's RTP goes down to
     * {@code rate} once it is up.
     */
    public HeldCalls heldAt(dev.holdfast.sim.rtp.ProbeConfig rate) {
        this.heldRate = rate;
        return this;
    }

    /** Every RTP termination in the contexts of the call's parties to {@code rate}, one hop per gateway. */
    private static void setRate(HeldCall c, dev.holdfast.sim.rtp.ProbeConfig rate) {
        Map<SimulatedGateway, List<String>> byGateway = new IdentityHashMap<>();
        for (Line l : c.parties) byGateway.computeIfAbsent(l.gw(), g -> new ArrayList<>()).add(l.id());
        for (var e : byGateway.entrySet()) {
            e.getKey().call(core -> {
                for (String line : e.getValue()) for (String rtp : core.rtpTerminationsWith(line)) core.setProbeConfig(rtp, rate);
                return null;
            });
        }
    }

    public int fullRateSample(int every, dev.holdfast.sim.rtp.ProbeConfig fullRate) {
        if (every <= 0) return 0;
        int seen = 0;
        int sampled = 0;
        for (HeldCall c : snapshot()) {
            if (c.state != State.UP || c.held || c.kind == Kind.INTRA) continue;
            if (seen++ % every != 0) continue;
            setRate(c, fullRate);
            c.fullRate = true;
            sampled++;
        }
        return sampled;
    }

    private void setUp(HeldCall c) throws StepFailed, InterruptedException {
        Line a = c.parties.get(0);
        Line b = c.parties.get(1);
        connect(a, b);
        switch (c.kind) {
            case HOLD -> {
                hold(a, b);
                c.held = true;
            }
            case CONFERENCE -> {
                Line third = c.parties.get(2);
                consult(a, third);
                conference(a, List.of(b, third));
            }
            default -> { }
        }
    }

    /** Records where each party is now: the failover must leave them there. */
    private void settle(HeldCall c) {
        c.contexts.clear();
        for (Line l : c.parties) c.contexts.put(l, l.gw().contextOf(l.id()));
    }

    // ------------------------------------------------------------------------------------------------ user actions

    private static boolean hears(Line l, String signal) { return l.gw().signals(l.id()).contains(signal); }

    private static boolean quiet(Line l) { return l.gw().signals(l.id()).isEmpty(); }

    private static boolean talks(Line l) { return l.gw().talkPathUp(l.id()); }

    /** Idle at its gateway: no context, nothing playing, on-hook and armed for off-hook. */
    private static boolean idle(Line l) {
        return l.gw().call(core -> core.contextOf(l.id()) == null && core.signals(l.id()).isEmpty()
                && !core.isOffHook(l.id()) && core.armedEvents(l.id()).contains("al/of"));
    }

    private void need(BooleanSupplier condition, String failure) throws StepFailed, InterruptedException {
        long end = System.nanoTime() + stepLimit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new StepFailed(failure);
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** {@code a} calls {@code b}, which answers: talk path up both ways. */
    private void connect(Line a, Line b) throws StepFailed, InterruptedException {
        need(() -> idle(a) && idle(b), "lines not idle before the call");
        a.gw().offHook(a.id());
        need(() -> hears(a, "cg/dt"), "no dial tone at " + a);
        a.gw().dial(a.id(), b.number());
        need(() -> hears(b, "al/ri"), "no ringing at " + b);
        b.gw().answer(b.id());
        need(() -> quiet(a) && quiet(b) && talks(a) && talks(b), "no talk path " + a + " - " + b);
    }

    /** The host flashes: the other party is held, the host hears recall dial tone, no talk path between them. */
    private void hold(Line host, Line other) throws StepFailed, InterruptedException {
        host.gw().flash(host.id());
        need(() -> hears(host, "cg/dt") && !talks(host) && !talks(other), "hold: no recall dial tone at " + host
                + " or the talk path stayed up");
    }

    /** A second flash with nothing dialled: back to talking. */
    private void retrieve(Line host, Line other) throws StepFailed, InterruptedException {
        host.gw().flash(host.id());
        need(() -> quiet(host) && talks(host) && talks(other), "retrieve: no talk path " + host + " - " + other);
    }

    /** The host (talking) flashes and dials {@code third}, which answers: host and third talk, the other is held. */
    private void consult(Line host, Line third) throws StepFailed, InterruptedException {
        need(() -> idle(third), "line " + third + " not idle for the consultation");
        host.gw().flash(host.id());
        need(() -> hears(host, "cg/dt"), "consultation: no recall dial tone at " + host);
        host.gw().dial(host.id(), third.number());
        need(() -> hears(third, "al/ri"), "consultation: no ringing at " + third);
        third.gw().answer(third.id());
        need(() -> quiet(host) && quiet(third) && talks(host) && talks(third),
                "consultation: no talk path " + host + " - " + third);
    }

    /** During a consultation the host flashes and dials 3: all three talk in the host's context. */
    private void conference(Line host, List<Line> others) throws StepFailed, InterruptedException {
        host.gw().flash(host.id());
        need(() -> hears(host, "cg/dt"), "conference: no recall dial tone at " + host);
        host.gw().dial(host.id(), "3");
        need(() -> {
            Long ctx = host.gw().contextOf(host.id());
            return ctx != null && host.gw().terminationsIn(ctx).size() == 3 && quiet(host) && talks(host)
                    && others.stream().allMatch(HeldCalls::talks);
        }, "conference: the three parties do not all talk in one context of " + host);
    }

    /** Every party on-hook, then each line idle again. */
    private void hangUpAll(HeldCall c) throws InterruptedException {
        for (Line l : c.parties) {
            try {
                l.gw().onHook(l.id());
            } catch (RuntimeException e) {
                // the gateway is gone: nothing to hang up
            }
        }
        long end = System.nanoTime() + stepLimit.toNanos();
        while (System.nanoTime() < end && !c.parties.stream().allMatch(HeldCalls::idleQuietly)) Thread.sleep(POLL_MILLIS);
        for (Line l : c.parties) if (idleQuietly(l)) giveBack(l);
    }

    private static boolean idleQuietly(Line l) {
        try {
            return idle(l);
        } catch (RuntimeException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------------ drill commands

    /** Starts a new RTP gap and loss window on every gateway; returns the time of the mark (epoch ms). */
    public long mark() {
        // the RTP figures are about the calls talking at the mark: a path already dead is not the failover's
        List<HeldCall> up = snapshot().stream().filter(c -> c.state == State.UP && !c.held).toList();
        Map<Line, LineView> v = views(up);
        java.util.Set<Integer> talking = new java.util.HashSet<>();
        for (HeldCall c : up) if (talkPath(c, v).equals("up")) talking.add(c.id);
        talkingAtMark = talking;
        for (SimulatedGateway gw : gateways) gw.markTalkPaths();
        loops.forEach(LoopLag::mark);
        markedAtMillis = System.currentTimeMillis();
        return markedAtMillis;
    }

    private List<HeldCall> snapshot() {
        synchronized (calls) {
            return new ArrayList<>(calls);
        }
    }

    /** What one line shows, read on its gateway's thread in one go with the other lines of that gateway. */
    private record LineView(Long context, boolean talks, List<String> signals, List<ProbeStats> probes) {}

    private Map<Line, LineView> views(List<HeldCall> of) {
        Map<SimulatedGateway, List<Line>> byGateway = new IdentityHashMap<>();
        for (HeldCall c : of) for (Line l : c.parties) byGateway.computeIfAbsent(l.gw(), g -> new ArrayList<>()).add(l);
        Map<Line, LineView> out = new HashMap<>();
        for (var e : byGateway.entrySet()) {
            Map<Line, LineView> part = e.getKey().call(core -> {
                Map<Line, LineView> m = new HashMap<>();
                for (Line l : e.getValue()) {
                    List<ProbeStats> probes = new ArrayList<>();
                    for (String rtp : core.rtpTerminationsWith(l.id())) {
                        ProbeStats s = core.probeStats(rtp);
                        if (s != null) probes.add(s);
                    }
                    m.put(l, new LineView(core.contextOf(l.id()), core.talkPathUp(l.id()), core.signals(l.id()), probes));
                }
                return m;
            });
            out.putAll(part);
        }
        return out;
    }

    /** A call's state for the drill: up (talking), held (as it was put), or lost. */
    private static String talkPath(HeldCall c, Map<Line, LineView> v) {
        if (c.state != State.UP) return c.state.name().toLowerCase(Locale.ROOT);
        for (Line l : c.parties) {
            LineView lv = v.get(l);
            if (lv == null || lv.context() == null || !lv.context().equals(c.contexts.get(l))) return "lost";
        }
        if (c.held) {
            // held: both still in their contexts (checked above), the host with recall dial tone, no talk path
            return v.get(c.host()).signals().contains("cg/dt") ? "held" : "lost";
        }
        return c.parties.stream().allMatch(l -> v.get(l).talks()) ? "up" : "down";
    }

    /** The drill's status: one JSON object. */
    public String status() {
        List<HeldCall> all = snapshot();
        Map<Line, LineView> v = views(all.stream().filter(c -> c.state == State.UP).toList());
        Map<String, Integer> byState = new LinkedHashMap<>();
        Map<String, Integer> byKind = new LinkedHashMap<>();
        StringBuilder perCall = new StringBuilder();
        List<Double> gaps = new ArrayList<>();
        long lost = 0;
        long received = 0;
        List<Double> fullGaps = new ArrayList<>();
        long fullLost = 0;
        long fullReceived = 0;
        int preserved = 0;
        int up = 0;
        for (HeldCall c : all) {
            String tp = talkPath(c, v);
            byState.merge(tp, 1, Integer::sum);
            if (c.state == State.UP) {
                up++;
                byKind.merge(c.kind.name().toLowerCase(Locale.ROOT), 1, Integer::sum);
                if (tp.equals("up") || tp.equals("held")) preserved++;
                // the RTP figures of the calls talking at the mark (a held call's IGC is silent by intent)
                if (!c.held && markedAtMillis >= 0 && talkingAtMark.contains(c.id)) {
                    double callGap = 0;
                    boolean any = false;
                    long callLost = 0;
                    long callReceived = 0;
                    for (Line l : c.parties) {
                        LineView lv = v.get(l);
                        if (lv == null) continue;
                        for (ProbeStats p : lv.probes()) {
                            if (!p.marked()) continue;
                            any = true;
                            callGap = Math.max(callGap, p.maxGapMillisSinceMark());
                            callLost += p.lostSinceMark();
                            callReceived += p.receivedSinceMark();
                        }
                    }
                    if (any) {
                        gaps.add(callGap);
                        lost += callLost;
                        received += callReceived;
                        if (c.fullRate) {
                            fullGaps.add(callGap);
                            fullLost += callLost;
                            fullReceived += callReceived;
                        }
                    }
                }
            }
            if (perCall.length() > 0) perCall.append(',');
            perCall.append("{\"id\":").append(c.id).append(",\"kind\":\"").append(c.kind.name().toLowerCase(Locale.ROOT))
                    .append("\",\"parties\":[");
            for (int i = 0; i < c.parties.size(); i++) {
                if (i > 0) perCall.append(',');
                perCall.append('"').append(c.parties.get(i).number()).append('"');
            }
            perCall.append("],\"talk_path\":\"").append(tp).append('"');
            if (c.failure != null) perCall.append(",\"failure\":").append(Json.quote(c.failure));
            perCall.append('}');
        }
        Collections.sort(gaps);
        double max = gaps.isEmpty() ? 0 : gaps.get(gaps.size() - 1);
        double p99 = gaps.isEmpty() ? 0 : gaps.get(Math.max(0, (int) Math.ceil(0.99 * gaps.size()) - 1));
        Collections.sort(fullGaps);
        double fullMax = fullGaps.isEmpty() ? 0 : fullGaps.get(fullGaps.size() - 1);
        double fullP99 = fullGaps.isEmpty() ? 0 : fullGaps.get(Math.max(0, (int) Math.ceil(0.99 * fullGaps.size()) - 1));
        String gw = gatewaysJson();
        return "{\"calls_total\":" + all.size() + ",\"calls_up\":" + up + ",\"calls_preserved\":" + preserved
                + ",\"talk_paths\":" + Json.object(byState) + ",\"kinds\":" + Json.object(byKind)
                + ",\"marked_at_ms\":" + markedAtMillis
                + ",\"loadgen_loop_lag_ms_max\":" + Json.number(loops.stream().mapToDouble(LoopLag::maxLateMillis).max().orElse(0))
                + ",\"rtp\":{\"talking_at_mark\":" + talkingAtMark.size() + ",\"calls\":" + gaps.size() + ",\"gap_ms_max\":" + Json.number(max) + ",\"gap_ms_p99\":"
                + Json.number(p99) + ",\"packets_lost\":" + lost + ",\"packets_received\":" + received
                + ",\"full_rate\":{\"calls\":" + fullGaps.size() + ",\"gap_ms_max\":" + Json.number(fullMax) + ",\"gap_ms_p99\":"
                + Json.number(fullP99) + ",\"packets_lost\":" + fullLost + ",\"packets_received\":" + fullReceived + "}}"
                + ",\"answering\":" + answeringJson()
                + ",\"gateways\":[" + gw + "],\"calls\":[" + perCall + "]}";
    }

    private String gatewaysJson() {
        StringBuilder gw = new StringBuilder();
        for (int g = 0; g < gateways.size(); g++) {
            SimulatedGateway sg = gateways.get(g);
            // one hop to the gateway's thread for both (polled during a failover, when that thread is busiest)
            Object[] both = sg.call(core -> new Object[] {core.lastRegistration(), core.registered()});
            MediaGatewayCore.Registration r = (MediaGatewayCore.Registration) both[0];
            boolean registered = (Boolean) both[1];
            if (g > 0) gw.append(',');
            gw.append("{\"name\":\"").append(gatewayNames.get(g)).append("\",\"registered\":").append(r != null && registered);
            if (r != null) {
                gw.append(",\"controller\":\"").append(r.controller().getHostString()).append(':').append(r.controller().getPort())
                        .append("\",\"method\":\"").append(r.method()).append("\",\"registered_at_ms\":").append(r.atMillis())
                        .append(",\"lost_at_ms\":").append(r.lostAtMillis());
            }
            gw.append('}');
        }
        return gw.toString();
    }

    /**
     * Exercises {@code check} on {@code n} sampled established calls (in parallel), each within its step limits.
     *
     * @return one JSON object: passed, failed, and the failure of each failed one
     */
    public String check(Check check, int n) throws InterruptedException {
        List<HeldCall> sample = sample(check, n);
        List<Future<String>> results = new ArrayList<>();
        for (HeldCall c : sample) {
            Callable<String> task = () -> {
                try {
                    run(check, c);
                    return null;
                } catch (StepFailed e) {
                    return "call " + c.id + " (" + c.kind.name().toLowerCase(Locale.ROOT) + " " + numbers(c) + "): " + e.getMessage();
                } catch (RuntimeException e) {
                    return "call " + c.id + ": " + e;
                } finally {
                    c.busy = false;
                }
            };
            results.add(pool.submit(task));
        }
        List<String> failures = new ArrayList<>();
        for (Future<String> f : results) {
            try {
                String r = f.get();
                if (r != null) failures.add(r);
            } catch (java.util.concurrent.ExecutionException e) {
                failures.add(String.valueOf(e.getCause()));
            }
        }
        StringBuilder fl = new StringBuilder();
        for (String f : failures) fl.append(fl.length() > 0 ? "," : "").append(Json.quote(f));
        return "{\"check\":\"" + check.name().toLowerCase(Locale.ROOT) + "\",\"requested\":" + n + ",\"total\":"
                + sample.size() + ",\"passed\":" + (sample.size() - failures.size()) + ",\"failed\":" + failures.size()
                + ",\"failures\":[" + fl + "]}";
    }

    private static String numbers(HeldCall c) {
        return String.join("-", c.parties.stream().map(Line::number).toList());
    }

    /** Established calls the check applies to, spread over kinds, marked busy. */
    private synchronized List<HeldCall> sample(Check check, int n) {
        List<HeldCall> candidates = new ArrayList<>();
        for (HeldCall c : snapshot()) {
            if (c.state != State.UP || c.busy) continue;
            boolean twoPartyTalking = !c.held && c.parties.size() == 2;
            if (check == Check.HANGUP || twoPartyTalking) candidates.add(c);
        }
        Collections.shuffle(candidates, random);
        // round robin over kinds so that a small sample still has each kind
        Map<Kind, ArrayDeque<HeldCall>> byKind = new EnumMap<>(Kind.class);
        for (HeldCall c : candidates) byKind.computeIfAbsent(c.kind, k -> new ArrayDeque<>()).add(c);
        List<HeldCall> out = new ArrayList<>();
        while (out.size() < n && byKind.values().stream().anyMatch(q -> !q.isEmpty())) {
            for (ArrayDeque<HeldCall> q : byKind.values()) {
                if (out.size() < n && !q.isEmpty()) out.add(q.poll());
            }
        }
        out.forEach(c -> c.busy = true);
        return out;
    }

    private void run(Check check, HeldCall c) throws StepFailed, InterruptedException {
        switch (check) {
            case HANGUP -> checkHangUp(c);
            case HOLD -> {
                Line host = c.parties.get(0);
                Line other = c.parties.get(1);
                hold(host, other);
                retrieve(host, other);
                settle(c);
            }
            case TRANSFER -> checkTransfer(c);
            case CONFERENCE -> {
                Line host = c.parties.get(0);
                Line third = takeAvoiding(host.gateway());
                if (third == null) throw new StepFailed("no free line for the conference's third party");
                try {
                    consult(host, third);
                } catch (StepFailed e) {
                    giveBack(third);
                    throw e;
                }
                c.parties.add(third);
                conference(host, List.of(c.parties.get(1), third));
                c.kind = Kind.CONFERENCE;
                settle(c);
            }
        }
    }

    /**
     * The call's first party hangs up. A two-party call (or one on hold) is released: the other party's context
     * goes and it hears busy or nothing; in a conference the others talk on. Then everyone hangs up and every line of
     * the call is idle, and no context the call had is left on any gateway.
     */
    private void checkHangUp(HeldCall c) throws StepFailed, InterruptedException {
        Line first = c.parties.get(0);
        List<Line> rest = c.parties.subList(1, c.parties.size());
        Map<Line, Long> had = new IdentityHashMap<>(c.contexts);
        first.gw().onHook(first.id());
        if (rest.size() == 1) {
            Line other = rest.get(0);
            need(() -> other.gw().contextOf(other.id()) == null, "hang-up of " + first + ": " + other
                    + " still in context " + other.gw().contextOf(other.id()));
        } else {
            need(() -> idle(first) && rest.stream().allMatch(HeldCalls::talks),
                    "hang-up of the conference host " + first + ": the others do not talk on");
        }
        for (Line l : rest) l.gw().onHook(l.id());
        need(() -> c.parties.stream().allMatch(HeldCalls::idle), "after hang-up not every line of the call is idle");
        for (var e : had.entrySet()) {
            Long ctx = e.getValue();
            if (ctx == null) continue;
            SimulatedGateway gw = e.getKey().gw();
            need(() -> !gw.contextIds().contains(ctx), "context " + ctx + " left on gw" + e.getKey().gateway());
        }
        c.state = State.RELEASED;
        for (Line l : c.parties) giveBack(l);
    }

    /** The caller consults a free line and hangs up during the consultation: the other two talk. */
    private void checkTransfer(HeldCall c) throws StepFailed, InterruptedException {
        Line host = c.parties.get(0);
        Line held = c.parties.get(1);
        Line third = takeAvoiding(host.gateway());
        if (third == null) throw new StepFailed("no free line for the transfer's third party");
        try {
            consult(host, third);
        } catch (StepFailed e) {
            giveBack(third);
            throw e;
        }
        host.gw().onHook(host.id());
        need(() -> idle(host) && talks(held) && talks(third), "transfer: " + held + " and " + third + " do not talk");
        c.parties.clear();
        c.parties.add(held);
        c.parties.add(third);
        c.kind = held.gateway() == third.gateway() ? Kind.INTRA : Kind.INTER;
        giveBack(host);
        settle(c);
    }

    /**
     * Every call hangs up (every party goes on-hook), then up to the step limit for every line to be idle; returns
     * one JSON object with how many calls were released and how many of their lines are still not idle.
     */
    public String releaseAll() throws InterruptedException {
        List<HeldCall> up = snapshot().stream().filter(c -> c.state == State.UP || c.state == State.SETTING_UP).toList();
        List<Line> lines = up.stream().flatMap(c -> c.parties.stream()).toList();
        for (Line l : lines) {
            try {
                l.gw().onHook(l.id());
            } catch (RuntimeException e) {
                // the gateway is gone: counted below as not idle
            }
        }
        long end = System.nanoTime() + stepLimit.toNanos();
        while (System.nanoTime() < end && !lines.stream().allMatch(HeldCalls::idleQuietly)) Thread.sleep(POLL_MILLIS * 5);
        long notIdle = 0;
        for (Line l : lines) {
            if (idleQuietly(l)) giveBack(l);
            else notIdle++;
        }
        up.forEach(c -> c.state = State.RELEASED);
        return "{\"released\":" + up.size() + ",\"lines_not_idle\":" + notIdle + "}";
    }

    /** Each gateway's latest registration only: cheap enough to poll while waiting for a failover. */
    public String registrations() {
        return "{\"gateways\":[" + gatewaysJson() + "]}";
    }

    @Override public void close() {
        closed = true;
        pool.shutdownNow();
        loops.forEach(LoopLag::stop);
    }
}
