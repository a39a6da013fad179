package dev.holdfast.controller.sip;

import dev.holdfast.controller.Controller;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Phone-to-phone calls through the back-to-back user agent: SIPp as the caller (UAC) and as the callee (UAS,
 * registered as subscriber 1002 with a REGISTER scenario first), over UDP and TCP. Each test asserts that both SIPp
 * scenarios passed (the exact SIP exchanges each expects) and what the core counted, and that no call is left.
 */
class SipB2buaTest {
    @TempDir Path dir;
    private Controller controller;
    private Sipp sipp;

    @BeforeAll static void sippInstalled() {
        assertTrue(Sipp.installed(), "SIPp (Debian sip-tester) is needed: ./bin/test installs it");
    }

    @AfterEach void stop() {
        if (controller != null) controller.close();
    }

    private void start(int noAnswerSeconds) throws Exception {
        controller = SipTestController.start("trustedPeers: [127.0.0.1]", noAnswerSeconds);
        sipp = new Sipp(dir);
    }

    /** Registers subscriber 1002 at 127.0.0.1:{@code port}; returns the port. */
    private int registerCallee(String transport) throws Exception {
        int port = Sipp.freePort();
        Sipp.Result r = sipp.run(sipp.scenario("reg", SippScenarios.register(200)), transport, port,
                SipTestController.target(controller), 1, "-s", "1002", "-au", "1002", "-ap", "secret2", "-key", "expires", "300");
        assertTrue(r.passed(), "callee registration: " + r);
        return port;
    }

    /** Runs callee and caller scenarios for one call to {@code number}; asserts both passed. */
    private void call(String transport, Object calleeScenario, Object callerScenario, String number) throws Exception {
        call(transport, calleeScenario, callerScenario, number, Sipp.freePort());
    }

    private void call(String transport, Object calleeScenario, Object callerScenario, String number, int callerPort,
                      String... callerArgs) throws Exception {
        int calleePort = registerCallee(transport);
        try (Sipp.Run callee = sipp.start(calleeScenario, transport, calleePort, null, 1, "-s", "1002")) {
            Sipp.awaitBound(calleePort, transport, 10_000);
            String[] args = new String[callerArgs.length + 2];
            args[0] = "-s";
            args[1] = number;
            System.arraycopy(callerArgs, 0, args, 2, callerArgs.length);
            Sipp.Result caller = sipp.run(callerScenario, transport, callerPort, SipTestController.target(controller),
                    1, args);
            Sipp.Result calleeResult = callee.await(20);
            assertTrue(caller.passed(), "caller: " + caller);
            assertTrue(calleeResult.passed(), "callee: " + calleeResult);
        }
    }

    private long count(String name) throws Exception { return SipTestController.counter(controller, name); }

    private void noCallLeft() throws Exception {
        long deadline = System.currentTimeMillis() + 3000;
        int left;
        while ((left = controller.inspect(core -> core.sip().calls().size())) > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, left, "calls left in the core");
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void sippUacCallsARegisteredSippUasThroughTheB2bua(String transport) throws Exception {
        start(30);
        call(transport, "uas", "uac", "1002");
        assertEquals(1, count("calls.connected"));
        assertEquals(1, count("calls.released-by-caller"));
        assertTrue(count("provisional.relayed") >= 1, "180 relayed");
        noCallLeft();
    }

    @Test void twentyOverlappingCallsAllComplete() throws Exception {
        start(30);
        int calleePort = registerCallee("udp");
        try (Sipp.Run callee = sipp.start("uas", "udp", calleePort, null, 20)) {
            Sipp.awaitBound(calleePort, "udp", 10_000);
            // each call holds 1 s: at 10 calls/s about ten are up at once
            Sipp.Result caller = sipp.run("uac", "udp", Sipp.freePort(), SipTestController.target(controller), 20,
                    "-s", "1002", "-r", "10", "-d", "1000");
            Sipp.Result calleeResult = callee.await(20);
            assertTrue(caller.passed(), "caller: " + caller);
            assertTrue(calleeResult.passed(), "callee: " + calleeResult);
        }
        assertEquals(20, count("calls.connected"));
        assertEquals(20, count("calls.released-by-caller"));
        noCallLeft();
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void holdByReInviteIsRelayedBothWays(String transport) throws Exception {
        start(30);
        call(transport, sipp.scenario("uas-held", SippScenarios.uasHeld()), sipp.scenario("uac-hold", SippScenarios.uacHolds()), "1002");
        assertEquals(1, count("reinvites.relayed"));
        assertEquals(1, count("calls.released-by-caller"));
        noCallLeft();
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void theCalleeHangsUp(String transport) throws Exception {
        start(30);
        call(transport, sipp.scenario("uas-bye", SippScenarios.uasAnswersThenHangsUp()),
                sipp.scenario("uac-wait-bye", SippScenarios.uacAwaitsBye()), "1002");
        assertEquals(1, count("calls.connected"));
        assertEquals(1, count("calls.released-by-callee"));
        noCallLeft();
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void aBusyCalleeGives486(String transport) throws Exception {
        start(30);
        call(transport, sipp.scenario("uas-busy", SippScenarios.uasBusy()), sipp.scenario("uac-486", SippScenarios.uacFails(486)), "1002");
        assertEquals(1, count("calls.failed.486"));
        noCallLeft();
    }

    @Test void noAnswerGives480AndCancelsTheCallee() throws Exception {
        start(1);
        call("udp", sipp.scenario("uas-ring", SippScenarios.uasRingsUntilCancelled()),
                sipp.scenario("uac-480", SippScenarios.uacFails(480)), "1002");
        assertEquals(1, count("calls.no-answer"));
        noCallLeft();
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void theCallerCancelsWhileItRings(String transport) throws Exception {
        start(30);
        call(transport, sipp.scenario("uas-ring", SippScenarios.uasRingsUntilCancelled()),
                sipp.scenario("uac-cancel", SippScenarios.uacCancels()), "1002");
        assertEquals(1, count("calls.cancelled"));
        noCallLeft();
    }

    @Test void anUnknownNumberGives404() throws Exception {
        start(30);
        Sipp.Result r = sipp.run(sipp.scenario("uac-404", SippScenarios.uacFails(404)), "udp", Sipp.freePort(),
                SipTestController.target(controller), 1, "-s", "9999");
        assertTrue(r.passed(), r.toString());
        assertEquals(1, count("invite.rejected.404"));
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void anUnregisteredCalleeGives480(String transport) throws Exception {
        start(30);
        Sipp.Result r = sipp.run(sipp.scenario("uac-480", SippScenarios.uacFails(480)), transport, Sipp.freePort(),
                SipTestController.target(controller), 1, "-s", "2002");
        assertTrue(r.passed(), r.toString());
        assertEquals(1, count("invite.rejected.480"));
    }

    /** Registers {@code user} at 127.0.0.1:{@code port} over UDP. */
    private void registerAt(String user, String password, int port) throws Exception {
        Sipp.Result r = sipp.run(sipp.scenario("reg-" + user, SippScenarios.register(200)), "udp", port,
                SipTestController.target(controller), 1, "-s", user, "-au", user, "-ap", password, "-key", "expires", "300");
        assertTrue(r.passed(), "registration of " + user + ": " + r);
    }

    @Test void aRegisteredPhoneCallsFromItsRegisteredContactWithoutTrust() throws Exception {
        controller = SipTestController.start("", 30);
        sipp = new Sipp(dir);
        int callerPort = Sipp.freePort();
        registerAt("1001", "secret1", callerPort);
        call("udp", sipp.scenario("uas-bye", SippScenarios.uasAnswersThenHangsUp()),
                sipp.scenario("uac-1001", SippScenarios.uacAwaitsBye("1001", false)), "1002", callerPort);
        assertEquals(1, count("calls.connected"));
        assertEquals(0, count("invite.challenged"));
        noCallLeft();
    }

    @Test void aPhoneCallingFromElsewhereAuthenticatesItsInvite() throws Exception {
        controller = SipTestController.start("", 30);
        sipp = new Sipp(dir);
        call("udp", sipp.scenario("uas-bye", SippScenarios.uasAnswersThenHangsUp()),
                sipp.scenario("uac-auth", SippScenarios.uacAwaitsBye("1001", true)), "1002", Sipp.freePort(),
                "-au", "1001", "-ap", "secret1");
        assertEquals(1, count("invite.challenged"));
        assertEquals(1, count("calls.connected"));
        noCallLeft();
    }

    @Test void aCallerNeitherTrustedNorRegisteredIsChallenged() throws Exception {
        controller = SipTestController.start("", 30);
        sipp = new Sipp(dir);
        Sipp.Result r = sipp.run(sipp.scenario("uac-407", SippScenarios.uacFails(407)), "udp", Sipp.freePort(),
                SipTestController.target(controller), 1, "-s", "1002");
        assertTrue(r.passed(), r.toString());
        assertEquals(1, count("invite.challenged"));
        assertEquals(0, count("calls.attempted"));
    }
}
