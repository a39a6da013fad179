package dev.holdfast.console;

import com.hazelcast.core.HazelcastInstance;
import dev.holdfast.controller.cluster.HazelcastMember;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console as a client of the controllers' Hazelcast cluster (a member in this JVM, as the issue allows): the
 * {@code cluster} command shows the controller's membership entry and health, {@code cdr --cluster} finds the record
 * of a call the controller ended, through the cluster; with the cluster gone, both say so and the admin API still
 * answers. Real OpenSSH client, real controller and gateway.
 */
class SshClusterTest {
    @TempDir static Path dir;
    static HazelcastInstance member;
    static ControllerRig rig;
    static SshConsole console;
    static OpenSsh ssh;

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        member = HazelcastMember.start(port, "console-test");
        String cluster = "{ clusterName: console-test, members: [\"127.0.0.1:" + port + "\"] }";
        rig = ControllerRig.start(dir, "cluster: { name: cc1, clusterName: console-test, members: [\"127.0.0.1:" + port
                + "\"], heartbeatMs: 500 }\n");
        console = SshConsole.start(ConsoleConfig.parse("listen: { address: 127.0.0.1, port: 0 }\nhostKey: host-key.ser\n"
                + "loginFailureLimit: 100\ncluster: " + cluster + "\ncontrollers:\n  - { name: cc1, url: \"" + rig.adminUrl() + "\" }\n",
                dir, "console-cluster-test.yaml"));
        ssh = new OpenSsh(dir, console.port());
    }

    @AfterAll
    static void stop() {
        if (console != null) console.close();
        if (rig != null) rig.close();
        if (member != null) member.shutdown();
    }

    private static OpenSsh.Result until(String command, Predicate<OpenSsh.Result> done) throws Exception {
        OpenSsh.Result r = null;
        for (int i = 0; i < 60; i++) {
            r = ssh.withPassword("viewer", ControllerRig.password("viewer"), command);
            if (done.test(r)) return r;
            Thread.sleep(250);
        }
        return r;
    }

    @Test
    void theClusterShowsTheControllerAndTheRecordOfItsCallThenSaysWhenItIsGone() throws Exception {
        // the controller's heartbeat and its gateways are written to the cluster one after the other: wait for both
        OpenSsh.Result r = until("cluster", x -> x.out().matches("(?s).*\\ncc1\\s+\\S+\\s+up\\s+\\S+\\s+\\S+\\s+2\\s.*"));
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("cluster console-test at 127.0.0.1:"), r.toString());
        assertTrue(r.out().matches("(?s).*\\ncc1\\s+\\S+\\s+up\\s+\\S+\\s+" + java.util.regex.Pattern.quote(rig.adminUrl()) + "\\s+2\\s+0\\n.*"),
                "cc1 up with its admin API and its two gateways: " + r);

        rig.connectedCall(3, 4);
        rig.gw.onHook("A3");
        rig.await(() -> rig.gw.contextOf("A4") == null, "the call is released");
        rig.gw.onHook("A4");
        r = until("cdr 1003 --cluster", x -> x.out().contains("1004"));
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().matches("(?s).*\\n\\S+\\s+1003\\s+1004\\s+\\S+\\s+\\d+\\.\\ds\\s+normal\\s+no\\s+\\S+\\n.*"), r.toString());
        r = ssh.withPassword("viewer", ControllerRig.password("viewer"), "cdr 1003 --cluster --since 2026-01-01T00:00:00Z");
        assertEquals(2, r.exit(), r.toString());

        member.shutdown();
        member = null;
        r = until("cdr 1003 --cluster", x -> x.exit() == 1);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("not reachable"), r.toString());
        r = ssh.withPassword("viewer", ControllerRig.password("viewer"), "cdr 1003");
        assertEquals(0, r.exit(), "the controller's own records still answer: " + r);
        assertTrue(r.out().contains("1004"), r.toString());
    }
}
