package dev.holdfast.controller.e2e;

import dev.holdfast.controller.Controller;
import dev.holdfast.controller.call.Call;
import dev.holdfast.controller.call.CallStructure;
import dev.holdfast.controller.gateway.GatewayState;
import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.holdfast.controller.e2e.E2eNetwork.eventually;
import static dev.holdfast.controller.e2e.E2eSteps.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Call-preserving migration (docs/migration.md) on loopback: a primary and an alternate controller, simulated
 * gateways with both on their list over TCP. Calls are set up through the primary, which then dies; the gateways
 * fail over, the alternate audits their cookies and rebuilds every call with the structure it had, talk paths never
 * drop, and the calls' features work on the alternate.
 */
class MigrationEndToEndTest {
    /** The cookie key both controllers share (32 octets, base64). */
    static final String COOKIES = """
            cookies: { current: 1, keys: [ { id: 1, secret: "aG9sZGZhc3QtdGVzdC1rZXktMzItb2N0ZXRzLWxvbmctLQ==" } ] }
            """;

    @Test
    void callsSurviveThePrimarysDeathWithTheirStructureAndFeatures() throws Exception {
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 2, 4, 30, COOKIES)) {
            registered(n);
            SimulatedGateway gw1 = n.gw(1);
            SimulatedGateway gw2 = n.gw(2);
            // intra-gateway, connected
            HoldEndToEndTest.connect(gw1, "A1", "1002", gw1, "A2");
            // inter-gateway, connected
            HoldEndToEndTest.connect(gw1, "A3", "2001", gw2, "A1");
            // inter-gateway, ringing
            offHookAndDial(gw2, "A2", "1004");
            assertTrue(eventually(() -> hears(gw1, "A4", "al/ri"), WAIT), "A4 rings");
            assertTrue(eventually(() -> settled(n.controller), WAIT), "the primary saw the ringing");
            Map<String, CallStructure> before = structures(n.controller);
            assertEquals(3, before.size(), "calls before: " + before.keySet());
            Map<String, Long> written = n.controller.inspect(core -> core.calls().migrationCounters());
            assertTrue(written.getOrDefault("cookie.written", 0L) >= 8, "cookies written: " + written);
            assertEquals(0L, written.get("cookie.extra_messages"), "basic calls need no message just for cookies: " + written);

            n.controller.close(); // the primary dies: its TCP connections close
            Controller alt = n.alternate;
            assertTrue(eventually(() -> inService(alt, "gw1") && inService(alt, "gw2"), WAIT), "gateways fail over");
            assertTrue(eventually(() -> calls(alt) == 3, WAIT), "alternate rebuilt 3 calls, has " + calls(alt));
            Map<String, CallStructure> after = structures(alt);
            assertEquals(before.keySet(), after.keySet());
            for (String parties : before.keySet()) {
                assertEquals(comparable(before.get(parties)), comparable(after.get(parties)), "structure of " + parties);
            }
            assertTrue((boolean) alt.inspect(core -> core.calls().calls().stream().allMatch(Call::migrated)), "all calls migrated");
            talking(gw1, "A1", gw1, "A2");
            talking(gw1, "A3", gw2, "A1");

            // features on the rebuilt calls: answer the ringing one; hold and retrieve; hang up across gateways
            assertTrue(gw1.answer("A4"));
            answered(gw2, "A2", gw1, "A4");
            gw1.flash("A1");
            assertTrue(eventually(() -> hears(gw1, "A1", "cg/dt"), WAIT), "A1 hears recall dial tone after flash");
            silent(gw1, "A2");
            gw1.flash("A1");
            talking(gw1, "A1", gw1, "A2");
            gw2.onHook("A1");
            assertIdle(gw2, "A1");
            assertTrue(eventually(() -> gw1.contextOf("A3") == null, WAIT), "A3 out of its context");
            gw1.onHook("A3");
            assertIdle(gw1, "A3");
            assertTrue(gw1.rtpTerminationsWith("A1").isEmpty(), "no RTP termination left with A1");
            gw1.onHook("A1");
            assertIdle(gw1, "A1");
            assertTrue(eventually(() -> hears(gw1, "A2", "cg/bt"), WAIT), "A2 hears busy");
            gw1.onHook("A2");
            assertIdle(gw1, "A2");
            gw2.onHook("A2");
            assertIdle(gw2, "A2");
            assertTrue(eventually(() -> hears(gw1, "A4", "cg/bt"), WAIT), "A4 hears busy");
            gw1.onHook("A4");
            assertIdle(gw1, "A4");
            assertTrue(eventually(() -> calls(alt) == 0, WAIT), "no call left");
            assertTrue(eventually(() -> gw1.contextIds().isEmpty() && gw2.contextIds().isEmpty(), WAIT),
                    "no context left: " + gw1.contextIds() + "/" + gw2.contextIds());
            Map<String, Long> merged = alt.inspect(core -> core.calls().migrationCounters());
            assertEquals(3L, merged.get("merge.calls_rebuilt"), "counters: " + merged);
            assertTrue(merged.getOrDefault("cookie.accepted", 0L) >= 8, "counters: " + merged);
        }
    }

    /** In service at {@code c} and its calls rebuilt (its context audit over). */
    static boolean inService(Controller c, String gw) {
        try {
            return c.inspect(core -> core.association().gateway(gw).state() == GatewayState.IN_SERVICE
                    && !core.calls().reconstructing(core.association().gateway(gw)));
        } catch (Exception e) {
            return false;
        }
    }

    static int calls(Controller c) {
        try {
            return c.inspect(core -> core.calls().calls().size());
        } catch (Exception e) {
            return -1;
        }
    }

    /** No call of {@code c} is still being set up. */
    static boolean settled(Controller c) {
        try {
            return structures(c).values().stream().noneMatch(s -> s.state() == dev.holdfast.controller.call.CallState.SETUP);
        } catch (Exception e) {
            return false;
        }
    }

    /** Each call's structure by its parties (call ids differ between controllers). */
    static Map<String, CallStructure> structures(Controller c) throws Exception {
        List<CallStructure> all = c.inspect(core -> core.calls().calls().stream().map(Call::structure).toList());
        Map<String, CallStructure> out = new TreeMap<>();
        for (CallStructure s : all) out.put(String.join(",", s.parties()), s);
        return out;
    }

    /** What must survive a migration: everything but the call id; legs and IGCs in a stable order. */
    static String comparable(CallStructure s) {
        List<String> legs = new ArrayList<>();
        for (CallStructure.Leg l : s.legs()) legs.add(l.gateway() + "/" + l.context() + new java.util.TreeSet<>(l.terminations()));
        legs.sort(Comparator.naturalOrder());
        List<String> igcs = new ArrayList<>();
        for (CallStructure.Igc i : s.igcs()) {
            String a = end(i.a()), b = end(i.b());
            igcs.add(a.compareTo(b) < 0 ? a + "<->" + b : b + "<->" + a);
        }
        igcs.sort(Comparator.naturalOrder());
        return s.state() + " " + s.feature() + " " + s.roles() + " legs " + legs + " igcs " + igcs;
    }

    private static String end(CallStructure.IgcEnd e) {
        return e.gateway() + "/" + e.context() + "/" + e.termination() + " far " + e.farGateway() + "/" + e.farContext();
    }
}
