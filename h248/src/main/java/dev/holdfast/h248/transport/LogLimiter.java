package dev.holdfast.h248.transport;

/**
 * At most {@code perSecond} log lines a second for one kind of bad input; how many lines were suppressed is said
 * when logging resumes.
 */
public final class LogLimiter {
    private final System.Logger log;
    private final PerSecondQuota quota;

    public LogLimiter(System.Logger log, int perSecond) {
        this.log = log;
        this.quota = new PerSecondQuota(perSecond);
    }

    /** Logs the message unless this second's quota is used up. */
    public void log(System.Logger.Level level, java.util.function.Supplier<String> message) {
        if (quota.tryAcquire(s -> log.log(level, s + " similar messages suppressed in the last second(s)"))) {
            log.log(level, message);
        }
    }
}
