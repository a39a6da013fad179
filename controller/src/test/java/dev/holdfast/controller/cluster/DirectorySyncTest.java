package dev.holdfast.controller.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import dev.holdfast.controller.Controller;
import dev.holdfast.controller.provisioning.ProvisioningChange;
import dev.holdfast.controller.provisioning.ProvisioningLoader;
import dev.holdfast.controller.provisioning.SubscriberConfig;
import dev.holdfast.h248.transport.EndpointOptions;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two controllers, clients of one member: a station added on one through live provisioning is published to the
 * cluster's directory (HA1, no password) and applied on the other as a remote change, also on one that connects
 * after it was published; a removal, and an addition, on the other come back the same way.
 */
class DirectorySyncTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Controller controller(String name, String clusterName, int port) throws Exception {
        return Controller.start(ProvisioningLoader.parse("""
                controller: { address: 127.0.0.1, port: 0, transports: [udp] }
                sip: { port: 0 }
                subscribers:
                  - { user: alice, password: wonderland, number: "5001" }
                cluster: { name: %s, clusterName: %s, members: ["127.0.0.1:%d"], heartbeatMs: 300, operationTimeoutMs: 1000 }
                """.formatted(name, clusterName, port), ProvisioningLoader.Format.YAML, name + ".yaml"),
                null, null, 1, EndpointOptions.DEFAULTS);
    }

    private static boolean station(Controller c, String number) {
        try {
            for (SubscriberConfig s : c.provisioningChanges().current().get().subscribers()) {
                if (s.number().equals(number)) return true;
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean eventually(BooleanSupplier c) throws InterruptedException {
        long end = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < end) {
            if (c.getAsBoolean()) return true;
            Thread.sleep(50);
        }
        return c.getAsBoolean();
    }

    @Test
    void stationsChangedOnOneControllerReachTheOther() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String clusterName = "dirsync-" + Long.toHexString(System.nanoTime());
        HazelcastInstance member = HazelcastMember.start(port, clusterName);
        try (Controller a = controller("ctl-a", clusterName, port)) {
            assertTrue(eventually(() -> a.cluster().connected()), "ctl-a reaches the cluster");
            var outcome = a.provisioningChanges().submit(ProvisioningChange.station("7001", "carol", "secret7", "holdfast"), "admin")
                    .get();
            assertTrue(outcome.accepted(), outcome.toString());
            assertTrue(eventually(() -> member.getMap(ClusterClient.SUBSCRIBERS).containsKey("7001")), "published");
            try (Controller b = controller("ctl-b", clusterName, port)) {
                // ctl-b comes later: it finds the station in the directory when it connects
                assertTrue(eventually(() -> station(b, "7001")), "the station reaches ctl-b");
                JsonNode entry = JSON.readTree(member.<String, HazelcastJsonValue>getMap(ClusterClient.SUBSCRIBERS).get("7001").getValue());
                assertEquals("ctl-a", entry.get("origin").asText());
                assertEquals("carol", entry.get("user").asText());
                assertEquals(CoreClusterState.md5("carol:holdfast:secret7"), entry.get("ha1").asText());
                assertTrue(!entry.toString().contains("secret7"));

                assertTrue(b.provisioningChanges().submit(new ProvisioningChange.RemoveStation("7001"), "admin").get().accepted());
                assertTrue(eventually(() -> !station(a, "7001")), "the removal reaches ctl-a");
                assertTrue(station(a, "5001") && station(b, "5001"), "the file's stations stay");
                // and a station added on ctl-b now reaches ctl-a through its listener
                assertTrue(b.provisioningChanges().submit(ProvisioningChange.station("7002", "dave", "secret8", "holdfast"), "admin")
                        .get().accepted());
                assertTrue(eventually(() -> station(a, "7002")), "the station reaches ctl-a");
            }
        } finally {
            member.getLifecycleService().terminate();
        }
    }
}
