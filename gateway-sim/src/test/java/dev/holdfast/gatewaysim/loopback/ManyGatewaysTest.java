package dev.holdfast.gatewaysim.loopback;

import dev.holdfast.gatewaysim.GatewayConfig;
import dev.holdfast.gatewaysim.GatewayRuntime;
import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.transport.Peer;
import dev.holdfast.sim.rtp.ProbeConfig;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many gateways in one runtime (one event loop for all their logic and probes): 40 gateways, 20 lines each,
 * 200 concurrent inter-gateway calls with low-rate probes (every 10th RTP termination at full rate), all talk
 * paths up.
 */
class ManyGatewaysTest {
    private static final int GATEWAYS = 40;
    private static final int LINES = 20;
    private static final int CALLS = 200;

    @Test void fortyGatewaysTwoHundredCallsOneEventLoop() throws Exception {
        List<SimulatedGateway> gws = new ArrayList<>();
        try (GatewayRuntime rt = GatewayRuntime.create(2, GatewayRuntime.quickTransactions());
             LoopbackMgc mgc = LoopbackMgc.udp()) {
            List<Peer> peers = new ArrayList<>();
            for (int g = 0; g < GATEWAYS; g++) {
                int port;
                try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) { port = s.getLocalPort(); }
                GatewayConfig c = GatewayConfig.of(MId.ipv4("127.0.0.1", port), LINES, List.of(mgc.address()))
                        .withProbe(ProbeConfig.LOW_RATE, ProbeConfig.FULL_RATE, 10).withSeed(g);
                gws.add(rt.start(c, Transport.UDP, new InetSocketAddress("127.0.0.1", port)));
                peers.add(Peer.of("127.0.0.1", port));
            }
            for (SimulatedGateway g : gws) assertTrue(g.awaitRegistered(Duration.ofSeconds(20)));

            String add = "Context=$ {Add=A%d, Add=$ {Media{LocalControl{Mode=ReceiveOnly},Local{\nv=0\nc=IN IP4 $\nm=audio $ RTP/AVP 0\n}}}}";
            String remote = "Context=%s{Modify=%s{Media{LocalControl{Mode=SendReceive},Remote{\nv=0\nc=IN IP4 127.0.0.1\nm=audio %s RTP/AVP 0\n}}}}";
            Pattern p = Pattern.compile("C=(\\d+)\\{A=A\\d+,A=(R\\d+)\\{.*m=audio (\\d+) ", Pattern.DOTALL);
            List<CompletableFuture<Void>> calls = new ArrayList<>();
            List<int[]> ends = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                int ga = i % GATEWAYS;
                int gb = (i + 1 + i / GATEWAYS) % GATEWAYS;
                int line = i / GATEWAYS * 2 + 1;
                ends.add(new int[] {ga, line, gb, line + 1});
                Peer pa = peers.get(ga);
                Peer pb = peers.get(gb);
                calls.add(CompletableFuture.runAsync(() -> {
                    try {
                        Matcher a = match(p, mgc.send(pa, add.formatted(line)));
                        Matcher b = match(p, mgc.send(pb, add.formatted(line + 1)));
                        mgc.send(pa, remote.formatted(a.group(1), a.group(2), b.group(3)));
                        mgc.send(pb, remote.formatted(b.group(1), b.group(2), a.group(3)));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            assertTrue(SimulatedGateway.await(() -> ends.stream().allMatch(e ->
                    gws.get(e[0]).talkPathUp("A" + e[1]) && gws.get(e[2]).talkPathUp("A" + e[3])), Duration.ofSeconds(20)),
                    "every call's talk path up");
            int contexts = gws.stream().mapToInt(g -> g.contextIds().size()).sum();
            assertEquals(2 * CALLS, contexts);
            for (SimulatedGateway g : gws) g.close();
        }
    }

    private static Matcher match(Pattern p, String reply) {
        Matcher m = p.matcher(reply);
        if (!m.find()) throw new AssertionError(reply);
        return m;
    }
}
