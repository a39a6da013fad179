package dev.holdfast.controller;

import dev.holdfast.controller.core.Command;
import dev.holdfast.controller.core.Event;
import dev.holdfast.controller.gateway.LineState;
import dev.holdfast.controller.sip.SipContact;
import dev.holdfast.controller.sip.SipReply;
import dev.holdfast.controller.sip.SipRequest;
import dev.holdfast.controller.sip.SipResponse;
import dev.holdfast.h248.message.ServiceChangeParm.MethodKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A phone's attended transfer of a line to a line that the gateway refuses (docs/sip.md, "Transfer"), in virtual
 * time: the gateway has lost the transferee line from its context, so the Move of the join fails. The lines' new call
 * is released (both lines back to idle, nothing left in a context), the transferor hears NOTIFY 500 and gets BYE in
 * both its dialogs, and nothing is left of any call; counted, never thrown.
 */
class SipLineJoinRefusedTest {
    private static final String CONFIG = """
            sip: { trustedPeers: [127.0.0.1] }
            subscribers:
              - { user: "5001", password: s, number: "5001" }
            gateways:
              - name: gw1
                mid: "[127.0.0.1]:2945"
                lines:
                  - { termination: A1, number: "1001" }
                  - { termination: A2, number: "1002" }
            timers: { noAnswerSeconds: 30, inactivityMillis: 0, gatewaySilenceMillis: 3600000 }
            """;
    private static final String SOURCE = "udp:127.0.0.1:5555";
    private static final String SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 6000 RTP/AVP 0\r\n";

    private Sim sim;
    private SimGateway gw;
    private long handles;

    @BeforeEach void gateway() throws Exception {
        sim = new Sim(CONFIG);
        gw = sim.gateway("gw1", "A1", "A2");
        gw.serviceChange(MethodKind.RESTART, "901 Cold Boot");
    }

    private long request(String method, String callId, long cseq, String toTag, String referTo, String body) {
        long h = ++handles;
        SipRequest r = new SipRequest(method, "sip:1001@127.0.0.1", "udp", callId, cseq, "sip:5001@127.0.0.1",
                "f-" + callId, "sip:1001@127.0.0.1", toTag, List.of(new SipContact("sip:5001@127.0.0.1:5555", null)),
                null, null, null, body == null ? null : "application/sdp", body, null, referTo);
        sim.route(sim.driver.inject(t -> new Event.SipRequestReceived(t, SOURCE, h, r)));
        return h;
    }

    /** The phone calls {@code number}, the line answers: our tag in the phone's dialog. */
    private String connected(String callId, String number, String line) {
        long h = ++handles;
        SipRequest invite = new SipRequest("INVITE", "sip:" + number + "@127.0.0.1", "udp", callId, 1, "sip:5001@127.0.0.1",
                "f-" + callId, "sip:" + number + "@127.0.0.1", null, List.of(new SipContact("sip:5001@127.0.0.1:5555", null)),
                null, null, null, "application/sdp", SDP);
        sim.route(sim.driver.inject(t -> new Event.SipRequestReceived(t, SOURCE, h, invite)));
        gw.offHook(line);
        SipReply ok = reply(h, 200);
        assertNotNull(ok, "200 to the INVITE to " + number + ": " + sim.driver.commands());
        return ok.toTag();
    }

    private SipReply reply(long handle, int status) {
        for (Command c : sim.driver.commands()) {
            if (c instanceof Command.SipRespond r && r.handle() == handle && r.reply().status() == status) return r.reply();
        }
        return null;
    }

    private List<Command.SipSend> sent(String method) {
        return sim.driver.commands().stream().filter(c -> c instanceof Command.SipSend s && s.request().method().equals(method))
                .map(c -> (Command.SipSend) c).toList();
    }

    private void answer(Command.SipSend s) {
        sim.route(sim.driver.inject(t -> new Event.SipResponseReceived(t, s.token(),
                new SipResponse(200, "OK", s.request().method(), "t", null, null))));
    }

    @Test void aJoinTheGatewayRefusesReleasesTheLinesAndTellsTheTransferor500() {
        String tag1 = connected("c1", "1001", "A1");
        String tag2 = connected("c2", "1002", "A2");
        assertEquals(2, sim.core.calls().calls().size());
        // the gateway lost A1 from its context: the Move of the join will be refused (H.248.1 7.2.4)
        gw.contexts.values().forEach(l -> l.remove("A1"));

        long refer = request("REFER", "c1", 2, tag1,
                "<sip:1002@127.0.0.1?Replaces=c2%3Bto-tag%3D" + tag2 + "%3Bfrom-tag%3Df-c2>", null);
        assertNotNull(reply(refer, 202), "REFER accepted");
        assertTrue(gw.received.stream().anyMatch(r -> r.contains("MV=A1")), "the Move was sent: " + gw.received);
        assertEquals(0, sim.core.calls().calls().size(), "the lines' call was released: " + sim.core.calls().calls());
        assertEquals(1, sim.core.sip().counters().get("transfer.line-to-line.failed"));
        assertEquals(1, sim.core.sip().counters().get("transfer.failed.500"));

        List<Command.SipSend> notifies = sent("NOTIFY");
        assertEquals(1, notifies.size(), "one NOTIFY at a time");
        assertTrue(notifies.get(0).request().body().startsWith("SIP/2.0 100"), notifies.get(0).request().body());
        answer(notifies.get(0));
        notifies = sent("NOTIFY");
        assertEquals(2, notifies.size());
        assertTrue(notifies.get(1).request().body().startsWith("SIP/2.0 500"), notifies.get(1).request().body());
        answer(notifies.get(1));
        assertEquals(List.of("c2", "c1"), sent("BYE").stream().map(s -> s.request().callId()).toList(),
                "BYE in the consultation, then in the REFER's dialog once the final NOTIFY is answered");
        assertEquals(0, sim.core.sip().calls().size(), "no SIP call left");
        // both lines hear reorder (off-hook) and their contexts are gone
        assertEquals(LineState.LOCKOUT, sim.core.association().gateway("gw1").line("A1").state());
        assertEquals(LineState.LOCKOUT, sim.core.association().gateway("gw1").line("A2").state());
        assertTrue(gw.contexts.isEmpty(), "no context left: " + gw.contexts);
        assertEquals(0, sim.core.failures());
    }
}
