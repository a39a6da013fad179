package dev.holdfast.gatewaysim.load;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The per-second setup series of issue 3's tail: which second of a step the slow set-ups were placed in. */
class CallStatsTest {
    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    @Test
    void setupsAreSeriedByTheSecondTheCallWasPlacedIn() {
        CallStats stats = new CallStats();
        long start = 5 * S; // scheduler time of the step's start
        stats.seriesFrom(start);
        // second 0: 100 calls at 2 ms; second 2: 99 at 3 ms and one at 400 ms (a pause); second 1: none
        for (int i = 0; i < 100; i++) stats.setup(2 * MS, start + i * 9 * MS);
        for (int i = 0; i < 99; i++) stats.setup(3 * MS, start + 2 * S + i * MS);
        stats.setup(400 * MS, start + 2 * S + 999 * MS);
        long[][] bySecond = stats.setupsBySecond();
        assertEquals(3, bySecond.length);
        assertEquals(100, bySecond[0].length);
        assertEquals(0, bySecond[1].length);
        assertEquals(100, bySecond[2].length);

        ScriptedSubscribers.Summary s = summary(stats);
        assertArrayEquals(new double[] {2, 0, 3}, s.setupMillisBySecond(99));
        assertArrayEquals(new double[] {2, 0, 400}, s.setupMillisBySecond(100));
        assertEquals(200, s.setupNanos().length, "the whole step's samples are still all there");
    }

    @Test
    void shardsMergeSecondBySecond() {
        CallStats a = new CallStats();
        CallStats b = new CallStats();
        a.seriesFrom(0);
        b.seriesFrom(0);
        a.setup(10 * MS, 0);
        b.setup(20 * MS, S / 2);
        b.setup(50 * MS, S + 1); // only shard b has a second 1
        ScriptedSubscribers.Summary both = ScriptedSubscribers.Summary.combine(List.of(summary(a), summary(b)));
        assertArrayEquals(new double[] {20, 50}, both.setupMillisBySecond(100));
        assertArrayEquals(new double[] {10, 50}, both.setupMillisBySecond(50));
    }

    private static ScriptedSubscribers.Summary summary(CallStats stats) {
        long[] sorted = stats.setupSamples();
        return new ScriptedSubscribers.Summary(0, sorted.length, 0, Map.of(), 0, 0, 0, 0, 0, 0, sorted, new long[0],
                stats.setupsBySecond());
    }
}
