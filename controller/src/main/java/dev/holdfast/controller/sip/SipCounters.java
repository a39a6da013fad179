package dev.holdfast.controller.sip;

import java.util.Map;
import java.util.TreeMap;

/** Named counters of the SIP core (read on the core thread, or through a snapshot). */
public final class SipCounters {
    private final Map<String, Long> counts = new TreeMap<>();

    void add(String name) { counts.merge(name, 1L, Long::sum); }

    /** Counts one case and logs it as the edge's counters do (the 1st, 2nd, 4th, 8th... at WARNING). */
    void add(String name, String detail) { SipEdgeCounters.logSparsely(name, counts.merge(name, 1L, Long::sum), detail); }

    public long get(String name) { return counts.getOrDefault(name, 0L); }

    public Map<String, Long> snapshot() { return new TreeMap<>(counts); }
}
