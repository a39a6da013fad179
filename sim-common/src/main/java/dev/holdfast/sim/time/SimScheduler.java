package dev.holdfast.sim.time;

import java.time.Duration;

/**
 * The one thread a simulated entity's logic runs on, and its only source of time. Logic written against this
 * interface runs the same on a Netty event loop ({@link EventLoopSimScheduler}) and in virtual time
 * ({@link VirtualSimScheduler}), where a test or a whole-system simulation decides when time moves.
 */
public interface SimScheduler {
    /** Monotonic time in nanoseconds (any origin): for timers and measurements. */
    long nanoTime();

    /** Wall-clock time in milliseconds since the epoch: for time stamps written into messages. */
    long wallMillis();

    /** Runs {@code task} once after {@code delay} on the scheduler's thread. */
    Cancellable schedule(Runnable task, Duration delay);

    /** Runs {@code task} soon on the scheduler's thread, never inline. */
    void execute(Runnable task);

    /** True when the caller is on the scheduler's thread. */
    boolean inSchedulerThread();

    /** Runs {@code task} now when on the scheduler's thread, else hands it over. */
    default void run(Runnable task) {
        if (inSchedulerThread()) task.run();
        else execute(task);
    }

    /** A scheduled task; cancelling one that ran or was cancelled does nothing. */
    interface Cancellable {
        void cancel();
    }
}
