package dev.holdfast.controller.e2e;

import dev.holdfast.controller.Controller;
import dev.holdfast.controller.provisioning.Provisioning;
import dev.holdfast.controller.provisioning.ProvisioningLoader;
import dev.holdfast.gatewaysim.GatewayConfig;
import dev.holdfast.gatewaysim.GatewayRuntime;
import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import dev.holdfast.gatewaysim.load.LoadPlan;
import dev.holdfast.gatewaysim.load.ScriptedSubscribers;
import dev.holdfast.h248.transport.EndpointOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The load generator's provisioning as the controller reads it, and its scripted subscribers against a real controller. */
class LoadGeneratorTest {

    @Test
    void writtenProvisioningIsWhatTheControllerAccepts() throws Exception {
        LoadPlan plan = new LoadPlan(3, 4);
        Provisioning p = ProvisioningLoader.parse(plan.provisioningYaml("127.0.0.1", 2944, 30),
                ProvisioningLoader.Format.YAML, "loadgen.yaml");
        assertEquals(3, p.gateways().size());
        assertEquals("<gw2.loadgen>:2944", p.gateways().get(1).mid());
        assertEquals(List.of("100005", "100006", "100007", "100008"),
                p.gateways().get(1).lines().stream().map(l -> l.number()).toList());
        assertEquals(2944, p.controller().port());
    }

    @ParameterizedTest @EnumSource(Transport.class)
    void scriptedSubscribersCompleteCallsThroughARealController(Transport transport) throws Exception {
        LoadPlan plan = new LoadPlan(2, 4);
        Provisioning p = ProvisioningLoader.parse(plan.provisioningYaml("127.0.0.1", 0, 30),
                ProvisioningLoader.Format.YAML, "loadgen.yaml");
        try (Controller c = Controller.start(p, null, 1, EndpointOptions.DEFAULTS);
             GatewayRuntime rt = GatewayRuntime.create(1, GatewayRuntime.quickTransactions())) {
            InetSocketAddress ctl = c.address(transport == Transport.UDP ? "udp" : "tcp");
            List<SimulatedGateway> gws = new ArrayList<>();
            for (int g = 1; g <= plan.gateways(); g++) {
                gws.add(rt.start(GatewayConfig.of(plan.mid(g), plan.lines(), List.of(ctl)).withSeed(g), transport,
                        new InetSocketAddress("127.0.0.1", 0)));
            }
            for (SimulatedGateway gw : gws) {
                assertTrue(SimulatedGateway.await(() -> gw.registered()
                        && gw.config().lines().stream().allMatch(l -> gw.armedEvents(l).contains("al/of")),
                        Duration.ofSeconds(10)), gw.config().midText() + " ready");
            }
            ScriptedSubscribers s = new ScriptedSubscribers(rt.scheduler(), gws, plan, 4, Duration.ofMillis(300), 7);
            s.start();
            Thread.sleep(2500);
            s.stopPlacing();
            assertTrue(SimulatedGateway.await(() -> s.summary().active() == 0, Duration.ofSeconds(20)), "calls end");
            s.stop();
            ScriptedSubscribers.Summary sum = s.summary();
            assertTrue(sum.completed() >= 3, sum.toString());
            assertEquals(0, sum.failed(), sum.toString());
            assertEquals(sum.completed(), sum.talkPathOk(), sum.toString());
            assertEquals(sum.completed(), (long) c.inspect(core -> core.calls().completedCalls()), sum.toString());
            gws.forEach(SimulatedGateway::close);
        }
    }

    /**
     * The command-line load generator as the benchmark drives it: a ramp of two rates on two event loop shards, one
     * JSON line per rate with its rate, its CPU shares (its own and, through /proc, the controller's) and no failure.
     */
    @Test
    void rampOnTwoShardsReportsEachRateAsJson() throws Exception {
        LoadPlan plan = new LoadPlan(4, 6);
        Provisioning p = ProvisioningLoader.parse(plan.provisioningYaml("127.0.0.1", 0, 30),
                ProvisioningLoader.Format.YAML, "loadgen.yaml");
        try (Controller c = Controller.start(p, null, 1, EndpointOptions.DEFAULTS)) {
            InetSocketAddress ctl = c.address("udp");
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            int status = dev.holdfast.gatewaysim.load.LoadGenMain.run(new String[] {"h248",
                    "--controller", "127.0.0.1:" + ctl.getPort(), "--gateways", "4", "--lines", "6",
                    "--cps", "3,5", "--hold", "300ms", "--duration", "2s", "--threads", "2",
                    "--controller-pid", Long.toString(ProcessHandle.current().pid()), "--json"},
                    new java.io.PrintStream(out, true), new java.io.PrintStream(err, true));
            String text = out.toString();
            assertEquals(0, status, text + err);
            List<String> json = text.lines().filter(l -> l.startsWith("{")).toList();
            assertEquals(2, json.size(), text);
            assertTrue(json.get(0).contains("\"cps\":3.0"), json.get(0));
            assertTrue(json.get(1).contains("\"cps\":5.0"), json.get(1));
            for (String j : json) {
                assertTrue(j.contains("\"failed\":0,"), j);
                assertTrue(!j.contains("\"completed\":0,"), j);
                assertTrue(j.contains("\"loadgen_cpu_share\":"), j);
                assertTrue(j.contains("\"controller_cpu_share\":"), j);
                assertTrue(j.matches(".*\"loadgen_lag_ms_p99\":[0-9.]+,.*"), j);
            }
            assertEquals((long) c.inspect(core -> core.calls().completedCalls()),
                    json.stream().mapToLong(j -> Long.parseLong(j.replaceAll(".*\"completed\":(\\d+).*", "$1"))).sum(),
                    "every call the load generator counts as completed, the controller counts too");
        }
    }

    /**
     * The latency split of issue 3: with the controller's /metrics given, each rate's JSON line has the controller's
     * step latency, reply latency and round trip to the gateways, and the load generator's own figures; the
     * controller's side is consistent with what the gateways saw (its answer to a Notify is inside that Notify's
     * round trip), and /metrics serves the histograms.
     */
    @Test
    void rampReportsWhereTheSetupTimeGoesOnBothSides() throws Exception {
        LoadPlan plan = new LoadPlan(2, 6);
        Provisioning p = ProvisioningLoader.parse(plan.provisioningYaml("127.0.0.1", 0, 30),
                ProvisioningLoader.Format.YAML, "loadgen.yaml")
                .withAdmin(dev.holdfast.controller.provisioning.AdminSettings.DEFAULTS.withPort(0));
        try (Controller c = Controller.start(p, null, 1, EndpointOptions.DEFAULTS)) {
            String metrics = c.admin().url() + "/metrics";
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            int status = dev.holdfast.gatewaysim.load.LoadGenMain.run(new String[] {"h248",
                    "--controller", "127.0.0.1:" + c.address("udp").getPort(), "--gateways", "2", "--lines", "6",
                    "--cps", "4", "--hold", "300ms", "--duration", "2s", "--threads", "2",
                    "--controller-metrics", metrics, "--json"},
                    new java.io.PrintStream(out, true), new java.io.PrintStream(err, true));
            String text = out.toString();
            assertEquals(0, status, text + err);
            String json = text.lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
            for (String k : List.of("controller_step", "controller_reply", "controller_rtt", "loadgen_loop_late",
                    "loadgen_step_wait", "loadgen_offhook_sent", "loadgen_reply", "loadgen_rtt")) {
                assertTrue(json.matches(".*\"" + k + "_ms_p50\":[0-9.]+,\"" + k + "_ms_p99\":[0-9.]+,\"" + k + "_ms_max\":[0-9.]+,.*"),
                        k + " in " + json);
            }
            assertTrue(text.contains("loadgen: latency split while placing"), text);
            assertTrue(json.matches(".*\"load_average_1m_start\":-?[0-9.]+,\"load_average_1m_end\":-?[0-9.]+,.*"),
                    "the figures come with the machine's load: " + json);
            double controllerReplyP50 = Double.parseDouble(json.replaceAll(".*\"controller_reply_ms_p50\":([0-9.]+).*", "$1"));
            double gatewaysRoundTripMax = Double.parseDouble(json.replaceAll(".*\"loadgen_rtt_ms_max\":([0-9.]+).*", "$1"));
            assertTrue(controllerReplyP50 <= gatewaysRoundTripMax, "the controller's answer lies inside the gateways' round trip: " + json);
            String scraped = new String(new java.net.URL(metrics).openStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(scraped.contains("holdfast_h248_step_latency_seconds_count "), "served on /metrics");
            assertTrue(dev.holdfast.h248.transport.LatencyHistogram.Snapshot.parsePrometheus(scraped,
                    "holdfast_h248_step_latency_seconds", "").count() > 0, "the controller's steps were counted");
        }
    }

    @Test
    void shardSummariesCombineIntoOneRunsPercentiles() {
        ScriptedSubscribers.Summary a = new ScriptedSubscribers.Summary(3, 2, 1, java.util.Map.of("no ringing", 1L),
                0, 0, 2, 0, 0, 0, new long[] {1_000_000, 3_000_000}, new long[] {5_000_000});
        ScriptedSubscribers.Summary b = new ScriptedSubscribers.Summary(2, 2, 0, java.util.Map.of(), 1, 1, 2, 0, 0, 0,
                new long[] {2_000_000, 40_000_000}, new long[] {1_000_000, 90_000_000});
        ScriptedSubscribers.Summary s = ScriptedSubscribers.Summary.combine(List.of(a, b));
        assertEquals(5, s.attempted());
        assertEquals(4, s.completed());
        assertEquals(1, s.failed());
        assertEquals(java.util.Map.of("no ringing", 1L), s.failedByReason());
        assertEquals(2.0, s.setupP50()); // nearest rank of 1, 2, 3, 40 ms
        assertEquals(40.0, s.setupP99());
        assertEquals(40.0, s.setupMax());
        assertEquals(90.0, s.tickLagMillis(100)); // the worst lag of either shard
        assertEquals(5.0, s.tickLagMillis(50));
    }
}
