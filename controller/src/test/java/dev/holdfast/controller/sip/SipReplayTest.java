package dev.holdfast.controller.sip;

import dev.holdfast.controller.Controller;
import dev.holdfast.controller.ControllerCore;
import dev.holdfast.controller.core.Replayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIP events are logged like H.248 ones: a live run with registrations and a call replays into the same commands. */
class SipReplayTest {
    @TempDir Path dir;

    @Test void aLiveSipRunReplaysIntoByteIdenticalCommands() throws Exception {
        assertTrue(Sipp.installed(), "SIPp (Debian sip-tester) is needed: ./bin/test installs it");
        Path events = dir.resolve("events.log");
        Path commands = dir.resolve("commands.log");
        Sipp sipp = new Sipp(dir);
        try (Controller c = SipTestController.start("trustedPeers: [127.0.0.1]", 30, events, commands)) {
            String target = SipTestController.target(c);
            int callee = Sipp.freePort();
            assertTrue(sipp.run(sipp.scenario("reg", SippScenarios.register(200)), "udp", callee, target, 1,
                    "-s", "1002", "-au", "1002", "-ap", "secret2", "-key", "expires", "300").passed());
            assertTrue(sipp.run(sipp.scenario("reg403", SippScenarios.register(403)), "udp", Sipp.freePort(), target, 1,
                    "-s", "1001", "-au", "1001", "-ap", "wrong", "-key", "expires", "300").passed());
            try (Sipp.Run uas = sipp.start("uas", "udp", callee, null, 1)) {
                Sipp.awaitBound(callee, "udp", 10_000);
                assertTrue(sipp.run("uac", "udp", Sipp.freePort(), target, 1, "-s", "1002").passed());
                assertTrue(uas.await(20).passed());
            }
            Thread.sleep(200);
        }
        List<String> live = Files.readAllLines(commands, StandardCharsets.UTF_8);
        assertTrue(live.stream().anyMatch(l -> l.contains("\"type\":\"sip-send\"") && l.contains("INVITE")), "a second leg was sent");
        assertTrue(live.stream().anyMatch(l -> l.contains("\"status\":403")), "the 403 was given");
        assertEquals(live, Replayer.replay(events, ControllerCore::fromLogHeader));
    }
}
