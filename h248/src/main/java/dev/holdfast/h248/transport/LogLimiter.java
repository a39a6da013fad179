package dev.holdfast.h248.transport;

import java.util.concurrent.atomic.AtomicLong;

/**
 * At most {@code perSecond} log lines a second for one kind of bad input, so that a flood of garbage costs a
 * counter increment per message, not a log line; how many lines were suppressed is said when logging resumes.
 */
public final class LogLimiter {
    private final System.Logger log;
    private final int perSecond;
    private final AtomicLong windowStart = new AtomicLong(System.nanoTime());
    private final AtomicLong inWindow = new AtomicLong();
    private final AtomicLong suppressed = new AtomicLong();

    public LogLimiter(System.Logger log, int perSecond) {
        this.log = log;
        this.perSecond = perSecond;
    }

    /** Logs the message unless this second's quota is used up. */
    public void log(System.Logger.Level level, java.util.function.Supplier<String> message) {
        long now = System.nanoTime();
        long start = windowStart.get();
        if (now - start >= 1_000_000_000L && windowStart.compareAndSet(start, now)) {
            inWindow.set(0);
            long s = suppressed.getAndSet(0);
            if (s > 0) log.log(level, s + " similar messages suppressed in the last second(s)");
        }
        if (inWindow.incrementAndGet() <= perSecond) {
            log.log(level, message);
        } else {
            suppressed.incrementAndGet();
        }
    }
}
