package dev.holdfast.controller.e2e;

import dev.holdfast.controller.call.CallState;
import dev.holdfast.controller.call.CallStructure;
import dev.holdfast.controller.sip.Sipp;
import dev.holdfast.controller.sip.SippScenarios;
import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.holdfast.controller.e2e.E2eNetwork.eventually;
import static dev.holdfast.controller.e2e.E2eSteps.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A SIP phone (SIPp, the caller) calls an analog line of a simulated gateway through the controller: the line's
 * gateway gets the line and an ephemeral RTP termination whose Remote is the phone's SDP; the phone gets 180 while
 * the line rings and 200 with the termination's Local SDP when it answers. SIPp's RTP echo sends the gateway's probe
 * packets back, so the line's talk path is up only if the RTP termination really sends to the phone's media address.
 */
class SipToLineEndToEndTest {
    private static final String SIP = """
            sip: { port: 0, trustedPeers: [127.0.0.1] }
            subscribers:
              - { user: "5001", password: s5001, number: "5001" }
            """;

    @TempDir Path dir;

    @BeforeAll static void sippInstalled() {
        assertTrue(Sipp.installed(), "SIPp (Debian sip-tester) is needed: ./bin/test installs it");
    }

    private static E2eNetwork network(int noAnswerSeconds) throws Exception {
        E2eNetwork n = E2eNetwork.start(Transport.UDP, 1, 2, noAnswerSeconds, Map.of(), SIP);
        registered(n);
        return n;
    }

    private static String target(E2eNetwork n) { return "127.0.0.1:" + n.controller.sip().port(); }

    private static long counter(E2eNetwork n, String name) throws Exception {
        return n.controller.inspect(core -> core.sip().counters().get(name));
    }

    private static void nothingLeft(E2eNetwork n) throws Exception {
        assertTrue(eventually(() -> {
            try {
                return activeCalls(n) == 0 && n.controller.inspect(core -> core.sip().calls().size()) == 0;
            } catch (Exception e) {
                return false;
            }
        }, WAIT), "no call left");
    }

    /** The set-up transaction: the line ringing and an RTP termination given the phone's SDP, in a new context. */
    private static void assertSetUp(SimulatedGateway gw, int mark) {
        List<String> cmds = since(gw, mark);
        assertTrue(cmds.size() >= 2, cmds.toString());
        assertTrue(cmds.get(0).matches("(?i)add .*A1.*"), cmds.toString());
        assertTrue(cmds.get(1).matches("(?i)add .*"), cmds.toString());
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void aPhoneCallsALineWhichAnswersAndThePhoneHangsUp(String transport) throws Exception {
        try (E2eNetwork n = network(30)) {
            SimulatedGateway gw = n.gw(1);
            int mark = mark(gw);
            Sipp sipp = new Sipp(dir);
            int mediaPort = Sipp.freePort();
            try (Sipp.Run phone = sipp.start(sipp.scenario("uac-talks", SippScenarios.uacTalksThenHangsUp(4000)),
                    transport, Sipp.freePort(), target(n), 1, "-s", "1001", "-rtp_echo", "-mp", String.valueOf(mediaPort))) {
                assertTrue(eventually(() -> hears(gw, "A1", "al/ri"), WAIT), "A1 rings: " + gw.signals("A1"));
                CallStructure ringing = onlyCall(n);
                assertEquals(CallState.RINGING, ringing.state());
                assertEquals(List.of("sip:sipp", "1001"), ringing.parties());
                assertEquals("sip:sipp", ringing.party(CallStructure.Role.CALLER).party());
                assertNotNull(ringing.sip(), "the SIP leg in the structure");
                assertEquals("gw1", ringing.sip().gateway());
                assertTrue(ringing.sip().remoteSdp().contains("m=audio " + mediaPort), ringing.sip().remoteSdp());
                assertEquals(List.of("A1", ringing.sip().termination()), ringing.leg("gw1").terminations());
                assertEquals(ringing.sip().context(), ringing.leg("gw1").context());

                assertTrue(gw.answer("A1"));
                assertTrue(eventually(() -> gw.signals("A1").isEmpty(), WAIT), "ringing stopped: " + gw.signals("A1"));
                // the RTP termination sends to SIPp's media port and SIPp echoes: the line's probe hears itself
                assertTrue(eventually(() -> gw.talkPathUp("A1"), WAIT), "A1's talk path up through the phone's RTP echo");
                assertEquals(CallState.CONNECTED, onlyCall(n).state());

                Sipp.Result r = phone.await(20);
                assertTrue(r.passed(), "phone: " + r);
            }
            // the phone's BYE: the context is subtracted, A1 (still off-hook) hears busy
            assertTrue(eventually(() -> gw.contextOf("A1") == null && hears(gw, "A1", "cg/bt"), WAIT),
                    "A1 released: " + gw.contextOf("A1") + " " + gw.signals("A1"));
            List<String> cmds = since(gw, mark);
            assertSetUp(gw, mark);
            assertTrue(cmds.stream().anyMatch(c -> c.matches("(?i)subtract .*")), cmds.toString());
            assertEquals(1, counter(n, "calls.to-line"));
            assertEquals(1, counter(n, "calls.connected"));
            assertEquals(1, counter(n, "calls.released-by-caller"));
            nothingLeft(n);
            gw.onHook("A1");
            assertIdle(gw, "A1");
        }
    }

    @Test void theLineHangsUpAndThePhoneGetsBye() throws Exception {
        try (E2eNetwork n = network(30)) {
            SimulatedGateway gw = n.gw(1);
            Sipp sipp = new Sipp(dir);
            int mediaPort = Sipp.freePort();
            try (Sipp.Run phone = sipp.start(sipp.scenario("uac-bye", SippScenarios.uacAwaitsBye()), "udp",
                    Sipp.freePort(), target(n), 1, "-s", "1002", "-rtp_echo", "-mp", String.valueOf(mediaPort))) {
                assertTrue(eventually(() -> hears(gw, "A2", "al/ri"), WAIT), "A2 rings: " + gw.signals("A2"));
                assertTrue(gw.answer("A2"));
                assertTrue(eventually(() -> gw.talkPathUp("A2"), WAIT), "A2's talk path up through the phone's RTP echo");
                gw.onHook("A2");
                Sipp.Result r = phone.await(20);
                assertTrue(r.passed(), "phone gets BYE: " + r);
            }
            assertIdle(gw, "A2");
            assertEquals(1, counter(n, "calls.released-by-callee"));
            nothingLeft(n);
        }
    }

    @Test void aBusyLineGives486() throws Exception {
        try (E2eNetwork n = network(30)) {
            SimulatedGateway gw = n.gw(1);
            gw.offHook("A1");
            assertTrue(eventually(() -> hears(gw, "A1", "cg/dt"), WAIT));
            Sipp sipp = new Sipp(dir);
            Sipp.Result r = sipp.run(sipp.scenario("uac-486", SippScenarios.uacFails(486)), "udp", Sipp.freePort(),
                    target(n), 1, "-s", "1001");
            assertTrue(r.passed(), r.toString());
            assertTrue(hears(gw, "A1", "cg/dt"), "A1 still hears dial tone: " + gw.signals("A1"));
            assertEquals(1, counter(n, "calls.failed.486"));
            nothingLeft(n);
        }
    }

    @Test void noAnswerGives480AndTheLineStopsRinging() throws Exception {
        try (E2eNetwork n = network(1)) {
            SimulatedGateway gw = n.gw(1);
            Sipp sipp = new Sipp(dir);
            int mark = mark(gw);
            Sipp.Result r = sipp.run(sipp.scenario("uac-480", SippScenarios.uacFails(480)), "udp", Sipp.freePort(),
                    target(n), 1, "-s", "1001");
            assertTrue(r.passed(), r.toString());
            assertSetUp(gw, mark);
            assertIdle(gw, "A1");
            assertEquals(1, counter(n, "calls.failed.480"));
            nothingLeft(n);
        }
    }

    @Test void theCallerCancelsWhileTheLineRings() throws Exception {
        try (E2eNetwork n = network(30)) {
            SimulatedGateway gw = n.gw(1);
            Sipp sipp = new Sipp(dir);
            Sipp.Result r = sipp.run(sipp.scenario("uac-cancel", SippScenarios.uacCancels()), "udp", Sipp.freePort(),
                    target(n), 1, "-s", "1001");
            assertTrue(r.passed(), r.toString());
            assertIdle(gw, "A1");
            assertEquals(1, counter(n, "calls.cancelled"));
            nothingLeft(n);
        }
    }
}
