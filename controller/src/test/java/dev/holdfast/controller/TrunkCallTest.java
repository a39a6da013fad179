package dev.holdfast.controller;

import dev.holdfast.controller.call.Call;
import dev.holdfast.controller.call.CallState;
import dev.holdfast.controller.gateway.LineState;
import dev.holdfast.h248.message.ServiceChangeParm.MethodKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.holdfast.controller.BasicCallTest.norm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Trunk calls: outgoing and incoming seizure, with and without disconnect supervision. */
class TrunkCallTest {
    static final String CONFIG = """
            gateways:
              - name: gw1
                mid: "[127.0.0.1]:2945"
                lines:
                  - { termination: A1, number: "1001" }
                  - { termination: A2, number: "1002" }
                  - { termination: A3, number: "1003" }
                trunks:
                  - { termination: T1, group: pstn, disconnectSupervision: true }
                  - { termination: T2, group: pstn, disconnectSupervision: false }
            dialPlan:
              trunkAccessCodes:
                - { code: "9", group: pstn, digits: xxxx }
            timers: { inactivityMillis: 0, gatewaySilenceMillis: 3600000 }
            """;

    Sim sim;
    SimGateway gw1;

    @BeforeEach
    void register() throws Exception {
        sim = new Sim(CONFIG);
        gw1 = sim.gateway("gw1", "A1", "A2", "A3", "T1", "T2");
        gw1.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        List<String> setup = norm(gw1.take());
        assertEquals("C=-{MF=A1{SG,E=#{al/of}},MF=A2{SG,E=#{al/of}},MF=A3{SG,E=#{al/of}},MF=T1{SG,E=#{al/of}},MF=T2{SG,E=#{al/of}}}",
                setup.get(setup.size() - 1), "trunks are armed for incoming seizure like lines for off-hook");
    }

    @Test
    void anOutgoingCallSeizesATrunkSendsTheNumberAndIsConnectedAtOnce() {
        gw1.offHook("A1");
        gw1.take();
        gw1.dial("A1", "95551");
        assertEquals(List.of(
                "C=${A=A1{SG,E=#{al/on,al/fl},M{ST=1{O{MO=SR}}}},A=T1{SG{SL=1{dg/d5,dg/d5,dg/d5,dg/d1}},E=#{al/on},M{ST=1{O{MO=SR}}}}}",
                "C=1{MF=T1{E=#{al/on}},MF=A1{SG,E=#{al/on,al/fl}}}"), norm(gw1.take()));
        Call c = sim.core.calls().calls().iterator().next();
        assertEquals(CallState.CONNECTED, c.state());
        assertEquals(List.of("1001", "trunk:pstn/T1:5551"), c.structure().parties());
        gw1.onHook("A1");
        assertEquals(List.of("C=1{O-S=A1,O-S=T1},C=-{MF=A1{SG,E=#{al/of}},MF=T1{SG,E=#{al/of}}}"), norm(gw1.take()));
        assertEquals(LineState.IDLE, sim.core.association().gateway("gw1").line("T1").state());
    }

    @Test
    void busyTrunksAreSkippedAndAllBusyGivesReorder() {
        gw1.offHook("A1");
        gw1.dial("A1", "95551");
        gw1.offHook("A2");
        gw1.dial("A2", "95552");
        assertEquals(1, gw1.receivedContaining("A=T2{SG{SL=1{dg/d5,dg/d5,dg/d5,dg/d2}}").size());
        gw1.offHook("A3");
        gw1.take();
        gw1.dial("A3", "95553");
        assertEquals(List.of("C=-{MF=A3{SG{cg/ct},E=#{al/on}}}"), norm(gw1.take()));
    }

    @Test
    void aSupervisedTrunkReleasesTheCallWhenTheFarEndHangsUp() {
        gw1.offHook("A1");
        gw1.dial("A1", "95551");
        gw1.take();
        gw1.onHook("T1");
        assertEquals(List.of("C=1{O-S=A1,O-S=T1},C=-{MF=A1{SG{cg/bt},E=#{al/on}},MF=T1{SG,E=#{al/of}}}"), norm(gw1.take()));
    }

    @Test
    void aTrunkWithoutDisconnectSupervisionIsReleasedOnlyByTheOtherParty() {
        gw1.offHook("A1");
        gw1.dial("A1", "95551");   // T1
        gw1.offHook("A2");
        gw1.dial("A2", "95552");   // T2, unsupervised
        gw1.take();
        gw1.onHook("T2");          // not believed
        assertEquals(List.of(), gw1.take());
        assertEquals(2, sim.core.calls().calls().size());
        gw1.onHook("A2");
        assertEquals(List.of("C=2{O-S=A2,O-S=T2},C=-{MF=A2{SG,E=#{al/of}},MF=T2{SG,E=#{al/of}}}"), norm(gw1.take()));
    }

    @Test
    void anIncomingSeizureCollectsTheNumberAndRingsTheLine() {
        gw1.offHook("T1");
        assertEquals(List.of("C=-{MF=T1{E=#{al/on,dd/ce{DM=dialplan}},DM=dialplan{T:16,S:4,L:16,(1xxx|9xxxx)}}}"), norm(gw1.take()));
        gw1.dial("T1", "1002");
        assertEquals(List.of("C=${A=T1{SG{cg/rt},E=#{al/on},M{ST=1{O{MO=SR}}}},A=A2{SG{al/ri},E=#{al/of},M{ST=1{O{MO=SR}}}}}"),
                norm(gw1.take()));
        gw1.offHook("A2");
        assertEquals(List.of("C=1{MF=A2{SG,E=#{al/on,al/fl}},MF=T1{SG,E=#{al/on}}}"), norm(gw1.take()));
        gw1.onHook("A2");
        assertEquals(List.of("C=1{O-S=T1,O-S=A2},C=-{MF=T1{SG,E=#{al/of}},MF=A2{SG,E=#{al/of}}}"), norm(gw1.take()));
        assertTrue(sim.core.calls().calls().isEmpty());
    }

    @Test
    void anIncomingCallForANumberWeDoNotHaveGetsReorderAndTheCircuitIsFreed() {
        gw1.offHook("T2");
        gw1.dial("T2", "1999");
        gw1.take();
        sim.advance(9_999);
        assertEquals(List.of(), gw1.take());
        sim.advance(1);
        assertEquals(List.of("C=-{MF=T2{SG,E=#{al/of}}}"), norm(gw1.take()));
        assertEquals(LineState.IDLE, sim.core.association().gateway("gw1").line("T2").state());
    }
}
