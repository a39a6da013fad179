package dev.holdfast.controller.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.holdfast.endpointsim.PhoneRuntime;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.holdfast.controller.e2e.E2eNetwork.eventually;
import static dev.holdfast.controller.e2e.E2eSteps.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin API of a real controller with real simulated gateways, read over real HTTP on 127.0.0.1. */
class AdminApiEndToEndTest {
    @TempDir Path dir;

    private String admin() { return AdminClient.adminSection(dir.resolve("audit.log"), 1800, 5); }

    @Test
    void statusAndCallsShowARealCall() throws Exception {
        try (E2eNetwork n = E2eNetwork.start(Transport.UDP, 2, 1, 30, Map.of(), admin())) {
            registered(n);
            AdminClient api = new AdminClient(n.controller.admin().url()).login("viewer");
            JsonNode status = api.get("/api/status").json();
            assertEquals("primary", status.get("role").asText());
            assertEquals(2, status.at("/counts/gatewaysInService").asInt(), status.toString());
            assertEquals(0, status.at("/counts/activeCalls").asInt());
            assertTrue(status.get("uptimeSeconds").asDouble() >= 0);

            SimulatedGateway east = n.gw(1);
            SimulatedGateway west = n.gw(2);
            offHookAndDial(east, "A1", "2001");
            assertTrue(eventually(() -> hears(west, "A1", "al/ri"), WAIT), "west A1 rings");
            assertTrue(west.answer("A1"));
            assertTrue(eventually(() -> { try { return callState(api).equals("CONNECTED"); } catch (Exception e) { return false; } }, WAIT));

            JsonNode calls = api.get("/api/calls").json();
            assertEquals(1, calls.get("calls").size(), calls.toString());
            JsonNode call = calls.get("calls").get(0);
            assertEquals(false, call.get("migrated").asBoolean(true));
            assertEquals("[\"1001\",\"2001\"]", call.get("parties").toString());
            assertEquals(2, call.get("legs").size());
            assertEquals(1, call.get("igcs").size());
            JsonNode igc = call.at("/igcs/0");
            assertEquals("gw1", igc.at("/a/gateway").asText());
            assertEquals("gw2", igc.at("/a/farGateway").asText());
            // the far-end context id is the other side's context, written as H.248 writes it
            assertEquals(igc.at("/b/context").asText(), igc.at("/a/farContext").asText());
            assertTrue(igc.at("/a/context").asText().matches("\\d+"), igc.toString());

            long id = call.get("callId").asLong();
            AdminClient.Reply one = api.get("/api/calls/" + id);
            assertEquals(200, one.status());
            assertEquals(call, one.json());
            assertEquals(1, api.get("/api/status").json().at("/counts/activeCalls").asInt());

            east.onHook("A1");
            assertTrue(eventually(() -> { try { return api.get("/api/calls/" + id).status() == 404; } catch (Exception e) { return false; } }, WAIT));
            assertEquals(0, api.get("/api/calls").json().get("calls").size());
        }
    }

    @Test
    void anOperatorReleasesACallAViewerMayNot() throws Exception {
        try (E2eNetwork n = E2eNetwork.start(Transport.UDP, 1, 2, 30, Map.of(), admin())) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            offHookAndDial(gw, "A1", "1002");
            assertTrue(eventually(() -> hears(gw, "A2", "al/ri"), WAIT), "A2 rings");
            assertTrue(gw.answer("A2"));
            assertTrue(eventually(() -> gw.talkPathUp("A1") && gw.talkPathUp("A2"), WAIT), "talk path up");
            String url = n.controller.admin().url();
            AdminClient viewer = new AdminClient(url).login("viewer");
            long id = viewer.get("/api/calls").json().at("/calls/0/callId").asLong();

            AdminClient.Reply refused = viewer.delete("/api/calls/" + id);
            assertEquals(403, refused.status(), refused.toString());
            assertEquals(200, viewer.get("/api/calls/" + id).status(), "still there");

            AdminClient operator = new AdminClient(url).login("operator");
            AdminClient.Reply released = operator.delete("/api/calls/" + id);
            assertEquals(202, released.status(), released.toString());
            assertEquals(id, released.json().get("callId").asLong());
            // the operator's release: both lines leave the context and, still off-hook, hear reorder
            assertTrue(eventually(() -> gw.contextOf("A1") == null && gw.contextOf("A2") == null
                    && hears(gw, "A1", "cg/ct") && hears(gw, "A2", "cg/ct"), WAIT), gw.signals("A1") + " " + gw.signals("A2"));
            assertEquals(404, viewer.get("/api/calls/" + id).status());
            assertEquals(404, operator.delete("/api/calls/" + id).status());

            List<JsonNode> audit = AdminAuthTest.audit(dir.resolve("audit.log"));
            JsonNode release = audit.stream().filter(e -> e.get("action").asText().equals("release-call")).findFirst().orElseThrow();
            assertEquals("operator", release.get("user").asText());
            assertEquals("operator", release.get("role").asText());
            assertEquals(String.valueOf(id), release.get("target").asText());
            assertEquals("submitted", release.get("result").asText());
            assertEquals("127.0.0.1", release.get("source").asText());
            assertTrue(audit.stream().anyMatch(e -> e.get("action").asText().equals("release-call")
                    && e.get("result").asText().equals("not-found")), audit.toString());
        }
    }

    @Test
    void unknownPathsMethodsAndIds() throws Exception {
        try (E2eNetwork n = E2eNetwork.start(Transport.UDP, 1, 1, 30, Map.of(), admin())) {
            AdminClient api = new AdminClient(n.controller.admin().url()).login("viewer");
            AdminClient.Reply r = api.get("/api/nothing");
            assertEquals(404, r.status());
            assertFalse(r.json().get("error").asText().isEmpty());
            r = api.get("/api/calls/77");
            assertEquals(404, r.status(), r.toString());
            r = api.get("/api/calls/seven");
            assertEquals(400, r.status(), r.toString());
            assertEquals("id", r.json().get("field").asText());
            r = api.send("PUT", "/api/status", "{}");
            assertEquals(405, r.status(), r.toString());
            assertEquals("GET", r.raw().headers().firstValue("Allow").orElse(""));
        }
    }

    @Test
    void gatewaysPhonesAndCounters() throws Exception {
        String sip = admin() + """
                sip: { port: 0 }
                subscribers:
                  - { user: alice, password: wonderland, number: "5001" }
                  - { user: bob, password: builder, number: "5002" }
                """;
        try (E2eNetwork n = E2eNetwork.start(Transport.UDP, 2, 2, 30, Map.of(), sip);
             PhoneRuntime phones = PhoneRuntime.loopback()) {
            registered(n);
            AdminClient api = new AdminClient(n.controller.admin().url()).login("viewer");
            JsonNode gws = api.get("/api/gateways").json().get("gateways");
            assertEquals(2, gws.size(), gws.toString());
            JsonNode gw1 = gws.get(0);
            assertEquals("gw1", gw1.get("name").asText());
            assertEquals("IN_SERVICE", gw1.get("state").asText());
            assertEquals("udp", gw1.get("transport").asText());
            assertTrue(gw1.get("peer").asText().startsWith("udp:127.0.0.1:"), gw1.toString());
            assertEquals(2, gw1.get("lines").size());
            assertEquals("A1", gw1.at("/lines/0/termination").asText());
            assertEquals("1001", gw1.at("/lines/0/number").asText());
            assertEquals("IDLE", gw1.at("/lines/0/state").asText());
            assertEquals(gw1, api.get("/api/gateways/gw1").json());
            assertEquals(404, api.get("/api/gateways/gw9").status());

            JsonNode before = api.get("/api/phones").json().get("phones");
            assertEquals(2, before.size());
            assertFalse(before.get(0).get("registered").asBoolean());
            InetSocketAddress ctl = new InetSocketAddress("127.0.0.1", n.controller.sip().port());
            Phone alice = phones.phone(PhoneConfig.of("alice", "wonderland", List.of(ctl)));
            assertTrue(eventually(alice::registered, WAIT), "alice registers: " + alice.registrationError());
            JsonNode after = api.get("/api/phones").json().get("phones");
            JsonNode a = after.get(0);
            assertEquals("alice", a.get("user").asText());
            assertEquals("5001", a.get("number").asText());
            assertTrue(a.get("registered").asBoolean(), a.toString());
            assertEquals(1, a.get("contacts").size());
            assertTrue(a.at("/contacts/0/expiresInSeconds").asLong() > 3000, a.toString());
            assertTrue(a.at("/contacts/0/source").asText().startsWith("udp:127.0.0.1:"), a.toString());
            assertFalse(after.get(1).get("registered").asBoolean());
            assertEquals(1, api.get("/api/status").json().at("/counts/registeredPhones").asInt());

            JsonNode counters = api.get("/api/counters").json();
            assertTrue(counters.at("/core/eventsHandled").asLong() > 0, counters.toString());
            assertTrue(counters.at("/sipCore/register.ok").asLong() >= 1, counters.toString());
            assertTrue(counters.at("/sipEdge/requests-in").asLong() >= 1, counters.toString());
            assertTrue(counters.at("/h248/udp/messagesReceived").asLong() >= 2, counters.toString());
            assertTrue(counters.at("/h248/udp").has("decodeErrors"), counters.toString());
            assertTrue(counters.at("/admin/http.requests").asLong() >= 5, counters.toString());
        }
    }

    private static String callState(AdminClient api) throws Exception {
        JsonNode calls = api.get("/api/calls").json().get("calls");
        return calls.size() == 1 ? calls.get(0).get("state").asText() : "";
    }
}
