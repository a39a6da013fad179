package dev.holdfast.controller.sip;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-source-address rate limit for SIP requests: a token bucket per address, {@code rate} tokens a second up to
 * {@code burst}. A request without a token is refused (503 with Retry-After) before it reaches a transaction or
 * the core, so a flooding source costs little and harms no other caller.
 */
final class FloodGuard {
    /** Sources remembered at most; past that the table starts afresh (a spoofed-source flood cannot fill memory). */
    private static final int MAX_SOURCES = 100_000;

    private final double ratePerNano;
    private final double burst;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long last;
    }

    FloodGuard(int perSecond, int burst) {
        this.ratePerNano = perSecond / 1e9;
        this.burst = burst;
    }

    /** True when a request from {@code source} may pass now. */
    boolean admit(String source, long nanoTime) {
        if (buckets.size() > MAX_SOURCES) buckets.clear();
        Bucket b = buckets.computeIfAbsent(source, s -> {
            Bucket n = new Bucket();
            n.tokens = burst;
            n.last = nanoTime;
            return n;
        });
        synchronized (b) {
            b.tokens = Math.min(burst, b.tokens + (nanoTime - b.last) * ratePerNano);
            b.last = nanoTime;
            if (b.tokens < 1) return false;
            b.tokens -= 1;
            return true;
        }
    }
}
