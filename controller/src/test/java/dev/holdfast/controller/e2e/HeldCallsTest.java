package dev.holdfast.controller.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.holdfast.controller.Controller;
import dev.holdfast.controller.call.Call;
import dev.holdfast.controller.provisioning.Provisioning;
import dev.holdfast.controller.provisioning.ProvisioningLoader;
import dev.holdfast.gatewaysim.GatewayConfig;
import dev.holdfast.gatewaysim.GatewayRuntime;
import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import dev.holdfast.gatewaysim.load.HeldCalls;
import dev.holdfast.gatewaysim.load.LoadPlan;
import dev.holdfast.h248.transport.EndpointOptions;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The failover drill's load ({@code loadgen h248 --establish}) against a real controller that does not fail: the
 * mix of calls is established as the controller sees it (two calls of each kind: two-party on one gateway and across
 * gateways, held, three-party conferences), and every feature check passes, so that a check failing after a
 * migration means the migrated call lost the feature, not that the check is wrong.
 */
class HeldCallsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test void establishedMixAndEveryCheckPassOnALiveController() throws Exception {
        LoadPlan plan = new LoadPlan(3, 8);
        Provisioning p = ProvisioningLoader.parse(plan.provisioningYaml("127.0.0.1", 0, 30),
                ProvisioningLoader.Format.YAML, "loadgen.yaml");
        try (Controller c = Controller.start(p, null, 1, EndpointOptions.DEFAULTS);
             GatewayRuntime rt = GatewayRuntime.create(1, GatewayRuntime.quickTransactions())) {
            InetSocketAddress ctl = c.address("udp");
            List<SimulatedGateway> gws = new ArrayList<>();
            for (int g = 1; g <= plan.gateways(); g++) {
                gws.add(rt.start(GatewayConfig.of(plan.mid(g), plan.lines(), List.of(ctl)).withSeed(g), Transport.UDP,
                        new InetSocketAddress("127.0.0.1", 0)));
            }
            for (SimulatedGateway gw : gws) {
                assertTrue(SimulatedGateway.await(() -> gw.registered()
                        && gw.config().lines().stream().allMatch(l -> gw.armedEvents(l).contains("al/of")),
                        Duration.ofSeconds(10)), gw.config().midText() + " ready");
            }
            try (HeldCalls calls = new HeldCalls(gws, plan, 8, 3, Duration.ofSeconds(10))) {
                assertEquals(8, calls.establish(8, "intra=1,inter=1,hold=1,conference=1"));
                JsonNode status = JSON.readTree(calls.status());
                assertEquals(8, status.get("calls_up").asInt(), status.toString());
                assertEquals(8, status.get("calls_preserved").asInt(), status.toString());
                assertEquals(6, status.get("talk_paths").get("up").asInt(), status.toString());
                assertEquals(2, status.get("talk_paths").get("held").asInt(), status.toString());
                Map<String, Integer> features = c.inspect(core -> {
                    Map<String, Integer> f = new TreeMap<>();
                    for (Call call : core.calls().calls()) f.merge(call.structure().feature(), 1, Integer::sum);
                    return f;
                });
                assertEquals(Map.of("NONE", 4, "HOLD", 2, "CONFERENCE", 2), features, "as the controller sees them");

                calls.mark();
                Thread.sleep(300);
                JsonNode rtp = JSON.readTree(calls.status()).get("rtp");
                assertTrue(rtp.get("calls").asInt() >= 4, "inter-gateway and conference calls carry RTP: " + rtp);
                assertTrue(rtp.get("packets_received").asLong() > 0, rtp.toString());

                for (String check : List.of("hold 2", "transfer 1", "conference 1", "hangup 3")) {
                    String[] w = check.split(" ");
                    JsonNode r = JSON.readTree(calls.check(HeldCalls.Check.valueOf(w[0].toUpperCase()), Integer.parseInt(w[1])));
                    assertEquals(Integer.parseInt(w[1]), r.get("total").asInt(), r.toString());
                    assertEquals(r.get("total").asInt(), r.get("passed").asInt(), check + ": " + r);
                }
                JsonNode released = JSON.readTree(calls.releaseAll());
                assertEquals(0, released.get("lines_not_idle").asInt(), released.toString());
                assertTrue(SimulatedGateway.await(() -> {
                    try {
                        return c.inspect(core -> core.calls().calls().isEmpty());
                    } catch (Exception e) {
                        return false;
                    }
                }, Duration.ofSeconds(10)), "every call released at the controller");
            }
            gws.forEach(SimulatedGateway::close);
        }
    }

    /**
     * The drill's phone side against a live controller: a phone of the SIP load generator's establish-and-hold mode
     * calls a gateway line that answers by itself (HeldCalls' answering lines), the call is held with its talk path
     * up, and the phone's hang-up check passes (the controller answers the BYE 2xx); the line goes idle.
     */
    @Test void phonesCallingAnsweringLinesHangUpCleanlyOnALiveController() throws Exception {
        LoadPlan plan = new LoadPlan(1, 3);
        int sipPort;
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            sipPort = s.getLocalPort();
        }
        String yaml = plan.provisioningYaml("127.0.0.1", 0, 30)
                + new dev.holdfast.endpointsim.load.SipLoadPlan(1, 1).provisioningYaml("127.0.0.1", sipPort);
        Provisioning p = ProvisioningLoader.parse(yaml, ProvisioningLoader.Format.YAML, "loadgen.yaml");
        try (Controller c = Controller.start(p, null, 1, EndpointOptions.DEFAULTS);
             GatewayRuntime rt = GatewayRuntime.create(1, GatewayRuntime.quickTransactions())) {
            SimulatedGateway gw = rt.start(GatewayConfig.of(plan.mid(1), plan.lines(), List.of(c.address("udp"))).withSeed(1),
                    Transport.UDP, new InetSocketAddress("127.0.0.1", 0));
            assertTrue(SimulatedGateway.await(() -> gw.registered()
                    && gw.config().lines().stream().allMatch(l -> gw.armedEvents(l).contains("al/of")), Duration.ofSeconds(10)));
            try (HeldCalls lines = new HeldCalls(List.of(gw), plan, 2, 3, Duration.ofSeconds(10))) {
                List<String> answering = lines.answering(1);
                assertEquals(List.of(plan.number(1, 3)), answering);
                int control;
                try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                    control = s.getLocalPort();
                }
                java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
                java.io.PrintStream out = new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8);
                Thread phones = new Thread(() -> {
                    try {
                        dev.holdfast.endpointsim.load.SipLoadGenMain.run(new String[] {"sip", "--controller", "127.0.0.1:" + sipPort,
                                "--phones", "1", "--establish", "1", "--call-lines", answering.get(0),
                                "--control-port", Integer.toString(control)}, out, out);
                    } catch (Exception e) {
                        out.println("phones: " + e);
                    }
                }, "phones");
                phones.start();
                assertTrue(SimulatedGateway.await(() -> buf.toString().contains("established 1 of 1"), Duration.ofSeconds(20)),
                        "the phone's call is up: " + buf);
                assertTrue(SimulatedGateway.await(() -> gw.talkPathUp("A3"), Duration.ofSeconds(5)), "the line talks");
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", control);
                     java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream()));
                     java.io.PrintWriter w = new java.io.PrintWriter(s.getOutputStream(), true)) {
                    w.println("status");
                    JsonNode st = JSON.readTree(in.readLine());
                    assertEquals(1, st.get("calls_preserved").asInt(), st.toString());
                    w.println("check hangup 1");
                    JsonNode r = JSON.readTree(in.readLine());
                    assertEquals(1, r.get("passed").asInt(), r.toString());
                    w.println("quit");
                    assertNotNull(in.readLine());
                }
                assertTrue(SimulatedGateway.await(() -> gw.contextOf("A3") == null && !gw.call(core -> core.isOffHook("A3")),
                        Duration.ofSeconds(5)), "the answering line hung up once released");
                phones.join(10_000);
            }
            gw.close();
        }
    }
}
