package dev.holdfast.tcpha.ha;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class InputLogTest {
    static byte[] bytes(int n, int from) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (from + i);
        return b;
    }

    @Test
    void keepsWhatTheBackupHasNotAcknowledgedAndServesItFromAnyOffset() throws Exception {
        InputLog log = new InputLog(1 << 20);
        log.append(bytes(300, 0), 0, 300, 0);
        log.backupHas(100);
        assertArrayEquals(bytes(50, 120), log.from(120, 50));
        assertEquals(0, log.from(50, 10).length, "acknowledged bytes are gone");
        assertEquals(300, log.readOffset());
    }

    @Test
    void aPrimaryThatThinksItsBackupDeadStillKeepsTheLatestThresholdBytes_forABackupThatWasOnlySlow() throws Exception {
        InputLog log = new InputLog(1000);
        log.setAlone(true);
        log.append(bytes(600, 0), 0, 600, 0);
        log.append(bytes(600, 600), 0, 600, 0); // 1,200 > threshold: the oldest 200 go, nothing waits
        assertEquals(1000, log.kept());
        assertEquals(200, log.droppedUnacknowledged());
        assertEquals(0, log.from(100, 10).length);
        log.setAlone(false); // the backup is heard again: what it missed since offset 200 is still there
        assertArrayEquals(bytes(100, 250), log.from(250, 100));
    }

    @Test
    void maxDelayFinCountsFromTheMomentTheReplicaHasTakenInAllTheInput() throws Exception {
        InputLog log = new InputLog(1 << 20);
        log.append(bytes(150, 0), 0, 150, 0);
        log.written.set(150);
        Thread backup = new Thread(() -> {
            try {
                Thread.sleep(300); // a backup whose tap or replica lags: it has not taken in the input yet
                log.backupHas(150);
                log.backupConsumed(150);
                Thread.sleep(100); // its replica answers and closes within MaxDelayFIN of having the input
                log.backupClosed(150);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        backup.start();
        assertTrue(log.awaitBackupClose(200, false), "300 ms behind on input, then closed within 200 ms: agreement");
        backup.join();
    }

    @Test
    void aReplicaThatHasAllTheInputAndDoesNotCloseDisagrees() throws Exception {
        InputLog log = new InputLog(1 << 20);
        log.append(bytes(150, 0), 0, 150, 0);
        log.written.set(150);
        log.backupHas(150);
        log.backupConsumed(150);
        long t0 = System.nanoTime();
        assertFalse(log.awaitBackupClose(100, false));
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 1000, "decided within about MaxDelayFIN");
    }

    @Test
    void afterTheClientsFinTheClockWaitsForTheReplicaToTakeInTheFinToo() throws Exception {
        InputLog log = new InputLog(1 << 20);
        log.append(bytes(150, 0), 0, 150, 0);
        log.written.set(150);
        log.backupHas(150);
        log.backupConsumed(150); // every byte, but not the FIN yet: a lagging replica, not a disagreeing one
        Thread backup = new Thread(() -> {
            try {
                Thread.sleep(300);
                log.backupConsumed(151); // the FIN taken in
                Thread.sleep(50);
                log.backupClosed(150);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        backup.start();
        assertTrue(log.awaitBackupClose(100, true));
        backup.join();
    }
}
