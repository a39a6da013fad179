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
import static dev.holdfast.controller.e2e.TransferEndToEndTest.consult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three-party conference hosted on the host's gateway, on loopback over UDP and TCP: during a consultation the
 * host flashes and dials 3; the held side's termination is moved into the consultation's context, where all
 * three (lines and IGC RTP terminations) are mixed. A party hanging up leaves the other two talking; the host
 * drops the party added last with flash and 2.
 */
class ConferenceEndToEndTest {

    /** Host {@code lh} flashes and dials the conference code. */
    static void conference(SimulatedGateway host, String lh) throws Exception {
        host.flash(lh);
        assertTrue(eventually(() -> hears(host, lh, "cg/dt"), WAIT), lh + " hears recall dial tone");
        host.dial(lh, "3");
        // dialling stops the tone at once; the conference is there when the held side joined the host's context
        assertTrue(eventually(() -> host.contextOf(lh) != null && host.terminationsIn(host.contextOf(lh)).size() == 3
                && host.contextIds().size() == 1 && host.signals(lh).isEmpty(), WAIT),
                "conference in one context: " + host.contextIds());
    }

    private static List<Role> roles(CallStructure s) { return s.roles().stream().map(CallStructure.Party::role).toList(); }

    @ParameterizedTest @EnumSource(Transport.class)
    void threePartyConferenceOnOneGatewayThenAPartyHangsUp(Transport t) throws Exception {
        try (E2eNetwork n = E2eNetwork.start(t, 1, 3, 30)) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            connect(gw, "A1", "1002", gw, "A2");
            consult(gw, "A1", "1003", gw, "A3");
            long ctx = gw.contextOf("A1");
            assertTrue(gw.answer("A3"));
            answered(gw, "A1", gw, "A3");
            int m = mark(gw);

            conference(gw, "A1");
            for (String l : List.of("A1", "A2", "A3")) {
                String line = l;
                assertTrue(eventually(() -> gw.talkPathUp(line), WAIT), line + " talks in the conference");
            }
            assertEquals(List.of(ctx), gw.contextIds(), "one context left");
            assertEquals(List.of("A3", "A1", "A2"), gw.terminationsIn(ctx));
            assertCommandsSince(gw, m, List.of(
                    "Modify A3 @" + ctx, "Modify A1 @" + ctx,                             // flash: recall
                    "Move A2 @" + ctx, "Modify A3 @" + ctx, "Modify A1 @" + ctx));        // 3: conference
            CallStructure s = onlyCall(n);
            assertEquals("CONFERENCE", s.feature());
            assertEquals(List.of(Role.HOST, Role.CONFEREE, Role.CONFEREE), roles(s));
            assertEquals(List.of(new CallStructure.Leg("gw1", s.legs().get(0).context(), List.of("A3", "A1", "A2"))), s.legs());

            m = mark(gw);
            gw.onHook("A2");
            assertIdle(gw, "A2");
            talking(gw, "A1", gw, "A3");
            assertCommandsSince(gw, m, List.of("Subtract A2 @" + ctx, "Modify A2 @-"));
            assertEquals(List.of("1001", "1003"), onlyCall(n).parties());

            gw.onHook("A1");
            gw.onHook("A3");
            assertIdle(gw, "A1");
            assertIdle(gw, "A3");
            assertEquals(0, activeCalls(n));
        }
    }

    @ParameterizedTest @EnumSource(Transport.class)
    void theHostDropsThePartyAddedLast(Transport t) throws Exception {
        try (E2eNetwork n = E2eNetwork.start(t, 1, 3, 30)) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            connect(gw, "A1", "1002", gw, "A2");
            consult(gw, "A1", "1003", gw, "A3");
            long ctx = gw.contextOf("A1");
            assertTrue(gw.answer("A3"));
            answered(gw, "A1", gw, "A3");
            conference(gw, "A1");
            int m = mark(gw);

            gw.flash("A1");
            assertTrue(eventually(() -> hears(gw, "A1", "cg/dt"), WAIT), "A1 hears recall dial tone");
            talking(gw, "A2", gw, "A3"); // the others go on talking meanwhile
            gw.dial("A1", "2");
            assertTrue(eventually(() -> hears(gw, "A3", "cg/bt") && gw.contextOf("A3") == null, WAIT),
                    "A3 dropped, hears busy: " + gw.signals("A3"));
            answered(gw, "A1", gw, "A2");
            assertCommandsSince(gw, m, List.of("Modify A1 @" + ctx,
                    "Subtract A3 @" + ctx, "Modify A3 @-", "Modify A1 @" + ctx));
            assertEquals(List.of("1001", "1002"), onlyCall(n).parties());
            gw.onHook("A3");
            gw.onHook("A2");
            gw.onHook("A1");
            assertIdle(gw, "A1");
            assertIdle(gw, "A2");
            assertIdle(gw, "A3");
        }
    }

    @ParameterizedTest @EnumSource(Transport.class)
    void conferenceWithAPartyOnAnotherGatewayWhoHangsUp(Transport t) throws Exception {
        try (E2eNetwork n = E2eNetwork.start(t, 2, 2, 30)) {
            registered(n);
            SimulatedGateway east = n.gw(1);
            SimulatedGateway west = n.gw(2);
            connect(east, "A1", "1002", east, "A2");
            consult(east, "A1", "2001", west, "A1");
            long ctx = east.contextOf("A1");
            String rtp = east.rtpTerminationsWith("A1").get(0);
            long wctx = west.contextOf("A1");
            String wrtp = west.rtpTerminationsWith("A1").get(0);
            assertTrue(west.answer("A1"));
            answered(east, "A1", west, "A1");
            conference(east, "A1");
            assertEquals(List.of(rtp, "A1", "A2"), east.terminationsIn(ctx));
            talking(east, "A2", west, "A1");
            assertTrue(eventually(() -> east.talkPathUp("A1"), WAIT), "the host talks too");
            CallStructure s = onlyCall(n);
            assertEquals(2, s.legs().size());
            assertEquals(1, s.igcs().size());
            assertEquals(List.of(Role.HOST, Role.CONFEREE, Role.CONFEREE), roles(s));
            int me = mark(east);
            int mw = mark(west);

            // the remote party leaves: its line, its RTP termination and the host's RTP termination toward it go
            west.onHook("A1");
            assertIdle(west, "A1");
            answered(east, "A1", east, "A2");
            assertCommandsSince(west, mw, List.of("Subtract A1 @" + wctx, "Subtract " + wrtp + " @" + wctx, "Modify A1 @-"));
            assertCommandsSince(east, me, List.of("Subtract " + rtp + " @" + ctx));
            assertTrue(west.contextIds().isEmpty());
            s = onlyCall(n);
            assertEquals(List.of("1001", "1002"), s.parties());
            assertEquals(List.of(), s.igcs());

            east.onHook("A2");
            east.onHook("A1");
            assertIdle(east, "A1");
            assertIdle(east, "A2");
            assertEquals(0, activeCalls(n));
        }
    }

    @ParameterizedTest @EnumSource(Transport.class)
    void theHostLeavesAConferenceAcrossGatewaysAndTheOthersTalkOn(Transport t) throws Exception {
        try (E2eNetwork n = E2eNetwork.start(t, 2, 2, 30)) {
            registered(n);
            SimulatedGateway east = n.gw(1);
            SimulatedGateway west = n.gw(2);
            connect(east, "A1", "2001", west, "A1");
            String rtp = east.rtpTerminationsWith("A1").get(0);
            consult(east, "A1", "1002", east, "A2");
            long ctx = east.contextOf("A1");
            assertTrue(east.answer("A2"));
            answered(east, "A1", east, "A2");
            conference(east, "A1");
            assertEquals(List.of("A2", "A1", rtp), east.terminationsIn(ctx));
            talking(west, "A1", east, "A2");
            int me = mark(east);
            int mw = mark(west);

            east.onHook("A1");
            assertIdle(east, "A1");
            talking(west, "A1", east, "A2");
            assertCommandsSince(east, me, List.of("Subtract A1 @" + ctx, "Modify A1 @-"));
            assertEquals(List.of(), since(west, mw));
            assertEquals(List.of("2001", "1002"), onlyCall(n).parties());

            west.onHook("A1");
            assertTrue(eventually(() -> hears(east, "A2", "cg/bt"), WAIT), "east A2 hears busy");
            east.onHook("A2");
            assertIdle(east, "A2");
            assertIdle(west, "A1");
            assertTrue(eventually(() -> east.contextIds().isEmpty() && west.contextIds().isEmpty(), WAIT));
        }
    }
}
