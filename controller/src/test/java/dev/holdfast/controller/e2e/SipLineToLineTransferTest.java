package dev.holdfast.controller.e2e;

import dev.holdfast.controller.call.CallStructure;
import dev.holdfast.controller.call.CallStructure.Role;
import dev.holdfast.controller.cdr.CallRecord;
import dev.holdfast.controller.cdr.CdrQuery;
import dev.holdfast.controller.cookie.CallCookie;
import dev.holdfast.controller.cookie.CookieParty;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.holdfast.controller.e2e.E2eNetwork.eventually;
import static dev.holdfast.controller.e2e.E2eSteps.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A SIP phone in calls with analog lines transfers one line to another by REFER (docs/sip.md, "Transfer"): blind
 * (Refer-To the line's number: the target rings, its answer joins the two lines) and attended (Replaces naming the
 * phone's consultation call with the other line). The two lines end up in one call of their own in call processing:
 * on one gateway both lines in one context (the transferee moved into the target's), on two gateways an RTP pair.
 * The phone hears 202, NOTIFY 100 (180 while a blind target rings), NOTIFY 200, then BYE in each of its calls.
 * Real processes and sockets on 127.0.0.1: the controller, gateway-sim gateways (RTP probes on every line say whether
 * the talk path is up) and endpoint-sim phones; call cookies on, so the new call's cookies are checked too, and
 * so is the cookie a phone joined with a line by a transfer gets in the request that joins it.
 */
class SipLineToLineTransferTest {
    private static final String SECRET = TestCookies.SECRET;
    private static final String SIP = """
            sip: { port: 0, minExpires: 1 }
            subscribers:
              - { user: "5001", password: s5001, number: "5001" }
              - { user: "5002", password: s5002, number: "5002" }
            cookies: { current: 1, keys: [ { id: 1, secret: "%s" } ] }
            """.formatted(SECRET);

    private PhoneRuntime phones;

    @AfterEach void stop() { if (phones != null) phones.close(); }

    @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir;

    /** The admin API on (a port of its own): the controller then keeps its call detail records for the tests to read. */
    private E2eNetwork network(int gateways, int lines, int noAnswerSeconds) throws Exception {
        E2eNetwork n = E2eNetwork.start(Transport.UDP, gateways, lines, noAnswerSeconds, Map.of(),
                SIP + AdminClient.adminSection(dir.resolve("audit.log"), 1800, 5));
        registered(n);
        return n;
    }

    private Phone phone(E2eNetwork n) throws Exception { return phone(n, "5001"); }

    private Phone phone(E2eNetwork n, String user) throws Exception {
        if (phones == null) phones = PhoneRuntime.loopback();
        InetSocketAddress ctl = new InetSocketAddress("127.0.0.1", n.controller.sip().port());
        Phone p = phones.phone(PhoneConfig.of(user, "s" + user, List.of(ctl)).withTransport("udp").withAutoAnswer(Duration.ZERO));
        assertTrue(eventually(p::registered, WAIT), user + " registers: " + p.registrationError());
        return p;
    }

    /** The phone calls {@code line} ({@code number}) on {@code gw}, the line answers, both talk; then the phone holds it. */
    private static Call callAndHold(SimulatedGateway gw, Phone p, String line, String number) throws Exception {
        Call out = p.call(number);
        assertTrue(eventually(() -> hears(gw, line, "al/ri"), WAIT), line + " rings");
        assertTrue(gw.answer(line));
        assertTrue(eventually(() -> out.talkPathUp() && gw.talkPathUp(line), WAIT), "phone and " + line + " talk: " + out);
        p.hold(out, false);
        assertTrue(eventually(() -> out.mediaDirection() == MediaDirection.SENDONLY && !gw.talkPathUp(line), WAIT),
                line + " held: " + out.mediaDirection());
        return out;
    }

    private static long counter(E2eNetwork n, String name) throws Exception {
        return n.controller.inspect(core -> core.sip().counters().get(name));
    }

    private static int sipCalls(E2eNetwork n) throws Exception {
        return n.controller.inspect(core -> core.sip().calls().size());
    }

    /** The key of the only call in call processing. */
    private static long onlyKey(E2eNetwork n) throws Exception {
        return n.controller.inspect(core -> core.calls().calls().iterator().next().key());
    }

    /** The REFER's SIP exchange as the phone and the controller saw it: 202, NOTIFY 100 (180), 200, then our BYE. */
    private static void transferredAndReleased(E2eNetwork n, Call referred, boolean ringing) throws Exception {
        assertTrue(eventually(() -> referred.state() == CallState.ENDED, WAIT), "the transferor's dialog ended: " + referred);
        assertEquals("SIP/2.0 200 OK", referred.transferStatus(), "the last NOTIFY's sipfrag");
        assertEquals("remote-hangup", referred.endReason(), "the controller sent the BYE");
        assertEquals(1, counter(n, "refer.accepted"), "REFER answered 202");
        assertEquals(1, counter(n, "refer.notify.100"));
        assertEquals(ringing ? 1 : 0, counter(n, "refer.notify.180"));
        assertEquals(1, counter(n, "refer.notify.200"));
        assertEquals(1, counter(n, "transfer.line-to-line.completed"));
        assertEquals(1, counter(n, "transfer.transferor-released"));
    }

    /** Both lines' gateway parts carry a cookie of the new call: its key, generation, both lines as parties. */
    private static void cookiesNameTheLines(E2eNetwork n, SimulatedGateway g1, String l1, SimulatedGateway g2, String l2)
            throws Exception {
        long key = onlyKey(n);
        assertTrue(eventually(() -> cookieKey(g1, l1) == key && cookieKey(g2, l2) == key, WAIT),
                "the lines' cookies name the new call " + Long.toHexString(key) + ": " + g1.properties(l1) + " " + cookie(g1, l1));
        CallCookie c = cookie(g1, l1);
        assertEquals(dev.holdfast.controller.call.CallState.CONNECTED, c.state());
        assertEquals(List.of(CookieParty.Kind.LINE, CookieParty.Kind.LINE), c.parties().stream().map(CookieParty::kind).toList());
        assertEquals(List.of(l1, l2), c.parties().stream().map(CookieParty::termination).toList());
    }

    private static CallCookie cookie(SimulatedGateway gw, String termination) { return TestCookies.onTermination(gw, termination); }

    /** The call cookie in a phone dialog's remote target (our Contact's {@code hfck}), verified; null if none. */
    private static CallCookie dialogCookie(Call c) { return TestCookies.inDialog(c); }

    private static long cookieKey(SimulatedGateway gw, String termination) {
        CallCookie c = cookie(gw, termination);
        return c == null ? 0 : c.callKey();
    }

    /** Call detail records so far, oldest first. */
    private static List<CallRecord> cdrs(E2eNetwork n) {
        return n.controller.cdrs().find(new CdrQuery(null, null, null, 100)).cdrs().stream()
                .sorted(Comparator.comparingLong(CallRecord::end)).toList();
    }

    private static void nothingLeft(E2eNetwork n, SimulatedGateway... gws) throws Exception {
        assertTrue(eventually(() -> {
            try {
                for (SimulatedGateway g : gws) if (!g.contextIds().isEmpty()) return false;
                return activeCalls(n) == 0 && sipCalls(n) == 0;
            } catch (Exception e) {
                return false;
            }
        }, WAIT), "no call, no context left");
    }

    // ------------------------------------------------------------------------------------------ blind

    @Test void blindTransferOfALineToALineOnTheSameGatewayMovesItIntoTheTargetsContext() throws Exception {
        try (E2eNetwork n = network(1, 3, 30)) {
            SimulatedGateway gw = n.gw(1);
            Phone p = phone(n);
            Call toA1 = callAndHold(gw, p, "A1", "1001");

            p.transfer(toA1, "1002", false);
            assertTrue(eventually(() -> hears(gw, "A2", "al/ri"), WAIT), "A2 rings");
            assertTrue(eventually(() -> "SIP/2.0 180 Ringing".equals(toA1.transferStatus()), WAIT), "NOTIFY 180: " + toA1.transferStatus());
            assertEquals(CallState.CONNECTED, toA1.state(), "nothing changes for the phone before the answer");
            assertEquals(2, activeCalls(n), "A1's call with the phone, and A2 offered the call");
            String r1 = gw.rtpTerminationsWith("A1").get(0);
            String r2 = gw.rtpTerminationsWith("A2").get(0);
            long c1 = gw.contextOf("A1");
            long c2 = gw.contextOf("A2");
            int m = mark(gw);
            assertTrue(gw.answer("A2"));

            answered(gw, "A1", gw, "A2");
            transferredAndReleased(n, toA1, true);
            assertEquals(1, counter(n, "transfer.blind.completed"));
            // H.248: A1 moved into A2's context; both RTP terminations toward the phone and A1's old context gone
            assertCommandsSince(gw, m, List.of(
                    "Modify A2 @" + c2, "Modify " + r2 + " @" + c2,                           // A2 answers
                    "Subtract " + r1 + " @" + c1,                                             // the join
                    "Move A1 @" + c2, "Modify A2 @" + c2, "Subtract " + r2 + " @" + c2));
            List<Long> contexts = gw.contextIds();
            assertEquals(1, contexts.size(), "one context: " + contexts);
            assertEquals(Set.of("A1", "A2"), Set.copyOf(gw.terminationsIn(contexts.get(0))));
            assertEquals(List.of(), gw.rtpTerminationsWith("A1"));
            // call processing: one basic call between the lines, no SIP side
            CallStructure s = onlyCall(n);
            assertEquals(dev.holdfast.controller.call.CallState.CONNECTED, s.state());
            assertEquals(List.of("1001", "1002"), s.parties());
            assertNull(s.sip());
            assertEquals(List.of(new CallStructure.Leg("gw1", s.legs().get(0).context(), List.of("A2", "A1"))), s.legs());
            assertEquals(contexts.get(0), s.legs().get(0).context().value());
            assertEquals(List.of(), s.igcs());
            assertEquals("A1", s.party(Role.CALLER).termination());
            assertEquals("A2", s.party(Role.CALLEE).termination());
            assertEquals(0, sipCalls(n), "the phone is in no call any more");
            cookiesNameTheLines(n, gw, "A1", gw, "A2");
            // a line call like any other: A1 flashes, A2 is held, A1 hears recall dial tone; A1 flashes again, they talk
            gw.flash("A1");
            assertTrue(eventually(() -> hears(gw, "A1", "cg/dt"), WAIT), "A1 hears recall dial tone");
            silent(gw, "A2");
            assertEquals("HOLD", onlyCall(n).feature());
            gw.flash("A1");
            talking(gw, "A1", gw, "A2");
            assertEquals("NONE", onlyCall(n).feature());

            // A1 hangs up: A2 hears busy, then hangs up too
            gw.onHook("A1");
            assertTrue(eventually(() -> hears(gw, "A2", "cg/bt"), WAIT), "A2 hears busy");
            gw.onHook("A2");
            assertIdle(gw, "A1");
            assertIdle(gw, "A2");
            nothingLeft(n, gw);
            // records: the phone's call with A1 (transferred), then the lines' call, from A2's ringing
            assertTrue(eventually(() -> cdrs(n).size() == 2, WAIT), "two records: " + cdrs(n));
            List<CallRecord> r = cdrs(n);
            assertEquals(List.of("5001", "1001", CallRecord.NORMAL, "transferred"),
                    List.of(r.get(0).caller(), r.get(0).callee(), r.get(0).release(), r.get(0).cause()));
            assertEquals(List.of("1001", "line", "1002", "line", CallRecord.NORMAL),
                    List.of(r.get(1).caller(), r.get(1).callerKind(), r.get(1).callee(), r.get(1).calleeKind(), r.get(1).release()));
            assertNotNull(r.get(1).answer());
            assertTrue(r.get(1).setup() < r.get(1).answer(), "set up when A2 was offered the call, before its answer: " + r.get(1));
        }
    }

    @Test void blindTransferOfALineToALineOnAnotherGatewayJoinsThemByAnRtpPair() throws Exception {
        try (E2eNetwork n = network(2, 1, 30)) {
            SimulatedGateway gw1 = n.gw(1);
            SimulatedGateway gw2 = n.gw(2);
            Phone p = phone(n);
            Call toA1 = callAndHold(gw1, p, "A1", "1001");
            String rtp1 = gw1.rtpTerminationsWith("A1").get(0);

            p.transfer(toA1, "2001", false);
            assertTrue(eventually(() -> hears(gw2, "A1", "al/ri"), WAIT), "gw2's A1 rings");
            assertTrue(eventually(() -> "SIP/2.0 180 Ringing".equals(toA1.transferStatus()), WAIT), toA1.transferStatus());
            assertTrue(gw2.answer("A1"));

            answered(gw1, "A1", gw2, "A1");
            transferredAndReleased(n, toA1, true);
            // H.248: each line keeps a context with one RTP termination, now pointed at the other (the phone's held
            // termination on gw1 is sending and receiving again)
            assertEquals(List.of(rtp1), gw1.rtpTerminationsWith("A1"), "gw1's RTP termination stays");
            String rtp2 = gw2.rtpTerminationsWith("A1").get(0);
            assertEquals(1, gw1.contextIds().size());
            assertEquals(1, gw2.contextIds().size());
            CallStructure s = onlyCall(n);
            assertEquals(List.of("1001", "2001"), s.parties());
            assertNull(s.sip());
            assertEquals(List.of(new CallStructure.Leg("gw1", s.legs().get(0).context(), List.of("A1", rtp1)),
                    new CallStructure.Leg("gw2", s.legs().get(1).context(), List.of("A1", rtp2))), s.legs());
            assertEquals(1, s.igcs().size());
            CallStructure.Igc igc = s.igcs().get(0);
            assertEquals(List.of("gw1", rtp1, "gw2"), List.of(igc.a().gateway(), igc.a().termination(), igc.a().farGateway()));
            assertEquals(List.of("gw2", rtp2, "gw1"), List.of(igc.b().gateway(), igc.b().termination(), igc.b().farGateway()));
            assertEquals(igc.b().localSdp(), igc.a().remoteSdp());
            assertEquals(igc.a().localSdp(), igc.b().remoteSdp());
            assertEquals(s.legs().get(1).context(), igc.a().farContext());
            cookiesNameTheLines(n, gw1, "A1", gw2, "A1");
            assertEquals(onlyKey(n), cookie(gw1, rtp1).callKey(), "the RTP termination's cookie too");

            // the far line hangs up: the transferee hears busy
            gw2.onHook("A1");
            assertTrue(eventually(() -> hears(gw1, "A1", "cg/bt"), WAIT), "gw1's A1 hears busy");
            gw1.onHook("A1");
            assertIdle(gw1, "A1");
            assertIdle(gw2, "A1");
            nothingLeft(n, gw1, gw2);
        }
    }

    @Test void aLineThatCalledThePhoneIsTransferredBlindToAnotherLine() throws Exception {
        try (E2eNetwork n = network(1, 2, 30)) {
            SimulatedGateway gw = n.gw(1);
            Phone p = phone(n);
            offHookAndDial(gw, "A1", "5001");
            assertTrue(eventually(() -> !p.calls().isEmpty() && p.calls().get(0).talkPathUp() && gw.talkPathUp("A1"), WAIT),
                    "the phone answered A1");
            Call fromA1 = p.calls().get(0);

            p.transfer(fromA1, "1002", false);
            assertTrue(eventually(() -> hears(gw, "A2", "al/ri"), WAIT), "A2 rings");
            assertTrue(gw.answer("A2"));
            answered(gw, "A1", gw, "A2");
            transferredAndReleased(n, fromA1, true);
            CallStructure s = onlyCall(n);
            assertEquals(List.of("1001", "1002"), s.parties());
            assertEquals(List.of(gw.contextOf("A1")), gw.contextIds());
            assertEquals(Set.of("A1", "A2"), Set.copyOf(s.legs().get(0).terminations()));

            gw.onHook("A2");
            assertTrue(eventually(() -> hears(gw, "A1", "cg/bt"), WAIT), "A1 hears busy");
            gw.onHook("A1");
            nothingLeft(n, gw);
        }
    }

    // ------------------------------------------------------------------------------------------ attended

    @Test void attendedTransferOfALineToALineTheTransferorConsultedOnTheSameGateway() throws Exception {
        try (E2eNetwork n = network(1, 3, 30)) {
            SimulatedGateway gw = n.gw(1);
            Phone p = phone(n);
            Call toA1 = callAndHold(gw, p, "A1", "1001");
            Call toA2 = p.call("1002");
            assertTrue(eventually(() -> hears(gw, "A2", "al/ri"), WAIT), "A2 rings");
            assertTrue(gw.answer("A2"));
            assertTrue(eventually(() -> toA2.talkPathUp() && gw.talkPathUp("A2"), WAIT), "the phone consults A2");
            long a2Context = gw.contextOf("A2");

            p.transferAttended(toA1, toA2, false);
            answered(gw, "A1", gw, "A2");
            transferredAndReleased(n, toA1, false);
            assertTrue(eventually(() -> toA2.state() == CallState.ENDED, WAIT), "the consultation got BYE too: " + toA2);
            assertEquals(1, counter(n, "transfer.attended.completed"));
            assertEquals(List.of(a2Context), gw.contextIds(), "A1 moved into A2's context, its own went");
            assertEquals(Set.of("A1", "A2"), Set.copyOf(gw.terminationsIn(a2Context)));
            CallStructure s = onlyCall(n);
            assertEquals(List.of("1001", "1002"), s.parties());
            assertNull(s.sip());
            assertEquals(1, s.legs().size());
            cookiesNameTheLines(n, gw, "A1", gw, "A2");

            gw.onHook("A2");
            assertTrue(eventually(() -> hears(gw, "A1", "cg/bt"), WAIT), "A1 hears busy");
            gw.onHook("A1");
            nothingLeft(n, gw);
            // the phone's two calls ended by the transfer, then the lines' call
            assertTrue(eventually(() -> cdrs(n).size() == 3, WAIT), "three records: " + cdrs(n));
            List<CallRecord> r = cdrs(n);
            assertEquals(Set.of("1001", "1002"), Set.of(r.get(0).callee(), r.get(1).callee()));
            for (int i = 0; i < 2; i++) assertEquals(List.of("5001", "transferred"), List.of(r.get(i).caller(), r.get(i).cause()));
            assertEquals(List.of("1001", "1002"), List.of(r.get(2).caller(), r.get(2).callee()));
        }
    }

    @Test void attendedTransferOfALineToALineOnAnotherGateway() throws Exception {
        try (E2eNetwork n = network(2, 1, 30)) {
            SimulatedGateway gw1 = n.gw(1);
            SimulatedGateway gw2 = n.gw(2);
            Phone p = phone(n);
            Call toA1 = callAndHold(gw1, p, "A1", "1001");
            Call toB1 = callAndHold(gw2, p, "A1", "2001"); // the consultation, held too before the REFER

            p.transferAttended(toA1, toB1, false);
            answered(gw1, "A1", gw2, "A1");
            transferredAndReleased(n, toA1, false);
            assertTrue(eventually(() -> toB1.state() == CallState.ENDED, WAIT), "the consultation got BYE too");
            CallStructure s = onlyCall(n);
            assertEquals(List.of("1001", "2001"), s.parties());
            assertEquals(2, s.legs().size());
            assertEquals(1, s.igcs().size());
            cookiesNameTheLines(n, gw1, "A1", gw2, "A1");

            gw1.onHook("A1");
            assertTrue(eventually(() -> hears(gw2, "A1", "cg/bt"), WAIT), "gw2's A1 hears busy");
            gw2.onHook("A1");
            nothingLeft(n, gw1, gw2);
        }
    }

    // ------------------------------------------------------------------------------------------ migration, replay

    @Test void theLinesCallSurvivesThePrimarysDeathWithItsStructure() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 2, 1, 30, Map.of(), SIP, SIP, Map.of())) {
            registered(n);
            SimulatedGateway gw1 = n.gw(1);
            SimulatedGateway gw2 = n.gw(2);
            Phone p = phone(n);
            Call toA1 = callAndHold(gw1, p, "A1", "1001");
            Call toB1 = callAndHold(gw2, p, "A1", "2001");
            p.transferAttended(toA1, toB1, false);
            answered(gw1, "A1", gw2, "A1");
            transferredAndReleased(n, toA1, false);
            cookiesNameTheLines(n, gw1, "A1", gw2, "A1");
            Map<String, CallStructure> before = MigrationEndToEndTest.structures(n.controller);
            assertEquals(Set.of("1001,2001"), before.keySet(), "the lines' call: " + before.keySet());

            n.controller.close(); // the primary dies: the gateways go to the alternate with their cookies
            dev.holdfast.controller.Controller alt = n.alternate;
            assertTrue(eventually(() -> MigrationEndToEndTest.inService(alt, "gw1") && MigrationEndToEndTest.inService(alt, "gw2"),
                    WAIT), "gateways fail over");
            assertTrue(eventually(() -> MigrationEndToEndTest.calls(alt) == 1, WAIT), "the alternate rebuilt the call");
            Map<String, CallStructure> after = MigrationEndToEndTest.structures(alt);
            assertEquals(before.keySet(), after.keySet());
            assertEquals(MigrationEndToEndTest.comparable(before.get("1001,2001")), MigrationEndToEndTest.comparable(after.get("1001,2001")));
            talking(gw1, "A1", gw2, "A1");

            gw2.onHook("A1");
            assertTrue(eventually(() -> hears(gw1, "A1", "cg/bt"), WAIT), "gw1's A1 hears busy");
            gw1.onHook("A1");
            assertIdle(gw1, "A1");
            assertIdle(gw2, "A1");
            assertTrue(eventually(() -> MigrationEndToEndTest.calls(alt) == 0 && gw1.contextIds().isEmpty()
                    && gw2.contextIds().isEmpty(), WAIT), "nothing left");
        }
    }

    @Test void lineToLineTransfersReplayIntoByteIdenticalCommands() throws Exception {
        java.nio.file.Path events = dir.resolve("events.log");
        java.nio.file.Path commands = dir.resolve("commands.log");
        try (E2eNetwork n = E2eNetwork.start(Transport.UDP, 2, 2, 30, Map.of(), SIP, events, commands)) {
            registered(n);
            SimulatedGateway gw1 = n.gw(1);
            SimulatedGateway gw2 = n.gw(2);
            Phone p = phone(n);
            // blind across gateways, then attended on one
            Call toA1 = callAndHold(gw1, p, "A1", "1001");
            p.transfer(toA1, "2001", false);
            assertTrue(eventually(() -> hears(gw2, "A1", "al/ri"), WAIT));
            assertTrue(gw2.answer("A1"));
            answered(gw1, "A1", gw2, "A1");
            Call toA2 = callAndHold(gw1, p, "A2", "1002");
            Call toB2 = callAndHold(gw2, p, "A2", "2002");
            p.transferAttended(toA2, toB2, false);
            talking(gw1, "A2", gw2, "A2");
            assertTrue(eventually(() -> toA2.state() == CallState.ENDED && toB2.state() == CallState.ENDED, WAIT));
            for (SimulatedGateway g : List.of(gw1, gw2)) for (String l : List.of("A1", "A2")) g.onHook(l);
            nothingLeft(n, gw1, gw2);
        }
        List<String> live = java.nio.file.Files.readAllLines(commands, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(live.stream().anyMatch(l -> l.contains("sipfrag")), "NOTIFYs were sent");
        assertEquals(live, dev.holdfast.controller.core.Replayer.replay(events, dev.holdfast.controller.ControllerCore::fromLogHeader));
    }

    // ------------------------------------------------------------------------------------------ a phone joined with a line

    /**
     * A phone joined with a line by a transfer gets the line call's cookie in the request that joins it (our Contact
     * of the INVITE or re-INVITE), naming it and its dialog, of the generation the line's gateway parts then get.
     */
    private static void dialogCookieNamesTheLinesCall(E2eNetwork n, Call dialog, String number, SimulatedGateway gw, String line)
            throws Exception {
        long key = onlyKey(n);
        assertTrue(eventually(() -> cookieKey(gw, line) == key, WAIT), "the line's cookie names the call");
        CallCookie c = dialogCookie(dialog);
        assertNotNull(c, "a cookie in the dialog's remote target: " + dialog.remoteTarget());
        assertEquals(key, c.callKey(), "the line's call");
        CookieParty phone = c.parties().stream().filter(q -> q.kind() == CookieParty.Kind.PHONE).findFirst().orElseThrow();
        assertEquals(number, phone.termination());
        assertEquals(dialog.callId(), phone.extra(), "its own dialog");
        assertTrue(c.part() instanceof dev.holdfast.controller.cookie.CookiePart.PhoneDialog, c.part().toString());
        assertEquals(cookie(gw, line).generation(), c.generation(), "the generation the gateway's parts have");
        assertEquals(cookie(gw, line).parties(), c.parties());
    }

    @Test void aLineTransferredBlindToAPhoneGivesThePhoneItsCookieInTheInvite() throws Exception {
        try (E2eNetwork n = network(1, 1, 30)) {
            SimulatedGateway gw = n.gw(1);
            Phone a = phone(n, "5001");
            Phone b = phone(n, "5002");
            Call toA1 = callAndHold(gw, a, "A1", "1001");
            a.transfer(toA1, "5002", false);
            assertTrue(eventually(() -> !b.calls().isEmpty() && b.calls().get(0).talkPathUp() && gw.talkPathUp("A1"), WAIT),
                    "A1 and 5002 talk");
            assertTrue(eventually(() -> toA1.state() == CallState.ENDED, WAIT));
            dialogCookieNamesTheLinesCall(n, b.calls().get(0), "5002", gw, "A1");
            gw.onHook("A1");
            assertTrue(eventually(() -> b.calls().get(0).state() == CallState.ENDED, WAIT), "BYE to 5002");
            nothingLeft(n, gw);
        }
    }

    @Test void aPhoneTransferredToALineTheTransferorConsultedGetsItsCookieInTheReinvite() throws Exception {
        try (E2eNetwork n = network(1, 2, 30)) {
            SimulatedGateway gw = n.gw(1);
            Phone a = phone(n, "5001");
            Phone b = phone(n, "5002");
            Call ab = a.call("5002");
            assertTrue(eventually(() -> ab.talkPathUp() && !b.calls().isEmpty() && b.calls().get(0).talkPathUp(), WAIT), "phones talk");
            Call ba = b.calls().get(0);
            a.hold(ab, false);
            assertTrue(eventually(ab::onHold, WAIT));
            Call consult = a.call("1002");
            assertTrue(eventually(() -> hears(gw, "A2", "al/ri"), WAIT));
            assertTrue(gw.answer("A2"));
            assertTrue(eventually(() -> consult.talkPathUp() && gw.talkPathUp("A2"), WAIT), "5001 consults A2");
            a.transferAttended(ab, consult, false);
            assertTrue(eventually(() -> ba.talkPathUp() && gw.talkPathUp("A2"), WAIT), "5002 and A2 talk");
            assertTrue(eventually(() -> ab.state() == CallState.ENDED && consult.state() == CallState.ENDED, WAIT));
            dialogCookieNamesTheLinesCall(n, ba, "5002", gw, "A2");
            b.hangUp(ba);
            assertTrue(eventually(() -> hears(gw, "A2", "cg/bt"), WAIT), "A2 hears busy");
            gw.onHook("A2");
            nothingLeft(n, gw);
        }
    }

    // ------------------------------------------------------------------------------------------ failures

    @Test void blindTransferToABusyLineGetsNotify486AndTheCallStays() throws Exception {
        try (E2eNetwork n = network(1, 2, 30)) {
            SimulatedGateway gw = n.gw(1);
            Phone p = phone(n);
            gw.offHook("A2"); // busy: off-hook, hearing dial tone
            assertTrue(eventually(() -> hears(gw, "A2", "cg/dt"), WAIT));
            Call toA1 = callAndHold(gw, p, "A1", "1001");
            CallStructure before = onlyCall(n);

            p.transfer(toA1, "1002", false);
            assertTrue(eventually(() -> toA1.transferStatus() != null && toA1.transferStatus().startsWith("SIP/2.0 486"), WAIT),
                    "NOTIFY 486: " + toA1.transferStatus());
            assertEquals(1, counter(n, "transfer.failed.486"));
            assertEquals(0, counter(n, "transfer.line-to-line.completed"));
            assertEquals(CallState.CONNECTED, toA1.state(), "the transferor keeps its call");
            assertEquals(before, onlyCall(n), "A1's call with the phone is as it was");
            p.resume(toA1);
            assertTrue(eventually(() -> toA1.talkPathUp() && gw.talkPathUp("A1"), WAIT), "the phone and A1 talk again");
            assertTrue(hears(gw, "A2", "cg/dt"), "A2 was left alone");
            assertTrue(eventually(() -> cdrs(n).size() == 1, WAIT), "the refused attempt is recorded: " + cdrs(n));
            CallRecord busy = cdrs(n).get(0);
            assertEquals(List.of("5001", "phone", "1002", "line", CallRecord.BUSY),
                    List.of(busy.caller(), busy.callerKind(), busy.callee(), busy.calleeKind(), busy.release()));

            p.hangUp(toA1);
            assertTrue(eventually(() -> hears(gw, "A1", "cg/bt"), WAIT), "A1 hears busy");
            gw.onHook("A1");
            gw.onHook("A2");
            nothingLeft(n, gw);
        }
    }

    @Test void aLineTransferredToItselfOrToANumberNobodyHasGetsAFailureNotifyAndTheCallStays() throws Exception {
        try (E2eNetwork n = network(1, 1, 30)) {
            SimulatedGateway gw = n.gw(1);
            Phone p = phone(n);
            Call toA1 = callAndHold(gw, p, "A1", "1001");
            p.transfer(toA1, "1001", false);
            assertTrue(eventually(() -> toA1.transferStatus() != null && toA1.transferStatus().startsWith("SIP/2.0 486"), WAIT),
                    "NOTIFY 486 (the line is in a call): " + toA1.transferStatus());
            p.transfer(toA1, "7777", false);
            assertTrue(eventually(() -> toA1.transferStatus() != null && toA1.transferStatus().startsWith("SIP/2.0 404"), WAIT),
                    "NOTIFY 404: " + toA1.transferStatus());
            assertEquals(CallState.CONNECTED, toA1.state());
            assertEquals("5001", onlyCall(n).sip().number(), "A1's call is the phone's still");
            p.resume(toA1);
            assertTrue(eventually(() -> toA1.talkPathUp() && gw.talkPathUp("A1"), WAIT), "the phone and A1 talk again");
            p.hangUp(toA1);
            assertTrue(eventually(() -> hears(gw, "A1", "cg/bt"), WAIT), "A1 hears busy");
            gw.onHook("A1");
            nothingLeft(n, gw);
        }
    }

    @Test void blindTransferToALineThatDoesNotAnswerGetsNotify480AndTheCallStays() throws Exception {
        try (E2eNetwork n = network(1, 2, 2)) {
            SimulatedGateway gw = n.gw(1);
            Phone p = phone(n);
            Call toA1 = callAndHold(gw, p, "A1", "1001");
            long a1Context = gw.contextOf("A1");

            p.transfer(toA1, "1002", false);
            assertTrue(eventually(() -> hears(gw, "A2", "al/ri"), WAIT), "A2 rings");
            assertTrue(eventually(() -> toA1.transferStatus() != null && toA1.transferStatus().startsWith("SIP/2.0 480"), WAIT),
                    "NOTIFY 480 after the no-answer time: " + toA1.transferStatus());
            assertIdle(gw, "A2");
            assertEquals(1, counter(n, "transfer.failed.480"));
            assertEquals(CallState.CONNECTED, toA1.state());
            assertEquals(List.of(a1Context), gw.contextIds(), "A1's context is all there is");
            CallStructure s = onlyCall(n);
            assertEquals("5001", s.sip().number());
            p.resume(toA1);
            assertTrue(eventually(() -> toA1.talkPathUp() && gw.talkPathUp("A1"), WAIT), "the phone and A1 talk again");

            // the line hangs up: BYE to the phone
            gw.onHook("A1");
            assertTrue(eventually(() -> toA1.state() == CallState.ENDED, WAIT), "BYE to the phone");
            nothingLeft(n, gw);
            assertTrue(eventually(() -> cdrs(n).size() == 2, WAIT), "A2's unanswered call, the phone's call with A1: " + cdrs(n));
            List<CallRecord> r = cdrs(n);
            assertEquals(List.of("5001", "1002", CallRecord.NO_ANSWER), List.of(r.get(0).caller(), r.get(0).callee(), r.get(0).release()));
            assertEquals(List.of("5001", "1001", CallRecord.NORMAL), List.of(r.get(1).caller(), r.get(1).callee(), r.get(1).release()));
        }
    }

    @Test void whenTheTransferorLeftEarlyAndTheTargetDoesNotAnswerTheTransfereeLineIsReleased() throws Exception {
        try (E2eNetwork n = network(1, 2, 2)) {
            SimulatedGateway gw = n.gw(1);
            Phone p = phone(n);
            Call toA1 = callAndHold(gw, p, "A1", "1001");
            p.transfer(toA1, "1002", false);
            assertTrue(eventually(() -> hears(gw, "A2", "al/ri"), WAIT), "A2 rings");
            p.hangUp(toA1);
            assertTrue(eventually(() -> toA1.state() == CallState.ENDED, WAIT));
            assertEquals(CallState.ENDED, toA1.state());
            // nobody answers A2: the transferee has nobody to go back to
            assertTrue(eventually(() -> hears(gw, "A1", "cg/bt"), WAIT), "A1 hears busy");
            assertIdle(gw, "A2");
            assertEquals(1, counter(n, "transfer.transferor-left-early"));
            gw.onHook("A1");
            nothingLeft(n, gw);
        }
    }
}
