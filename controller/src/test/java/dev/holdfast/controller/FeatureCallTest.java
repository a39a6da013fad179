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
}
