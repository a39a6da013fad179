package dev.holdfast.controller;

import dev.holdfast.controller.core.Replayer;
import dev.holdfast.h248.message.ServiceChangeParm;
import dev.holdfast.h248.message.ServiceChangeParm.MethodKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The same event log replayed into a fresh core gives byte-identical output commands. */
class ReplayDeterminismTest {
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
            gatewayLoss: { policy: hold, holdSeconds: 60 }
            """;

    /** A run with a bit of everything: registrations, calls of all outcomes, timers, a loss and a return. */
    static Sim busyRun() throws Exception { return busyRun(false); }

    /** @param notices whether the core gives notices (the admin API's), from the start */
    static Sim busyRun(boolean notices) throws Exception {
        Sim sim = new Sim(CONFIG);
        if (notices) sim.core.enableNotices();
        SimGateway gw1 = sim.gateway("gw1", "A1", "A2", "A3");
        SimGateway gw2 = sim.gateway("gw2", "A1", "A2");
        gw1.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        gw2.serviceChange(2, "ROOT", MethodKind.RESTART, "902 Warm Boot", new ServiceChangeParm.Version(2));
        gw1.offHook("A1");
        gw1.dial("A1", "1002");
        sim.advance(1500);
        gw1.offHook("A2");
        sim.advance(3000);
        gw1.notify("ROOT", "it/ito");
        gw1.onHook("A1");
        gw1.onHook("A2");
        gw1.offHook("A3");
        gw1.dial("A3", "2002");
        sim.advance(21_000);            // no answer
        gw1.onHook("A3");
        gw2.offHook("A1");
        gw2.dial("A1", "1001");
        gw1.offHook("A1");
        gw2.offHook("A2");
        gw2.dial("A2", "1001");         // busy
        gw2.onHook("A2");
        gw2.offHook("A2");
        gw2.dial("A2", "77");           // invalid
        gw2.onHook("A2");
        gw1.notify("A1", "al/fl");      // hold: gw2 A1 waits
        gw1.dial("A1", "1002");         // consultation
        sim.advance(500);
        gw1.offHook("A2");
        gw1.notify("A1", "al/fl");
        gw1.dial("A1", "3");            // conference
        gw1.onHook("A2");               // a party leaves, the other two talk on
        gw1.alive = false;              // gw1 stops answering with a call up
        sim.advance(7000);
        sim.timeOutUnanswered();
        gw1.alive = true;
        gw1.serviceChange(MethodKind.DISCONNECTED, "900 Service Restored");
        gw2.onHook("A1");
        sim.admin("release-call", "99");
        sim.advance(10_000);
        return sim;
    }

    @Test
    void replayingTheEventLogGivesByteIdenticalCommands(@TempDir Path dir) throws Exception {
        Sim sim = busyRun();
        List<String> original = sim.commandLog();
        assertTrue(original.size() > 60, "a run of some size: " + original.size());
        assertTrue(original.stream().anyMatch(c -> c.contains("MV=R")), "the run includes a conference (Move)");
        Path log = dir.resolve("events.jsonl");
        Files.write(log, sim.eventLog(), StandardCharsets.UTF_8);

        List<String> replayed = Replayer.replay(log, ControllerCore::fromLogHeader);
        assertArrayEquals(String.join("\n", original).getBytes(StandardCharsets.UTF_8),
                String.join("\n", replayed).getBytes(StandardCharsets.UTF_8));
        // and again, from the same file into another fresh core
        assertEquals(replayed, Replayer.replay(log, ControllerCore::fromLogHeader));
    }

    @Test
    void aLogWithAnEventLeftOutReplaysDifferently(@TempDir Path dir) throws Exception {
        Sim sim = busyRun();
        List<String> lines = new ArrayList<>(sim.eventLog());
        int offHook = -1;
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains("al/of")) { offHook = i; break; }
        lines.remove(offHook);
        Path log = dir.resolve("events.jsonl");
        Files.write(log, lines, StandardCharsets.UTF_8);
        assertNotEquals(sim.commandLog(), Replayer.replay(log, ControllerCore::fromLogHeader));
    }

    @Test
    void twoRunsOfTheSameScenarioGiveTheSameLogs() throws Exception {
        Sim a = busyRun();
        Sim b = busyRun();
        assertEquals(a.eventLog(), b.eventLog());
        assertEquals(a.commandLog(), b.commandLog());
    }
}
