package dev.holdfast.tcpha.ha;

/**
 * The primary's second receive buffer for one connection (thesis ch. 3): every byte the application has read is
 * kept until the backup says its replica has it, so a backup that missed bytes on the tap can fetch them. When more
 * than {@code threshold} bytes (the thesis's X) wait for the backup, the application's reads wait too, unless the
 * backup has been declared failed (then nothing is kept: the primary runs alone).
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
        if (alone) { startOffset += (end - start) + len; start = end = 0; return; }
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

    /** The backup's replica closed its output after {@code offset} bytes. */
    public synchronized void backupClosed(long offset) {
        backupClosedAt = offset;
        notifyAll();
    }

    /**
     * MaxDelayFIN: waits until the backup's replica has closed its output at the same point as the primary's
     * application (written bytes), or the backup is gone; false if maxDelayMs passed first: the applications differ,
     * and the primary's is taken to have failed.
     */
    public synchronized boolean awaitBackupClose(long maxDelayMs) throws InterruptedException {
        long until = System.currentTimeMillis() + maxDelayMs;
        while (!alone && backupClosedAt != written.get()) {
            long left = until - System.currentTimeMillis();
            if (left <= 0) return false;
            wait(left);
        }
        return true;
    }

    /** The backup failed (or came back): keep nothing while alone. */
    public synchronized void setAlone(boolean alone) {
        this.alone = alone;
        if (alone) { startOffset += end - start; start = end = 0; }
        notifyAll();
    }
}
