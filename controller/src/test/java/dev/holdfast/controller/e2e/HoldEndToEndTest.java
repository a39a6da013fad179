package dev.holdfast.controller.e2e;

import dev.holdfast.controller.call.CallStructure;
import dev.holdfast.controller.call.CallStructure.Role;
import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static dev.holdfast.controller.e2e.E2eNetwork.eventually;
import static dev.holdfast.controller.e2e.E2eSteps.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hold and retrieve with the hook flash, controller and simulated gateways on loopback over UDP and TCP: the held
 * side's termination in the host's context goes Inactive (talk paths down, the host hears recall dial tone), a
 * second flash makes it SendReceive again (talk paths up).
 */
class HoldEndToEndTest {

    /** {@code la} on {@code a} calls {@code number} ({@code lb} on {@code b}), which answers; talk path up. */
    static void connect(SimulatedGateway a, String la, String number, SimulatedGateway b, String lb) throws Exception {
        offHookAndDial(a, la, number);
        assertTrue(eventually(() -> hears(b, lb, "al/ri"), WAIT), lb + " rings");
        assertTrue(b.answer(lb));
        answered(a, la, b, lb);
    }

    @ParameterizedTest @EnumSource(Transport.class)
    void holdAndRetrieveOnOneGateway(Transport t) throws Exception {
        try (E2eNetwork n = E2eNetwork.start(t, 1, 2, 30)) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            connect(gw, "A1", "1002", gw, "A2");
            long ctx = gw.contextOf("A1");

            int m = mark(gw);
            gw.flash("A1");
            assertTrue(eventually(() -> hears(gw, "A1", "cg/dt"), WAIT), "A1 hears recall dial tone");
            assertCommandsSince(gw, m, List.of("Modify A2 @" + ctx, "Modify A1 @" + ctx));
            silent(gw, "A1");
            silent(gw, "A2");
            CallStructure s = onlyCall(n);
            assertEquals("HOLD", s.feature());
            assertEquals("A1", s.party(Role.HOST).termination());
            assertEquals("A2", s.party(Role.HELD).termination());
            assertEquals(List.of(new CallStructure.Leg("gw1", s.legs().get(0).context(), List.of("A1", "A2"))), s.legs());

            m = mark(gw);
            gw.flash("A1");
            talking(gw, "A1", gw, "A2");
            assertCommandsSince(gw, m, List.of("Modify A2 @" + ctx, "Modify A1 @" + ctx));
            assertTrue(gw.signals("A1").isEmpty(), "recall dial tone stopped: " + gw.signals("A1"));
            s = onlyCall(n);
            assertEquals("NONE", s.feature());
            assertEquals(List.of(Role.CALLER, Role.CALLEE), s.roles().stream().map(CallStructure.Party::role).toList());

            gw.onHook("A2");
            gw.onHook("A1");
            assertIdle(gw, "A1");
            assertIdle(gw, "A2");
            assertEquals(List.of("A1 al/of", "A1 dd/ce", "A2 al/of", "A1 al/fl", "A1 al/fl", "A2 al/on", "A1 al/on"),
                    gw.notifications());
        }
    }

    @ParameterizedTest @EnumSource(Transport.class)
    void holdAndRetrieveAcrossGateways(Transport t) throws Exception {
        try (E2eNetwork n = E2eNetwork.start(t, 2, 1, 30)) {
            registered(n);
            SimulatedGateway east = n.gw(1);
            SimulatedGateway west = n.gw(2);
            connect(east, "A1", "2001", west, "A1");
            long ctx = east.contextOf("A1");
            String rtp = east.rtpTerminationsWith("A1").get(0);

            // the callee holds: only its own gateway is touched, the RTP termination toward the caller goes Inactive
            int me = mark(east);
            int mw = mark(west);
            long wctx = west.contextOf("A1");
            String wrtp = west.rtpTerminationsWith("A1").get(0);
            west.flash("A1");
            assertTrue(eventually(() -> hears(west, "A1", "cg/dt"), WAIT), "west A1 hears recall dial tone");
            assertCommandsSince(west, mw, List.of("Modify " + wrtp + " @" + wctx, "Modify A1 @" + wctx));
            silent(east, "A1");
            silent(west, "A1");
            assertEquals(List.of(), since(east, me), "nothing for the held party's gateway");
            CallStructure s = onlyCall(n);
            assertEquals("2001", s.party(Role.HOST).party());
            assertEquals("1001", s.party(Role.HELD).party());
            assertEquals(1, s.igcs().size());

            west.flash("A1");
            talking(east, "A1", west, "A1");
            assertCommandsSince(west, mw, List.of("Modify " + wrtp + " @" + wctx, "Modify A1 @" + wctx,
                    "Modify " + wrtp + " @" + wctx, "Modify A1 @" + wctx));
            assertNotNull(rtp);

            east.onHook("A1");
            assertTrue(eventually(() -> hears(west, "A1", "cg/bt"), WAIT), "west hears busy");
            west.onHook("A1");
            assertIdle(east, "A1");
            assertIdle(west, "A1");
            assertTrue(eventually(() -> east.contextIds().isEmpty() && west.contextIds().isEmpty(), WAIT));
            assertEquals(0, activeCalls(n));
        }
    }
}
