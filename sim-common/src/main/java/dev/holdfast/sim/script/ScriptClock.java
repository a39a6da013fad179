package dev.holdfast.sim.script;

import java.time.Duration;

/** How a {@link ScriptRunner} lets time pass: really ({@link #REAL}) or by advancing a virtual clock. */
public interface ScriptClock {
    /** Lets {@code d} pass; in virtual time, runs what falls due meanwhile. */
    void pass(Duration d) throws InterruptedException;

    ScriptClock REAL = d -> Thread.sleep(Math.max(0, d.toMillis()), (int) (d.toNanos() % 1_000_000));
}
