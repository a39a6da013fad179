package dev.holdfast.controller.e2e;

import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import dev.holdfast.sim.rtp.ProbeStats;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;

import static dev.holdfast.controller.e2e.E2eNetwork.eventually;
import static dev.holdfast.controller.e2e.E2eSteps.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real controller with real simulated gateways on loopback, over UDP and over TCP: every call type ends with
 * the talk path checked (real RTP between the gateways' RTP terminations for inter-gateway calls).
 */
class EndToEndCallTest {

    @ParameterizedTest @EnumSource(Transport.class)
    void gatewaysRegisterAndAreAudited(Transport t) throws Exception {
        try (E2eNetwork n = E2eNetwork.start(t, 2, 2, 30)) {
            registered(n);
            for (SimulatedGateway gw : n.gateways) {
                List<String> history = gw.registrationHistory();
                // one ServiceChange Restart (cold boot), accepted at once
                assertEquals(1, history.size(), history.toString());
                assertTrue(history.get(0).toLowerCase().matches("restart .*901.* -> \\d+ ok"), history.toString());
                assertEquals(n.controller.address(t == Transport.UDP ? "udp" : "tcp"), gw.currentController());
            }
        }
    }

    @ParameterizedTest @EnumSource(Transport.class)
    void intraGatewayCall(Transport t) throws Exception {
        try (E2eNetwork n = E2eNetwork.start(t, 1, 2, 30)) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            offHookAndDial(gw, "A1", "1002");
            assertTrue(eventually(() -> hears(gw, "A2", "al/ri"), WAIT), "A2 rings: " + gw.signals("A2"));
            assertTrue(eventually(() -> hears(gw, "A1", "cg/rt"), WAIT), "A1 hears ring-back: " + gw.signals("A1"));
            assertTrue(gw.answer("A2"));
            // both lines in one context, nothing playing, connected
            assertTrue(eventually(() -> gw.signals("A1").isEmpty() && gw.signals("A2").isEmpty(), WAIT));
            Long ctx = gw.contextOf("A1");
            assertNotNull(ctx);
            assertEquals(ctx, gw.contextOf("A2"));
            assertTrue(eventually(() -> gw.talkPathUp("A1") && gw.talkPathUp("A2"), WAIT), "talk path up");
            assertEquals(1, activeCalls(n));

            gw.onHook("A1");
            assertTrue(eventually(() -> gw.contextOf("A2") == null && hears(gw, "A2", "cg/bt"), WAIT),
                    "A2 released and hears busy: " + gw.signals("A2"));
            assertFalse(gw.talkPathUp("A2"));
            gw.onHook("A2");
            assertIdle(gw, "A1");
            assertIdle(gw, "A2");
            assertTrue(gw.contextIds().isEmpty());
            // the events the gateway notified, in order: every one was answered and acted on
            assertEquals(List.of("A1 al/of", "A1 dd/ce", "A2 al/of", "A1 al/on", "A2 al/on"), gw.notifications());
            assertTrue(eventually(() -> { try { return activeCalls(n) == 0; } catch (Exception e) { return false; } }, WAIT));
            assertEquals(1, completed(n));
        }
    }

    @ParameterizedTest @EnumSource(Transport.class)
    void interGatewayCallWithRealRtp(Transport t) throws Exception {
        try (E2eNetwork n = E2eNetwork.start(t, 2, 1, 30)) {
            registered(n);
            SimulatedGateway east = n.gw(1);
            SimulatedGateway west = n.gw(2);
            offHookAndDial(east, "A1", "2001");
            assertTrue(eventually(() -> hears(west, "A1", "al/ri"), WAIT), "west A1 rings");
            assertTrue(eventually(() -> hears(east, "A1", "cg/rt"), WAIT), "east A1 hears ring-back");
            assertTrue(west.answer("A1"));
            assertTrue(eventually(() -> east.talkPathUp("A1") && west.talkPathUp("A1"), WAIT),
                    "talk path up both ways");
            // real RTP went both ways between the two RTP terminations
            String eastRtp = east.rtpTerminationsWith("A1").get(0);
            String westRtp = west.rtpTerminationsWith("A1").get(0);
            ProbeStats es = east.probeStats(eastRtp);
            ProbeStats ws = west.probeStats(westRtp);
            assertTrue(es.packetsReceived() > 0 && ws.packetsReceived() > 0 && es.peerHearsUs() && ws.peerHearsUs(), "RTP received: east " + es + ", west " + ws);

            west.onHook("A1");
            assertTrue(eventually(() -> hears(east, "A1", "cg/bt") && east.contextOf("A1") == null, WAIT),
                    "east released, hears busy: " + east.signals("A1"));
            assertFalse(east.talkPathUp("A1"));
            east.onHook("A1");
            assertIdle(east, "A1");
            assertIdle(west, "A1");
            assertTrue(eventually(() -> east.contextIds().isEmpty() && west.contextIds().isEmpty(), WAIT),
                    "no contexts left (RTP terminations subtracted)");
            assertEquals(List.of("A1 al/of", "A1 dd/ce", "A1 al/on"), east.notifications());
            assertEquals(List.of("A1 al/of", "A1 al/on"), west.notifications());
            assertEquals(1, completed(n));
        }
    }

    @ParameterizedTest @EnumSource(Transport.class)
    void busy(Transport t) throws Exception {
        try (E2eNetwork n = E2eNetwork.start(t, 1, 2, 30)) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            gw.offHook("A2");
            assertTrue(eventually(() -> hears(gw, "A2", "cg/dt"), WAIT));
            offHookAndDial(gw, "A1", "1002");
            assertTrue(eventually(() -> hears(gw, "A1", "cg/bt"), WAIT), "A1 hears busy: " + gw.signals("A1"));
            assertNull(gw.contextOf("A1"));
            assertFalse(hears(gw, "A2", "al/ri"));
            gw.onHook("A1");
            gw.onHook("A2");
            assertIdle(gw, "A1");
            assertIdle(gw, "A2");
            assertEquals(List.of("A2 al/of", "A1 al/of", "A1 dd/ce", "A1 al/on", "A2 al/on"), gw.notifications());
        }
    }

    @ParameterizedTest @EnumSource(Transport.class)
    void invalidNumberGetsReorderTone(Transport t) throws Exception {
        try (E2eNetwork n = E2eNetwork.start(t, 1, 2, 30)) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            offHookAndDial(gw, "A1", "1999");
            assertTrue(eventually(() -> hears(gw, "A1", "cg/ct"), WAIT), "A1 hears reorder: " + gw.signals("A1"));
            assertNull(gw.contextOf("A1"));
            gw.onHook("A1");
            assertIdle(gw, "A1");
            assertEquals(List.of("A1 al/of", "A1 dd/ce", "A1 al/on"), gw.notifications());
        }
    }

    @ParameterizedTest @EnumSource(Transport.class)
    void noAnswer(Transport t) throws Exception {
        try (E2eNetwork n = E2eNetwork.start(t, 1, 2, 1)) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            offHookAndDial(gw, "A1", "1002");
            assertTrue(eventually(() -> hears(gw, "A2", "al/ri"), WAIT), "A2 rings");
            // nobody answers: after the no-answer timer A2 stops ringing and the caller hears reorder
            assertTrue(eventually(() -> !hears(gw, "A2", "al/ri") && hears(gw, "A1", "cg/ct"), WAIT),
                    "released on no answer: A1 " + gw.signals("A1") + ", A2 " + gw.signals("A2"));
            assertIdle(gw, "A2");
            assertNull(gw.contextOf("A1"));
            gw.onHook("A1");
            assertIdle(gw, "A1");
            assertEquals(List.of("A1 al/of", "A1 dd/ce", "A1 al/on"), gw.notifications());
            assertEquals(0, activeCalls(n));
        }
    }
}
