package dev.holdfast.controller.sip;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code controller --sip-port N} as its own process: a provisioning with subscribers but no {@code sip:} section
 * listens for SIP on the port given, and SIPp registers with digest there over UDP and TCP.
 */
class SipControllerProcessTest {
    @TempDir Path dir;

    @Test void sipPortMakesTheControllerProcessListenForSip() throws Exception {
        assertTrue(Sipp.installed(), "SIPp (Debian sip-tester) is needed: ./bin/test installs it");
        Path config = dir.resolve("controller.yaml");
        Files.writeString(config, """
                controller: { port: 0, transports: [udp] }
                subscribers:
                  - { user: "1001", password: secret1, number: "1001" }
                """);
        int sipPort = Sipp.freePort();
        Path out = dir.resolve("controller.out");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.holdfast.controller.ControllerMain",
                "--config", config.toString(), "--sip-port", String.valueOf(sipPort))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            Pattern sip = Pattern.compile("(?s).*listening on .*sip/udp 127\\.0\\.0\\.1:(\\d+), sip/tcp 127\\.0\\.0\\.1:(\\d+).*");
            Matcher m;
            while (!(m = sip.matcher(Files.readString(out, StandardCharsets.UTF_8))).matches()) {
                assertTrue(p.isAlive() && System.nanoTime() < deadline, "no SIP listening line: " + Files.readString(out));
                Thread.sleep(50);
            }
            assertEquals(String.valueOf(sipPort), m.group(1));
            assertEquals(String.valueOf(sipPort), m.group(2));
            Sipp sipp = new Sipp(dir);
            Path reg = sipp.scenario("reg", SippScenarios.register(200));
            for (String transport : new String[] {"udp", "tcp"}) {
                Sipp.Result r = sipp.run(reg, transport, Sipp.freePort(), "127.0.0.1:" + sipPort, 1,
                        "-s", "1001", "-au", "1001", "-ap", "secret1", "-key", "expires", "60");
                assertTrue(r.passed(), transport + ": " + r);
            }
            p.destroy();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertTrue(Files.readString(out).contains("controller: stopped"), Files.readString(out));
        } finally {
            p.destroyForcibly();
        }
    }
}
