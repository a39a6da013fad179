package dev.holdfast.controller.sip;

import dev.holdfast.controller.ControllerCore;
import dev.holdfast.controller.cdr.CallRecord;
import dev.holdfast.controller.core.Command;
import dev.holdfast.controller.core.Event;
import dev.holdfast.controller.core.Notice;
import dev.holdfast.controller.core.VirtualTimeDriver;
import dev.holdfast.controller.provisioning.ProvisioningLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Call detail records of phone-to-phone calls through the B2BUA, in virtual time, one per outcome. */
class PhoneCallRecordTest {
    private static final String SOURCE = "udp:127.0.0.1:5555";
    private static final long T0 = 1_700_000_000_000L;
    private VirtualTimeDriver driver;
    private long handles;

    @BeforeEach void core() throws Exception {
        ControllerCore core = new ControllerCore(ProvisioningLoader.parse("""
                timers: { noAnswerSeconds: 20 }
                sip: { trustedPeers: [127.0.0.1] }
                subscribers:
                  - { user: "1002", password: secret2, number: "1002" }
                  - { user: "1003", password: secret3, number: "1003" }
                cluster: { name: ctl-a, members: ["127.0.0.1:5701"] }
                """, ProvisioningLoader.Format.YAML, "core.yaml"), 3);
        core.enableNotices();
        driver = new VirtualTimeDriver(core, T0);
    }

    private List<CallRecord> cdrs() {
        List<CallRecord> out = new ArrayList<>();
        for (Notice n : driver.notices()) if (n.kind().equals("cdr")) out.add((CallRecord) n.fields().get("cdr"));
        return out;
    }

    private CallRecord only() {
        List<CallRecord> all = cdrs();
        assertEquals(1, all.size(), "one record: " + all);
        return all.get(0);
    }

    private List<Command> request(SipRequest r) {
        long h = ++handles;
        return driver.inject(t -> new Event.SipRequestReceived(t, SOURCE, h, r));
    }

    private static SipReply reply(Command c) { return ((Command.SipRespond) c).reply(); }

    private void registerCallee() {
        SipRequest r1 = new SipRequest("REGISTER", "sip:127.0.0.1", "udp", "reg-1", 1, "sip:1002@127.0.0.1", "f1",
                "sip:1002@127.0.0.1", null, List.of(new SipContact("sip:1002@127.0.0.1:6000", null)), 600, null, null, null, null);
        SipReply challenge = reply(request(r1).get(0));
        Matcher m = Pattern.compile("nonce=\"([^\"]+)\"").matcher(challenge.headers().get(0).value());
        assertTrue(m.find());
        String ha1 = DigestAuthenticator.hash("MD5", "1002:holdfast:secret2");
        String response = DigestAuthenticator.response("MD5", ha1, m.group(1), "00000001", "abc", "auth", "REGISTER", "sip:127.0.0.1");
        String auth = "Digest username=\"1002\", realm=\"holdfast\", nonce=\"" + m.group(1) + "\", uri=\"sip:127.0.0.1\", "
                + "response=\"" + response + "\", qop=auth, nc=00000001, cnonce=\"abc\"";
        SipRequest r2 = new SipRequest("REGISTER", "sip:127.0.0.1", "udp", "reg-1", 2, "sip:1002@127.0.0.1", "f1",
                "sip:1002@127.0.0.1", null, List.of(new SipContact("sip:1002@127.0.0.1:6000", null)), 600, auth, null, null, null);
        assertEquals(200, reply(request(r2).get(0)).status());
    }

    private List<Command> invite(String number) {
        return request(new SipRequest("INVITE", "sip:" + number + "@127.0.0.1", "udp", "a-call", 1,
                "sip:1003@127.0.0.1", "ta", "sip:" + number + "@127.0.0.1", null,
                List.of(new SipContact("sip:1003@127.0.0.1:7000", null)), null, null, null, "application/sdp", "v=0\r\n"));
    }

    private Command.SipSend inviteB() {
        return (Command.SipSend) invite("1002").stream().filter(c -> c instanceof Command.SipSend).findFirst().orElseThrow();
    }

    private void response(long token, int status) {
        driver.inject(t -> new Event.SipResponseReceived(t, token, new SipResponse(status, "x", "INVITE", "tb",
                status == 200 ? "application/sdp" : null, status == 200 ? "v=0 b\r\n" : null)));
    }

    @Test void answeredThenHungUp() {
        registerCallee();
        Command.SipSend b = inviteB();
        driver.advance(1000);
        response(b.token(), 180);
        driver.advance(2000);
        response(b.token(), 200);
        driver.advance(40_000);
        request(new SipRequest("BYE", "sip:1002@127.0.0.1", "udp", "a-call", 2, "sip:1003@127.0.0.1", "ta",
                "sip:1002@127.0.0.1", null, List.of(), null, null, null, null, null));
        CallRecord r = only();
        assertEquals("1003", r.caller());
        assertEquals("1002", r.callee());
        assertEquals("phone", r.callerKind());
        assertEquals("phone", r.calleeKind());
        assertEquals(List.of(), r.gateways());
        assertEquals(T0, r.setup());
        assertEquals(T0 + 3000, r.answer());
        assertEquals(40_000, r.durationMs());
        assertEquals(CallRecord.NORMAL, r.release());
        assertEquals("ctl-a", r.controller(), "the cluster section names the controller");
    }

    @Test void busy() {
        registerCallee();
        Command.SipSend b = inviteB();
        response(b.token(), 486);
        CallRecord r = only();
        assertEquals(CallRecord.BUSY, r.release());
        assertEquals("SIP 486", r.cause());
        assertNull(r.answer());
    }

    @Test void noAnswer() {
        registerCallee();
        Command.SipSend b = inviteB();
        response(b.token(), 180);
        driver.advance(20_000);
        response(b.token(), 487); // the callee's answer to our CANCEL ends the call
        CallRecord r = only();
        assertEquals(CallRecord.NO_ANSWER, r.release());
        assertEquals(20_000, r.end() - r.setup());
    }

    @Test void abandonedByTheCaller() {
        registerCallee();
        Command.SipSend b = inviteB();
        response(b.token(), 180);
        driver.advance(3000);
        request(new SipRequest("CANCEL", "sip:1002@127.0.0.1", "udp", "a-call", 1, "sip:1003@127.0.0.1", "ta",
                "sip:1002@127.0.0.1", null, List.of(), null, null, null, null, null));
        response(b.token(), 487);
        CallRecord r = only();
        assertEquals(CallRecord.ABANDONED, r.release());
    }

    @Test void calleeNotRegisteredIsUnavailable() {
        invite("1002");
        CallRecord r = only();
        assertEquals(CallRecord.UNAVAILABLE, r.release());
        assertEquals("phone", r.calleeKind());
    }

    @Test void unknownNumberIsInvalid() {
        invite("4711");
        CallRecord r = only();
        assertEquals(CallRecord.INVALID_NUMBER, r.release());
        assertEquals("4711", r.callee());
    }
}
