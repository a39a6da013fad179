package dev.holdfast.controller.e2e;

import dev.holdfast.controller.ControllerMain;
import dev.holdfast.endpointsim.load.SipLoadGenMain;
import dev.holdfast.gatewaysim.load.LoadGenMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code bin/demo} runs, as real processes: the load generator writes the provisioning, the controller runs
 * from it, the load generator's simulated gateways place calls for a few seconds; calls complete, none fails.
 */
class DemoProcessesTest {

    @Test
    void controllerAndGatewayProcessesCompleteCallsWithoutFailures(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) { port = s.getLocalPort(); }
        Path config = dir.resolve("demo.yaml");
        Process write = start(LoadGenMain.class, dir.resolve("write.out"), "h248", "--write-config", config.toString(),
                "--gateways", "3", "--lines", "4", "--controller", "127.0.0.1:" + port);
        assertTrue(write.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, write.exitValue(), Files.readString(dir.resolve("write.out")));

        Path controllerOut = dir.resolve("controller.out");
        Process controller = start(ControllerMain.class, controllerOut, "--config", config.toString());
        Process load = null;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(controllerOut, StandardCharsets.UTF_8).contains("listening on")) {
                assertTrue(controller.isAlive() && System.nanoTime() < deadline,
                        "controller did not start: " + Files.readString(controllerOut));
                Thread.sleep(50);
            }
            Path loadOut = dir.resolve("load.out");
            load = start(LoadGenMain.class, loadOut, "h248", "--controller", "127.0.0.1:" + port, "--gateways", "3",
                    "--lines", "4", "--cps", "3", "--hold", "1s", "--duration", "5s", "--json");
            assertTrue(load.waitFor(60, TimeUnit.SECONDS), "load generator did not end by itself");
            String text = Files.readString(loadOut, StandardCharsets.UTF_8);
            assertEquals(0, load.exitValue(), text);
            List<String> lines = text.lines().toList();
            assertTrue(lines.stream().filter(l -> l.matches("loadgen: +\\d+\\.\\ds attempted.*")).count() >= 4,
                    "a live summary line every second:\n" + text);
            String json = lines.get(lines.size() - 1);
            assertTrue(number(json, "completed") > 0, json);
            assertEquals(0, number(json, "failed"), json);
            assertEquals(number(json, "completed"), number(json, "talk_path_ok"), json);
            assertEquals(number(json, "attempted"), number(json, "completed"), json);
            assertTrue(json.matches(".*\"messages_per_s\":[1-9][0-9.]*[,}].*"), json);

            controller.destroy(); // SIGTERM: a clean stop
            assertTrue(controller.waitFor(20, TimeUnit.SECONDS));
            assertTrue(Files.readString(controllerOut).contains("controller: stopped"), Files.readString(controllerOut));
        } finally {
            controller.destroyForcibly();
            if (load != null) load.destroyForcibly();
        }
    }

    /**
     * Issue 4 as bin/demo shows it: the H.248 load generator's lines and the SIP load generator's phones call each
     * other through one controller (each reserving answering parties for the other), every call counted once, by the
     * caller's side, and checked there; both sides complete calls to the other side and none fails.
     */
    @Test
    void phonesAndLinesCallEachOtherEachCallCountedByTheCaller(@TempDir Path dir) throws Exception {
        int port;
        int sipPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             java.net.DatagramSocket u = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
            sipPort = u.getLocalPort();
        }
        Path gateways = dir.resolve("gateways.yaml");
        Path phones = dir.resolve("phones.yaml");
        Process write = start(LoadGenMain.class, dir.resolve("write.out"), "h248", "--write-config", gateways.toString(),
                "--gateways", "2", "--lines", "3", "--controller", "127.0.0.1:" + port);
        assertTrue(write.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, write.exitValue(), Files.readString(dir.resolve("write.out")));
        Process writePhones = start(SipLoadGenMain.class, dir.resolve("write-phones.out"), "sip", "--write-config",
                phones.toString(), "--phones", "4", "--controller", "127.0.0.1:" + sipPort);
        assertTrue(writePhones.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, writePhones.exitValue(), Files.readString(dir.resolve("write-phones.out")));
        Path config = dir.resolve("demo.yaml");
        Files.writeString(config, Files.readString(gateways) + Files.readString(phones));

        Path controllerOut = dir.resolve("controller.out");
        Process controller = start(ControllerMain.class, controllerOut, "--config", config.toString());
        Process lines = null;
        Process sip = null;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(controllerOut, StandardCharsets.UTF_8).contains("listening on")) {
                assertTrue(controller.isAlive() && System.nanoTime() < deadline,
                        "controller did not start: " + Files.readString(controllerOut));
                Thread.sleep(50);
            }
            // lines 100003 and 100006 answer the phones; phones 200003 and 200004 answer the lines
            Path sipOut = dir.resolve("phones.out");
            sip = start(SipLoadGenMain.class, sipOut, "sip", "--controller", "127.0.0.1:" + sipPort, "--phones", "4",
                    "--cps", "2", "--hold", "1s", "--duration", "6s", "--answer-phones", "2",
                    "--call-lines", "100003,100006", "--ready-file", dir.resolve("phones.ready").toString(),
                    "--start-when", dir.resolve("gateways.ready").toString(), "--json");
            Path linesOut = dir.resolve("lines.out");
            lines = start(LoadGenMain.class, linesOut, "h248", "--controller", "127.0.0.1:" + port, "--gateways", "2",
                    "--lines", "3", "--cps", "3", "--hold", "1s", "--duration", "6s", "--answer-lines", "1",
                    "--call-numbers", "200003,200004", "--ready-file", dir.resolve("gateways.ready").toString(),
                    "--start-when", dir.resolve("phones.ready").toString(), "--json");
            assertTrue(lines.waitFor(90, TimeUnit.SECONDS), "the H.248 load generator did not end by itself");
            assertTrue(sip.waitFor(90, TimeUnit.SECONDS), "the SIP load generator did not end by itself");
            for (Path out : List.of(linesOut, sipOut)) {
                String text = Files.readString(out, StandardCharsets.UTF_8);
                assertEquals(0, (out == linesOut ? lines : sip).exitValue(), text);
                List<String> all = text.lines().toList();
                String json = all.get(all.size() - 1);
                assertEquals(0, number(json, "failed"), json);
                assertEquals(number(json, "attempted"), number(json, "completed"), json);
                assertEquals(number(json, "completed"), number(json, "talk_path_ok"), json);
                Matcher m = Pattern.compile("completed \\d+ \\((\\d+) of them to ").matcher(text);
                assertTrue(m.find(), text);
                assertTrue(Long.parseLong(m.group(1)) > 0, "calls to the other side's parties completed:\n" + text);
            }
            controller.destroy();
            assertTrue(controller.waitFor(20, TimeUnit.SECONDS));
        } finally {
            controller.destroyForcibly();
            if (lines != null) lines.destroyForcibly();
            if (sip != null) sip.destroyForcibly();
        }
    }

    private static long number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(\\d+)").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return Long.parseLong(m.group(1));
    }

    private static Process start(Class<?> main, Path out, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }
}
