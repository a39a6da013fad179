package dev.holdfast.controller.mgc;

import dev.holdfast.controller.Controller;
import dev.holdfast.controller.gateway.GatewayState;
import dev.holdfast.controller.gateway.LineState;
import dev.holdfast.controller.provisioning.ProvisioningLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A foreign gateway: the Erlang/OTP megaco stack (src/test/erlang/hf_megaco_mg.erl) plays an MG with lines A1 and
 * A2, registers with the controller, is audited, gets its inactivity timer and its lines' events set. The
 * controller is provisioned with a third line A3 that this gateway does not have: the audit finds that out.
 */
class ForeignGatewayTest {

    @ParameterizedTest
    @ValueSource(strings = {"udp", "tcp"})
    void anOtpMegacoGatewayRegistersIsAuditedAndGetsItsEventsSet(String transport) throws Exception {
        Path ebin = compileErlang();
        int mgPort;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) { mgPort = s.getLocalPort(); }
        var p = ProvisioningLoader.parse("""
                controller: { address: 127.0.0.1, port: 0, transports: [%s] }
                timers: { inactivityMillis: 10000 }
                gateways:
                  - name: otp
                    mid: "[127.0.0.1]:%d"
                    address: 127.0.0.1
                    lines:
                      - { termination: A1, number: "1001" }
                      - { termination: A2, number: "1002" }
                      - { termination: A3, number: "1003" }
                """.formatted(transport, mgPort), ProvisioningLoader.Format.YAML, "otp.yaml");
        try (Controller c = Controller.start(p)) {
            Process erl = new ProcessBuilder("erl", "-noshell", "-pa", ebin.toString(), "-run", "hf_megaco_mg", "main",
                    transport, Integer.toString(mgPort), "127.0.0.1", Integer.toString(c.address(transport).getPort()),
                    "A1,A2", "30").redirectErrorStream(true).start();
            List<String> requests = new ArrayList<>();
            List<String> all = new ArrayList<>();
            List<String> states;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(erl.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    all.add(line);
                    if (line.startsWith("HF-REQ ")) requests.add(line);
                    if (line.startsWith("HF-FAIL")) break;
                    // 4 audits (ROOT, A1-A3), 2 inactivity-timer commands, A1 and A2 armed
                    if (requests.size() == 8) break;
                }
                // (while the gateway still runs: over TCP its exit closes the connection and it is lost)
                states = c.inspect(core -> List.of(core.association().gateway("otp").state().toString(),
                        core.association().gateway("otp").line("A1").state().toString(),
                        core.association().gateway("otp").line("A3").state().toString()));
            } finally {
                erl.destroyForcibly();
                erl.waitFor(10, TimeUnit.SECONDS);
            }
            String text = String.join("\n", all);
            assertTrue(text.contains("HF-REGISTERED {1,{ok,[{'ActionReply',0,asn1_NOVALUE,asn1_NOVALUE,[{serviceChangeReply"), text);
            assertEquals(8, requests.size(), text);
            // the registration's setup goes in one message (GatewayAssociation.startSetup), and the transactions of
            // a message are treated independently, no order implied (H.248.1, Messages): OTP handles them in an
            // order of its own. All six come before the lines are armed, which waits for every answer
            List<String> setup = requests.subList(0, 6);
            assertEquals(1, count(setup, "{auditValueRequest,{'AuditRequest',{megaco_term_id,false,[\"root\"]},{'AuditDescriptor',[packagesToken]}}}"), text);
            for (int i = 1; i <= 3; i++) {
                assertEquals(1, count(setup, "{auditValueRequest,{'AuditRequest',{megaco_term_id,false,[\"a" + i + "\"]}"), text);
            }
            assertEquals(1, count(setup, "{modReq,{'AmmRequest',[{megaco_term_id,false,[\"root\"]}],[{eventsDescriptor,{'EventsDescriptor',1,[{'RequestedEvent',\"it/ito\",asn1_NOVALUE,asn1_NOVALUE,[{'EventParameter',\"mit\",[\"1000\"]"), text);
            assertEquals(1, count(setup, "\"it/mit\""), text);
            for (int i = 1; i <= 2; i++) {
                assertTrue(requests.get(5 + i).contains("{modReq,{'AmmRequest',[{megaco_term_id,false,[\"a" + i + "\"]}],[{signalsDescriptor,[]},{eventsDescriptor,{'EventsDescriptor',"), text);
                assertTrue(requests.get(5 + i).contains("\"al/of\""), text);
            }
            assertEquals(List.of(GatewayState.IN_SERVICE.toString(), LineState.IDLE.toString(),
                    LineState.OUT_OF_SERVICE.toString()), states);
        }
    }

    private static long count(List<String> requests, String fragment) {
        return requests.stream().filter(r -> r.contains(fragment)).count();
    }

    /** Compiles src/test/erlang into target/erlang (Erlang/OTP with megaco is installed by bin/test). */
    static Path compileErlang() throws Exception {
        Path src = Path.of("src/test/erlang");
        Path out = Path.of("target/erlang-controller");
        Files.createDirectories(out);
        List<String> cmd = new ArrayList<>(List.of("erlc", "-o", out.toString()));
        try (var files = Files.list(src)) { files.filter(f -> f.toString().endsWith(".erl")).forEach(f -> cmd.add(f.toString())); }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0, "erlc failed: " + log);
        return out.toAbsolutePath();
    }
}
