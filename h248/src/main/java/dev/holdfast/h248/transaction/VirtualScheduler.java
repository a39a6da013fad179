package dev.holdfast.h248.transaction;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} in virtual time for tests and simulation: nothing runs until the owner calls
 * {@link #runReady()} or {@link #advance(Duration)}. Not thread-safe: drive it from one thread.
 * Tasks due at the same instant run in the order they were scheduled.
 */
public final class VirtualScheduler implements Scheduler {
    private final PriorityQueue<Entry> timers = new PriorityQueue<>();
    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private long now;
    private long seq;

    private static final class Entry implements Comparable<Entry>, Timer {
        final long due;
        final long seq;
        final Runnable task;
        boolean cancelled;

        Entry(long due, long seq, Runnable task) { this.due = due; this.seq = seq; this.task = task; }

        @Override public int compareTo(Entry o) {
            return due != o.due ? Long.compare(due, o.due) : Long.compare(seq, o.seq);
        }

        @Override public void cancel() { cancelled = true; }
    }

    @Override public long nanoTime() { return now; }

    @Override public Timer schedule(Runnable task, Duration delay) {
        Entry e = new Entry(now + Math.max(0, delay.toNanos()), seq++, task);
        timers.add(e);
        return e;
    }

    @Override public void execute(Runnable task) { ready.add(task); }

    @Override public boolean inSchedulerThread() { return true; }

    /** Runs every task that is ready now, including those they make ready. */
    public void runReady() {
        for (;;) {
            Runnable r = ready.poll();
            if (r != null) { r.run(); continue; }
            Entry e = timers.peek();
            if (e != null && (e.cancelled || e.due <= now)) {
                timers.poll();
                if (!e.cancelled) e.task.run();
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
            Entry e = timers.peek();
            if (e == null || e.due > end) break;
            timers.poll();
            if (e.cancelled) continue;
            now = Math.max(now, e.due);
            e.task.run();
            runReady();
        }
        now = end;
        runReady();
    }

    /** Timers not yet run nor cancelled. */
    public int activeTimers() {
        int n = 0;
        for (Entry e : timers) if (!e.cancelled) n++;
        return n;
    }

    public Duration elapsed() { return Duration.ofNanos(now); }
}
