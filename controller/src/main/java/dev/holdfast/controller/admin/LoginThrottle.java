package dev.holdfast.controller.admin;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Counts failed logins per source address over a sliding window and refuses a source that reached the limit until
 * its oldest failure leaves the window (brute force). Bounded: past {@link #MAX_SOURCES} sources, those with no
 * failure left in the window are forgotten first. Thread-safe.
 */
final class LoginThrottle {
    static final int MAX_SOURCES = 10_000;
    private final int limit;
    private final long windowMillis;
    private final LongSupplier clock;
    private final Map<String, ArrayDeque<Long>> failures = new HashMap<>();

    LoginThrottle(int limit, long windowMillis, LongSupplier clock) {
        this.limit = limit;
        this.windowMillis = windowMillis;
        this.clock = clock;
    }

    /** Whether {@code source} may try now. */
    synchronized boolean allowed(String source) {
        ArrayDeque<Long> f = failures.get(source);
        if (f == null) return true;
        expire(f, clock.getAsLong());
        if (f.isEmpty()) failures.remove(source);
        return f.size() < limit;
    }

    synchronized void failed(String source) {
        long now = clock.getAsLong();
        if (failures.size() >= MAX_SOURCES && !failures.containsKey(source)) {
            for (Iterator<ArrayDeque<Long>> it = failures.values().iterator(); it.hasNext(); ) {
                ArrayDeque<Long> f = it.next();
                expire(f, now);
                if (f.isEmpty()) it.remove();
            }
            if (failures.size() >= MAX_SOURCES) failures.remove(failures.keySet().iterator().next());
        }
        ArrayDeque<Long> f = failures.computeIfAbsent(source, s -> new ArrayDeque<>());
        f.addLast(now);
        while (f.size() > limit) f.removeFirst();
    }

    private void expire(ArrayDeque<Long> f, long now) {
        while (!f.isEmpty() && now - f.peekFirst() >= windowMillis) f.removeFirst();
    }
}
