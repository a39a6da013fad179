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
        Pattern sip = Pattern.compile("(?s).*listening on .*sip/udp 127\\.0\\.0\\.1:(\\d+), sip/tcp 127\\.0\\.0\\.1:(\\d+).*");
        Path out = dir.resolve("controller.out");
        int sipPort = 0;
        Process p = null;
        Matcher m = null;
        // the port is picked free here and bound by the process seconds later (a JVM starting on a busy machine):
        // another socket may take it meanwhile, and the process then says so and stops. Not what this test is about:
        // another port, at most three times
        try {
            for (int attempt = 1; m == null; attempt++) {
                sipPort = Sipp.freePort();
                p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"), "dev.holdfast.controller.ControllerMain",
                        "--config", config.toString(), "--sip-port", String.valueOf(sipPort))
                        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!(m = sip.matcher(Files.readString(out, StandardCharsets.UTF_8))).matches()) {
                    String text = Files.readString(out);
                    if (!p.isAlive() && text.contains("SIP edge on 127.0.0.1:" + sipPort + ":")
                            && text.contains("Address already in use") && attempt < 3) {
                        m = null;
                        break;
                    }
                    assertTrue(p.isAlive() && System.nanoTime() < deadline, "no SIP listening line: " + text);
                    Thread.sleep(50);
                }
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
            if (p != null) p.destroyForcibly();
        }
    }
}
