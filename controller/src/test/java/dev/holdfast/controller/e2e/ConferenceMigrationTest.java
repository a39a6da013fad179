package dev.holdfast.controller.e2e;

import dev.holdfast.controller.Controller;
import dev.holdfast.controller.call.CallStructure;
import dev.holdfast.controller.cookie.CallCookie;
import dev.holdfast.controller.cookie.CookieParty;
import dev.holdfast.endpointsim.phone.Call;
import dev.holdfast.endpointsim.phone.CallState;
import dev.holdfast.endpointsim.phone.MediaDirection;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import dev.holdfast.sim.rtp.ProbeStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.holdfast.controller.e2e.E2eNetwork.eventually;
import static dev.holdfast.controller.e2e.E2eSteps.*;
import static dev.holdfast.controller.e2e.MigratingPhones.at;
import static dev.holdfast.controller.e2e.MigratingPhones.migrationCounter;
import static dev.holdfast.controller.e2e.MigratingPhones.sipCounter;
import static dev.holdfast.controller.e2e.MigrationEndToEndTest.inService;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Conferences of the SIP focus (docs/sip.md, "Conference": mixed on a gateway context) survive the primary's death
 * (docs/migration.md, "Conferences"): the context's RTP terminations and the members' dialogs with the focus carry the
 * conference's cookies; the alternate rebuilds it from the gateway's audit and the phones' dialog reports, the
 * members keep talking, and leaving and ending work as if the alternate had set it up. Two controllers, gateway-sim,
 * endpoint-sim phones, all on loopback.
 */
class ConferenceMigrationTest {
    private static final String SIP = """
            sip: { port: 0, minExpires: 1 }
            subscribers:
              - { user: "5001", password: s5001, number: "5001" }
              - { user: "5002", password: s5002, number: "5002" }
              - { user: "5003", password: s5003, number: "5003" }
              - { user: "5004", password: s5004, number: "5004" }
            """;
    private static final String KEYED = SIP + MigrationEndToEndTest.COOKIES;
    /** A rebuilt conference waits 2 s for a missing part (its gateway, a member's dialog). */
    private static final String KEYED_QUICK_LIMIT = SIP.replace("minExpires: 1 }", "minExpires: 1, conferencePartMissingSeconds: 2 }")
            + MigrationEndToEndTest.COOKIES;
    /** Cookies signed with a key the alternate does not have: to the alternate, forged. */
    private static final String OTHER_KEY = SIP + """
            cookies: { current: 1, keys: [ { id: 1, secret: "b3RoZXItdGVzdC1rZXktMzItb2N0ZXRzLWxvbmctLS0=" } ] }
            """;
    private final MigratingPhones phones = new MigratingPhones();

    @AfterEach void stop() { phones.close(); }

    static List<CallStructure> conferences(Controller c) {
        try {
            return c.inspect(core -> core.calls().conferences());
        } catch (Exception e) {
            return List.of();
        }
    }

    static Set<String> members(Controller c) {
        List<CallStructure> cs = conferences(c);
        return cs.size() == 1 ? Set.copyOf(cs.get(0).parties()) : Set.of();
    }

    /** The numbers of a conference cookie's parties, in joining order. */
    private static List<String> membersOf(CallCookie c) {
        return c == null ? List.of() : c.parties().stream().map(CookieParty::termination).toList();
    }

    static Call newest(Phone p) {
        List<Call> calls = p.calls();
        return calls.get(calls.size() - 1);
    }

    static Call callPhone(Phone from, Phone to, String number) throws Exception {
        int before = to.calls().size();
        Call out = from.call(number);
        assertTrue(eventually(() -> out.state() == CallState.CONNECTED && to.calls().size() > before && out.talkPathUp()
                && newest(to).talkPathUp(), WAIT), "phones talk: " + out);
        return out;
    }

    /** {@code host} dials {@code number} into its conference (REFER without Replaces in the focus dialog). */
    static Call dialIn(Phone host, Call conf, Phone callee, String number) throws Exception {
        int before = callee.calls().size();
        host.transfer(conf, number, false);
        assertTrue(eventually(() -> callee.calls().size() > before && newest(callee).talkPathUp() && conf.talkPathUp(), WAIT),
                number + " joined: " + callee.calls());
        return newest(callee);
    }

    /** The primary dies; gateway and phones fail over; the alternate has rebuilt the conference with {@code expected}. */
    private static void migrate(E2eNetwork n, List<Phone> ps, Set<String> expected, int dialogs) throws Exception {
        migrate(n, List.of("gw1"), ps, expected, dialogs);
    }

    private static void migrate(E2eNetwork n, List<String> gateways, List<Phone> ps, Set<String> expected, int dialogs) throws Exception {
        n.controller.close();
        for (String g : gateways) assertTrue(eventually(() -> inService(n.alternate, g), 25), g + " fails over");
        for (Phone p : ps) assertTrue(eventually(() -> at(p, n.alternate), 25), p + " fails over");
        assertTrue(eventually(() -> members(n.alternate).equals(expected), 25),
                "the conference is rebuilt: " + conferences(n.alternate));
        assertTrue(eventually(() -> sipCounter(n.alternate, "migration.conference.dialog-adopted") == dialogs, 25),
                "the members' dialogs joined it: " + n.alternate.inspect(core -> core.sip().counters().snapshot()));
    }

    static void mark(List<Call> calls) {
        for (Call c : calls) assertTrue(c.markTalkPath(), "a talk-path probe on " + c);
    }

    /** Every call's media flowed on across the failover: the probe's largest gap since the mark stayed short. */
    static void neverDropped(List<Call> calls) {
        for (Call c : calls) {
            ProbeStats s = c.probeStats();
            assertTrue(c.talkPathUp(), "talking: " + c);
            assertTrue(s.maxGapMillisSinceMark() < 500, c + ": largest RTP gap across the failover " + s.maxGapMillisSinceMark()
                    + " ms, " + s.lostSinceMark() + " lost");
        }
    }

    private static void nothingLeft(E2eNetwork n, SimulatedGateway gw) throws Exception {
        assertTrue(eventually(() -> {
            try {
                return gw.contextIds().isEmpty() && conferences(n.alternate).isEmpty()
                        && n.alternate.inspect(core -> core.calls().calls().isEmpty() && core.sip().calls().isEmpty());
            } catch (Exception e) {
                return false;
            }
        }, WAIT), "nothing left: contexts " + gw.contextIds() + ", conferences " + conferences(n.alternate));
    }

    /**
     * Three phones: 5001 opens the conference, takes its call with 5002 into it (Replaces: a re-INVITE gives 5002's
     * dialog the conference's cookie) and dials 5003 in (an INVITE with it); 5004 joins and leaves before the kill. The
     * alternate has the three; 5002 leaves after the failover and 5001 and 5003 talk on; when 5003 leaves, 5001, alone,
     * gets BYE and the context is gone.
     */
    @Test
    void threePhonesKeepTheirConferenceThroughTheFailoverThenLeaveOneByOne() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 1, 2, 30, Map.of(), KEYED, KEYED, Map.of())) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Phone a = phones.phone(n, "5001");
            Phone b = phones.phone(n, "5002");
            Phone c = phones.phone(n, "5003");
            Phone d = phones.phone(n, "5004");
            Call ab = callPhone(a, b, "5002");
            Call ba = newest(b);
            Call conf = a.conference("conference", List.of(ab));
            assertTrue(eventually(() -> ab.state() == CallState.ENDED && conf.talkPathUp() && ba.talkPathUp(), WAIT),
                    "5002 taken over: " + conf + " " + ba);
            Call ca = dialIn(a, conf, c, "5003");
            Call da = dialIn(a, conf, d, "5004");
            assertEquals(Set.of("sip:5001", "sip:5002", "sip:5003", "sip:5004"), members(n.controller));
            d.hangUp(da);
            assertTrue(eventually(() -> members(n.controller).size() == 3, WAIT), "5004 left: " + conferences(n.controller));
            List<String> rtp = gw.terminationsIn(gw.contextIds().get(0));
            assertEquals(3, rtp.size(), "one RTP termination per member: " + gw.contextIds());
            // each termination's cookie lists the three members, 5004's leaving rewrote them in its Subtract's action
            assertTrue(eventually(() -> rtp.stream().allMatch(t -> membersOf(TestCookies.onTermination(gw, t))
                    .equals(List.of("5001", "5002", "5003"))), WAIT), "the conference's cookies: " + rtp);
            for (Call x : List.of(conf, ba, ca)) {
                CallCookie dc = TestCookies.inDialog(x);
                assertTrue(dc != null && dc.feature() == dev.holdfast.controller.call.Call.Feature.FOCUS
                        && dc.callKey() == TestCookies.onTermination(gw, rtp.get(0)).callKey(), "the dialog's cookie: " + x.remoteTarget());
            }
            // sizes, for docs/migration.md: the cookie text on a termination and in a dialog's Contact
            System.out.println("conference of 3: termination cookie " + (gw.properties(rtp.get(0)).get("hfck/c").length() - 2)
                    + " characters, dialog cookie " + conf.remoteTarget().replaceAll(".*hfck=([^;>?]+).*", "$1").length());
            Map<String, Long> written = n.controller.inspect(core -> core.calls().migrationCounters());
            assertEquals(0L, written.get("cookie.extra_messages"), "joins and leaves carry the cookies: " + written);
            List<Call> talking = List.of(conf, ba, ca);
            mark(talking);

            migrate(n, List.of(a, b, c), Set.of("sip:5001", "sip:5002", "sip:5003"), 3);
            neverDropped(talking);
            assertEquals(1L, sipCounter(n.alternate, "migration.conference.rebuilt"));
            assertEquals(0L, sipCounter(n.alternate, "migration.cookie.rejected"));

            // the host adds a party at the alternate (REFER in its adopted dialog): 5004 is dialled in again
            assertTrue(eventually(() -> at(d, n.alternate), 25), "5004 fails over");
            Call da2 = dialIn(a, conf, d, "5004");
            assertTrue(eventually(() -> members(n.alternate).size() == 4, WAIT), "5004 in: " + conferences(n.alternate));

            b.hangUp(ba);
            assertTrue(eventually(() -> ba.state() == CallState.ENDED && ba.byeStatus() == 200, WAIT), "5002's BYE answered: " + ba);
            assertTrue(eventually(() -> members(n.alternate).equals(Set.of("sip:5001", "sip:5003", "sip:5004")), WAIT),
                    "5002 left: " + conferences(n.alternate));
            assertTrue(eventually(() -> gw.terminationsIn(gw.contextIds().get(0)).size() == 3, WAIT), "its termination went");
            assertTrue(eventually(() -> conf.talkPathUp() && ca.talkPathUp() && da2.talkPathUp(), WAIT), "the others talk on");

            d.hangUp(da2);
            assertTrue(eventually(() -> members(n.alternate).equals(Set.of("sip:5001", "sip:5003")), WAIT),
                    "5004 left: " + conferences(n.alternate));
            assertTrue(eventually(() -> conf.talkPathUp() && ca.talkPathUp(), WAIT), "5001 and 5003 talk on");

            c.hangUp(ca);
            assertTrue(eventually(() -> conf.state() == CallState.ENDED, WAIT), "5001, alone, gets BYE: " + conf);
            nothingLeft(n, gw);
            assertEquals(0L, (long) n.alternate.inspect(core -> core.failures()));
        }
    }

    /**
     * Two phones and an analog line on the conference's gateway (moved into its context, its own call's cookies with
     * it): after the failover the line hangs up and the phones talk on; then a phone leaves and the other gets BYE.
     */
    @Test
    void twoPhonesAndALineKeepTheirConferenceAndTheLineLeavesAfterTheFailover() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 1, 2, 30, Map.of(), KEYED, KEYED, Map.of())) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Phone a = phones.phone(n, "5001");
            Phone b = phones.phone(n, "5002");
            Call ab = callPhone(a, b, "5002");
            Call ba = newest(b);
            Call toLine = a.call("1001");
            assertTrue(eventually(() -> hears(gw, "A1", "al/ri"), WAIT), "A1 rings");
            assertTrue(gw.answer("A1"));
            assertTrue(eventually(() -> toLine.talkPathUp() && gw.talkPathUp("A1"), WAIT), "5001 and A1 talk");
            Call conf = a.conference("conference", List.of(ab, toLine));
            assertTrue(eventually(() -> ab.state() == CallState.ENDED && toLine.state() == CallState.ENDED
                    && conf.talkPathUp() && ba.talkPathUp() && gw.talkPathUp("A1"), 2 * WAIT), "all three in the conference");
            assertEquals(1, gw.contextIds().size(), "A1 moved into the conference's context: " + gw.contextIds());
            List<Call> talking = List.of(conf, ba);
            mark(talking);

            migrate(n, List.of(a, b), Set.of("sip:5001", "sip:5002", "line:1001"), 2);
            neverDropped(talking);
            assertTrue(gw.talkPathUp("A1"), "A1 talks on");

            // hold and resume at the alternate (re-INVITEs in the adopted dialog); its 200 refreshes the dialog's cookie
            a.hold(conf, false);
            assertTrue(eventually(() -> conf.mediaDirection() == MediaDirection.SENDONLY, WAIT), "held: " + conf.mediaDirection());
            assertTrue(eventually(() -> ba.talkPathUp() && gw.talkPathUp("A1"), WAIT), "5002 and A1 talk on");
            a.resume(conf);
            assertTrue(eventually(() -> conf.mediaDirection() == MediaDirection.SENDRECV && conf.talkPathUp(), WAIT), "resumed");
            assertTrue(conf.remoteTarget().contains(":" + n.alternate.sip().port()), "the alternate's Contact: " + conf.remoteTarget());
            CallCookie refreshed = TestCookies.inDialog(conf);
            assertTrue(refreshed != null && membersOf(refreshed).equals(List.of("5001", "5002", "A1")),
                    "a cookie of the rebuilt conference: " + refreshed);

            gw.onHook("A1");
            assertIdle(gw, "A1");
            assertTrue(eventually(() -> members(n.alternate).equals(Set.of("sip:5001", "sip:5002")), WAIT),
                    "A1 left: " + conferences(n.alternate));
            assertTrue(eventually(() -> conf.talkPathUp() && ba.talkPathUp(), WAIT), "the phones talk on");

            b.hangUp(ba);
            assertTrue(eventually(() -> conf.state() == CallState.ENDED, WAIT), "5001, alone, gets BYE: " + conf);
            nothingLeft(n, gw);
        }
    }

    /**
     * The same conference, and after the failover a phone leaves: 5001 and the line talk on; then 5001 leaves and the
     * line, the last member, hears busy, as without a failover.
     */
    @Test
    void aPhoneLeavesAMigratedConferenceAndWhenOnlyTheLineIsLeftItHearsBusy() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 1, 2, 30, Map.of(), KEYED, KEYED, Map.of())) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Phone a = phones.phone(n, "5001");
            Phone b = phones.phone(n, "5002");
            Call conf = a.conference("conference", List.of());
            assertTrue(eventually(() -> conf.state() == CallState.CONNECTED, WAIT), "the focus answers: " + conf);
            Call ba = dialIn(a, conf, b, "5002");
            a.transfer(conf, "1001", false);
            assertTrue(eventually(() -> hears(gw, "A1", "al/ri"), WAIT), "A1 rings");
            assertTrue(gw.answer("A1"));
            assertTrue(eventually(() -> gw.talkPathUp("A1") && ba.talkPathUp() && conf.talkPathUp()
                    && gw.contextIds().size() == 1, WAIT), "three talk in one context: " + gw.contextIds());
            List<Call> talking = List.of(conf, ba);
            mark(talking);

            migrate(n, List.of(a, b), Set.of("sip:5001", "sip:5002", "line:1001"), 2);
            neverDropped(talking);

            b.hangUp(ba);
            assertTrue(eventually(() -> ba.state() == CallState.ENDED && ba.byeStatus() == 200, WAIT), "5002's BYE answered");
            assertTrue(eventually(() -> members(n.alternate).equals(Set.of("sip:5001", "line:1001")), WAIT),
                    "5002 left: " + conferences(n.alternate));
            assertTrue(eventually(() -> conf.talkPathUp() && gw.talkPathUp("A1"), WAIT), "5001 and A1 talk on");

            a.hangUp(conf);
            assertTrue(eventually(() -> hears(gw, "A1", "cg/bt"), WAIT), "A1, the last member, hears busy: " + gw.signals("A1"));
            gw.onHook("A1");
            assertIdle(gw, "A1");
            nothingLeft(n, gw);
        }
    }

    /**
     * A line on another gateway (gw2; the conference is on gw1) joins by an RTP pair: its bridge termination's cookie
     * names it (an IGC end toward its call's RTP termination). Rebuilt with the line in either arrival order of the two
     * gateways; the line hangs up after the failover and leaves (its pair goes), then the phones end it.
     */
    private void aLineOnAnotherGatewayKeepsItsPlace(Map<Integer, Integer> hops) throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 2, 1, 30, Map.of(), KEYED, KEYED, hops)) {
            registered(n);
            SimulatedGateway gw1 = n.gw(1);
            SimulatedGateway gw2 = n.gw(2);
            Phone a = phones.phone(n, "5001");
            Phone b = phones.phone(n, "5002");
            Call ab = callPhone(a, b, "5002");
            Call ba = newest(b);
            Call toLine = a.call("2001");
            assertTrue(eventually(() -> hears(gw2, "A1", "al/ri"), WAIT), "gw2 A1 rings");
            assertTrue(gw2.answer("A1"));
            assertTrue(eventually(() -> toLine.talkPathUp() && gw2.talkPathUp("A1"), WAIT), "5001 and gw2 A1 talk");
            Call conf = a.conference("conference", List.of(ab, toLine));
            assertTrue(eventually(() -> ab.state() == CallState.ENDED && toLine.state() == CallState.ENDED
                    && conf.talkPathUp() && ba.talkPathUp() && gw2.talkPathUp("A1"), 2 * WAIT), "all three in the conference: "
                    + ab + " " + toLine + " " + conf + " " + conf.talkPathUp() + " " + ba.talkPathUp() + " A1 " + gw2.talkPathUp("A1")
                    + " " + conf.transferStatus() + " gw1 " + gw1.contextIds() + " gw2 " + gw2.contextIds());
            long ctx = gw1.contextIds().get(0);
            assertEquals(3, gw1.terminationsIn(ctx).size(), "the bridge on gw1: " + gw1.terminationsIn(ctx));
            assertTrue(eventually(() -> gw1.terminationsIn(ctx).stream().allMatch(t -> membersOf(TestCookies.onTermination(gw1, t))
                    .equals(List.of("5001", "5002", "A1"))), WAIT), "the cookies name gw2's line");
            List<Call> talking = List.of(conf, ba);
            mark(talking);

            migrate(n, List.of("gw1", "gw2"), List.of(a, b), Set.of("sip:5001", "sip:5002", "line:2001"), 2);
            neverDropped(talking);
            assertTrue(gw2.talkPathUp("A1"), "gw2 A1 talks on");

            gw2.onHook("A1");
            assertIdle(gw2, "A1");
            assertTrue(eventually(() -> members(n.alternate).equals(Set.of("sip:5001", "sip:5002")), WAIT),
                    "A1 left: " + conferences(n.alternate));
            assertTrue(eventually(() -> gw2.contextIds().isEmpty() && gw1.terminationsIn(ctx).size() == 2, WAIT),
                    "its call's context and its pair went: " + gw2.contextIds() + " " + gw1.terminationsIn(ctx));
            assertTrue(eventually(() -> conf.talkPathUp() && ba.talkPathUp(), WAIT), "the phones talk on");

            b.hangUp(ba);
            assertTrue(eventually(() -> conf.state() == CallState.ENDED, WAIT), "5001, alone, gets BYE: " + conf);
            nothingLeft(n, gw1);
            assertTrue(gw2.contextIds().isEmpty());
        }
    }

    @Test
    void aLineOnAnotherGatewayKeepsItsPlaceWhenItsGatewayArrivesLast() throws Exception {
        aLineOnAnotherGatewayKeepsItsPlace(Map.of(2, 1));
    }

    @Test
    void aLineOnAnotherGatewayKeepsItsPlaceWhenTheConferencesGatewayArrivesLast() throws Exception {
        aLineOnAnotherGatewayKeepsItsPlace(Map.of(1, 1));
    }

    /**
     * The phones' dialogs reach the alternate before the gateway (two silent controllers on its list delay it by about
     * 6 s): the conference is rebuilt from the dialogs and waits for its context. 5002 hangs up meanwhile (its BYE is
     * answered); when the gateway arrives the conference has 5001 and the line, and 5002's termination goes. 5001
     * leaves then: the line hears busy.
     */
    @Test
    void theDialogsArriveBeforeTheGatewayAndAMemberLeavesMeanwhile() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 1, 2, 30, Map.of(), KEYED, KEYED, Map.of(1, 2))) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Phone a = phones.phone(n, "5001");
            Phone b = phones.phone(n, "5002");
            Call conf = a.conference("conference", List.of());
            assertTrue(eventually(() -> conf.state() == CallState.CONNECTED, WAIT), "the focus answers: " + conf);
            Call ba = dialIn(a, conf, b, "5002");
            a.transfer(conf, "1001", false);
            assertTrue(eventually(() -> hears(gw, "A1", "al/ri"), WAIT), "A1 rings");
            assertTrue(gw.answer("A1"));
            assertTrue(eventually(() -> gw.talkPathUp("A1") && ba.talkPathUp() && conf.talkPathUp()
                    && gw.contextIds().size() == 1, WAIT), "three talk in one context: " + gw.contextIds());
            long ctx = gw.contextIds().get(0);
            mark(List.of(conf));

            n.controller.close();
            for (Phone p : List.of(a, b)) assertTrue(eventually(() -> at(p, n.alternate), 25), p + " fails over");
            assertTrue(eventually(() -> sipCounter(n.alternate, "migration.conference.dialog-adopted") == 2, 25),
                    "both dialogs taken: " + n.alternate.inspect(core -> core.sip().counters().snapshot()));
            assertTrue(!inService(n.alternate, "gw1"), "the gateway is not back yet");
            b.hangUp(ba);
            assertTrue(eventually(() -> ba.state() == CallState.ENDED && ba.byeStatus() == 200, WAIT), "5002's BYE answered: " + ba);

            assertTrue(eventually(() -> inService(n.alternate, "gw1"), 25), "the gateway fails over");
            assertTrue(eventually(() -> members(n.alternate).equals(Set.of("sip:5001", "line:1001")), WAIT),
                    "rebuilt without 5002: " + conferences(n.alternate));
            assertTrue(eventually(() -> gw.terminationsIn(ctx).size() == 2, WAIT), "5002's termination went: " + gw.terminationsIn(ctx));
            neverDropped(List.of(conf));
            assertTrue(gw.talkPathUp("A1"), "A1 talks on");

            a.hangUp(conf);
            assertTrue(eventually(() -> hears(gw, "A1", "cg/bt"), WAIT), "A1, the last member, hears busy: " + gw.signals("A1"));
            gw.onHook("A1");
            assertIdle(gw, "A1");
            nothingLeft(n, gw);
        }
    }

    /**
     * The primary signs with a key the alternate does not have: every cookie of the conference (its terminations, its
     * dialogs) is forged to the alternate. Each is refused and counted; no conference is rebuilt; the members keep
     * their media (the context is left alone) and their BYEs are answered.
     */
    @Test
    void aConferenceWithForgedCookiesIsNotRebuiltAndItsMembersKeepTheirMedia() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 1, 2, 30, Map.of(), OTHER_KEY, KEYED, Map.of())) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Phone a = phones.phone(n, "5001");
            Phone b = phones.phone(n, "5002");
            Phone c = phones.phone(n, "5003");
            Call conf = a.conference("conference", List.of());
            assertTrue(eventually(() -> conf.state() == CallState.CONNECTED, WAIT), "the focus answers: " + conf);
            Call ba = dialIn(a, conf, b, "5002");
            Call ca = dialIn(a, conf, c, "5003");
            List<Call> talking = List.of(conf, ba, ca);
            mark(talking);

            n.controller.close();
            assertTrue(eventually(() -> inService(n.alternate, "gw1"), 25), "the gateway fails over");
            for (Phone p : List.of(a, b, c)) assertTrue(eventually(() -> at(p, n.alternate), 25), p + " fails over");
            assertTrue(eventually(() -> sipCounter(n.alternate, "migration.cookie.rejected.forged") == 3, 25),
                    "the three dialogs' cookies refused: " + n.alternate.inspect(core -> core.sip().counters().snapshot()));
            assertEquals(3L, migrationCounter(n.alternate, "cookie.rejected.forged"), "the three terminations' cookies refused");
            assertEquals(0L, sipCounter(n.alternate, "migration.conference.rebuilt"));
            assertEquals(List.of(), conferences(n.alternate));
            neverDropped(talking);
            assertEquals(1, gw.contextIds().size(), "the context is left alone");

            List<Call> ended = new ArrayList<>();
            for (Phone p : List.of(a, b, c)) {
                Call x = p == a ? conf : p == b ? ba : ca;
                p.hangUp(x);
                ended.add(x);
            }
            for (Call x : ended) {
                assertTrue(eventually(() -> x.state() == CallState.ENDED && x.byeStatus() == 200, WAIT), "BYE answered: " + x);
            }
            assertEquals(0L, (long) n.alternate.inspect(core -> core.failures()));
        }
    }

    /** 5001 opens a conference and dials 5002 and 5003 in; returns the three members' calls (the host's first). */
    static List<Call> conferenceOfThree(Phone a, Phone b, Phone c) throws Exception {
        Call conf = a.conference("conference", List.of());
        assertTrue(eventually(() -> conf.state() == CallState.CONNECTED, WAIT), "the focus answers: " + conf);
        Call ba = dialIn(a, conf, b, "5002");
        Call ca = dialIn(a, conf, c, "5003");
        return List.of(conf, ba, ca);
    }

    /** Each call's RTP flows both ways again (a talk path re-established after a re-INVITE). */
    private static void talkAgain(List<Call> calls) throws Exception {
        for (Call x : calls) {
            x.markTalkPath();
            assertTrue(eventually(() -> x.talkPathUp() && x.probeStats().receivedSinceMark() > 10, WAIT), "talks again: " + x
                    + " " + x.probeStats());
        }
    }

    /**
     * The conference's gateway (gw1) comes back only after the limit on a missing part (four silent controllers on
     * its list delay it by about 12 s; the limit is 2 s): the alternate, which has the three members' dialogs, mixes
     * them again on gw2 (each phone re-INVITEd with its new termination's offer) and they talk; when gw1 arrives, the
     * old context is subtracted. Then the members leave one by one and the last gets BYE.
     */
    @Test
    void aConferenceWhoseGatewayComesBackTooLateIsMixedAgainOnAnotherGatewayAndItsOldContextGoes() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 2, 1, 30, Map.of(), KEYED_QUICK_LIMIT, KEYED_QUICK_LIMIT,
                Map.of(1, 4))) {
            registered(n);
            SimulatedGateway gw1 = n.gw(1), gw2 = n.gw(2);
            Phone a = phones.phone(n, "5001");
            Phone b = phones.phone(n, "5002");
            Phone c = phones.phone(n, "5003");
            List<Call> calls = conferenceOfThree(a, b, c);
            assertEquals(1, gw1.contextIds().size(), "mixed on gw1: " + gw1.contextIds());
            assertTrue(gw2.contextIds().isEmpty());

            n.controller.close();
            for (Phone p : List.of(a, b, c)) assertTrue(eventually(() -> at(p, n.alternate), 25), p + " fails over");
            assertTrue(eventually(() -> sipCounter(n.alternate, "migration.conference.gateway-missing") == 1, 25),
                    "the limit ran out: " + n.alternate.inspect(core -> core.sip().counters().snapshot()));
            assertTrue(!inService(n.alternate, "gw1"), "gw1 is not back yet");
            assertEquals(3L, sipCounter(n.alternate, "migration.conference.dialog-adopted"));
            assertTrue(eventually(() -> members(n.alternate).equals(Set.of("sip:5001", "sip:5002", "sip:5003"))
                    && gw2.contextIds().size() == 1 && gw2.terminationsIn(gw2.contextIds().get(0)).size() == 3, WAIT),
                    "mixed again on gw2: " + conferences(n.alternate) + " " + gw2.contextIds());
            assertEquals(1L, sipCounter(n.alternate, "conference.remixed"));
            talkAgain(calls);
            assertTrue(eventually(() -> sipCounter(n.alternate, "conference.rejoined") == 3, WAIT), "three re-INVITEs answered");
            for (Call x : calls) assertTrue(x.remoteTarget().contains(":" + n.alternate.sip().port()), "refreshed: " + x.remoteTarget());

            assertTrue(eventually(() -> inService(n.alternate, "gw1"), 25), "gw1 comes back at last");
            assertTrue(eventually(() -> gw1.contextIds().isEmpty(), WAIT), "its old context is subtracted: " + gw1.contextIds());
            assertEquals(1L, sipCounter(n.alternate, "migration.conference.late-context-released"));
            assertEquals(Set.of("sip:5001", "sip:5002", "sip:5003"), members(n.alternate), "the conference goes on on gw2");

            b.hangUp(calls.get(1));
            assertTrue(eventually(() -> members(n.alternate).equals(Set.of("sip:5001", "sip:5003")), WAIT), "5002 left");
            talkAgain(List.of(calls.get(0), calls.get(2)));
            c.hangUp(calls.get(2));
            assertTrue(eventually(() -> calls.get(0).state() == CallState.ENDED, WAIT), "5001, alone, gets BYE");
            nothingLeft(n, gw2);
            assertTrue(gw1.contextIds().isEmpty());
            assertEquals(0L, (long) n.alternate.inspect(core -> core.failures()));
        }
    }

    /**
     * The conference's only gateway dies with the primary and never returns: the members' dialogs are adopted and
     * wait; a member's BYE meanwhile is answered; when the limit (2 s) runs out there is no gateway to mix the other
     * two: they get BYE, and nothing is left at the alternate.
     */
    @Test
    void aConferenceWhoseOnlyGatewayNeverReturnsEndsWithByeAfterTheLimit() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 1, 1, 30, Map.of(), KEYED, KEYED_QUICK_LIMIT, Map.of())) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Phone a = phones.phone(n, "5001");
            Phone b = phones.phone(n, "5002");
            Phone c = phones.phone(n, "5003");
            List<Call> calls = conferenceOfThree(a, b, c);

            gw.close(); // dies with the primary
            n.controller.close();
            for (Phone p : List.of(a, b, c)) assertTrue(eventually(() -> at(p, n.alternate), 25), p + " fails over");
            assertTrue(eventually(() -> sipCounter(n.alternate, "migration.conference.dialog-adopted") == 3, 25),
                    "the dialogs are adopted: " + n.alternate.inspect(core -> core.sip().counters().snapshot()));
            c.hangUp(calls.get(2));
            assertTrue(eventually(() -> calls.get(2).state() == CallState.ENDED && calls.get(2).byeStatus() == 200, WAIT),
                    "5003's BYE is answered while the conference waits: " + calls.get(2));
            assertTrue(eventually(() -> calls.get(0).state() == CallState.ENDED && calls.get(1).state() == CallState.ENDED, WAIT),
                    "after the limit, no gateway to mix them: BYE to both: " + calls);
            assertEquals(1L, sipCounter(n.alternate, "migration.conference.gateway-missing"));
            assertEquals(1L, sipCounter(n.alternate, "conference.ended.no-gateway"));
            assertTrue(conferences(n.alternate).isEmpty());
            assertEquals(0, (int) n.alternate.inspect(core -> core.sip().calls().size()));
            assertEquals(0L, (long) n.alternate.inspect(core -> core.failures()));
        }
    }

    /**
     * The conference's gateway dies while its controller lives ("a focus gateway failure"): three members, two phones
     * and a line on gw2 joined by an RTP pair, mixed on gw1. The controller sees gw1's connection close and mixes them
     * again on gw2 (the phones re-INVITEd, the line's RTP termination paired with a new one); they talk, then leave.
     */
    @Test
    void aConferenceWhoseGatewayDiesWhileTheControllerLivesIsMixedAgainOnAnotherGateway() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 2, 1, 30, Map.of(), KEYED, KEYED, Map.of())) {
            registered(n);
            SimulatedGateway gw1 = n.gw(1), gw2 = n.gw(2);
            Phone a = phones.phone(n, "5001");
            Phone b = phones.phone(n, "5002");
            Call ab = callPhone(a, b, "5002");
            Call ba = newest(b);
            Call toLine = a.call("2001");
            assertTrue(eventually(() -> hears(gw2, "A1", "al/ri"), WAIT), "gw2 A1 rings");
            assertTrue(gw2.answer("A1"));
            assertTrue(eventually(() -> toLine.talkPathUp() && gw2.talkPathUp("A1"), WAIT), "5001 and gw2 A1 talk");
            Call conf = a.conference("conference", List.of(ab, toLine));
            assertTrue(eventually(() -> ab.state() == CallState.ENDED && toLine.state() == CallState.ENDED
                    && conf.talkPathUp() && ba.talkPathUp() && gw2.talkPathUp("A1"), 2 * WAIT), "all three in the conference");
            assertEquals(1, gw1.contextIds().size(), "mixed on gw1");

            gw1.close();
            assertTrue(eventually(() -> sipCounter(n.controller, "conference.gateway-lost") == 1, WAIT), "the loss is seen");
            assertTrue(eventually(() -> members(n.controller).equals(Set.of("sip:5001", "sip:5002", "line:2001"))
                    && gw2.contextIds().size() == 2, WAIT), "mixed again on gw2 (the line's call keeps its own context): "
                    + conferences(n.controller) + " " + gw2.contextIds());
            talkAgain(List.of(conf, ba));
            assertTrue(eventually(() -> gw2.talkPathUp("A1"), WAIT), "gw2 A1 talks");
            assertTrue(eventually(() -> sipCounter(n.controller, "conference.rejoined") == 3, WAIT), "three members rejoined");

            gw2.onHook("A1");
            assertIdle(gw2, "A1");
            assertTrue(eventually(() -> members(n.controller).equals(Set.of("sip:5001", "sip:5002")), WAIT), "A1 left");
            b.hangUp(ba);
            assertTrue(eventually(() -> conf.state() == CallState.ENDED, WAIT), "5001, alone, gets BYE");
            assertTrue(eventually(() -> gw2.contextIds().isEmpty() && conferences(n.controller).isEmpty(), WAIT),
                    "nothing left on gw2: " + gw2.contextIds());
            assertEquals(0L, (long) n.controller.inspect(core -> core.failures()));
        }
    }

    /**
     * The gateway comes back but one member's phone does not (5003 notices the primary's death only after a minute):
     * when the limit (2 s) runs out, its termination is subtracted and the two others talk on; when 5003's dialog
     * arrives after all (it registers with the alternate), it gets BYE.
     */
    @Test
    void aMemberWhosePhoneDoesNotComeBackInTimeLeavesAndItsLateDialogGetsBye() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 1, 1, 30, Map.of(), KEYED, KEYED_QUICK_LIMIT, Map.of())) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Phone a = phones.phone(n, "5001");
            Phone b = phones.phone(n, "5002");
            Phone c = phones.phone(n, "5003", java.time.Duration.ofSeconds(60));
            List<Call> calls = conferenceOfThree(a, b, c);
            long ctx = gw.contextIds().get(0);
            mark(calls.subList(0, 2));

            n.controller.close();
            assertTrue(eventually(() -> inService(n.alternate, "gw1"), 25), "the gateway fails over");
            for (Phone p : List.of(a, b)) assertTrue(eventually(() -> at(p, n.alternate), 25), p + " fails over");
            assertTrue(eventually(() -> sipCounter(n.alternate, "migration.conference.member-missing") == 1, 25),
                    "5003's dialog did not come within the limit: " + n.alternate.inspect(core -> core.sip().counters().snapshot()));
            assertTrue(eventually(() -> members(n.alternate).equals(Set.of("sip:5001", "sip:5002"))
                    && gw.terminationsIn(ctx).size() == 2, WAIT), "5003's termination went: " + gw.terminationsIn(ctx));
            neverDropped(calls.subList(0, 2));
            assertTrue(calls.get(2).state() == CallState.CONNECTED && MigratingPhones.sip(n.controller).equals(c.controller()),
                    "5003 has not noticed yet: " + calls.get(2) + " at " + c.controller() + " failovers " + c.failovers());

            c.register(); // its REGISTER to the dead primary times out: it fails over now and brings its dialog
            assertTrue(eventually(() -> calls.get(2).state() == CallState.ENDED, 25), "5003's late dialog gets BYE: " + calls.get(2));
            assertTrue(eventually(() -> members(n.alternate).equals(Set.of("sip:5001", "sip:5002")), WAIT));
            talkAgain(calls.subList(0, 2));

            b.hangUp(calls.get(1));
            assertTrue(eventually(() -> calls.get(0).state() == CallState.ENDED, WAIT), "5001, alone, gets BYE");
            nothingLeft(n, gw);
            assertEquals(0L, (long) n.alternate.inspect(core -> core.failures()));
        }
    }
}
