package dev.holdfast.console;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed password logins per client address (SSH or web) over a sliding window: at the limit, that address's password
 * logins are refused without asking the API until its oldest failure leaves the window. Why the console needs its
 * own: every SSH login reaches the admin API from the console's address, so without it one client guessing
 * passwords would use up the API's throttle for everybody logging in through the console.
 */
public final class LoginThrottle {
    private static final int MAX_ADDRESSES = 10_000;

    private final int limit;
    private final long windowNanos;
    private final Map<InetAddress, Deque<Long>> failures = new LinkedHashMap<>(16, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<InetAddress, Deque<Long>> e) { return size() > MAX_ADDRESSES; }
    };

    public LoginThrottle(int limit, long windowSeconds) {
        this.limit = limit;
        this.windowNanos = windowSeconds * 1_000_000_000L;
    }

    /** True when this address has failed {@code limit} times within the window. */
    public synchronized boolean throttled(InetAddress address, long now) {
        Deque<Long> d = failures.get(address);
        if (d == null) return false;
        while (!d.isEmpty() && now - d.peekFirst() >= windowNanos) d.pollFirst();
        if (d.isEmpty()) failures.remove(address);
        return d.size() >= limit;
    }

    public synchronized void failed(InetAddress address, long now) {
        failures.computeIfAbsent(address, a -> new ArrayDeque<>()).addLast(now);
    }
}
