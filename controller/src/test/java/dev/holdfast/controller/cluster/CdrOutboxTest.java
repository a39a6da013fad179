package dev.holdfast.controller.cluster;

import dev.holdfast.controller.cdr.CallRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CDR queue of a controller whose cluster is away: bounded, spooled, in order, kept across a restart. */
class CdrOutboxTest {
    @TempDir Path dir;

    static CallRecord cdr(int i) {
        return new CallRecord("id-" + i, Long.toHexString(1000 + i), "1001", "1002", "line", "line", List.of("gw1"),
                1_700_000_000_000L + i, i % 2 == 0 ? 1_700_000_001_000L + i : null, 1_700_000_009_000L + i,
                i % 2 == 0 ? CallRecord.NORMAL : CallRecord.BUSY, i == 3 ? "a \"quoted\",\ncause" : null, i == 4, "ctl-a");
    }

    /** Takes everything out, {@code batch} at a time, as the cluster thread does. */
    static List<CallRecord> drain(CdrOutbox box, int batch) {
        List<CallRecord> out = new ArrayList<>();
        while (!box.isEmpty()) {
            List<CallRecord> b = box.peek(batch);
            out.addAll(b);
            box.written(b.size());
        }
        return out;
    }

    @Test
    void queuedCdrsSurviveARestartAndTheSpoolIsEmptiedOnceWritten() {
        Path spool = dir.resolve("events.cdr-spool");
        CdrOutbox box = new CdrOutbox(spool, 10);
        List<CallRecord> in = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            in.add(cdr(i));
            assertTrue(box.add(cdr(i)));
        }
        box.close(); // the controller stops with the cluster still away

        CdrOutbox again = new CdrOutbox(spool, 10);
        assertEquals(5, again.recover());
        assertEquals(in, drain(again, 2), "every field back, in order");
        assertFalse(Files.exists(spool), "written: the spool is emptied");
    }

    @Test
    void pastTheMemoryBoundCdrsWaitInTheSpoolInOrderAndPastBothTheyAreDropped() {
        CdrOutbox box = new CdrOutbox(dir.resolve("s"), 3);
        List<CallRecord> kept = new ArrayList<>();
        int dropped = 0;
        for (int i = 0; i < 8; i++) {
            if (box.add(cdr(i))) kept.add(cdr(i)); else dropped++;
        }
        assertEquals(6, kept.size(), "3 in memory and 3 more in the spool");
        assertEquals(2, dropped);
        assertEquals(6, box.size());
        assertEquals(kept, drain(box, 2), "oldest first, the spooled ones after those in memory");
        // and the queue works again after
        assertTrue(box.add(cdr(9)));
        assertEquals(List.of(cdr(9)), drain(box, 5));
    }

    @Test
    void withoutASpoolOnlyTheMemoryBoundHolds() {
        CdrOutbox box = new CdrOutbox(null, 2);
        assertTrue(box.add(cdr(1)));
        assertTrue(box.add(cdr(2)));
        assertFalse(box.add(cdr(3)));
        assertEquals(List.of(cdr(1), cdr(2)), drain(box, 10));
    }

    @Test
    void aRestartAfterAPartialDrainWritesSomeAgainWhichTheClusterKeysMakeHarmless() {
        Path spool = dir.resolve("p");
        CdrOutbox box = new CdrOutbox(spool, 10);
        for (int i = 0; i < 4; i++) box.add(cdr(i));
        List<CallRecord> first = box.peek(2);
        box.written(first.size()); // two written, then the controller stops
        box.close();
        CdrOutbox again = new CdrOutbox(spool, 10);
        assertEquals(4, again.recover(), "the spool is only emptied once all of it is written");
        assertEquals(List.of(cdr(0), cdr(1), cdr(2), cdr(3)), drain(again, 10));
    }
}
