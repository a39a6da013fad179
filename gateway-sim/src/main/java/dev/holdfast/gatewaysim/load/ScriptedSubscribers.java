package dev.holdfast.gatewaysim.load;

import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.core.MediaGatewayCore;
import dev.holdfast.sim.time.SimScheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Scripted subscribers placing calls between the lines of simulated gateways: at {@code cps} calls per second a
 * random idle caller lifts the handset, waits for dial tone, dials a random idle callee, who answers once ringing
 * (with ring-back at the caller); when both lines' talk paths are up the call lasts {@code hold}, then the caller
 * hangs up, then the callee, and the call counts as completed once both lines are idle again. A step that does not
 * happen in time fails the call with that step as the reason. Everything runs on the gateways' scheduler thread,
 * where the gateways' own logic runs, so the checks are plain reads. A call moves on as soon as a controller's
 * request touches one of its lines (so setup latency is measured when the signal starts, not at the next poll);
 * a poll every {@link #TICK} catches what no request announces (talk paths, the end of the hold), and every
 * {@link #SLOW_POLL_TICKS} ticks every call is looked at (time limits, a signal that ended by itself).
 * <p>
 * Calls with a party outside these gateways (SIP phones of another load generator, issue 4): "answering lines"
 * place no calls and take none of ours; they answer whatever rings them after {@link #ANSWER_AFTER} and go on-hook
 * once the controller has released their context (the caller hung up). Those calls are the caller's to count. The
 * other way round, "external numbers" are dialled for about one call in three while one is free (one call at a
 * time per number); such a call is counted here, its talk path checked on our line only, its far end left to
 * whoever answers it.
 */
public final class ScriptedSubscribers {
    /** How long one step may take before the call counts as failed. */
    static final Duration STEP_LIMIT = Duration.ofSeconds(5);
    private static final Duration TICK = Duration.ofMillis(20);
    /**
     * Calls waiting for a controller's request (dial tone, ringing, release, idle lines) move on when one touches
     * their lines; the poll looks at them only every this many ticks (200 ms). Looking at every call on every tick
     * cost the load generator more the more calls waited: when it fell behind, most of its time went there.
     */
    private static final int SLOW_POLL_TICKS = 10;
    private static final int MAX_FAILURES_LOGGED = 20;
    /** How long an answering line rings before it answers (so that the caller hears ring-back). */
    static final Duration ANSWER_AFTER = Duration.ofMillis(300);

    /** A line, with its gateway's core: every use is on the gateways' thread, where the core may be used directly. */
    private record Line(SimulatedGateway gw, MediaGatewayCore core, String id, String number) {
        @Override public String toString() { return gw.config().midText() + "/" + id; }
    }

    private enum Step { WAIT_DIAL_TONE, WAIT_RINGING, WAIT_TALK_PATH, TALKING, WAIT_RELEASE, WAIT_IDLE, RECOVERING }

    private final class Call {
        final Line caller;
        /** Null for a call to an external number. */
        final Line callee;
        final String external;
        final long start;
        /** When it was placed, and when it first rang (ring-back at the caller; -1 before): wall clock, epoch ms. */
        final long attemptedMillis;
        long upSinceMillis = -1;
        Step step = Step.WAIT_DIAL_TONE;
        long stepSince;
        long hangUpAt;
        boolean talkPathUp;
        /** A step is already queued on the scheduler for this call. */
        boolean stepQueued;
        /** When the queued step was asked for (a controller's request touched a line of the call). */
        long stepQueuedAt;

        Call(Line caller, Line callee, String external, long now) {
            this.caller = caller;
            this.callee = callee;
            this.external = external;
            this.start = now;
            this.stepSince = now;
            this.attemptedMillis = scheduler.wallMillis();
        }

        List<String> endpoints() { return List.of(caller.number, callee != null ? callee.number : external); }

        void next(Step s, long now) {
            if (step == Step.WAIT_TALK_PATH) waitingTalkPath.remove(this);
            step = s;
            stepSince = now;
            if (s == Step.WAIT_TALK_PATH) waitingTalkPath.add(this);
            else if (s == Step.TALKING) hangUps.addLast(this); // hangUpAt is set: the hold is the same for every call
        }
    }

    /** A line that only answers calls from outside (see the class comment). */
    private static final class AnsweringLine {
        final Line line;
        long ringingSince = -1;
        boolean answered;
        long answeredAt;
        boolean sawContext;

        AnsweringLine(Line line) { this.line = line; }
    }

    private final SimScheduler scheduler;
    private final List<Line> lines = new ArrayList<>();
    private final List<AnsweringLine> answering = new ArrayList<>();
    /** External numbers not in a call of ours. */
    private final List<String> freeExternal = new ArrayList<>();
    private final Set<Line> inUse = new LinkedHashSet<>();
    /** The lines not in a call of ours (an indexed set: random pick, removal by swapping with the last). */
    private final IndexedSet<Line> free = new IndexedSet<>();
    /** Calls in progress, in the order placed. */
    private final Set<Call> calls = new LinkedHashSet<>();
    /**
     * Calls waiting for their talk path (no request announces it: each poll looks at them), and calls talking in
     * the order of their hang-up (one hold for all: placing order). A poll looks at these few instead of every call
     * in progress: at 1,000 calls/s some 2,500 calls talk, and scanning them all 50 times a second was most of
     * the subscribers' time.
     */
    private final Set<Call> waitingTalkPath = new LinkedHashSet<>();
    private final java.util.ArrayDeque<Call> hangUps = new java.util.ArrayDeque<>();
    /** Calls in progress by gateway and line id, for the gateways' "termination touched" callbacks. */
    private final Map<SimulatedGateway, Map<String, Call>> byLine = new IdentityHashMap<>();
    private final CallStats stats = new CallStats();
    /** Failed and completed calls as a failover drill sees them (null: no drill accounting). */
    private final dev.holdfast.sim.load.FailoverLedger ledger;
    /** Completed calls to external numbers (also in {@code stats.completed}). */
    private long completedExternal;
    private final Random random;
    private final double cps;
    private final Duration hold;
    private boolean placing;
    private double owed;
    private long lastArrival;
    private SimScheduler.Cancellable ticker;
    private int failuresLogged;
    /** When the next poll is due (0: none scheduled yet), and how late each poll ran. */
    private long tickDue;
    private long ticks;
    private final List<Long> tickLag = new ArrayList<>();
    /** A controller's request touching a call's line to the call's step running: the event loop's task queue. */
    private final dev.holdfast.h248.transport.LatencyHistogram stepWait = new dev.holdfast.h248.transport.LatencyHistogram();
    /** A call placed (off-hook, where its setup time starts) to its Notify handed to the transport. */
    private final dev.holdfast.h248.transport.LatencyHistogram offHookSent = new dev.holdfast.h248.transport.LatencyHistogram();

    public ScriptedSubscribers(SimScheduler scheduler, List<SimulatedGateway> gateways, LoadPlan plan, double cps,
                               Duration hold, long seed) {
        this(scheduler, gateways, java.util.stream.IntStream.rangeClosed(1, gateways.size()).boxed().toList(), plan,
                cps, hold, seed);
    }

    public ScriptedSubscribers(SimScheduler scheduler, List<SimulatedGateway> gateways, List<Integer> planNumbers,
                               LoadPlan plan, double cps, Duration hold, long seed) {
        this(scheduler, gateways, planNumbers, plan, cps, hold, seed, 0, List.of(), null);
    }

    /**
     * Subscribers on some of the plan's gateways (one shard of a load run): {@code planNumbers.get(i)} is the
     * 1-based number in the plan of {@code gateways.get(i)}, which names its lines' directory numbers. Every gateway
     * given must run on {@code scheduler}.
     */
    public ScriptedSubscribers(SimScheduler scheduler, List<SimulatedGateway> gateways, List<Integer> planNumbers,
                               LoadPlan plan, double cps, Duration hold, long seed, int answeringLinesPerGateway,
                               List<String> externalNumbers, dev.holdfast.sim.load.FailoverLedger ledger) {
        this.scheduler = scheduler;
        this.ledger = ledger;
        for (int i = 0; i < gateways.size(); i++) {
            SimulatedGateway gw = gateways.get(i);
            MediaGatewayCore core = gw.call(c -> c);
            int g = planNumbers.get(i);
            for (int l = 1; l <= plan.lines(); l++) {
                Line line = new Line(gw, core, "A" + l, plan.number(g, l));
                if (l > plan.lines() - answeringLinesPerGateway) answering.add(new AnsweringLine(line));
                else lines.add(line);
            }
        }
        freeExternal.addAll(externalNumbers);
        lines.forEach(free::add);
        for (SimulatedGateway gw : gateways) {
            Map<String, Call> m = new HashMap<>();
            byLine.put(gw, m);
            gw.call(core -> {
                core.onTerminationTouched(id -> touched(m, id));
                return null;
            });
        }
        this.random = new Random(seed);
        this.cps = cps;
        this.hold = hold;
    }

    /** Starts placing calls. */
    public void start() {
        scheduler.run(() -> {
            placing = true;
            lastArrival = scheduler.nanoTime();
            stats.seriesFrom(lastArrival);
            tick();
        });
    }

    /** Stops placing new calls; calls in progress go on to their end. */
    public void stopPlacing() { scheduler.run(() -> placing = false); }

    /** Stops everything (calls still in progress count as failed: "unfinished"). */
    public void stop() {
        onThread(() -> {
            placing = false;
            if (ticker != null) ticker.cancel();
            for (Call c : calls) {
                String reason = "unfinished at " + c.step.name().toLowerCase().replace('_', ' ');
                stats.fail(reason);
                if (ledger != null) ledger.failed(reason, c.attemptedMillis, c.upSinceMillis, scheduler.wallMillis(), c.endpoints());
            }
            calls.clear();
            waitingTalkPath.clear();
            hangUps.clear();
            byLine.values().forEach(Map::clear);
            return null;
        });
    }

    /** See {@link #stepWait}; a histogram safe to read from any thread. */
    public dev.holdfast.h248.transport.LatencyHistogram stepWait() { return stepWait; }

    /** See {@link #offHookSent}. */
    public dev.holdfast.h248.transport.LatencyHistogram offHookSent() { return offHookSent; }

    /** A consistent snapshot of the counters. */
    public Summary summary() {
        Summary raw = onThread(() -> new Summary(stats.attempted, stats.completed, stats.failed(),
                new java.util.TreeMap<>(stats.failedByReason), calls.size(),
                calls.stream().filter(c -> c.talkPathUp).count(), stats.talkPathOk, 0, 0, 0, stats.setupsInOrder(),
                tickLag.stream().mapToLong(Long::longValue).toArray(), stats.setupsBySecond()));
        // sorted here, off the event loop: the copy grows with the run (a sort per summary line on the loop did too)
        long[] setups = raw.setupNanos();
        java.util.Arrays.sort(setups);
        return new Summary(raw.attempted(), raw.completed(), raw.failed(), raw.failedByReason(), raw.active(),
                raw.talkPathsUp(), raw.talkPathOk(), CallStats.percentileMillis(setups, 50),
                CallStats.percentileMillis(setups, 99), CallStats.percentileMillis(setups, 100), setups,
                raw.tickLagNanos(), raw.setupNanosBySecond());
    }

    /**
     * @param setupNanos  every setup latency measured, in nanoseconds (to combine shards' percentiles)
     * @param tickLagNanos how late each 20 ms poll of the subscribers ran on its event loop: the load generator's own
     *                    queueing delay; when it is large the figures measure the load generator, not the controller
     * @param setupNanosBySecond the setup latencies again, by the second of the step in which each call was placed
     */
    public record Summary(long attempted, long completed, long failed, java.util.Map<String, Long> failedByReason,
                          long active, long talkPathsUp, long talkPathOk, double setupP50, double setupP99,
                          double setupMax, long[] setupNanos, long[] tickLagNanos, long[][] setupNanosBySecond) {

        /** Without the per-second series. */
        public Summary(long attempted, long completed, long failed, java.util.Map<String, Long> failedByReason,
                       long active, long talkPathsUp, long talkPathOk, double setupP50, double setupP99,
                       double setupMax, long[] setupNanos, long[] tickLagNanos) {
            this(attempted, completed, failed, failedByReason, active, talkPathsUp, talkPathOk, setupP50, setupP99,
                    setupMax, setupNanos, tickLagNanos, new long[0][]);
        }

        /**
         * The setup latency percentile (ms) of the calls placed in each second of the step, in order; a second with
         * no call set up gives 0.
         */
        public double[] setupMillisBySecond(double percentile) {
            double[] out = new double[setupNanosBySecond.length];
            for (int i = 0; i < out.length; i++) {
                long[] s = setupNanosBySecond[i].clone();
                java.util.Arrays.sort(s);
                out[i] = CallStats.percentileMillis(s, percentile);
            }
            return out;
        }

        /** Percentile of the event loop lag in milliseconds (nearest rank), 0 with no sample. */
        public double tickLagMillis(double percentile) {
            long[] s = tickLagNanos.clone();
            java.util.Arrays.sort(s);
            return CallStats.percentileMillis(s, percentile);
        }

        /** The summary of several shards of one load run. */
        public static Summary combine(List<Summary> parts) {
            if (parts.size() == 1) return parts.get(0);
            java.util.Map<String, Long> reasons = new java.util.TreeMap<>();
            long attempted = 0, completed = 0, failed = 0, active = 0, up = 0, ok = 0;
            long[] all = new long[parts.stream().mapToInt(p -> p.setupNanos.length).sum()];
            long[] lags = new long[parts.stream().mapToInt(p -> p.tickLagNanos.length).sum()];
            int n = 0;
            int m = 0;
            for (Summary p : parts) {
                attempted += p.attempted;
                completed += p.completed;
                failed += p.failed;
                active += p.active;
                up += p.talkPathsUp;
                ok += p.talkPathOk;
                p.failedByReason.forEach((k, v) -> reasons.merge(k, v, Long::sum));
                System.arraycopy(p.setupNanos, 0, all, n, p.setupNanos.length);
                n += p.setupNanos.length;
                System.arraycopy(p.tickLagNanos, 0, lags, m, p.tickLagNanos.length);
                m += p.tickLagNanos.length;
            }
            java.util.Arrays.sort(all);
            int seconds = parts.stream().mapToInt(p -> p.setupNanosBySecond.length).max().orElse(0);
            long[][] bySecond = new long[seconds][];
            for (int i = 0; i < seconds; i++) {
                int at = i;
                long[] merged = new long[parts.stream().mapToInt(p -> at < p.setupNanosBySecond.length ? p.setupNanosBySecond[at].length : 0).sum()];
                int k = 0;
                for (Summary p : parts) {
                    if (at >= p.setupNanosBySecond.length) continue;
                    System.arraycopy(p.setupNanosBySecond[at], 0, merged, k, p.setupNanosBySecond[at].length);
                    k += p.setupNanosBySecond[at].length;
                }
                bySecond[i] = merged;
            }
            return new Summary(attempted, completed, failed, reasons, active, up, ok, CallStats.percentileMillis(all, 50),
                    CallStats.percentileMillis(all, 99), CallStats.percentileMillis(all, 100), all, lags, bySecond);
        }
    }

    private <T> T onThread(java.util.function.Supplier<T> s) {
        if (scheduler.inSchedulerThread()) return s.get();
        java.util.concurrent.CompletableFuture<T> r = new java.util.concurrent.CompletableFuture<>();
        scheduler.execute(() -> r.complete(s.get()));
        return r.join();
    }

    // ------------------------------------------------------------------------------------------------ the loop

    private void tick() {
        long now = scheduler.nanoTime();
        if (tickDue != 0 && placing) tickLag.add(Math.max(0, now - tickDue));
        tickDue = now + TICK.toNanos();
        if (placing) {
            owed += cps * (now - lastArrival) / 1e9;
            lastArrival = now;
            while (owed >= 1) {
                owed -= 1;
                place(now);
            }
        }
        if (++ticks % SLOW_POLL_TICKS == 0) {
            for (java.util.Iterator<Call> it = calls.iterator(); it.hasNext(); ) {
                Call c = it.next();
                if (step(c, now)) {
                    it.remove();
                    release(c);
                }
            }
        } else {
            for (Call c : waitingTalkPath.toArray(new Call[0])) {
                if (calls.contains(c) && step(c, now)) {
                    calls.remove(c);
                    release(c);
                }
            }
        }
        // hang-ups due (a call that failed or ended meanwhile is skipped: it is no longer talking)
        for (Call c; (c = hangUps.peekFirst()) != null && c.hangUpAt <= now; ) {
            hangUps.pollFirst();
            if (c.step == Step.TALKING && calls.contains(c) && step(c, now)) {
                calls.remove(c);
                release(c);
            }
        }
        for (AnsweringLine a : answering) {
            try {
                answerIncoming(a, now);
            } catch (RuntimeException e) {
                System.getLogger(ScriptedSubscribers.class.getName()).log(System.Logger.Level.WARNING,
                        () -> "answering line " + a.line + ": " + e);
            }
        }
        ticker = scheduler.schedule(this::tick, TICK);
    }

    /** A controller's request touched line {@code id} of a gateway: move its call on, after the reply is sent. */
    private void touched(Map<String, Call> lines, String id) {
        Call c = lines.get(id);
        if (c == null || c.stepQueued) return;
        c.stepQueued = true;
        c.stepQueuedAt = scheduler.nanoTime();
        scheduler.execute(() -> {
            c.stepQueued = false;
            stepWait.record(scheduler.nanoTime() - c.stepQueuedAt);
            if (calls.contains(c) && step(c, scheduler.nanoTime())) {
                calls.remove(c);
                release(c);
            }
        });
    }

    /** Advances a call; true when it is over. */
    private boolean step(Call c, long now) {
        try {
            return advance(c, now);
        } catch (RuntimeException e) {
            fail(c, "error: " + e.getMessage(), now);
            return false;
        }
    }

    private void release(Call c) {
        inUse.remove(c.caller);
        byLine.get(c.caller.gw).remove(c.caller.id, c);
        free.add(c.caller);
        if (c.callee != null) {
            inUse.remove(c.callee);
            byLine.get(c.callee.gw).remove(c.callee.id, c);
            free.add(c.callee);
        } else {
            freeExternal.add(c.external);
        }
    }

    /** An answering line: answer a ringing after a short ring, on-hook once the controller released the call. */
    private void answerIncoming(AnsweringLine a, long now) {
        Line l = a.line;
        if (!a.answered) {
            if (!hears(l, "al/ri")) {
                a.ringingSince = -1; // not ringing, or the caller gave up
            } else if (a.ringingSince < 0) {
                a.ringingSince = now;
            } else if (now - a.ringingSince >= ANSWER_AFTER.toNanos()) {
                l.core.answer(l.id);
                a.answered = true;
                a.answeredAt = now;
                a.sawContext = false;
            }
        } else if (l.core.contextOf(l.id) != null) {
            a.sawContext = true;
        } else if (a.sawContext || now - a.answeredAt > STEP_LIMIT.toNanos()) {
            l.core.onHook(l.id);
            a.answered = false;
            a.ringingSince = -1;
        }
    }

    /** Completed calls to external numbers (phones), a part of {@link Summary#completed}. */
    public long completedToExternal() { return onThread(() -> completedExternal); }

    /** Answering lines ringing or in a call: calls from outside still in progress. */
    public int answeringBusy() {
        return onThread(() -> (int) answering.stream().filter(a -> a.answered || a.ringingSince >= 0).count());
    }

    private void place(long now) {
        // random picks among the lines not in a call of ours, each checked idle at the gateway: a few tries, as
        // scanning every line per arrival would cost as much as the calls themselves with thousands of lines
        Line caller = pickIdle(null);
        if (caller == null) return; // (almost) every line busy: this arrival is lost, not a failed call
        String external = null;
        Line callee = null;
        if (!freeExternal.isEmpty() && random.nextInt(3) == 0) {
            external = freeExternal.remove(random.nextInt(freeExternal.size()));
        } else {
            callee = pickIdle(caller);
            if (callee == null) return;
        }
        inUse.add(caller);
        free.remove(caller);
        if (callee != null) {
            inUse.add(callee);
            free.remove(callee);
        }
        stats.attempted++;
        Call c = new Call(caller, callee, external, now);
        calls.add(c);
        byLine.get(caller.gw).put(caller.id, c);
        if (callee != null) byLine.get(callee.gw).put(callee.id, c);
        caller.core.offHook(caller.id);
        // queued behind the flush of this turn's messages (the Notify among them): runs once it has left
        scheduler.execute(() -> offHookSent.record(scheduler.nanoTime() - now));
    }

    private Line pickIdle(Line not) {
        for (int i = 0; i < 16 && !free.isEmpty(); i++) {
            Line l = free.get(random.nextInt(free.size()));
            if (l != not && idle(l)) return l;
        }
        return null;
    }

    /** Idle as the gateway sees it: no context, nothing playing, armed for off-hook, on-hook. */
    private static boolean idle(Line l) {
        return l.core.registered() && l.core.contextOf(l.id) == null && l.core.silent(l.id)
                && l.core.armedFor(l.id, "al/of") && !l.core.isOffHook(l.id);
    }

    private static boolean hears(Line l, String signal) { return l.core.hears(l.id, signal); }

    /** Moves a call on; true when it is over (completed, or failed and its lines recovered). */
    private boolean advance(Call c, long now) {
        if (ledger != null && c.step != Step.TALKING && c.step != Step.RECOVERING
                && ledger.windows().withoutControllerNow(c.endpoints(), scheduler.wallMillis())) {
            // the step waits on a controller that one of its lines does not have (failing over): its time limit
            // runs from when that line has one again, so that a call up at the kill is judged by what the next
            // controller does, not by how long the failover took
            c.stepSince = now;
        }
        boolean late = now - c.stepSince > STEP_LIMIT.toNanos();
        switch (c.step) {
            case WAIT_DIAL_TONE -> {
                if (hears(c.caller, "cg/dt")) {
                    c.caller.core.dial(c.caller.id, c.callee != null ? c.callee.number : c.external);
                    c.next(Step.WAIT_RINGING, now);
                } else if (late) fail(c, "no dial tone", now);
            }
            case WAIT_RINGING -> {
                if (c.callee == null) {
                    // the far end rings and answers by itself: ring-back here is the setup
                    if (hears(c.caller, "cg/rt")) {
                        stats.setup(now - c.start, c.start);
                        c.upSinceMillis = scheduler.wallMillis();
                        c.next(Step.WAIT_TALK_PATH, now);
                    } else if (late) fail(c, "no ring-back from " + c.external, now);
                } else if (hears(c.callee, "al/ri") && hears(c.caller, "cg/rt")) {
                    stats.setup(now - c.start, c.start); // off-hook to ring-back
                    c.upSinceMillis = scheduler.wallMillis();
                    c.callee.core.answer(c.callee.id);
                    c.next(Step.WAIT_TALK_PATH, now);
                } else if (late) fail(c, "no ringing", now);
            }
            case WAIT_TALK_PATH -> {
                if (c.caller.core.talkPathUp(c.caller.id) && (c.callee == null || c.callee.core.talkPathUp(c.callee.id))) {
                    c.talkPathUp = true;
                    stats.talkPathOk++;
                    c.hangUpAt = now + hold.toNanos();
                    c.next(Step.TALKING, now);
                } else if (late) fail(c, "no talk path", now);
            }
            case TALKING -> {
                if (now >= c.hangUpAt) {
                    c.talkPathUp = false;
                    c.caller.core.onHook(c.caller.id);
                    c.next(Step.WAIT_RELEASE, now);
                }
            }
            case WAIT_RELEASE -> {
                if (c.callee == null) {
                    c.next(Step.WAIT_IDLE, now); // our on-hook ends it (BYE to the far end); the caller going idle shows it
                } else if (c.callee.core.contextOf(c.callee.id) == null) {
                    c.callee.core.onHook(c.callee.id);
                    c.next(Step.WAIT_IDLE, now);
                } else if (late) fail(c, "not released", now);
            }
            case WAIT_IDLE -> {
                if (idle(c.caller) && (c.callee == null || idle(c.callee))) {
                    stats.completed++;
                    if (c.callee == null) completedExternal++;
                    if (ledger != null) ledger.completed(c.upSinceMillis, scheduler.wallMillis());
                    return true;
                } else if (late) fail(c, "lines not idle after the call", now);
            }
            case RECOVERING -> {
                // a failed call: both handsets down; the lines go back into use once idle (or after a while)
                return (idle(c.caller) && (c.callee == null || idle(c.callee))) || now - c.stepSince > STEP_LIMIT.toNanos();
            }
        }
        return false;
    }

    private void fail(Call c, String reason, long now) {
        stats.fail(reason);
        if (ledger != null) ledger.failed(reason, c.attemptedMillis, c.upSinceMillis, scheduler.wallMillis(), c.endpoints());
        // the first failures are logged with what each side heard; after that they are only counted: when a run
        // overloads the machine, a log line per failed call (formatted, written to stderr on the event loop) took
        // CPU from the calls still going and deepened the collapse
        if (++failuresLogged <= MAX_FAILURES_LOGGED) {
            System.Logger log = System.getLogger(ScriptedSubscribers.class.getName());
            log.log(System.Logger.Level.WARNING, () -> "call " + c.caller + " -> "
                    + (c.callee != null ? c.callee.number : c.external) + " failed: " + reason
                    + " (caller hears " + c.caller.core.signals(c.caller.id)
                    + (c.callee != null ? ", callee hears " + c.callee.core.signals(c.callee.id) : "") + "; placed at "
                    + java.time.Instant.ofEpochMilli(c.attemptedMillis) + (c.upSinceMillis < 0 ? ", never rang" : ", rang at "
                    + java.time.Instant.ofEpochMilli(c.upSinceMillis)) + ")"
                    + (failuresLogged == MAX_FAILURES_LOGGED ? "; further failures are counted, not logged" : ""));
        }
        c.talkPathUp = false;
        c.caller.core.onHook(c.caller.id);
        if (c.callee != null) c.callee.core.onHook(c.callee.id);
        c.next(Step.RECOVERING, now);
    }

    /** A set with O(1) add, remove and random pick by index. */
    private static final class IndexedSet<T> {
        private final List<T> items = new ArrayList<>();
        private final java.util.Map<T, Integer> index = new java.util.HashMap<>();

        void add(T t) {
            if (index.putIfAbsent(t, items.size()) == null) items.add(t);
        }

        void remove(T t) {
            Integer i = index.remove(t);
            if (i == null) return;
            T last = items.remove(items.size() - 1);
            if (i < items.size()) {
                items.set(i, last);
                index.put(last, i);
            }
        }

        T get(int i) { return items.get(i); }

        int size() { return items.size(); }

        boolean isEmpty() { return items.isEmpty(); }
    }
}
