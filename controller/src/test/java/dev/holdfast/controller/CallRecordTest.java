package dev.holdfast.controller;

import dev.holdfast.controller.cdr.CallRecord;
import dev.holdfast.controller.core.Notice;
import dev.holdfast.h248.message.ServiceChangeParm.MethodKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Call detail records of line and trunk calls, one per outcome, in virtual time: the times are the events' (the
 * virtual clock), the release reason is the outcome's, and a second run of the same events gives the same records.
 */
class CallRecordTest {
    static final String CONFIG = """
            gateways:
              - name: gw1
                mid: "[127.0.0.1]:2945"
                lines:
                  - { termination: A1, number: "1001" }
                  - { termination: A2, number: "1002" }
                  - { termination: A3, number: "1003" }
                trunks:
                  - { termination: T1, group: pstn, disconnectSupervision: true }
              - name: gw2
                mid: "[127.0.0.1]:2946"
                lines:
                  - { termination: A1, number: "2001" }
            dialPlan:
              trunkAccessCodes:
                - { code: "9", group: pstn, digits: xxxx }
            timers: { noAnswerSeconds: 30, inactivityMillis: 0, gatewaySilenceMillis: 3600000 }
            """;
    static final long T0 = 1_700_000_000_000L;

    Sim sim;
    SimGateway gw1;
    SimGateway gw2;

    @BeforeEach
    void registerBoth() throws Exception {
        sim = new Sim(CONFIG);
        sim.core.enableNotices();
        gw1 = sim.gateway("gw1", "A1", "A2", "A3", "T1");
        gw2 = sim.gateway("gw2", "A1");
        gw1.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        gw2.serviceChange(MethodKind.RESTART, "901 Cold Boot");
        gw1.take();
        gw2.take();
    }

    List<CallRecord> cdrs() {
        List<CallRecord> out = new ArrayList<>();
        for (Notice n : sim.driver.notices()) if (n.kind().equals("cdr")) out.add((CallRecord) n.fields().get("cdr"));
        return out;
    }

    CallRecord only() {
        List<CallRecord> all = cdrs();
        assertEquals(1, all.size(), "one record: " + all);
        return all.get(0);
    }

    /** Off-hook, dial, ringing 4 s, answered, talk 65 s, hang up. */
    void answeredCall() {
        sim.advance(1000);
        gw1.offHook("A1");
        sim.advance(2000);
        gw1.dial("A1", "1002");
        sim.advance(4000);
        gw1.offHook("A2");
        sim.advance(65_000);
        gw1.onHook("A2");
        sim.advance(500);
        gw1.onHook("A1");
    }

    @Test
    void answeredThenReleased() {
        answeredCall();
        CallRecord r = only();
        assertEquals("1001", r.caller());
        assertEquals("1002", r.callee());
        assertEquals("line", r.callerKind());
        assertEquals("line", r.calleeKind());
        assertEquals(List.of("gw1"), r.gateways());
        assertEquals(T0 + 3000, r.setup(), "set up when the digits were complete");
        assertEquals(T0 + 7000, r.answer());
        assertEquals(T0 + 72_000, r.end(), "ended when the called party hung up");
        assertEquals(65_000, r.durationMs());
        assertEquals(CallRecord.NORMAL, r.release());
        assertFalse(r.migrated());
        assertEquals("127.0.0.1:2944", r.controller(), "the controller's name defaults to its address");
        assertNotEquals(null, r.call());
        assertEquals("2023-11-14T22:13:23Z", r.json().get("setup"), "ISO 8601 in the API");
        assertEquals(65_000L, r.json().get("durationMs"));
    }

    @Test
    void theSameEventsGiveTheSameRecords() throws Exception {
        answeredCall();
        List<CallRecord> first = cdrs();
        registerBoth();
        answeredCall();
        assertEquals(first, cdrs(), "ids, times and contents: a replay makes the same CDRs");
    }

    @Test
    void interGatewayCallNamesBothGateways() {
        gw1.offHook("A1");
        gw1.dial("A1", "2001");
        sim.advance(1000);
        gw2.offHook("A1");
        sim.advance(10_000);
        gw1.onHook("A1");
        CallRecord r = only();
        assertEquals(List.of("gw1", "gw2"), r.gateways());
        assertEquals(CallRecord.NORMAL, r.release());
        assertEquals(10_000, r.durationMs());
    }

    @Test
    void busy() {
        gw1.offHook("A1");
        gw1.dial("A1", "1002");
        sim.advance(1000);
        gw1.offHook("A3");
        gw1.dial("A3", "1002");
        CallRecord r = only();
        assertEquals("1003", r.caller());
        assertEquals("1002", r.callee());
        assertEquals(CallRecord.BUSY, r.release());
        assertNull(r.answer());
        assertNull(r.call(), "an attempt that never became a call");
        assertEquals(r.setup(), r.end());
        assertEquals(0, r.durationMs());
    }

    @Test
    void noAnswer() {
        gw1.offHook("A1");
        gw1.dial("A1", "1002");
        sim.advance(31_000);
        CallRecord r = only();
        assertEquals(CallRecord.NO_ANSWER, r.release());
        assertNull(r.answer());
        assertEquals(30_000, r.end() - r.setup(), "released by the 30 s no-answer timer");
    }

    @Test
    void invalidNumber() {
        gw1.offHook("A1");
        gw1.dial("A1", "1999");
        CallRecord r = only();
        assertEquals(CallRecord.INVALID_NUMBER, r.release());
        assertEquals("1999", r.callee());
        assertNull(r.calleeKind());
    }

    @Test
    void abandonedWhileRinging() {
        gw1.offHook("A1");
        gw1.dial("A1", "1002");
        sim.advance(5000);
        gw1.onHook("A1");
        CallRecord r = only();
        assertEquals(CallRecord.ABANDONED, r.release());
        assertNull(r.answer());
        assertEquals(5000, r.end() - r.setup());
    }

    @Test
    void releasedByAdmin() {
        gw1.offHook("A1");
        gw1.dial("A1", "1002");
        gw1.offHook("A2");
        sim.advance(2000);
        long id = sim.core.calls().calls().iterator().next().id();
        sim.admin("release-call", String.valueOf(id));
        CallRecord r = only();
        assertEquals(CallRecord.RELEASED_BY_ADMIN, r.release());
        assertEquals(2000, r.durationMs());
    }

    @Test
    void failedWhenTheCalledGatewayDoesNotAnswer() {
        gw2.alive = false;
        gw1.offHook("A1");
        gw1.dial("A1", "2001");
        assertTrue(cdrs().isEmpty(), "still setting up");
        sim.timeOutUnanswered();
        CallRecord r = only();
        assertEquals(CallRecord.FAILED, r.release());
        // no reply: the association takes gw2 for lost, and the call with it
        assertTrue(r.cause().contains("gw2"), r.cause());
    }

    @Test
    void failedWhenAGatewayIsLostDuringTheCall() {
        gw1.offHook("A1");
        gw1.dial("A1", "2001");
        gw2.offHook("A1");
        sim.advance(3000);
        gw2.serviceChange(MethodKind.RESTART, "901 Cold Boot"); // came back without its state: its calls are gone
        CallRecord r = only();
        assertEquals(CallRecord.FAILED, r.release());
        assertEquals("gateway gw2 lost", r.cause());
        assertEquals(3000, r.durationMs());
    }

    @Test
    void trunkCall() {
        gw1.offHook("A1");
        gw1.dial("A1", "95551");
        sim.advance(8000);
        gw1.onHook("A1");
        CallRecord r = only();
        assertEquals("trunk", r.calleeKind());
        assertEquals("5551", r.callee(), "the number sent on the trunk");
        assertEquals(CallRecord.NORMAL, r.release());
        assertEquals(8000, r.durationMs());
    }

    @Test
    void incomingTrunkCall() {
        gw1.offHook("T1");
        gw1.dial("T1", "1002");
        gw1.offHook("A2");
        sim.advance(1000);
        gw1.onHook("A2");
        CallRecord r = only();
        assertEquals("trunk", r.callerKind());
        assertEquals("trunk:pstn/T1", r.caller());
        assertEquals("1002", r.callee());
        assertEquals(CallRecord.NORMAL, r.release());
    }
}
