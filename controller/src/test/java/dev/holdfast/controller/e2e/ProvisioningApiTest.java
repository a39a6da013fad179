package dev.holdfast.controller.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.controller.Controller;
import dev.holdfast.controller.provisioning.Provisioning;
import dev.holdfast.controller.provisioning.ProvisioningChange;
import dev.holdfast.controller.provisioning.ProvisioningChanges;
import dev.holdfast.controller.provisioning.ProvisioningJournal;
import dev.holdfast.controller.provisioning.ProvisioningLoader;
import dev.holdfast.endpointsim.PhoneRuntime;
import dev.holdfast.endpointsim.phone.Call;
import dev.holdfast.endpointsim.phone.CallState;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;
import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import dev.holdfast.h248.transport.EndpointOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.holdfast.controller.e2e.E2eNetwork.eventually;
import static dev.holdfast.controller.e2e.E2eSteps.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Live provisioning through the admin API of a real controller, with real simulated gateways and JAIN-SIP phones on
 * 127.0.0.1: a station added registers and is called at once, a removed one is refused; a line added to a
 * registered gateway takes calls; bad input gets 400/404/409 naming the field; only admin changes anything; the
 * journal keeps the changes across a restart.
 */
class ProvisioningApiTest {
    @TempDir Path dir;

    private String admin() { return AdminClient.adminSection(dir.resolve("audit.log"), 1800, 50); }

    private static final String SIP = """
            sip: { port: 0 }
            subscribers:
              - { user: alice, password: wonderland, number: "5001" }
            """;

    @Test
    void aStationAddedRegistersAndIsCalledAndOnceRemovedIsRefused() throws Exception {
        try (E2eNetwork n = E2eNetwork.start(Transport.UDP, 1, 1, 30, Map.of(), admin() + SIP);
             PhoneRuntime phones = PhoneRuntime.loopback()) {
            AdminClient api = new AdminClient(n.controller.admin().url()).login("admin");
            List<ProvisioningChanges.Accepted> heard = new CopyOnWriteArrayList<>();
            n.controller.provisioningChanges().addListener(heard::add);

            AdminClient.Reply added = api.post("/api/provisioning/stations",
                    "{\"number\":\"5002\",\"user\":\"bob\",\"password\":\"builder\"}");
            assertEquals(201, added.status(), added.toString());
            assertEquals("{\"number\":\"5002\",\"user\":\"bob\"}", added.body());
            JsonNode prov = api.get("/api/provisioning").json();
            assertEquals("[{\"number\":\"5001\",\"user\":\"alice\"},{\"number\":\"5002\",\"user\":\"bob\"}]",
                    prov.get("stations").toString());
            assertFalse(api.get("/api/provisioning").body().contains("builder"), "never a secret");
            assertTrue(eventually(() -> heard.size() == 1, WAIT), "the listener hears of it");
            assertEquals(null, heard.get(0).origin());
            assertEquals("admin", heard.get(0).user());

            InetSocketAddress ctl = new InetSocketAddress("127.0.0.1", n.controller.sip().port());
            Phone bob = phones.phone(PhoneConfig.of("bob", "builder", List.of(ctl)).withAutoAnswer(Duration.ofMillis(50)));
            Phone alice = phones.phone(PhoneConfig.of("alice", "wonderland", List.of(ctl)));
            assertTrue(eventually(bob::registered, WAIT), "bob registers: " + bob.registrationError());
            assertTrue(eventually(alice::registered, WAIT), "alice registers: " + alice.registrationError());
            Call call = alice.call("5002");
            assertTrue(eventually(() -> call.state() == CallState.CONNECTED, WAIT), "bob answers: " + call.state());

            AdminClient.Reply busy = api.delete("/api/provisioning/stations/5002");
            assertEquals(409, busy.status(), busy.toString());
            assertEquals("number", busy.json().get("field").asText());
            alice.hangUp(call);
            assertTrue(eventually(() -> {
                try { return n.controller.inspect(core -> core.sip().calls().isEmpty()); } catch (Exception e) { return false; }
            }, WAIT), "the call ended");

            AdminClient.Reply removed = api.delete("/api/provisioning/stations/5002");
            assertEquals(204, removed.status(), removed.toString());
            assertEquals("", removed.body());
            boolean unregistered = n.controller.inspect(core -> core.sip().location().bindings("bob", System.currentTimeMillis()).isEmpty());
            assertTrue(unregistered, "un-registered");
            bob.register();
            assertTrue(eventually(() -> !bob.registered() && bob.registrationError().contains("403"), WAIT),
                    "its next REGISTER is refused: " + bob.registrationError());
            assertEquals(404, api.delete("/api/provisioning/stations/5002").status());

            List<JsonNode> audit = AdminAuthTest.audit(dir.resolve("audit.log"));
            assertTrue(audit.stream().anyMatch(e -> e.get("action").asText().equals("add-station")
                    && e.get("user").asText().equals("admin") && e.get("target").asText().equals("station 5002")
                    && e.get("result").asText().equals("ok")), audit.toString());
            assertTrue(audit.stream().anyMatch(e -> e.get("action").asText().equals("remove-station")
                    && e.get("result").asText().startsWith("refused 409")), audit.toString());
            assertFalse(Files.readString(dir.resolve("audit.log")).contains("builder"));
        }
    }

    @Test
    void aLineRemovedIsNoNumberAndALineAddedTakesCalls() throws Exception {
        try (E2eNetwork n = E2eNetwork.start(Transport.UDP, 1, 3, 30, Map.of(), admin())) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            AdminClient api = new AdminClient(n.controller.admin().url()).login("admin");
            assertEquals(204, api.delete("/api/provisioning/gateways/gw1/lines/A3").status());
            offHookAndDial(gw, "A1", "1003");
            assertTrue(eventually(() -> hears(gw, "A1", "cg/ct") || hears(gw, "A1", "cg/bt"), WAIT),
                    "1003 is no number any more: " + gw.signals("A1"));
            gw.onHook("A1");
            assertIdle(gw, "A1");

            AdminClient.Reply added = api.post("/api/provisioning/gateways/gw1/lines", "{\"termination\":\"A3\",\"number\":\"1009\"}");
            assertEquals(201, added.status(), added.toString());
            assertTrue(eventually(() -> gw.armedEvents("A3").contains("al/of"), WAIT), "armed at once: " + gw.armedEvents("A3"));
            offHookAndDial(gw, "A1", "1009");
            assertTrue(eventually(() -> hears(gw, "A3", "al/ri"), WAIT), "the new line rings");
            assertTrue(gw.answer("A3"));
            assertTrue(eventually(() -> gw.talkPathUp("A1") && gw.talkPathUp("A3"), WAIT), "talk path up");
            AdminClient.Reply busy = api.delete("/api/provisioning/gateways/gw1/lines/A3");
            assertEquals(409, busy.status(), busy.toString());
            assertEquals("termination", busy.json().get("field").asText());
            JsonNode lines = api.get("/api/provisioning").json().at("/gateways/0/lines");
            assertEquals("[{\"termination\":\"A1\",\"number\":\"1001\"},{\"termination\":\"A2\",\"number\":\"1002\"},"
                    + "{\"termination\":\"A3\",\"number\":\"1009\"}]", lines.toString());
        }
    }

    @Test
    void aGatewayAddedRegistersAndTakesCallsAndARemovedOneIsForcedOut() throws Exception {
        try (E2eNetwork n = E2eNetwork.start(Transport.UDP, 1, 1, 30, Map.of(), admin())) {
            registered(n);
            AdminClient api = new AdminClient(n.controller.admin().url()).login("admin");
            int port;
            try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            String mid = "[127.0.0.1]:" + port;
            AdminClient.Reply added = api.post("/api/provisioning/gateways", "{\"name\":\"gw2\",\"mid\":\"" + mid
                    + "\",\"lines\":[{\"termination\":\"A1\",\"number\":\"2001\"}]}");
            assertEquals(201, added.status(), added.toString());
            SimulatedGateway gw2 = n.runtime.start(dev.holdfast.gatewaysim.GatewayConfig.of(
                    dev.holdfast.h248.message.MId.ipv4("127.0.0.1", port), 1, List.of(n.controller.address("udp"))).withSeed(2),
                    Transport.UDP, new InetSocketAddress("127.0.0.1", port));
            n.gateways.add(gw2);
            gw2.recordCommands();
            registered(n);
            offHookAndDial(n.gw(1), "A1", "2001");
            assertTrue(eventually(() -> hears(gw2, "A1", "al/ri"), WAIT), "the new gateway's line rings");
            assertEquals(409, api.delete("/api/provisioning/gateways/gw2").status(), "it has a call");
            n.gw(1).onHook("A1");
            assertIdle(gw2, "A1");
            assertTrue(eventually(() -> { try { return activeCalls(n) == 0; } catch (Exception e) { return false; } }, WAIT));

            int before = mark(gw2);
            assertEquals(204, api.delete("/api/provisioning/gateways/gw2").status());
            // the gateway is told (ServiceChange Forced 905 on ROOT; the recorder keeps command and termination)
            assertTrue(eventually(() -> gw2.commands().subList(before, gw2.commands().size()).contains("ServiceChange ROOT @-"), WAIT),
                    "told ServiceChange on ROOT: " + gw2.commands());
            assertEquals(404, api.get("/api/gateways/gw2").status());
            assertEquals(1, api.get("/api/provisioning").json().get("gateways").size());
        }
    }

    @Test
    void badInputsAreRefusedNamingTheFieldAndOnlyAnAdminChangesAnything() throws Exception {
        try (E2eNetwork n = E2eNetwork.start(Transport.UDP, 1, 2, 30, Map.of(), admin() + SIP)) {
            String url = n.controller.admin().url();
            AdminClient api = new AdminClient(url).login("admin");
            assertError(api.post("/api/provisioning/stations", "{\"user\":\"bob\",\"password\":\"x\"}"), 400, "number");
            assertError(api.post("/api/provisioning/stations", "{\"number\":5002,\"user\":\"bob\",\"password\":\"x\"}"), 400, "number");
            assertError(api.post("/api/provisioning/stations", "{\"number\":\"50a2\",\"user\":\"bob\",\"password\":\"x\"}"), 400, "number");
            assertError(api.post("/api/provisioning/stations", "{\"number\":\"5002\",\"user\":\"b o b\",\"password\":\"x\"}"), 400, "user");
            assertError(api.post("/api/provisioning/stations", "{\"number\":\"5002\",\"user\":\"bob\"}"), 400, "password");
            assertError(api.post("/api/provisioning/stations", "{\"number\":\"1001\",\"user\":\"bob\",\"password\":\"x\"}"), 409, "number");
            assertError(api.post("/api/provisioning/stations", "{\"number\":\"5002\",\"user\":\"alice\",\"password\":\"x\"}"), 409, "user");
            assertError(api.delete("/api/provisioning/stations/5999"), 404, "number");
            assertError(api.post("/api/provisioning/gateways", "{\"name\":\"gw2\",\"mid\":\"nonsense here\"}"), 400, "mid");
            assertError(api.post("/api/provisioning/gateways", "{\"name\":\"gw2\",\"mid\":\"[127.0.0.1]:2999\",\"lines\":"
                    + "[{\"termination\":\"A1\"}]}"), 400, "lines[0].number");
            assertError(api.post("/api/provisioning/gateways", "{\"name\":\"gw1\",\"mid\":\"[127.0.0.1]:2999\"}"), 409, "name");
            assertError(api.post("/api/provisioning/gateways/gw9/lines", "{\"termination\":\"A1\",\"number\":\"9001\"}"), 404, "gateway");
            assertError(api.post("/api/provisioning/gateways/gw1/lines", "{\"termination\":\"A1\",\"number\":\"9001\"}"), 409, "termination");
            assertError(api.delete("/api/provisioning/gateways/gw1/lines/A7"), 404, "termination");
            assertError(api.delete("/api/provisioning/gateways/gw9"), 404, "name");
            assertEquals(400, api.post("/api/provisioning/stations", "not json").status());

            for (String role : List.of("viewer", "operator")) {
                AdminClient other = new AdminClient(url).login(role);
                assertEquals(200, other.get("/api/provisioning").status(), role + " reads");
                assertEquals(403, other.post("/api/provisioning/stations",
                        "{\"number\":\"5002\",\"user\":\"bob\",\"password\":\"builder\"}").status(), role);
                assertEquals(403, other.delete("/api/provisioning/stations/5001").status(), role);
                assertEquals(403, other.post("/api/provisioning/gateways", "{\"name\":\"gw2\",\"mid\":\"[127.0.0.1]:2999\"}").status(), role);
                assertEquals(403, other.delete("/api/provisioning/gateways/gw1").status(), role);
                assertEquals(403, other.post("/api/provisioning/gateways/gw1/lines", "{\"termination\":\"A3\",\"number\":\"1003\"}").status(), role);
                assertEquals(403, other.delete("/api/provisioning/gateways/gw1/lines/A1").status(), role);
                assertEquals(403, other.post("/api/drills/failover", "{\"confirm\":\"failover\"}").status(), role);
            }
            assertEquals(401, new AdminClient(url).get("/api/provisioning").status());
            JsonNode now = api.get("/api/provisioning").json();
            assertEquals(1, now.get("stations").size(), now.toString());
            assertEquals(2, now.at("/gateways/0/lines").size(), now.toString());

            // drills are off unless provisioned
            JsonNode drills = api.get("/api/drills").json();
            assertFalse(drills.get("enabled").asBoolean(), drills.toString());
            assertTrue(drills.get("running").isNull());
            AdminClient.Reply off = api.post("/api/drills/failover", "{\"confirm\":\"failover\"}");
            assertEquals(403, off.status(), off.toString());
            assertTrue(off.json().get("error").asText().contains("admin.drills"), off.toString());
        }
    }

    private static void assertError(AdminClient.Reply r, int status, String field) throws Exception {
        assertEquals(status, r.status(), r.toString());
        assertEquals(field, r.json().get("field").asText(), r.toString());
        assertFalse(r.json().get("error").asText().isEmpty(), r.toString());
    }

    @Test
    void theJournalKeepsChangesAcrossARestart() throws Exception {
        Path file = dir.resolve("controller.yaml");
        Files.writeString(file, "controller: { address: 127.0.0.1, port: 0, transports: [udp] }\n" + admin() + SIP + """
                gateways:
                  - { name: gw1, mid: "[127.0.0.1]:2999", lines: [ { termination: A1, number: "1001" } ] }
                """);
        ProvisioningJournal journal = ProvisioningJournal.of(file);
        assertEquals(dir.resolve("controller.yaml.changes.jsonl"), journal.file());
        Provisioning p = journal.replay(ProvisioningLoader.load(file));
        Controller c = Controller.start(p, null, null, 1, EndpointOptions.DEFAULTS, journal);
        try {
            AdminClient api = new AdminClient(c.admin().url()).login("admin");
            assertEquals(201, api.post("/api/provisioning/stations", "{\"number\":\"5002\",\"user\":\"bob\",\"password\":\"builder\"}").status());
            assertEquals(201, api.post("/api/provisioning/gateways/gw1/lines", "{\"termination\":\"A2\",\"number\":\"1002\"}").status());
            assertEquals(204, api.delete("/api/provisioning/stations/5001").status());
            assertEquals(409, api.post("/api/provisioning/stations", "{\"number\":\"1002\",\"user\":\"carol\",\"password\":\"x\"}").status());
            // on disk before the answer: three lines, refusals not among them, no password
            List<String> lines = Files.readAllLines(journal.file());
            assertEquals(3, lines.size(), lines.toString());
            assertFalse(String.join("\n", lines).contains("builder"));
            assertTrue(lines.get(0).contains("\"user\":\"admin\""), lines.get(0));
        } finally {
            c.close();
        }
        ProvisioningJournal again = ProvisioningJournal.of(file);
        Provisioning restarted = again.replay(ProvisioningLoader.load(file));
        Controller c2 = Controller.start(restarted, null, null, 2, EndpointOptions.DEFAULTS, again);
        try {
            AdminClient api = new AdminClient(c2.admin().url()).login("viewer");
            JsonNode prov = api.get("/api/provisioning").json();
            assertEquals("[{\"number\":\"5002\",\"user\":\"bob\"}]", prov.get("stations").toString());
            assertEquals(2, prov.at("/gateways/0/lines").size(), prov.toString());
            boolean bob = c2.inspect(core -> core.sip().directory().byUser("bob") != null);
            boolean alice = c2.inspect(core -> core.sip().directory().byUser("alice") == null);
            assertTrue(bob && alice);
            // a change that arrived from another controller is applied and journalled with its origin
            var o = c2.provisioningChanges().applyRemote(new ProvisioningChange.RemoveLine("gw1", "A2"), "admin", "alternate").get();
            assertEquals(204, o.status(), o.toString());
            assertTrue(Files.readAllLines(again.file()).get(3).contains("\"origin\":\"alternate\""));
            assertTrue(eventually(() -> {
                try {
                    return AdminAuthTest.audit(dir.resolve("audit.log")).stream().anyMatch(e -> e.get("action").asText().equals("remove-line")
                            && e.get("result").asText().equals("applied from alternate") && e.get("user").asText().equals("admin"));
                } catch (Exception e) {
                    return false;
                }
            }, WAIT), "audited with its origin");
        } finally {
            c2.close();
        }
    }
}
