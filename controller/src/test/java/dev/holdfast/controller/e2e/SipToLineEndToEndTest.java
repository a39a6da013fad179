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
              - { user: "5002", password: s5002, number: "5002" }
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

    private static CallState state(E2eNetwork n) {
        try {
            return onlyCall(n).state();
        } catch (Throwable e) {
            return null;
        }
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
            long ctx;
            String rtp;
            try (Sipp.Run phone = sipp.start(sipp.scenario("uac-talks", SippScenarios.uacTalksThenHangsUp(4000)),
                    transport, Sipp.freePort(), target(n), 1, "-s", "1001", "-rtp_echo", "-mp", String.valueOf(mediaPort))) {
                assertTrue(eventually(() -> hears(gw, "A1", "al/ri"), WAIT), "A1 rings: " + gw.signals("A1"));
                // the gateway rings the line before its reply reaches the controller
                assertTrue(eventually(() -> state(n) == CallState.RINGING, WAIT), "call ringing");
                CallStructure ringing = onlyCall(n);
                assertEquals(List.of("sip:sipp", "1001"), ringing.parties());
                assertEquals("sip:sipp", ringing.party(CallStructure.Role.CALLER).party());
                assertNotNull(ringing.sip(), "the SIP leg in the structure");
                assertEquals("gw1", ringing.sip().gateway());
                assertTrue(ringing.sip().remoteSdp().contains("m=audio " + mediaPort), ringing.sip().remoteSdp());
                assertEquals(List.of("A1", ringing.sip().termination()), ringing.leg("gw1").terminations());
                assertEquals(ringing.sip().context(), ringing.leg("gw1").context());

                ctx = gw.contextOf("A1");
                rtp = ringing.sip().termination();
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
            // set-up in one new context, answer (line quiet, RTP send-receive), release with the line back idle
            assertCommandsSince(gw, mark, List.of("Add A1 @$", "Add $ @$", "Modify A1 @" + ctx, "Modify " + rtp + " @" + ctx,
                    "Subtract A1 @" + ctx, "Subtract " + rtp + " @" + ctx, "Modify A1 @-"));
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

    // ------------------------------------------------------------------------------------------ a line calls a phone

    /** Registers subscriber 5001 at 127.0.0.1:{@code port} over {@code transport}. */
    private static void registerPhone(E2eNetwork n, Sipp sipp, String transport, int port) throws Exception {
        Sipp.Result r = sipp.run(sipp.scenario("reg", SippScenarios.register(200)), transport, port, target(n), 1,
                "-s", "5001", "-au", "5001", "-ap", "s5001", "-key", "expires", "300");
        assertTrue(r.passed(), "phone registration: " + r);
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void aLineCallsAPhoneWhichAnswersAndTheLineHangsUp(String transport) throws Exception {
        try (E2eNetwork n = network(30)) {
            SimulatedGateway gw = n.gw(1);
            Sipp sipp = new Sipp(dir);
            int phonePort = Sipp.freePort();
            int mediaPort = Sipp.freePort();
            registerPhone(n, sipp, transport, phonePort);
            try (Sipp.Run phone = sipp.start("uas", transport, phonePort, null, 1, "-s", "5001",
                    "-rtp_echo", "-mp", String.valueOf(mediaPort))) {
                Sipp.awaitBound(phonePort, transport, 10_000);
                int mark = mark(gw);
                offHookAndDial(gw, "A1", "5001");
                // the built-in uas answers at once: connected, the RTP termination sends to SIPp's echo
                assertTrue(eventually(() -> gw.talkPathUp("A1"), WAIT), "A1's talk path up through the phone's RTP echo");
                assertTrue(gw.signals("A1").isEmpty(), "nothing plays on A1: " + gw.signals("A1"));
                CallStructure s = onlyCall(n);
                assertEquals(CallState.CONNECTED, s.state());
                assertEquals(List.of("1001", "sip:5001"), s.parties());
                assertEquals(CallStructure.Role.CALLEE, s.party(CallStructure.Role.CALLEE).role());
                assertEquals("sip:5001", s.party(CallStructure.Role.CALLEE).party());
                assertNotNull(s.sip().callId(), "the phone's dialog");
                assertTrue(s.sip().remoteSdp().contains("m=audio " + mediaPort), s.sip().remoteSdp());
                long ctx = gw.contextOf("A1");
                String rtp = s.sip().termination();
                // dial tone and digits, then the context; the uas sends 180 then 200 at once: ring-back, then connect
                // (when the 200 is handled before the ring-back's Modify goes out, the connect replaces it: one Modify)
                List<String> cmds = since(gw, mark);
                List<String> seen = cmds.subList(cmds.indexOf("Add A1 @$"), cmds.size());
                List<String> withRingBack = List.of("Add A1 @$", "Add $ @$", "Modify A1 @" + ctx, "Modify A1 @" + ctx, "Modify " + rtp + " @" + ctx);
                List<String> without = List.of("Add A1 @$", "Add $ @$", "Modify A1 @" + ctx, "Modify " + rtp + " @" + ctx);
                assertTrue(seen.equals(withRingBack) || seen.equals(without), "commands: " + seen);

                gw.onHook("A1");
                Sipp.Result r = phone.await(20);
                assertTrue(r.passed(), "phone gets BYE: " + r);
            }
            assertIdle(gw, "A1");
            assertEquals(1, counter(n, "calls.from-line"));
            assertEquals(1, counter(n, "calls.connected"));
            nothingLeft(n);
        }
    }

    @Test void thePhoneHangsUpOnTheLine() throws Exception {
        try (E2eNetwork n = network(30)) {
            SimulatedGateway gw = n.gw(1);
            Sipp sipp = new Sipp(dir);
            int phonePort = Sipp.freePort();
            registerPhone(n, sipp, "udp", phonePort);
            try (Sipp.Run phone = sipp.start(sipp.scenario("uas-bye", SippScenarios.uasAnswersThenHangsUp()), "udp",
                    phonePort, null, 1, "-s", "5001")) {
                Sipp.awaitBound(phonePort, "udp", 10_000);
                offHookAndDial(gw, "A2", "5001");
                Sipp.Result r = phone.await(20);
                assertTrue(r.passed(), "phone: " + r);
            }
            // released by the phone's BYE: A2, still off-hook, hears busy
            assertTrue(eventually(() -> gw.contextOf("A2") == null && hears(gw, "A2", "cg/bt"), WAIT),
                    "A2 released: " + gw.contextOf("A2") + " " + gw.signals("A2"));
            nothingLeft(n);
        }
    }

    @Test void aLineCallingAnUnregisteredPhoneHearsReorder() throws Exception {
        try (E2eNetwork n = network(30)) {
            SimulatedGateway gw = n.gw(1);
            offHookAndDial(gw, "A1", "5002");
            assertTrue(eventually(() -> gw.contextOf("A1") == null && hears(gw, "A1", "cg/ct"), WAIT),
                    "A1 hears reorder: " + gw.contextOf("A1") + " " + gw.signals("A1"));
            nothingLeft(n);
        }
    }

    /** Runs {@code scenario} as phone 5001 while line {@code line} dials it; {@code whileRunning} acts meanwhile. */
    private void lineCallsPhone(E2eNetwork n, Object scenario, String line, Runnable whileRunning) throws Exception {
        Sipp sipp = new Sipp(dir);
        int phonePort = Sipp.freePort();
        registerPhone(n, sipp, "udp", phonePort);
        Object sf = scenario instanceof String xml && xml.startsWith("<?xml") ? sipp.scenario("phone", xml) : scenario;
        try (Sipp.Run phone = sipp.start(sf, "udp", phonePort, null, 1, "-s", "5001")) {
            Sipp.awaitBound(phonePort, "udp", 10_000);
            offHookAndDial(n.gw(1), line, "5001");
            whileRunning.run();
            Sipp.Result r = phone.await(20);
            assertTrue(r.passed(), "phone: " + r);
        }
    }

    @Test void theLineHearsRingBackAndHangsUpBeforeTheAnswer() throws Exception {
        try (E2eNetwork n = network(30)) {
            SimulatedGateway gw = n.gw(1);
            lineCallsPhone(n, SippScenarios.uasRingsUntilCancelled(), "A1", () -> {
                try {
                    assertTrue(eventually(() -> hears(gw, "A1", "cg/rt"), WAIT), "A1 hears ring-back: " + gw.signals("A1"));
                    assertTrue(eventually(() -> state(n) == CallState.RINGING, WAIT), "call ringing");
                    gw.onHook("A1"); // the phone gets CANCEL
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            assertIdle(gw, "A1");
            assertEquals(1, counter(n, "calls.cancelled"));
            nothingLeft(n);
        }
    }

    @Test void aPhoneNotAnsweringIsCancelledAndTheLineHearsReorder() throws Exception {
        try (E2eNetwork n = network(1)) {
            SimulatedGateway gw = n.gw(1);
            lineCallsPhone(n, SippScenarios.uasRingsUntilCancelled(), "A1", () -> { });
            assertTrue(eventually(() -> gw.contextOf("A1") == null && hears(gw, "A1", "cg/ct"), WAIT),
                    "A1 released, hears reorder: " + gw.signals("A1"));
            nothingLeft(n);
        }
    }

    @Test void aBusyPhoneGivesTheLineBusyTone() throws Exception {
        try (E2eNetwork n = network(30)) {
            SimulatedGateway gw = n.gw(1);
            lineCallsPhone(n, SippScenarios.uasBusy(), "A1", () -> { });
            assertTrue(eventually(() -> gw.contextOf("A1") == null && hears(gw, "A1", "cg/bt"), WAIT),
                    "A1 released, hears busy: " + gw.signals("A1"));
            assertEquals(1, counter(n, "calls.failed.486"));
            nothingLeft(n);
        }
    }

    @Test void callsBothWaysReplayIntoByteIdenticalCommands() throws Exception {
        Path events = dir.resolve("events.log");
        Path commands = dir.resolve("commands.log");
        try (E2eNetwork n = E2eNetwork.start(Transport.UDP, 1, 2, 30, Map.of(), SIP, events, commands)) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Sipp sipp = new Sipp(dir);
            try (Sipp.Run phone = sipp.start(sipp.scenario("uac-talks", SippScenarios.uacTalksThenHangsUp(500)),
                    "udp", Sipp.freePort(), target(n), 1, "-s", "1001")) {
                assertTrue(eventually(() -> hears(gw, "A1", "al/ri"), WAIT), "A1 rings");
                assertTrue(gw.answer("A1"));
                assertTrue(phone.await(20).passed());
            }
            gw.onHook("A1");
            assertIdle(gw, "A1");
            lineCallsPhone(n, "uas", "A2", () -> {
                try {
                    assertTrue(eventually(() -> {
                        return state(n) == CallState.CONNECTED;
                    }, WAIT), "A2's call to the phone connected");
                    gw.onHook("A2");
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            assertIdle(gw, "A2");
            nothingLeft(n);
        }
        List<String> live = java.nio.file.Files.readAllLines(commands, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(live.stream().anyMatch(l -> l.contains("\"type\":\"sip-send\"") && l.contains("INVITE")), "an INVITE to the phone");
        assertTrue(live.stream().anyMatch(l -> l.contains("\"status\":180")), "180 to the phone");
        assertEquals(live, dev.holdfast.controller.core.Replayer.replay(events, dev.holdfast.controller.ControllerCore::fromLogHeader));
    }
}
