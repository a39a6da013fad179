package dev.holdfast.sim.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailoverLedgerTest {
    private static final long T0 = 1_700_000_000_000L;

    @Test
    void aCallAttemptedBetweenLastHeardAndRegistrationPlusSettleFailedInFailover() {
        FailoverWindows w = new FailoverWindows(500);
        w.lost(List.of("100001", "100002"), T0 + 10_000);
        w.registered(List.of("100001", "100002"), T0 + 12_000);
        FailoverLedger ledger = new FailoverLedger(w, new KillMark(null));
        ledger.failed("no ringing", T0 + 9_999, -1, T0 + 15_000, List.of("100001", "100003"));   // before last heard
        ledger.failed("no ringing", T0 + 10_000, -1, T0 + 15_000, List.of("100001", "100003"));  // at last heard
        ledger.failed("congestion", T0 + 12_500, -1, T0 + 13_000, List.of("100003", "100002"));  // callee settling
        ledger.failed("no dial tone", T0 + 12_501, -1, T0 + 18_000, List.of("100002", "100003")); // after the settle time
        FailoverLedger.Report r = ledger.report();
        assertEquals(Map.of("no ringing", 1L, "congestion", 1L), r.failedInFailover());
        assertEquals(Map.of("no ringing", 1L, "no dial tone", 1L), r.failedOther());
        assertEquals(-1, r.killedAtMillis());
        assertTrue(r.jsonMembers().contains("\"failed_in_failover\":2,\"failed_in_failover_by_reason\":{\"congestion\":1,\"no ringing\":1}"),
                r.jsonMembers());
    }

    @Test
    void anEndpointStillWithoutAControllerCoversEveryLaterAttempt() {
        FailoverWindows w = new FailoverWindows(0);
        w.lost(List.of("200001"), T0);
        FailoverLedger ledger = new FailoverLedger(w, new KillMark(null));
        ledger.failed("no-ring", T0 + 60_000, -1, T0 + 70_000, List.of("200001", "200002"));
        assertEquals(1, ledger.report().failedInFailoverCount());
        w.registered(List.of("200001"), T0 + 3_000);
        assertEquals(0, ledger.report().failedInFailoverCount(), "the window closed long before that attempt");
    }

    @Test
    void aCallUpAtTheKillIsNeverExcusedAndItsNormalEndIsCounted(@TempDir Path dir) throws Exception {
        Path killFile = dir.resolve("killed");
        FailoverWindows w = new FailoverWindows(1_000);
        w.lost(List.of("100001"), T0 + 9_000);
        w.registered(List.of("100001"), T0 + 11_000);
        FailoverLedger ledger = new FailoverLedger(w, new KillMark(killFile));
        // ringing before the kill (and attempted inside the window): must go on
        ledger.failed("not released", T0 + 9_500, T0 + 9_800, T0 + 16_000, List.of("100001", "100002"));
        ledger.completed(T0 + 8_000, T0 + 13_000);  // talking across the kill, ended normally
        ledger.completed(T0 + 1_000, T0 + 5_000);   // over before the kill
        ledger.completed(T0 + 12_000, T0 + 16_000); // rang after the kill
        ledger.failed("no ringing", T0 + 9_600, -1, T0 + 15_000, List.of("100001", "100002")); // dialled in the outage
        FailoverLedger.Report before = ledger.report();
        assertEquals(-1, before.killedAtMillis(), "no kill file yet");
        assertEquals(2, before.failedInFailoverCount(), "without a known kill both are judged by their attempt, in the window");

        Files.writeString(killFile, (T0 + 10_000) + "\n");
        FailoverLedger.Report r = ledger.report();
        assertEquals(T0 + 10_000, r.killedAtMillis());
        assertEquals(2, r.upAtKill());
        assertEquals(1, r.upAtKillCompleted());
        assertEquals(Map.of("not released", 1L), r.upAtKillFailed());
        assertEquals(Map.of("not released", 1L), r.failedOther());
        assertEquals(Map.of("no ringing", 1L), r.failedInFailover());
    }

    @Test
    void twoLoadGeneratorsShareTheirWindowsThroughTheJournal(@TempDir Path dir) throws Exception {
        Path journal = dir.resolve("failover.journal");
        FailoverWindows gateways = new FailoverWindows(1_000, journal);
        FailoverWindows phones = new FailoverWindows(1_000, journal);
        gateways.lost(List.of("100004"), T0);
        phones.lost(List.of("200005"), T0 + 500);
        gateways.registered(List.of("100004"), T0 + 2_000);
        gateways.registered(List.of("100004"), T0 + 2_500); // a refresh: no second line
        Files.writeString(journal, "garbage line\nlost 1 notanumber\n", java.nio.file.StandardOpenOption.APPEND);
        phones.registered(List.of("200005"), T0 + 4_000);
        assertEquals(6, Files.readAllLines(journal).size(), "two losses, two ends, two lines of garbage");

        // the line's load generator sees the phone's window: a line-to-phone call dialled while it re-registered
        FailoverLedger lines = new FailoverLedger(gateways, new KillMark(null));
        lines.failed("no ringing", T0 + 4_800, -1, T0 + 9_000, List.of("100001", "200005"));
        lines.failed("no ringing", T0 + 5_001, -1, T0 + 9_000, List.of("100001", "200005"));
        assertEquals(Map.of("no ringing", 1L), lines.report().failedInFailover());
        assertEquals(Map.of("no ringing", 1L), lines.report().failedOther());
        assertTrue(FailoverWindows.covers(phones.snapshot(), List.of("100004"), T0 + 2_999, 1_000));
        assertFalse(FailoverWindows.covers(phones.snapshot(), List.of("100004"), T0 + 3_001, 1_000));
    }

    @Test
    void aSecondLossWhileStillOpenKeepsTheEarlierStart() {
        FailoverWindows w = new FailoverWindows(0);
        w.lost(List.of("1"), T0);
        w.lost(List.of("1"), T0 + 5_000); // the next controller did not answer either
        w.registered(List.of("1"), T0 + 8_000);
        assertEquals(List.of(new FailoverWindows.Window(T0, T0 + 8_000)), w.snapshot().get("1"));
    }
}
