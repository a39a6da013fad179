package dev.holdfast.endpointsim;

import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;
import dev.holdfast.endpointsim.script.PhoneScriptTarget;
import dev.holdfast.sim.script.Script;
import dev.holdfast.sim.script.ScriptRunner;
import dev.holdfast.sim.script.Scripts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Phones driven by script files in the shared format (sim-common's parser and runner). */
class PhoneScriptTest {
    private final PhoneRuntime[] rts = new PhoneRuntime[3];

    @AfterEach void stop() {
        for (PhoneRuntime rt : rts) if (rt != null) rt.close();
    }

    private Map<String, Phone> phones(String transport) throws Exception {
        String[] names = {"alice", "bob", "carol"};
        Map<String, Phone> m = new java.util.HashMap<>();
        for (int i = 0; i < 3; i++) {
            rts[i] = PhoneRuntime.loopback();
            m.put(names[i], rts[i].phone(PhoneConfig.of(names[i], null, List.of()).withTransport(transport)));
        }
        return m;
    }

    private static Script script(String name) throws Exception {
        try (var in = PhoneScriptTest.class.getResourceAsStream("/scripts/" + name)) {
            return Scripts.parse(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest
    @CsvSource({"call-hold-transfer.script,udp", "call-hold-transfer.script,tcp", "reject-cancel.script,udp"})
    void scriptRuns(String name, String transport) throws Exception {
        ScriptRunner.Result r = ScriptRunner.realTime(new PhoneScriptTarget(phones(transport))).run(script(name));
        assertTrue(r.ok(), r + "\n" + String.join("\n", r.log()));
    }

    @ParameterizedTest @CsvSource({"udp"})
    void aScriptFailsWhenTheExpectationDoesNotHold(String transport) throws Exception {
        Script s = Scripts.parse("wrong", "call alice bob\nexpect ringing bob\nexpect talk-path alice up within 300ms\n");
        ScriptRunner.Result r = ScriptRunner.realTime(new PhoneScriptTarget(phones(transport))).run(s);
        assertFalse(r.ok(), "nobody answered, so no talk path");
        assertTrue(r.failure().startsWith("not within"), r.failure());
    }
}
