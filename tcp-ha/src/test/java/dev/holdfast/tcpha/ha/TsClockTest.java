package dev.holdfast.tcpha.ha;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Takeover.tsClock: the restored socket's timestamp clock, never behind what a client may hold, not needlessly ahead. */
class TsClockTest {
    static final long MS = 1_000_000L, NOW = 1_000_000 * MS;

    @Test
    void fromThePrimarysOwnTsValPlusTheTimeSince_plusTwoMilliseconds() {
        // the primary's TSval 5000 seen 60 ms ago, the client's echo of 4990 seen 70 ms ago
        assertEquals(5000 + 60 + 2, Takeover.tsClock(4990, NOW - 70 * MS, 5000, NOW - 60 * MS, NOW));
    }

    @Test
    void theClientsEchoWinsWhenItIsAhead_aPrimarySegmentTheTapMissed() {
        assertEquals(5100 + 10 + 2, Takeover.tsClock(5100, NOW - 10 * MS, 5000, NOW - 60 * MS, NOW));
    }

    @Test
    void withoutThePrimarysOwnTsValTheWideMargin() {
        assertEquals(4990 + 70 + Takeover.TS_MARGIN_MS + 1, Takeover.tsClock(4990, NOW - 70 * MS, 0, 0, NOW));
    }

    @Test
    void wrapsAroundLikeTheWireClock() {
        // TSvals are 32-bit and wrap: a primary clock near 2^31 - 1 going over is still "ahead"
        assertEquals(Integer.MIN_VALUE + 9, Takeover.tsClock(Integer.MAX_VALUE - 100, NOW - 70 * MS, Integer.MAX_VALUE - 2, NOW - 10 * MS, NOW));
    }
}
