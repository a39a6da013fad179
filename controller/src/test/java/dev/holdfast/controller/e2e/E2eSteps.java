package dev.holdfast.controller.e2e;

import dev.holdfast.controller.call.Call;
import dev.holdfast.controller.call.CallStructure;
import dev.holdfast.controller.gateway.GatewayState;
import dev.holdfast.gatewaysim.SimulatedGateway;

import java.util.List;

import static dev.holdfast.controller.e2e.E2eNetwork.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Steps and checks the end-to-end tests share: a subscriber's actions and what the gateways then show. */
final class E2eSteps {
    static final int WAIT = 10;

    private E2eSteps() {}

    /** Every gateway registered, in service at the controller, and its idle lines armed for off-hook. */
    static void registered(E2eNetwork n) throws Exception {
        for (int g = 1; g <= n.gateways.size(); g++) {
            SimulatedGateway gw = n.gw(g);
            assertTrue(gw.awaitRegistered(java.time.Duration.ofSeconds(WAIT)), "gw" + g + " registers");
            String name = "gw" + g;
            assertTrue(eventually(() -> state(n, name) == GatewayState.IN_SERVICE, WAIT), name + " in service");
            // the controller armed every idle line for off-hook
            for (String line : gw.config().lines()) {
                assertTrue(eventually(() -> gw.armedEvents(line).contains("al/of"), WAIT),
                        name + " " + line + " armed for off-hook: " + gw.armedEvents(line));
            }
        }
    }

    static GatewayState state(E2eNetwork n, String name) {
        try {
            return n.controller.inspect(core -> core.association().gateway(name).state());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean hears(SimulatedGateway gw, String line, String signal) {
        return gw.signals(line).contains(signal);
    }

    static void offHookAndDial(SimulatedGateway gw, String line, String number) throws Exception {
        gw.offHook(line);
        assertTrue(eventually(() -> hears(gw, line, "cg/dt"), WAIT), line + " hears dial tone");
        gw.dial(line, number);
    }

    static void assertIdle(SimulatedGateway gw, String line) throws Exception {
        assertTrue(eventually(() -> gw.contextOf(line) == null && gw.signals(line).isEmpty(), WAIT),
                line + " idle, was in " + gw.contextOf(line) + " hearing " + gw.signals(line));
        assertFalse(gw.talkPathUp(line));
    }

    static long completed(E2eNetwork n) throws Exception {
        return n.controller.inspect(core -> core.calls().completedCalls());
    }

    static int activeCalls(E2eNetwork n) throws Exception {
        return n.controller.inspect(core -> core.calls().calls().size());
    }

    /** The structure of the only call in progress. */
    static CallStructure onlyCall(E2eNetwork n) throws Exception {
        // the gateway executes a command (a tone a test waits for) before the controller has its reply: a leg whose
        // context is not known yet (a Move or Add=$ in flight) is a moment, not the call's state; wait it out
        long until = System.nanoTime() + 2_000_000_000L;
        while (true) {
            CallStructure s = n.controller.inspect(core -> {
                List<Call> calls = List.copyOf(core.calls().calls());
                assertEquals(1, calls.size(), "calls: " + calls);
                return calls.get(0).structure();
            });
            boolean settled = s.legs().stream().allMatch(l -> l.context() != null);
            if (settled || System.nanoTime() > until) return s;
            Thread.sleep(10);
        }
    }

    /** How many commands the gateway has executed so far (mark, then {@link #assertCommandsSince}). */
    static int mark(SimulatedGateway gw) { return gw.commands().size(); }

    /** The gateway executed exactly these commands (ROOT ones aside) since {@code mark}, in this order. */
    static void assertCommandsSince(SimulatedGateway gw, int mark, List<String> expected) throws Exception {
        boolean ok = eventually(() -> since(gw, mark).equals(expected), WAIT);
        assertEquals(expected, since(gw, mark), "H.248 commands executed by " + gw.config().midText()
                + " (events notified: " + gw.notifications() + ")");
        assertTrue(ok);
    }

    static List<String> since(SimulatedGateway gw, int mark) {
        List<String> all = gw.commands();
        return all.subList(Math.min(mark, all.size()), all.size()).stream().filter(c -> !c.contains(" ROOT ")).toList();
    }

    static void talking(SimulatedGateway a, String la, SimulatedGateway b, String lb) throws Exception {
        assertTrue(eventually(() -> a.talkPathUp(la) && b.talkPathUp(lb), WAIT),
                la + " and " + lb + " talk: " + a.talkPathUp(la) + "/" + b.talkPathUp(lb));
    }

    /**
     * Answered and talking: nothing plays on either line any more (the answer's Modify was executed; two lines in
     * one context already have a talk path while one of them rings) and the talk path is up.
     */
    static void answered(SimulatedGateway a, String la, SimulatedGateway b, String lb) throws Exception {
        assertTrue(eventually(() -> a.signals(la).isEmpty() && b.signals(lb).isEmpty(), WAIT),
                "answered: " + la + " hears " + a.signals(la) + ", " + lb + " hears " + b.signals(lb));
        talking(a, la, b, lb);
    }

    static void silent(SimulatedGateway gw, String line) throws Exception {
        assertTrue(eventually(() -> !gw.talkPathUp(line), WAIT), line + "'s talk path is down");
    }
}
