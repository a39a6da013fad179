package dev.holdfast.controller.sim;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deterministic simulation of call migration over many seeds (docs/migration.md, "Deterministic simulation").
 * {@code -Dsim.seeds=N} runs seeds 1..N (default 200); {@code -Dsim.seed=S} replays exactly seed S; {@code -Dsim.show=TEXT}
 * prints the summary of each seed whose summary (faults, plan, migration counters) has TEXT.
 */
class MigrationSimulationTest {

    private static List<Long> seeds() {
        String one = System.getProperty("sim.seed");
        if (one != null && !one.isBlank()) return List.of(Long.parseLong(one.trim()));
        int n = Integer.getInteger("sim.seeds", 200);
        List<Long> out = new ArrayList<>();
        for (long s = 1; s <= n; s++) out.add(s);
        return out;
    }

    /** Held here so that the level set on it stays (JUL keeps loggers weakly). */
    private static final java.util.logging.Logger HOLDFAST = java.util.logging.Logger.getLogger("dev.holdfast");

    /** Many seeds log thousands of failovers: only errors, unless one seed is replayed. */
    private static java.util.logging.Level quiet() {
        java.util.logging.Level was = HOLDFAST.getLevel();
        if (System.getProperty("sim.seed") == null) HOLDFAST.setLevel(java.util.logging.Level.SEVERE);
        return was;
    }

    @Test
    void everySeedKeepsItsCallsAndLeavesNothingBehind() {
        java.util.logging.Level was = quiet();
        try {
            runSeeds();
        } finally {
            HOLDFAST.setLevel(was);
        }
    }

    private void runSeeds() {
        long started = System.nanoTime();
        long cpuStarted = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        List<String> failed = new ArrayList<>();
        // -Dsim.show=TEXT: the summary of every seed whose summary has TEXT (a counter's name: which seeds reach a case)
        String show = System.getProperty("sim.show");
        int passed = 0;
        for (long seed : seeds()) {
            MigrationSimulation.Result r = MigrationSimulation.run(seed);
            if (r.ok()) {
                passed++;
            } else {
                failed.add("seed " + seed + " (replay: -Dsim.seed=" + seed + "): " + String.join("\n    ", r.violations())
                        + "\n    " + r.summary());
            }
            if (System.getProperty("sim.seed") != null || show != null && r.summary().contains(show)) System.out.println(r.summary());
        }
        long cpu = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStarted;
        System.out.printf("migration simulation: %d seeds passed, %d failed, %.1f s (%.1f s of CPU)%n", passed,
                failed.size(), (System.nanoTime() - started) / 1e9, cpu / 1e9);
        assertTrue(failed.isEmpty(), failed.size() + " seeds failed:\n" + String.join("\n", failed));
    }

    @Test
    void aSeedRunTwiceDeliversTheSameMessagesInTheSameOrder() {
        java.util.logging.Level was = quiet();
        try {
            twice();
        } finally {
            HOLDFAST.setLevel(was);
        }
    }

    private void twice() {
        for (long seed : List.of(7L, 11L)) {
            MigrationSimulation.Result a = MigrationSimulation.run(seed);
            MigrationSimulation.Result b = MigrationSimulation.run(seed);
            assertEquals(a.messages(), b.messages(), "messages delivered, seed " + seed);
            assertEquals(a.trace(), b.trace(), "trace hash, seed " + seed);
            assertEquals(a.violations(), b.violations(), "violations, seed " + seed);
        }
    }
}
