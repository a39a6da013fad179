package dev.holdfast.tcpha.ha;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Heartbeats over real UDP sockets on loopback addresses: the blocking receivers and the read-once-a-round mode. */
class HeartbeatsTest {
    // two loopback addresses of their own (all of 127.0.0.0/8 is on lo): port 7100 on them is nobody else's
    static final String A = "127.0.61.1", B = "127.0.61.2";

    static long receiverThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("heartbeat-rx")).count();
    }

    @Test
    void aSideThatReadsOnEachRoundHearsItsPeerWithoutReceiverThreads_andNoticesItsSilence() throws Exception {
        long threadsBefore = receiverThreads();
        try (Heartbeats primary = new Heartbeats(List.<String[]>of(new String[] {A, B}), 10, () -> "primary", true)) {
            assertEquals(threadsBefore, receiverThreads(), "reading once a round starts no receiver thread");
            try (Heartbeats backup = new Heartbeats(List.<String[]>of(new String[] {B, A}), 10, () -> "backup conns=0")) {
                Thread.sleep(300);
                assertTrue(primary.silentMillis(0) <= 30, "heard within a few rounds: " + primary.silentMillis(0) + " ms");
                assertTrue(primary.lastPayload(0).endsWith(" backup conns=0"), primary.lastPayload(0));
                assertTrue(backup.silentMillis(0) <= 30, "the backup hears the primary too: " + backup.silentMillis(0) + " ms");
                assertTrue(backup.lastPayload(0).endsWith(" primary"), backup.lastPayload(0));
            }
            Thread.sleep(300); // the backup is gone
            assertTrue(primary.silentMillis(0) >= 250, "silence noticed: " + primary.silentMillis(0) + " ms");
        }
    }

    @Test
    void theRoundCheckSeesWhatArrivedInTheSameRound() throws Exception {
        try (Heartbeats backup = new Heartbeats(List.<String[]>of(new String[] {B, A}), 5, () -> "backup");
             Heartbeats primary = new Heartbeats(List.<String[]>of(new String[] {A, B}), 20, () -> "primary", true)) {
            long[] worst = {0};
            int[] rounds = {0};
            primary.onEachRound(() -> {
                // the backup sends every 5 ms and the primary reads just before this check: never older than that
                // by much (a loaded machine may delay a send; 15 ms covers it)
                if (++rounds[0] > 3) worst[0] = Math.max(worst[0], primary.silentMillis(0));
            });
            Thread.sleep(400);
            assertTrue(rounds[0] >= 10, "rounds ran: " + rounds[0]);
            assertTrue(worst[0] <= 15, "freshest heartbeat at the check at most " + worst[0] + " ms old");
        }
    }
}
