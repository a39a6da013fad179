package dev.holdfast.h248.transport;

import java.util.concurrent.atomic.AtomicLong;

/**
 * At most {@code perSecond} permits in each one-second window: a cheap guard for work that bad input triggers
 * (log lines, error answers), so that a flood costs a counter increment per message and nothing more.
 */
public final class PerSecondQuota {
    private final int perSecond;
    private final AtomicLong windowStart = new AtomicLong(System.nanoTime());
    private final AtomicLong inWindow = new AtomicLong();
    private final AtomicLong refusedSinceReset = new AtomicLong();

    public PerSecondQuota(int perSecond) {
        if (perSecond < 0) throw new IllegalArgumentException("perSecond " + perSecond);
        this.perSecond = perSecond;
    }

    /**
     * Takes a permit if this window has one left. When a new window opens, {@code onNewWindow} learns how many
     * were refused since the last one opened (only if some were).
     */
    public boolean tryAcquire(java.util.function.LongConsumer onNewWindow) {
        long now = System.nanoTime();
        long start = windowStart.get();
        if (now - start >= 1_000_000_000L && windowStart.compareAndSet(start, now)) {
            inWindow.set(0);
            long refused = refusedSinceReset.getAndSet(0);
            if (refused > 0 && onNewWindow != null) onNewWindow.accept(refused);
        }
        if (inWindow.incrementAndGet() <= perSecond) return true;
        refusedSinceReset.incrementAndGet();
        return false;
    }

    public boolean tryAcquire() { return tryAcquire(null); }
}
