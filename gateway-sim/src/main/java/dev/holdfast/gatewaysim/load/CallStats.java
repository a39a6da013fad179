package dev.holdfast.gatewaysim.load;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/** What the scripted subscribers counted; touched only on the gateways' thread, read there too. */
final class CallStats {
    long attempted;
    long completed;
    long talkPathOk;
    final Map<String, Long> failedByReason = new TreeMap<>();
    /** Setup latencies in nanoseconds, the first {@code setups} of the array (no boxing: one per call). */
    private long[] setupNanos = new long[1024];
    private int setups;

    void fail(String reason) { failedByReason.merge(reason, 1L, Long::sum); }

    long failed() { return failedByReason.values().stream().mapToLong(Long::longValue).sum(); }

    void setup(long nanos) {
        if (setups == setupNanos.length) setupNanos = Arrays.copyOf(setupNanos, 2 * setups);
        setupNanos[setups++] = nanos;
    }

    /** Setup latency percentile in milliseconds (nearest rank), 0 with no sample. */
    double setupMillis(double percentile) {
        return percentileMillis(setupSamples(), percentile);
    }

    /** Every setup latency so far (nanoseconds), sorted. */
    long[] setupSamples() {
        long[] s = Arrays.copyOf(setupNanos, setups);
        Arrays.sort(s);
        return s;
    }

    /** Nearest-rank percentile of sorted nanosecond samples, in milliseconds; 0 with no sample. */
    static double percentileMillis(long[] sorted, double percentile) {
        if (sorted.length == 0) return 0;
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }
}
