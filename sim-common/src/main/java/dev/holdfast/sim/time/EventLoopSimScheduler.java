package dev.holdfast.sim.time;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** {@link SimScheduler} over one Netty event executor: real time, one thread. */
public final class EventLoopSimScheduler implements SimScheduler {
    private final EventExecutor executor;

    public EventLoopSimScheduler(EventExecutor executor) {
        this.executor = executor;
    }

    @Override public long nanoTime() { return System.nanoTime(); }

    @Override public long wallMillis() { return System.currentTimeMillis(); }

    @Override public Cancellable schedule(Runnable task, Duration delay) {
        ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override public void execute(Runnable task) { executor.execute(task); }

    @Override public boolean inSchedulerThread() { return executor.inEventLoop(); }

    public EventExecutor executor() { return executor; }
}
