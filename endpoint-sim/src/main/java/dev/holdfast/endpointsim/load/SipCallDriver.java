package dev.holdfast.endpointsim.load;

import dev.holdfast.endpointsim.phone.Call;
import dev.holdfast.endpointsim.phone.CallState;
import dev.holdfast.endpointsim.phone.Phone;
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

        LoadCall(Phone caller, Phone callee, String lineNumber, Call call, long now) {
            this.caller = caller;
            this.callee = callee;
            this.lineNumber = lineNumber;
            this.call = call;
            this.stepSince = now;
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
    private final List<Long> ringNanos = new ArrayList<>();
    private final List<Long> answerNanos = new ArrayList<>();
    private long attempted;
    private long completed;
    private long completedToLines;
    private long skipped;
    private long talkPathOk;
    private boolean placing;
    private boolean running;
    private double owed;
    private long last;

    public SipCallDriver(SimScheduler scheduler, List<Phone> phones, String callTo, double cps, Duration hold, long seed) {
        this(scheduler, phones, callTo, cps, hold, seed, List.of(), List.of());
    }

    public SipCallDriver(SimScheduler scheduler, List<Phone> phones, String callTo, double cps, Duration hold, long seed,
                         List<String> lineNumbers, List<Phone> answering) {
        this.scheduler = scheduler;
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

    public void stop() { scheduler.run(() -> running = false); }

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
        for (Phone p : answering) p.forgetEndedCalls();
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
        calls.add(new LoadCall(caller, callee, line, c, now));
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
                boolean calleeIdle = lc.callee == null
                        || lc.callee.calls().stream().allMatch(c -> c.state() == CallState.ENDED);
                if (s == CallState.ENDED && calleeIdle) {
                    completed++;
                    if (lc.lineNumber != null) completedToLines++;
                    release(lc);
                } else if (inStep > STEP_LIMIT.toNanos()) {
                    fail(lc, "no-release");
                }
            }
        }
    }

    private void fail(LoadCall lc, String reason) {
        failedByReason.merge(reason.isEmpty() ? "unknown" : reason, 1L, Long::sum);
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
