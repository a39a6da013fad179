package dev.holdfast.controller.sip;

import dev.holdfast.controller.Controller;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registrar against SIPp as the registering phone: digest, refresh, expiry, several contacts, un-register. */
class SipRegistrarTest {
    @TempDir Path dir;
    private Controller controller;

    @BeforeAll static void sippInstalled() {
        assertTrue(Sipp.installed(), "SIPp (Debian sip-tester) is needed: ./bin/test installs it");
    }

    @AfterEach void stop() {
        if (controller != null) controller.close();
    }

    private Sipp.Result register(Sipp sipp, Path scenario, String transport, int port, String user, String password,
                                 int expires) throws Exception {
        return sipp.run(scenario, transport, port, SipTestController.target(controller), 1,
                "-s", user, "-au", user, "-ap", password, "-key", "expires", String.valueOf(expires));
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void registersWithDigestAndBindsTheContact(String transport) throws Exception {
        controller = SipTestController.start("", 30);
        Sipp sipp = new Sipp(dir);
        int port = Sipp.freePort();
        Sipp.Result r = register(sipp, sipp.scenario("reg", SippScenarios.register(200)), transport, port, "1001", "secret1", 300);
        assertTrue(r.passed(), r.toString());
        List<Binding> b = SipTestController.bindings(controller, "1001");
        assertEquals(1, b.size(), b.toString());
        assertTrue(b.get(0).contact().contains("@127.0.0.1:" + port), b.toString());
        assertEquals(transport, b.get(0).transport());
        assertTrue(b.get(0).expiresAt() - System.currentTimeMillis() > 290_000, b.toString());
        assertEquals(1, SipTestController.counter(controller, "register.challenged"));
        assertEquals(1, SipTestController.counter(controller, "register.ok"));
    }

    @Test void acceptsASubscriberProvisionedByHa1() throws Exception {
        controller = SipTestController.start("", 30);
        Sipp sipp = new Sipp(dir);
        Sipp.Result r = register(sipp, sipp.scenario("reg", SippScenarios.register(200)), "udp", Sipp.freePort(), "alice", "wonderland", 300);
        assertTrue(r.passed(), r.toString());
        assertEquals(1, SipTestController.bindings(controller, "alice").size());
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void wrongPasswordAndUnknownUserGetTheSame403(String transport) throws Exception {
        controller = SipTestController.start("", 30);
        Sipp sipp = new Sipp(dir);
        Path forbidden = sipp.scenario("reg403", SippScenarios.register(403));
        Sipp.Result wrong = register(sipp, forbidden, transport, Sipp.freePort(), "1001", "not-the-password", 300);
        assertTrue(wrong.passed(), wrong.toString());
        Sipp.Result unknown = register(sipp, forbidden, transport, Sipp.freePort(), "mallory", "anything", 300);
        assertTrue(unknown.passed(), unknown.toString());
        assertEquals(0, SipTestController.bindings(controller, "1001").size());
        assertEquals(2, SipTestController.counter(controller, "register.forbidden"));
    }

    @Test void anExpiredNonceIsAnsweredStale() throws Exception {
        controller = SipTestController.start("nonceSeconds: 1", 30);
        Sipp sipp = new Sipp(dir);
        Sipp.Result r = register(sipp, sipp.scenario("stale", SippScenarios.registerStale(1600)), "udp", Sipp.freePort(),
                "1002", "secret2", 300);
        assertTrue(r.passed(), r.toString());
        assertEquals(1, SipTestController.counter(controller, "register.stale"));
        assertEquals(1, SipTestController.bindings(controller, "1002").size());
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void severalContactsThenUnregisterOneAndAll(String transport) throws Exception {
        controller = SipTestController.start("", 30);
        Sipp sipp = new Sipp(dir);
        Path reg = sipp.scenario("reg", SippScenarios.register(200));
        int deskPhone = Sipp.freePort();
        int softPhone = Sipp.freePort();
        int third = Sipp.freePort();
        assertTrue(register(sipp, reg, transport, deskPhone, "bob", "builder", 600).passed());
        assertTrue(register(sipp, reg, transport, softPhone, "bob", "builder", 600).passed());
        assertTrue(register(sipp, reg, transport, third, "bob", "builder", 600).passed());
        assertEquals(3, SipTestController.bindings(controller, "bob").size());
        // Expires: 0 on one contact removes that one only
        Sipp.Result one = register(sipp, reg, transport, deskPhone, "bob", "builder", 0);
        assertTrue(one.passed(), one.toString());
        List<Binding> left = SipTestController.bindings(controller, "bob");
        assertEquals(2, left.size(), left.toString());
        assertTrue(left.stream().noneMatch(b -> b.contact().contains(":" + deskPhone + ";")), left.toString());
        // Contact: * with Expires: 0 removes all
        Sipp.Result all = register(sipp, sipp.scenario("unreg-all", SippScenarios.register(200, "*")), transport,
                Sipp.freePort(), "bob", "builder", 0);
        assertTrue(all.passed(), all.toString());
        assertEquals(0, SipTestController.bindings(controller, "bob").size());
        assertEquals(1, SipTestController.counter(controller, "register.unregistered"));
        assertEquals(1, SipTestController.counter(controller, "register.unregistered-all"));
    }

    @Test void aRefreshKeepsOneBindingAndARegistrationLapsesAtItsExpiry() throws Exception {
        controller = SipTestController.start("", 30);
        Sipp sipp = new Sipp(dir);
        Path reg = sipp.scenario("reg", SippScenarios.register(200));
        int port = Sipp.freePort();
        assertTrue(register(sipp, reg, "udp", port, "1001", "secret1", 2).passed());
        Sipp.Result refresh = register(sipp, reg, "udp", port, "1001", "secret1", 2);
        assertTrue(refresh.passed(), refresh.toString());
        assertEquals(1, SipTestController.bindings(controller, "1001").size());
        assertEquals(1, SipTestController.counter(controller, "register.refreshed"));
        Thread.sleep(2300);
        assertEquals(0, SipTestController.bindings(controller, "1001").size());
    }

    @Test void aTooBriefExpiryGets423WithMinExpires() throws Exception {
        controller = SipTestController.start("minExpires: 30, defaultExpires: 60", 30);
        Sipp sipp = new Sipp(dir);
        Sipp.Result r = register(sipp, sipp.scenario("reg423", SippScenarios.register(423)), "udp", Sipp.freePort(),
                "1001", "secret1", 5);
        assertTrue(r.passed(), r.toString());
        assertEquals(0, SipTestController.bindings(controller, "1001").size());
    }
}
