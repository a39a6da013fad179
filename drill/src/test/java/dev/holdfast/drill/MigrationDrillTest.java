package dev.holdfast.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The migration drill end to end at a small scale: two controllers and the two load generators as real processes (run
 * from this test's class path), 2 gateways and 2 phones, 6 calls (one of them phone to line), the primary killed with
 * kill -9. Asserts what the drill must
 * always give: the JSON report's keys, every call established before the kill, the gateways' failover within the
 * detection budget, no process left running, and the migration: every call preserved and equal in structure on
 * the alternate, every feature check passing after the failover, no RTP packet lost to it.
 */
class MigrationDrillTest {
    private static final List<String> KEYS = List.of("calls_before", "calls_preserved", "structure_matches",
            "feature_checks_passed", "feature_checks_total", "rtp_packets_lost", "rtp_gap_ms_max", "rtp_gap_ms_p99",
            "detect_ms", "rebuild_ms");

    /**
     * Ctrl-C (SIGTERM here) in the middle of a drill: the drill's own process ends and takes every process it started
     * with it, the controllers first among them.
     */
    @Test void interruptedDrillLeavesNoProcessRunning(@TempDir Path logs) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Path out = logs.resolve("drill.out");
        Process drill = new ProcessBuilder(javaBin.toString(), "-cp", cp, MigrationDrill.class.getName(), "migration",
                "--gateways", "1", "--calls", "2", "--mix", "intra=1", "--controller-classpath", cp,
                "--gateway-classpath", cp, "--logs", logs.resolve("run").toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            java.util.regex.Pattern established = java.util.regex.Pattern.compile("load generator pid (\\d+): established");
            long end = System.nanoTime() + 60_000_000_000L;
            String text = "";
            while (System.nanoTime() < end && !established.matcher(text).find() && drill.isAlive()) {
                Thread.sleep(100);
                text = java.nio.file.Files.readString(out);
            }
            assertTrue(established.matcher(text).find(), "the drill got as far as the load:\n" + text);
            List<Long> pids = new java.util.ArrayList<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("pid (\\d+)").matcher(text);
            while (m.find()) pids.add(Long.parseLong(m.group(1)));
            assertEquals(3, pids.size(), "two controllers and the load generator: " + text);
            drill.destroy(); // SIGTERM, as Ctrl-C would be SIGINT: the drill's shutdown hook runs either way
            assertTrue(drill.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the drill ended");
            for (long pid : pids) {
                assertTrue(Poll.until(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), 10_000),
                        "process " + pid + " stopped with the drill");
            }
        } finally {
            drill.destroyForcibly();
        }
    }

    /** Polls a condition (real time). */
    private static final class Poll {
        static boolean until(java.util.function.BooleanSupplier c, long millis) throws InterruptedException {
            long end = System.currentTimeMillis() + millis;
            while (!c.getAsBoolean()) {
                if (System.currentTimeMillis() > end) return false;
                Thread.sleep(50);
            }
            return true;
        }
    }

    @Test void smallDrillReportsEveryFigureAndStopsEveryProcess(@TempDir Path logs) throws Exception {
        // surefire runs tests from a manifest-only jar: the real class path is in this property
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        int status = MigrationDrill.run(new String[] {"migration", "--gateways", "2", "--phones", "2", "--phone-calls", "1",
                "--calls", "6", "--phone-classpath", cp,
                "--json", "--detect-ms", "2000", "--checks", "1", "--check-step-ms", "2000", "--rebuild-limit-ms", "5000",
                "--settle-ms", "700", "--controller-classpath", cp, "--gateway-classpath", cp, "--logs", logs.toString()},
                out, out);
        String text = buf.toString(StandardCharsets.UTF_8);
        System.out.println(text); // the report, in the surefire output file
        String[] lines = text.strip().split("\n");
        JsonNode r = new ObjectMapper().readTree(lines[lines.length - 1]);
        for (String key : KEYS) assertTrue(r.has(key), key + " in the report:\n" + text);
        assertEquals(6, r.get("calls_before").asInt(), "every call established before the kill:\n" + text);
        assertTrue(r.get("detect_ms").isNumber(), "the gateways failed over:\n" + text);
        assertTrue(r.get("detect_ms").asLong() >= 0 && r.get("detect_ms").asLong() < 10_000, text);
        assertEquals(1, r.get("phone_calls").asInt(), text);
        // the end of the rebuild on the alternate's own clock: after the kill, and not after the drill saw it listed
        assertTrue(r.get("kill_to_last_rebuilt_ms_alternate_clock").isNumber(), "the alternate's clock read:\n" + text);
        assertTrue(r.get("kill_to_last_rebuilt_ms_alternate_clock").asLong() >= 0, text);
        assertTrue(r.get("kill_to_last_rebuilt_ms_alternate_clock").asLong() <= r.get("kill_to_rebuilt_ms").asLong(), text);
        assertEquals(5, r.get("feature_checks_total").asInt(), "one call per check, four checks, and a phone's hang-up:\n" + text);
        // each call's rebuild from its own gateways' and phone's detection: every call measured, none before it
        JsonNode perCall = r.get("rebuild_per_call_ms");
        assertTrue(perCall != null && perCall.isObject(), "rebuild_per_call_ms in the report:\n" + text);
        assertEquals(6, perCall.get("calls").asInt(), "every call's rebuild measured from its parts' detection:\n" + text);
        assertTrue(perCall.get("from_parts_lost").get("max").asLong() >= perCall.get("from_parts_registered").get("max").asLong(), text);
        // and the migration itself: every call kept, equal in structure, every feature working, no RTP lost
        assertEquals(6, r.get("calls_preserved").asInt(), "calls preserved:\n" + text);
        assertEquals(6, r.get("structure_matches").asInt(), "structures equal after the merge:\n" + text);
        assertEquals(5, r.get("feature_checks_passed").asInt(), "feature checks after the failover:\n" + text);
        assertEquals(0, r.get("rtp_packets_lost").asInt(), "RTP lost to the failover:\n" + text);
        // with --logs: the machine each second (session 14), the gateways' losses in half seconds, the simulators'
        // loops each second, the alternate's counters over the failover
        assertTrue(r.path("machine").path("kill_to_rebuilt").path("seconds").asInt() >= 1, "machine summary:\n" + text);
        assertTrue(java.nio.file.Files.readString(logs.resolve("machine.jsonl")).contains("\"probe_us\""), text);
        int lost = 0;
        for (JsonNode n : r.path("detection_ms").path("gateways_lost_per_500ms")) lost += n.asInt();
        assertEquals(2, lost, "both gateways' losses in the half-second bins:\n" + text);
        assertTrue(java.nio.file.Files.readString(logs.resolve("loadgen.log")).contains(" late max "), "loop lateness each second");
        assertTrue(r.path("alternate_counters_kill_to_rebuilt").path("h248").isObject(), text);
        assertTrue(r.get("ok").asBoolean(), text);
        assertEquals(0, status);
        for (JsonNode pid : r.get("pids")) {
            assertFalse(ProcessHandle.of(pid.asLong()).map(ProcessHandle::isAlive).orElse(false),
                    "process " + pid + " was stopped:\n" + text);
        }
    }
}
