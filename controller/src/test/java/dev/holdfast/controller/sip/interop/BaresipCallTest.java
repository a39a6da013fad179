package dev.holdfast.controller.sip.interop;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * baresip, a real softphone, registers with the controller (digest) as 1001 and calls 1002, a SIPp {@code uas}
 * registered as a phone (SIPp stands in for the simulated phone: the controller module does not depend on
 * endpoint-sim). Asserts the registration in the controller's location service, the call established on both sides
 * (200 and ACK at the callee), and the hang-up reaching the callee as a BYE it answers with 200.
 */
class BaresipCallTest {
    @TempDir Path dir;

    @BeforeAll static void installed() {
        assertTrue(InteropRig.installed("baresip"), "baresip (Debian baresip) is needed: ./bin/test installs it");
        assertTrue(InteropRig.installed("sipp"), "SIPp (Debian sip-tester) is needed: ./bin/test installs it");
    }

    @Test
    void baresipRegistersWithDigestAndCompletesACallToASippPhone() throws Exception {
        try (InteropRig rig = new InteropRig(dir, false)) {
            int calleePort = InteropRig.freePort();
            rig.registerWithSipp("1002", "secret2", calleePort);
            Path calleeMessages = dir.resolve("uas-messages.log");
            Process callee = rig.sippUas(calleePort, calleeMessages);

            try (Baresip phone = Baresip.start(rig, "1001", "secret1", rig.sipTarget())) {
                long deadline = System.currentTimeMillis() + 10_000;
                while (bindings(rig, "1001") == 0 && System.currentTimeMillis() < deadline) Thread.sleep(100);
                assertEquals(1, bindings(rig, "1001"), "baresip's registration in the location service: "
                        + InteropRig.read(phone.log));
                assertTrue(rig.counter("register.challenged") >= 2, "SIPp and baresip were challenged (digest) before the 200");

                phone.command("dial", "sip:1002@" + rig.sipTarget());
                assertTrue(phone.awaitEvent("CALL_ESTABLISHED", 15_000),
                        "call established at baresip; events " + phone.events + "\n" + InteropRig.read(phone.log));
                Thread.sleep(500);
                phone.command("hangup", "");
                assertTrue(phone.awaitEvent("CALL_CLOSED", 10_000), "call closed at baresip; events " + phone.events);
            }
            int exit = InteropRig.await(callee, 20);
            List<String> seen = InteropRig.startLines(calleeMessages);
            assertEquals(0, exit, "SIPp uas (INVITE, 180, 200, ACK, BYE, 200) passed; it saw " + seen);
            assertTrue(seen.get(0).startsWith("INVITE sip:1002@127.0.0.1:" + calleePort), "INVITE to the registered contact: " + seen);
            assertTrue(seen.contains("SIP/2.0 200 OK"), "answered: " + seen);
            assertTrue(seen.stream().anyMatch(l -> l.startsWith("ACK ")), "ACK of the 200: " + seen);
            assertTrue(seen.stream().anyMatch(l -> l.startsWith("BYE ")), "BYE from the hang-up: " + seen);
            assertEquals(1, rig.counter("calls.connected"), "the controller connected one call");
            assertEquals(0, rig.callsLeft(), "calls left in the controller");
        }
    }

    private static int bindings(InteropRig rig, String user) throws Exception {
        return rig.controller.inspect(core -> core.sip().location().bindings(user, System.currentTimeMillis()).size());
    }
}
