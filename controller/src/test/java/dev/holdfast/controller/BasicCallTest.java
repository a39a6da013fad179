package dev.holdfast.controller;

import dev.holdfast.controller.call.Call;
import dev.holdfast.controller.call.CallState;
import dev.holdfast.controller.call.CallStructure;
import dev.holdfast.controller.gateway.LineState;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.ServiceChangeParm.MethodKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Basic calls between analog lines, fed event by event in virtual time; each asserts what the controller sent. */
class BasicCallTest {
    static final String CONFIG = """
            gateways:
              - name: gw1
                mid: "[127.0.0.1]:2945"
                lines:
                  - { termination: A1, number: "1001" }
                  - { termination: A2, number: "1002" }
                  - { termination: A3, number: "1003" }
              - name: gw2
                mid: "[127.0.0.1]:2946"
                lines:
                  - { termination: A1, number: "2001" }
            timers: { noAnswerSeconds: 30, inactivityMillis: 0, gatewaySilenceMillis: 3600000 }
            """;

    Sim sim;
    SimGateway gw1;
    SimGateway gw2;

    @BeforeEach
    void registerBoth() throws Exception {
        sim = new Sim(CONFIG);
        gw1 = sim.gateway("gw1", "A1", "A2", "A3");
        gw2 = sim.gateway("gw2", "A1");
        gw1.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        gw2.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        gw1.take();
        gw2.take();
    }

    /** Replaces the request ids (E=n) by E=#, which tests need not pin down. */
    static List<String> norm(List<String> sent) {
        return sent.stream().map(s -> s.replaceAll("E=\\d+", "E=#")).toList();
    }

    @Test
    void intraGatewayCallFromOffHookToHangUp() {
        gw1.offHook("A1");
        assertEquals(List.of("C=-{MF=A1{SG{cg/dt},E=#{al/on,dd/ce{DM=dialplan}},DM=dialplan{T:16,S:4,L:16,(1xxx|2xxx)}}}"),
                norm(gw1.take()));
        assertEquals(LineState.DIALING, sim.core.association().gateway("gw1").line("A1").state());

        gw1.dial("A1", "1002");
        assertEquals(List.of("C=${A=A1{SG{cg/rt},E=#{al/on,al/fl},M{ST=1{O{MO=SR}}}},A=A2{SG{al/ri},E=#{al/of},M{ST=1{O{MO=SR}}}}}"),
                norm(gw1.take()));
        Call call = sim.core.calls().calls().iterator().next();
        assertEquals(CallState.RINGING, call.state());
        CallStructure s = call.structure();
        assertEquals(List.of(new CallStructure.Leg("gw1", ContextId.of(1), List.of("A1", "A2"))), s.legs());
        assertEquals(List.of(), s.igcs());
        assertEquals(List.of("1001", "1002"), s.parties());

        gw1.offHook("A2");
        assertEquals(List.of("C=1{MF=A2{SG,E=#{al/on,al/fl}},MF=A1{SG,E=#{al/on,al/fl}}}"), norm(gw1.take()));
        assertEquals(CallState.CONNECTED, call.state());

        gw1.onHook("A2");
        assertEquals(List.of("C=1{O-S=A1,O-S=A2},C=-{MF=A1{SG{cg/bt},E=#{al/on}},MF=A2{SG,E=#{al/of}}}"), norm(gw1.take()));
        assertTrue(sim.core.calls().calls().isEmpty());
        assertTrue(gw1.contexts.isEmpty(), "the gateway holds no context any more");

        gw1.onHook("A1");
        assertEquals(List.of("C=-{MF=A1{SG,E=#{al/of}}}"), norm(gw1.take()));
        assertEquals(LineState.IDLE, sim.core.association().gateway("gw1").line("A1").state());
        assertEquals(1, sim.core.calls().completedCalls());
        assertEquals(0, sim.core.services().pendingRequests());
        assertEquals(2, sim.core.services().runningTimers(), "only the two gateways' silence watchdogs");
    }

    /**
     * Issue 3's growing tail: the register's index of calls by gateway kept every call ever made (it was cleaned only
     * when a gateway was audited), so a controller under load kept tens of thousands of ended calls reachable.
     */
    @Test
    void endedCallsLeaveTheRegisterAndItsGatewayIndex() {
        for (int i = 0; i < 20; i++) {
            gw1.offHook("A1");
            gw1.dial("A1", i % 2 == 0 ? "1002" : "2001");
            SimGateway callee = i % 2 == 0 ? gw1 : gw2;
            callee.offHook(i % 2 == 0 ? "A2" : "A1");
            assertEquals(CallState.CONNECTED, sim.core.calls().calls().iterator().next().state());
            assertEquals(i % 2 == 0 ? 1 : 2, sim.core.calls().callsIndexedByGateway(), "the call, under each of its gateways");
            gw1.onHook("A1");
            callee.onHook(i % 2 == 0 ? "A2" : "A1");
            gw1.take();
            gw2.take();
        }
        assertEquals(20, sim.core.calls().completedCalls());
        assertTrue(sim.core.calls().calls().isEmpty());
        assertEquals(0, sim.core.calls().callsIndexedByGateway(), "no ended call is kept by the gateway index");
    }

    @Test
    void aBusyLineGivesBusyTone() {
        gw1.offHook("A1");
        gw1.dial("A1", "1002");
        gw1.offHook("A3");
        gw1.take();
        gw1.dial("A3", "1002");   // ringing already
        assertEquals(List.of("C=-{MF=A3{SG{cg/bt},E=#{al/on}}}"), norm(gw1.take()));
        assertEquals(LineState.LOCKOUT, sim.core.association().gateway("gw1").line("A3").state());
        gw1.onHook("A3");
        assertEquals(List.of("C=-{MF=A3{SG,E=#{al/of}}}"), norm(gw1.take()));
        gw1.offHook("A3");
        gw1.take();
        gw1.dial("A3", "1003");   // calling yourself
        assertEquals(List.of("C=-{MF=A3{SG{cg/bt},E=#{al/on}}}"), norm(gw1.take()));
    }

    @Test
    void anInvalidNumberGivesReorderTone() {
        gw1.offHook("A1");
        gw1.take();
        gw1.dial("A1", "1999");
        assertEquals(List.of("C=-{MF=A1{SG{cg/ct},E=#{al/on}}}"), norm(gw1.take()));
        assertTrue(sim.core.calls().calls().isEmpty());
    }

    @Test
    void anInvalidNumberCanGetAnAnnouncement() throws Exception {
        sim = new Sim(CONFIG + "dialPlan: { invalidNumber: { treatment: announcement, announcement: \"17\" } }\n");
        gw1 = sim.gateway("gw1", "A1", "A2", "A3");
        gw1.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        gw1.offHook("A1");
        gw1.take();
        gw1.dial("A1", "555");
        assertEquals(List.of("C=-{MF=A1{SG{an/apf{an=17}},E=#{al/on}}}"), norm(gw1.take()));
    }

    @Test
    void noAnswerReleasesTheCallAfterTheTimer() {
        gw1.offHook("A1");
        gw1.dial("A1", "1002");
        gw1.take();
        sim.advance(29_999);
        assertEquals(List.of(), gw1.take());
        sim.advance(1);
        assertEquals(List.of("C=1{O-S=A1,O-S=A2},C=-{MF=A1{SG{cg/ct},E=#{al/on}},MF=A2{SG,E=#{al/of}}}"), norm(gw1.take()));
        assertTrue(sim.core.calls().calls().isEmpty());
    }

    @Test
    void theCallerAbandonsDuringRinging() {
        gw1.offHook("A1");
        gw1.dial("A1", "1002");
        gw1.take();
        gw1.onHook("A1");
        assertEquals(List.of("C=1{O-S=A1,O-S=A2},C=-{MF=A1{SG,E=#{al/of}},MF=A2{SG,E=#{al/of}}}"), norm(gw1.take()));
        assertEquals(2, sim.core.services().runningTimers(), "the no-answer timer is cancelled, the watchdogs run");
        assertEquals(0, sim.core.calls().completedCalls());
    }

    @Test
    void hangingUpWhileDialingRearmsTheLine() {
        gw1.offHook("A1");
        gw1.take();
        gw1.onHook("A1");
        assertEquals(List.of("C=-{MF=A1{SG,E=#{al/of}}}"), norm(gw1.take()));
    }

    @Test
    void aHangUpThatCrossesTheContextCreationIsReleasedOnceTheContextExists() {
        gw1.offHook("A1");
        gw1.take();
        // the gateway is slow: the Add is not answered before the caller hangs up
        gw1.alive = false;
        gw1.dial("A1", "1002");
        gw1.alive = true;
        gw1.onHook("A1");
        assertEquals(1, sim.unanswered.size());
        var add = sim.unanswered.remove(0);
        var reply = gw1.execute(add);
        sim.route(sim.driver.inject(t -> new dev.holdfast.controller.core.Event.ReplyReceived(t, add.token(), reply)));
        List<String> sent = norm(gw1.take());
        assertEquals("C=1{O-S=A1,O-S=A2},C=-{MF=A1{SG,E=#{al/of}},MF=A2{SG,E=#{al/of}}}", sent.get(sent.size() - 1));
        assertTrue(sim.core.calls().calls().isEmpty());
        assertTrue(gw1.contexts.isEmpty());
    }

    @Test
    void interGatewayCallExchangesSdpThroughAnIgc() {
        gw1.offHook("A1");
        gw1.dial("A1", "2001");
        List<String> toGw1 = norm(gw1.take());
        List<String> toGw2 = norm(gw2.take());
        String offer = "v=0\r\nc=IN IP4 $\r\nm=audio $ RTP/AVP 0\r\n";
        String gw1Sdp = "v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 40004 RTP/AVP 0\r\n";
        String gw2Sdp = "v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 41004 RTP/AVP 0\r\n";
        assertEquals(List.of(
                "C=-{MF=A1{SG{cg/dt},E=#{al/on,dd/ce{DM=dialplan}},DM=dialplan{T:16,S:4,L:16,(1xxx|2xxx)}}}",
                ("C=${A=A1{SG{cg/rt},E=#{al/on,al/fl},M{ST=1{O{MO=SR}}}},A=${M{ST=1{O{MO=RC},L{" + offer + "}}}}}"),
                "C=1{MF=R1{M{ST=1{R{" + gw2Sdp + "}}}}}"), toGw1.stream().map(BasicCallTest::crlf).toList());
        assertEquals(List.of(
                "C=${A=A1{SG{al/ri},E=#{al/of},M{ST=1{O{MO=SR}}}},A=${M{ST=1{O{MO=RC},L{" + offer + "},R{" + gw1Sdp + "}}}}}"),
                toGw2.stream().map(BasicCallTest::crlf).toList());

        Call call = sim.core.calls().calls().iterator().next();
        CallStructure s = call.structure();
        assertEquals(List.of(new CallStructure.Leg("gw1", ContextId.of(1), List.of("A1", "R1")),
                new CallStructure.Leg("gw2", ContextId.of(1), List.of("A1", "R1"))), s.legs());
        CallStructure.Igc igc = s.igcs().get(0);
        assertEquals(new CallStructure.IgcEnd("gw1", ContextId.of(1), "R1", gw1Sdp, gw2Sdp, "gw2", ContextId.of(1)), crlf(igc.a()));
        assertEquals(new CallStructure.IgcEnd("gw2", ContextId.of(1), "R1", gw2Sdp, gw1Sdp, "gw1", ContextId.of(1)), crlf(igc.b()));

        gw2.offHook("A1");
        assertEquals(List.of("C=1{MF=A1{SG,E=#{al/on,al/fl}},MF=R1{M{ST=1{O{MO=SR}}}}}"), norm(gw2.take()));
        assertEquals(List.of("C=1{MF=A1{SG,E=#{al/on,al/fl}},MF=R1{M{ST=1{O{MO=SR}}}}}"), norm(gw1.take()));

        gw1.onHook("A1");
        assertEquals(List.of("C=1{O-S=A1,O-S=R1{AT{SA}}},C=-{MF=A1{SG,E=#{al/of}}}"), norm(gw1.take()));
        assertEquals(List.of("C=1{O-S=A1,O-S=R1{AT{SA}}},C=-{MF=A1{SG{cg/bt},E=#{al/on}}}"), norm(gw2.take()));
        assertTrue(gw1.contexts.isEmpty() && gw2.contexts.isEmpty());
    }

    @Test
    void theCalledGatewayRefusingTheSetupReleasesTheCallerSide() {
        gw2.terminations.clear();  // gw2 no longer has A1: its Add fails with 430
        gw1.offHook("A1");
        gw1.dial("A1", "2001");
        List<String> toGw1 = norm(gw1.take());
        assertEquals("C=1{O-S=A1,O-S=R1{AT{SA}}},C=-{MF=A1{SG{cg/ct},E=#{al/on}}}", toGw1.get(toGw1.size() - 1));
        assertTrue(sim.core.calls().calls().isEmpty());
        assertEquals(LineState.IDLE, sim.core.association().gateway("gw2").line("A1").state());
    }

    @Test
    void anOperatorCanReleaseACall() {
        gw1.offHook("A1");
        gw1.dial("A1", "1002");
        gw1.offHook("A2");
        gw1.take();
        sim.admin("release-call", "1");
        assertEquals(List.of("C=1{O-S=A1,O-S=A2},C=-{MF=A1{SG{cg/ct},E=#{al/on}},MF=A2{SG{cg/ct},E=#{al/on}}}"), norm(gw1.take()));
    }

    private static String crlf(String s) { return s.replace("\r\n", "\n").replace("\n", "\r\n"); }

    private static CallStructure.IgcEnd crlf(CallStructure.IgcEnd e) {
        return new CallStructure.IgcEnd(e.gateway(), e.context(), e.termination(), crlf(e.localSdp()),
                crlf(e.remoteSdp()), e.farGateway(), e.farContext());
    }
}
