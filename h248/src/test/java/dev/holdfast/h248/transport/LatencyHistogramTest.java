package dev.holdfast.h248.transport;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Buckets, percentiles, step differences and the Prometheus text a scraper reads back. */
class LatencyHistogramTest {
    @Test void bucketsCoverEveryValueInOrderAndAreAtMostAnEighthWide() {
        long previousUpper = 0;
        for (int i = 0; i < LatencyHistogram.BUCKETS; i++) {
            long upper = LatencyHistogram.upperMicros(i);
            assertTrue(upper > previousUpper, "bucket " + i);
            if (previousUpper >= 16) assertTrue(upper - previousUpper <= previousUpper / 8, "bucket " + i + " too wide");
            // the smallest value of the bucket maps back to it, and so does the largest
            assertEquals(i, LatencyHistogram.index(previousUpper), "lower bound of " + i);
            assertEquals(i, LatencyHistogram.index(upper - 1), "upper bound of " + i);
            previousUpper = upper;
        }
        assertEquals(LatencyHistogram.BUCKETS - 1, LatencyHistogram.index(Long.MAX_VALUE / 1000), "beyond the last: the last");
    }

    @Test void percentilesAreTheUpperBoundOfTheRanksBucket() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 1; i <= 99; i++) h.record(1_000_000); // 99 samples of 1 ms
        h.record(200_000_000); // one of 200 ms
        LatencyHistogram.Snapshot s = h.snapshot();
        assertEquals(100, s.count());
        double p50 = s.percentileMillis(50);
        assertTrue(p50 > 1.0 && p50 <= 1.125, "p50 " + p50);
        assertTrue(s.percentileMillis(99) <= 1.125, "the 99th of 100 is still 1 ms");
        double max = s.percentileMillis(100);
        assertTrue(max > 200 && max <= 225, "max " + max);
        assertEquals(0, LatencyHistogram.Snapshot.empty().percentileMillis(99));
        h.record(-5); // a clock step backwards counts as 0, not as an error
        assertEquals(0.001, h.snapshot().percentileMillis(0.5), 1e-9);
    }

    @Test void aStepIsTheDifferenceOfTwoSnapshotsAndShardsAdd() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < 1000; i++) h.record(100_000_000); // 100 ms before the step
        LatencyHistogram.Snapshot before = h.snapshot();
        for (int i = 0; i < 10; i++) h.record(2_000_000); // 2 ms in the step
        LatencyHistogram.Snapshot step = h.snapshot().minus(before);
        assertEquals(10, step.count());
        assertTrue(step.percentileMillis(99) <= 2.25, "the step alone: " + step.percentileMillis(99));
        LatencyHistogram other = new LatencyHistogram();
        other.record(50_000_000);
        LatencyHistogram.Snapshot both = step.plus(other.snapshot());
        assertEquals(11, both.count());
        assertTrue(both.percentileMillis(100) >= 50);
    }

    @Test void prometheusTextIsCumulativeAndReadsBackToTheSameCounts() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(3_000);
        h.record(40_000_000);
        h.record(40_000_000);
        String text = h.prometheus("x_seconds", "test", "transport=\"udp\"") + h.prometheus("y_seconds", "other", "");
        assertTrue(text.contains("x_seconds_bucket{transport=\"udp\",le=\"+Inf\"} 3"), text.substring(0, 200));
        assertTrue(text.contains("x_seconds_count{transport=\"udp\"} 3"));
        assertTrue(text.contains("# TYPE x_seconds histogram"));
        LatencyHistogram.Snapshot back = LatencyHistogram.Snapshot.parsePrometheus(text, "x_seconds", "transport=\"udp\"");
        assertEquals(3, back.count());
        assertEquals(h.snapshot().percentileMillis(50), back.percentileMillis(50));
        assertEquals(h.snapshot().percentileMillis(10), back.percentileMillis(10));
        assertEquals(3, LatencyHistogram.Snapshot.parsePrometheus(text, "y_seconds", "").count());
        assertEquals(0, LatencyHistogram.Snapshot.parsePrometheus(text, "x_seconds", "transport=\"tcp\"").count(),
                "other labels: not this histogram");
        assertEquals(0, LatencyHistogram.Snapshot.parsePrometheus("garbage\nx_seconds_bucket{le=\"0.1\"} nope\n",
                "x_seconds", "").count(), "text that is not ours gives an empty snapshot, no exception");
    }

    @Test void countersSnapshotStillListsOnlyCounters() {
        H248Counters c = new H248Counters();
        c.replyLatency.record(1_000_000);
        assertFalse(c.snapshot().containsKey("replyLatency"));
        assertTrue(c.snapshot().containsKey("messagesSent"));
    }
}
