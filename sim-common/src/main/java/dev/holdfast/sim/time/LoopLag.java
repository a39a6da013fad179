package dev.holdfast.sim.time;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * How late a simulator's own event loop runs a 10 ms timer: the largest lateness since a mark and since the start,
 * and the stalls longer than a threshold (counted, each logged at WARNING). The RTP probes, the phones' timers and
 * the gateways' timers all run on such loops: when one stalls, gaps and timeouts show that are the simulator's, not
 * the network's or the controller's; a drill reports both so that they can be told apart.
 */
public final class LoopLag {
    private static final System.Logger LOG = System.getLogger(LoopLag.class.getName());
    private static final Duration PERIOD = Duration.ofMillis(10);
    /** A stall this long is logged: a quarter of a second is already visible in RTP gaps and keepalive round trips. */
    public static final Duration DEFAULT_STALL = Duration.ofMillis(250);

    private final SimScheduler scheduler;
    private final String name;
    private final long stallNanos;
    private long due;
    private volatile long maxLateNanos;
    private volatile long maxLateEverNanos;
    private final LongAdder stalls = new LongAdder();
    private volatile boolean stopped;
    /** Gets every tick's lateness in nanoseconds, on the loop's thread (a histogram's record). */
    private volatile java.util.function.LongConsumer observer = late -> { };
    /**
     * With {@code -Dholdfast.loopLag.perSecond=true} (the failover drill's --logs) every loop logs, once a second, the
     * largest lateness of the second that ended: what the loop did across a kill, lined up with the machine's
     * per-second figures (docs/drill.md, session 14). A line a second a loop; off by default.
     */
    private static final boolean PER_SECOND = Boolean.getBoolean("holdfast.loopLag.perSecond");
    private long second = -1;
    private long secondMaxNanos;

    public LoopLag(SimScheduler scheduler) { this(scheduler, "event loop", DEFAULT_STALL); }

    /** Watches {@code scheduler}'s loop; a tick later than {@code stall} is a stall, logged with {@code name}. */
    public LoopLag(SimScheduler scheduler, String name, Duration stall) {
        this.scheduler = scheduler;
        this.name = name;
        this.stallNanos = stall.toNanos();
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
        if (late > maxLateEverNanos) maxLateEverNanos = late;
        observer.accept(late);
        if (PER_SECOND) perSecond(late);
        if (late > stallNanos) {
            stalls.increment();
            LOG.log(System.Logger.Level.WARNING, () -> name + " ran " + late / 1_000_000 + " ms late (a stall of the"
                    + " process or of this loop: its timers and the replies it handles waited that long)");
        }
        due = now + PERIOD.toNanos();
        scheduler.schedule(this::tick, PERIOD);
    }

    private void perSecond(long late) {
        long s = System.currentTimeMillis() / 1000;
        if (s != second) {
            if (second >= 0) {
                long max = secondMaxNanos / 1_000_000;
                long at = second;
                LOG.log(System.Logger.Level.INFO, () -> name + " second " + at + " late max " + max + " ms");
            }
            second = s;
            secondMaxNanos = 0;
        }
        if (late > secondMaxNanos) secondMaxNanos = late;
    }

    public void mark() { maxLateNanos = 0; }

    /** The largest lateness since the last {@link #mark()} (since the start without one). */
    public double maxLateMillis() { return maxLateNanos / 1e6; }

    /** The largest lateness since the start. */
    public double maxLateEverMillis() { return maxLateEverNanos / 1e6; }

    /** Ticks later than the stall threshold since the start. */
    public long stalls() { return stalls.sum(); }

    public void stop() { stopped = true; }

    /**
     * Also hands every tick's lateness (nanoseconds) to {@code each}, on the loop's thread: it must be quick and not
     * block (a load generator's latency histogram). Returns this.
     */
    public LoopLag observe(java.util.function.LongConsumer each) {
        this.observer = java.util.Objects.requireNonNull(each);
        return this;
    }
}
