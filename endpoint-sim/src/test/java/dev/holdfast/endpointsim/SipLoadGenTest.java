package dev.holdfast.endpointsim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.holdfast.endpointsim.load.SipLoadGenMain;
import dev.holdfast.endpointsim.load.SipLoadPlan;
import dev.holdfast.endpointsim.sip.JainSipStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SIP load generator against SIPp's uas (no controller needed) and against a registrar. */
class SipLoadGenTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Run(int exit, String out, JsonNode report) {}

    private static Run run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = SipLoadGenMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        JsonNode report = !lines.isEmpty() && lines.get(lines.size() - 1).startsWith("{")
                ? JSON.readTree(lines.get(lines.size() - 1)) : null;
        return new Run(exit, text, report);
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void callsSippUasWithTalkPathAndReportsTheH248Keys(String transport) throws Exception {
        int port = JainSipStack.freePort(InetAddress.getLoopbackAddress());
        int mediaPort = Sipp.freeMediaPort();
        try (Sipp uas = Sipp.start("-sn", "uas", "-i", "127.0.0.1", "-p", "" + port, "-rtp_echo", "-mp", "" + mediaPort,
                "-t", transport.equals("tcp") ? "t1" : "u1")) {
            Thread.sleep(300);
            Run r = run("sip", "--controller", "127.0.0.1:" + port, "--phones", "20", "--cps", "8", "--hold", "500ms",
                    "--duration", "2s", "--transport", transport, "--no-register", "--call-to", "service", "--json");
            assertEquals(0, r.exit(), r.out() + uas.output());
            JsonNode j = r.report();
            for (String key : List.of("attempted", "completed", "failed", "failed_by_reason", "setup_ms_p50", "setup_ms_p99",
                    "setup_ms_max", "talk_path_ok", "calls_per_s", "messages_per_s", "registrations_per_s")) {
                assertTrue(j.has(key), "JSON has " + key + ": " + j);
            }
            assertTrue(j.get("attempted").asLong() >= 10, r.out());
            assertEquals(j.get("attempted").asLong(), j.get("completed").asLong(), r.out());
            assertEquals(0, j.get("failed").asLong());
            assertEquals(j.get("completed").asLong(), j.get("talk_path_ok").asLong());
            assertTrue(j.get("setup_ms_p50").asDouble() > 0 && j.get("answer_ms_p50").asDouble() >= j.get("setup_ms_p50").asDouble());
        }
    }

    @Test void registersEveryPhoneAndCountsRegistrationsPerSecond() throws Exception {
        try (TestRegistrar registrar = new TestRegistrar()) {
            Run r = run("sip", "--controller", "127.0.0.1:" + registrar.address().getPort(), "--phones", "50",
                    "--cps", "0.01", "--duration", "300ms", "--json");
            JsonNode j = r.report();
            assertEquals(50, j.get("registered").asInt(), r.out());
            assertTrue(registrar.registers() >= 50, "and the un-REGISTERs as the phones stop");
            assertTrue(j.get("registrations_per_s").asDouble() > 0, r.out());
        }
    }

    @Test void writesTheSubscribersTheRunUses(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("phones.yaml");
        Run r = run("sip", "--write-config", file.toString(), "--phones", "3", "--seed", "7");
        assertEquals(0, r.exit(), r.out());
        JsonNode y = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(Files.readString(file));
        SipLoadPlan plan = new SipLoadPlan(3, 7);
        assertEquals(3, y.get("subscribers").size());
        for (int i = 1; i <= 3; i++) {
            JsonNode s = y.get("subscribers").get(i - 1);
            assertEquals(plan.user(i), s.get("user").asText());
            assertEquals(plan.password(i), s.get("password").asText());
            assertEquals(plan.number(i), s.get("number").asText());
        }
        assertEquals(2, run("sip", "--phones", "3").exit(), "neither --controller nor --write-config");

        Path withSip = dir.resolve("controller.yaml");
        assertEquals(0, run("sip", "--write-config", withSip.toString(), "--phones", "2", "--controller", "127.0.0.1:5070").exit());
        JsonNode c = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(Files.readString(withSip));
        assertEquals("127.0.0.1", c.get("sip").get("address").asText());
        assertEquals(5070, c.get("sip").get("port").asInt());
        assertEquals(2, c.get("subscribers").size());
    }
}
