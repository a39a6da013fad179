package dev.holdfast.controller.warmup;

import dev.holdfast.controller.Controller;
import dev.holdfast.controller.ControllerCore;
import dev.holdfast.controller.provisioning.ControllerSettings;
import dev.holdfast.controller.provisioning.Provisioning;
import dev.holdfast.controller.provisioning.ProvisioningLoader;
import dev.holdfast.h248.transport.EndpointOptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The start-up warm-up: on by default for an alternate, bounded, and invisible to the live controller. */
class StandbyWarmUpTest {
    private static final String COOKIES = "cookies: { current: 1, keys: [ { id: 1, secret: \"d2FybS1zdGFuZGJ5LXRlc3Qta2V5LTMyLW9jdGV0cyEh\" } ] }\n";

    private static Provisioning live(String controllerExtra) throws Exception {
        return ProvisioningLoader.parse("controller: { address: 127.0.0.1, port: 0, transports: [udp]" + controllerExtra + " }\n"
                + "sip: { address: 127.0.0.1, port: 0, transports: [udp] }\n"
                + "subscribers:\n  - { user: \"5001\", password: s5001, number: \"5001\" }\n"
                + "gateways:\n  - name: gw1\n    mid: \"[127.0.0.1]:2999\"\n    address: 127.0.0.1\n    lines:\n"
                + "      - { termination: A1, number: \"1001\" }\n      - { termination: A2, number: \"1002\" }\n"
                + COOKIES, ProvisioningLoader.Format.YAML, "warm-up test");
    }

    /** What the live core holds and has counted, as text (read on its thread). */
    private static String state(ControllerCore c) {
        Map<String, Object> s = new TreeMap<>();
        s.put("events", c.eventsHandled());
        s.put("failures", c.failures());
        s.put("calls", c.calls().calls().size());
        s.put("completed", c.calls().completedCalls());
        s.put("migration", c.calls().migrationCounters());
        s.put("sip", c.sip().counters().snapshot());
        s.put("gw1", c.association().gateway("gw1").state());
        s.put("warmup-gw1", c.association().gateway("warmup-gw1"));
        s.put("pending", c.services().pendingRequests());
        s.put("timers", c.services().runningTimers());
        s.put("now", c.services().now());
        s.put("registered", c.association().anyRegistration());
        return s.toString();
    }

    @Test
    void rehearsalsLeaveTheLiveControllersStateCountersAndIdsAlone() throws Exception {
        try (Controller c = Controller.start(live(", role: alternate, warmup: off"), null, 7, EndpointOptions.DEFAULTS)) {
            assertNull(c.warmUp(), "warmup: off");
            String before = c.inspect(StandbyWarmUpTest::state);
            var h248 = c.h248Counters();
            var edge = c.sip().counters();
            StandbyWarmUp.Summary s = StandbyWarmUp.rehearse(new StandbyWarmUp.Limits(3, 60_000, 60_000, 4), () -> false);
            assertEquals(3, s.rehearsals());
            assertTrue(s.problems().isEmpty(), s.problems().toString());
            assertEquals(3 * 48, s.callsRebuilt());
            assertEquals(3 * 8, s.dialogsAdopted());
            assertEquals(before, c.inspect(StandbyWarmUpTest::state));
            assertEquals(h248, c.h248Counters());
            assertEquals(edge, c.sip().counters());
        }
    }

    @Test
    void anAlternateWarmsUpOnItsOwnThreadAndLogsOnlyItsSummaryLine() throws Exception {
        List<LogRecord> records = new ArrayList<>();
        Handler collect = new Handler() {
            @Override public synchronized void publish(LogRecord r) { if (isLoggable(r)) records.add(r); }
            @Override public void flush() { }
            @Override public void close() { }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(collect);
        // a short warm-up: what is checked is where it runs and what it logs
        System.setProperty(StandbyWarmUp.PROPERTY + ".rehearsals", "4");
        try {
            // unsilenced, a rehearsal does log (its gateways' audit lines): the check below can fail
            new FailoverRehearsal(ScratchSetup.create(2), 1).run(0);
            synchronized (collect) {
                assertTrue(records.stream().anyMatch(r -> String.valueOf(r.getMessage()).contains("warmup-gw1")), "rehearsal logs");
                records.clear();
            }
            try (Controller c = Controller.start(live(", role: alternate"), null, 7, EndpointOptions.DEFAULTS)) {
                Thread t = c.warmUp();
                assertNotNull(t, "an alternate warms up by default");
                t.join(30_000);
                assertFalse(t.isAlive(), "the warm-up ends by itself");
                List<String> fromWarmUp = new ArrayList<>();
                synchronized (collect) {
                    for (LogRecord r : records) if (r.getLongThreadID() == t.getId()) fromWarmUp.add(String.valueOf(r.getMessage()));
                    assertFalse(records.stream().anyMatch(r -> String.valueOf(r.getMessage()).contains("warmup-gw")), records.toString());
                }
                assertEquals(1, fromWarmUp.size(), fromWarmUp.toString());
                assertTrue(fromWarmUp.get(0).matches("warm-up: [1-4] rehearsals in [0-9]+ ms \\([0-9]+ ms of CPU; .*"), fromWarmUp.get(0));
                assertEquals(0L, c.inspect(ControllerCore::eventsHandled), "the live core saw nothing of it");
            }
            try (Controller c = Controller.start(live(""), null, 7, EndpointOptions.DEFAULTS)) {
                assertNull(c.warmUp(), "a primary does not warm up by default");
            }
        } finally {
            root.removeHandler(collect);
            System.clearProperty(StandbyWarmUp.PROPERTY + ".rehearsals");
        }
    }

    @Test
    void itStopsBetweenRehearsalsWhenTold() {
        StandbyWarmUp.Summary s = StandbyWarmUp.rehearse(new StandbyWarmUp.Limits(50, 60_000, 60_000, 2), () -> true);
        assertEquals(0, s.rehearsals());
        assertTrue(s.stopped());
        int[] asked = {0};
        s = StandbyWarmUp.rehearse(new StandbyWarmUp.Limits(50, 60_000, 60_000, 2), () -> ++asked[0] > 2);
        assertEquals(2, s.rehearsals());
        assertTrue(s.stopped());
    }

    @Test
    void theSettingAndTheSystemPropertyDecide() {
        ControllerSettings alternate = new ControllerSettings(null, null, null, null, null, "alternate", null, null, null);
        ControllerSettings primary = new ControllerSettings(null, null, null, null, null, null, null, null, null);
        ControllerSettings primaryOn = new ControllerSettings(null, null, null, null, null, null, null, null, "on");
        ControllerSettings alternateOff = new ControllerSettings(null, null, null, null, null, "alternate", null, null, "off");
        String was = System.getProperty(StandbyWarmUp.PROPERTY);
        try {
            System.clearProperty(StandbyWarmUp.PROPERTY);
            assertTrue(StandbyWarmUp.enabled(alternate));
            assertFalse(StandbyWarmUp.enabled(primary));
            assertTrue(StandbyWarmUp.enabled(primaryOn));
            assertFalse(StandbyWarmUp.enabled(alternateOff));
            System.setProperty(StandbyWarmUp.PROPERTY, "off");
            assertFalse(StandbyWarmUp.enabled(alternate));
            System.setProperty(StandbyWarmUp.PROPERTY, "on");
            assertTrue(StandbyWarmUp.enabled(primary));
        } finally {
            if (was == null) System.clearProperty(StandbyWarmUp.PROPERTY); else System.setProperty(StandbyWarmUp.PROPERTY, was);
        }
    }

    @Test
    void aWarmupSettingOtherThanAutoOnOrOffIsRefused() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.holdfast.controller.provisioning.ProvisioningException.class,
                () -> live(", warmup: sometimes"));
        assertTrue(e.problems().toString().contains("warmup"), e.problems().toString());
    }
}
