package dev.holdfast.controller.provisioning;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code cluster:} section: absent by default, defaults, and bad values refused with their field. */
class ClusterProvisioningTest {
    private static Provisioning parse(String yaml) throws ProvisioningException {
        return ProvisioningLoader.parse(yaml, ProvisioningLoader.Format.YAML, "cluster.yaml");
    }

    private static String problem(String yaml) {
        return assertThrows(ProvisioningException.class, () -> parse(yaml)).getMessage();
    }

    @Test void noSectionNoCluster() throws Exception {
        Provisioning p = parse("gateways: []");
        assertNull(p.cluster());
        assertEquals("127.0.0.1:2944", p.controllerName());
    }

    @Test void defaults() throws Exception {
        Provisioning p = parse("controller: { mid: \"[10.0.0.1]:2944\" }\ncluster: { members: [\"127.0.0.1:5701\"] }\n");
        ClusterConfig c = p.cluster();
        assertEquals("holdfast", c.clusterName());
        assertEquals(List.of("127.0.0.1:5701"), c.members());
        assertEquals(3000, c.connectTimeoutMs());
        assertEquals(2000, c.operationTimeoutMs());
        assertEquals(2000, c.heartbeatMs());
        assertEquals(10_000, c.cdrQueue());
        assertEquals("[10.0.0.1]:2944", p.controllerName(), "named by its mId");
        assertEquals("ctl-a", parse("cluster: { name: ctl-a, members: [\"h:1\"] }").controllerName());
        // the event log's header keeps it: a replay reads the same provisioning
        assertEquals(p, ProvisioningLoader.fromJson(ProvisioningLoader.toJson(p)));
    }

    @Test void badValuesNameTheirField() {
        assertTrue(problem("cluster: {}").contains("members"), problem("cluster: {}"));
        String m = problem("cluster: { members: [\"localhost\", \"h:99999\", \"h:x\"] }");
        assertTrue(m.contains("'localhost' is not host:port") && m.contains("'h:99999' is not host:port")
                && m.contains("'h:x' is not host:port"), m);
        assertTrue(problem("cluster: { members: [\"h:1\"], heartbeatMs: 0 }").contains("heartbeatMs"));
        assertTrue(problem("cluster: { members: [\"h:1\"], cdrQueue: 0 }").contains("cdrQueue"));
        assertTrue(problem("cluster: { members: [\"h:1\"], clusterName: \" \" }").contains("clusterName"));
        assertTrue(problem("cluster: { members: [\"h:1\"], colour: red }").contains("unknown field 'colour'"));
    }
}
