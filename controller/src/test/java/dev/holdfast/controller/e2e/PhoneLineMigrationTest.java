package dev.holdfast.controller.e2e;

import dev.holdfast.controller.Controller;
import dev.holdfast.endpointsim.phone.Call;
import dev.holdfast.endpointsim.phone.CallState;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

import static dev.holdfast.controller.e2e.E2eNetwork.eventually;
import static dev.holdfast.controller.e2e.E2eSteps.*;
import static dev.holdfast.controller.e2e.MigrationEndToEndTest.calls;
import static dev.holdfast.controller.e2e.MigrationEndToEndTest.inService;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Migration of calls between a SIP phone and an analog line (docs/migration.md): the gateway's parts (the line, the
 * RTP termination the phone's media goes to) and the phone's dialog carry cookies with one call key; the alternate
 * rebuilds the call from whichever arrives first and joins the other, and then the hang-up of either side ends both.
 */
class PhoneLineMigrationTest {
    private static final String SIP = """
            sip: { port: 0, minExpires: 1 }
            subscribers:
              - { user: "5001", password: s5001, number: "5001" }
              - { user: "5002", password: s5002, number: "5002" }
            """ + MigrationEndToEndTest.COOKIES;
    private final MigratingPhones phones = new MigratingPhones();

    @AfterEach void stop() { phones.close(); }

    private static InetSocketAddress sip(Controller c) { return MigratingPhones.sip(c); }

    private Phone phone(E2eNetwork n) throws Exception { return phone(n, "5001"); }

    private Phone phone(E2eNetwork n, String user) throws Exception { return phones.phone(n, user); }

    private static void migrated(E2eNetwork n, Phone p) throws Exception {
        n.controller.close();
        assertTrue(eventually(() -> inService(n.alternate, "gw1"), 25), "the gateway fails over");
        assertTrue(eventually(() -> p.registered() && p.controller().equals(sip(n.alternate)), 25), "the phone fails over");
        assertTrue(eventually(() -> calls(n.alternate) == 1, 25), "the call is rebuilt");
        assertTrue(eventually(() -> adopted(n.alternate), 25), "the phone's dialog joined the call");
    }

    /** The alternate's only call has its phone back (its dialog adopted). */
    private static boolean adopted(Controller c) {
        try {
            return c.inspect(core -> core.calls().calls().stream().allMatch(x -> x.sipPartyPresent()));
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void aPhoneToLineCallMovesAndThePhoneHangsUp() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 1, 2, 30, Map.of(), SIP, SIP, Map.of())) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Phone p = phone(n);
            Call out = p.call("1001");
            assertTrue(eventually(() -> hears(gw, "A1", "al/ri"), WAIT), "A1 rings");
            assertTrue(gw.answer("A1"));
            assertTrue(eventually(() -> out.talkPathUp() && gw.talkPathUp("A1"), WAIT), "talking");
            migrated(n, p);
            assertTrue(out.talkPathUp() && gw.talkPathUp("A1"), "still talking");
            p.hangUp(out);
            assertTrue(eventually(() -> out.state() == CallState.ENDED, WAIT), "the phone's BYE answered");
            assertTrue(eventually(() -> hears(gw, "A1", "cg/bt"), WAIT), "A1 hears busy from the alternate");
            gw.onHook("A1");
            assertIdle(gw, "A1");
            assertTrue(eventually(() -> gw.contextIds().isEmpty() && calls(n.alternate) == 0, WAIT));
        }
    }

    /**
     * A line transferred (blind) to another phone: that phone's dialog got the line call's cookie in the transfer's
     * INVITE, so after the failover its dialog joins the rebuilt call and its hang-up releases the line.
     */
    @Test
    void aLineTransferredToAnotherPhoneMovesAndThatPhoneHangsUp() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 1, 2, 30, Map.of(), SIP, SIP, Map.of())) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Phone a = phone(n, "5001");
            Phone b = phone(n, "5002");
            Call out = a.call("1001");
            assertTrue(eventually(() -> hears(gw, "A1", "al/ri"), WAIT), "A1 rings");
            assertTrue(gw.answer("A1"));
            assertTrue(eventually(() -> out.talkPathUp() && gw.talkPathUp("A1"), WAIT), "talking");
            a.transfer(out, "5002", false);
            assertTrue(eventually(() -> !b.calls().isEmpty() && b.calls().get(0).talkPathUp() && gw.talkPathUp("A1")
                    && out.state() == CallState.ENDED, WAIT), "A1 and 5002 talk, 5001 released");
            Call in = b.calls().get(0);
            migrated(n, b);
            assertTrue(in.talkPathUp() && gw.talkPathUp("A1"), "still talking");
            b.hangUp(in);
            assertTrue(eventually(() -> in.state() == CallState.ENDED, WAIT), "5002's BYE answered");
            assertTrue(eventually(() -> hears(gw, "A1", "cg/bt"), WAIT), "A1 hears busy from the alternate");
            gw.onHook("A1");
            assertIdle(gw, "A1");
            assertTrue(eventually(() -> gw.contextIds().isEmpty() && calls(n.alternate) == 0, WAIT));
        }
    }

    @Test
    void aLineToPhoneCallMovesAndTheLineHangsUp() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 1, 2, 30, Map.of(), SIP, SIP, Map.of())) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Phone p = phone(n);
            offHookAndDial(gw, "A2", "5001");
            assertTrue(eventually(() -> !p.calls().isEmpty() && p.calls().get(0).talkPathUp() && gw.talkPathUp("A2"), WAIT),
                    "the phone answered, talking");
            Call in = p.calls().get(0);
            migrated(n, p);
            gw.onHook("A2");
            assertIdle(gw, "A2");
            assertTrue(eventually(() -> in.state() == CallState.ENDED, WAIT), "the phone got BYE from the alternate");
            assertTrue(eventually(() -> gw.contextIds().isEmpty() && calls(n.alternate) == 0, WAIT));
            assertEquals(0L, (long) n.alternate.inspect(core -> core.failures()));
        }
    }
    /**
     * The line hangs up during the failover and its gateway is back first: the alternate rebuilds the call from the
     * gateway's cookies and releases it; the phone, slower to notice, comes back later with the dialog of a call that
     * is over. It gets BYE (found by bin/demo --kill-primary-after: the phone's dialog was left talk-path-only, the
     * phone in a call with nobody for good).
     */
    @Test
    void aLineThatHangsUpBeforeThePhoneIsBackEndsThePhonesCallWhenItArrives() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 1, 2, 30, Map.of(), SIP, SIP, Map.of())) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Phone p = phones.phone(n, "5001", Duration.ofSeconds(4)); // a keepalive every 4 s: it notices late
            offHookAndDial(gw, "A2", "5001");
            assertTrue(eventually(() -> !p.calls().isEmpty() && p.calls().get(0).talkPathUp() && gw.talkPathUp("A2"), WAIT),
                    "the phone answered, talking");
            Call in = p.calls().get(0);
            n.controller.close();
            assertTrue(eventually(() -> inService(n.alternate, "gw1") && calls(n.alternate) == 1, 25),
                    "the gateway fails over, the call is rebuilt from its cookies");
            assertTrue(p.controller().equals(sip(n.controller)), "the phone has not noticed yet");
            gw.onHook("A2");
            assertIdle(gw, "A2");
            assertTrue(eventually(() -> calls(n.alternate) == 0 && gw.contextIds().isEmpty(), WAIT), "released on the alternate");
            assertEquals(CallState.CONNECTED, in.state(), "the phone still thinks it talks");
            assertTrue(eventually(() -> p.registered() && p.controller().equals(sip(n.alternate)), 25), "the phone fails over");
            assertTrue(eventually(() -> in.state() == CallState.ENDED, WAIT), "the phone got BYE from the alternate: " + in);
            assertEquals("remote-hangup", in.endReason());
        }
    }
}
