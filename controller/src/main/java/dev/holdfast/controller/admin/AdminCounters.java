package dev.holdfast.controller.admin;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** What the admin edge counted (requests, refusals, dropped stream clients); thread-safe. */
final class AdminCounters {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    void count(String name) { counts.computeIfAbsent(name, n -> new LongAdder()).increment(); }

    long get(String name) {
        LongAdder a = counts.get(name);
        return a == null ? 0 : a.sum();
    }

    Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
