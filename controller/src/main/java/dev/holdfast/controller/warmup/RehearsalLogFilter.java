package dev.holdfast.controller.warmup;

import java.util.logging.Filter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Drops the log records a warm-up rehearsal makes: its scratch core logs through the same classes (and so the same
 * loggers) as the live one, so records are told apart by the thread that made them (java.util.logging publishes on
 * the caller's thread). Put in front of the root logger's handlers (and any filter they had) at each warm-up; it stays
 * there and lets every record made on another thread through.
 */
final class RehearsalLogFilter implements Filter {
    private static final ThreadLocal<Boolean> SILENCED = new ThreadLocal<>();

    private final Filter before;

    private RehearsalLogFilter(Filter before) { this.before = before; }

    /** From now on (true) or no longer (false), records made on this thread are dropped. */
    static void silence(boolean on) {
        if (on) {
            install();
            SILENCED.set(Boolean.TRUE);
        } else {
            SILENCED.remove();
        }
    }

    /** In front of every root handler not yet filtered (also those added since the last warm-up). */
    private static synchronized void install() {
        for (Handler h : Logger.getLogger("").getHandlers()) {
            if (!(h.getFilter() instanceof RehearsalLogFilter)) h.setFilter(new RehearsalLogFilter(h.getFilter()));
        }
    }

    @Override public boolean isLoggable(LogRecord record) {
        if (SILENCED.get() != null) return false;
        return before == null || before.isLoggable(record);
    }
}
