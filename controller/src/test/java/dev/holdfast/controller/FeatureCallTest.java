package dev.holdfast.controller;

import dev.holdfast.controller.call.Call;
import dev.holdfast.controller.call.CallStructure;
import dev.holdfast.controller.call.CallStructure.Role;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.ServiceChangeParm.MethodKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.holdfast.controller.BasicCallTest.norm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hook-flash features fed event by event in virtual time: the exact H.248 the controller sends, and the call's structure. */
class FeatureCallTest {
    Sim sim;
    SimGateway gw1;
    SimGateway gw2;

    @BeforeEach
    void registerBoth() throws Exception {
        sim = new Sim(BasicCallTest.CONFIG);
        gw1 = sim.gateway("gw1", "A1", "A2", "A3");
        gw2 = sim.gateway("gw2", "A1");
        gw1.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        gw2.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        gw1.take();
        gw2.take();
    }

    private Call call() { return sim.core.calls().calls().iterator().next(); }

    private static List<Role> roles(CallStructure s) { return s.roles().stream().map(CallStructure.Party::role).toList(); }

    @Test
    void holdRetrieveConsultAndConferenceOnOneGateway() {
        gw1.offHook("A1");
        gw1.dial("A1", "1002");
        gw1.offHook("A2");
        gw1.take();

        gw1.notify("A1", "al/fl");
        assertEquals(List.of("C=1{MF=A2{M{ST=1{O{MO=IN}}}},MF=A1{SG{cg/dt},E=#{al/on,al/fl,dd/ce{DM=dialplan}},DM=dialplan{T:16,S:4,L:16,(1xxx|2xxx)}}}"),
                norm(gw1.take()));
        assertEquals(List.of(Role.HOST, Role.HELD), roles(call().structure()));

        gw1.notify("A1", "al/fl");
        assertEquals(List.of("C=1{MF=A2{M{ST=1{O{MO=SR}}}},MF=A1{SG,E=#{al/on,al/fl}}}"), norm(gw1.take()));
        assertEquals(List.of(Role.CALLER, Role.CALLEE), roles(call().structure()));

        gw1.notify("A1", "al/fl");
        gw1.take();
        gw1.dial("A1", "1003");
        assertEquals(List.of("C=${A=A3{SG{al/ri},E=#{al/of},M{ST=1{O{MO=SR}}}},MV=A1{SG{cg/rt},E=#{al/on,al/fl},M{ST=1{O{MO=SR}}}}}"),
                norm(gw1.take()));
        CallStructure s = call().structure();
        assertEquals("CONSULT", s.feature());
        assertEquals(List.of(Role.HOST, Role.HELD, Role.CONSULTED), roles(s));
        assertEquals(List.of(new CallStructure.Leg("gw1", ContextId.of(1), List.of("A2")),
                new CallStructure.Leg("gw1", ContextId.of(2), List.of("A3", "A1"))), s.legs());

        gw1.offHook("A3");
        assertEquals(List.of("C=2{MF=A3{SG,E=#{al/on,al/fl}},MF=A1{SG,E=#{al/on,al/fl}}}"), norm(gw1.take()));

        gw1.notify("A1", "al/fl");
        assertEquals(List.of("C=2{MF=A3{M{ST=1{O{MO=IN}}}},MF=A1{SG{cg/dt},E=#{al/on,al/fl,dd/ce{DM=features}},DM=features{T:16,S:4,L:16,(x|E|F)}}}"),
                norm(gw1.take()));
        gw1.dial("A1", "3");
        assertEquals(List.of("C=2{MV=A2{M{ST=1{O{MO=SR}}}},MF=A3{M{ST=1{O{MO=SR}}}},MF=A1{SG,E=#{al/on,al/fl}}}"), norm(gw1.take()));
        s = call().structure();
        assertEquals("CONFERENCE", s.feature());
        assertEquals(List.of(new CallStructure.Leg("gw1", ContextId.of(2), List.of("A3", "A1", "A2"))), s.legs());
        assertEquals(List.of(Role.HOST, Role.CONFEREE, Role.CONFEREE), roles(s));
        assertEquals(List.of(List.of("A3", "A1", "A2")), List.copyOf(gw1.contexts.values()));

        // the host drops the party added last (flash, 2)
        gw1.notify("A1", "al/fl");
        gw1.take();
        gw1.dial("A1", "2");
        assertEquals(List.of("C=2{O-S=A3},C=-{MF=A3{SG{cg/bt},E=#{al/on}}},C=2{MF=A1{SG,E=#{al/on,al/fl}}}"), norm(gw1.take()));
        assertEquals(List.of("1001", "1002"), call().structure().parties());
    }

    private void connectIntra() {
        gw1.offHook("A1");
        gw1.dial("A1", "1002");
        gw1.offHook("A2");
        gw1.take();
    }

    @Test
    void consultationAcrossGatewaysThenTransferKeepsTheHeldPartysContext() {
        connectIntra();
        gw1.notify("A1", "al/fl");
        gw1.take();
        gw1.dial("A1", "2001");
        assertEquals(List.of("C=${A=R1{M{ST=1{O{MO=RC},L{v=0\r\nc=IN IP4 $\r\nm=audio $ RTP/AVP 0\r\n}}}},MV=A1{SG{cg/rt},E=#{al/on,al/fl},M{ST=1{O{MO=SR}}}}}".replace("R1{", "${"),
                "C=2{MF=R1{M{ST=1{R{v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 41004 RTP/AVP 0\r\n}}}}}"), norm(gw1.take()));
        assertEquals(List.of("C=${A=A1{SG{al/ri},E=#{al/of},M{ST=1{O{MO=SR}}}},A=${M{ST=1{O{MO=RC},L{v=0\r\nc=IN IP4 $\r\nm=audio $ RTP/AVP 0\r\n},R{v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 40004 RTP/AVP 0\r\n}}}}}"),
                norm(gw2.take()));
        CallStructure s = call().structure();
        assertEquals(List.of(Role.HOST, Role.HELD, Role.CONSULTED), roles(s));
        assertEquals(3, s.legs().size());
        assertEquals(1, s.igcs().size());
        assertEquals("gw2", s.igcs().get(0).a().farGateway());
        assertEquals(ContextId.of(2), s.igcs().get(0).b().farContext());

        gw2.offHook("A1");
        assertEquals(List.of("C=2{MF=R1{M{ST=1{O{MO=SR}}}},MF=A1{SG,E=#{al/on,al/fl}}}"), norm(gw1.take()));
        assertEquals(List.of("C=1{MF=A1{SG,E=#{al/on,al/fl}},MF=R1{M{ST=1{O{MO=SR}}}}}"), norm(gw2.take()));
        gw1.onHook("A1");   // transfer: A2 (held, on gw1) is moved next to the RTP termination toward gw2 A1
        assertEquals(List.of("C=2{MV=A2{SG,E=#{al/on,al/fl},M{ST=1{O{MO=SR}}}},O-S=A1},C=-{MF=A1{SG,E=#{al/of}}}"), norm(gw1.take()));
        assertEquals(List.of(), gw2.take());
        s = call().structure();
        assertEquals(List.of("1002", "2001"), s.parties());
        assertEquals(List.of(new CallStructure.Leg("gw1", ContextId.of(2), List.of("R1", "A2")),
                new CallStructure.Leg("gw2", ContextId.of(1), List.of("A1", "R1"))), s.legs());
        assertEquals(List.of(List.of("R1", "A2")), List.copyOf(gw1.contexts.values()));

        gw2.onHook("A1");
        assertEquals(List.of("C=2{O-S=R1{AT{SA}},O-S=A2},C=-{MF=A2{SG{cg/bt},E=#{al/on}}}"), norm(gw1.take()));
        assertEquals(List.of("C=1{O-S=A1,O-S=R1{AT{SA}}},C=-{MF=A1{SG,E=#{al/of}}}"), norm(gw2.take()));
        assertTrue(sim.core.calls().calls().isEmpty());
    }

    @Test
    void aBusyOrUnknownConsultationNumberGivesAToneAndAFlashStillRetrieves() {
        gw1.offHook("A3");  // A3 busy (dialling)
        connectIntra();
        gw1.notify("A1", "al/fl");
        gw1.take();
        gw1.dial("A1", "1003");
        assertEquals(List.of("C=1{MF=A1{SG{cg/bt},E=#{al/on,al/fl}}}"), norm(gw1.take()));
        gw1.dial("A1", "1999");
        assertEquals(List.of("C=1{MF=A1{SG{cg/ct},E=#{al/on,al/fl}}}"), norm(gw1.take()));
        gw1.notify("A1", "al/fl");
        assertEquals(List.of("C=1{MF=A2{M{ST=1{O{MO=SR}}}},MF=A1{SG,E=#{al/on,al/fl}}}"), norm(gw1.take()));
        assertEquals("NONE", call().structure().feature());
    }

    @Test
    void flashesAndDigitsFromOthersThanTheHostAreIgnored() {
        connectIntra();
        gw1.notify("A1", "al/fl");
        gw1.take();
        gw1.notify("A2", "al/fl");            // the held party flashes
        gw1.dial("A2", "1003");               // and dials
        assertEquals(List.of(), gw1.take());
        assertEquals("HOLD", call().structure().feature());
        gw1.notify("A1", "al/fl");
        gw1.take();
        // a flash while the call rings is nothing either
        gw1.offHook("A3");
        gw1.dial("A3", "2001");
        gw2.take();
        gw1.take();
        gw1.notify("A3", "al/fl");
        assertEquals(List.of(), gw1.take());
        assertEquals(List.of(), gw2.take());
    }

    @Test
    void noAnswerToTheConsultationTakesTheHostBackToTheHeldParty() {
        connectIntra();
        gw1.notify("A1", "al/fl");
        gw1.dial("A1", "1003");
        gw1.take();
        sim.advance(30_000);
        assertEquals(List.of("C=2{O-S=A3},C=-{MF=A3{SG,E=#{al/of}}},C=1{MV=A1{SG{cg/dt},E=#{al/on,al/fl,dd/ce{DM=dialplan}},DM=dialplan{T:16,S:4,L:16,(1xxx|2xxx)},M{ST=1{O{MO=SR}}}}}"),
                norm(gw1.take()));
        assertEquals("HOLD", call().structure().feature());
        assertEquals(List.of(Role.HOST, Role.HELD), roles(call().structure()));
        gw1.onHook("A1");   // the host gives up: the held party hears busy
        assertEquals(List.of("C=1{O-S=A2,O-S=A1},C=-{MF=A1{SG,E=#{al/of}},MF=A2{SG{cg/bt},E=#{al/on}}}"), norm(gw1.take()));
        assertTrue(sim.core.calls().calls().isEmpty());
    }

    @Test
    void theHeldPartyHangingUpDuringTheConsultationLeavesTheHostWithTheThirdParty() {
        connectIntra();
        gw1.notify("A1", "al/fl");
        gw1.dial("A1", "1003");
        gw1.offHook("A3");
        gw1.take();
        gw1.onHook("A2");
        assertEquals(List.of("C=1{O-S=A2},C=-{MF=A2{SG,E=#{al/of}}}"), norm(gw1.take()));
        CallStructure s = call().structure();
        assertEquals("NONE", s.feature());
        assertEquals(List.of("1001", "1003"), s.parties());
        assertEquals(List.of(new CallStructure.Leg("gw1", ContextId.of(2), List.of("A3", "A1"))), s.legs());
        gw1.onHook("A3");
        assertEquals(List.of("C=2{O-S=A3,O-S=A1},C=-{MF=A1{SG{cg/bt},E=#{al/on}},MF=A3{SG,E=#{al/of}}}"), norm(gw1.take()));
    }

    @Test
    void aGatewayRestartDuringAConsultationReleasesTheWholeCall() {
        connectIntra();
        gw1.notify("A1", "al/fl");
        gw1.dial("A1", "2001");
        gw1.take();
        gw2.take();
        gw2.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        assertTrue(sim.core.calls().calls().isEmpty());
        assertEquals(List.of("C=1{O-S=A2},C=2{O-S=R1{AT{SA}},O-S=A1},C=-{MF=A1{SG{cg/ct},E=#{al/on}},MF=A2{SG{cg/ct},E=#{al/on}}}"),
                norm(gw1.take()));
    }

    @Test
    void aConsultationToAnOutsideNumberSeizesATrunkAndTheHeldPartyCanBeTransferredThere() throws Exception {
        Sim ts = new Sim(TrunkCallTest.CONFIG);
        SimGateway g = ts.gateway("gw1", "A1", "A2", "A3", "T1", "T2");
        g.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        g.offHook("A1");
        g.dial("A1", "1002");
        g.offHook("A2");
        g.notify("A1", "al/fl");
        g.take();
        g.dial("A1", "95551");
        assertEquals(List.of(
                "C=${A=T1{SG{SL=1{dg/d5,dg/d5,dg/d5,dg/d1}},E=#{al/on},M{ST=1{O{MO=SR}}}},MV=A1{SG,E=#{al/on,al/fl},M{ST=1{O{MO=SR}}}}}",
                "C=2{MF=T1{E=#{al/on}},MF=A1{SG,E=#{al/on,al/fl}}}"), norm(g.take()));
        Call call = ts.core.calls().calls().iterator().next();
        assertEquals(List.of(Role.HOST, Role.HELD, Role.CONSULTED), roles(call.structure()));
        assertEquals("trunk:pstn/T1", call.structure().party(Role.CONSULTED).party());
        g.onHook("A1");
        assertEquals(List.of("C=2{MV=A2{SG,E=#{al/on,al/fl},M{ST=1{O{MO=SR}}}},O-S=A1},C=-{MF=A1{SG,E=#{al/of}}}"), norm(g.take()));
        assertEquals(List.of(List.of("T1", "A2")), List.copyOf(g.contexts.values()));
        g.onHook("T1");  // supervised: the far end's release ends it
        assertEquals(List.of("C=2{O-S=T1,O-S=A2},C=-{MF=A2{SG{cg/bt},E=#{al/on}},MF=T1{SG,E=#{al/of}}}"), norm(g.take()));
    }

    @Test
    void aGatewayRefusingAFeatureCommandReleasesTheCall() {
        connectIntra();
        gw1.notify("A1", "al/fl");
        gw1.dial("A1", "1003");
        gw1.offHook("A3");
        gw1.notify("A1", "al/fl");
        gw1.take();
        gw1.contexts.get(1L).remove("A2");   // the gateway lost the held line meanwhile
        gw1.dial("A1", "3");                 // Move=A2 is refused (430)
        List<String> sent = norm(gw1.take());
        assertEquals(2, sent.size(), sent.toString());
        assertEquals("C=2{MV=A2{M{ST=1{O{MO=SR}}}},MF=A3{M{ST=1{O{MO=SR}}}},MF=A1{SG,E=#{al/on,al/fl}}}", sent.get(0));
        // optimistic: the controller thought A2 moved; an optional Subtract of it is harmless
        assertEquals("C=2{O-S=A3,O-S=A1,O-S=A2},C=-{MF=A1{SG{cg/ct},E=#{al/on}},MF=A2{SG{cg/ct},E=#{al/on}},MF=A3{SG{cg/ct},E=#{al/on}}}",
                sent.get(1), "released with reorder");
        assertTrue(sim.core.calls().calls().isEmpty());
        assertEquals(0, sim.core.failures());
    }
}
