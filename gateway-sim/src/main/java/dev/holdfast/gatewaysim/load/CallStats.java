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
    /**
     * The same setups by the second of the step in which each call was placed (off-hook), from {@link #seriesFrom}:
     * the per-second series shows when a tail starts (a collection pause, a loop falling behind), which the step's
     * one p99 hides.
     */
    private final java.util.List<long[]> bySecond = new java.util.ArrayList<>();
    private int[] bySecondCount = new int[0];
    private long seriesStart;

    /** The per-second series counts from {@code nanos} (the step's start, scheduler time). */
    void seriesFrom(long nanos) { seriesStart = nanos; }

    void fail(String reason) { failedByReason.merge(reason, 1L, Long::sum); }

    long failed() { return failedByReason.values().stream().mapToLong(Long::longValue).sum(); }

    /** A call placed at {@code placedAt} (scheduler time) rang back {@code nanos} later. */
    void setup(long nanos, long placedAt) {
        if (setups == setupNanos.length) setupNanos = Arrays.copyOf(setupNanos, 2 * setups);
        setupNanos[setups++] = nanos;
        int second = (int) Math.max(0, Math.min(3600, (placedAt - seriesStart) / 1_000_000_000L));
        while (bySecond.size() <= second) bySecond.add(new long[64]);
        if (bySecondCount.length <= second) bySecondCount = Arrays.copyOf(bySecondCount, second + 16);
        long[] b = bySecond.get(second);
        int n = bySecondCount[second];
        if (n == b.length) bySecond.set(second, b = Arrays.copyOf(b, 2 * n));
        b[n] = nanos;
        bySecondCount[second] = n + 1;
    }

    /** The setups of each second of the step (by when the call was placed), each array unsorted. */
    long[][] setupsBySecond() {
        long[][] out = new long[bySecond.size()][];
        for (int i = 0; i < out.length; i++) out[i] = Arrays.copyOf(bySecond.get(i), bySecondCount[i]);
        return out;
    }

    /** Setup latency percentile in milliseconds (nearest rank), 0 with no sample. */
    double setupMillis(double percentile) {
        return percentileMillis(setupSamples(), percentile);
    }

    /** Every setup latency so far (nanoseconds), sorted. */
    long[] setupSamples() {
        long[] s = setupsInOrder();
        Arrays.sort(s);
        return s;
    }

    /** Every setup latency so far (nanoseconds), in the order they were measured (a copy). */
    long[] setupsInOrder() { return Arrays.copyOf(setupNanos, setups); }

    /** Nearest-rank percentile of sorted nanosecond samples, in milliseconds; 0 with no sample. */
    static double percentileMillis(long[] sorted, double percentile) {
        if (sorted.length == 0) return 0;
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }
}
