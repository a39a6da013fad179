package dev.holdfast.controller.e2e;

import dev.holdfast.controller.Controller;
import dev.holdfast.endpointsim.PhoneRuntime;
import dev.holdfast.endpointsim.phone.Call;
import dev.holdfast.endpointsim.phone.CallState;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;
import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.holdfast.controller.e2e.E2eNetwork.eventually;
import static dev.holdfast.controller.e2e.E2eSteps.*;
import static dev.holdfast.controller.e2e.MigrationEndToEndTest.calls;
import static dev.holdfast.controller.e2e.MigrationEndToEndTest.inService;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A line's call to a phone that is still ringing when the primary dies (docs/migration.md, "Ringing calls"): the
 * gateway's parts rebuild the ringing call on the alternate, the phone lists its early dialog in its dialog-package
 * NOTIFY, the alternate adopts it, and the phone, answering after its failover, sends its 200 to the alternate, which
 * acknowledges it and connects the call. Two real controllers, the gateway simulator and an endpoint-sim phone over
 * loopback; the primary is closed (its sockets gone, nothing said to anybody).
 */
class RingingPhoneMigrationTest {
    private static final String SIP = """
            sip: { port: 0, minExpires: 1 }
            subscribers:
              - { user: "5001", password: s5001, number: "5001" }
            """;
    private static final String KEYED = SIP + MigrationEndToEndTest.COOKIES;
    /** Cookies signed with a key the alternate does not have: to the alternate, forged. */
    private static final String OTHER_KEY = SIP + """
            cookies: { current: 1, keys: [ { id: 1, secret: "b3RoZXItdGVzdC1rZXktMzItb2N0ZXRzLWxvbmctLS0=" } ] }
            """;
    private PhoneRuntime phones;

    @AfterEach void stop() { if (phones != null) phones.close(); }

    private static InetSocketAddress sip(Controller c) { return new InetSocketAddress("127.0.0.1", c.sip().port()); }

    private Phone phone(E2eNetwork n, String transport) throws Exception {
        phones = PhoneRuntime.start(java.net.InetAddress.getLoopbackAddress(), 0, 7, 1);
        Phone p = phones.phone(PhoneConfig.of("5001", "s5001", List.of(sip(n.controller), sip(n.alternate))).withTransport(transport)
                .withRegistration(Duration.ofHours(1), Duration.ofMillis(600), Duration.ofMillis(2000)));
        assertTrue(eventually(p::registered, WAIT), "the phone registers: " + p.registrationError());
        return p;
    }

    private static long sipCounter(Controller c, String name) {
        try {
            return c.inspect(core -> core.sip().counters().get(name));
        } catch (Exception e) {
            return -1;
        }
    }

    private static boolean noSipCalls(Controller c) {
        try {
            return c.inspect(core -> core.sip().calls().isEmpty());
        } catch (Exception e) {
            return false;
        }
    }

    /** The alternate's only call has the phone's dialog (adopted while it rings). */
    private static boolean adopted(Controller c) {
        try {
            return c.inspect(core -> core.calls().calls().size() == 1
                    && core.calls().calls().stream().allMatch(x -> x.sipPartyPresent()));
        } catch (Exception e) {
            return false;
        }
    }

    /** A1 answers the phone's migrated INVITE at the alternate: talk path both ways, the phone hangs up, all clean. */
    private static void lineAnswersThenThePhoneHangsUp(E2eNetwork n, SimulatedGateway gw, Phone p, Call out) throws Exception {
        assertTrue(gw.answer("A1"));
        assertTrue(eventually(() -> out.talkPathUp() && gw.talkPathUp("A1"), WAIT),
                "the alternate answered the phone's INVITE, talk path up both ways: " + out);
        p.hangUp(out);
        assertTrue(eventually(() -> out.state() == CallState.ENDED && out.byeStatus() == 200, WAIT), "BYE answered: " + out);
        assertTrue(eventually(() -> hears(gw, "A1", "cg/bt"), WAIT), "A1 hears busy");
        gw.onHook("A1");
        assertIdle(gw, "A1");
        assertTrue(eventually(() -> gw.contextIds().isEmpty() && calls(n.alternate) == 0 && noSipCalls(n.alternate), WAIT));
        assertEquals(0L, (long) n.alternate.inspect(core -> core.failures()));
    }

    /** A2 dials the phone, the phone rings, the primary dies; both move and the alternate adopts the ringing dialog. */
    private Call ringingThenMigrated(E2eNetwork n, SimulatedGateway gw, Phone p) throws Exception {
        offHookAndDial(gw, "A2", "5001");
        assertTrue(eventually(() -> !p.calls().isEmpty() && p.calls().get(0).state() == CallState.RINGING, WAIT), "the phone rings");
        assertTrue(eventually(() -> hears(gw, "A2", "cg/rt"), WAIT), "A2 hears ring-back");
        Call in = p.calls().get(0);
        n.controller.close();
        assertTrue(eventually(() -> inService(n.alternate, "gw1"), 25), "the gateway fails over");
        assertTrue(eventually(() -> p.registered() && p.controller().equals(sip(n.alternate)), 25), "the phone fails over");
        assertTrue(eventually(() -> adopted(n.alternate), 25), "the ringing call is rebuilt with the phone's dialog: "
                + n.alternate.inspect(core -> core.sip().counters().snapshot()));
        assertEquals(1L, sipCounter(n.alternate, "migration.early-dialogs.adopted"));
        assertEquals(CallState.RINGING, in.state(), "the phone still rings");
        return in;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"udp", "tcp"})
    void theRingingPhoneAnswersAfterTheFailoverAndTheLineHangsUp(String transport) throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 1, 2, 30, Map.of(), KEYED, KEYED, Map.of())) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Phone p = phone(n, transport);
            Call in = ringingThenMigrated(n, gw, p);
            p.answer(in);
            assertTrue(eventually(() -> in.talkPathUp() && gw.talkPathUp("A2"), WAIT),
                    "connected on the alternate, talk path up both ways: " + in + ", A2 hears " + gw.signals("A2"));
            assertTrue(eventually(() -> !hears(gw, "A2", "cg/rt"), WAIT), "the ring-back stopped");
            assertEquals(1L, sipCounter(n.alternate, "calls.connected"));
            gw.onHook("A2");
            assertIdle(gw, "A2");
            assertTrue(eventually(() -> in.state() == CallState.ENDED, WAIT), "the phone got BYE from the alternate: " + in);
            assertEquals("remote-hangup", in.endReason());
            assertTrue(eventually(() -> gw.contextIds().isEmpty() && calls(n.alternate) == 0
                    && noSipCalls(n.alternate), WAIT));
            assertEquals(0L, (long) n.alternate.inspect(core -> core.failures()));
        }
    }

    @Test
    void theRingingPhoneAnswersAfterTheFailoverAndHangsUp() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 1, 2, 30, Map.of(), KEYED, KEYED, Map.of())) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Phone p = phone(n, "udp");
            Call in = ringingThenMigrated(n, gw, p);
            p.answer(in);
            assertTrue(eventually(() -> in.talkPathUp() && gw.talkPathUp("A2"), WAIT), "talking through the alternate's call");
            p.hangUp(in);
            assertTrue(eventually(() -> in.state() == CallState.ENDED && in.byeStatus() == 200, WAIT),
                    "the phone's BYE answered by the alternate: " + in + " " + in.byeStatus());
            assertTrue(eventually(() -> hears(gw, "A2", "cg/bt"), WAIT), "A2 hears busy");
            gw.onHook("A2");
            assertIdle(gw, "A2");
            assertTrue(eventually(() -> gw.contextIds().isEmpty() && calls(n.alternate) == 0
                    && noSipCalls(n.alternate), WAIT));
        }
    }

    @Test
    void thePhoneAnswersBeforeItsCallsGatewayHasFailedOver() throws Exception {
        // a silent controller between the primary and the alternate on the gateway's list: it arrives seconds late
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 1, 2, 30, Map.of(), KEYED, KEYED, Map.of(1, 1))) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Phone p = phone(n, "udp");
            offHookAndDial(gw, "A2", "5001");
            assertTrue(eventually(() -> !p.calls().isEmpty() && p.calls().get(0).state() == CallState.RINGING, WAIT), "the phone rings");
            Call in = p.calls().get(0);
            n.controller.close();
            assertTrue(eventually(() -> p.registered() && p.controller().equals(sip(n.alternate)), 25), "the phone fails over");
            assertTrue(eventually(() -> sipCounter(n.alternate, "migration.early-dialogs.adopted") == 1, 25),
                    "the ringing dialog adopted: " + n.alternate.inspect(core -> core.sip().counters().snapshot()));
            assertTrue(!inService(n.alternate, "gw1"), "before the gateway");
            p.answer(in);
            assertTrue(eventually(() -> sipCounter(n.alternate, "calls.connected") == 1, WAIT), "the alternate took the 200");
            assertTrue(eventually(() -> inService(n.alternate, "gw1"), 25), "the gateway fails over");
            assertTrue(eventually(() -> in.talkPathUp() && gw.talkPathUp("A2"), WAIT), "connected once the gateway is back: " + in);
            p.hangUp(in);
            assertTrue(eventually(() -> hears(gw, "A2", "cg/bt"), WAIT), "A2 hears busy");
            gw.onHook("A2");
            assertIdle(gw, "A2");
            assertTrue(eventually(() -> gw.contextIds().isEmpty() && calls(n.alternate) == 0 && noSipCalls(n.alternate), WAIT));
        }
    }

    @Test
    void thePhoneAnswersJustAsThePrimaryDies() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 1, 2, 30, Map.of(), KEYED, KEYED, Map.of())) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Phone p = phone(n, "udp");
            offHookAndDial(gw, "A2", "5001");
            assertTrue(eventually(() -> !p.calls().isEmpty() && p.calls().get(0).state() == CallState.RINGING, WAIT), "the phone rings");
            Call in = p.calls().get(0);
            n.controller.close();
            p.answer(in); // its 200 goes to the dead primary; the retransmissions follow the phone to the alternate
            assertTrue(eventually(() -> p.registered() && p.controller().equals(sip(n.alternate)), 25), "the phone fails over");
            assertTrue(eventually(() -> in.talkPathUp() && gw.talkPathUp("A2"), 25),
                    "a retransmission of the 200 taken by the alternate, talk path up: " + in + " "
                            + n.alternate.inspect(core -> core.sip().counters().snapshot()));
            assertEquals(1L, sipCounter(n.alternate, "migration.early-dialogs.adopted"));
            gw.onHook("A2");
            assertTrue(eventually(() -> in.state() == CallState.ENDED, WAIT), "BYE from the alternate: " + in);
            assertTrue(eventually(() -> gw.contextIds().isEmpty() && calls(n.alternate) == 0 && noSipCalls(n.alternate), WAIT));
        }
    }

    @Test
    void theCallerHangsUpWhileThePhoneStillRingsAfterTheFailover() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 1, 2, 30, Map.of(), KEYED, KEYED, Map.of())) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Phone p = phone(n, "udp");
            Call in = ringingThenMigrated(n, gw, p);
            gw.onHook("A2");
            assertIdle(gw, "A2");
            assertTrue(eventually(() -> in.state() == CallState.ENDED, WAIT), "the phone stopped ringing: " + in);
            assertEquals("cancelled", in.endReason(), "ended by the alternate's BYE in the early dialog");
            assertTrue(eventually(() -> gw.contextIds().isEmpty() && calls(n.alternate) == 0
                    && noSipCalls(n.alternate), WAIT), "nothing left");
            assertEquals(0L, (long) n.alternate.inspect(core -> core.failures()));
        }
    }

    /** The phone calls A1, A1 rings, the primary dies; both move and the alternate adopts the phone's ringing INVITE. */
    private Call callingThenMigrated(E2eNetwork n, SimulatedGateway gw, Phone p) throws Exception {
        Call out = p.call("1001");
        assertTrue(eventually(() -> hears(gw, "A1", "al/ri") && out.state() == CallState.RINGBACK, WAIT), "A1 rings, the phone hears ring-back");
        n.controller.close();
        assertTrue(eventually(() -> inService(n.alternate, "gw1"), 25), "the gateway fails over");
        assertTrue(eventually(() -> p.registered() && p.controller().equals(sip(n.alternate)), 25), "the phone fails over");
        assertTrue(eventually(() -> adopted(n.alternate), 25), "the ringing call is rebuilt with the phone's dialog: "
                + n.alternate.inspect(core -> core.sip().counters().snapshot()));
        assertEquals(1L, sipCounter(n.alternate, "migration.early-dialogs.adopted"));
        assertEquals(CallState.RINGBACK, out.state(), "the phone still hears ring-back");
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"udp", "tcp"})
    void theLineAPhoneCallsAnswersAfterTheFailover(String transport) throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 1, 2, 30, Map.of(), KEYED, KEYED, Map.of())) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Phone p = phone(n, transport);
            Call out = callingThenMigrated(n, gw, p);
            lineAnswersThenThePhoneHangsUp(n, gw, p, out);
        }
    }

    @Test
    void theLineAPhoneCallsAnswersBeforeThePhoneHasFailedOver() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 1, 2, 30, Map.of(), KEYED, KEYED, Map.of())) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Phone p = phone(n, "udp");
            Call out = p.call("1001");
            assertTrue(eventually(() -> hears(gw, "A1", "al/ri") && out.state() == CallState.RINGBACK, WAIT), "A1 rings");
            n.controller.close();
            assertTrue(eventually(() -> inService(n.alternate, "gw1"), 25), "the gateway fails over");
            assertTrue(!p.controller().equals(sip(n.alternate)), "the phone has not moved yet");
            assertTrue(gw.answer("A1"));
            assertTrue(eventually(() -> p.registered() && p.controller().equals(sip(n.alternate)), 25), "the phone fails over");
            assertTrue(eventually(() -> out.talkPathUp() && gw.talkPathUp("A1"), WAIT),
                    "the phone's INVITE answered once its dialog is here, talk path up: " + out);
            p.hangUp(out);
            assertTrue(eventually(() -> hears(gw, "A1", "cg/bt"), WAIT), "A1 hears busy");
            gw.onHook("A1");
            assertTrue(eventually(() -> gw.contextIds().isEmpty() && calls(n.alternate) == 0 && noSipCalls(n.alternate), WAIT));
        }
    }

    @Test
    void thePhoneHangsUpWhileTheLineItCallsStillRingsAfterTheFailover() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 1, 2, 30, Map.of(), KEYED, KEYED, Map.of())) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Phone p = phone(n, "udp");
            Call out = callingThenMigrated(n, gw, p);
            p.hangUp(out);
            assertTrue(eventually(() -> !hears(gw, "A1", "al/ri") && gw.contextOf("A1") == null, WAIT), "A1 stops ringing");
            assertIdle(gw, "A1");
            assertTrue(eventually(() -> out.finalStatus() == 487, WAIT), "the phone's INVITE answered 487: " + out.finalStatus());
            assertTrue(eventually(() -> gw.contextIds().isEmpty() && calls(n.alternate) == 0 && noSipCalls(n.alternate), WAIT));
        }
    }

    /**
     * The phone calls A1; A1 rings, but the primary's 180 (its tag, the dialog's cookie) is lost on its way to the
     * phone (dropped as it reaches the phone's stack), which has only had 100 Trying; then the primary dies. The phone
     * lists its INVITE as trying; the alternate rebuilds A1's ringing call from the gateway's signed cookies, which
     * name the phone's Call-ID, takes the INVITE over and sends the 180 itself (docs/migration.md, "A ringing call
     * whose 180 was lost"); A1's answer connects the call through the alternate.
     */
    @Test
    void aPhoneWhose180WasLostHearsRingBackFromTheAlternateAndTheLineAnswers() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 1, 2, 30, Map.of(), KEYED, KEYED, Map.of())) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Phone p = phone(n, "udp");
            phones.sip().loseResponses(r -> r.getStatusCode() == 180);
            Call out = p.call("1001");
            assertTrue(eventually(() -> hears(gw, "A1", "al/ri") && phones.sip().responsesLost() == 1, WAIT), "A1 rings, the 180 is lost");
            assertEquals(CallState.CALLING, out.state(), "the phone heard nothing with a tag");
            phones.sip().loseResponses(null);
            n.controller.close();
            assertTrue(eventually(() -> inService(n.alternate, "gw1"), 25), "the gateway fails over");
            assertTrue(eventually(() -> p.registered() && p.controller().equals(sip(n.alternate)), 25), "the phone fails over");
            assertTrue(eventually(() -> out.state() == CallState.RINGBACK, 25), "ring-back from the alternate: " + out + " "
                    + n.alternate.inspect(core -> core.sip().counters().snapshot()));
            assertEquals(1L, sipCounter(n.alternate, "migration.trying.adopted"));
            assertEquals(0L, sipCounter(n.alternate, "migration.cookie.accepted"), "the phone had no cookie to show");
            assertTrue(adopted(n.alternate), "one call, the phone's side present");
            assertTrue(hears(gw, "A1", "al/ri"), "A1 still rings");
            lineAnswersThenThePhoneHangsUp(n, gw, p, out);
        }
    }

    /**
     * The other direction: A2 calls the phone, which rings, but its 180 to the primary is lost (A2 hears no ring-back
     * yet; the gateway's cookies say SETUP). The phone has its early dialog all the same (its tag, and the cookie the
     * INVITE carried): it lists it, the alternate takes it over as in any ringing call, and the phone's answer
     * connects the call.
     */
    @Test
    void aRingingPhoneWhose180WasLostAnswersAfterTheFailover() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 1, 2, 30, Map.of(), KEYED, KEYED, Map.of())) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Phone p = phone(n, "udp");
            phones.sip().loseSentResponses(r -> r.getStatusCode() == 180);
            offHookAndDial(gw, "A2", "5001");
            assertTrue(eventually(() -> !p.calls().isEmpty() && p.calls().get(0).state() == CallState.RINGING
                    && phones.sip().responsesLost() == 1, WAIT), "the phone rings, its 180 is lost");
            Call in = p.calls().get(0);
            assertTrue(!hears(gw, "A2", "cg/rt"), "no ring-back: the primary never heard the phone ring");
            phones.sip().loseSentResponses(null);
            n.controller.close();
            assertTrue(eventually(() -> inService(n.alternate, "gw1"), 25), "the gateway fails over");
            assertTrue(eventually(() -> p.registered() && p.controller().equals(sip(n.alternate)), 25), "the phone fails over");
            assertTrue(eventually(() -> adopted(n.alternate), 25), "the call is rebuilt with the phone's dialog: "
                    + n.alternate.inspect(core -> core.sip().counters().snapshot()));
            assertEquals(CallState.RINGING, in.state(), "the phone still rings");
            assertTrue(eventually(() -> hears(gw, "A2", "cg/rt"), WAIT), "A2 hears ring-back now: " + gw.signals("A2"));
            p.answer(in);
            assertTrue(eventually(() -> in.talkPathUp() && gw.talkPathUp("A2"), WAIT),
                    "connected on the alternate, talk path up both ways: " + in + ", A2 hears " + gw.signals("A2"));
            assertTrue(eventually(() -> !hears(gw, "A2", "cg/rt"), WAIT), "the ring-back stopped");
            gw.onHook("A2");
            assertIdle(gw, "A2");
            assertTrue(eventually(() -> in.state() == CallState.ENDED, WAIT), "the phone got BYE from the alternate: " + in);
            assertTrue(eventually(() -> gw.contextIds().isEmpty() && calls(n.alternate) == 0 && noSipCalls(n.alternate), WAIT));
            assertEquals(0L, (long) n.alternate.inspect(core -> core.failures()));
        }
    }

    @Test
    void aForgedCookieOnTheRingingDialogIsNotTakenAndThePhoneStopsRinging() throws Exception {
        // the primary signs with a key the alternate does not have: the gateway's and the phone's cookies are forged
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 1, 2, 30, Map.of(), OTHER_KEY, KEYED, Map.of())) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Phone p = phone(n, "udp");
            offHookAndDial(gw, "A2", "5001");
            assertTrue(eventually(() -> !p.calls().isEmpty() && p.calls().get(0).state() == CallState.RINGING, WAIT), "the phone rings");
            Call in = p.calls().get(0);
            n.controller.close();
            assertTrue(eventually(() -> p.registered() && p.controller().equals(sip(n.alternate)), 25), "the phone fails over");
            assertTrue(eventually(() -> sipCounter(n.alternate, "migration.cookie.rejected.forged") == 1, 25),
                    "the dialog's cookie refused: " + n.alternate.inspect(core -> core.sip().counters().snapshot()));
            assertTrue(eventually(() -> in.state() == CallState.ENDED, WAIT), "the phone stopped ringing: " + in);
            assertEquals(1L, sipCounter(n.alternate, "migration.early-dialogs.released"));
            assertEquals(0L, sipCounter(n.alternate, "migration.early-dialogs.adopted"));
            assertTrue((boolean) n.alternate.inspect(core -> core.sip().calls().isEmpty()), "no SIP call for it");
            // the line's context is talk-path-only (its cookies are forged too): it goes when the line hangs up
            assertTrue(eventually(() -> inService(n.alternate, "gw1"), 25), "the gateway fails over");
            gw.onHook("A2");
            assertTrue(eventually(() -> gw.contextIds().isEmpty() && calls(n.alternate) == 0, WAIT), "nothing left");
        }
    }

    @Test
    void aForgedCookieOnThePhonesRingingInviteIsNotTakenAndItsCallFails() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 1, 2, 30, Map.of(), OTHER_KEY, KEYED, Map.of())) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Phone p = phone(n, "udp");
            Call out = p.call("1001");
            assertTrue(eventually(() -> hears(gw, "A1", "al/ri") && out.state() == CallState.RINGBACK, WAIT), "A1 rings");
            n.controller.close();
            assertTrue(eventually(() -> p.registered() && p.controller().equals(sip(n.alternate)), 25), "the phone fails over");
            assertTrue(eventually(() -> out.state() == CallState.ENDED, 25), "the phone's INVITE got a final failure: " + out);
            assertEquals(480, out.finalStatus());
            assertEquals(1L, sipCounter(n.alternate, "migration.cookie.rejected.forged"));
            assertEquals(1L, sipCounter(n.alternate, "migration.early-dialogs.released"));
            assertTrue(noSipCalls(n.alternate), "no SIP call for it");
            // (the ringing line's context, whose cookies are forged too, is the gateway side's talk-path-only case)
        }
    }
}
