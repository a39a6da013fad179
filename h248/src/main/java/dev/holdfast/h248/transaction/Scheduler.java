package dev.holdfast.h248.transaction;

import java.time.Duration;

/**
 * Time and the one thread the transaction layer runs on. The transaction state machine reads time and sets
 * timers only through this interface, so that it runs the same on a Netty event loop
 * ({@link EventExecutorScheduler}) and under a simulator or a test in virtual time ({@link VirtualScheduler}).
 */
public interface Scheduler {
    /** Monotonic time in nanoseconds, for measurements only (any origin). */
    long nanoTime();

    /** Runs {@code task} once after {@code delay}, on the scheduler's thread. */
    Timer schedule(Runnable task, Duration delay);

    /** Runs {@code task} soon on the scheduler's thread (never inline). */
    void execute(Runnable task);

    /** True when the caller is on the scheduler's thread. */
    boolean inSchedulerThread();

    /** A scheduled task that can be cancelled; cancelling a task that ran or was cancelled does nothing. */
    interface Timer {
        void cancel();
    }
}
