package dev.holdfast.controller.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.controller.Controller;
import dev.holdfast.controller.gateway.GatewayState;
import dev.holdfast.controller.provisioning.ProvisioningLoader;
import dev.holdfast.gatewaysim.GatewayConfig;
import dev.holdfast.gatewaysim.GatewayRuntime;
import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.transport.EndpointOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.holdfast.controller.e2e.E2eNetwork.eventually;
import static dev.holdfast.controller.e2e.E2eSteps.WAIT;
import static dev.holdfast.controller.e2e.E2eSteps.hears;
import static dev.holdfast.controller.e2e.E2eSteps.offHookAndDial;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The failover drill of the admin API on a primary run as its own process (the drill halts the process): refused
 * without the confirm word, then accepted with 202; the process halts as after kill -9, and its gateway with its
 * call moves to the alternate (in this JVM), the talk path kept.
 */
class FailoverDrillTest {
    @TempDir Path dir;

    private static final String GATEWAYS = """
            timers: { noAnswerSeconds: 30, inactivityMillis: 10000 }
            gateways:
              - name: gw1
                mid: "<gw1.test>:2944"
                lines: [ { termination: A1, number: "1001" }, { termination: A2, number: "1002" } ]
            """;

    @Test
    void aConfirmedDrillHaltsThePrimaryAndItsGatewayAndCallMoveToTheAlternate() throws Exception {
        Path audit = dir.resolve("audit.log");
        String admin = AdminClient.adminSection(audit, 1800, 50).replace("admin:\n", "admin:\n  drills: true\n  drillDelayMs: 300\n");
        Path config = dir.resolve("primary.yaml");
        Files.writeString(config, "controller: { address: 127.0.0.1, port: 0, transports: [tcp] }\n"
                + MigrationEndToEndTest.COOKIES + admin + GATEWAYS);
        // a change made in an earlier life of the controller: bin/controller applies its journal after the file
        Path journal = dir.resolve("primary.yaml.changes.jsonl");
        Files.writeString(journal, "{\"time\":\"2026-11-27T09:00:00Z\",\"user\":\"admin\",\"origin\":null,\"change\":"
                + dev.holdfast.controller.provisioning.ProvisioningChange.station("5001", "alice", "wonderland", "holdfast").toJson()
                + "}\n{\"truncated by a crash");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.holdfast.controller.ControllerMain", "--config", config.toString());
        pb.redirectErrorStream(true);
        Process primary = pb.start();
        LinkedBlockingQueue<String> output = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(primary.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = in.readLine()) != null) output.add(l);
            } catch (java.io.IOException e) {
                // closed: what was read is in the queue
            }
        });
        reader.start();
        Controller alternate = null;
        GatewayRuntime runtime = null;
        try {
            Pattern listening = Pattern.compile(".*listening on tcp 127\\.0\\.0\\.1:(\\d+), admin (http://\\S+).*");
            Matcher m = null;
            java.util.List<String> seen = new java.util.ArrayList<>();
            String line;
            while (m == null && (line = output.poll(30, TimeUnit.SECONDS)) != null) {
                seen.add(line);
                Matcher x = listening.matcher(line);
                if (x.matches()) m = x;
            }
            assertNotNull(m, "the primary says where it listens: " + seen);
            int primaryPort = Integer.parseInt(m.group(1));
            String url = m.group(2);

            alternate = Controller.start(ProvisioningLoader.parse("controller: { address: 127.0.0.1, port: 0, transports: [tcp],"
                    + " role: alternate }\n" + MigrationEndToEndTest.COOKIES + GATEWAYS, ProvisioningLoader.Format.YAML, "alt.yaml"),
                    null, null, 2, EndpointOptions.DEFAULTS);
            runtime = GatewayRuntime.create(1, GatewayRuntime.quickTransactions());
            SimulatedGateway gw = runtime.start(GatewayConfig.of(new MId.DomainName("gw1.test", 2944), 2,
                    List.of(new InetSocketAddress("127.0.0.1", primaryPort), alternate.address("tcp"))).withSeed(1),
                    Transport.TCP, new InetSocketAddress("127.0.0.1", 0));
            assertTrue(gw.awaitRegistered(java.time.Duration.ofSeconds(WAIT)), "registers with the primary");
            assertEquals(primaryPort, gw.currentController().getPort());
            assertTrue(eventually(() -> gw.armedEvents("A1").contains("al/of") && gw.armedEvents("A2").contains("al/of"), WAIT));
            offHookAndDial(gw, "A1", "1002");
            assertTrue(eventually(() -> hears(gw, "A2", "al/ri"), WAIT), "A2 rings");
            assertTrue(gw.answer("A2"));
            assertTrue(eventually(() -> gw.talkPathUp("A1") && gw.talkPathUp("A2"), WAIT), "talking");

            AdminClient api = new AdminClient(url).login("admin");
            assertEquals("[{\"number\":\"5001\",\"user\":\"alice\"}]", api.get("/api/provisioning").json().get("stations").toString(),
                    "the journal was applied at start (its torn last line skipped)");
            assertEquals(201, api.post("/api/provisioning/stations", "{\"number\":\"5002\",\"user\":\"bob\",\"password\":\"b\"}").status());
            List<String> kept = Files.readAllLines(journal);
            assertEquals(3, kept.size(), kept.toString());
            assertTrue(kept.get(2).startsWith("{") && kept.get(2).contains("\"number\":\"5002\""), "journalled by the process: " + kept);
            assertEquals(1, api.get("/api/counters").json().at("/core/provisioningChanges.accepted").asInt());
            JsonNode drills = api.get("/api/drills").json();
            assertTrue(drills.get("enabled").asBoolean(), drills.toString());
            assertTrue(drills.get("running").isNull(), drills.toString());
            AdminClient.Reply unconfirmed = api.post("/api/drills/failover", "{}");
            assertEquals(400, unconfirmed.status(), unconfirmed.toString());
            assertEquals("confirm", unconfirmed.json().get("field").asText());
            assertEquals(400, api.post("/api/drills/failover", "{\"confirm\":\"yes\"}").status());
            assertEquals(403, new AdminClient(url).login("operator").post("/api/drills/failover", "{\"confirm\":\"failover\"}").status());
            assertTrue(primary.isAlive(), "nothing halted yet");

            AdminClient.Reply started = api.post("/api/drills/failover", "{\"confirm\":\"failover\"}");
            assertEquals(202, started.status(), started.toString());
            assertEquals("failover", started.json().get("drill").asText());
            assertTrue(started.json().get("controller").asText().startsWith("primary"), started.toString());
            assertNotNull(java.time.Instant.parse(started.json().get("haltAt").asText()));

            assertTrue(primary.waitFor(20, TimeUnit.SECONDS), "the primary halts");
            assertEquals(137, primary.exitValue(), "as kill -9");
            reader.join(5000);
            assertTrue(output.stream().anyMatch(l -> l.contains("WARNING") || l.contains("FAILOVER DRILL")), output.toString());
            assertTrue(output.stream().anyMatch(l -> l.contains("FAILOVER DRILL by admin")), output.toString());
            assertFalse(output.stream().anyMatch(l -> l.contains("controller: stopped")), "no shutdown hook ran");

            Controller alt = alternate;
            assertTrue(eventually(() -> gw.currentController() != null
                    && gw.currentController().getPort() == alt.address("tcp").getPort(), 20), "the gateway moved to the alternate");
            assertTrue(eventually(() -> {
                try {
                    return alt.inspect(core -> core.association().gateway("gw1").state() == GatewayState.IN_SERVICE
                            && core.calls().calls().size() == 1);
                } catch (Exception e) {
                    return false;
                }
            }, 20), "in service at the alternate with its call");
            assertTrue(gw.talkPathUp("A1") && gw.talkPathUp("A2"), "the talk path never dropped");
            assertTrue(Files.readString(audit).contains("\"action\":\"drill-failover\""), Files.readString(audit));
        } finally {
            primary.destroyForcibly();
            if (runtime != null) runtime.close();
            if (alternate != null) alternate.close();
        }
    }
}
