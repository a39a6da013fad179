package dev.holdfast.gatewaysim.loopback;

import dev.holdfast.gatewaysim.GatewaySimMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GatewaySimMain} (what bin/gateway-sim runs) as a real process against the test's own MGC. */
class GatewaySimProcessTest {
    @TempDir Path dir;

    private Process start(Path out, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), GatewaySimMain.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    @Test void registersRunsAScriptAndExitsWithItsResult() throws Exception {
        try (LoopbackMgc mgc = LoopbackMgc.udp()) {
            Path script = dir.resolve("s.txt");
            Files.writeString(script, "expect idle A1\noff-hook A1\nexpect silence A1\non-hook A1\n");
            Path out = dir.resolve("out.txt");
            Process p = start(out, "--controllers", "127.0.0.1:" + mgc.address().getPort(), "--lines", "2",
                    "--script", script.toString());
            try {
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                String text = Files.readString(out, StandardCharsets.UTF_8);
                assertEquals(0, p.exitValue(), text);
                assertTrue(text.contains("gateway-sim: [127.0.0.1]:") && text.contains("registered with"), text);
                assertTrue(text.contains("s.txt: ok (4 steps)"), text);
                mgc.await(r -> LoopbackMgc.text(r).contains("MT=RS,RE=\"901 Cold Boot\""), Duration.ofSeconds(5));
                mgc.await(r -> LoopbackMgc.text(r).contains("MT=GR"), Duration.ofSeconds(5));
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test void sigtermSendsServiceChangeGraceful() throws Exception {
        try (LoopbackMgc mgc = LoopbackMgc.tcp()) {
            Path out = dir.resolve("out.txt");
            Process p = start(out, "--controllers", "127.0.0.1:" + mgc.address().getPort(), "--transport", "tcp",
                    "--mid", "<gw1.test>:2944");
            try {
                mgc.await(r -> LoopbackMgc.text(r).contains("MT=RS"), Duration.ofSeconds(20));
                // SIGTERM only once the gateway has taken the reply in: a gateway still registering has nobody to
                // say Graceful to
                for (int i = 0; i < 200 && !Files.readString(out, StandardCharsets.UTF_8).contains("gateway-sim: registered"); i++) {
                    Thread.sleep(100);
                }
                p.destroy(); // SIGTERM
                assertTrue(p.waitFor(20, TimeUnit.SECONDS));
                mgc.await(r -> LoopbackMgc.text(r).contains("MT=GR,RE=\"905 Termination taken out of service\""),
                        Duration.ofSeconds(10));
                String text = Files.readString(out, StandardCharsets.UTF_8);
                assertTrue(text.contains("gateway-sim: <gw1.test>:2944 with 4 lines over tcp"), text);
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test void badArgumentsAreRefusedWithTheUsage() throws Exception {
        Path out = dir.resolve("out.txt");
        Process p = start(out, "--lines", "2");
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        assertTrue(Files.readString(out).contains("--controllers is required"));
    }
}
