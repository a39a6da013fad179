package dev.holdfast.controller.provisioning;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProvisioningLoaderTest {
    static final String GOOD_YAML = """
            gateways:
              - name: gw1
                mid: "[127.0.0.1]:2945"
                address: 127.0.0.1
                lines:
                  - { termination: A1, number: "1001" }
                  - { termination: A2, number: "1002" }
                trunks:
                  - { termination: T1, group: pstn, disconnectSupervision: false }
            dialPlan:
              trunkAccessCodes:
                - { code: "9", group: pstn }
              invalidNumber: { treatment: announcement, announcement: "17" }
            timers: { noAnswerSeconds: 20, inactivityMillis: 5000 }
            gatewayLoss: { policy: hold, holdSeconds: 60 }
            """;

    @Test
    void readsAGoodYamlFileWithDefaultsFilledIn() throws Exception {
        Provisioning p = ProvisioningLoader.parse(GOOD_YAML, ProvisioningLoader.Format.YAML, "good.yaml");
        GatewayConfig gw = p.gateway("gw1");
        assertEquals("[127.0.0.1]:2945", gw.mid());
        assertEquals("127.0.0.1", gw.expectedHost());
        assertEquals(null, gw.expectedPort());
        assertEquals(List.of(new LineConfig("A1", "1001"), new LineConfig("A2", "1002")), gw.lines());
        assertFalse(gw.trunks().get(0).disconnectSupervision());
        assertEquals("xxxxxxx", p.dialPlan().trunkAccessCodes().get(0).digits());
        assertEquals(DialPlanConfig.Treatment.ANNOUNCEMENT, p.dialPlan().invalidNumber().treatment());
        assertEquals(20, p.timers().noAnswerSeconds());
        assertEquals(15_000, p.timers().gatewaySilenceMillis());
        assertEquals(16, p.timers().digitMapStart());
        assertEquals(GatewayLossConfig.Policy.HOLD, p.gatewayLoss().policy());
        assertEquals(2944, p.controller().port());
        assertEquals(List.of("udp", "tcp"), p.controller().transports());
    }

    @Test
    void readsTheSameProvisioningFromJson() throws Exception {
        String json = """
                {"gateways": [{"name": "gw1", "mid": "[127.0.0.1]:2945", "address": "127.0.0.1",
                  "lines": [{"termination": "A1", "number": "1001"}, {"termination": "A2", "number": "1002"}],
                  "trunks": [{"termination": "T1", "group": "pstn", "disconnectSupervision": false}]}],
                 "dialPlan": {"trunkAccessCodes": [{"code": "9", "group": "pstn"}],
                              "invalidNumber": {"treatment": "announcement", "announcement": "17"}},
                 "timers": {"noAnswerSeconds": 20, "inactivityMillis": 5000},
                 "gatewayLoss": {"policy": "hold", "holdSeconds": 60}}
                """;
        Provisioning fromJson = ProvisioningLoader.parse(json, ProvisioningLoader.Format.JSON, "good.json");
        Provisioning fromYaml = ProvisioningLoader.parse(GOOD_YAML, ProvisioningLoader.Format.YAML, "good.yaml");
        assertEquals(fromYaml, fromJson);
    }

    @Test
    void theShippedExampleLoads() throws Exception {
        Provisioning p = ProvisioningLoader.load(Path.of("config/example.yaml"));
        assertEquals(2, p.gateways().size());
        assertEquals("pstn", p.gateways().get(1).trunks().get(0).group());
    }

    private static ProvisioningException refused(String yaml) {
        return assertThrows(ProvisioningException.class,
                () -> ProvisioningLoader.parse(yaml, ProvisioningLoader.Format.YAML, "bad.yaml"));
    }

    private static ProvisioningException refusedJson(String json) {
        return assertThrows(ProvisioningException.class,
                () -> ProvisioningLoader.parse(json, ProvisioningLoader.Format.JSON, "bad.json"));
    }

    @Test
    void anUnknownFieldIsNamedWithItsLine() {
        ProvisioningException e = refused("""
                gateways:
                  - mid: "[127.0.0.1]:2945"
                    lines:
                      - { termination: A1, numbr: "1001" }
                """);
        ProvisioningException.Problem p = e.problems().get(0);
        assertEquals(4, p.line());
        assertEquals("gateways[0].lines[0].numbr", p.field());
        assertTrue(p.message().contains("unknown field 'numbr'"), p.message());
        assertTrue(e.getMessage().contains("bad.yaml:4:"), e.getMessage());
    }

    @Test
    void aWrongTypeIsNamedWithItsLine() {
        ProvisioningException e = refusedJson("""
                {"gateways": [],
                 "timers": {
                   "noAnswerSeconds": "soon"
                 }}
                """);
        ProvisioningException.Problem p = e.problems().get(0);
        assertEquals(3, p.line());
        assertEquals("timers.noAnswerSeconds", p.field());
        assertTrue(p.message().contains("soon") && p.message().contains("whole number"), p.message());
    }

    @Test
    void aBadEnumValueListsTheChoices() {
        ProvisioningException e = refused("""
                gatewayLoss:
                  policy: forget
                """);
        ProvisioningException.Problem p = e.problems().get(0);
        assertEquals(2, p.line());
        assertEquals("gatewayLoss.policy", p.field());
        assertTrue(p.message().contains("[cleanup, hold]"), p.message());
    }

    @Test
    void aSyntaxErrorGivesItsPosition() {
        ProvisioningException e = refusedJson("""
                {"gateways": [
                  {"mid": "[127.0.0.1]:2945",, "lines": []}
                ]}
                """);
        assertEquals(2, e.problems().get(0).line());
    }

    @Test
    void aDuplicateKeyIsRefused() {
        ProvisioningException e = refused("""
                timers:
                  noAnswerSeconds: 10
                  noAnswerSeconds: 20
                """);
        assertEquals(3, e.problems().get(0).line());
    }

    @Test
    void validationErrorsNameLineAndField() {
        ProvisioningException e = refused("""
                gateways:
                  - name: gw1
                    mid: "[127.0.0.1]:2945"
                    lines:
                      - { termination: A1, number: "1001" }
                  - name: gw2
                    mid: "[127.0.0.1]:2946"
                    lines:
                      - { termination: A1, number: "1001" }
                      - { termination: A1, number: "12x" }
                dialPlan:
                  trunkAccessCodes:
                    - code: "9"
                      group: nowhere
                """);
        List<String> rendered = e.problems().stream().map(Object::toString).toList();
        assertTrue(rendered.contains("bad.yaml:9:28: gateways[1].lines[0].number: directory number 1001 is already line gw1/A1"),
                rendered.toString());
        assertTrue(rendered.stream().anyMatch(s -> s.startsWith("bad.yaml:10:11: gateways[1].lines[1].termination: termination A1 is provisioned twice")),
                rendered.toString());
        assertTrue(rendered.stream().anyMatch(s -> s.startsWith("bad.yaml:10:")
                && s.contains("gateways[1].lines[1].number: directory number '12x' is not 1 to 20 digits")), rendered.toString());
        assertTrue(rendered.stream().anyMatch(s -> s.startsWith("bad.yaml:14:")
                && s.contains("dialPlan.trunkAccessCodes[0].group: no trunk is in group 'nowhere'")), rendered.toString());
    }

    @Test
    void overlappingNumbersAndCodesAreRefused() {
        ProvisioningException e = refused("""
                gateways:
                  - mid: "<mg1.example.net>"
                    lines:
                      - { termination: A1, number: "100" }
                      - { termination: A2, number: "1001" }
                      - { termination: A3, number: "9000" }
                    trunks:
                      - { termination: T1, group: pstn }
                dialPlan:
                  trunkAccessCodes:
                    - { code: "9", group: pstn }
                """);
        List<String> messages = e.problems().stream().map(ProvisioningException.Problem::message).toList();
        assertTrue(messages.stream().anyMatch(m -> m.contains("1001") && m.contains("prefix")), messages.toString());
        assertTrue(messages.stream().anyMatch(m -> m.contains("access code 9 and directory number 9000")), messages.toString());
    }

    @Test
    void badMidsAddressesAndTimersAreRefused() {
        ProvisioningException e = refused("""
                gateways:
                  - mid: "[127.0.0.1"
                    address: "127.0.0.1:99999"
                  - mid: "<mg.example>:2944"
                  - mid: "<MG.example>"
                timers:
                  noAnswerSeconds: 0
                  inactivityMillis: 1005
                dialPlan:
                  invalidNumber: { treatment: announcement }
                """);
        List<String> fields = e.problems().stream().map(ProvisioningException.Problem::field).toList();
        assertTrue(fields.containsAll(List.of("gateways[0].mid", "gateways[0].address", "gateways[2].mid",
                "timers.noAnswerSeconds", "timers.inactivityMillis", "dialPlan.invalidNumber.treatment")), fields.toString());
    }

    @Test
    void anEmptyFileIsRefused() {
        assertThrows(ProvisioningException.class,
                () -> ProvisioningLoader.parse("", ProvisioningLoader.Format.YAML, "empty.yaml"));
    }
}
