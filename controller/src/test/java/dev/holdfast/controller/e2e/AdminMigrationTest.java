package dev.holdfast.controller.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.controller.Controller;
import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.holdfast.controller.e2e.E2eNetwork.eventually;
import static dev.holdfast.controller.e2e.E2eSteps.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The alternate controller's admin API while it takes over a call from a dead primary: the stream shows the call
 * arriving as migrated, the call is listed as migrated with the structure it had, the metrics count the failovers and
 * the migrated call (not as a call set up here).
 */
class AdminMigrationTest {
    @TempDir Path dir;

    @Test
    void theAlternateShowsAMigratedCall() throws Exception {
        String alternate = "controller: { address: 127.0.0.1, port: 0, transports: [udp, tcp], role: alternate }\n"
                + MigrationEndToEndTest.COOKIES + AdminClient.adminSection(dir.resolve("audit.log"), 1800, 5);
        try (E2eNetwork n = E2eNetwork.startWithAlternate(Transport.TCP, 2, 1, 30, Map.of(), MigrationEndToEndTest.COOKIES,
                alternate, Map.of())) {
            registered(n);
            Controller alt = n.alternate;
            AdminClient api = new AdminClient(alt.admin().url()).login("viewer");
            assertEquals("alternate", api.get("/api/status").json().get("role").asText());
            AdminEventsAndMetricsTest.EventClient stream = new AdminEventsAndMetricsTest.EventClient(api, "/api/events", true);
            assertEquals(200, stream.response.statusCode());

            SimulatedGateway gw1 = n.gw(1);
            SimulatedGateway gw2 = n.gw(2);
            HoldEndToEndTest.connect(gw1, "A1", "2001", gw2, "A1");
            assertTrue(eventually(() -> MigrationEndToEndTest.settled(n.controller), WAIT), "the primary settled");
            JsonNode before = n.controller.inspect(core -> AdminClient.JSON.valueToTree(
                    core.calls().calls().iterator().next().structure()));
            long key = n.controller.inspect(core -> core.calls().calls().iterator().next().key());

            n.controller.close(); // the primary dies
            List<AdminEventsAndMetricsTest.EventClient.Sse> seen = new ArrayList<>();
            JsonNode arrived = stream.next("call-started", seen).data();
            assertTrue(arrived.get("migrated").asBoolean(), arrived.toString());
            assertTrue(arrived.at("/call/migrated").asBoolean(), arrived.toString());
            assertTrue(eventually(() -> MigrationEndToEndTest.inService(alt, "gw1") && MigrationEndToEndTest.inService(alt, "gw2"),
                    WAIT), "both gateways with the alternate");

            JsonNode calls = api.get("/api/calls").json().get("calls");
            assertEquals(1, calls.size(), calls.toString());
            JsonNode call = calls.get(0);
            assertTrue(call.get("migrated").asBoolean(), call.toString());
            assertEquals(before.get("parties"), call.get("parties"));
            assertEquals(before.get("legs").size(), call.get("legs").size());
            assertEquals(before.get("igcs").size(), call.get("igcs").size());

            Map<String, Double> m = AdminEventsAndMetricsTest.parse(api.get("/metrics").body());
            assertEquals(1.0, m.get("holdfast_calls_migrated_total"), m.toString());
            assertEquals(0.0, m.get("holdfast_calls_started_total"), "not set up here");
            assertEquals(1.0, m.get("holdfast_calls_migrated_active"));
            assertEquals(2.0, m.get("holdfast_failovers_total"), "both gateways came with ServiceChange Failover");
            assertEquals(0.0, m.get("holdfast_cookies_rejected_total"));
            assertEquals(0.0, m.get("holdfast_call_setup_seconds_count"), "no set-up time for a call set up elsewhere");
            assertTrue(api.get("/api/counters").json().at("/migration/merge.calls_rebuilt").asLong() == 1);

            gw1.onHook("A1");
            JsonNode released = stream.next("call-released", seen).data();
            assertEquals(arrived.get("callId"), released.get("callId"));
            // its call detail record: made by the alternate, marked migrated, with the call's key from before
            JsonNode cdr = stream.next("cdr", seen).data().get("cdr");
            assertTrue(cdr.get("migrated").asBoolean(), cdr.toString());
            assertEquals(Long.toHexString(key), cdr.get("call").asText());
            assertEquals("normal", cdr.get("release").asText());
            assertEquals("1001", cdr.get("caller").asText());
            assertEquals("2001", cdr.get("callee").asText());
            assertTrue(cdr.get("answer").isTextual(), "answered before the failover: " + cdr);
        }
    }
}
