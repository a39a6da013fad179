package dev.holdfast.controller.sim;

import dev.holdfast.controller.call.Call;
import dev.holdfast.controller.call.CallState;
import dev.holdfast.controller.provisioning.ProvisioningLoader;
import dev.holdfast.h248.transaction.TransactionOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The smallest scenarios of failures the migration simulation found (MigrationSimulationTest), each run on the
 * simulation's world with no random faults: real controller cores, real gateway cores, the simulated wire.
 */
class MigrationSimScenariosTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private static SimWorld started(int gateways) { return started(gateways, 2); }

    private static SimWorld started(int gateways, int lines) {
        SimWorld w = new SimWorld(1, gateways, lines, SimFaults.NONE);
        w.start();
        assertTrue(w.runUntil(() -> w.allArmedAt(w.primary), Duration.ofSeconds(10)), "in service at the primary");
        return w;
    }

    /** The host puts its call on hold (flash, recall dial tone) and dials {@code number}: {@code lb} rings. */
    private static void consult(SimWorld w, SimGatewayNode host, String lh, String number, SimGatewayNode b, String lb) {
        host.core.flash(lh);
        assertTrue(w.runUntil(() -> host.core.signals(lh).contains("cg/dt"), WAIT), "recall dial tone");
        host.core.dial(lh, number);
        assertTrue(w.runUntil(() -> b.core.signals(lb).contains("al/ri"), WAIT), lb + " rings");
    }

    private static void connect(SimWorld w, SimGatewayNode a, String la, String number, SimGatewayNode b, String lb) {
        a.core.offHook(la);
        assertTrue(w.runUntil(() -> a.core.signals(la).contains("cg/dt"), WAIT), la + " hears dial tone");
        a.core.dial(la, number);
        assertTrue(w.runUntil(() -> b.core.signals(lb).contains("al/ri"), WAIT), lb + " rings");
        b.core.answer(lb);
        assertTrue(w.runUntil(() -> a.core.talkPathUp(la) && b.core.talkPathUp(lb), WAIT), la + " and " + lb + " talk");
    }

    private static boolean noContexts(SimWorld w) {
        for (SimGatewayNode g : w.gateways) if (g.alive() && !g.core.contextIds().isEmpty()) return false;
        return true;
    }

    private static String contexts(SimWorld w) {
        StringBuilder b = new StringBuilder();
        for (SimGatewayNode g : w.gateways) {
            if (!g.alive()) continue;
            b.append(g.name).append(':');
            for (Long c : g.core.contextIds()) b.append(' ').append(c).append(g.core.terminationsIn(c));
            b.append("; ");
        }
        return b.toString();
    }

    /**
     * Seeds 19, 24, 28: a line's cookie is forged, the IGC end in the same context verifies. The call is rebuilt from
     * the verified part; when it ends, the line with the forged cookie must leave the context too (it was left there,
     * in a context of its own, its on-hook answered with a NULL-context Modify the gateway refuses: 435).
     */
    @Test
    void aLineWhoseCookieIsForgedLeavesItsCallsContextWithTheCall() throws Exception {
        SimWorld w = started(2);
        CookieLedger ledger = new CookieLedger(w.alternate, ProvisioningLoader.parse(SimWorld.COOKIES + "gateways: []\n",
                ProvisioningLoader.Format.YAML, "keys").cookieKeyRing().orElseThrow(), w.time.wallMillis(), true, "gw2");
        w.wire.tap(ledger);
        SimGatewayNode east = w.gw(1), west = w.gw(2);
        connect(w, east, "A1", "2001", west, "A1");
        w.run(Duration.ofSeconds(1));
        w.primary.kill(() -> 0);
        assertTrue(w.runUntil(() -> w.allAliveAt(w.alternate), Duration.ofSeconds(10)), "failed over");
        w.run(Duration.ofSeconds(1));
        Map<String, Long> counters = w.alternate.core.calls().migrationCounters();
        assertEquals(1L, counters.get("cookie.rejected.forged"), "the altered cookie is rejected: " + counters);
        assertEquals(1, w.alternate.core.calls().calls().size(), "rebuilt from the parts that verify");
        west.core.onHook("A1");
        assertTrue(w.runUntil(() -> east.core.signals("A1").contains("cg/bt"), WAIT), "east hears busy");
        east.core.onHook("A1");
        assertTrue(w.runUntil(() -> noContexts(w), WAIT), "contexts left: " + contexts(w));
        assertTrue(w.alternate.core.calls().calls().isEmpty());
        assertTrue(west.core.signals("A1").isEmpty() && east.core.signals("A1").isEmpty());
    }

    /**
     * Seed 28: the primary dies while a call to another gateway is setting up (the caller's side added, the
     * callee's not yet), and the callee's gateway never comes back. The alternate rebuilds the call in SETUP from
     * the caller's cookies; when the caller hangs up, the call must end (it waited for a set-up nobody runs).
     */
    @Test
    void aMigratedCallStillSettingUpEndsWhenTheCallerHangsUp() {
        SimWorld w = started(2);
        SimGatewayNode east = w.gw(1), west = w.gw(2);
        east.core.offHook("A1");
        assertTrue(w.runUntil(() -> east.core.signals("A1").contains("cg/dt"), WAIT));
        east.core.dial("A1", "2001");
        assertTrue(w.runUntilFine(() -> east.core.contextOf("A1") != null, WAIT), "the caller's side is added");
        assertEquals(List.of(), west.core.contextIds(), "nothing on the callee's gateway yet");
        w.primary.kill(() -> 0);
        west.kill();
        assertTrue(w.runUntil(() -> w.allAliveAt(w.alternate), Duration.ofSeconds(10)), "east fails over");
        w.run(Duration.ofSeconds(1));
        List<Call> calls = List.copyOf(w.alternate.core.calls().calls());
        assertEquals(1, calls.size(), "rebuilt: " + calls);
        assertEquals(CallState.SETUP, calls.get(0).state());
        east.core.onHook("A1");
        assertTrue(w.runUntil(() -> noContexts(w) && w.alternate.core.calls().calls().isEmpty(), WAIT),
                "contexts left: " + contexts(w) + ", calls " + w.alternate.core.calls().calls());
    }

    /**
     * Seed 91: while a gateway registers with the alternate, the alternate ends a call with a context there (its
     * party on another gateway hung up during the outage). The gateway's context audit then names a context that is
     * gone; the gateway answers it with error 411, which ends the transaction, and the other contexts of that batch
     * went unaudited: an established call in one of them was taken for lost and released. Swept over the moments
     * the second gateway can arrive.
     */
    @Test
    void aContextGoneDuringTheAuditDoesNotCostTheOthersTheirCalls() {
        for (int offset = 0; offset <= 20; offset++) {
            SimWorld w = new SimWorld(1, 2, 3, SimFaults.NONE, Map.of(1, Duration.ofMillis(1), 2, Duration.ofMillis(offset)));
            w.start();
            assertTrue(w.runUntil(() -> w.allArmedAt(w.primary), Duration.ofSeconds(10)));
            SimGatewayNode east = w.gw(1), west = w.gw(2);
            connect(w, east, "A1", "2001", west, "A1"); // west context 1
            connect(w, west, "A2", "2003", west, "A3"); // west context 2
            w.run(Duration.ofSeconds(1));
            w.primary.kill(() -> 0);
            assertTrue(w.runUntilFine(() -> !east.core.registered(), WAIT));
            east.core.onHook("A1"); // queued: east has no controller
            assertTrue(w.runUntil(() -> w.allAliveAt(w.alternate), Duration.ofSeconds(10)), "failed over");
            w.run(Duration.ofSeconds(2));
            int at = offset;
            List<String> calls = w.alternate.core.calls().calls().stream().map(Call::toString).toList();
            assertEquals(1, calls.size(), "arrival offset " + at + " ms: the intra-gateway call on west lives: " + calls
                    + ", west contexts " + contexts(w));
            assertTrue(west.core.talkPathUp("A2") && west.core.talkPathUp("A3"), "offset " + at + ": still talking");
        }
    }

    /**
     * Drill at 3,000 calls under load: a gateway left the alternate while it was being audited (its heartbeat went
     * unanswered) and refused the context audit with 504; the alternate took that as "no contexts" and released
     * every call with a leg there (591 calls). A refused audit now says nothing about the contexts: it is asked
     * again, and the calls are kept.
     */
    @Test
    void aContextAuditRefusedWith504IsAskedAgainAndTheCallsAreKept() {
        SimWorld w = started(2);
        SimGatewayNode east = w.gw(1), west = w.gw(2);
        connect(w, east, "A1", "2001", west, "A1");
        var before = w.primary.core.calls().calls().iterator().next().structure();
        int[] refusals = {2};
        west.refuse = actions -> actions.size() == 1 && actions.get(0).contextId().equals(dev.holdfast.h248.message.ContextId.ALL)
                && refusals[0]-- > 0;
        w.run(Duration.ofSeconds(1));
        w.primary.kill(() -> 0);
        assertTrue(w.runUntil(() -> w.allAliveAt(w.alternate), Duration.ofSeconds(20)), "failed over");
        assertTrue(w.runUntil(() -> refusals[0] < 0 && w.alternate.core.calls().calls().size() == 1
                && !w.alternate.core.calls().reconstructing(w.alternate.core.association().gateway(west.name)), Duration.ofSeconds(20)),
                "rebuilt after the refusals: " + w.alternate.core.calls().calls());
        w.run(Duration.ofSeconds(2));
        Call after = w.alternate.core.calls().calls().iterator().next();
        assertEquals(before.legs().size(), after.structure().legs().size(), after.toString());
        assertTrue(east.core.talkPathUp("A1") && west.core.talkPathUp("A1"), "still talking");
        assertTrue(w.alternate.core.calls().migrationCounters().getOrDefault("merge.audit_failed", 0L) >= 2);
        east.core.onHook("A1");
        west.core.onHook("A1");
        assertTrue(w.runUntil(() -> noContexts(w) && w.alternate.core.calls().calls().isEmpty(), WAIT), contexts(w));
    }

    /**
     * Seed 140: a call rings on one gateway while its caller's gateway dies with the primary and never comes back.
     * The alternate rebuilds the call from the callee's side; its no-answer timer must run (it started only once
     * every leg had arrived, so the line rang for ever, and answering it did nothing).
     */
    @Test
    void aRingingCallWhoseCallersGatewayNeverReturnsStopsRingingAtTheNoAnswerTime() {
        SimWorld w = started(2);
        SimGatewayNode east = w.gw(1), west = w.gw(2);
        east.core.offHook("A1");
        assertTrue(w.runUntil(() -> east.core.signals("A1").contains("cg/dt"), WAIT));
        east.core.dial("A1", "2001");
        assertTrue(w.runUntil(() -> west.core.signals("A1").contains("al/ri"), WAIT), "west A1 rings");
        w.run(Duration.ofSeconds(2));
        w.primary.kill(() -> 0);
        east.kill();
        assertTrue(w.runUntil(() -> w.allAliveAt(w.alternate), Duration.ofSeconds(10)), "west fails over");
        w.run(Duration.ofSeconds(1));
        assertEquals(1, w.alternate.core.calls().calls().size(), "rebuilt from west's part");
        assertTrue(west.core.signals("A1").contains("al/ri"), "still ringing after the migration");
        assertTrue(w.runUntil(() -> noContexts(w) && west.core.signals("A1").isEmpty()
                        && w.alternate.core.calls().calls().isEmpty(), Duration.ofSeconds(SimWorld.NO_ANSWER_SECONDS + 5)),
                "released at the no-answer time: " + contexts(w) + " west A1 hears " + west.core.signals("A1")
                        + ", calls " + w.alternate.core.calls().calls());
    }

    /** Every cookie of one gateway's context forged: that side is talk-path-only, and nothing is left in the end. */
    @Test
    void aContextWhoseCookiesAreAllForgedIsGoneOnceEverybodyHungUp() throws Exception {
        SimWorld w = started(2);
        CookieLedger ledger = new CookieLedger(w.alternate, ProvisioningLoader.parse(SimWorld.COOKIES + "gateways: []\n",
                ProvisioningLoader.Format.YAML, "keys").cookieKeyRing().orElseThrow(), w.time.wallMillis(), true, "gw2");
        ledger.tamperAll = true;
        w.wire.tap(ledger);
        SimGatewayNode east = w.gw(1), west = w.gw(2);
        connect(w, east, "A1", "2001", west, "A1");
        w.run(Duration.ofSeconds(1));
        w.primary.kill(() -> 0);
        assertTrue(w.runUntil(() -> w.allAliveAt(w.alternate), Duration.ofSeconds(10)), "failed over");
        w.run(Duration.ofSeconds(1));
        assertEquals(2L, w.alternate.core.calls().migrationCounters().get("cookie.rejected.forged"));
        east.core.onHook("A1");
        w.run(Duration.ofSeconds(1));
        west.core.onHook("A1");
        assertTrue(w.runUntil(() -> noContexts(w) && w.alternate.core.calls().calls().isEmpty(), WAIT),
                "contexts left: " + contexts(w) + ", calls " + w.alternate.core.calls().calls());
        assertTrue(east.core.signals("A1").isEmpty() && west.core.signals("A1").isEmpty(),
                "signals: east " + east.core.signals("A1") + ", west " + west.core.signals("A1"));
    }

    /**
     * Seeds 905, 1139, 1228, 1898, 1943 (of 2000): during a consultation the host's gateway holds the held party's
     * IGC end alone in a context (no line there). Its cookie is forged: the context is kept talk-path-only, but a
     * talk-path-only context is only ever cleaned up when one of its lines goes on-hook, and this one has none; the
     * verified parts take the leg for lost. When everybody has hung up the RTP termination is still there.
     */
    @Test
    void aForgedContextWithoutALineIsGoneOnceEverybodyHungUp() throws Exception {
        SimWorld w = started(2);
        CookieLedger ledger = new CookieLedger(w.alternate, ProvisioningLoader.parse(SimWorld.COOKIES + "gateways: []\n",
                ProvisioningLoader.Format.YAML, "keys").cookieKeyRing().orElseThrow(), w.time.wallMillis(), true, "gw1");
        w.wire.tap(ledger);
        SimGatewayNode east = w.gw(1), west = w.gw(2);
        connect(w, east, "A1", "2001", west, "A1");
        consult(w, east, "A1", "1002", east, "A2");
        east.core.answer("A2");
        assertTrue(w.runUntil(() -> east.core.talkPathUp("A1") && east.core.talkPathUp("A2"), WAIT), "consultation talks");
        Long held = east.core.contextOf("R1");
        w.run(Duration.ofSeconds(1));
        w.primary.kill(() -> 0);
        assertTrue(w.runUntil(() -> w.allAliveAt(w.alternate), Duration.ofSeconds(10)), "failed over");
        w.run(Duration.ofSeconds(1));
        assertEquals(1L, w.alternate.core.calls().migrationCounters().get("cookie.rejected.forged"), ledger.tamperedWhere);
        for (String l : List.of("A2", "A1")) {
            east.core.onHook(l);
            w.run(Duration.ofSeconds(1));
        }
        west.core.onHook("A1");
        assertTrue(w.runUntil(() -> noContexts(w) && w.alternate.core.calls().calls().isEmpty(), WAIT),
                "held context " + held + "; contexts left: " + contexts(w) + ", calls " + w.alternate.core.calls().calls());
    }

    /**
     * Seeds 310, 1214 (of 2000): a consultation across three gateways (host on gw2, held party on gw3, consulted
     * party on gw1) when the primary dies, and the host's gateway never comes back. The alternate rebuilds the call
     * from the other two; they hang up (the held party, then the consulted party), yet the call stays at the
     * alternate (CONNECTED CONSULT, the host alone). Tried here with the consultation answered (passes) and ringing.
     */
    @Test
    void anAnsweredConsultationWhoseHostsGatewayNeverReturnsEndsWhenTheOthersHangUp() {
        consultationWithoutItsHost(true);
    }

    @Test
    void aRingingConsultationWhoseHostsGatewayNeverReturnsEnds() {
        consultationWithoutItsHost(false);
    }

    /** A consultation ringing at the kill: after the rebuild, the consulted party's answer connects it to the host. */
    @Test
    void aConsultationRingingAtTheKillConnectsWhenAnsweredAfterTheMigration() {
        SimWorld w = started(3);
        SimGatewayNode host = w.gw(1), heldGw = w.gw(2), consultedGw = w.gw(3);
        connect(w, host, "A1", "2001", heldGw, "A1");
        consult(w, host, "A1", "3001", consultedGw, "A1");
        w.run(Duration.ofSeconds(1));
        w.primary.kill(() -> 0);
        assertTrue(w.runUntil(() -> w.allAliveAt(w.alternate), Duration.ofSeconds(10)), "failed over");
        w.run(Duration.ofSeconds(1));
        assertEquals(1, w.alternate.core.calls().calls().size(), "rebuilt");
        consultedGw.core.answer("A1");
        assertTrue(w.runUntil(() -> host.core.talkPathUp("A1") && consultedGw.core.talkPathUp("A1"), WAIT),
                "the consultation talks after the migration; calls " + w.alternate.core.calls().calls());
        host.core.onHook("A1"); // transfer: the held party and the consulted one talk
        assertTrue(w.runUntil(() -> heldGw.core.talkPathUp("A1") && consultedGw.core.talkPathUp("A1"), WAIT),
                "transferred after the migration; calls " + w.alternate.core.calls().calls());
    }

    /**
     * A transfer during ringing (the host hung up while the consulted party rang: the held party hears ring-back) at
     * the kill: rebuilt as such, the consulted party's answer connects it to the held party; then both hang up and
     * nothing is left. Three gateways (held, host, consulted) or all on one.
     */
    @Test
    void aTransferRingingAtTheKillConnectsWhenAnsweredAfterTheMigration() {
        transferRingingAtTheKill(3);
    }

    @Test
    void aTransferRingingOnOneGatewayAtTheKillConnectsWhenAnsweredAfterTheMigration() {
        transferRingingAtTheKill(1);
    }

    private void transferRingingAtTheKill(int gateways) {
        SimWorld w = started(gateways, 3);
        SimGatewayNode host = w.gw(1), heldGw = w.gw(gateways == 1 ? 1 : 2), consultedGw = w.gw(gateways == 1 ? 1 : 3);
        String heldLine = gateways == 1 ? "A2" : "A1", consultedLine = gateways == 1 ? "A3" : "A1";
        connect(w, host, "A1", gateways == 1 ? "1002" : "2001", heldGw, heldLine);
        consult(w, host, "A1", gateways == 1 ? "1003" : "3001", consultedGw, consultedLine);
        host.core.onHook("A1");
        assertTrue(w.runUntil(() -> heldGw.core.signals(heldLine).contains("cg/rt"), WAIT), "held party hears ring-back");
        w.run(Duration.ofSeconds(1));
        String before = dev.holdfast.controller.CallStructures.comparable(
                List.copyOf(w.primary.core.calls().calls()).get(0).structure());
        w.primary.kill(() -> 0);
        assertTrue(w.runUntil(() -> w.allAliveAt(w.alternate), Duration.ofSeconds(10)), "failed over");
        w.run(Duration.ofSeconds(1));
        List<Call> calls = List.copyOf(w.alternate.core.calls().calls());
        assertEquals(1, calls.size(), "rebuilt");
        assertEquals(before, dev.holdfast.controller.CallStructures.comparable(calls.get(0).structure()));
        consultedGw.core.answer(consultedLine);
        assertTrue(w.runUntil(() -> heldGw.core.talkPathUp(heldLine) && consultedGw.core.talkPathUp(consultedLine)
                        && !heldGw.core.signals(heldLine).contains("cg/rt"), WAIT),
                "held and consulted talk after the migration (no more ring-back); calls " + w.alternate.core.calls().calls()
                        + ", held hears " + heldGw.core.signals(heldLine));
        heldGw.core.onHook(heldLine);
        w.run(Duration.ofSeconds(1));
        consultedGw.core.onHook(consultedLine);
        assertTrue(w.runUntil(() -> noContexts(w) && w.alternate.core.calls().calls().isEmpty(), WAIT),
                "contexts left: " + contexts(w) + ", calls " + w.alternate.core.calls().calls());
    }

    private void consultationWithoutItsHost(boolean answered) {
        SimWorld w = started(3);
        SimGatewayNode host = w.gw(1), heldGw = w.gw(2), consultedGw = w.gw(3);
        connect(w, host, "A1", "2001", heldGw, "A1");
        consult(w, host, "A1", "3001", consultedGw, "A1");
        if (answered) {
            consultedGw.core.answer("A1");
            assertTrue(w.runUntil(() -> host.core.talkPathUp("A1") && consultedGw.core.talkPathUp("A1"), WAIT), "consultation talks");
        }
        w.run(Duration.ofSeconds(1));
        w.primary.kill(() -> 0);
        host.kill();
        assertTrue(w.runUntil(() -> w.allAliveAt(w.alternate), Duration.ofSeconds(10)), "failed over");
        w.run(Duration.ofSeconds(1));
        assertEquals(1, w.alternate.core.calls().calls().size(), "rebuilt from the parts that are there");
        heldGw.core.onHook("A1");
        w.run(Duration.ofSeconds(1));
        if (answered) consultedGw.core.onHook("A1");
        assertTrue(w.runUntil(() -> noContexts(w) && w.alternate.core.calls().calls().isEmpty()
                        && consultedGw.core.signals("A1").isEmpty(), Duration.ofSeconds(SimWorld.NO_ANSWER_SECONDS + 5)),
                "contexts left: " + contexts(w) + ", calls " + w.alternate.core.calls().calls() + ", gw3 A1 hears "
                        + consultedGw.core.signals("A1"));
    }

    /**
     * Seed 192 with {@code -Dsim.udpLoss=true}: one gateway holds an older cookie of a call than the others (here:
     * the primary died after the host's gateway got the hold's cookies and before the held party's gateway got its
     * own). When the gateway with the older cookie reaches the alternate first, the call is built from it; the newer
     * part arriving later gives it its newer state (it was only counted, {@code merge.newer_part}, and the call
     * stayed a plain call).
     */
    @Test
    void aCallIsRebuiltFromItsNewestCookieWhenTheNewestArrivesFirst() { staleFarPart(Duration.ofMillis(1), Duration.ofMillis(500)); }

    @Test
    void aCallIsRebuiltFromItsNewestCookieWhenAnOlderOneArrivesFirst() { staleFarPart(Duration.ofMillis(500), Duration.ofMillis(1)); }

    private void staleFarPart(Duration hostArrives, Duration heldArrives) {
        SimWorld w = new SimWorld(1, 2, 2, SimFaults.NONE, Map.of(1, hostArrives, 2, heldArrives));
        w.start();
        assertTrue(w.runUntil(() -> w.allArmedAt(w.primary), Duration.ofSeconds(10)));
        SimGatewayNode host = w.gw(1), held = w.gw(2);
        connect(w, host, "A1", "2001", held, "A1");
        w.run(Duration.ofSeconds(1));
        boolean[] holding = {false};
        w.wire.dropWhen((l, text) -> holding[0] && l.gateway == held && l.controller == w.primary);
        holding[0] = true;
        host.core.flash("A1");
        assertTrue(w.runUntil(() -> host.core.signals("A1").contains("cg/dt"), WAIT), "held: recall dial tone");
        w.run(Duration.ofMillis(200));
        String before = dev.holdfast.controller.CallStructures.comparable(
                List.copyOf(w.primary.core.calls().calls()).get(0).structure());
        w.primary.kill(() -> 0);
        assertTrue(w.runUntil(() -> w.allAliveAt(w.alternate), Duration.ofSeconds(10)), "failed over");
        w.run(Duration.ofSeconds(1));
        List<Call> calls = List.copyOf(w.alternate.core.calls().calls());
        assertEquals(1, calls.size());
        assertEquals(before, dev.holdfast.controller.CallStructures.comparable(calls.get(0).structure()),
                "counters " + w.alternate.core.calls().migrationCounters());
    }

    /**
     * Seed 396 (of 2000): a consultation across three gateways being set up when the primary dies. The consulted
     * party's gateway has its context with the consultation's cookies (the newest); the held party's gateway has the
     * hold's (older), and so has the held side's RTP termination on the host's gateway; the host's line was moved
     * into the consultation's context there (with the newest cookie) next to an RTP termination that got neither
     * its far end's SDP nor a cookie (that Modify was lost with the primary). The alternate must rebuild the
     * consultation whatever the arrival order: the held party's older cookie places the host in the held context,
     * which only the host's own part corrects (a release that named the host there failed on the context, once gone,
     * and left the consultation's context behind). Then the consulted party answers and talks with the host; the
     * host hangs up (a transfer), the others after it, and nothing is left.
     */
    @Test
    void aConsultationHalfSetUpAtTheKillIsRebuiltFromItsNewestCookieHeldPartysGatewayFirst() {
        halfSetUpConsultation(Duration.ofMillis(400), Duration.ofMillis(1), Duration.ofMillis(150));
    }

    @Test
    void aConsultationHalfSetUpAtTheKillIsRebuiltFromItsNewestCookieHostsGatewayFirst() {
        halfSetUpConsultation(Duration.ofMillis(1), Duration.ofMillis(400), Duration.ofMillis(150));
    }

    @Test
    void aConsultationHalfSetUpAtTheKillIsRebuiltFromItsNewestCookieConsultedPartysGatewayFirst() {
        halfSetUpConsultation(Duration.ofMillis(400), Duration.ofMillis(150), Duration.ofMillis(1));
    }

    private void halfSetUpConsultation(Duration hostArrives, Duration heldArrives, Duration consultedArrives) {
        SimWorld w = new SimWorld(1, 3, 2, SimFaults.NONE, Map.of(1, hostArrives, 2, heldArrives, 3, consultedArrives));
        w.start();
        assertTrue(w.runUntil(() -> w.allArmedAt(w.primary), Duration.ofSeconds(10)));
        SimGatewayNode host = w.gw(1), heldGw = w.gw(2), consultedGw = w.gw(3);
        connect(w, host, "A1", "2001", heldGw, "A1");
        host.core.flash("A1");
        assertTrue(w.runUntil(() -> host.core.signals("A1").contains("cg/dt"), WAIT), "held: recall dial tone");
        w.run(Duration.ofMillis(500));
        // the consultation's last request to the host's gateway (its RTP termination's far SDP, the cookies) is lost
        boolean[] dialled = {false};
        w.wire.dropWhen((l, text) -> dialled[0] && l.gateway == host && l.controller == w.primary && text.contains("MF=R"));
        dialled[0] = true;
        host.core.dial("A1", "3001");
        assertTrue(w.runUntil(() -> consultedGw.core.signals("A1").contains("al/ri"), WAIT), "the consulted party rings");
        w.run(Duration.ofMillis(100));
        String before = dev.holdfast.controller.CallStructures.comparable(
                List.copyOf(w.primary.core.calls().calls()).get(0).structure());
        w.primary.kill(() -> 0);
        assertTrue(w.runUntil(() -> w.allAliveAt(w.alternate), Duration.ofSeconds(10)), "failed over");
        w.run(Duration.ofSeconds(1));
        List<Call> calls = List.copyOf(w.alternate.core.calls().calls());
        assertEquals(1, calls.size(), "rebuilt: " + calls);
        assertEquals(before, dev.holdfast.controller.CallStructures.comparable(calls.get(0).structure()),
                "counters " + w.alternate.core.calls().migrationCounters());
        consultedGw.core.answer("A1");
        assertTrue(w.runUntil(() -> host.core.talkPathUp("A1") && consultedGw.core.talkPathUp("A1"), WAIT),
                "the consultation talks after the migration; calls " + w.alternate.core.calls().calls());
        host.core.onHook("A1"); // transfer: the held party and the consulted one talk
        assertTrue(w.runUntil(() -> heldGw.core.talkPathUp("A1") && consultedGw.core.talkPathUp("A1"), WAIT),
                "transferred after the migration; calls " + w.alternate.core.calls().calls());
        heldGw.core.onHook("A1");
        w.run(Duration.ofSeconds(1));
        consultedGw.core.onHook("A1");
        assertTrue(w.runUntil(() -> noContexts(w) && w.alternate.core.calls().calls().isEmpty(), WAIT),
                "contexts left: " + contexts(w) + ", calls " + w.alternate.core.calls().calls());
    }

    /**
     * A conference across three gateways; the host drops the party added last (flash, 2) and the primary dies after
     * the host's gateway carried it out (its cookies say: a two-party call) but before the dropped party's gateway
     * heard of it (its context, with the conference's older cookies, is still there). Whatever the arrival order,
     * the alternate rebuilds the two-party call from the newer cookies and finishes the drop: the dropped party's
     * line leaves its context (with the RTP termination that led to the conference) and hears busy until it hangs
     * up. The other two still talk, and nothing is left once everybody has hung up.
     */
    @Test
    void aPartyDroppedFromAConferenceJustBeforeTheKillLeavesWhenItsGatewayArrivesLast() {
        droppedAtTheKill(Duration.ofMillis(1), Duration.ofMillis(150), Duration.ofMillis(400));
    }

    @Test
    void aPartyDroppedFromAConferenceJustBeforeTheKillLeavesWhenItsGatewayArrivesFirst() {
        droppedAtTheKill(Duration.ofMillis(400), Duration.ofMillis(150), Duration.ofMillis(1));
    }

    private void droppedAtTheKill(Duration hostArrives, Duration heldArrives, Duration droppedArrives) {
        SimWorld w = new SimWorld(1, 3, 2, SimFaults.NONE, Map.of(1, hostArrives, 2, heldArrives, 3, droppedArrives));
        w.start();
        assertTrue(w.runUntil(() -> w.allArmedAt(w.primary), Duration.ofSeconds(10)));
        SimGatewayNode host = w.gw(1), heldGw = w.gw(2), droppedGw = w.gw(3);
        connect(w, host, "A1", "2001", heldGw, "A1");
        consult(w, host, "A1", "3001", droppedGw, "A1");
        droppedGw.core.answer("A1");
        assertTrue(w.runUntil(() -> host.core.talkPathUp("A1") && droppedGw.core.talkPathUp("A1"), WAIT), "consultation talks");
        host.core.flash("A1");
        assertTrue(w.runUntil(() -> host.core.signals("A1").contains("cg/dt"), WAIT), "recall dial tone");
        host.core.dial("A1", "3");
        assertTrue(w.runUntil(() -> List.copyOf(w.primary.core.calls().calls()).get(0).feature() == Call.Feature.CONFERENCE
                && heldGw.core.talkPathUp("A1") && droppedGw.core.talkPathUp("A1") && host.core.talkPathUp("A1"), WAIT),
                "conference");
        w.run(Duration.ofMillis(500));
        boolean[] dropping = {false};
        w.wire.dropWhen((l, text) -> dropping[0] && l.gateway == droppedGw && l.controller == w.primary);
        dropping[0] = true;
        host.core.flash("A1");
        assertTrue(w.runUntil(() -> host.core.signals("A1").contains("cg/dt"), WAIT), "recall dial tone");
        host.core.dial("A1", "2");
        assertTrue(w.runUntil(() -> w.primary.core.calls().calls().iterator().next().parties().size() == 2
                && host.core.signals("A1").isEmpty(), WAIT), "the last party dropped at the primary");
        w.run(Duration.ofMillis(200));
        assertTrue(droppedGw.core.contextOf("A1") != null, "the dropped party's gateway did not hear of it");
        String before = dev.holdfast.controller.CallStructures.comparable(
                List.copyOf(w.primary.core.calls().calls()).get(0).structure());
        w.primary.kill(() -> 0);
        assertTrue(w.runUntil(() -> w.allAliveAt(w.alternate), Duration.ofSeconds(10)), "failed over");
        w.run(Duration.ofSeconds(1));
        List<Call> calls = List.copyOf(w.alternate.core.calls().calls());
        assertEquals(1, calls.size(), "rebuilt: " + calls);
        assertEquals(before, dev.holdfast.controller.CallStructures.comparable(calls.get(0).structure()),
                "counters " + w.alternate.core.calls().migrationCounters());
        assertTrue(w.runUntil(() -> droppedGw.core.contextOf("A1") == null && droppedGw.core.signals("A1").contains("cg/bt"), WAIT),
                "the dropped party leaves its context and hears busy: " + contexts(w) + ", it hears " + droppedGw.core.signals("A1"));
        assertTrue(host.core.talkPathUp("A1") && heldGw.core.talkPathUp("A1"), "the other two still talk");
        droppedGw.core.onHook("A1");
        w.run(Duration.ofSeconds(1));
        assertTrue(droppedGw.core.signals("A1").isEmpty(), "no busy tone once on-hook");
        heldGw.core.onHook("A1");
        w.run(Duration.ofSeconds(1));
        host.core.onHook("A1");
        assertTrue(w.runUntil(() -> noContexts(w) && w.alternate.core.calls().calls().isEmpty(), WAIT),
                "contexts left: " + contexts(w) + ", calls " + w.alternate.core.calls().calls());
        // the dropped line works again
        droppedGw.core.offHook("A1");
        assertTrue(w.runUntil(() -> droppedGw.core.signals("A1").contains("cg/dt"), WAIT), "dial tone for the dropped line");
    }

    /**
     * A newer part from before the failover arrives after the rebuilt call changed at the alternate: the primary held
     * and retrieved the call on the host's gateway, whose cookies only it got (the held party's gateway kept the
     * plain call's); the held party's gateway arrives first, its party puts the call on hold at the alternate, and
     * only then does the host's gateway arrive, with a higher generation than the alternate's. The call keeps what
     * happened here (the hold by the other party), and the late gateway's cookies are written over.
     */
    @Test
    void aNewerPartArrivingAfterTheCallChangedAtTheAlternateDoesNotUndoTheChange() {
        SimWorld w = new SimWorld(1, 2, 2, SimFaults.NONE, Map.of(1, Duration.ofSeconds(4), 2, Duration.ofMillis(1)));
        w.start();
        assertTrue(w.runUntil(() -> w.allArmedAt(w.primary), Duration.ofSeconds(10)));
        SimGatewayNode host = w.gw(1), other = w.gw(2);
        connect(w, host, "A1", "2001", other, "A1");
        w.run(Duration.ofSeconds(1));
        boolean[] holding = {false};
        w.wire.dropWhen((l, text) -> holding[0] && l.gateway == other && l.controller == w.primary);
        holding[0] = true;
        host.core.flash("A1");
        assertTrue(w.runUntil(() -> host.core.signals("A1").contains("cg/dt"), WAIT), "held: recall dial tone");
        w.run(Duration.ofMillis(300));
        host.core.flash("A1");
        assertTrue(w.runUntil(() -> host.core.signals("A1").isEmpty()
                && List.copyOf(w.primary.core.calls().calls()).get(0).feature() == Call.Feature.NONE, WAIT), "retrieved");
        w.run(Duration.ofMillis(300));
        w.primary.kill(() -> 0);
        assertTrue(w.runUntil(() -> other.core.registered() && w.alternate.core.calls().calls().size() == 1, Duration.ofSeconds(3)),
                "rebuilt from the other party's gateway");
        other.core.flash("A1");
        assertTrue(w.runUntil(() -> other.core.signals("A1").contains("cg/dt"), WAIT), "the other party holds at the alternate");
        assertTrue(w.runUntil(() -> w.allAliveAt(w.alternate), Duration.ofSeconds(10)), "the host's gateway arrives");
        w.run(Duration.ofSeconds(1));
        Call c = List.copyOf(w.alternate.core.calls().calls()).get(0);
        assertEquals(Call.Feature.HOLD, c.feature(), c + ", counters " + w.alternate.core.calls().migrationCounters());
        assertEquals(1L, w.alternate.core.calls().migrationCounters().get("merge.newer_part_after_change"));
        assertEquals("gw2", c.structure().roles().stream().filter(p -> p.role() == dev.holdfast.controller.call.CallStructure.Role.HOST)
                .findFirst().orElseThrow().gateway(), c.toString());
        other.core.flash("A1");
        assertTrue(w.runUntil(() -> other.core.talkPathUp("A1") && host.core.talkPathUp("A1")
                && other.core.signals("A1").isEmpty(), WAIT), "retrieved at the alternate: they talk");
        host.core.onHook("A1");
        w.run(Duration.ofSeconds(1));
        other.core.onHook("A1");
        assertTrue(w.runUntil(() -> noContexts(w) && w.alternate.core.calls().calls().isEmpty(), WAIT),
                "contexts left: " + contexts(w) + ", calls " + w.alternate.core.calls().calls());
    }

    /**
     * The mirror of a newer part that is right: the primary held the call, its Modify to the host's gateway (recall
     * dial tone, the held side inactive, the new cookies) was lost (over UDP: not yet retransmitted when it died),
     * while the cookie-only Modify to the held party's gateway arrived. The newest cookie says HOLD, but the host's
     * gateway, where features are carried out, never held: the call should be rebuilt as that gateway has it, and
     * the host's next flash should hold it (the newest cookie won: the call was rebuilt as held, and the host's
     * flash retrieved a hold that never was). Either arrival order.
     * <p>
     * The controllers send one message per transaction here: with one message per turn (the default) the Notify's
     * reply and the hold's Modify share a message, and losing it loses both (the case below). Over UDP the
     * gateway's Notify, sent again, is answered alone from the reply cache while the Modify waits for its own
     * retransmission: that is this case.
     */
    @Test
    void aHoldItsHostsGatewayNeverGotIsNotTakenFromTheHeldPartysNewerCookieHostFirst() {
        holdNotCarriedOut(Duration.ofMillis(1), Duration.ofMillis(300));
    }

    @Test
    void aHoldItsHostsGatewayNeverGotIsNotTakenFromTheHeldPartysNewerCookieHeldFirst() {
        holdNotCarriedOut(Duration.ofMillis(300), Duration.ofMillis(1));
    }

    /**
     * One message per turn: the primary's reply to the host's flash and its hold Modify to the host travel together
     * and are lost together, while the cookie-only Modify to the held party's gateway arrives. The host's gateway
     * never had its flash answered, so it reports it again to the alternate: the call is rebuilt as the host's
     * gateway has it (not held) and the reported flash holds it there, once.
     */
    @Test
    void aHoldWhoseReplyAndModifyWereLostTogetherIsMadeAtTheAlternateFromTheReportedFlash() {
        SimWorld w = new SimWorld(1, 2, 2, SimFaults.NONE, Map.of(1, Duration.ofMillis(1), 2, Duration.ofMillis(300)));
        holdLostOnTheHostsGatewayThenFailOver(w);
        SimGatewayNode host = w.gw(1), held = w.gw(2);
        assertTrue(w.runUntil(() -> host.core.signals("A1").contains("cg/dt"), WAIT),
                "the flash the primary never answered holds the call at the alternate");
        w.run(Duration.ofSeconds(1));
        Call c = List.copyOf(w.alternate.core.calls().calls()).get(0);
        assertEquals(Call.Feature.HOLD, c.feature(), c + ", counters " + w.alternate.core.calls().migrationCounters());
        host.core.flash("A1");
        assertTrue(w.runUntil(() -> host.core.signals("A1").isEmpty() && host.core.talkPathUp("A1")
                && held.core.talkPathUp("A1"), WAIT), "retrieved: they talk");
        held.core.onHook("A1");
        w.run(Duration.ofSeconds(1));
        host.core.onHook("A1");
        assertTrue(w.runUntil(() -> noContexts(w) && w.alternate.core.calls().calls().isEmpty(), WAIT),
                "contexts left: " + contexts(w) + ", calls " + w.alternate.core.calls().calls());
    }

    /**
     * gw1's A1 calls gw2's A1 and holds (flash); every primary-to-gw1 message with a Modify is lost from then on;
     * the primary is killed once it has the call held, and every gateway reaches the alternate.
     */
    private static void holdLostOnTheHostsGatewayThenFailOver(SimWorld w) {
        w.start();
        assertTrue(w.runUntil(() -> w.allArmedAt(w.primary), Duration.ofSeconds(10)));
        SimGatewayNode host = w.gw(1), held = w.gw(2);
        connect(w, host, "A1", "2001", held, "A1");
        w.run(Duration.ofSeconds(1));
        boolean[] holding = {false};
        w.wire.dropWhen((l, text) -> holding[0] && l.gateway == host && l.controller == w.primary && text.contains("MF="));
        holding[0] = true;
        host.core.flash("A1");
        assertTrue(w.runUntil(() -> List.copyOf(w.primary.core.calls().calls()).get(0).feature() == Call.Feature.HOLD, WAIT));
        w.run(Duration.ofMillis(200));
        assertTrue(host.core.signals("A1").isEmpty(), "the host's gateway did not hold");
        w.primary.kill(() -> 0);
        assertTrue(w.runUntil(() -> w.allAliveAt(w.alternate), Duration.ofSeconds(10)), "failed over");
    }

    private void holdNotCarriedOut(Duration hostArrives, Duration heldArrives) {
        SimWorld w = new SimWorld(1, 2, 2, SimFaults.NONE, Map.of(1, hostArrives, 2, heldArrives),
                TransactionOptions.DEFAULTS.withBatchPerTurn(false));
        holdLostOnTheHostsGatewayThenFailOver(w);
        SimGatewayNode host = w.gw(1), held = w.gw(2);
        w.run(Duration.ofSeconds(1));
        Call c = List.copyOf(w.alternate.core.calls().calls()).get(0);
        assertEquals(Call.Feature.NONE, c.feature(), c + ", counters " + w.alternate.core.calls().migrationCounters());
        host.core.flash("A1");
        assertTrue(w.runUntil(() -> host.core.signals("A1").contains("cg/dt"), WAIT), "the host's flash holds");
        host.core.flash("A1");
        assertTrue(w.runUntil(() -> host.core.signals("A1").isEmpty() && host.core.talkPathUp("A1")
                && held.core.talkPathUp("A1"), WAIT), "retrieved: they talk");
        held.core.onHook("A1");
        w.run(Duration.ofSeconds(1));
        host.core.onHook("A1");
        assertTrue(w.runUntil(() -> noContexts(w) && w.alternate.core.calls().calls().isEmpty(), WAIT),
                "contexts left: " + contexts(w) + ", calls " + w.alternate.core.calls().calls());
    }
}
