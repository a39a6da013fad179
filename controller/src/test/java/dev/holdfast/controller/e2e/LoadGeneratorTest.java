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
}
