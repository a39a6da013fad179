package dev.holdfast.controller.mgc;

import dev.holdfast.controller.Controller;
import dev.holdfast.controller.ControllerCore;
import dev.holdfast.controller.core.Replayer;
import dev.holdfast.controller.gateway.GatewayState;
import dev.holdfast.controller.provisioning.Provisioning;
import dev.holdfast.controller.provisioning.ProvisioningLoader;
import dev.holdfast.h248.message.ServiceChangeParm.MethodKind;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.transport.EndpointOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The controller on real sockets (UDP and TCP on 127.0.0.1) with test-written gateways: each test asserts the
 * H.248 message sequence the controller sent to each gateway.
 */
class LoopbackCallTest {

    private static Provisioning provisioning(String gateways) throws Exception {
        return ProvisioningLoader.parse("""
                controller: { address: 127.0.0.1, port: 0, transports: [udp, tcp] }
                timers: { noAnswerSeconds: 30, inactivityMillis: 10000 }
                gateways:
                """ + gateways, ProvisioningLoader.Format.YAML, "loopback.yaml");
    }

    /** gw1 at {@code mg}'s address with lines A1 (1001) and A2 (1002). */
    private static Provisioning twoLines(LoopbackMg mg) throws Exception {
        return provisioning("""
                  - name: gw1
                    mid: "[127.0.0.1]:%d"
                    address: "127.0.0.1:%d"
                    lines:
                      - { termination: A1, number: "1001" }
                      - { termination: A2, number: "1002" }
                """.formatted(mg.port(), mg.port()));
    }

    private static final List<String> REGISTRATION_TWO_LINES = List.of(
            "C=-{AV=ROOT{AT{PG}}}",
            "C=-{O-AV=A1{AT{}},O-AV=A2{AT{}}}",
            "C=-{MF=ROOT{E=#{it/ito{mit=1000}}},O-MF=ROOT{M{TS{it/mit=1000}}}}",
            "C=-{MF=A1{SG,E=#{al/of}},MF=A2{SG,E=#{al/of}}}");

    @Test
    void intraGatewayCallOverUdp(@TempDir Path dir) throws Exception {
        Path events = dir.resolve("events.jsonl");
        Path commands = dir.resolve("commands.jsonl");
        // the gateway's socket first: its mId and address go into the provisioning
        try (LoopbackMg mg = LoopbackMg.udp(new java.net.InetSocketAddress("127.0.0.1", 9), "A1", "A2")) {
            Provisioning p = twoLines(mg);
            try (Controller c = Controller.start(p, events, commands, 7, EndpointOptions.DEFAULTS);
                 LoopbackMg gw = rebind(mg, c.address("udp"), "A1", "A2")) {
                Transaction.Reply reg = gw.serviceChange(MethodKind.RESTART, "901 Cold Boot");
                assertEquals(null, reg.error());
                assertEquals(REGISTRATION_TWO_LINES, gw.take(4));
                assertEquals(GatewayState.IN_SERVICE, c.inspect(core -> core.association().gateway("gw1").state()));

                gw.offHook("A1");
                assertEquals(List.of("C=-{MF=A1{SG{cg/dt},E=#{al/on,dd/ce{DM=dialplan}},DM=dialplan{T:16,S:4,L:16,(1xxx)}}}"), gw.take(1));
                gw.dial("A1", "1002");
                assertEquals(List.of("C=${A=A1{SG{cg/rt},E=#{al/on,al/fl},M{ST=1{O{MO=SR}}}},A=A2{SG{al/ri},E=#{al/of},M{ST=1{O{MO=SR}}}}}"), gw.take(1));
                gw.offHook("A2");
                assertEquals(List.of("C=1{MF=A2{SG,E=#{al/on,al/fl}},MF=A1{SG,E=#{al/on,al/fl}}}"), gw.take(1));
                gw.onHook("A1");
                assertEquals(List.of("C=1{O-S=A1,O-S=A2},C=-{MF=A1{SG,E=#{al/of}},MF=A2{SG{cg/bt},E=#{al/on}}}"), gw.take(1));
                gw.onHook("A2");
                assertEquals(List.of("C=-{MF=A2{SG,E=#{al/of}}}"), gw.take(1));
                assertTrue(gw.model.idle());
                assertEquals(1L, (long) c.inspect(core -> core.calls().completedCalls()));
            }
            // the live run's event log replays into a fresh core with byte-identical commands
            List<String> live = Files.readAllLines(commands, StandardCharsets.UTF_8);
            assertTrue(live.size() > 10);
            assertEquals(live, Replayer.replay(events, ControllerCore::fromLogHeader));
        }
    }

    @Test
    void aNotifysReplyAndTheModifyThatFollowsItShareOneDatagram() throws Exception {
        assertEquals(1, datagramsForReplyAndModify(EndpointOptions.DEFAULTS));
    }

    @Test
    void withoutTurnBatchingTheyAreTwoDatagrams() throws Exception {
        assertEquals(2, datagramsForReplyAndModify(EndpointOptions.DEFAULTS.withTransactions(
                dev.holdfast.h248.transaction.TransactionOptions.DEFAULTS.withBatchPerTurn(false))));
    }

    /** Off-hook on a registered gateway: the datagrams that bring the Notify's reply and the dial-tone Modify. */
    private static long datagramsForReplyAndModify(EndpointOptions controllerOptions) throws Exception {
        try (LoopbackMg mg = LoopbackMg.udp(new java.net.InetSocketAddress("127.0.0.1", 9), "A1", "A2")) {
            Provisioning p = twoLines(mg);
            try (Controller c = Controller.start(p, null, 7, controllerOptions);
                 LoopbackMg gw = rebind(mg, c.address("udp"), "A1", "A2")) {
                assertEquals(null, gw.serviceChange(MethodKind.RESTART, "901 Cold Boot").error());
                assertEquals(REGISTRATION_TWO_LINES, gw.take(4));
                var counters = gw.endpoint.counters();
                long datagrams = counters.messagesReceived.sum();
                long replies = counters.repliesReceived.sum();
                long requests = counters.requestsReceived.sum();
                long unmatched = counters.unmatchedReplies.sum();
                long pendings = counters.pendingsReceived.sum();
                assertEquals(null, gw.offHook("A1").error());
                assertEquals(List.of("C=-{MF=A1{SG{cg/dt},E=#{al/on,dd/ce{DM=dialplan}},DM=dialplan{T:16,S:4,L:16,(1xxx)}}}"), gw.take(1));
                // on a loaded machine the gateway may retransmit its Notify: the controller's answers to that (the
                // cached reply again, or a Pending) come alone and are not what is counted here
                long answersToRetransmissions = counters.unmatchedReplies.sum() - unmatched
                        + counters.pendingsReceived.sum() - pendings;
                assertEquals(1, counters.repliesReceived.sum() - replies - (counters.unmatchedReplies.sum() - unmatched));
                assertEquals(1, counters.requestsReceived.sum() - requests);
                return counters.messagesReceived.sum() - datagrams - answersToRetransmissions;
            }
        }
    }

    /** The probe endpoint only reserved the port; the real gateway binds it again now that the controller runs. */
    private static LoopbackMg rebind(LoopbackMg probe, java.net.InetSocketAddress controller, String... lines) throws Exception {
        int port = probe.port();
        probe.close();
        return LoopbackMg.udpOn(port, controller, lines);
    }

    @Test
    void interGatewayCallOverTcp() throws Exception {
        Provisioning p = provisioning("""
                  - name: east
                    mid: "<east.test>:2944"
                    address: 127.0.0.1
                    lines:
                      - { termination: A1, number: "1001" }
                  - name: west
                    mid: "<west.test>:2944"
                    address: 127.0.0.1
                    lines:
                      - { termination: A1, number: "2001" }
                """);
        try (Controller c = Controller.start(p);
             LoopbackMg east = LoopbackMg.tcp(c.address("tcp"), "<east.test>:2944", "A1");
             LoopbackMg west = LoopbackMg.tcp(c.address("tcp"), "<west.test>:2944", "A1")) {
            east.serviceChange(MethodKind.RESTART, "901 Cold Boot");
            west.serviceChange(MethodKind.RESTART, "901 Cold Boot");
            east.take(4);
            west.take(4);
            east.offHook("A1");
            east.take(1);
            east.dial("A1", "2001");
            List<String> toEast = east.take(2);
            List<String> toWest = west.take(1);
            assertEquals("C=${A=A1{SG{cg/rt},E=#{al/on,al/fl},M{ST=1{O{MO=SR}}}},A=${M{ST=1{O{MO=RC},L{v=0\nc=IN IP4 $\nm=audio $ RTP/AVP 0\n}}}}}", toEast.get(0));
            String eastSdp = sdpOf(east, 1);
            String westSdp = sdpOf(west, 1);
            assertEquals("C=${A=A1{SG{al/ri},E=#{al/of},M{ST=1{O{MO=SR}}}},A=${M{ST=1{O{MO=RC},L{v=0\nc=IN IP4 $\nm=audio $ RTP/AVP 0\n},R{" + eastSdp + "}}}}}", toWest.get(0));
            assertEquals("C=1{MF=R1{M{ST=1{R{" + westSdp + "}}}}}", toEast.get(1));
            west.offHook("A1");
            assertEquals(List.of("C=1{MF=A1{SG,E=#{al/on,al/fl}},MF=R1{M{ST=1{O{MO=SR}}}}}"), west.take(1));
            assertEquals(List.of("C=1{MF=A1{SG,E=#{al/on,al/fl}},MF=R1{M{ST=1{O{MO=SR}}}}}"), east.take(1));
            var structure = c.inspect(core -> core.calls().calls().iterator().next().structure());
            assertEquals("west", structure.igcs().get(0).a().farGateway());
            assertEquals("east", structure.igcs().get(0).b().farGateway());
            west.onHook("A1");
            assertEquals(List.of("C=1{O-S=A1,O-S=R1{AT{SA}}},C=-{MF=A1{SG,E=#{al/of}}}"), west.take(1));
            assertEquals(List.of("C=1{O-S=A1,O-S=R1{AT{SA}}},C=-{MF=A1{SG{cg/bt},E=#{al/on}}}"), east.take(1));
        }
    }

    /** The Local SDP the gateway model chose for its n-th RTP termination. */
    private static String sdpOf(LoopbackMg mg, int n) { return mg.model.sdp(n).replace("\r\n", "\n"); }

    @Test
    void anUnprovisionedGatewayIsRefusedOverTheWire() throws Exception {
        try (Controller c = Controller.start(provisioning("  []\n"));
             LoopbackMg stranger = LoopbackMg.udpOn(0, c.address("udp"), "A1")) {
            Transaction.Reply r = stranger.serviceChange(MethodKind.RESTART, "901 Cold Boot");
            var sc = (dev.holdfast.h248.message.CommandReply.ServiceChange) r.actions().get(0).replies().get(0);
            assertEquals(402, sc.error().code());
        }
    }

    @Test
    void aClosedTcpConnectionLosesTheGateway() throws Exception {
        Provisioning p = provisioning("""
                  - name: east
                    mid: "<east.test>:2944"
                    lines:
                      - { termination: A1, number: "1001" }
                """);
        try (Controller c = Controller.start(p)) {
            LoopbackMg east = LoopbackMg.tcp(c.address("tcp"), "<east.test>:2944", "A1");
            east.serviceChange(MethodKind.RESTART, "901 Cold Boot");
            east.take(4);
            east.close();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            GatewayState s;
            do {
                s = c.inspect(core -> core.association().gateway("east").state());
                if (s != GatewayState.LOST) Thread.sleep(20);
            } while (s != GatewayState.LOST && System.nanoTime() < deadline);
            assertEquals(GatewayState.LOST, s);
        }
    }
}
