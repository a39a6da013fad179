package dev.holdfast.controller.sip;

import dev.holdfast.controller.ControllerCore;
import dev.holdfast.controller.core.Command;
import dev.holdfast.controller.core.Event;
import dev.holdfast.controller.core.VirtualTimeDriver;
import dev.holdfast.controller.provisioning.ProvisioningLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calls from a phone to a line the core cannot serve, in virtual time (no sockets): the line's gateway never
 * registered, an unknown number. Each gets its final response, leaves no call behind and sends nothing to a gateway.
 */
class SipToLineCoreTest {
    private static final String SOURCE = "udp:127.0.0.1:5555";
    private VirtualTimeDriver driver;
    private ControllerCore core;
    private long handles;

    @BeforeEach void core() throws Exception {
        core = new ControllerCore(ProvisioningLoader.parse("""
                timers: { noAnswerSeconds: 20 }
                sip: { trustedPeers: [127.0.0.1] }
                subscribers:
                  - { user: "5001", password: s, number: "5001" }
                gateways:
                  - name: gw1
                    mid: "[127.0.0.1]:2950"
                    address: "127.0.0.1:2950"
                    lines:
                      - { termination: A1, number: "3001" }
                """, ProvisioningLoader.Format.YAML, "core.yaml"), 3);
        driver = new VirtualTimeDriver(core, 1_700_000_000_000L);
    }

    private List<Command> invite(String number, String sdp) {
        long h = ++handles;
        SipRequest r = new SipRequest("INVITE", "sip:" + number + "@127.0.0.1", "udp", "c" + h, 1,
                "sip:5001@127.0.0.1", "f" + h, "sip:" + number + "@127.0.0.1", null,
                List.of(new SipContact("sip:5001@127.0.0.1:5555", null)), null, null, null,
                sdp == null ? null : "application/sdp", sdp);
        return driver.inject(t -> new Event.SipRequestReceived(t, SOURCE, h, r));
    }

    private static final String SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 6000 RTP/AVP 0\r\n";

    private static int onlyStatus(List<Command> out) {
        assertEquals(1, out.size(), out.toString());
        assertTrue(out.get(0) instanceof Command.SipRespond, out.toString());
        return ((Command.SipRespond) out.get(0)).reply().status();
    }

    @Test void aLineWhoseGatewayIsNotInServiceIsTemporarilyUnavailable() throws Exception {
        assertEquals(480, onlyStatus(invite("3001", SDP)));
        assertEquals(0, core.calls().calls().size());
        assertEquals(0, core.sip().calls().size());
        assertEquals(1, core.sip().counters().get("calls.failed.480"));
    }

    @Test void theRefusedCallHasItsCallDetailRecord() throws Exception {
        core.enableNotices();
        invite("3001", SDP);
        var cdrs = driver.notices().stream().filter(n -> n.kind().equals("cdr"))
                .map(n -> (dev.holdfast.controller.cdr.CallRecord) n.fields().get("cdr")).toList();
        assertEquals(1, cdrs.size(), driver.notices().toString());
        var r = cdrs.get(0);
        assertEquals("5001", r.caller());
        assertEquals("phone", r.callerKind());
        assertEquals("3001", r.callee());
        assertEquals("line", r.calleeKind());
        assertEquals(List.of("gw1"), r.gateways());
        assertEquals(dev.holdfast.controller.cdr.CallRecord.UNAVAILABLE, r.release());
    }

    @Test void aNumberNeitherLineNorPhoneIsNotFound() throws Exception {
        assertEquals(404, onlyStatus(invite("3999", SDP)));
        assertEquals(0, core.sip().calls().size());
    }
}
