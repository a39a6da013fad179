package dev.holdfast.controller.cluster;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bin/hazelcast-member}'s main as its own process: ready line, a client's data, stop on SIGTERM, bad arguments. */
class HazelcastMemberProcessTest {
    private static Process member(String... args) throws Exception { return member(true, args); }

    /** @param merged stderr with stdout (usage errors); else stdout alone (Hazelcast's own warnings go to stderr) */
    private static Process member(boolean merged, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
                HazelcastMemberMain.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(cmd);
        if (merged) b.redirectErrorStream(true); else b.redirectError(ProcessBuilder.Redirect.DISCARD);
        return b.start();
    }

    @Test
    void runsAMemberUntilSigterm() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process p = member(false, "--port", String.valueOf(port), "--cluster-name", "member-test");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertEquals("hazelcast: member up at 127.0.0.1:" + port, line);
            HazelcastLogging.quiet();
            ClientConfig cc = new ClientConfig();
            cc.setClusterName("member-test");
            cc.getNetworkConfig().addAddress("127.0.0.1:" + port);
            HazelcastInstance client = HazelcastClient.newHazelcastClient(cc);
            Process controller = null;
            try {
                client.getMap("m").set("k", "v");
                assertEquals("v", client.getMap("m").get("k"));
                // a controller process made a client of it from its command line (as bin/demo does)
                java.nio.file.Path config = java.nio.file.Files.createTempFile("member-test", ".yaml");
                java.nio.file.Files.writeString(config, "controller: { address: 127.0.0.1, port: 0, transports: [udp] }\n");
                List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                        System.getProperty("java.class.path"), dev.holdfast.controller.ControllerMain.class.getName(),
                        "--config", config.toString(), "--cluster", "127.0.0.1:" + port, "--cluster-name", "member-test");
                controller = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                long end = System.currentTimeMillis() + 30_000;
                while (client.getMap(ClusterClient.CONTROLLERS).isEmpty() && System.currentTimeMillis() < end) Thread.sleep(100);
                assertEquals(java.util.Set.of("127.0.0.1:0"), client.getMap(ClusterClient.CONTROLLERS).keySet(),
                        "the controller's membership entry (named by its address)");
                java.nio.file.Files.deleteIfExists(config);
            } finally {
                if (controller != null) controller.destroyForcibly();
                client.getLifecycleService().terminate();
            }
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "stops on SIGTERM");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void badArgumentsAreRefused() throws Exception {
        for (String[] bad : new String[][] {{"--port", "seventy"}, {"--colour"}}) {
            Process p = member(bad);
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(2, p.exitValue(), text);
            assertTrue(text.contains("usage: bin/hazelcast-member"), text);
        }
    }
}
