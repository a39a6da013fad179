package dev.holdfast.controller.warmup;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailoverRehearsalTest {
    @Test
    void scratchCoreRebuildsEveryCallItWasGivenAndReleasesThem() {
        ScratchSetup setup = ScratchSetup.create(4);
        for (int round = 0; round < 2; round++) {
            FailoverRehearsal r = new FailoverRehearsal(setup, round + 1);
            FailoverRehearsal.Result result = r.run(round);
            System.out.println(result + " " + r.core().calls().migrationCounters() + " " + r.core().sip().counters().snapshot());
            assertTrue(result.ok(), result.problems().toString());
            assertEquals(result.callsExpected(), result.callsRebuilt());
            assertEquals(0, result.callsLeft());
        }
    }
}
