package dev.holdfast.controller.e2e;

import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;

import static dev.holdfast.controller.e2e.E2eNetwork.eventually;
import static dev.holdfast.controller.e2e.E2eSteps.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trunk calls end to end over UDP and TCP: outgoing seizure (access code 9, the number outpulsed with dg signals,
 * connected at once), incoming seizure (the number arrives as digits, no dial tone), with and without disconnect
 * supervision.
 */
class TrunkEndToEndTest {

    @ParameterizedTest @EnumSource(Transport.class)
    void outgoingSeizureOnASupervisedTrunkEndsWhenTheFarEndHangsUp(Transport t) throws Exception {
        try (E2eNetwork n = E2eNetwork.start(t, 1, 2, 30, Map.of("T1", true))) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            assertTrue(eventually(() -> gw.armedEvents("T1").contains("al/of"), WAIT), "T1 armed for incoming seizure");
            int m = mark(gw);
            offHookAndDial(gw, "A1", "95551");
            assertTrue(eventually(() -> gw.contextOf("T1") != null && gw.contextOf("T1").equals(gw.contextOf("A1")), WAIT),
                    "A1 and T1 in one context");
            long ctx = gw.contextOf("A1");
            assertTrue(eventually(() -> gw.signals("T1").isEmpty() && gw.signals("A1").isEmpty(), WAIT),
                    "number outpulsed: " + gw.signals("T1"));
            assertTrue(eventually(() -> gw.talkPathUp("A1") && gw.talkPathUp("T1"), WAIT), "talk path to the trunk");
            gw.offHook("T1");  // the far end answers (no answer signal on our analog trunks)
            gw.onHook("T1");   // ... and hangs up: supervised, so reported
            assertTrue(eventually(() -> hears(gw, "A1", "cg/bt") && gw.contextOf("A1") == null, WAIT),
                    "A1 released, hears busy: " + gw.signals("A1"));
            assertTrue(eventually(() -> gw.armedEvents("T1").contains("al/of"), WAIT), "T1 idle again");
            assertCommandsSince(gw, m, List.of("Modify A1 @-", "Add A1 @$", "Add T1 @$", "Modify T1 @" + ctx,
                    "Modify A1 @" + ctx, "Subtract A1 @" + ctx, "Subtract T1 @" + ctx, "Modify A1 @-", "Modify T1 @-"));
            gw.onHook("A1");
            assertIdle(gw, "A1");
            assertEquals(0, activeCalls(n));
        }
    }

    @ParameterizedTest @EnumSource(Transport.class)
    void outgoingSeizureWithoutDisconnectSupervisionEndsOnlyWhenOurPartyHangsUp(Transport t) throws Exception {
        try (E2eNetwork n = E2eNetwork.start(t, 1, 2, 30, Map.of("T1", false))) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            offHookAndDial(gw, "A1", "95551");
            assertTrue(eventually(() -> gw.talkPathUp("A1") && gw.signals("T1").isEmpty(), WAIT), "connected to T1");
            long ctx = gw.contextOf("A1");
            int m = mark(gw);
            gw.offHook("T1");
            gw.onHook("T1");   // the far end left, but this trunk cannot tell us
            Thread.sleep(300);
            assertEquals(1, activeCalls(n));
            assertTrue(gw.talkPathUp("A1"), "the call stands");
            assertEquals(List.of(), since(gw, m));
            gw.onHook("A1");
            assertIdle(gw, "A1");
            assertTrue(eventually(() -> gw.contextOf("T1") == null && gw.armedEvents("T1").contains("al/of"), WAIT), "T1 idle");
            assertCommandsSince(gw, m, List.of("Subtract A1 @" + ctx, "Subtract T1 @" + ctx, "Modify A1 @-", "Modify T1 @-"));
            assertEquals(List.of("A1 al/of", "A1 dd/ce", "A1 al/on"), gw.notifications());
        }
    }

    @ParameterizedTest @EnumSource(Transport.class)
    void incomingSeizureRingsTheDialledLine(Transport t) throws Exception {
        try (E2eNetwork n = E2eNetwork.start(t, 1, 2, 30, Map.of("T1", true))) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            assertTrue(eventually(() -> gw.armedEvents("T1").contains("al/of"), WAIT), "T1 armed for incoming seizure");
            int m = mark(gw);
            gw.offHook("T1");   // seizure
            assertTrue(eventually(() -> gw.armedEvents("T1").contains("dd/ce"), WAIT), "collecting the number");
            assertTrue(gw.signals("T1").isEmpty(), "no dial tone on a trunk");
            gw.dial("T1", "1002");
            assertTrue(eventually(() -> hears(gw, "A2", "al/ri") && hears(gw, "T1", "cg/rt"), WAIT), "A2 rings, T1 hears ring-back");
            assertTrue(gw.answer("A2"));
            answered(gw, "T1", gw, "A2");
            long ctx = gw.contextOf("A2");
            gw.onHook("T1");    // the far end hangs up
            assertTrue(eventually(() -> hears(gw, "A2", "cg/bt") && gw.contextOf("A2") == null, WAIT), "A2 hears busy");
            assertCommandsSince(gw, m, List.of("Modify T1 @-", "Add T1 @$", "Add A2 @$", "Modify A2 @" + ctx,
                    "Modify T1 @" + ctx, "Subtract T1 @" + ctx, "Subtract A2 @" + ctx, "Modify T1 @-", "Modify A2 @-"));
            gw.onHook("A2");
            assertIdle(gw, "A2");
            assertEquals(List.of("T1 al/of", "T1 dd/ce", "A2 al/of", "T1 al/on", "A2 al/on"), gw.notifications());
        }
    }

    @ParameterizedTest @EnumSource(Transport.class)
    void aHeldPartyIsTransferredToAnOutsideNumber(Transport t) throws Exception {
        try (E2eNetwork n = E2eNetwork.start(t, 1, 2, 30, Map.of("T1", true))) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            HoldEndToEndTest.connect(gw, "A1", "1002", gw, "A2");
            long held = gw.contextOf("A1");
            int m = mark(gw);
            gw.flash("A1");
            assertTrue(eventually(() -> hears(gw, "A1", "cg/dt"), WAIT), "A1 hears recall dial tone");
            gw.dial("A1", "95551");
            assertTrue(eventually(() -> gw.contextOf("T1") != null && gw.contextOf("T1").equals(gw.contextOf("A1"))
                    && gw.signals("T1").isEmpty() && gw.signals("A1").isEmpty(), WAIT), "A1 talks on T1");
            long consultation = gw.contextOf("A1");
            silent(gw, "A2");
            gw.onHook("A1");
            assertIdle(gw, "A1");
            assertTrue(eventually(() -> Long.valueOf(consultation).equals(gw.contextOf("A2")), WAIT), "A2 next to T1");
            assertTrue(eventually(() -> gw.talkPathUp("A2") && gw.talkPathUp("T1"), WAIT), "A2 talks on T1");
            assertCommandsSince(gw, m, List.of("Modify A2 @" + held, "Modify A1 @" + held,
                    "Add T1 @$", "Move A1 @$", "Modify T1 @" + consultation, "Modify A1 @" + consultation,
                    "Move A2 @" + consultation, "Subtract A1 @" + consultation, "Modify A1 @-"));
            gw.offHook("T1");
            gw.onHook("T1");
            assertTrue(eventually(() -> hears(gw, "A2", "cg/bt"), WAIT), "A2 hears busy when the far end leaves");
            gw.onHook("A2");
            assertIdle(gw, "A2");
            assertEquals(0, activeCalls(n));
        }
    }
}
