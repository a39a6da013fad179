package dev.holdfast.gatewaysim.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the scripted subscribers counted; touched only on the gateways' thread, read there too. */
final class CallStats {
    long attempted;
    long completed;
    long talkPathOk;
    final Map<String, Long> failedByReason = new TreeMap<>();
    private final List<Long> setupNanos = new ArrayList<>();

    void fail(String reason) { failedByReason.merge(reason, 1L, Long::sum); }

    long failed() { return failedByReason.values().stream().mapToLong(Long::longValue).sum(); }

    void setup(long nanos) { setupNanos.add(nanos); }

    /** Setup latency percentile in milliseconds (nearest rank), 0 with no sample. */
    double setupMillis(double percentile) {
        if (setupNanos.isEmpty()) return 0;
        long[] s = setupNanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(s);
        int rank = (int) Math.ceil(percentile / 100.0 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))] / 1e6;
    }
}
