package dev.holdfast.controller.e2e;

import dev.holdfast.controller.Controller;
import dev.holdfast.controller.call.CallStructure;
import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.holdfast.controller.e2e.ConferenceEndToEndTest.conference;
import static dev.holdfast.controller.e2e.E2eNetwork.eventually;
import static dev.holdfast.controller.e2e.E2eSteps.*;
import static dev.holdfast.controller.e2e.HoldEndToEndTest.connect;
import static dev.holdfast.controller.e2e.MigrationEndToEndTest.calls;
import static dev.holdfast.controller.e2e.MigrationEndToEndTest.comparable;
import static dev.holdfast.controller.e2e.MigrationEndToEndTest.inService;
import static dev.holdfast.controller.e2e.MigrationEndToEndTest.structures;
import static dev.holdfast.controller.e2e.TransferEndToEndTest.consult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Merge and features after migration (docs/migration.md), on loopback over TCP with real simulated gateways. The
 * order in which gateways reach the alternate is set with {@link SilentController}s on their lists (each one delays
 * a gateway's failover by its transaction timeout, about 3 s).
 */
class MigrationMergeTest {
    static final int SLOW = 25;

    /** Waits until every gateway is in service at the alternate and it has {@code calls} calls. */
    private static void migrated(E2eNetwork n, int gateways, int calls) throws Exception {
        Controller alt = n.alternate;
        for (int g = 1; g <= gateways; g++) {
            String name = "gw" + g;
            assertTrue(eventually(() -> inService(alt, name), SLOW), name + " fails over");
        }
        assertTrue(eventually(() -> calls(alt) == calls, SLOW), "alternate has " + calls + " calls: " + calls(alt));
    }

    private static void assertSameStructures(Map<String, CallStructure> before, Controller alt) throws Exception {
        Map<String, CallStructure> after = structures(alt);
        assertEquals(before.keySet(), after.keySet());
        for (String p : before.keySet()) assertEquals(comparable(before.get(p)), comparable(after.get(p)), "structure of " + p);
    }

    /** A conference hosted on gw1 with parties on gw2 and gw3 (two IGCs), migrated with gateways arriving in {@code hops} order. */
    private static void conferenceAcrossThreeGateways(Map<Integer, Integer> hops) throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 3, 2, 30, Map.of(),
                MigrationEndToEndTest.COOKIES, MigrationEndToEndTest.COOKIES, hops)) {
            registered(n);
            SimulatedGateway host = n.gw(1), west = n.gw(2), south = n.gw(3);
            connect(host, "A1", "2001", west, "A1");
            consult(host, "A1", "3001", south, "A1");
            assertTrue(south.answer("A1"));
            answered(host, "A1", south, "A1");
            conference(host, "A1");
            talking(west, "A1", south, "A1");
            Map<String, CallStructure> before = structures(n.controller);
            assertEquals("CONFERENCE", before.values().iterator().next().feature());

            n.controller.close();
            migrated(n, 3, 1);
            assertSameStructures(before, n.alternate);
            talking(west, "A1", south, "A1");
            assertTrue(host.talkPathUp("A1"), "the host still talks");

            // drop the party added last (south), then the others end the call
            host.flash("A1");
            assertTrue(eventually(() -> hears(host, "A1", "cg/dt"), WAIT), "recall dial tone");
            host.dial("A1", "2");
            assertTrue(eventually(() -> south.contextOf("A1") == null, WAIT), "south dropped");
            talking(host, "A1", west, "A1");
            south.onHook("A1");
            assertIdle(south, "A1");
            west.onHook("A1");
            assertIdle(west, "A1");
            assertTrue(eventually(() -> hears(host, "A1", "cg/bt"), WAIT), "host hears busy");
            host.onHook("A1");
            assertIdle(host, "A1");
            noContextsLeft(n);
        }
    }

    private static void noContextsLeft(E2eNetwork n) throws Exception {
        for (SimulatedGateway g : n.gateways) {
            assertTrue(eventually(() -> g.contextIds().isEmpty(), WAIT), g.config().midText() + " contexts " + g.contextIds());
        }
        assertTrue(eventually(() -> calls(n.alternate) == 0, WAIT), "no call left: " + calls(n.alternate));
    }

    @Test
    void conferenceWithTwoIgcsMergesWhenTheHostArrivesLast() throws Exception {
        conferenceAcrossThreeGateways(Map.of(1, 1));
    }

    @Test
    void conferenceWithTwoIgcsMergesWhenTheHostArrivesFirst() throws Exception {
        conferenceAcrossThreeGateways(Map.of(2, 1, 3, 2));
    }

    @Test
    void aHangUpWhileNoControllerIsReachableIsServedAfterTheRebuild() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 2, 1, 30, Map.of(),
                MigrationEndToEndTest.COOKIES, MigrationEndToEndTest.COOKIES, Map.of(2, 1))) {
            registered(n);
            SimulatedGateway east = n.gw(1), west = n.gw(2);
            connect(east, "A1", "2001", west, "A1");
            n.controller.close();
            // west is still trying the silent controller: its subscriber hangs up, the gateway queues the Notify
            west.onHook("A1");
            migrated(n, 2, 0);
            assertTrue(eventually(() -> hears(east, "A1", "cg/bt"), SLOW), "east A1 hears busy");
            assertIdle(west, "A1");
            east.onHook("A1");
            assertIdle(east, "A1");
            noContextsLeft(n);
        }
    }

    @Test
    void aTrunkWithoutDisconnectSupervisionIsReleasedWhenOurPartyHangsUpAfterMigration() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 1, 2, 30, Map.of("T1", false),
                MigrationEndToEndTest.COOKIES, MigrationEndToEndTest.COOKIES, Map.of())) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            offHookAndDial(gw, "A1", "95551");
            assertTrue(eventually(() -> gw.talkPathUp("A1") && gw.signals("T1").isEmpty(), WAIT), "connected to T1");
            Map<String, CallStructure> before = structures(n.controller);
            n.controller.close();
            migrated(n, 1, 1);
            assertSameStructures(before, n.alternate);
            gw.offHook("T1");
            gw.onHook("T1"); // the far end left; this trunk cannot say so
            Thread.sleep(300);
            assertEquals(1, calls(n.alternate));
            gw.onHook("A1");
            assertIdle(gw, "A1");
            assertTrue(eventually(() -> gw.contextOf("T1") == null && gw.armedEvents("T1").contains("al/of"), WAIT), "T1 idle");
            noContextsLeft(n);
        }
    }

    @Test
    void cookiesSignedWithAnotherKeyAreRejectedAndTheirCallsKeptTalkPathOnly() throws Exception {
        String otherKey = """
                cookies: { current: 7, keys: [ { id: 7, secret: "b3RoZXItY29udHJvbGxlci1rZXktdGhhdC1pcy0zMi1ieXRlcw==" } ] }
                """;
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 2, 1, 30, Map.of(),
                MigrationEndToEndTest.COOKIES, otherKey, Map.of())) {
            registered(n);
            SimulatedGateway east = n.gw(1), west = n.gw(2);
            connect(east, "A1", "2001", west, "A1");
            n.controller.close();
            for (String g : List.of("gw1", "gw2")) assertTrue(eventually(() -> inService(n.alternate, g), SLOW), g + " fails over");
            Thread.sleep(500);
            assertEquals(0, calls(n.alternate), "nothing rebuilt from cookies that do not verify");
            Map<String, Long> counters = n.alternate.inspect(core -> core.calls().migrationCounters());
            assertTrue(counters.getOrDefault("cookie.rejected.unknown_key", 0L) + counters.getOrDefault("cookie.rejected.forged", 0L) >= 4,
                    "rejections counted: " + counters);
            talking(east, "A1", west, "A1"); // talk-path-only: left alone
            east.onHook("A1");
            assertIdle(east, "A1");
            west.onHook("A1");
            assertIdle(west, "A1");
            assertTrue(eventually(() -> east.contextIds().isEmpty() && west.contextIds().isEmpty(), WAIT),
                    "contexts " + east.contextIds() + " " + west.contextIds());
        }
    }

    @Test
    void aGatewayThatNeverReturnsLeavesTheCallToThePartiesThatAreThere() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 2, 1, 30, Map.of(),
                MigrationEndToEndTest.COOKIES, MigrationEndToEndTest.COOKIES, Map.of(2, 3))) {
            registered(n);
            SimulatedGateway east = n.gw(1), west = n.gw(2);
            connect(east, "A1", "2001", west, "A1");
            Map<String, CallStructure> before = structures(n.controller);
            n.controller.close();
            west.close(); // dies while still on its way to the alternate
            assertTrue(eventually(() -> inService(n.alternate, "gw1"), SLOW), "gw1 fails over");
            assertTrue(eventually(() -> calls(n.alternate) == 1, SLOW), "the call is rebuilt from east's part");
            assertSameStructures(before, n.alternate);
            east.onHook("A1");
            assertIdle(east, "A1");
            assertTrue(eventually(() -> east.contextIds().isEmpty() && calls(n.alternate) == 0, WAIT),
                    "east clean: " + east.contextIds());
        }
    }

    @Test
    void aCallHeldAcrossGatewaysIsRetrievedAfterMigration() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 2, 1, 30, MigrationEndToEndTest.COOKIES)) {
            registered(n);
            SimulatedGateway east = n.gw(1), west = n.gw(2);
            connect(east, "A1", "2001", west, "A1");
            east.flash("A1");
            assertTrue(eventually(() -> hears(east, "A1", "cg/dt"), WAIT), "held: recall dial tone");
            silent(west, "A1");
            Map<String, CallStructure> before = structures(n.controller);
            assertEquals("HOLD", before.values().iterator().next().feature());
            n.controller.close();
            migrated(n, 2, 1);
            assertSameStructures(before, n.alternate);
            east.flash("A1");
            talking(east, "A1", west, "A1");
            west.onHook("A1");
            assertIdle(west, "A1");
            east.onHook("A1");
            assertIdle(east, "A1");
            noContextsLeft(n);
        }
    }

    @Test
    void aThirdPartyJoinsAMigratedCallAndATransferFollows() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 2, 3, 30, MigrationEndToEndTest.COOKIES)) {
            registered(n);
            SimulatedGateway east = n.gw(1), west = n.gw(2);
            connect(east, "A1", "2001", west, "A1");
            connect(west, "A2", "1003", east, "A3");
            n.controller.close();
            migrated(n, 2, 2);
            // conference: east A1 consults east A2, then all three
            consult(east, "A1", "1002", east, "A2");
            assertTrue(east.answer("A2"));
            answered(east, "A1", east, "A2");
            east.flash("A1");
            assertTrue(eventually(() -> hears(east, "A1", "cg/dt"), WAIT), "recall dial tone");
            east.dial("A1", "3");
            // the other call has a context on east too: look at the host's context only
            assertTrue(eventually(() -> east.contextOf("A1") != null && east.terminationsIn(east.contextOf("A1")).size() == 3
                    && east.contextOf("A2").equals(east.contextOf("A1")), WAIT), "conference in the host's context");
            talking(west, "A1", east, "A2");
            // the host leaves: the other two talk on
            east.onHook("A1");
            assertIdle(east, "A1");
            talking(west, "A1", east, "A2");
            west.onHook("A1");
            assertTrue(eventually(() -> hears(east, "A2", "cg/bt"), WAIT), "A2 hears busy");
            east.onHook("A2");
            assertIdle(east, "A2");
            assertIdle(west, "A1");
            // a transfer on the other migrated call: east A3 consults west A3 and hangs up
            consult(east, "A3", "2003", west, "A3");
            assertTrue(west.answer("A3"));
            answered(east, "A3", west, "A3");
            east.onHook("A3"); // transfer: west A2 and west A3 talk
            assertIdle(east, "A3");
            talking(west, "A2", west, "A3");
            west.onHook("A2");
            west.onHook("A3");
            assertIdle(west, "A2");
            assertIdle(west, "A3");
            noContextsLeft(n);
        }
    }
}
