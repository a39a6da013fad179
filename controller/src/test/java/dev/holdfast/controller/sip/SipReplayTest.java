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
    @Test void aTransferReplaysIntoByteIdenticalCommands() throws Exception {
        Path events = dir.resolve("transfer-events.log");
        Path commands = dir.resolve("transfer-commands.log");
        try (Controller c = SipTestController.start("", 30, events, commands);
             dev.holdfast.endpointsim.PhoneRuntime phones = dev.holdfast.endpointsim.PhoneRuntime.loopback()) {
            List<java.net.InetSocketAddress> ctl = List.of(new java.net.InetSocketAddress("127.0.0.1", c.sip().port()));
            var a = phones.phone(dev.holdfast.endpointsim.phone.PhoneConfig.of("1001", "secret1", ctl));
            var b = phones.phone(dev.holdfast.endpointsim.phone.PhoneConfig.of("1002", "secret2", ctl)
                    .withAutoAnswer(java.time.Duration.ZERO));
            var bob = phones.phone(dev.holdfast.endpointsim.phone.PhoneConfig.of("bob", "builder", ctl)
                    .withAutoAnswer(java.time.Duration.ZERO));
            long end = System.nanoTime() + 10_000_000_000L;
            while (!(a.registered() && b.registered() && bob.registered()) && System.nanoTime() < end) Thread.sleep(10);
            var ab = a.call("1002");
            while (!ab.talkPathUp() && System.nanoTime() < end) Thread.sleep(10);
            a.transfer(ab, "2002", false);
            while (!(ab.state() == dev.holdfast.endpointsim.phone.CallState.ENDED && !bob.calls().isEmpty()
                    && bob.calls().get(0).talkPathUp()) && System.nanoTime() < end) Thread.sleep(10);
            assertTrue(!bob.calls().isEmpty() && bob.calls().get(0).talkPathUp(), "transferred");
            Thread.sleep(200);
        }
        List<String> live = Files.readAllLines(commands, StandardCharsets.UTF_8);
        assertTrue(live.stream().anyMatch(l -> l.contains("NOTIFY") && l.contains("sipfrag")), "NOTIFYs were sent");
        assertEquals(live, Replayer.replay(events, ControllerCore::fromLogHeader));
    }
}
