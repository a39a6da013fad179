package dev.holdfast.controller;

import dev.holdfast.controller.gateway.Gateway;
import dev.holdfast.controller.gateway.GatewayState;
import dev.holdfast.controller.gateway.LineState;
import dev.holdfast.controller.core.Event;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.ServiceChangeParm;
import dev.holdfast.h248.message.ServiceChangeParm.MethodKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Gateway association in virtual time: registration, refusal, audit, heartbeats, loss and return. */
class GatewayAssociationTest {
    static final String CONFIG = """
            gateways:
              - name: gw1
                mid: "[127.0.0.1]:2945"
                address: 127.0.0.1
                lines:
                  - { termination: A1, number: "1001" }
                  - { termination: A2, number: "1002" }
              - name: gw2
                mid: "<mg2.example.net>:2944"
                address: "127.0.0.1:2946"
                lines:
                  - { termination: A1, number: "2001" }
                  - { termination: A9, number: "2009" }
            timers: { inactivityMillis: 5000, gatewaySilenceMillis: 15000 }
            """;

    private static String gatewayLoss(String policy) {
        return CONFIG + "gatewayLoss: { policy: " + policy + ", holdSeconds: 120 }\n";
    }

    /** The other gateway's silence probes, which these tests do not look at. */
    static List<String> withoutProbes(List<String> sent) {
        return sent.stream().filter(s -> !s.equals("C=-{AV=ROOT{AT{}}}")).toList();
    }

    @Test
    void aProvisionedGatewayIsAcceptedAuditedGivenItsHeartbeatAndItsLinesArmed() throws Exception {
        Sim sim = new Sim(CONFIG);
        SimGateway gw1 = sim.gateway("gw1", "A1", "A2");
        String reply = gw1.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        assertTrue(reply.endsWith("P=1000{C=-{SC=ROOT}}"), reply);
        assertEquals(List.of(
                "C=-{AV=ROOT{AT{PG}}}",
                "C=-{O-AV=A1{AT{}},O-AV=A2{AT{}}}",
                "C=-{MF=ROOT{E=1{it/ito{mit=500}}},O-MF=ROOT{M{TS{it/mit=500}}}}",
                "C=-{MF=A1{SG,E=2{al/of}},MF=A2{SG,E=3{al/of}}}"), gw1.take());
        Gateway g = sim.core.association().gateway("gw1");
        assertEquals(GatewayState.IN_SERVICE, g.state());
        assertEquals("udp:127.0.0.1:2945".replace("2945", g.peer().substring(g.peer().lastIndexOf(':') + 1)), g.peer());
        assertEquals(LineState.IDLE, g.line("a1").state());
    }

    static final String COOKIES = "cookies: { current: 1, keys: [ { id: 1, secret: \"Z2F0ZXdheS1hc3NvY2lhdGlvbi10ZXN0LWtleS0wMzI=\" } ] }\n";

    /**
     * A gateway failing over with its state is sent its whole setup (ROOT audit, line audits, the inactivity timer)
     * and the context-id audit of the merge in the step that accepts its ServiceChange, none waiting for another's
     * answer: one after the other they were four round trips before its contexts' audit began (docs/drill.md,
     * session 10). The gateway here answers nothing, so what it received is exactly what that one step sent.
     */
    @Test
    void aGatewayFailingOverIsSentItsSetupAndItsContextIdAuditAtOnce() throws Exception {
        Sim sim = new Sim(CONFIG + COOKIES);
        SimGateway gw1 = sim.gateway("gw1", "A1", "A2");
        gw1.alive = false;
        String reply = gw1.serviceChange(MethodKind.FAILOVER, "909 MGC Impending Failure");
        assertTrue(reply.endsWith("P=1000{C=-{SC=ROOT}}"), reply);
        assertEquals(List.of(
                "C=-{AV=ROOT{AT{PG}}}",
                "C=-{O-AV=A1{AT{}},O-AV=A2{AT{}}}",
                "C=-{MF=ROOT{E=1{it/ito{mit=500}}},O-MF=ROOT{M{TS{it/mit=500}}}}",
                "C=*{O-AV=ROOT{AT{}}}"), gw1.take());
        assertEquals(GatewayState.REGISTERING, sim.core.association().gateway("gw1").state());
    }

    /** ... and once it is in service its contexts are audited from those ids: they are not asked a second time. */
    @Test
    void theContextIdsAskedWithAFailoverAreTheOnesTheMergeAudits() throws Exception {
        Sim sim = new Sim(CONFIG + COOKIES);
        SimGateway gw1 = sim.gateway("gw1", "A1", "A2");
        gw1.serviceChange(MethodKind.FAILOVER, "909 MGC Impending Failure");
        List<String> sent = gw1.take();
        assertEquals(1, sent.stream().filter(r -> r.startsWith("C=*{")).count(), sent.toString());
        assertEquals(GatewayState.IN_SERVICE, sim.core.association().gateway("gw1").state());
        // a registration without its state (a restart) has no contexts to merge: no context-id audit
        SimGateway gw2 = sim.gateway("gw2", "A1", "A9");
        gw2.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        assertEquals(0, gw2.take().stream().filter(r -> r.startsWith("C=*{")).count());
    }

    @Test
    void aLineTheGatewayDoesNotHaveIsTakenOutOfService() throws Exception {
        Sim sim = new Sim(CONFIG);
        SimGateway gw2 = sim.gateway("gw2", "A1"); // A9 is provisioned but the gateway has no such termination
        gw2.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        List<String> sent = gw2.take();
        assertEquals("C=-{O-AV=A1{AT{}},O-AV=A9{AT{}}}", sent.get(1));
        assertEquals("C=-{MF=A1{SG,E=2{al/of}}}", sent.get(3));
        assertEquals(LineState.OUT_OF_SERVICE, sim.core.association().gateway("gw2").line("A9").state());
    }

    @Test
    void anUnknownMidIsRefusedWithError402() throws Exception {
        Sim sim = new Sim(CONFIG);
        SimGateway stranger = sim.stranger("[127.0.0.1]:3999", "udp:127.0.0.1:3999");
        String reply = stranger.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        assertTrue(reply.contains("SC=ROOT{ER=402{\"mId [127.0.0.1]:3999 is not provisioned\"}}"), reply);
        assertTrue(stranger.received.isEmpty(), "nothing is sent to a refused gateway");
    }

    @Test
    void aProvisionedMidFromAnUnexpectedAddressIsRefusedWithError402() throws Exception {
        Sim sim = new Sim(CONFIG);
        // gw2 must come from 127.0.0.1:2946
        SimGateway impostor = sim.stranger("<mg2.example.net>", "udp:127.0.0.1:5555");
        String reply = impostor.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        assertTrue(reply.contains("SC=ROOT{ER=402{\"messages for <mg2.example.net> are not accepted from udp:127.0.0.1:5555\"}}"), reply);
        assertEquals(GatewayState.UNREGISTERED, sim.core.association().gateway("gw2").state());
        SimGateway real = sim.gateway("gw2", "A1", "A9");
        assertTrue(real.serviceChange(MethodKind.RESTART, "901 Cold Boot").endsWith("{C=-{SC=ROOT}}"));
    }

    @Test
    void aNotifyBeforeRegistrationIsRefused() throws Exception {
        Sim sim = new Sim(CONFIG);
        SimGateway gw1 = sim.gateway("gw1", "A1", "A2");
        String reply = gw1.offHook("A1");
        assertTrue(reply.contains("ER=402{\"gw1 is not registered: send ServiceChange first\"}"), reply);
    }

    @Test
    void aVersion2RegistrationIsAnsweredWithTheVersionWeSpeak() throws Exception {
        Sim sim = new Sim(CONFIG);
        SimGateway gw1 = sim.gateway("gw1", "A1", "A2");
        String reply = gw1.serviceChange(2, "ROOT", MethodKind.RESTART, "901 Cold Boot", new ServiceChangeParm.Version(2));
        assertTrue(reply.endsWith("SC=ROOT{SV{V=1}}}}"), reply);
    }

    @Test
    void theInactivityNotifyIsAnswered() throws Exception {
        Sim sim = new Sim(CONFIG);
        SimGateway gw1 = sim.gateway("gw1", "A1", "A2");
        gw1.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        String reply = gw1.notify("ROOT", "it/ito");
        assertTrue(reply.endsWith("{C=-{N=ROOT}}"), reply);
    }

    @Test
    void aSilentGatewayIsProbedAndHeardNotifiesPutOffTheProbe() throws Exception {
        Sim sim = new Sim(CONFIG);
        SimGateway gw1 = sim.gateway("gw1", "A1", "A2");
        gw1.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        gw1.take();
        sim.advance(10_000);
        gw1.notify("ROOT", "it/ito");         // heard at 10 s: the probe moves to 25 s
        sim.advance(14_000);
        assertEquals(List.of(), gw1.take());
        sim.advance(1_000);
        assertEquals(List.of("C=-{AV=ROOT{AT{}}}"), gw1.take());
        assertEquals(GatewayState.IN_SERVICE, sim.core.association().gateway("gw1").state());
    }

    @Test
    void aGatewayThatStopsAnsweringIsLostAndItsCallsAreCleanedUp() throws Exception {
        Sim sim = new Sim(gatewayLoss("cleanup"));
        SimGateway gw1 = sim.gateway("gw1", "A1", "A2");
        SimGateway gw2 = sim.gateway("gw2", "A1", "A9");
        gw1.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        gw2.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        CallScenarios.interGatewayCallConnected(gw1, gw2);
        assertEquals(1, sim.core.calls().calls().size());
        gw1.take();
        gw2.take();
        gw1.alive = false;
        sim.advance(15_000);
        assertEquals(List.of("C=-{AV=ROOT{AT{}}}"), gw1.take());
        sim.timeOutUnanswered();
        assertEquals(GatewayState.LOST, sim.core.association().gateway("gw1").state());
        assertTrue(sim.core.calls().calls().isEmpty());
        // the far end is released: its context subtracted, the off-hook party hears reorder
        List<String> sent = withoutProbes(gw2.take());
        assertEquals(1, sent.size(), sent.toString());
        assertTrue(sent.get(0).matches("C=\\d+\\{O-S=A1,O-S=R1\\{AT\\{SA}}},C=-\\{MF=A1\\{SG\\{cg/ct},E=\\d+\\{al/on}}}"), sent.get(0));
        assertTrue(gw1.received.isEmpty(), "nothing more is sent to the lost gateway");
    }

    @Test
    void withTheHoldPolicyCallsSurviveALossAndContinueWhenTheGatewayReturnsWithItsState() throws Exception {
        Sim sim = new Sim(gatewayLoss("hold"));
        SimGateway gw1 = sim.gateway("gw1", "A1", "A2");
        SimGateway gw2 = sim.gateway("gw2", "A1", "A9");
        gw1.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        gw2.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        CallScenarios.interGatewayCallConnected(gw1, gw2);
        gw1.take();
        gw2.take();
        gw1.alive = false;
        sim.advance(15_000);
        sim.timeOutUnanswered();
        assertEquals(GatewayState.LOST, sim.core.association().gateway("gw1").state());
        assertEquals(1, sim.core.calls().calls().size(), "held");
        assertEquals(List.of(), withoutProbes(gw2.take()));
        gw1.alive = true;
        gw1.take();
        String reply = gw1.serviceChange(MethodKind.DISCONNECTED, "900 Service Restored");
        assertTrue(reply.endsWith("{C=-{SC=ROOT}}"), reply);
        assertEquals(GatewayState.IN_SERVICE, sim.core.association().gateway("gw1").state());
        List<String> sent = gw1.take();
        // audited again; only the idle line A2 is armed, A1 stays in its call
        assertEquals("C=-{MF=A2{SG,E=" + sent.get(3).replaceAll(".*E=(\\d+).*", "$1") + "{al/of}}}", sent.get(3));
        assertEquals(1, sim.core.calls().calls().size());
        // the call goes on: a hang-up releases it on both gateways
        gw1.onHook("A1");
        assertTrue(sim.core.calls().calls().isEmpty());
        assertEquals(1, gw2.receivedContaining("O-S=A1,O-S=R1").size());
    }

    @Test
    void withTheHoldPolicyAGatewayReturningWithARestartReleasesItsHeldCalls() throws Exception {
        Sim sim = new Sim(gatewayLoss("hold"));
        SimGateway gw1 = sim.gateway("gw1", "A1", "A2");
        SimGateway gw2 = sim.gateway("gw2", "A1", "A9");
        gw1.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        gw2.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        CallScenarios.interGatewayCallConnected(gw1, gw2);
        gw1.alive = false;
        sim.advance(15_000);
        sim.timeOutUnanswered();
        gw2.take();
        gw1.alive = true;
        gw1.contexts.clear();
        gw1.take();
        gw1.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        assertTrue(sim.core.calls().calls().isEmpty());
        assertEquals(1, gw2.receivedContaining("O-S=A1,O-S=R1").size());
        assertTrue(gw1.receivedContaining("MF=A1{SG,E=").size() == 1, "both lines re-armed after the restart");
    }

    @Test
    void heldCallsAreReleasedWhenTheGatewayDoesNotComeBackInTime() throws Exception {
        Sim sim = new Sim(gatewayLoss("hold"));
        SimGateway gw1 = sim.gateway("gw1", "A1", "A2");
        SimGateway gw2 = sim.gateway("gw2", "A1", "A9");
        gw1.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        gw2.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        CallScenarios.interGatewayCallConnected(gw1, gw2);
        gw1.alive = false;
        sim.advance(15_000);
        sim.timeOutUnanswered();
        gw2.take();
        sim.advance(119_000);
        assertEquals(1, sim.core.calls().calls().size());
        sim.advance(1_000);
        assertTrue(sim.core.calls().calls().isEmpty());
        assertEquals(1, gw2.receivedContaining("O-S=A1,O-S=R1").size());
    }

    @Test
    void aClosedConnectionLosesTheGateway() throws Exception {
        Sim sim = new Sim(gatewayLoss("cleanup"));
        SimGateway gw1 = sim.gateway("gw1", "A1", "A2");
        gw1.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        sim.route(sim.driver.inject(t -> new Event.PeerLost(t, gw1.peer)));
        assertEquals(GatewayState.LOST, sim.core.association().gateway("gw1").state());
        assertEquals(LineState.UNARMED, sim.core.association().gateway("gw1").line("A1").state());
    }

    @Test
    void forcedTakesTheGatewayOutOfServiceAndReleasesItsCalls() throws Exception {
        Sim sim = new Sim(CONFIG);
        SimGateway gw1 = sim.gateway("gw1", "A1", "A2");
        SimGateway gw2 = sim.gateway("gw2", "A1", "A9");
        gw1.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        gw2.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        CallScenarios.interGatewayCallConnected(gw1, gw2);
        gw1.take();
        gw2.take();
        String reply = gw1.serviceChange(MethodKind.FORCED, "905 Termination taken out of service");
        assertTrue(reply.endsWith("{C=-{SC=ROOT}}"), reply);
        assertEquals(GatewayState.OUT_OF_SERVICE, sim.core.association().gateway("gw1").state());
        assertTrue(sim.core.calls().calls().isEmpty());
        assertEquals(List.of(), gw1.take());
        assertEquals(1, gw2.receivedContaining("O-S=A1,O-S=R1").size());
        assertTrue(gw1.offHook("A1").contains("ER=402"), "out of service until it registers again");
    }

    @Test
    void gracefulWithADelayKeepsCallsUntilTheDelayRunsOut() throws Exception {
        Sim sim = new Sim(CONFIG);
        SimGateway gw1 = sim.gateway("gw1", "A1", "A2");
        SimGateway gw2 = sim.gateway("gw2", "A1", "A9");
        gw1.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        gw2.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        CallScenarios.interGatewayCallConnected(gw1, gw2);
        gw1.serviceChange(MethodKind.GRACEFUL, "905 Termination taken out of service", new ServiceChangeParm.Delay(30_000));
        Gateway g = sim.core.association().gateway("gw1");
        assertEquals(GatewayState.DRAINING, g.state());
        gw1.take();
        gw1.offHook("A2");
        assertEquals(1, gw1.receivedContaining("MF=A2{SG{cg/ct}").size(), "no new calls while draining");
        sim.advance(29_000);
        assertEquals(1, sim.core.calls().calls().size());
        sim.advance(1_000);
        assertEquals(GatewayState.OUT_OF_SERVICE, g.state());
        assertTrue(sim.core.calls().calls().isEmpty());
    }

    @Test
    void gracefulWithoutADelayEndsWithTheLastCall() throws Exception {
        Sim sim = new Sim(CONFIG);
        SimGateway gw1 = sim.gateway("gw1", "A1", "A2");
        SimGateway gw2 = sim.gateway("gw2", "A1", "A9");
        gw1.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        gw2.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        CallScenarios.interGatewayCallConnected(gw1, gw2);
        gw1.serviceChange(MethodKind.GRACEFUL, "905 Termination taken out of service");
        Gateway g = sim.core.association().gateway("gw1");
        assertEquals(GatewayState.DRAINING, g.state());
        gw2.onHook("A1");
        assertEquals(GatewayState.OUT_OF_SERVICE, g.state());
    }

    @Test
    void aLineTakenOutOfServiceByItsGatewayIsNotCalled() throws Exception {
        Sim sim = new Sim(CONFIG);
        SimGateway gw1 = sim.gateway("gw1", "A1", "A2");
        gw1.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        assertTrue(gw1.serviceChange(1, "A2", MethodKind.FORCED, "904 Termination malfunctioning").endsWith("{C=-{SC=A2}}"));
        gw1.take();
        gw1.offHook("A1");
        gw1.dial("A1", "1002");
        assertEquals(1, gw1.receivedContaining("MF=A1{SG{cg/bt}").size());
        gw1.onHook("A1");
        gw1.serviceChange(1, "A2", MethodKind.RESTART, "900 Service Restored");
        assertEquals(LineState.IDLE, sim.core.association().gateway("gw1").line("A2").state());
        String unknown = gw1.serviceChange(1, "A7", MethodKind.FORCED, "904 Termination malfunctioning");
        assertTrue(unknown.contains("SC=A7{ER=430"), unknown);
        assertNull(sim.core.association().gateway("gw1").line("A7"));
    }

    @Test
    void anOffHookReportedWhileTheGatewayRegistersGetsDialToneOnceItIsInService() throws Exception {
        Sim sim = new Sim(CONFIG);
        SimGateway gw1 = sim.gateway("gw1", "A1", "A2");
        gw1.alive = false; // the audit that follows the ServiceChange is not answered yet
        gw1.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        Gateway g = sim.core.association().gateway("gw1");
        assertEquals(GatewayState.REGISTERING, g.state());
        // the subscriber lifted the handset while the gateway had no controller: its queued Notify arrives now
        String reply = gw1.offHook("A1");
        assertTrue(reply.endsWith("P=1001{C=-{N=A1}}"), reply);
        gw1.take();
        gw1.alive = true;
        sim.answerUnanswered();
        assertEquals(GatewayState.IN_SERVICE, g.state());
        List<String> sent = gw1.take();
        assertTrue(sent.stream().anyMatch(r -> r.startsWith("C=-{MF=A1{SG{cg/dt}")), sent.toString());
        assertTrue(sent.stream().noneMatch(r -> r.contains("MF=A1{SG,E=")), "A1 is not armed for an off-hook it already had: " + sent);
        assertTrue(sent.stream().anyMatch(r -> r.contains("MF=A2{SG,E=")), "A2 is armed as usual: " + sent);
        assertEquals(LineState.DIALING, g.line("A1").state());
        // and the call goes on from there
        gw1.dial("A1", "1002");
        assertTrue(gw1.take().stream().anyMatch(r -> r.contains("A2") && r.contains("al/ri")), "A2 rings");
    }

    @Test
    void anOrphanContextLeftByAnAddWhoseReplyWasLostIsSubtractedWhenTheGatewayReturnsWithItsState() throws Exception {
        Sim sim = new Sim(gatewayLoss("cleanup"));
        SimGateway gw1 = sim.gateway("gw1", "A1", "A2");
        SimGateway gw2 = sim.gateway("gw2", "A1", "A9");
        gw1.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        gw2.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        // gw1 creates the caller's context (A1 and an RTP termination) but its reply never arrives
        sim.loseReply = s -> s.peer().equals(gw1.peer) && s.actions().get(0).contextId().equals(ContextId.CHOOSE);
        gw1.offHook("A1");
        gw1.dial("A1", "2001");
        Gateway g = sim.core.association().gateway("gw1");
        assertEquals(GatewayState.LOST, g.state());
        assertTrue(sim.core.calls().calls().isEmpty());
        assertEquals(1, gw1.contexts.size(), "the gateway holds the orphan: " + gw1.contexts);
        long orphan = gw1.contexts.keySet().iterator().next();
        assertEquals(List.of("A1", "R1"), gw1.contexts.get(orphan));
        gw1.take();
        // it comes back with its state: the orphan is found by ContextID ALL and subtracted
        gw1.serviceChange(MethodKind.DISCONNECTED, "900 Service Restored");
        assertEquals(GatewayState.IN_SERVICE, g.state());
        List<String> sent = gw1.take();
        assertTrue(sent.contains("C=*{O-S=A1}"), sent.toString());
        assertTrue(sent.contains("C=" + orphan + "{O-S=*}"), sent.toString());
        assertTrue(gw1.contexts.isEmpty(), "orphan gone: " + gw1.contexts);
        int armed = sent.stream().filter(r -> r.contains("MF=A1{SG,E=")).findFirst().map(sent::indexOf).orElse(-1);
        assertTrue(armed > sent.indexOf("C=*{O-S=A1}"), "A1 armed again once out of the orphan context: " + sent);
        assertTrue(sent.stream().anyMatch(r -> r.contains("MF=A2{SG,E=")), "A2 armed as usual: " + sent);
        assertEquals(LineState.IDLE, g.line("A1").state());
        // and the line places a new call
        CallScenarios.interGatewayCallConnected(gw1, gw2);
        assertEquals(1, sim.core.calls().calls().size());
        assertEquals(dev.holdfast.controller.call.CallState.CONNECTED,
                sim.core.calls().calls().iterator().next().state());
        assertEquals(1, gw1.contexts.size());
    }

    @Test
    void orphanedTerminationsAreForgottenWhenTheGatewayReturnsWithoutItsState() throws Exception {
        Sim sim = new Sim(gatewayLoss("cleanup"));
        SimGateway gw1 = sim.gateway("gw1", "A1", "A2");
        gw1.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        sim.loseReply = s -> s.actions().get(0).contextId().equals(ContextId.CHOOSE);
        gw1.offHook("A1");
        gw1.dial("A1", "1002");
        assertEquals(GatewayState.LOST, sim.core.association().gateway("gw1").state());
        gw1.contexts.clear();
        gw1.take();
        gw1.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        assertEquals(List.of(), gw1.receivedContaining("C=*"));
        gw1.offHook("A1");
        gw1.dial("A1", "1002");
        assertEquals(1, sim.core.calls().calls().size());
    }
}
