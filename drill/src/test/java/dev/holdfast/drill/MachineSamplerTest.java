package dev.holdfast.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineSamplerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A line a second with the probe, the CPUs and the watched process; the marks; windows around the kill. */
    @Test void samplesTheMachineEachSecondAndSummarisesAroundTheKill(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("machine.jsonl");
        MachineSampler s = new MachineSampler(file).start();
        s.watch("self", ProcessHandle.current().pid());
        long spin = System.nanoTime() + 2_300_000_000L;
        long x = 1;
        while (System.nanoTime() < spin) x = x * 31 + 7; // this process busy: its CPU shows in the samples
        s.mark("kill", System.currentTimeMillis());
        Thread.sleep(1_200);
        s.mark("rebuilt", System.currentTimeMillis());
        Thread.sleep(100);
        s.close();
        List<JsonNode> lines = Files.readAllLines(file).stream().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).toList();
        List<JsonNode> samples = lines.stream().filter(l -> !l.has("mark")).toList();
        assertTrue(samples.size() >= 3, "a sample a second: " + lines);
        assertEquals(List.of("kill", "rebuilt"), lines.stream().filter(l -> l.has("mark")).map(l -> l.get("mark").asText()).toList());
        JsonNode first = samples.get(0);
        assertTrue(first.path("probe_us").path("alu_cpu").asLong() > 0, "the fixed work timed: " + first);
        assertTrue(first.path("cpu_ticks").size() >= 1, "every CPU's ticks: " + first);
        assertTrue(first.path("psi_ms").has("cpu_some"), "CPU pressure: " + first);
        assertTrue(first.path("vmstat").isObject(), "the kernel's memory counters: " + first);
        assertTrue(samples.stream().anyMatch(l -> l.path("procs").path("self").path("cpu_ms").asLong() >= 300),
                "the busy process's CPU ms in a second: " + samples);
        JsonNode sum = s.summary();
        assertTrue(sum.path("kill_to_rebuilt").path("seconds").asInt() >= 1, sum.toString());
        assertTrue(sum.path("before_kill_10s").path("seconds").asInt() >= 2, sum.toString());
        assertTrue(sum.path("before_kill_10s").path("cpu_ticks_accounted_pct").asDouble() > 0, sum.toString());
        assertTrue(sum.path("before_kill_10s").path("procs_per_second_mean").path("self").path("cpu_ms").asLong() > 0, sum.toString());
        assertTrue(x != 0);
    }

    @Test void counterDeltaKeepsTheNonZeroDifferencesNested() throws Exception {
        JsonNode before = JSON.readTree("{\"udp\":{\"retransmissions\":3,\"requestsSent\":10},\"x\":1}");
        JsonNode after = JSON.readTree("{\"udp\":{\"retransmissions\":3,\"requestsSent\":25,\"new\":2},\"x\":1,\"t\":\"a\"}");
        assertEquals("{\"udp\":{\"requestsSent\":15,\"new\":2}}", MigrationDrill.counterDelta(before, after).toString());
    }
}
