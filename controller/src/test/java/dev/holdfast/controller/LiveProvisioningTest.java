package dev.holdfast.controller;

import dev.holdfast.controller.core.Replayer;
import dev.holdfast.controller.gateway.GatewayState;
import dev.holdfast.controller.provisioning.ChangeOutcome;
import dev.holdfast.controller.provisioning.LineConfig;
import dev.holdfast.controller.provisioning.ProvisioningChange;
import dev.holdfast.controller.provisioning.ProvisioningLoader;
import dev.holdfast.h248.message.ServiceChangeParm.MethodKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Provisioning changes as admin events in the deterministic core, in virtual time: what each does to routing,
 * registration and gateways, the outcome of bad ones (400/404/409 naming the field), and that a replay of the
 * event log reaches the same provisioning.
 */
class LiveProvisioningTest {
    static final String CONFIG = """
            gateways:
              - name: gw1
                mid: "[127.0.0.1]:2945"
                lines:
                  - { termination: A1, number: "1001" }
                  - { termination: A2, number: "1002" }
            sip: { realm: holdfast }
            subscribers:
              - { user: alice, password: wonderland, number: "3001" }
            timers: { noAnswerSeconds: 30, inactivityMillis: 0, gatewaySilenceMillis: 3600000 }
            """;

    Sim sim;
    SimGateway gw1;

    @BeforeEach void start() throws Exception {
        sim = new Sim(CONFIG);
        sim.core.enableNotices();
        // the gateway has a third termination that is not provisioned (yet)
        gw1 = sim.gateway("gw1", "A1", "A2", "A3");
        gw1.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        gw1.take();
    }

    ChangeOutcome change(ProvisioningChange c) {
        sim.admin("provision", c.toJson().toString());
        return sim.core.lastProvisioningOutcome();
    }

    @Test void aStationAddedIsRoutedAndItsPasswordIsKeptAsHa1Only() {
        ChangeOutcome o = change(ProvisioningChange.station("3002", "bob", "builder", "holdfast"));
        assertEquals(201, o.status(), o.toString());
        var sub = sim.core.sip().directory().byNumber("3002");
        assertNotNull(sub);
        assertEquals("bob", sub.user());
        assertNull(sub.password());
        assertEquals(dev.holdfast.controller.sip.DigestAuthenticator.md5Ha1("bob", "holdfast", "builder"), sub.ha1());
        assertTrue(sim.core.sip().isPhone("3002"));
        // a line dialling it now reaches the SIP side (no contact registered: the caller hears a tone, not invalid)
        assertFalse(ProvisioningLoader.toJson(sim.core.provisioning()).toString().contains("builder"));
        assertTrue(sim.driver.notices().stream().anyMatch(n -> n.kind().equals("provisioning-changed")));

        assertEquals(204, change(new ProvisioningChange.RemoveStation("3002")).status());
        assertNull(sim.core.sip().directory().byUser("bob"));
        assertFalse(sim.core.sip().isPhone("3002"));
    }

    @Test void aLineAddedToAGatewayInServiceIsArmedAndCanBeCalled() {
        ChangeOutcome o = change(new ProvisioningChange.AddLine("gw1", "A3", "1003"));
        assertEquals(201, o.status(), o.toString());
        List<String> sent = gw1.take();
        assertTrue(sent.stream().anyMatch(s -> s.contains("MF=A3") && s.contains("al/of")), "A3 armed: " + sent);
        gw1.offHook("A1");
        assertTrue(gw1.take().get(0).contains("(1xxx|3xxx)"), "the digit map covers the phone's number too");
        gw1.dial("A1", "1003");
        List<String> ringing = gw1.take();
        assertTrue(ringing.stream().anyMatch(s -> s.contains("A=A3{SG{al/ri}")), "A3 rings: " + ringing);

        // in a call: not removed (release it first)
        ChangeOutcome busy = change(new ProvisioningChange.RemoveLine("gw1", "A3"));
        assertEquals(409, busy.status(), busy.toString());
        assertEquals("termination", busy.field());
        gw1.onHook("A1");
        gw1.take();
        assertEquals(204, change(new ProvisioningChange.RemoveLine("gw1", "a3")).status(), "termination ids in any case");
        assertNull(sim.core.association().gateway("gw1").line("A3"));
        gw1.offHook("A2");
        gw1.dial("A2", "1003");
        assertTrue(sim.core.calls().calls().isEmpty(), "1003 is no number any more");
        // the gateway's next message about A3 is answered with 430 (unknown termination)
        assertTrue(gw1.offHook("A3").contains("430"), "refused");
    }

    @Test void aGatewayAddedRegistersAndARemovedOneIsForcedOutOfService() {
        ChangeOutcome o = change(new ProvisioningChange.AddGateway("gw2", "[127.0.0.1]:2946",
                List.of(new LineConfig("A1", "2001"))));
        assertEquals(201, o.status(), o.toString());
        SimGateway gw2 = new SimGateway(sim, "gw2", "[127.0.0.1]:2946", "udp:127.0.0.1:20001", 1_000_000L, "A1");
        sim.gateways.put(gw2.peer, gw2);
        gw2.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        assertEquals(GatewayState.IN_SERVICE, sim.core.association().gateway("gw2").state());
        gw1.offHook("A1");
        gw1.dial("A1", "2001");
        assertTrue(gw2.take().stream().anyMatch(s -> s.contains("al/ri")), "a call to the new gateway's line rings it");
        ChangeOutcome busy = change(new ProvisioningChange.RemoveGateway("gw2"));
        assertEquals(409, busy.status(), busy.toString());
        gw1.onHook("A1");
        gw2.take();

        assertEquals(204, change(new ProvisioningChange.RemoveGateway("gw2")).status());
        List<String> told = gw2.take();
        assertTrue(told.stream().anyMatch(s -> s.contains("SC=ROOT") && s.contains("MT=FO") && s.contains("905")),
                "ServiceChange Forced 905: " + told);
        assertNull(sim.core.association().gateway("gw2"));
        String refused = gw2.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        assertTrue(refused.contains("402"), refused);
    }

    @Test void badChangesAreRefusedNamingTheField() {
        assertOutcome(400, "number", change(new ProvisioningChange.AddStation("30a2", "bob", "0".repeat(32))));
        assertOutcome(400, "user", change(new ProvisioningChange.AddStation("3002", "bob smith", "0".repeat(32))));
        assertOutcome(400, "ha1", change(new ProvisioningChange.AddStation("3002", "bob", "xyz")));
        assertOutcome(400, "user", change(new ProvisioningChange.AddStation("3002", null, "0".repeat(32))));
        assertOutcome(409, "number", change(new ProvisioningChange.AddStation("1001", "bob", "0".repeat(32))));
        assertOutcome(409, "user", change(new ProvisioningChange.AddStation("3002", "alice", "0".repeat(32))));
        assertOutcome(409, "number", change(new ProvisioningChange.AddStation("30", "bob", "0".repeat(32))));
        assertOutcome(404, "number", change(new ProvisioningChange.RemoveStation("3999")));
        assertOutcome(404, "gateway", change(new ProvisioningChange.AddLine("gw9", "A1", "1009")));
        assertOutcome(409, "termination", change(new ProvisioningChange.AddLine("gw1", "A2", "1009")));
        assertOutcome(400, "termination", change(new ProvisioningChange.AddLine("gw1", "ROOT", "1009")));
        assertOutcome(409, "number", change(new ProvisioningChange.AddLine("gw1", "A3", "3001")));
        assertOutcome(404, "termination", change(new ProvisioningChange.RemoveLine("gw1", "A9")));
        assertOutcome(400, "mid", change(new ProvisioningChange.AddGateway("gw2", "not a mid", List.of())));
        assertOutcome(409, "mid", change(new ProvisioningChange.AddGateway("gw2", "[127.0.0.1]:2945", List.of())));
        assertOutcome(409, "name", change(new ProvisioningChange.AddGateway("gw1", "[127.0.0.1]:2950", List.of())));
        assertOutcome(400, "lines[1].number", change(new ProvisioningChange.AddGateway("gw2", "[127.0.0.1]:2950",
                List.of(new LineConfig("A1", "2001"), new LineConfig("A2", "2x")))));
        assertOutcome(404, "name", change(new ProvisioningChange.RemoveGateway("gw9")));
        sim.admin("provision", "{not json");
        assertOutcome(400, null, sim.core.lastProvisioningOutcome());
        // nothing of it stuck
        assertEquals(ProvisioningLoader.toJson(sim.provisioning), ProvisioningLoader.toJson(sim.core.provisioning()));
        assertEquals(0, sim.core.provisioningChangesAccepted());
    }

    @Test void aGatewayWhoseTrunksADialPlanNeedsIsNotRemoved() throws Exception {
        Sim trunked = new Sim("""
                gateways:
                  - name: gw9
                    mid: "[127.0.0.1]:2949"
                    trunks: [ { termination: T1, group: pstn } ]
                dialPlan: { trunkAccessCodes: [ { code: "9", group: pstn, digits: xxxx } ] }
                """);
        trunked.admin("provision", new ProvisioningChange.RemoveGateway("gw9").toJson().toString());
        assertOutcome(409, "name", trunked.core.lastProvisioningOutcome());
    }

    private static void assertOutcome(int status, String field, ChangeOutcome o) {
        assertEquals(status, o.status(), o.toString());
        assertEquals(field, o.field(), o.toString());
    }

    @Test void replayingTheEventLogReachesTheSameProvisioning(@TempDir Path dir) throws Exception {
        change(ProvisioningChange.station("3002", "bob", "builder", "holdfast"));
        change(new ProvisioningChange.AddLine("gw1", "A3", "1003"));
        gw1.offHook("A1");
        gw1.dial("A1", "1003");
        change(new ProvisioningChange.RemoveLine("gw1", "A3")); // refused: in a call
        gw1.onHook("A1");
        change(new ProvisioningChange.AddGateway("gw2", "[127.0.0.1]:2946", List.of(new LineConfig("A1", "2001"))));
        change(new ProvisioningChange.RemoveStation("3001"));
        change(new ProvisioningChange.RemoveLine("gw1", "A2"));
        sim.advance(5000);
        assertEquals(5, sim.core.provisioningChangesAccepted());
        assertEquals(1, sim.core.provisioningChangesRefused());

        Path log = dir.resolve("events.jsonl");
        Files.write(log, sim.eventLog(), StandardCharsets.UTF_8);
        ControllerCore[] replayed = new ControllerCore[1];
        List<String> commands = Replayer.replay(log, h -> replayed[0] = ControllerCore.fromLogHeader(h));
        assertEquals(sim.commandLog(), commands);
        assertEquals(ProvisioningLoader.toJson(sim.core.provisioning()), ProvisioningLoader.toJson(replayed[0].provisioning()));
        assertNull(replayed[0].sip().directory().byUser("alice"));
        assertNotNull(replayed[0].association().gateway("gw2"));
        assertEquals(List.of("A1", "A3"), replayed[0].association().gateway("gw1").lines().stream().map(l -> l.termination()).toList());
    }
}
