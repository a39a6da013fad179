package dev.holdfast.controller;

import dev.holdfast.controller.core.Notice;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The core's notices (the admin API's live stream and metrics): what they say, and that they change nothing. */
class NoticeWatchTest {

    @Test
    void noticesChangeNoCommand() throws Exception {
        Sim plain = ReplayDeterminismTest.busyRun(false);
        Sim watched = ReplayDeterminismTest.busyRun(true);
        assertEquals(plain.commandLog(), watched.commandLog());
        assertEquals(plain.eventLog(), watched.eventLog());
        assertTrue(plain.driver.notices().isEmpty(), "no notices unless asked for");
        assertTrue(watched.driver.notices().size() > 10, watched.driver.notices().toString());
    }

    @Test
    void theSameRunGivesTheSameNotices() throws Exception {
        assertEquals(ReplayDeterminismTest.busyRun(true).driver.notices(), ReplayDeterminismTest.busyRun(true).driver.notices());
    }

    @Test
    void everyCallIsReportedFromStartToEnd() throws Exception {
        Sim sim = ReplayDeterminismTest.busyRun(true);
        List<Notice> notices = sim.driver.notices();
        Map<Long, StringBuilder> lives = new TreeMap<>();
        for (Notice n : notices) {
            Object id = n.fields().get("callId");
            if (id == null) continue;
            StringBuilder life = lives.computeIfAbsent((Long) id, k -> new StringBuilder());
            switch (n.kind()) {
                case "call-started" -> life.append("started ").append(n.fields().get("state"));
                case "call-state" -> life.append(" ").append(n.fields().get("state"))
                        .append(n.fields().get("feature").equals("NONE") ? "" : "/" + n.fields().get("feature"));
                case "call-released" -> life.append(" released");
                default -> throw new AssertionError(n.toString());
            }
        }
        List<Long> active = sim.core.calls().calls().stream().map(dev.holdfast.controller.call.Call::id).toList();
        assertEquals(3, lives.size(), lives.toString()); // busy and invalid numbers make no call
        lives.forEach((id, life) -> {
            assertTrue(life.toString().startsWith("started "), id + ": " + life);
            // every call is released once, unless it is still up
            assertEquals(active.contains(id) ? 0 : 1, life.toString().split(" released", -1).length - 1, id + ": " + life);
        });
        // the first call: set up, rings, answered, released; its set-up timed once
        assertEquals("started SETUP RINGING CONNECTED released", lives.get(1L).toString());
        List<Notice> setups = notices.stream().filter(n -> Long.valueOf(1).equals(n.fields().get("callId"))
                && n.fields().containsKey("setupMillis")).toList();
        assertEquals(1, setups.size(), setups.toString());
        assertEquals("RINGING", setups.get(0).fields().get("state"));
        // the hold, consultation and conference of the run show as feature changes of one call
        assertTrue(lives.values().stream().anyMatch(l -> l.toString().contains("/HOLD")), lives.toString());
        assertTrue(lives.values().stream().anyMatch(l -> l.toString().contains("/CONFERENCE")), lives.toString());
    }

    @Test
    void gatewaysAreReportedRegisteredLostAndBack() throws Exception {
        Sim sim = ReplayDeterminismTest.busyRun(true);
        List<String> gw1 = sim.driver.notices().stream().filter(n -> "gw1".equals(n.fields().get("gateway")))
                .map(n -> n.kind() + " " + n.fields().get("state")).toList();
        assertEquals(List.of("gateway-state REGISTERING", "gateway-registered IN_SERVICE", "gateway-lost LOST",
                "gateway-state REGISTERING", "gateway-registered IN_SERVICE"), gw1);
    }
}
