package dev.holdfast.tcpha.ha;

import dev.holdfast.tcpha.drill.Drill;
import dev.holdfast.tcpha.rig.Root;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * ST-TCP system tests on a namespace rig (root): rows of the thesis's table of single failures, each asserting that
 * the client's connections stayed open and every byte arrived exactly once.
 */
class FailoverSystemTest {
    @BeforeAll
    static void root() { Root.assumeNamespaces(); }

    /**
     * Heartbeats every 20 ms, takeover after 10 missed: these tests check correctness, not speed, and on a busy
     * shared machine veth delivery (softirq work) can stall for tens of milliseconds, which a tighter detector takes
     * for a dead primary (bin/drill measures the fast settings).
     */
    static final int HB_MS = 20, MISS = 10;

    static Drill.Config echo(int connections) {
        return new Drill.Config("echo", HB_MS, MISS, connections, 100, 10, 0, 400, "write", true, null, Drill.Crash.PRIMARY_HOST);
    }

    static Map<String, Object> drill(Drill.Config c) throws Exception {
        Map<String, Object> r = Drill.run(c, Files.createTempDirectory("sttcp-test"));
        System.out.println(r);
        return r;
    }

    static void assertEveryByteOnce(Map<String, Object> r) {
        assertNull(r.get("error"), () -> r.get("error") + "\nlogs: " + r.get("logs"));
        assertEquals(0L, r.get("connections_broken"), r.toString());
        assertEquals(0L, r.get("bytes_lost"), r.toString());
        assertEquals(0L, r.get("bytes_duplicated"), r.toString());
        assertEquals(r.get("bytes_expected"), r.get("bytes_ok"), r.toString());
        assertEquals(0, r.get("client_exit"), r.toString());
    }

    @Test
    void primaryHostCrash_backupTakesOverTheEchoConnectionWithNoByteLostOrDuplicated() throws Exception {
        Map<String, Object> r = drill(echo(1));
        assertEveryByteOnce(r);
        assertEquals(false, r.get("false_takeover"), r.toString());
        assertNotNull(r.get("takeover"), "the backup took over: " + r);
        assertTrue(r.get("takeover").toString().contains("restored=1"), r.toString());
        assertTrue((double) r.get("failover_ms") > 0, "the client saw the failover as a pause: " + r);
        assertFalse((boolean) r.get("primary_alive"), r.toString());
        // the phases: a timeline from the crash, in the order the takeover runs
        Map<?, ?> p = (Map<?, ?>) r.get("phases_ms");
        assertNotNull(p, r.toString());
        assertEquals("heartbeats", p.get("cause"), r.toString());
        assertTrue((double) p.get("detected") - (double) p.get("last_heartbeat_heard") >= HB_MS * MISS,
                "no detection before miss x interval of silence: " + p);
        double previous = (double) p.get("detected");
        for (String step : new String[] {"fenced", "tap_stopped", "connections_restored", "arp_announced", "unacked_written"}) {
            assertTrue((double) p.get(step) >= previous, step + " after the step before it: " + p);
            previous = (double) p.get(step);
        }
        assertTrue((double) p.get("client_first_byte") >= (double) p.get("arp_announced"), "the client's first byte came after the takeover: " + p);
    }

    @Test
    void primaryHostCrashWithSeveralConnections_allSurvive() throws Exception {
        Map<String, Object> r = drill(new Drill.Config("interactive", HB_MS, MISS, 8, 30, 10, 0, 400, "write", true, null,
                Drill.Crash.PRIMARY_HOST));
        assertEveryByteOnce(r);
        assertTrue(r.get("takeover").toString().contains("restored=8"), r.toString());
    }

    @Test
    void primaryHostCrashInTheMiddleOfABulkTransfer_everyByteOnce() throws Exception {
        Map<String, Object> r = drill(new Drill.Config("bulk", HB_MS, MISS, 1, 1, 0, 5L << 20, 100, "write", true, null,
                Drill.Crash.PRIMARY_HOST));
        assertEveryByteOnce(r);
        assertTrue(r.get("takeover").toString().contains("restored=1"), r.toString());
    }

    /**
     * Session 9's mid-bulk hang: a slow client (it acknowledges on its delayed-ACK timer, as a client starved on a
     * loaded host does) holds more of the reply than its last ACK says when the primary, stalled but with its kernel
     * still sending, is fenced. The takeover must carry on from what the client really has: every byte once, no hang.
     */
    static Drill.Config stallMidBulk() {
        // 10 ms x 5: the stalled primary's kernel must still be sending when the backup fences it (its send buffer
        // lasts about 100 ms at this client's 1.6 MB/s); with 20 ms x 10 it had always drained, and nothing was left
        // unacknowledged (3 of 3 drills). A false takeover here is a takeover all the same: every byte once.
        return new Drill.Config("bulk", 10, 5, 1, 1, 0, 4L << 20, 300, "write", true, null, Drill.Crash.PRIMARY_STALL)
                .withClientArgs("--read-chunk 32768 --read-pause-ms 20");
    }

    @Test
    void primaryStallsMidBulkWhileTheClientReadsSlowly_everyByteOnce() throws Exception {
        Map<String, Object> r = drill(stallMidBulk());
        assertEveryByteOnce(r);
        assertTrue(r.get("takeover").toString().contains("restored=1"), r.toString());
        assertEquals(true, r.get("crash_during_traffic"), "the stall came while the reply was flowing: " + r);
    }

    /**
     * A slow reader whose window is full at the takeover and whose window update in the takeover's hole reaches
     * nobody. The client reads 64 KB (its whole receive buffer) every 400 ms from its connect on: the read at 400 ms
     * opens the window and the primary's kernel fills it again within a millisecond; the primary stalls at 500 ms
     * (its kernel goes on acknowledging: the tap sees the closed window); the backup detects it 200 ms later and
     * restores a zero window; the test hook holds the ARP 300 ms (as restoring many connections on a loaded host
     * does), and the client's read at 800 ms falls in that hole, so its window update reaches nobody. Before the fix
     * the kernel then sent nothing until its persist timer, 3 s on a re-created socket (the client read nothing
     * for 2.8-3.3 s): the re-probe after the ARP went unanswered (Linux answers one out-of-window segment per
     * 500 ms, net.ipv4.tcp_invalid_ratelimit, and the client had spent it on the probe sent before the ARP). The
     * soak showed it in 5 of 20 drills (session 11). The re-probe after the ARP is off here (--no-reprobe): whether
     * the client answers it depends on when it last answered an out-of-window segment, which the stalled primary's
     * own zero-window probes also spend (a capture: the primary's probe 433 ms before the backup's first one left the
     * client silent to that one and answering the re-probe), so the prompt that carries data must bring the client
     * back on its own. A run whose timing slipped on a loaded host (the tap saw an open window) is repeated, at most
     * twice.
     */
    @Test
    void clientWindowFullAtTheTakeoverAndItsUpdateLost_resumesWellUnderASecond() throws Exception {
        Map<String, Object> r = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            r = drill(new Drill.Config("bulk", HB_MS, MISS, 1, 1, 0, 512L << 10, 500, "write", false, null, Drill.Crash.PRIMARY_STALL)
                    .withClientArgs("--read-chunk 65536 --read-pause-ms 400 --rcvbuf 65536").withBackupArgs("--hold-before-arp-ms 300"));
            assertEveryByteOnce(r);
            assertTrue(r.get("takeover").toString().contains("restored=1"), r.toString());
            if (Long.valueOf(1).equals(r.get("restored_window_below_mss"))) break;
        }
        assertEquals(1L, r.get("restored_window_below_mss"), "the client's window was full at the takeover in one of 3 runs: " + r);
        // the client's next read after the hole finds data again (0 ms), against 2.8 s and more before the fix
        assertTrue((double) r.get("failover_ms") < 1000, "failover " + r.get("failover_ms") + " ms: " + r);
    }

    /** The same, repeated (-Dsttcp.soakRuns=N, 10 by default): tagged long, out of the default run. */
    @Tag("long")
    @Test
    void primaryStallsMidBulk_repeated() throws Exception {
        int runs = Integer.getInteger("sttcp.soakRuns", 10);
        int exercised = 0, falseAtStart = 0;
        for (int i = 0; i < runs; i++) {
            Map<String, Object> r = drill(stallMidBulk());
            assertEveryByteOnce(r);
            if (Boolean.TRUE.equals(r.get("false_takeover")) && r.get("takeover").toString().contains("restored=0 ")) {
                // 10 ms x 5 on a loaded host: the backup took a late heartbeat for a dead primary before the client
                // connected (the client was then served by the backup alone, every byte once, as asserted above);
                // not the case under test, counted and said, and no more than a quarter of the runs may be such
                falseAtStart++;
                continue;
            }
            assertTrue(r.get("takeover").toString().contains("restored=1"), "run " + i + ": " + r);
            if (r.get("queued_as_sent") instanceof Long q && q > 0) exercised++;
        }
        System.out.println(exercised + " of " + runs + " takeovers found the client ahead of its last seen ACK by more than a first flight; "
                + falseAtStart + " false takeovers before the client connected");
        assertTrue(falseAtStart <= runs / 4, falseAtStart + " of " + runs + " runs had a false takeover before the client connected");
        // in about half the drills the client holds such bytes at the fence (the other half its window was full or
        // the primary's send buffer had drained): ten runs without one say the drill no longer tests the case
        if (runs >= 10) assertTrue(exercised > 0, "no run exercised the case");
    }

    @Test
    void primaryApplicationHangsWithoutFinOrRst_backupSeesItLagAndTakesOver() throws Exception {
        Map<String, Object> r = drill(echo(1).with(Drill.Crash.APP_HANG, 0));
        assertEveryByteOnce(r);
        assertNotNull(r.get("takeover"), "AppMaxLagTime passed: the backup took over: " + r);
        assertTrue(r.get("takeover").toString().contains("restored=1"), r.toString());
        assertFalse((boolean) r.get("primary_alive"), "the hung primary was fenced: " + r);
    }

    @Test
    void aClientOfSomeoneElse_bashDevTcp_survivesThePrimaryCrash() throws Exception {
        String bashClient = "exec 3<>/dev/tcp/$STTCP_VIP/$STTCP_PORT; for i in $(seq 1 150); do"
                + " echo \"request $i\" >&3; read -r l <&3 || exit 2; [ \"$l\" = \"request $i\" ] || exit 3; sleep 0.01;"
                + " done; echo all echoed";
        Map<String, Object> r = drill(new Drill.Config("echo", HB_MS, MISS, 1, 0, 0, 0, 300, "write", true, bashClient,
                Drill.Crash.PRIMARY_HOST));
        assertEquals(0, r.get("client_exit"), "the client's own check passed (exit 2: closed, 3: wrong echo): " + r);
        assertTrue(r.get("takeover").toString().contains("restored=1"), r.toString());
    }

    @Test
    void primaryServiceNicFails_heartbeatsGoOn_backupSeesTheClientUnservedAndTakesOver() throws Exception {
        Map<String, Object> r = drill(echo(1).with(Drill.Crash.PRIMARY_NIC, 400));
        assertEveryByteOnce(r);
        assertNotNull(r.get("takeover"), r.toString());
        assertTrue(r.get("takeover").toString().contains("restored=1"), r.toString());
    }

    /**
     * The NIC row at its worst moment (a full-run hang, session 11): the link fails after the primary's application
     * has read a request and before its reply leaves. The client waits for that reply and sends nothing new; the
     * primary has read and written exactly what the replica has, so neither input nor output lags. What shows is that
     * the reply the primary wrote never appeared on the LAN while the client's window had room for it.
     */
    @Test
    void primaryServiceNicFailsBetweenARequestAndItsReply_backupSeesTheReplyNeverOnTheLanAndTakesOver() throws Exception {
        Map<String, Object> r = drill(echo(1).with(Drill.Crash.PRIMARY_NIC_MID_EXCHANGE, 0));
        assertEveryByteOnce(r);
        assertTrue(r.get("takeover").toString().contains("restored=1"), r.toString());
        assertTrue(String.valueOf(r.get("takeover_reason")).contains("never seen on the LAN"), r.toString());
        assertFalse((boolean) r.get("primary_alive"), "the primary was fenced: " + r);
    }

    /**
     * The NIC/cable row's gateway check: the primary's application hangs (the lag check says it does not serve), but
     * the backup cannot reach the gateway through its service link, so it must not fence the primary; once the
     * gateway answers again it takes over, and the client's connection carries on with every byte once.
     */
    @Test
    void lagTakeoverWaitsUntilTheGatewayAnswers_thenEveryByteOnce() throws Exception {
        Map<String, Object> r = drill(echo(1).with(Drill.Crash.GATEWAY_LOST_THEN_APP_HANG, 0));
        assertEveryByteOnce(r);
        assertNotNull(r.get("gateway_unanswered_at_us"), "the backup probed the gateway and said it did not answer: " + r);
        assertNotNull(r.get("takeover"), "the backup took over once the gateway was back: " + r);
        assertTrue((long) r.get("takeover_at_us") > (long) r.get("gateway_back_us"),
                "no takeover while the gateway was unreachable: " + r);
        assertTrue(r.get("takeover").toString().contains("restored=1"), r.toString());
        assertFalse((boolean) r.get("primary_alive"), "the hung primary was fenced at the takeover: " + r);
        assertEquals("app_lag", ((Map<?, ?>) r.get("phases_ms")).get("cause"), r.toString());
    }

    @Test
    void primaryApplicationClosesAConnectionTheReplicaKeeps_finHeldBackPrimaryWithdrawsBackupTakesOver() throws Exception {
        Map<String, Object> r = drill(echo(1).with(Drill.Crash.APP_FIN, 0));
        assertEveryByteOnce(r); // no FIN reached the client: it saw its connection carry on
        assertTrue(r.get("takeover").toString().contains("restored=1"), r.toString());
        assertFalse((boolean) r.get("primary_alive"), r.toString());
    }

    @Test
    void backupHostCrash_primaryGoesOnAlone() throws Exception {
        Map<String, Object> r = drill(echo(1).with(Drill.Crash.BACKUP_HOST, 400));
        assertEveryByteOnce(r);
        assertNull(r.get("takeover"), r.toString());
        assertTrue((boolean) r.get("primary_alive"), r.toString());
    }

    @Test
    void oneHeartbeatLinkFails_noTakeover() throws Exception {
        Map<String, Object> r = drill(echo(1).with(Drill.Crash.HEARTBEAT_LINK, 400));
        assertEveryByteOnce(r);
        assertNull(r.get("takeover"), "a one-link failure must not cause a takeover: " + r);
        assertTrue((boolean) r.get("primary_alive"), r.toString());
        assertTrue((boolean) r.get("backup_alive"), r.toString());
    }

    @Test
    void tapPacketLoss_backupFetchesMissedBytesFromThePrimary_thenTakesOverCleanly() throws Exception {
        // the crash a second in, well after the last lost segment was fetched (a crash before that is the double
        // failure of the next test): the losses are among the first dozen client segments. (Every 5th up to 10 reached
        // the run's last segments, about 50 of them, so the last loss could come just before the crash: it failed so
        // once in a quiet full run, session 9.)
        Map<String, Object> r = drill(echo(2).withBackupArgs("--tap-drop-every 3 --tap-drop-limit 4").with(Drill.Crash.PRIMARY_HOST, 1000));
        assertEveryByteOnce(r);
        String t = r.get("takeover").toString();
        assertTrue(t.contains("restored=2") && t.contains("tap_dropped=4"), r.toString());
        assertFalse(t.contains("fetched_from_primary=0 "), "the missed bytes came over the sync channel: " + r);
    }

    /**
     * A double failure: the tap loses a client segment and the primary dies before the backup fetches it (no sync
     * reports here). The primary's kernel acknowledged those bytes, so the client will not send them again and the
     * connection cannot be carried on; the backup must reset it (the client hears of it) rather than leave it hanging.
     * The other connection, whose bytes the tap had, is taken over whole.
     */
    @Test
    void tapLossAndPrimaryCrashBeforeTheFetch_thatConnectionIsResetNotLeftHanging() throws Exception {
        Map<String, Object> r = drill(echo(2).withBackupArgs("--tap-drop-every 7 --tap-drop-limit 1 --sync-ms 600000"));
        assertNull(r.get("error"), "the client finished (nothing hung): " + r);
        String t = r.get("takeover").toString();
        assertTrue(t.contains("reset_missing_input=1") && t.contains("restored=1 "), r.toString());
        assertEquals(1L, r.get("connections_broken"), r.toString());
        assertEquals(0L, r.get("bytes_duplicated"), r.toString());
        assertEquals(false, r.get("false_takeover"), r.toString());
    }

    /**
     * Long (tagged): {@code mvn -pl tcp-ha test -Dtest.excludedGroups=none -Dgroups=long -Dtest=FailoverSystemTest}
     * (about a minute on 2 cores). Heartbeats 100 ms x 10, AppMaxLagTime and MaxDelayFIN 2 s: a primary JVM with
     * 1,000 connection threads on a machine at load 40 has gone 500 ms without a heartbeat (a false takeover is
     * still a clean one, but this test is about the crash).
     */
    @Test
    @Tag("long")
    void thousandConnectionsSurvivePrimaryKill() throws Exception {
        Map<String, Object> r = drill(new Drill.Config("echo", 100, 10, 1000, 60, 50, 0, 1000, "write", true, null,
                Drill.Crash.PRIMARY_HOST).withAppMaxLagMs(2000));
        assertEveryByteOnce(r);
        assertTrue(r.get("takeover").toString().contains("restored=1000 "), r.toString());
        assertEquals(true, r.get("crash_during_traffic"), "the crash came while the clients were still exchanging: " + r);
    }

    /** Long (tagged): a 100 MB bulk reply with the primary crashing in the middle. */
    @Test
    @Tag("long")
    void bulk100MegabytesSurvivesPrimaryKill() throws Exception {
        Map<String, Object> r = drill(new Drill.Config("bulk", HB_MS, MISS, 1, 1, 0, 100L << 20, 1000, "write", true, null,
                Drill.Crash.PRIMARY_HOST));
        assertEveryByteOnce(r);
        assertTrue(r.get("takeover").toString().contains("restored=1"), r.toString());
    }
}
