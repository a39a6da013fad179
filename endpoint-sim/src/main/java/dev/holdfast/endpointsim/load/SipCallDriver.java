package dev.holdfast.endpointsim.load;

import dev.holdfast.endpointsim.phone.Call;
import dev.holdfast.endpointsim.phone.CallState;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.sim.load.FailoverLedger;
import dev.holdfast.sim.time.SimScheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Places calls between simulated phones at {@code cps} calls per second: a random idle phone calls a random idle
 * phone's number through the controller (or, with {@code callTo}, always that number, for a callee that is not
 * simulated, such as SIPp's uas). The callee answers by itself; when the caller's talk path is up the call lasts
 * {@code hold}, then the caller hangs up, and the call is complete once both ends are idle. A step that does not
 * happen in time fails the call with that step as the reason; a call that ends early fails with its end reason
 * (the final status, "timeout", "remote-hangup"). Runs on the phones' scheduler thread.
 * <p>
 * With gateway lines (issue 4): {@code lineNumbers} are numbers outside the phones (analog lines answered by
 * another load generator) that get about one call in three while one is free, one call at a time each; such a
 * call is counted here and its talk path checked by the calling phone. {@code answering} phones take no part in
 * our calls: they answer calls from outside by themselves; {@link Summary#answeringBusy} says how many are in one.
 */
public final class SipCallDriver {
    static final Duration STEP_LIMIT = Duration.ofSeconds(5);
    private static final System.Logger LOG = System.getLogger(SipCallDriver.class.getName());
    private static final int MAX_FAILURES_LOGGED = 20;
    private int failuresLogged;
    static final Duration ANSWER_LIMIT = Duration.ofSeconds(10);
    private static final Duration TICK = Duration.ofMillis(5);

    private enum Step { SETUP, WAIT_TALK_PATH, TALKING, WAIT_END }

    private static final class LoadCall {
        final Phone caller;
        /** Null for a call to a line number (or to {@code callTo}). */
        final Phone callee;
        final String lineNumber;
        final Call call;
        Step step = Step.SETUP;
        long stepSince;
        /** When it was placed, and when it first rang (180 or answer; -1 before): wall clock, epoch ms. */
        final long attemptedMillis;
        long upSinceMillis = -1;
        /** The callee's calls that had not ended when this one was placed: not this call's (see {@link #calleeIdle}). */
        final List<Call> calleeEarlier;

        LoadCall(Phone caller, Phone callee, String lineNumber, Call call, long now, long nowMillis) {
            this.caller = caller;
            this.callee = callee;
            this.calleeEarlier = callee == null ? List.of()
                    : callee.calls().stream().filter(c -> c.state() != CallState.ENDED).toList();
            this.lineNumber = lineNumber;
            this.call = call;
            this.stepSince = now;
            this.attemptedMillis = nowMillis;
        }

        List<String> endpoints() {
            return List.of(caller.user(), callee != null ? callee.user() : lineNumber != null ? lineNumber : String.valueOf(call.remoteUser()));
        }

        void next(Step s, long now) {
            step = s;
            stepSince = now;
        }
    }

    /** A snapshot; latencies in milliseconds. */
    public record Summary(long attempted, long completed, long failed, Map<String, Long> failedByReason, long skipped,
                          int active, long talkPathOk, int talkPathsUp, double ringP50, double ringP99, double ringMax,
                          double answerP50, double answerP99, double answerMax, int answeringBusy, long completedToLines) {}

    private final SimScheduler scheduler;
    private final List<Phone> free;
    private final List<LoadCall> calls = new ArrayList<>();
    private final String callTo;
    private final List<String> freeLines;
    private final List<Phone> answering;
    private final double cps;
    private final Duration hold;
    private final Random random;
    private final Map<String, Long> failedByReason = new TreeMap<>();
    /** When the answering phones' calls were first seen, and seen connected (epoch ms): for a report of stuck ones. */
    private final Map<Call, Long> answeringSeen = new java.util.IdentityHashMap<>();
    private final Map<Call, Long> answeringConnected = new java.util.IdentityHashMap<>();
    private final List<Long> ringNanos = new ArrayList<>();
    private final List<Long> answerNanos = new ArrayList<>();
    private long attempted;
    private long completed;
    private long completedToLines;
    private long skipped;
    private long talkPathOk;
    private boolean placing;
    private boolean running;
    /** Failed and completed calls as a failover drill sees them (null: no drill accounting). */
    private final FailoverLedger ledger;
    private double owed;
    private long last;

    public SipCallDriver(SimScheduler scheduler, List<Phone> phones, String callTo, double cps, Duration hold, long seed) {
        this(scheduler, phones, callTo, cps, hold, seed, List.of(), List.of(), null);
    }

    public SipCallDriver(SimScheduler scheduler, List<Phone> phones, String callTo, double cps, Duration hold, long seed,
                         List<String> lineNumbers, List<Phone> answering, FailoverLedger ledger) {
        this.scheduler = scheduler;
        this.ledger = ledger;
        this.freeLines = new ArrayList<>(lineNumbers);
        this.answering = List.copyOf(answering);
        this.free = new ArrayList<>(phones);
        this.callTo = callTo;
        this.cps = cps;
        this.hold = hold;
        this.random = new Random(seed);
    }

    public void start() {
        scheduler.run(() -> {
            placing = true;
            running = true;
            last = scheduler.nanoTime();
            scheduler.schedule(this::tick, TICK);
        });
    }

    /** No new calls; the ones in progress go on. */
    public void stopPlacing() { scheduler.run(() -> placing = false); }

    /**
     * Stops. A call still in progress fails as "unfinished": nothing more happens to it here, and a step that waits
     * while an end of its call is failing over has no time limit of its own (a phone that never came back would
     * otherwise leave its call uncounted).
     */
    public void stop() {
        scheduler.run(() -> {
            running = false;
            for (LoadCall lc : new ArrayList<>(calls)) fail(lc, "unfinished");
        });
    }

    private void tick() {
        if (!running) return;
        long now = scheduler.nanoTime();
        if (placing) {
            owed += (now - last) * cps / 1e9;
            while (owed >= 1) {
                owed -= 1;
                place(now);
            }
        }
        last = now;
        for (LoadCall lc : new ArrayList<>(calls)) advance(lc, now);
        for (Phone p : answering) {
            p.forgetEndedCalls();
            for (Call c : p.calls()) {
                if (c.state() == CallState.ENDED) continue;
                answeringSeen.putIfAbsent(c, scheduler.wallMillis());
                if (c.state() == CallState.CONNECTED) answeringConnected.putIfAbsent(c, scheduler.wallMillis());
            }
        }
        if (answeringSeen.size() > 1000) { // keep what a report of calls still up needs, not every call ever
            answeringSeen.keySet().removeIf(c -> c.state() == CallState.ENDED);
            answeringConnected.keySet().removeIf(c -> c.state() == CallState.ENDED);
        }
        scheduler.schedule(this::tick, TICK);
    }

    private void place(long now) {
        boolean toLine = callTo == null && !free.isEmpty() && !freeLines.isEmpty()
                && (free.size() < 2 || random.nextInt(3) == 0);
        if (!toLine && free.size() < (callTo == null ? 2 : 1)) {
            skipped++; // every phone is busy: the offered load is more than the phones can carry
            return;
        }
        Phone caller = take();
        String line = toLine ? freeLines.remove(random.nextInt(freeLines.size())) : null;
        Phone callee = callTo == null && !toLine ? take() : null;
        Call c = caller.call(callTo != null ? callTo : toLine ? line : callee.user());
        attempted++;
        calls.add(new LoadCall(caller, callee, line, c, now, scheduler.wallMillis()));
    }

    private Phone take() {
        int i = random.nextInt(free.size());
        Phone p = free.get(i);
        free.set(i, free.get(free.size() - 1));
        free.remove(free.size() - 1);
        return p;
    }

    private void advance(LoadCall lc, long now) {
        CallState s = lc.call.state();
        long inStep = now - lc.stepSince;
        if (lc.upSinceMillis < 0 && (s == CallState.RINGBACK || s == CallState.CONNECTED)) lc.upSinceMillis = scheduler.wallMillis();
        // a step waits on the controller before the talk path (unless the call ended: it failed) and for the release
        // (the caller's own call ends at once when it hangs up; the callee's release comes through the controller)
        boolean waitsOnController = lc.step == Step.WAIT_END || lc.step != Step.TALKING && s != CallState.ENDED;
        if (ledger != null && waitsOnController
                && ledger.windows().withoutControllerNow(lc.endpoints(), scheduler.wallMillis())) {
            // waiting on a controller one of its ends does not have (failing over): the step's time limit runs from
            // when it has one again (a call up at the kill is judged by the next controller, not by the failover).
            // A caller that hung up during its failover holds its BYE back until the next controller has fetched
            // its dialogs: the release cannot come before that, however long the failover takes
            lc.stepSince = now;
            inStep = 0;
        }
        switch (lc.step) {
            case SETUP -> {
                if (s == CallState.CONNECTED) {
                    if (lc.call.inviteToRingNanos() >= 0) ringNanos.add(lc.call.inviteToRingNanos());
                    answerNanos.add(lc.call.inviteToAnswerNanos());
                    lc.next(Step.WAIT_TALK_PATH, now);
                } else if (s == CallState.ENDED) {
                    fail(lc, lc.call.endReason());
                } else if (inStep > ANSWER_LIMIT.toNanos()) {
                    lc.caller.hangUp(lc.call);
                    fail(lc, s == CallState.RINGBACK ? "no-answer" : "no-ring");
                }
            }
            case WAIT_TALK_PATH -> {
                if (s == CallState.ENDED) {
                    fail(lc, "dropped-" + lc.call.endReason());
                } else if (lc.call.talkPathUp()) {
                    talkPathOk++;
                    lc.next(Step.TALKING, now);
                } else if (inStep > STEP_LIMIT.toNanos()) {
                    lc.caller.hangUp(lc.call);
                    fail(lc, "no-talk-path");
                }
            }
            case TALKING -> {
                if (s == CallState.ENDED) {
                    fail(lc, "dropped-" + lc.call.endReason());
                } else if (inStep >= hold.toNanos()) {
                    lc.caller.hangUp(lc.call);
                    lc.next(Step.WAIT_END, now);
                }
            }
            case WAIT_END -> {
                if (s == CallState.ENDED && calleeIdle(lc)) {
                    completed++;
                    if (lc.lineNumber != null) completedToLines++;
                    if (ledger != null) ledger.completed(lc.upSinceMillis, scheduler.wallMillis());
                    release(lc);
                } else if (inStep > STEP_LIMIT.toNanos()) {
                    String stuck = s != CallState.ENDED ? "caller's " + lc.call : "callee's " + calleeCalls(lc)
                            + " (the caller's BYE got " + lc.call.byeStatus() + ", its BYEs held back in failovers so far: "
                            + lc.caller.byesDeferred() + ")";
                    fail(lc, "no-release", "; not ended: " + stuck);
                    // as a person would: hang up what is still up, so that the phones' next calls start clean
                    if (s != CallState.ENDED) lc.caller.hangUp(lc.call);
                    if (lc.callee != null) for (Call c : calleeCalls(lc)) lc.callee.hangUp(c);
                }
            }
        }
    }

    /**
     * The callee has no call of ours up any more. Its calls that were up before ours was placed are not ours: a
     * call of an earlier failure that never ended there would otherwise fail every later call to that phone too.
     */
    private static boolean calleeIdle(LoadCall lc) { return calleeCalls(lc).isEmpty(); }

    /** The callee's calls that have not ended, but for those it had before ours was placed. */
    private static List<Call> calleeCalls(LoadCall lc) {
        if (lc.callee == null) return List.of();
        return lc.callee.calls().stream()
                .filter(c -> c.state() != CallState.ENDED && !lc.calleeEarlier.contains(c)).toList();
    }

    private void fail(LoadCall lc, String reason) { fail(lc, reason, ""); }

    private void fail(LoadCall lc, String reason, String detail) {
        String why = reason.isEmpty() ? "unknown" : reason;
        failedByReason.merge(why, 1L, Long::sum);
        if (ledger != null) ledger.failed(why, lc.attemptedMillis, lc.upSinceMillis, scheduler.wallMillis(), lc.endpoints());
        if (++failuresLogged <= MAX_FAILURES_LOGGED) {
            // with what the caller's call saw: enough to tell a failover's casualty from a fault
            LOG.log(System.Logger.Level.WARNING, () -> "call " + lc.caller.user() + " -> " + lc.endpoints().get(1)
                    + " failed: " + why + " (in step " + lc.step.name().toLowerCase().replace('_', ' ') + ", call "
                    + lc.call.state() + ", placed at " + java.time.Instant.ofEpochMilli(lc.attemptedMillis)
                    + (lc.upSinceMillis < 0 ? ", never rang" : ", rang at " + java.time.Instant.ofEpochMilli(lc.upSinceMillis))
                    + ", caller registered " + lc.caller.registered() + " with " + lc.caller.controller() + detail + ")"
                    + (failuresLogged == MAX_FAILURES_LOGGED ? "; further failures are counted, not logged" : ""));
        }
        release(lc);
    }

    private void release(LoadCall lc) {
        calls.remove(lc);
        lc.caller.forgetEndedCalls();
        free.add(lc.caller);
        if (lc.lineNumber != null) freeLines.add(lc.lineNumber);
        if (lc.callee != null) {
            lc.callee.forgetEndedCalls();
            free.add(lc.callee);
        }
    }

    /** The answering phones' calls not ended, as "USER: CALL" (waits for the scheduler thread). */
    public List<String> answeringCallsUp() {
        CompletableFuture<List<String>> f = new CompletableFuture<>();
        scheduler.run(() -> {
            List<String> out = new ArrayList<>();
            for (Phone p : answering) {
                for (Call c : p.calls()) {
                    if (c.state() == CallState.ENDED) continue;
                    Long seen = answeringSeen.get(c);
                    Long connected = answeringConnected.get(c);
                    out.add(p.user() + ": " + c + ", ringing since " + (seen == null ? "?" : java.time.Instant.ofEpochMilli(seen))
                            + ", connected since " + (connected == null ? "?" : java.time.Instant.ofEpochMilli(connected))
                            + ", remote target " + c.remoteTarget());
                }
            }
            f.complete(out);
        });
        return f.join();
    }

    /** A snapshot, taken on the scheduler thread (waits for it). */
    public Summary summary() {
        CompletableFuture<Summary> f = new CompletableFuture<>();
        scheduler.run(() -> f.complete(snapshot()));
        return f.join();
    }

    private Summary snapshot() {
        long failed = failedByReason.values().stream().mapToLong(Long::longValue).sum();
        int up = 0;
        for (LoadCall lc : calls) if (lc.call.talkPathUp()) up++;
        return new Summary(attempted, completed, failed, new TreeMap<>(failedByReason), skipped, calls.size(), talkPathOk, up,
                millis(ringNanos, 50), millis(ringNanos, 99), millis(ringNanos, 100),
                millis(answerNanos, 50), millis(answerNanos, 99), millis(answerNanos, 100),
                (int) answering.stream().filter(p -> p.calls().stream().anyMatch(c -> c.state() != CallState.ENDED)).count(),
                completedToLines);
    }

    /** Percentile in milliseconds (nearest rank), 0 with no sample. */
    static double millis(List<Long> samples, double percentile) {
        if (samples.isEmpty()) return 0;
        long[] s = samples.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(s);
        int rank = (int) Math.ceil(percentile / 100.0 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))] / 1e6;
    }
}
