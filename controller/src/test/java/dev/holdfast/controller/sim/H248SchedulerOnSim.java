package dev.holdfast.controller.sim;

import dev.holdfast.h248.transaction.Scheduler;
import dev.holdfast.sim.time.SimScheduler;

import java.time.Duration;

/** The h248 transaction layer's scheduler on the simulation's one virtual clock. */
final class H248SchedulerOnSim implements Scheduler {
    private final SimScheduler sim;

    H248SchedulerOnSim(SimScheduler sim) { this.sim = sim; }

    @Override public long nanoTime() { return sim.nanoTime(); }

    @Override public Timer schedule(Runnable task, Duration delay) {
        SimScheduler.Cancellable c = sim.schedule(task, delay);
        return c::cancel;
    }

    @Override public void execute(Runnable task) { sim.execute(task); }

    @Override public boolean inSchedulerThread() { return sim.inSchedulerThread(); }
}
