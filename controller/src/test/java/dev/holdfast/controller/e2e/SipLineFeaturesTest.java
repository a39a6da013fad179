package dev.holdfast.controller.e2e;

import dev.holdfast.controller.call.CallStructure;
import dev.holdfast.endpointsim.PhoneRuntime;
import dev.holdfast.endpointsim.phone.Call;
import dev.holdfast.endpointsim.phone.CallState;
import dev.holdfast.endpointsim.phone.MediaDirection;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;
import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.holdfast.controller.e2e.E2eNetwork.eventually;
import static dev.holdfast.controller.e2e.E2eSteps.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIP phone features in calls with analog lines (docs/sip.md): hold and resume by re-INVITE (the gateway's RTP
 * termination follows the phone's direction), and transfer by REFER where a line is the transferee or the target.
 * endpoint-sim phones over UDP, a gateway-sim gateway with lines A1 (1001) and A2 (1002); the RTP probes of both
 * sides say whether the talk path is up.
 */
class SipLineFeaturesTest {
    private static final String SIP = """
            sip: { port: 0, minExpires: 1 }
            subscribers:
              - { user: "5001", password: s5001, number: "5001" }
              - { user: "5002", password: s5002, number: "5002" }
            """;
    private PhoneRuntime phones;

    @AfterEach void stop() { if (phones != null) phones.close(); }

    private static E2eNetwork network() throws Exception {
        E2eNetwork n = E2eNetwork.start(Transport.UDP, 1, 2, 30, Map.of(), SIP);
        registered(n);
        return n;
    }

    private Phone phone(E2eNetwork n, String user) throws Exception {
        if (phones == null) phones = PhoneRuntime.loopback();
        InetSocketAddress ctl = new InetSocketAddress("127.0.0.1", n.controller.sip().port());
        Phone p = phones.phone(PhoneConfig.of(user, "s" + user, List.of(ctl)).withTransport("udp").withAutoAnswer(Duration.ZERO));
        assertTrue(eventually(p::registered, WAIT), user + " registers: " + p.registrationError());
        return p;
    }

    private static long counter(E2eNetwork n, String name) throws Exception {
        return n.controller.inspect(core -> core.sip().counters().get(name));
    }

    /** The phone calls line {@code line} ({@code number}), the line answers, both talk. */
    private static Call callLine(SimulatedGateway gw, Phone p, String line, String number) throws Exception {
        Call out = p.call(number);
        assertTrue(eventually(() -> hears(gw, line, "al/ri"), WAIT), line + " rings");
        assertTrue(gw.answer(line));
        assertTrue(eventually(() -> out.talkPathUp() && gw.talkPathUp(line), WAIT), "phone and " + line + " talk: " + out);
        return out;
    }

    private static Call callPhone(Phone from, Phone to, String number) throws Exception {
        int before = to.calls().size();
        Call out = from.call(number);
        assertTrue(eventually(() -> out.state() == CallState.CONNECTED && to.calls().size() > before && out.talkPathUp()
                && newest(to).talkPathUp(), WAIT), "phones talk: " + out);
        return out;
    }

    private static Call newest(Phone p) {
        List<Call> calls = p.calls();
        return calls.get(calls.size() - 1);
    }

    private static void nothingLeft(E2eNetwork n, SimulatedGateway gw) throws Exception {
        assertTrue(eventually(() -> {
            try {
                return activeCalls(n) == 0 && n.controller.inspect(core -> core.sip().calls().size()) == 0 && gw.contextIds().isEmpty();
            } catch (Exception e) {
                return false;
            }
        }, WAIT), "no call left");
    }

    // ------------------------------------------------------------------------------------------ hold

    @Test void aPhoneHoldsAndResumesALineByReinvite() throws Exception {
        try (E2eNetwork n = network()) {
            SimulatedGateway gw = n.gw(1);
            Phone p = phone(n, "5001");
            Call out = callLine(gw, p, "A1", "1001");
            String rtp = gw.rtpTerminationsWith("A1").get(0);

            p.hold(out, false);
            assertTrue(eventually(() -> out.mediaDirection() == MediaDirection.SENDONLY, WAIT),
                    "the controller answered recvonly: " + out.mediaDirection());
            assertTrue(eventually(() -> !gw.talkPathUp("A1"), WAIT), "the line no longer hears the phone both ways");
            assertEquals(1, counter(n, "reinvites.line.hold"));
            assertEquals(CallState.CONNECTED, out.state());

            p.resume(out);
            assertTrue(eventually(() -> out.mediaDirection() == MediaDirection.SENDRECV && out.talkPathUp() && gw.talkPathUp("A1"), WAIT),
                    "resumed: " + out.mediaDirection());
            assertEquals(1, counter(n, "reinvites.line.resume"));
            assertEquals(List.of(rtp), gw.rtpTerminationsWith("A1"), "the same RTP termination, modified");

            p.hold(out, true);
            assertTrue(eventually(() -> out.mediaDirection() == MediaDirection.INACTIVE && !gw.talkPathUp("A1"), WAIT),
                    "inactive: " + out.mediaDirection());
            p.resume(out);
            assertTrue(eventually(() -> out.talkPathUp() && gw.talkPathUp("A1"), WAIT), "resumed again");

            p.hangUp(out);
            assertTrue(eventually(() -> hears(gw, "A1", "cg/bt"), WAIT), "A1 hears busy");
            gw.onHook("A1");
            nothingLeft(n, gw);
        }
    }

    @Test void aCalledPhoneHoldsTheLineThatCalledIt() throws Exception {
        try (E2eNetwork n = network()) {
            SimulatedGateway gw = n.gw(1);
            Phone p = phone(n, "5001");
            offHookAndDial(gw, "A2", "5001");
            assertTrue(eventually(() -> !p.calls().isEmpty() && newest(p).talkPathUp() && gw.talkPathUp("A2"), WAIT), "talking");
            Call in = newest(p);
            p.hold(in, false);
            assertTrue(eventually(() -> in.mediaDirection() == MediaDirection.SENDONLY && !gw.talkPathUp("A2"), WAIT),
                    "held: " + in.mediaDirection());
            p.resume(in);
            assertTrue(eventually(() -> in.talkPathUp() && gw.talkPathUp("A2"), WAIT), "resumed");
            gw.onHook("A2");
            assertTrue(eventually(() -> in.state() == CallState.ENDED, WAIT), "BYE to the phone");
            nothingLeft(n, gw);
        }
    }

    // ------------------------------------------------------------------------------------------ transfer

    @Test void aPhoneTransfersALineToAnotherPhoneBlind() throws Exception {
        try (E2eNetwork n = network()) {
            SimulatedGateway gw = n.gw(1);
            Phone a = phone(n, "5001");
            Phone c = phone(n, "5002");
            Call toLine = callLine(gw, a, "A1", "1001");

            a.transfer(toLine, "5002", false);
            assertTrue(eventually(() -> !c.calls().isEmpty() && newest(c).talkPathUp() && gw.talkPathUp("A1"), WAIT),
                    "A1 and 5002 talk: " + c.calls());
            assertTrue(eventually(() -> toLine.state() == CallState.ENDED, WAIT), "5001 is released: " + toLine);
            assertTrue(toLine.transferStatus().startsWith("SIP/2.0 200"), toLine.transferStatus());
            assertEquals("remote-hangup", toLine.endReason());
            // the line's call now has 5002 as its SIP party, in 5002's dialog
            CallStructure s = onlyCall(n);
            assertEquals("5002", s.sip().number());
            assertEquals(newest(c).callId(), s.sip().callId());
            assertEquals(List.of("sip:5002", "1001"), s.parties());
            assertEquals(1, counter(n, "transfer.blind.completed"));

            gw.onHook("A1");
            assertTrue(eventually(() -> newest(c).state() == CallState.ENDED, WAIT), "5002 gets the BYE");
            nothingLeft(n, gw);
        }
    }

    @Test void aPhoneTransfersAPhoneToALineBlind() throws Exception {
        try (E2eNetwork n = network()) {
            SimulatedGateway gw = n.gw(1);
            Phone a = phone(n, "5001");
            Phone b = phone(n, "5002");
            Call ab = callPhone(a, b, "5002");
            Call ba = newest(b);

            a.transfer(ab, "1001", false);
            assertTrue(eventually(() -> hears(gw, "A1", "al/ri"), WAIT), "A1 rings");
            assertTrue(eventually(() -> "SIP/2.0 180 Ringing".equals(ab.transferStatus()), WAIT), "NOTIFY 180: " + ab.transferStatus());
            assertEquals(CallState.CONNECTED, ab.state(), "nothing changes for 5001 before the answer");
            assertTrue(gw.answer("A1"));
            assertTrue(eventually(() -> ba.talkPathUp() && gw.talkPathUp("A1"), WAIT), "5002 and A1 talk: " + ba);
            assertTrue(eventually(() -> ab.state() == CallState.ENDED, WAIT), "5001 released");
            assertTrue(ab.transferStatus().startsWith("SIP/2.0 200"), ab.transferStatus());
            assertSame(ba, newest(b));
            CallStructure s = onlyCall(n);
            assertEquals("5002", s.sip().number());
            assertEquals(ba.callId(), s.sip().callId());

            b.hangUp(ba);
            assertTrue(eventually(() -> hears(gw, "A1", "cg/bt"), WAIT), "A1 hears busy");
            gw.onHook("A1");
            nothingLeft(n, gw);
        }
    }

    @Test void aBlindTransferToABusyLineGetsNotify486AndTheCallStays() throws Exception {
        try (E2eNetwork n = network()) {
            SimulatedGateway gw = n.gw(1);
            Phone a = phone(n, "5001");
            Phone b = phone(n, "5002");
            gw.offHook("A1"); // busy: off-hook, hearing dial tone
            assertTrue(eventually(() -> hears(gw, "A1", "cg/dt"), WAIT));
            Call ab = callPhone(a, b, "5002");
            a.transfer(ab, "1001");
            assertTrue(eventually(() -> ab.transferStatus() != null && ab.transferStatus().startsWith("SIP/2.0 486"), WAIT),
                    "NOTIFY 486: " + ab.transferStatus());
            assertEquals(CallState.CONNECTED, ab.state());
            assertTrue(ab.talkPathUp() && newest(b).talkPathUp());
            assertEquals(1, counter(n, "transfer.failed.486"));
        }
    }

    @Test void attendedTransferOfALineToAPhoneTheTransferorConsulted() throws Exception {
        try (E2eNetwork n = network()) {
            SimulatedGateway gw = n.gw(1);
            Phone a = phone(n, "5001");
            Phone c = phone(n, "5002");
            Call toLine = callLine(gw, a, "A1", "1001");
            a.hold(toLine, false);
            assertTrue(eventually(() -> toLine.mediaDirection() == MediaDirection.SENDONLY, WAIT), "the line held");
            Call consult = callPhone(a, c, "5002");
            Call ca = newest(c);

            a.transferAttended(toLine, consult, false);
            assertTrue(eventually(() -> ca.talkPathUp() && gw.talkPathUp("A1"), WAIT), "A1 and 5002 talk: " + ca);
            assertTrue(eventually(() -> toLine.state() == CallState.ENDED && consult.state() == CallState.ENDED, WAIT),
                    "5001's two calls ended: " + toLine + " " + consult);
            assertSame(ca, newest(c), "5002 kept its dialog");
            CallStructure s = onlyCall(n);
            assertEquals("5002", s.sip().number());
            assertEquals(ca.callId(), s.sip().callId());
            assertEquals(1, counter(n, "transfer.attended.completed"));

            c.hangUp(ca);
            assertTrue(eventually(() -> hears(gw, "A1", "cg/bt"), WAIT), "A1 hears busy");
            gw.onHook("A1");
            nothingLeft(n, gw);
        }
    }

    @Test void attendedTransferOfAPhoneToALineTheTransferorConsulted() throws Exception {
        try (E2eNetwork n = network()) {
            SimulatedGateway gw = n.gw(1);
            Phone a = phone(n, "5001");
            Phone b = phone(n, "5002");
            Call ab = callPhone(a, b, "5002");
            Call ba = newest(b);
            a.hold(ab, false);
            assertTrue(eventually(() -> ab.onHold() && !ab.talkPathUp(), WAIT), "5002 held");
            Call consult = callLine(gw, a, "A2", "1002");

            a.transferAttended(ab, consult, false);
            assertTrue(eventually(() -> ba.talkPathUp() && gw.talkPathUp("A2"), WAIT), "5002 and A2 talk: " + ba);
            assertTrue(eventually(() -> ab.state() == CallState.ENDED && consult.state() == CallState.ENDED, WAIT),
                    "5001's two calls ended");
            CallStructure s = onlyCall(n);
            assertEquals("5002", s.sip().number());
            assertEquals(ba.callId(), s.sip().callId());

            gw.onHook("A2");
            assertTrue(eventually(() -> ba.state() == CallState.ENDED, WAIT), "5002 gets the BYE");
            nothingLeft(n, gw);
        }
    }
    // ------------------------------------------------------------------------------------------ conference

    private static List<CallStructure> conferences(E2eNetwork n) {
        try {
            return n.controller.inspect(core -> core.calls().conferences());
        } catch (Exception e) {
            return List.of();
        }
    }

    @Test void aPhoneJoinsItsCallsWithAPhoneAndALineInAConferenceOnTheGatewayAndThePartiesLeave() throws Exception {
        try (E2eNetwork n = network()) {
            SimulatedGateway gw = n.gw(1);
            Phone a = phone(n, "5001");
            Phone b = phone(n, "5002");
            Call ab = callPhone(a, b, "5002");
            Call ba = newest(b);
            a.hold(ab, false);
            assertTrue(eventually(() -> ab.onHold() && !ab.talkPathUp(), WAIT), "5002 held");
            Call toLine = callLine(gw, a, "A1", "1001");
            a.hold(toLine, false);
            assertTrue(eventually(() -> toLine.mediaDirection() == MediaDirection.SENDONLY, WAIT), "A1 held");

            // RFC 4579: call the conference factory, then REFER it to each call (Replaces)
            Call conf = a.conference("conference", List.of(ab, toLine));
            assertTrue(eventually(() -> ab.state() == CallState.ENDED && toLine.state() == CallState.ENDED, WAIT),
                    "the focus took both calls over (BYE to 5001 in each): " + ab + " " + toLine);
            assertTrue(eventually(() -> conf.talkPathUp() && ba.talkPathUp() && gw.talkPathUp("A1"), WAIT),
                    "all three talk: " + conf + " " + ba + " A1 " + gw.talkPathUp("A1"));
            assertSame(ba, newest(b), "5002 kept its dialog");
            assertEquals("remote-hangup", ab.endReason());
            assertEquals(2, counter(n, "conference.joined"));

            List<CallStructure> cs = conferences(n);
            assertEquals(1, cs.size(), cs.toString());
            CallStructure s = cs.get(0);
            assertEquals("CONFERENCE", s.feature());
            assertEquals(1, s.legs().size());
            assertEquals("gw1", s.legs().get(0).gateway());
            assertEquals(3, s.legs().get(0).terminations().size(), "an RTP termination per phone, and the line: " + s);
            assertTrue(s.legs().get(0).terminations().contains("A1"), "A1 itself is in the conference context: " + s);
            assertEquals(s.legs().get(0).context().value(), (long) gw.contextOf("A1"));
            assertEquals(java.util.Set.of("sip:5001", "sip:5002", "line:1001"), java.util.Set.copyOf(s.parties()));
            assertEquals(2, gw.rtpTerminationsWith("A1").size(), "the line's own RTP termination went: " + gw.contextIds());
            assertEquals(1, gw.contextIds().size(), "one context left on the gateway: " + gw.contextIds());
            // the line's own call: its SIP side is the conference now, its leg the conference's context
            CallStructure lineCall = onlyCall(n);
            assertEquals("conference", lineCall.sip().number());
            assertEquals(List.of(new CallStructure.Leg("gw1", s.legs().get(0).context(), List.of("A1"))), lineCall.legs());

            // the host holds the conference (a re-INVITE in the focus dialog): the other two still hear each other
            a.hold(conf, false);
            assertTrue(eventually(() -> conf.mediaDirection() == MediaDirection.SENDONLY, WAIT), "held: " + conf.mediaDirection());
            assertTrue(eventually(() -> ba.talkPathUp() && gw.talkPathUp("A1"), WAIT), "5002 and A1 talk on");
            a.resume(conf);
            assertTrue(eventually(() -> conf.mediaDirection() == MediaDirection.SENDRECV && conf.talkPathUp(), WAIT), "resumed");

            // 5002 leaves: 5001 and A1 go on in the conference
            b.hangUp(ba);
            assertTrue(eventually(() -> conferences(n).size() == 1 && conferences(n).get(0).parties().size() == 2, WAIT),
                    "two left: " + conferences(n));
            assertTrue(eventually(() -> conf.talkPathUp() && gw.talkPathUp("A1"), WAIT), "5001 and A1 still talk");
            assertEquals(CallState.CONNECTED, conf.state());

            // A1 hangs up: 5001 is alone, the conference ends
            gw.onHook("A1");
            assertTrue(eventually(() -> conf.state() == CallState.ENDED, WAIT), "5001 gets BYE from the focus: " + conf);
            assertTrue(eventually(() -> conferences(n).isEmpty(), WAIT));
            nothingLeft(n, gw);
        }
    }

    @Test void aConferenceDialsAPhoneAndALineIn() throws Exception {
        try (E2eNetwork n = network()) {
            SimulatedGateway gw = n.gw(1);
            Phone a = phone(n, "5001");
            Phone b = phone(n, "5002");
            Call conf = a.conference("conference", List.of());
            assertTrue(eventually(() -> conf.state() == CallState.CONNECTED, WAIT), "the focus answers: " + conf);
            a.transfer(conf, "5002", false); // REFER without Replaces in the focus dialog: dial 5002 in
            assertTrue(eventually(() -> !b.calls().isEmpty() && newest(b).talkPathUp() && conf.talkPathUp(), WAIT),
                    "5002 joined: " + b.calls());
            assertTrue(eventually(() -> conf.transferStatus() != null && conf.transferStatus().startsWith("SIP/2.0 200"), WAIT));
            a.transfer(conf, "1001", false);
            assertTrue(eventually(() -> hears(gw, "A1", "al/ri"), WAIT), "A1 rings");
            assertTrue(gw.answer("A1"));
            assertTrue(eventually(() -> gw.talkPathUp("A1") && newest(b).talkPathUp() && conf.talkPathUp(), WAIT), "three talk");
            assertEquals(3, conferences(n).get(0).parties().size());
            assertTrue(eventually(() -> gw.contextIds().size() == 1, WAIT), "A1 moved into the conference's context: " + gw.contextIds());
            assertTrue(conferences(n).get(0).legs().get(0).terminations().contains("A1"), conferences(n).toString());
            assertEquals(CallState.CONNECTED, conf.state());

            // a number nobody has: NOTIFY 404, the conference goes on
            a.transfer(conf, "7777", false);
            assertTrue(eventually(() -> conf.transferStatus() != null && conf.transferStatus().startsWith("SIP/2.0 404"), WAIT),
                    conf.transferStatus());
            assertEquals(3, conferences(n).get(0).parties().size());

            a.hangUp(conf);
            assertTrue(eventually(() -> conferences(n).get(0).parties().size() == 2, WAIT), "the host left, two talk on");
            assertTrue(eventually(() -> gw.talkPathUp("A1") && newest(b).talkPathUp(), WAIT));
            b.hangUp(newest(b));
            assertTrue(eventually(() -> hears(gw, "A1", "cg/bt"), WAIT), "the last one, A1, hears busy");
            gw.onHook("A1");
            nothingLeft(n, gw);
        }
    }
    @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir;

    @Test void holdTransferAndConferenceWithLinesReplayIntoByteIdenticalCommands() throws Exception {
        java.nio.file.Path events = dir.resolve("events.log");
        java.nio.file.Path commands = dir.resolve("commands.log");
        try (E2eNetwork n = E2eNetwork.start(Transport.UDP, 1, 2, 30, Map.of(), SIP, events, commands)) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Phone a = phone(n, "5001");
            Phone b = phone(n, "5002");
            Call toLine = callLine(gw, a, "A1", "1001");
            a.hold(toLine, false);
            assertTrue(eventually(() -> toLine.mediaDirection() == MediaDirection.SENDONLY, WAIT), "held");
            a.transfer(toLine, "5002", false);
            assertTrue(eventually(() -> !b.calls().isEmpty() && newest(b).talkPathUp() && gw.talkPathUp("A1"), WAIT), "transferred");
            Call conf = b.conference("conference", List.of(newest(b)));
            assertTrue(eventually(() -> conf.talkPathUp() && gw.talkPathUp("A1") && conferences(n).size() == 1
                    && conferences(n).get(0).parties().size() == 2, WAIT), "5002 and A1 in a conference");
            gw.onHook("A1");
            assertTrue(eventually(() -> conf.state() == CallState.ENDED, WAIT), "the conference ended");
            nothingLeft(n, gw);
        }
        List<String> live = java.nio.file.Files.readAllLines(commands, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(live.stream().anyMatch(l -> l.contains("sipfrag")), "NOTIFYs were sent");
        assertEquals(live, dev.holdfast.controller.core.Replayer.replay(events, dev.holdfast.controller.ControllerCore::fromLogHeader));
    }
    @Test void aLineOnAnotherGatewayJoinsTheConferenceByAnRtpPair() throws Exception {
        try (E2eNetwork n = E2eNetwork.start(Transport.UDP, 2, 1, 30, Map.of(), SIP)) {
            registered(n);
            SimulatedGateway gw1 = n.gw(1);
            SimulatedGateway gw2 = n.gw(2);
            Phone a = phone(n, "5001");
            Phone b = phone(n, "5002");
            Call ab = callPhone(a, b, "5002");
            a.hold(ab, false);
            assertTrue(eventually(() -> ab.onHold(), WAIT));
            Call toLine = callLine(gw2, a, "A1", "2001"); // gw2's line; the conference opens on gw1
            a.hold(toLine, false);
            assertTrue(eventually(() -> toLine.mediaDirection() == MediaDirection.SENDONLY, WAIT));
            Call conf = a.conference("conference", List.of(ab, toLine));
            assertTrue(eventually(() -> conf.talkPathUp() && newest(b).talkPathUp() && gw2.talkPathUp("A1"), WAIT),
                    "all three talk: " + conf);
            CallStructure s = conferences(n).get(0);
            assertEquals("gw1", s.legs().get(0).gateway());
            assertEquals(3, s.legs().get(0).terminations().size(), s.toString());
            assertTrue(gw1.contextIds().size() == 1 && gw2.contextOf("A1") != null, "A1 stays in its own context on gw2");
            gw2.onHook("A1");
            assertTrue(eventually(() -> conferences(n).get(0).parties().size() == 2, WAIT), "A1 left");
            assertTrue(eventually(() -> conf.talkPathUp() && newest(b).talkPathUp(), WAIT), "5001 and 5002 talk on");
            b.hangUp(newest(b));
            assertTrue(eventually(() -> conf.state() == CallState.ENDED, WAIT), "5001 alone: BYE");
            assertTrue(eventually(() -> {
                try {
                    return activeCalls(n) == 0 && gw1.contextIds().isEmpty() && gw2.contextIds().isEmpty();
                } catch (Exception e) {
                    return false;
                }
            }, WAIT), "nothing left");
        }
    }
}
