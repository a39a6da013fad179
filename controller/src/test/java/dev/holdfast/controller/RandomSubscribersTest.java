package dev.holdfast.controller;

import dev.holdfast.controller.gateway.Gateway;
import dev.holdfast.controller.gateway.GatewayState;
import dev.holdfast.controller.gateway.Line;
import dev.holdfast.controller.gateway.LineState;
import dev.holdfast.h248.message.ServiceChangeParm.MethodKind;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Subscribers doing random things at random times (off-hook, dialling valid, busy and invalid numbers, answering,
 * hanging up, waiting through timers), on two gateways one of which sometimes dies and comes back. Whatever
 * happens, the core never fails, and once everybody has hung up and the timers have run, no call is left, every
 * line is idle and no gateway holds a context.
 */
class RandomSubscribersTest {
    static final String CONFIG = """
            gateways:
              - name: gw1
                mid: "[127.0.0.1]:2945"
                lines:
                  - { termination: A1, number: "1001" }
                  - { termination: A2, number: "1002" }
                  - { termination: A3, number: "1003" }
              - name: gw2
                mid: "[127.0.0.1]:2946"
                lines:
                  - { termination: A1, number: "2001" }
                  - { termination: A2, number: "2002" }
            timers: { noAnswerSeconds: 20, inactivityMillis: 2000, gatewaySilenceMillis: 6000 }
            """;
    static final List<String> NUMBERS = List.of("1001", "1002", "1003", "2001", "2002", "3999", "1");

    @Test
    void manyRandomRunsLeaveNothingBehind() throws Exception {
        if (System.getProperty("seed") != null) { run(Long.getLong("seed"), System.getProperty("policy")); return; }
        for (long seed = 1; seed <= 150; seed++) {
            for (String policy : List.of("cleanup", "hold")) run(seed, policy);
        }
    }

    static final String COOKIES = "cookies: { current: 1, keys: [ { id: 1, secret: \"cmFuZG9tLXN1YnNjcmliZXJzLWNvb2tpZS1rZXktMzI=\" } ] }\n";

    /**
     * The same random runs with call cookies on: the same invariants hold (gateways that come back with their state
     * have their contexts audited and merged), and the cookies cost few requests: those sent just for a cookie are
     * counted, and all requests together are compared with the run without cookies, seed by seed.
     */
    @Test
    void withCookiesTheSameRunsLeaveNothingBehindForFewExtraRequests() throws Exception {
        long plain = 0, withCookies = 0, extra = 0, written = 0, piggyBacked = 0, calls = 0;
        for (long seed = 1; seed <= 60; seed++) {
            for (String policy : List.of("cleanup", "hold")) {
                Sim a = run(seed, policy, false);
                Sim b = run(seed, policy, true);
                plain += requests(a);
                withCookies += requests(b);
                Map<String, Long> m = b.core.calls().migrationCounters();
                extra += m.getOrDefault("cookie.extra_messages", 0L);
                written += m.getOrDefault("cookie.written", 0L);
                piggyBacked += m.getOrDefault("cookie.piggybacked", 0L);
                calls += b.core.calls().completedCalls();
            }
        }
        System.out.printf("cookies: requests %d without, %d with (+%.1f%%); %d cookies written, %d piggy-backed, %d requests"
                        + " just for cookies, %d calls completed%n", plain, withCookies, 100.0 * (withCookies - plain) / plain,
                written, piggyBacked, extra, calls);
        assertTrue(written > 0 && piggyBacked > 0, "cookies were written");
        assertTrue(withCookies <= plain * 1.10, "cookies cost at most 10% more requests: " + withCookies + " vs " + plain);
    }

    private static long requests(Sim sim) {
        return sim.driver.commands().stream().filter(c -> c instanceof dev.holdfast.controller.core.Command.SendRequest).count();
    }

    private void run(long seed, String policy) throws Exception { run(seed, policy, false); }

    private Sim run(long seed, String policy, boolean cookies) throws Exception {
        Random r = new Random(seed);
        Sim sim = new Sim(CONFIG + "gatewayLoss: { policy: " + policy + ", holdSeconds: 30 }\n" + (cookies ? COOKIES : ""));
        SimGateway gw1 = sim.gateway("gw1", "A1", "A2", "A3");
        SimGateway gw2 = sim.gateway("gw2", "A1", "A2");
        gw1.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        gw2.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        List<SimGateway> gws = List.of(gw1, gw2);
        boolean[][] offHook = new boolean[2][3];
        for (int step = 0; step < 150; step++) {
            int g = r.nextInt(2);
            SimGateway gw = gws.get(g);
            int lines = g == 0 ? 3 : 2;
            int l = r.nextInt(lines);
            String line = "A" + (l + 1);
            int what = r.nextInt(100);
            if (what < 30) {
                if (gw.alive) {
                    if (offHook[g][l]) gw.onHook(line); else gw.offHook(line);
                    offHook[g][l] = !offHook[g][l];
                }
            } else if (what < 55) {
                if (gw.alive && offHook[g][l]) gw.dial(line, NUMBERS.get(r.nextInt(NUMBERS.size())));
            } else if (what < 85) {
                sim.advance(r.nextInt(8000));
            } else if (what < 88 && gw.alive) {
                gw.alive = false;                      // the gateway dies
                sim.advance(7000);
                sim.timeOutUnanswered();
            } else if (what < 93 && !gw.alive) {
                gw.alive = true;                       // and comes back, keeping or losing its state
                if (r.nextBoolean()) {
                    gw.serviceChange(MethodKind.DISCONNECTED, "900 Service Restored");
                } else {
                    gw.contexts.clear();
                    for (int i = 0; i < lines; i++) offHook[g][i] = false;
                    gw.serviceChange(MethodKind.RESTART, "901 Cold Boot");
                }
            }
            assertEquals(0, sim.core.failures(), "seed " + seed + " step " + step);
        }
        // everybody back: gateways alive and registered, handsets down, timers run out
        for (int g = 0; g < 2; g++) {
            SimGateway gw = gws.get(g);
            if (!gw.alive) {
                gw.alive = true;
                gw.serviceChange(MethodKind.DISCONNECTED, "900 Service Restored");
            }
        }
        for (int g = 0; g < 2; g++) {
            for (int l = 0; l < (g == 0 ? 3 : 2); l++) {
                if (offHook[g][l]) gws.get(g).onHook("A" + (l + 1));
            }
        }
        sim.advance(60_000);
        String where = "seed " + seed + " policy " + policy;
        assertEquals(0, sim.core.failures(), where);
        assertTrue(sim.core.calls().calls().isEmpty(), where + ": calls left " + sim.core.calls().calls());
        for (Gateway gw : sim.core.association().gateways()) {
            assertEquals(GatewayState.IN_SERVICE, gw.state(), where);
            for (Line line : gw.lines()) assertEquals(LineState.IDLE, line.state(), where + " " + line);
        }
        if (System.getProperty("seed") != null) { sim.eventLog().forEach(System.out::println); }
        assertTrue(gw1.contexts.isEmpty() && gw2.contexts.isEmpty(), where + ": contexts left " + gw1.contexts + gw2.contexts);
        assertTrue(sim.unanswered.isEmpty());
        if (seed % 10 == 0) {
            // and the run replays exactly
            java.nio.file.Path log = java.nio.file.Files.createTempFile("random-run", ".jsonl");
            try {
                java.nio.file.Files.write(log, sim.eventLog());
                assertEquals(sim.commandLog(), dev.holdfast.controller.core.Replayer.replay(log, ControllerCore::fromLogHeader), where);
            } finally {
                java.nio.file.Files.delete(log);
            }
        }
        return sim;
    }
}
