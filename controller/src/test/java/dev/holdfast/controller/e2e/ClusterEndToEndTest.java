package dev.holdfast.controller.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import dev.holdfast.controller.cdr.CallRecord;
import dev.holdfast.controller.cdr.CdrQuery;
import dev.holdfast.controller.cluster.ClusterClient;
import dev.holdfast.controller.cluster.HazelcastMember;
import dev.holdfast.endpointsim.PhoneRuntime;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;
import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static dev.holdfast.controller.e2e.E2eNetwork.eventually;
import static dev.holdfast.controller.e2e.E2eSteps.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real controller as a client of a Hazelcast member started in this JVM, with real simulated gateways and phones:
 * CDRs, registrations, gateway ownership, membership and the directory land in the cluster; the member dies while
 * calls go on, and they keep completing as fast as before while their CDRs queue; a member on the same port again
 * gets every queued CDR exactly once. And a controller whose cluster is not there at start starts and serves calls.
 */
class ClusterEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;
    private final List<HazelcastInstance> members = new ArrayList<>();
    private final String clusterName = "holdfast-test-" + Long.toHexString(System.nanoTime());

    @AfterEach void stopMembers() {
        for (HazelcastInstance m : members) {
            if (m.getLifecycleService().isRunning()) m.getLifecycleService().terminate();
        }
    }

    private HazelcastInstance member(int port) {
        HazelcastInstance m = HazelcastMember.start(port, clusterName);
        members.add(m);
        return m;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private String config(int port) {
        return AdminClient.adminSection(dir.resolve("audit.log"), 1800, 5) + """
                sip: { port: 0 }
                subscribers:
                  - { user: alice, password: wonderland, number: "5001" }
                cluster:
                  name: ctl-a
                  clusterName: %s
                  members: ["127.0.0.1:%d"]
                  connectTimeoutMs: 500
                  operationTimeoutMs: 1000
                  heartbeatMs: 300
                """.formatted(clusterName, port);
    }

    /** A call from gw1 A1 to gw2 A1, answered and hung up; returns the ms from the last digit to ringing. */
    private static long call(E2eNetwork n) throws Exception {
        SimulatedGateway east = n.gw(1);
        SimulatedGateway west = n.gw(2);
        east.offHook("A1");
        assertTrue(eventually(() -> hears(east, "A1", "cg/dt"), WAIT), "dial tone");
        long dialled = System.nanoTime();
        east.dial("A1", "2001");
        assertTrue(eventually(() -> hears(west, "A1", "al/ri"), WAIT), "west A1 rings");
        long setupMs = (System.nanoTime() - dialled) / 1_000_000;
        assertTrue(west.answer("A1"));
        assertTrue(eventually(() -> east.talkPathUp("A1") && west.talkPathUp("A1"), WAIT), "talk path up");
        east.onHook("A1");
        assertTrue(eventually(() -> hears(west, "A1", "cg/bt"), WAIT), "west hears busy");
        west.onHook("A1");
        assertIdle(east, "A1");
        assertIdle(west, "A1");
        return setupMs;
    }

    private static Map<String, JsonNode> map(HazelcastInstance m, String name) throws Exception {
        Map<String, JsonNode> out = new java.util.TreeMap<>();
        for (var e : m.<String, HazelcastJsonValue>getMap(name).entrySet()) out.put(e.getKey(), JSON.readTree(e.getValue().getValue()));
        return out;
    }

    private static Map<String, JsonNode> quietly(HazelcastInstance m, String name) {
        try {
            return map(m, name);
        } catch (Exception e) {
            return Map.of();
        }
    }

    private static List<CallRecord> local(E2eNetwork n) {
        return n.controller.cdrs().find(new CdrQuery(null, null, null, CdrQuery.MAX_LIMIT)).cdrs();
    }

    @Test
    void clusterStateAndCdrsOutlastAMemberOutage() throws Exception {
        int port = freePort();
        HazelcastInstance first = member(port);
        Path events = dir.resolve("ctl-a.events");
        try (E2eNetwork n = E2eNetwork.start(Transport.UDP, 2, 1, 30, Map.of(), config(port), events, null);
             PhoneRuntime phones = PhoneRuntime.loopback()) {
            registered(n);
            ClusterClient cluster = n.controller.cluster();
            assertNotNull(cluster);
            assertTrue(eventually(cluster::connected, WAIT), "the controller reaches the cluster");

            // gateway ownership: each gateway's mId -> this controller
            assertTrue(eventually(() -> quietly(first, ClusterClient.GATEWAYS).size() == 2, WAIT),
                    "gateways: " + quietly(first, ClusterClient.GATEWAYS));
            for (JsonNode g : map(first, ClusterClient.GATEWAYS).values()) assertEquals("ctl-a", g.get("controller").asText(), g.toString());
            assertEquals(Set.of("gw1", "gw2"), new TreeSet<>(map(first, ClusterClient.GATEWAYS).values().stream()
                    .map(g -> g.get("gateway").asText()).toList()));

            // the directory, seeded from the file: HA1, never the password
            JsonNode alice = map(first, ClusterClient.SUBSCRIBERS).get("5001");
            assertNotNull(alice, "the directory is seeded");
            assertEquals("alice", alice.get("user").asText());
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest("alice:holdfast:wonderland".getBytes(StandardCharsets.UTF_8))), alice.get("ha1").asText());
            assertFalse(alice.toString().contains("wonderland"));

            // a registration: AOR -> contacts, expiry, controller
            Phone phone = phones.phone(PhoneConfig.of("alice", "wonderland",
                    List.of(new InetSocketAddress("127.0.0.1", n.controller.sip().port()))));
            assertTrue(eventually(phone::registered, WAIT), "alice registers: " + phone.registrationError());
            assertTrue(eventually(() -> quietly(first, ClusterClient.REGISTRATIONS).size() == 1, WAIT), "registration in the cluster");
            JsonNode reg = map(first, ClusterClient.REGISTRATIONS).values().iterator().next();
            assertEquals("alice", reg.get("user").asText());
            assertEquals("5001", reg.get("number").asText());
            assertEquals("ctl-a", reg.get("controller").asText());
            assertTrue(reg.get("aor").asText().startsWith("sip:alice@"), reg.toString());
            assertEquals(1, reg.get("contacts").size());
            assertFalse(reg.at("/contacts/0/expires").asText().isEmpty());

            // membership and health, also through the API
            AdminClient api = new AdminClient(n.controller.admin().url()).login("viewer");
            assertTrue(eventually(() -> !cluster.controllers().isEmpty(), WAIT));
            JsonNode view = api.get("/api/cluster").json();
            assertTrue(view.get("configured").asBoolean());
            assertTrue(view.get("connected").asBoolean(), view.toString());
            assertEquals("[\"127.0.0.1:" + port + "\"]", view.get("members").toString());
            JsonNode me = view.at("/controllers/0");
            assertEquals("ctl-a", me.get("name").asText());
            assertEquals("primary", me.get("role").asText());
            assertEquals(n.controller.admin().url(), me.get("adminUrl").asText());
            assertTrue(me.get("healthy").asBoolean(), view.toString());
            assertEquals(0, view.get("cdrQueue").asInt());

            // a CDR, written at once
            long normalSetup = call(n);
            assertTrue(eventually(() -> quietly(first, ClusterClient.CDRS).size() == 1, WAIT), "the CDR is in the cluster");
            CallRecord firstCdr = local(n).get(0);
            JsonNode inCluster = map(first, ClusterClient.CDRS).get(firstCdr.id());
            assertNotNull(inCluster, "keyed by the CDR's id");
            assertEquals(JSON.readTree(JSON.writeValueAsString(firstCdr)), inCluster);

            // the member dies; calls go on
            first.getLifecycleService().terminate();
            assertTrue(eventually(() -> !cluster.connected(), WAIT), "the controller notices");
            List<Long> outageSetups = new ArrayList<>();
            for (int i = 0; i < 5; i++) outageSetups.add(call(n));
            assertTrue(eventually(() -> local(n).size() == 6, WAIT), "every call has its CDR here");
            assertTrue(eventually(() -> cluster.queueDepth() == 5, WAIT), "queued: " + cluster.counters());
            assertTrue(cluster.cdrsQueued() >= 5);
            System.out.println("cluster outage: set-up " + normalSetup + " ms with the cluster, " + outageSetups
                    + " ms without it (dial to ringing, wall clock)");
            for (long ms : outageSetups) {
                // set-up does not wait on the cluster (2 s of slack for a loaded 2-core machine)
                assertTrue(ms < normalSetup + 2000, "set-up " + ms + " ms with the cluster away, " + normalSetup + " before");
            }
            assertTrue(Files.size(events.resolveSibling("ctl-a.events.cdr-spool")) > 0, "spooled next to the event log");
            JsonNode away = api.get("/api/cluster").json();
            assertFalse(away.get("connected").asBoolean());
            assertEquals(5, away.get("cdrQueue").asInt());
            assertEquals(5, api.get("/api/counters").json().at("/cluster/cdr.queue").asInt());
            assertTrue(api.get("/metrics").body().contains("holdfast_cluster_connected 0.0"));

            // a member on the same port: the queue drains, each CDR once, the rest is written again
            HazelcastInstance second = member(port);
            assertTrue(eventually(() -> cluster.connected() && cluster.queueDepth() == 0, 30), "caught up: " + cluster.counters());
            Map<String, JsonNode> cdrs = map(second, ClusterClient.CDRS);
            Set<String> expected = new TreeSet<>();
            Set<String> all = new TreeSet<>();
            for (CallRecord r : local(n)) {
                all.add(r.id());
                if (!r.id().equals(firstCdr.id())) expected.add(r.id());
            }
            // (the first CDR is there too only if its write had timed out on a loaded machine and was queued again)
            assertTrue(cdrs.keySet().containsAll(expected) && all.containsAll(cdrs.keySet()),
                    "every queued CDR, keyed by its id (so at most once): " + cdrs.keySet() + " of " + all);
            Set<String> calls = new TreeSet<>();
            for (JsonNode c : cdrs.values()) {
                assertEquals("normal", c.get("release").asText());
                assertTrue(calls.add(c.get("call").asText()), "one CDR per call: " + cdrs);
            }
            // searchable there: JSON attributes in predicates (the console and tools query the cluster this way)
            assertEquals(5, second.<String, HazelcastJsonValue>getMap(ClusterClient.CDRS).values(
                    com.hazelcast.query.Predicates.and(com.hazelcast.query.Predicates.equal("callee", "2001"),
                            com.hazelcast.query.Predicates.greaterThan("endMillis", firstCdr.end()))).size());
            assertEquals(0, cluster.cdrsDropped());
            assertTrue(cluster.cdrsWritten() >= 6, cluster.counters().toString());
            assertFalse(Files.exists(events.resolveSibling("ctl-a.events.cdr-spool")), "the spool is emptied");
            assertTrue(eventually(() -> quietly(second, ClusterClient.GATEWAYS).size() == 2
                    && quietly(second, ClusterClient.REGISTRATIONS).size() == 1
                    && quietly(second, ClusterClient.SUBSCRIBERS).size() == 1
                    && quietly(second, ClusterClient.CONTROLLERS).size() == 1, WAIT), "state written to the new member");
            assertTrue(api.get("/metrics").body().contains("holdfast_cluster_connected 1.0"));
        }
    }

    @Test
    void aControllerStartsAndServesCallsWithoutItsCluster() throws Exception {
        int port = freePort(); // nobody there
        long t0 = System.nanoTime();
        try (E2eNetwork n = E2eNetwork.start(Transport.UDP, 2, 1, 30, Map.of(), config(port), dir.resolve("b.events"), null)) {
            assertTrue((System.nanoTime() - t0) / 1_000_000 < 10_000, "the start does not wait for the cluster");
            registered(n);
            call(n);
            ClusterClient cluster = n.controller.cluster();
            assertFalse(cluster.connected());
            assertTrue(eventually(() -> cluster.queueDepth() == 1, WAIT), cluster.counters().toString());
            AdminClient api = new AdminClient(n.controller.admin().url()).login("viewer");
            JsonNode view = api.get("/api/cluster").json();
            assertTrue(view.get("configured").asBoolean());
            assertFalse(view.get("connected").asBoolean());
            assertEquals(1, view.get("cdrQueue").asInt());
            assertEquals(1, api.get("/api/cdrs").json().get("total").asInt(), "the API serves CDRs from the controller");

            // the cluster comes: the CDR made without it is written
            HazelcastInstance m = member(port);
            assertTrue(eventually(() -> quietly(m, ClusterClient.CDRS).size() == 1, 30), cluster.counters().toString());
            assertEquals(local(n).get(0).id(), map(m, ClusterClient.CDRS).keySet().iterator().next());
        }
    }
}
