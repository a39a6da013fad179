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
import static dev.holdfast.controller.e2e.HoldEndToEndTest.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Consultation and transfer, on loopback over UDP and TCP: the host flashes (the other party is held), dials a
 * third number (the host is moved into a new context with it), and hangs up (the held side's termination is moved
 * into that context: a transfer), or flashes twice (back to the held party, the consultation released).
 */
class TransferEndToEndTest {

    /** The host flashes, hears recall dial tone, dials {@code number}: {@code lc} on {@code gwc} rings. */
    static void consult(SimulatedGateway host, String lh, String number, SimulatedGateway gwc, String lc) throws Exception {
        host.flash(lh);
        assertTrue(eventually(() -> hears(host, lh, "cg/dt"), WAIT), lh + " hears recall dial tone");
        host.dial(lh, number);
        assertTrue(eventually(() -> hears(gwc, lc, "al/ri"), WAIT), lc + " rings");
        assertTrue(eventually(() -> hears(host, lh, "cg/rt"), WAIT), lh + " hears ring-back");
    }

    @ParameterizedTest @EnumSource(Transport.class)
    void consultationThenTransferOnOneGateway(Transport t) throws Exception {
        try (E2eNetwork n = E2eNetwork.start(t, 1, 3, 30)) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            connect(gw, "A1", "1002", gw, "A2");
            long held = gw.contextOf("A1");
            int m = mark(gw);

            consult(gw, "A1", "1003", gw, "A3");
            long consultation = gw.contextOf("A1");
            assertNotEquals(held, consultation);
            assertEquals(List.of("A2"), gw.terminationsIn(held), "the held party stays in its context");
            CallStructure s = onlyCall(n);
            assertEquals("CONSULT", s.feature());
            assertEquals(List.of(Role.HOST, Role.HELD, Role.CONSULTED), s.roles().stream().map(CallStructure.Party::role).toList());
            assertEquals(List.of(new CallStructure.Leg("gw1", s.party(Role.HELD).context(), List.of("A2")),
                    new CallStructure.Leg("gw1", s.party(Role.HOST).context(), List.of("A3", "A1"))), s.legs());

            assertTrue(gw.answer("A3"));
            answered(gw, "A1", gw, "A3");
            silent(gw, "A2");

            gw.onHook("A1");
            talking(gw, "A2", gw, "A3");
            assertIdle(gw, "A1");
            assertCommandsSince(gw, m, List.of(
                    "Modify A2 @" + held, "Modify A1 @" + held,                  // hold
                    "Add A3 @$", "Move A1 @$",                                    // consultation
                    "Modify A3 @" + consultation, "Modify A1 @" + consultation,  // answer
                    "Move A2 @" + consultation, "Subtract A1 @" + consultation, "Modify A1 @-")); // transfer
            assertNull(gw.contextOf("A1"));
            assertEquals(List.of(consultation), gw.contextIds(), "the held context went with its last termination");
            s = onlyCall(n);
            assertEquals(List.of("1002", "1003"), s.parties());
            assertEquals(List.of(new CallStructure.Leg("gw1", s.legs().get(0).context(), List.of("A3", "A2"))), s.legs());

            gw.onHook("A3");
            assertTrue(eventually(() -> hears(gw, "A2", "cg/bt"), WAIT), "A2 hears busy");
            gw.onHook("A2");
            assertIdle(gw, "A2");
            assertIdle(gw, "A3");
            assertEquals(0, activeCalls(n));
        }
    }

    @ParameterizedTest @EnumSource(Transport.class)
    void transferOfAPartyOnAnotherGateway(Transport t) throws Exception {
        try (E2eNetwork n = E2eNetwork.start(t, 2, 2, 30)) {
            registered(n);
            SimulatedGateway east = n.gw(1);
            SimulatedGateway west = n.gw(2);
            connect(east, "A1", "2001", west, "A1");
            long held = east.contextOf("A1");
            String rtp = east.rtpTerminationsWith("A1").get(0);
            int me = mark(east);
            int mw = mark(west);

            consult(east, "A1", "1002", east, "A2");
            long consultation = east.contextOf("A1");
            assertTrue(east.answer("A2"));
            answered(east, "A1", east, "A2");
            silent(west, "A1");

            east.onHook("A1");
            // west A1 now talks to east A2 over the same IGC: its RTP termination was moved next to A2
            talking(west, "A1", east, "A2");
            assertIdle(east, "A1");
            assertEquals(List.of("A2", rtp), east.terminationsIn(consultation));
            assertCommandsSince(east, me, List.of(
                    "Modify " + rtp + " @" + held, "Modify A1 @" + held,
                    "Add A2 @$", "Move A1 @$",
                    "Modify A2 @" + consultation, "Modify A1 @" + consultation,
                    "Move " + rtp + " @" + consultation, "Subtract A1 @" + consultation, "Modify A1 @-"));
            assertEquals(List.of(), since(west, mw), "the transferred party's gateway is not touched");
            CallStructure s = onlyCall(n);
            assertEquals(List.of("2001", "1002"), s.parties());
            assertEquals(1, s.igcs().size());
            assertEquals(consultation, s.igcs().get(0).a().context().value());

            west.onHook("A1");
            assertTrue(eventually(() -> hears(east, "A2", "cg/bt"), WAIT), "east A2 hears busy");
            east.onHook("A2");
            assertIdle(east, "A2");
            assertIdle(west, "A1");
            assertTrue(eventually(() -> east.contextIds().isEmpty() && west.contextIds().isEmpty(), WAIT));
        }
    }

    @ParameterizedTest @EnumSource(Transport.class)
    void transferWhileTheThirdPartyRings(Transport t) throws Exception {
        try (E2eNetwork n = E2eNetwork.start(t, 1, 3, 30)) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            connect(gw, "A1", "1002", gw, "A2");
            consult(gw, "A1", "1003", gw, "A3");
            long consultation = gw.contextOf("A1");
            int m = mark(gw);

            gw.onHook("A1");
            assertTrue(eventually(() -> hears(gw, "A2", "cg/rt"), WAIT), "A2 hears A3 ring: " + gw.signals("A2"));
            assertTrue(hears(gw, "A3", "al/ri"));
            assertIdle(gw, "A1");
            assertEquals("TRANSFER_RINGING", onlyCall(n).feature());
            assertTrue(gw.answer("A3"));
            talking(gw, "A2", gw, "A3");
            assertTrue(eventually(() -> gw.signals("A2").isEmpty(), WAIT), "ring-back stopped");
            assertCommandsSince(gw, m, List.of(
                    "Move A2 @" + consultation, "Subtract A1 @" + consultation, "Modify A1 @-",
                    "Modify A3 @" + consultation, "Modify A2 @" + consultation));
            assertEquals(List.of(Role.PARTY, Role.PARTY), onlyCall(n).roles().stream().map(CallStructure.Party::role).toList());
            gw.onHook("A2");
            gw.onHook("A3");
            assertIdle(gw, "A2");
            assertIdle(gw, "A3");
        }
    }

    @ParameterizedTest @EnumSource(Transport.class)
    void aFlashDuringTheConsultationReturnsToTheHeldParty(Transport t) throws Exception {
        try (E2eNetwork n = E2eNetwork.start(t, 1, 3, 30)) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            connect(gw, "A1", "1002", gw, "A2");
            long held = gw.contextOf("A1");
            consult(gw, "A1", "1003", gw, "A3");
            long consultation = gw.contextOf("A1");
            assertTrue(gw.answer("A3"));
            answered(gw, "A1", gw, "A3");
            int m = mark(gw);

            gw.flash("A1");
            assertTrue(eventually(() -> hears(gw, "A1", "cg/dt"), WAIT), "A1 hears recall dial tone");
            silent(gw, "A3");
            gw.flash("A1");
            talking(gw, "A1", gw, "A2");
            // the consultation is released: A3, still off-hook, hears busy
            assertTrue(eventually(() -> hears(gw, "A3", "cg/bt") && gw.contextOf("A3") == null, WAIT),
                    "A3 released: " + gw.signals("A3"));
            assertCommandsSince(gw, m, List.of(
                    "Modify A3 @" + consultation, "Modify A1 @" + consultation,   // flash: A3 held too, recall
                    "Subtract A3 @" + consultation, "Modify A3 @-",                // flash again: consultation released
                    "Move A1 @" + held, "Modify A2 @" + held));                     // back with A2
            CallStructure s = onlyCall(n);
            assertEquals("NONE", s.feature());
            assertEquals(List.of("1001", "1002"), s.parties());
            gw.onHook("A3");
            gw.onHook("A1");
            gw.onHook("A2");
            assertIdle(gw, "A1");
            assertIdle(gw, "A2");
            assertIdle(gw, "A3");
        }
    }

    @ParameterizedTest @EnumSource(Transport.class)
    void transferWhileTheThirdPartyRingsWithTheHeldPartyOnAnotherGateway(Transport t) throws Exception {
        try (E2eNetwork n = E2eNetwork.start(t, 2, 2, 30)) {
            registered(n);
            SimulatedGateway east = n.gw(1);
            SimulatedGateway west = n.gw(2);
            connect(west, "A1", "1001", east, "A1");
            long wctx = west.contextOf("A1");
            String rtp = east.rtpTerminationsWith("A1").get(0);
            consult(east, "A1", "1002", east, "A2");
            long consultation = east.contextOf("A1");
            int me = mark(east);
            int mw = mark(west);

            east.onHook("A1");
            // the held party, on its own gateway, now hears the third party ring
            assertTrue(eventually(() -> hears(west, "A1", "cg/rt"), WAIT), "west A1 hears ring-back: " + west.signals("A1"));
            assertIdle(east, "A1");
            assertTrue(east.answer("A2"));
            answered(west, "A1", east, "A2");
            assertCommandsSince(east, me, List.of("Move " + rtp + " @" + consultation, "Subtract A1 @" + consultation,
                    "Modify A1 @-", "Modify A2 @" + consultation));
            assertCommandsSince(west, mw, List.of("Modify A1 @" + wctx, "Modify A1 @" + wctx));
            assertEquals(List.of("2001", "1002"), onlyCall(n).parties());
            east.onHook("A2");
            west.onHook("A1");
            assertIdle(east, "A2");
            assertIdle(west, "A1");
            assertTrue(eventually(() -> east.contextIds().isEmpty() && west.contextIds().isEmpty(), WAIT));
        }
    }

    @ParameterizedTest @EnumSource(Transport.class)
    void transferBetweenTwoPartiesOfAnotherGatewayJoinsThemInOneContextThere(Transport t) throws Exception {
        try (E2eNetwork n = E2eNetwork.start(t, 2, 2, 30)) {
            registered(n);
            SimulatedGateway east = n.gw(1);
            SimulatedGateway west = n.gw(2);
            connect(east, "A1", "2001", west, "A1");
            long heldCtx = east.contextOf("A1");
            String toHeld = east.rtpTerminationsWith("A1").get(0);
            long westHeld = west.contextOf("A1");
            String westHeldRtp = west.rtpTerminationsWith("A1").get(0);
            consult(east, "A1", "2002", west, "A2");
            long consultation = east.contextOf("A1");
            String toConsulted = east.rtpTerminationsWith("A1").get(0);
            long westConsulted = west.contextOf("A2");
            String westConsultedRtp = west.rtpTerminationsWith("A2").get(0);
            assertTrue(west.answer("A2"));
            answered(east, "A1", west, "A2");
            int me = mark(east);
            int mw = mark(west);

            east.onHook("A1");
            assertIdle(east, "A1");
            assertTrue(eventually(() -> east.contextIds().isEmpty(), WAIT), "the host's gateway is out of the call");
            assertTrue(eventually(() -> west.contextIds().equals(List.of(westConsulted)), WAIT), "one context on west");
            assertEquals(List.of("A2", "A1"), west.terminationsIn(westConsulted));
            talking(west, "A1", west, "A2");
            assertCommandsSince(east, me, List.of("Subtract " + toHeld + " @" + heldCtx,
                    "Subtract " + toConsulted + " @" + consultation, "Subtract A1 @" + consultation, "Modify A1 @-"));
            assertCommandsSince(west, mw, List.of("Subtract " + westHeldRtp + " @" + westHeld,
                    "Move A1 @" + westConsulted, "Subtract " + westConsultedRtp + " @" + westConsulted));
            CallStructure s = onlyCall(n);
            assertEquals(List.of("2001", "2002"), s.parties());
            assertEquals(List.of(new CallStructure.Leg("gw2", s.legs().get(0).context(), List.of("A2", "A1"))), s.legs());
            assertEquals(List.of(), s.igcs());
            west.onHook("A1");
            west.onHook("A2");
            assertIdle(west, "A1");
            assertIdle(west, "A2");
            assertEquals(0, activeCalls(n));
        }
    }

    @ParameterizedTest @EnumSource(Transport.class)
    void transferBetweenPartiesOfTwoOtherGatewaysPointsTheirRtpAtEachOther(Transport t) throws Exception {
        try (E2eNetwork n = E2eNetwork.start(t, 3, 1, 30)) {
            registered(n);
            SimulatedGateway host = n.gw(1);
            SimulatedGateway held = n.gw(2);
            SimulatedGateway third = n.gw(3);
            connect(host, "A1", "2001", held, "A1");
            consult(host, "A1", "3001", third, "A1");
            assertTrue(third.answer("A1"));
            answered(host, "A1", third, "A1");
            long heldCtx = held.contextOf("A1");
            String heldRtp = held.rtpTerminationsWith("A1").get(0);
            long thirdCtx = third.contextOf("A1");
            String thirdRtp = third.rtpTerminationsWith("A1").get(0);
            int mh = mark(held);
            int mt = mark(third);

            host.onHook("A1");
            assertIdle(host, "A1");
            assertTrue(eventually(() -> host.contextIds().isEmpty(), WAIT), "the host's gateway is out of the call");
            talking(held, "A1", third, "A1");
            assertTrue(eventually(() -> held.probeStats(heldRtp).talkPathUp() && third.probeStats(thirdRtp).talkPathUp(), WAIT),
                    "RTP straight between the two gateways");
            assertCommandsSince(held, mh, List.of("Modify " + heldRtp + " @" + heldCtx));
            assertCommandsSince(third, mt, List.of("Modify " + thirdRtp + " @" + thirdCtx));
            CallStructure s = onlyCall(n);
            assertEquals(List.of("2001", "3001"), s.parties());
            assertEquals(1, s.igcs().size());
            assertEquals(List.of("gw2", "gw3"), s.legs().stream().map(CallStructure.Leg::gateway).toList());
            held.onHook("A1");
            assertTrue(eventually(() -> hears(third, "A1", "cg/bt"), WAIT), "the other hears busy");
            third.onHook("A1");
            assertIdle(held, "A1");
            assertIdle(third, "A1");
            assertTrue(eventually(() -> held.contextIds().isEmpty() && third.contextIds().isEmpty(), WAIT));
        }
    }
}
