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
        long[] s = setupSamples();
        Arrays.sort(s);
        return percentileMillis(s, percentile);
    }

    long[] setupSamples() { return setupNanos.stream().mapToLong(Long::longValue).toArray(); }

    /** Nearest-rank percentile of sorted nanosecond samples, in milliseconds; 0 with no sample. */
    static double percentileMillis(long[] sorted, double percentile) {
        if (sorted.length == 0) return 0;
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }
}
