package dev.holdfast.sim.time;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.PriorityQueue;

/**
 * A {@link SimScheduler} in virtual time: nothing runs until the owner calls {@link #runReady()} or
 * {@link #advance(Duration)}. Drive it from one thread; every task runs on that thread. Tasks due at the same
 * instant run in the order they were scheduled, so a run is reproducible.
 */
public final class VirtualSimScheduler implements SimScheduler {
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private final long epochMillis;
    private long now;
    private long sequence;

    /** Virtual time starting at 2024-01-01T00:00:00Z on the wall clock. */
    public VirtualSimScheduler() {
        this(Instant.parse("2024-01-01T00:00:00Z"));
    }

    public VirtualSimScheduler(Instant wallClockAtStart) {
        this.epochMillis = wallClockAtStart.toEpochMilli();
    }

    private static final class Timer implements Comparable<Timer>, Cancellable {
        final long due;
        final long seq;
        final Runnable task;
        boolean cancelled;

        Timer(long due, long seq, Runnable task) {
            this.due = due;
            this.seq = seq;
            this.task = task;
        }

        @Override public int compareTo(Timer o) {
            return due != o.due ? Long.compare(due, o.due) : Long.compare(seq, o.seq);
        }

        @Override public void cancel() { cancelled = true; }
    }

    @Override public long nanoTime() { return now; }

    @Override public long wallMillis() { return epochMillis + now / 1_000_000; }

    @Override public Cancellable schedule(Runnable task, Duration delay) {
        Timer t = new Timer(now + Math.max(0, delay.toNanos()), sequence++, task);
        timers.add(t);
        return t;
    }

    @Override public void execute(Runnable task) { ready.add(task); }

    @Override public boolean inSchedulerThread() { return true; }

    /** Runs every task that is ready now, including the ones they make ready. */
    public void runReady() {
        for (;;) {
            Runnable r = ready.poll();
            if (r != null) {
                r.run();
                continue;
            }
            Timer t = timers.peek();
            if (t != null && (t.cancelled || t.due <= now)) {
                timers.poll();
                if (!t.cancelled) t.task.run();
                continue;
            }
            return;
        }
    }

    /** Moves time forward by {@code d}, running every task that falls due on the way, in time order. */
    public void advance(Duration d) {
        long end = now + d.toNanos();
        runReady();
        for (;;) {
            Timer t = timers.peek();
            if (t == null || t.due > end) break;
            timers.poll();
            if (t.cancelled) continue;
            now = Math.max(now, t.due);
            t.task.run();
            runReady();
        }
        now = end;
        runReady();
    }

    /**
     * Moves time forward by {@code d} running nothing: the process stalled (a busy loop, a pause). Timers that fell due
     * meanwhile run late, in due order, at the next {@link #runReady} or {@link #advance}.
     */
    public void stall(Duration d) {
        now += d.toNanos();
    }

    /** Timers neither run nor cancelled. */
    public int pendingTimers() {
        int n = 0;
        for (Timer t : timers) if (!t.cancelled) n++;
        return n;
    }

    public Duration elapsed() { return Duration.ofNanos(now); }
}
