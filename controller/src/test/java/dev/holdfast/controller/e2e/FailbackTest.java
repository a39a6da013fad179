package dev.holdfast.controller.e2e;

import dev.holdfast.controller.Controller;
import dev.holdfast.controller.call.CallStructure;
import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import dev.holdfast.endpointsim.phone.Call;
import dev.holdfast.endpointsim.phone.CallState;
import dev.holdfast.endpointsim.phone.Phone;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.holdfast.controller.e2e.E2eNetwork.eventually;
import static dev.holdfast.controller.e2e.E2eSteps.*;
import static dev.holdfast.controller.e2e.HoldEndToEndTest.connect;
import static dev.holdfast.controller.e2e.MigrationEndToEndTest.calls;
import static dev.holdfast.controller.e2e.MigrationEndToEndTest.comparable;
import static dev.holdfast.controller.e2e.MigrationEndToEndTest.inService;
import static dev.holdfast.controller.e2e.MigrationEndToEndTest.structures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failback (docs/migration.md): the primary dies, its calls move to the alternate, the primary comes back on its
 * address. The alternate, which watches it, hands its gateways back with ServiceChange Handoff: at once with their
 * calls ({@code failback: immediate}; the primary rebuilds them from their cookies), or each once it has no call
 * ({@code failback: idle}).
 */
class FailbackTest {
    static final int SLOW = 25;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static E2eNetwork pair(String failback, int lines) throws Exception {
        int port = freePort();
        String primary = "controller: { address: 127.0.0.1, port: " + port + ", transports: [tcp] }\n" + MigrationEndToEndTest.COOKIES;
        String alternate = "controller: { address: 127.0.0.1, port: 0, transports: [tcp], role: alternate, peer: \"[127.0.0.1]:"
                + port + "\", failback: " + failback + " }\n" + MigrationEndToEndTest.COOKIES;
        return E2eNetwork.startWithAlternate(Transport.TCP, 2, lines, 30, Map.of(), primary, alternate, Map.of());
    }

    /** As {@link #pair} with the SIP side: the primary's SIP port fixed too (the phones find it again), subscribers 5001-5003. */
    private static E2eNetwork pairWithPhones(String failback, int lines) throws Exception {
        int port = freePort();
        int sipPort = freePort();
        String subscribers = """
                subscribers:
                  - { user: "5001", password: s5001, number: "5001" }
                  - { user: "5002", password: s5002, number: "5002" }
                  - { user: "5003", password: s5003, number: "5003" }
                """;
        String primary = "controller: { address: 127.0.0.1, port: " + port + ", transports: [tcp] }\n"
                + "sip: { address: 127.0.0.1, port: " + sipPort + ", transports: [udp], minExpires: 1 }\n" + subscribers
                + MigrationEndToEndTest.COOKIES;
        String alternate = "controller: { address: 127.0.0.1, port: 0, transports: [tcp], role: alternate, peer: \"[127.0.0.1]:"
                + port + "\", failback: " + failback + " }\n" + "sip: { address: 127.0.0.1, port: 0, transports: [udp], minExpires: 1 }\n"
                + subscribers + MigrationEndToEndTest.COOKIES;
        return E2eNetwork.startWithAlternate(Transport.TCP, 1, lines, 30, Map.of(), primary, alternate, Map.of());
    }

    private static boolean listening(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static boolean at(SimulatedGateway gw, Controller c) {
        return c.address("tcp").getPort() == (gw.currentController() == null ? -1 : gw.currentController().getPort());
    }

    @Test
    void immediateFailbackHandsTheCallsBackToTheReturnedPrimary() throws Exception {
        try (E2eNetwork n = pair("immediate", 3)) {
            registered(n);
            SimulatedGateway east = n.gw(1), west = n.gw(2);
            connect(east, "A1", "1002", east, "A2");
            connect(east, "A3", "2001", west, "A1");
            Map<String, CallStructure> before = structures(n.controller);
            int port = n.controller.address("tcp").getPort();
            n.controller.close();
            assertTrue(eventually(() -> !listening(port), WAIT), "the primary's port is closed");
            assertTrue(eventually(() -> inService(n.alternate, "gw1") && inService(n.alternate, "gw2")
                    && calls(n.alternate) == 2, SLOW), "migrated to the alternate");

            Controller back = n.restartPrimary();
            assertTrue(eventually(() -> inService(back, "gw1") && inService(back, "gw2") && calls(back) == 2, SLOW),
                    "handed back: the primary has " + calls(back) + " calls");
            assertTrue(eventually(() -> calls(n.alternate) == 0, WAIT), "the alternate forgot them");
            assertTrue(at(east, back) && at(west, back), "both gateways use the primary");
            Map<String, CallStructure> after = structures(back);
            for (String p : before.keySet()) assertEquals(comparable(before.get(p)), comparable(after.get(p)), p);
            talking(east, "A1", east, "A2");
            talking(east, "A3", west, "A1");
            west.onHook("A1");
            assertIdle(west, "A1");
            assertTrue(eventually(() -> hears(east, "A3", "cg/bt"), WAIT), "A3 hears busy from the primary");
            east.onHook("A3");
            east.onHook("A1");
            east.onHook("A2");
            for (String l : new String[] {"A1", "A2", "A3"}) assertIdle(east, l);
            assertTrue(eventually(() -> calls(back) == 0 && east.contextIds().isEmpty() && west.contextIds().isEmpty(), WAIT));
        }
    }

    @Test
    void idleFailbackHandsEachGatewayBackOnceItHasNoCall() throws Exception {
        try (E2eNetwork n = pair("idle", 2)) {
            registered(n);
            SimulatedGateway east = n.gw(1), west = n.gw(2);
            connect(east, "A1", "1002", east, "A2");
            n.controller.close();
            assertTrue(eventually(() -> inService(n.alternate, "gw1") && inService(n.alternate, "gw2")
                    && calls(n.alternate) == 1, SLOW), "migrated to the alternate");

            Controller back = n.restartPrimary();
            assertTrue(eventually(() -> inService(back, "gw2"), SLOW), "the idle gateway goes back at once");
            Thread.sleep(1500);
            assertTrue(at(east, n.alternate), "the gateway with a call stays with the alternate");
            assertEquals(1, calls(n.alternate));
            talking(east, "A1", east, "A2");
            east.onHook("A1");
            assertTrue(eventually(() -> hears(east, "A2", "cg/bt"), WAIT), "A2 hears busy");
            east.onHook("A2");
            assertIdle(east, "A1");
            assertIdle(east, "A2");
            assertTrue(eventually(() -> inService(back, "gw1") && at(east, back), SLOW), "then it goes back too");
            // and calls are placed through the primary again
            connect(east, "A1", "2001", west, "A1");
            assertEquals(1, calls(back));
        }
    }

    /**
     * Immediate failback of a focus conference: three phones in a conference on gw1 move to the alternate with the
     * primary's death; the primary comes back; the alternate hands gw1 back with the conference's context and sends the
     * three phones to the primary (503 without Retry-After to their keepalives), forgetting the conference. The primary
     * rebuilds it from the gateway's cookies and takes the phones' dialogs; they talk on, and leaving and ending work
     * there.
     */
    @Test
    void immediateFailbackHandsAFocusConferenceBackWithItsPhones() throws Exception {
        try (E2eNetwork n = pairWithPhones("immediate", 1); MigratingPhones phones = new MigratingPhones()) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Phone a = phones.phone(n, "5001");
            Phone b = phones.phone(n, "5002");
            Phone c = phones.phone(n, "5003");
            List<Call> calls = ConferenceMigrationTest.conferenceOfThree(a, b, c);
            Set<String> three = Set.of("sip:5001", "sip:5002", "sip:5003");
            int port = n.controller.address("tcp").getPort();
            n.controller.close();
            assertTrue(eventually(() -> !listening(port), WAIT), "the primary's port is closed");
            assertTrue(eventually(() -> inService(n.alternate, "gw1"), SLOW), "gw1 fails over");
            for (Phone p : List.of(a, b, c)) assertTrue(eventually(() -> MigratingPhones.at(p, n.alternate), SLOW), p + " fails over");
            assertTrue(eventually(() -> ConferenceMigrationTest.members(n.alternate).equals(three)
                    && MigratingPhones.sipCounter(n.alternate, "migration.conference.dialog-adopted") == 3, SLOW),
                    "rebuilt at the alternate: " + ConferenceMigrationTest.conferences(n.alternate));
            ConferenceMigrationTest.mark(calls);

            Controller back = n.restartPrimary();
            assertTrue(eventually(() -> inService(back, "gw1") && at(gw, back), SLOW), "gw1 handed back");
            assertTrue(eventually(() -> ConferenceMigrationTest.conferences(n.alternate).isEmpty(), WAIT), "the alternate forgot it");
            assertEquals(1L, MigratingPhones.sipCounter(n.alternate, "migration.conference.handed-back"));
            for (Phone p : List.of(a, b, c)) assertTrue(eventually(() -> MigratingPhones.at(p, back), SLOW), p + " goes to the primary");
            assertTrue(eventually(() -> ConferenceMigrationTest.members(back).equals(three)
                    && MigratingPhones.sipCounter(back, "migration.conference.dialog-adopted") == 3, SLOW),
                    "the primary rebuilt it and has the dialogs: " + ConferenceMigrationTest.conferences(back) + " "
                    + back.inspect(core -> core.sip().counters().snapshot()));
            ConferenceMigrationTest.neverDropped(calls);
            assertEquals(1, gw.contextIds().size(), "the same context: " + gw.contextIds());

            b.hangUp(calls.get(1));
            assertTrue(eventually(() -> calls.get(1).state() == CallState.ENDED && calls.get(1).byeStatus() == 200, WAIT),
                    "5002's BYE answered at the primary: " + calls.get(1));
            assertTrue(eventually(() -> ConferenceMigrationTest.members(back).equals(Set.of("sip:5001", "sip:5003")), WAIT),
                    "5002 left: " + ConferenceMigrationTest.conferences(back));
            c.hangUp(calls.get(2));
            assertTrue(eventually(() -> calls.get(0).state() == CallState.ENDED, WAIT), "5001, alone, gets BYE");
            assertTrue(eventually(() -> gw.contextIds().isEmpty() && ConferenceMigrationTest.conferences(back).isEmpty(), WAIT),
                    "nothing left: " + gw.contextIds());
            assertEquals(0L, (long) back.inspect(core -> core.failures()));
            assertEquals(0L, (long) n.alternate.inspect(core -> core.failures()));
        }
    }

    /**
     * Idle failback counts a focus conference as a call: its gateway stays with the alternate while the conference
     * lasts there, and goes back once it has ended.
     */
    @Test
    void idleFailbackWaitsForAFocusConferenceToEnd() throws Exception {
        try (E2eNetwork n = pairWithPhones("idle", 1); MigratingPhones phones = new MigratingPhones()) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Phone a = phones.phone(n, "5001");
            Phone b = phones.phone(n, "5002");
            Phone c = phones.phone(n, "5003");
            List<Call> calls = ConferenceMigrationTest.conferenceOfThree(a, b, c);
            n.controller.close();
            assertTrue(eventually(() -> inService(n.alternate, "gw1")
                    && MigratingPhones.sipCounter(n.alternate, "migration.conference.dialog-adopted") == 3, SLOW), "at the alternate");

            Controller back = n.restartPrimary();
            assertTrue(eventually(() -> listening(back.address("tcp").getPort()), WAIT));
            Thread.sleep(2000);
            assertTrue(at(gw, n.alternate), "the gateway with a conference stays with the alternate");
            assertEquals(1, ConferenceMigrationTest.conferences(n.alternate).size());
            b.hangUp(calls.get(1));
            c.hangUp(calls.get(2));
            assertTrue(eventually(() -> calls.get(0).state() == CallState.ENDED, WAIT), "5001, alone, gets BYE");
            assertTrue(eventually(() -> inService(back, "gw1") && at(gw, back), SLOW), "then the gateway goes back");
            assertTrue(gw.contextIds().isEmpty(), "nothing left: " + gw.contextIds());
        }
    }
}
