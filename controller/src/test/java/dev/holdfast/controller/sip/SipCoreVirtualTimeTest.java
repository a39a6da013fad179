package dev.holdfast.controller.sip;

import dev.holdfast.controller.ControllerCore;
import dev.holdfast.controller.core.Command;
import dev.holdfast.controller.core.Event;
import dev.holdfast.controller.core.VirtualTimeDriver;
import dev.holdfast.controller.provisioning.ProvisioningLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SIP core alone, in virtual time: events in, commands out, no sockets. What the SIPp tests cannot reach quickly:
 * the stack losing a dialog of a connected call, the no-answer timer at its exact time.
 */
class SipCoreVirtualTimeTest {
    private static final String SOURCE = "udp:127.0.0.1:5555";
    private VirtualTimeDriver driver;
    private long handles;

    @BeforeEach void core() throws Exception {
        ControllerCore core = new ControllerCore(ProvisioningLoader.parse("""
                timers: { noAnswerSeconds: 20 }
                sip: { trustedPeers: [127.0.0.1] }
                subscribers:
                  - { user: "1002", password: secret2, number: "1002" }
                """, ProvisioningLoader.Format.YAML, "core.yaml"), 3);
        driver = new VirtualTimeDriver(core, 1_700_000_000_000L);
    }

    private static SipRequest register(long cseq, String authorization) {
        return new SipRequest("REGISTER", "sip:127.0.0.1", "udp", "reg-1", cseq, "sip:1002@127.0.0.1", "f1",
                "sip:1002@127.0.0.1", null, List.of(new SipContact("sip:1002@127.0.0.1:6000", null)), 600,
                authorization, null, null, null);
    }

    private List<Command> request(SipRequest r) {
        long h = ++handles;
        return driver.inject(t -> new Event.SipRequestReceived(t, SOURCE, h, r));
    }

    private static SipReply reply(Command c) { return ((Command.SipRespond) c).reply(); }

    /** Registers 1002 with digest, as a phone would after the 401. */
    private void registerCallee() {
        SipReply challenge = reply(request(register(1, null)).get(0));
        assertEquals(401, challenge.status());
        Matcher m = Pattern.compile("nonce=\"([^\"]+)\"").matcher(challenge.headers().get(0).value());
        assertTrue(m.find());
        String ha1 = DigestAuthenticator.hash("MD5", "1002:holdfast:secret2");
        String response = DigestAuthenticator.response("MD5", ha1, m.group(1), "00000001", "abc", "auth", "REGISTER", "sip:127.0.0.1");
        String auth = "Digest username=\"1002\", realm=\"holdfast\", nonce=\"" + m.group(1) + "\", uri=\"sip:127.0.0.1\", "
                + "response=\"" + response + "\", qop=auth, nc=00000001, cnonce=\"abc\"";
        assertEquals(200, reply(request(register(2, auth)).get(0)).status());
    }

    private Command.SipSend invite() {
        List<Command> out = request(new SipRequest("INVITE", "sip:1002@127.0.0.1", "udp", "a-call", 1,
                "sip:sipp@127.0.0.1", "ta", "sip:1002@127.0.0.1", null, List.of(new SipContact("sip:sipp@127.0.0.1:7000", null)),
                null, null, null, "application/sdp", "v=0\r\n"));
        Command.SipSend send = (Command.SipSend) out.stream().filter(c -> c instanceof Command.SipSend).findFirst().orElseThrow();
        assertEquals("INVITE", send.request().method());
        assertEquals("sip:1002@127.0.0.1:6000", send.request().requestUri());
        assertEquals("v=0\r\n", send.request().body());
        return send;
    }

    private List<Command> response(long token, int status, String body) {
        return driver.inject(t -> new Event.SipResponseReceived(t, token, new SipResponse(status, "x", "INVITE", "tb",
                body == null ? null : "application/sdp", body)));
    }

    @Test void aConnectedCallWhoseCallerDialogTheStackEndedIsHungUpOnTheCallee() {
        registerCallee();
        Command.SipSend b = invite();
        SipReply ringing = reply(response(b.token(), 180, null).get(0));
        assertEquals(180, ringing.status());
        List<Command> answered = response(b.token(), 200, "v=0 b\r\n");
        assertEquals("ACK", ((Command.SipSend) answered.get(0)).request().method());
        SipReply ok = reply(answered.stream().filter(c -> c instanceof Command.SipRespond).findFirst().orElseThrow());
        assertEquals(200, ok.status());
        assertEquals("v=0 b\r\n", ok.body());
        assertEquals(ringing.toTag(), ok.toTag(), "one To tag for leg A");
        // no ACK from the caller: the stack gave up and ended the dialog
        List<Command> lost = driver.inject(t -> new Event.SipDialogEnded(t, "a-call"));
        assertEquals(List.of(new Command.SipSend(0, SipOutgoingRequest.inDialog("BYE", b.request().callId())))
                .toString().replace("token=0", ""), lost.toString().replaceAll("token=\\d+", ""));
        assertTrue(driver.inject(t -> new Event.SipDialogEnded(t, b.request().callId())).isEmpty(), "already over");
    }

    @Test void theNoAnswerTimerRunsOutAtItsTime() {
        registerCallee();
        Command.SipSend b = invite();
        response(b.token(), 180, null);
        assertTrue(driver.advance(19_999).isEmpty());
        List<Command> out = driver.advance(1);
        assertEquals(480, reply(out.get(0)).status());
        assertEquals("CANCEL", ((Command.SipSend) out.get(1)).request().method());
        // the callee's 487 ends the call; nothing is left running
        assertTrue(response(b.token(), 487, null).isEmpty());
        assertEquals(0, driver.runningTimers());
    }
}
