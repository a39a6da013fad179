package dev.holdfast.controller.mgc;

import dev.holdfast.h248.message.ServiceChangeParm.MethodKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ControllerMain} as its own process: prints where it listens, serves a gateway, stops on SIGTERM. */
class ControllerProcessTest {

    private static Process start(Path config) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.holdfast.controller.ControllerMain", "--config", config.toString());
        pb.redirectErrorStream(true);
        return pb.start();
    }

    @Test
    void listensServesAGatewayAndStopsOnSigterm(@TempDir Path dir) throws Exception {
        int mgPort;
        try (var probe = LoopbackMg.udpOn(0, new InetSocketAddress("127.0.0.1", 9))) { mgPort = probe.port(); }
        Path config = dir.resolve("controller.yaml");
        Files.writeString(config, """
                controller: { port: 0, transports: [udp] }
                gateways:
                  - mid: "[127.0.0.1]:%d"
                    lines: [ { termination: A1, number: "1001" } ]
                """.formatted(mgPort));
        Process p = start(config);
        try {
            // read the output on a thread of its own: destroy() closes our end of the pipe
            java.util.concurrent.LinkedBlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = out.readLine()) != null) lines.add(l);
                } catch (java.io.IOException e) {
                    // stream closed by destroy(): what was read is in the queue
                }
            });
            reader.start();
            Matcher m = null;
            String line;
            Pattern listening = Pattern.compile(".*listening on udp 127\\.0\\.0\\.1:(\\d+).*");
            while ((line = lines.poll(20, TimeUnit.SECONDS)) != null) {
                Matcher x = listening.matcher(line);
                if (x.matches()) { m = x; break; }
            }
            assertNotNull(m, "the controller says where it listens");
            int port = Integer.parseInt(m.group(1));
            try (LoopbackMg mg = LoopbackMg.udpOn(mgPort, new InetSocketAddress("127.0.0.1", port), "A1")) {
                assertEquals(null, mg.serviceChange(MethodKind.RESTART, "901 Cold Boot").error());
                assertEquals("C=-{MF=A1{SG,E=#{al/of}}}", mg.awaitReceived(4).get(3));
            }
            // SIGTERM by pid (Process.destroy() would also close the pipe we read)
            new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "stops after SIGTERM");
            reader.join(5000);
            assertTrue(lines.contains("controller: stopped"), lines.toString());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aBadConfigurationIsRefusedWithItsLineAndField(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.write(config, List.of("gateways:", "  - mid: \"[127.0.0.1]:2945\"", "    lines: [ { termination: A1, numbr: \"1\" } ]"));
        Process p = start(config);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.exitValue(), output);
        assertTrue(output.contains("bad.yaml:3:") && output.contains("gateways[0].lines[0].numbr"), output);
    }
}
