package dev.holdfast.controller.mgc;

import dev.holdfast.controller.Controller;
import dev.holdfast.controller.ControllerCore;
import dev.holdfast.controller.core.Replayer;
import dev.holdfast.controller.provisioning.Provisioning;
import dev.holdfast.controller.provisioning.ProvisioningLoader;
import dev.holdfast.h248.message.ServiceChangeParm.MethodKind;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.transport.EndpointOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The it/ito heartbeat of a registered gateway is answered by the H.248 edge while the core progresses, so that a
 * controller busy with other work does not look dead to its gateways; a stuck core gets no such help (its gateways
 * must fail over); nothing else is answered at the edge, and the event log still replays to the same commands.
 * The core is held up here by a query that sleeps on the core thread.
 */
class HeartbeatAtEdgeTest {

    private static Provisioning provisioning(int mgPort) throws Exception {
        return ProvisioningLoader.parse("""
                controller: { address: 127.0.0.1, port: 0, transports: [udp] }
                timers: { inactivityMillis: 10000 }
                gateways:
                  - name: gw1
                    mid: "[127.0.0.1]:%d"
                    address: "127.0.0.1:%d"
                    lines:
                      - { termination: A1, number: "1001" }
                """.formatted(mgPort, mgPort), ProvisioningLoader.Format.YAML, "edge.yaml");
    }

    private static long answeredAtEdge(Controller c) {
        return c.h248EdgeCounters().get("heartbeatsAnsweredAtEdge");
    }

    @Test
    void aBusyCoresHeartbeatIsAnsweredAtOnceAndAStuckCoresOnlyWhenItIsFree(@TempDir Path dir) throws Exception {
        Path events = dir.resolve("events.jsonl");
        Path commands = dir.resolve("commands.jsonl");
        try (LoopbackMg probe = LoopbackMg.udp(new InetSocketAddress("127.0.0.1", 9), "A1")) {
            int port = probe.port();
            probe.close();
            try (Controller c = Controller.start(provisioning(port), events, commands, 7, EndpointOptions.DEFAULTS);
                 LoopbackMg gw = LoopbackMg.udpOn(port, c.address("udp"), "A1")) {
                assertNull(gw.serviceChange(MethodKind.RESTART, "901 Cold Boot").error());
                gw.take(4); // the registration's audit and set-up
                assertEquals(0, answeredAtEdge(c));

                // the core is held (but only just: it finished its last event a moment ago): answered before it is free
                CompletableFuture<Void> held = dev.holdfast.controller.CoreHold.hold(c, 3000);
                long sent = System.nanoTime();
                Transaction.Reply reply = gw.notify("ROOT", "it/ito");
                long tookMs = (System.nanoTime() - sent) / 1_000_000;
                assertNull(reply.error());
                assertTrue(!held.isDone(), "the reply came before the core was free (" + tookMs + " ms)");
                assertEquals(1, answeredAtEdge(c));
                held.get(10, TimeUnit.SECONDS);

                // the core finished nothing for over a second: stuck; the heartbeat waits for the core
                held = dev.holdfast.controller.CoreHold.hold(c, 3000);
                Thread.sleep(1500);
                reply = gw.notify("ROOT", "it/ito");
                assertNull(reply.error());
                assertTrue(held.isDone(), "a stuck core's heartbeat was answered only once the core was free");
                assertEquals(1, answeredAtEdge(c));

                // anything else (an off-hook) is the core's
                held = dev.holdfast.controller.CoreHold.hold(c, 800);
                gw.offHook("A1");
                assertTrue(held.isDone(), "an off-hook is answered by the core");
                assertEquals(1, answeredAtEdge(c));
            }
            // both heartbeats are in the event log, and the replay gives the same commands as the live run
            List<String> live = Files.readAllLines(events, StandardCharsets.UTF_8);
            assertEquals(2, live.stream().filter(l -> l.contains("it/ito") && l.contains("request")).count(), String.join("\n", live));
            assertEquals(Files.readAllLines(commands, StandardCharsets.UTF_8), Replayer.replay(events, ControllerCore::fromLogHeader));
        }
    }

    @Test
    void aGatewayThatIsNotRegisteredGetsTheCoresRefusalNotAnEdgeReply() throws Exception {
        try (LoopbackMg probe = LoopbackMg.udp(new InetSocketAddress("127.0.0.1", 9), "A1")) {
            int port = probe.port();
            probe.close();
            try (Controller c = Controller.start(provisioning(port), null, 7, EndpointOptions.DEFAULTS);
                 LoopbackMg gw = LoopbackMg.udpOn(port, c.address("udp"), "A1")) {
                Transaction.Reply reply = gw.notify("ROOT", "it/ito");
                assertNotNull(reply.error(), "an unregistered gateway's heartbeat is refused");
                assertEquals(0, answeredAtEdge(c));
            }
        }
    }
}
