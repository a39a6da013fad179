package dev.holdfast.controller.sim;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link PhoneMigrationSimulation} over seeds: phones' calls survive the primary's death; a seed replays identically. */
class PhoneMigrationSimulationTest {
    static final int SEEDS = Integer.getInteger("sim.phoneSeeds", 6);

    @Test void phoneCallsSurviveTheKillOverSeeds() {
        List<String> failed = new ArrayList<>();
        for (long seed = 1; seed <= SEEDS; seed++) {
            PhoneMigrationSimulation.Result r = PhoneMigrationSimulation.run(seed);
            if (!r.ok()) failed.add(r.summary() + "\n  " + String.join("\n  ", r.violations()));
        }
        assertTrue(failed.isEmpty(), failed.size() + " of " + SEEDS + " seeds failed:\n" + String.join("\n", failed));
    }

    @Test void aSeedReplaysIdentically() {
        PhoneMigrationSimulation.Result a = PhoneMigrationSimulation.run(3), b = PhoneMigrationSimulation.run(3);
        assertEquals(a.summary(), b.summary());
        assertEquals(a.trace(), b.trace(), "the same H.248 and SIP messages in the same order");
    }
}
