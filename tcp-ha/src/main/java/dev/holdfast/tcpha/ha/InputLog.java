package dev.holdfast.tcpha.ha;

/**
 * The primary's second receive buffer for one connection (thesis ch. 3): every byte the application has read is
 * kept until the backup says its replica has it, so a backup that missed bytes on the tap can fetch them. When more
 * than {@code threshold} bytes (the thesis's X) wait for the backup, the application's reads wait too, unless the
 * backup has been declared failed (then the application no longer waits for it: the primary runs alone). Alone, the
 * log still keeps the latest {@code threshold} bytes: a backup that was only slow (a stalled JVM on a busy host looks
 * dead for a while) can still fetch what its tap missed once it is heard again, and the memory stays bounded.
 */
public final class InputLog {
    private final int threshold;
    private byte[] buf = new byte[4096];
    private int start, end;       // kept bytes buf[start, end)
    private long startOffset;     // stream offset of buf[start]
    private boolean alone;
    /** Output bytes the application has written on this connection (reported to the backup: AppMaxLagBytes). */
    public final java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();

    public InputLog(int threshold) { this.threshold = threshold; }

    /** Keeps bytes the application is about to read; waits while the backup lags by more than the threshold. */
    public synchronized void append(byte[] b, int off, int len, long maxWaitMs) throws InterruptedException {
        long until = System.currentTimeMillis() + maxWaitMs;
        while (!alone && end - start > threshold) {
            long left = until - System.currentTimeMillis();
            if (left <= 0) break; // the backup-failure detector decides; do not stall the client forever here
            wait(left);
        }
        if (alone && end - start + len > threshold) {
            // nobody to wait for: drop the oldest kept bytes beyond the threshold (counted as never acknowledged)
            int drop = (int) Math.min(end - start, (long) end - start + len - threshold);
            start += drop;
            startOffset += drop;
            droppedUnacknowledged += drop;
        }
        if (end + len > buf.length) {
            int used = end - start;
            byte[] nb = used + len > buf.length / 2 ? new byte[Math.max(buf.length * 2, used + len)] : buf;
            System.arraycopy(buf, start, nb, 0, used);
            buf = nb; start = 0; end = used;
        }
        System.arraycopy(b, off, buf, end, len);
        end += len;
    }

    /** The backup's replica has every byte before {@code offset}. */
    public synchronized void backupHas(long offset) {
        if (offset <= startOffset) return;
        int n = (int) Math.min(offset - startOffset, end - start);
        start += n;
        startOffset += n;
        notifyAll();
    }

    /** Kept bytes from {@code offset}, at most {@code max}; empty if not kept (already acknowledged or not read). */
    public synchronized byte[] from(long offset, int max) {
        if (offset < startOffset || offset >= startOffset + (end - start)) return new byte[0];
        int from = start + (int) (offset - startOffset);
        return java.util.Arrays.copyOfRange(buf, from, Math.min(end, from + max));
    }

    /** Bytes the application has read so far (the stream offset after the last kept byte). */
    public synchronized long readOffset() { return startOffset + (end - start); }

    private long backupClosedAt = -1;
    private long backupConsumed;

    /** The backup's replica has taken in the client's bytes before {@code offset}. */
    public synchronized void backupConsumed(long offset) {
        if (offset > backupConsumed) backupConsumed = offset;
        notifyAll();
    }

    /** The backup's replica closed its output after {@code offset} bytes. */
    public synchronized void backupClosed(long offset) {
        backupClosedAt = offset;
        notifyAll();
    }

    /**
     * MaxDelayFIN: waits until the backup's replica has closed its output at the same point as the primary's
     * application (written bytes), or the backup is gone; false if the replica did not: the applications differ, and
     * the primary's is taken to have failed. The maxDelayMs clock starts once the replica has taken in every byte the
     * application read, and the client's FIN too if the application closes after reading it ({@code afterEof}): a
     * backup whose tap or replica lags on a busy host has not disagreed yet, it has not seen the input. A backup that
     * does not get there within {@code 20 * maxDelayMs} is taken to disagree too.
     */
    public synchronized boolean awaitBackupClose(long maxDelayMs, boolean afterEof) throws InterruptedException {
        long now = System.currentTimeMillis();
        long cap = now + 20 * maxDelayMs, until = -1;
        long read = readOffset() + (afterEof ? 1 : 0);
        while (!alone && backupClosedAt != written.get()) {
            now = System.currentTimeMillis();
            if (until < 0 && backupConsumed >= read) until = now + maxDelayMs; // the replica has all the input now
            long left = Math.min(cap, until < 0 ? cap : until) - now;
            if (left <= 0) return false;
            wait(left);
        }
        return true;
    }

    private long droppedUnacknowledged;

    /** Bytes dropped while alone before the backup acknowledged them (a backup that comes back cannot fetch them). */
    public synchronized long droppedUnacknowledged() { return droppedUnacknowledged; }

    /** Bytes kept for the backup now. */
    public synchronized int kept() { return end - start; }

    /** The backup failed (the application stops waiting for it), or came back (it waits again). */
    public synchronized void setAlone(boolean alone) {
        this.alone = alone;
        notifyAll();
    }
}
