package dev.holdfast.h248.demo;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code bin/demo} runs: the MGC and the MG as two real processes completing one call over UDP. */
class DemoProcessesTest {

    @Test
    void controllerAndGatewayProcessesCompleteOneCallAndExitCleanly() throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) { port = s.getLocalPort(); }
        Path mgcOut = Files.createTempFile("demo-mgc", ".out");
        Path mgOut = Files.createTempFile("demo-mg", ".out");
        Process mgc = start(DemoGatewayController.class, port, mgcOut);
        Process mg = null;
        try {
            Thread.sleep(700);
            mg = start(DemoMediaGateway.class, port, mgOut);
            assertTrue(mg.waitFor(60, TimeUnit.SECONDS), "gateway process did not finish");
            assertTrue(mgc.waitFor(10, TimeUnit.SECONDS), "controller process did not finish");
            String mgcText = Files.readString(mgcOut, StandardCharsets.ISO_8859_1);
            String mgText = Files.readString(mgOut, StandardCharsets.ISO_8859_1);
            assertEquals(0, mg.exitValue(), mgText);
            assertEquals(0, mgc.exitValue(), mgcText);
            for (String step : List.of("registered", "A1 off-hook", "A1 dialled 1002", "call is in context",
                    "A2 answered", "hung up", "call released", "going out of service")) {
                assertTrue(mgcText.contains(step), "controller output lacks '" + step + "':\n" + mgcText);
            }
            assertTrue(mgText.contains("Subtract = A1") || mgText.contains("Subtract = a1"), mgText);
            assertTrue(mgcText.contains("decodeErrors=0") && mgText.contains("decodeErrors=0"), mgcText + mgText);
        } finally {
            mgc.destroyForcibly();
            if (mg != null) mg.destroyForcibly();
            Files.deleteIfExists(mgcOut);
            Files.deleteIfExists(mgOut);
        }
    }

    private static Process start(Class<?> main, int port, Path out) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), main.getName(),
                Integer.toString(port)).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }
}
