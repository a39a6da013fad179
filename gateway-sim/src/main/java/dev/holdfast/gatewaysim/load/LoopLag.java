package dev.holdfast.gatewaysim.load;

import dev.holdfast.sim.time.SimScheduler;

import java.time.Duration;

/**
 * How late the load generator's own event loop runs a 10 ms timer: the largest lateness since a mark, and every
 * lateness in a histogram. The RTP probes send and receive on that loop: when it stalls, gaps show that are the
 * simulator's, not the network's or the controller's; a drill reports both so that they can be told apart. A
 * datagram that becomes readable waits for the loop as this timer does (Netty looks at I/O and due timers in the
 * same turn), so the lateness is also how long the controller's messages wait before the gateways read them.
 */
final class LoopLag {
    private static final Duration PERIOD = Duration.ofMillis(10);
    private final SimScheduler scheduler;
    private long due;
    private volatile long maxLateNanos;
    private volatile boolean stopped;
    private final dev.holdfast.h248.transport.LatencyHistogram lateness = new dev.holdfast.h248.transport.LatencyHistogram();

    LoopLag(SimScheduler scheduler) {
        this.scheduler = scheduler;
        scheduler.run(() -> {
            due = scheduler.nanoTime() + PERIOD.toNanos();
            scheduler.schedule(this::tick, PERIOD);
        });
    }

    private void tick() {
        if (stopped) return;
        long now = scheduler.nanoTime();
        long late = now - due;
        if (late > maxLateNanos) maxLateNanos = late;
        lateness.record(late);
        due = now + PERIOD.toNanos();
        scheduler.schedule(this::tick, PERIOD);
    }

    void mark() { maxLateNanos = 0; }

    double maxLateMillis() { return maxLateNanos / 1e6; }

    void stop() { stopped = true; }

    /** Every tick's lateness so far. */
    dev.holdfast.h248.transport.LatencyHistogram lateness() { return lateness; }
}
