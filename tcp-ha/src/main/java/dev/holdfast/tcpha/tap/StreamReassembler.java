package dev.holdfast.tcpha.tap;

import java.util.Map;
import java.util.TreeMap;

/**
 * Puts one direction of a TCP connection back in order: segments may arrive out of order, overlap or repeat
 * (retransmissions); {@link #accept} returns the bytes that became contiguous, once each.
 */
public final class StreamReassembler {
    private int next;               // next sequence number expected (everything before was delivered)
    private final TreeMap<Long, byte[]> pending = new TreeMap<>(); // out-of-order bytes by stream offset
    private long delivered;         // bytes delivered so far (64-bit stream offset)
    private final int isn1;         // first data sequence number (ISN + 1)
    private long bufferedBytes;
    private final long maxBuffered;

    public StreamReassembler(int firstDataSeq, long maxBuffered) {
        this.isn1 = firstDataSeq;
        this.next = firstDataSeq;
        this.maxBuffered = maxBuffered;
    }

    /** The sequence number of the next byte not yet received in order (rcv_nxt). */
    public int nextSeq() { return next; }

    /** Bytes delivered in order so far. */
    public long delivered() { return delivered; }

    /** Stream offset of a sequence number near the current position (handles wrap-around). */
    long offsetOf(int seq) { return delivered + (seq - next); }

    /** Takes a segment's payload; returns the newly contiguous bytes (possibly empty). */
    public byte[] accept(int seq, byte[] buf, int off, int len) {
        if (len == 0) return EMPTY;
        long start = offsetOf(seq), end = start + len;
        if (end <= delivered) return EMPTY; // old retransmission
        if (start < delivered) { off += (int) (delivered - start); len -= (int) (delivered - start); start = delivered; }
        if (start > delivered) {
            if (bufferedBytes + len <= maxBuffered && !pending.containsKey(start)) {
                byte[] copy = java.util.Arrays.copyOfRange(buf, off, off + len);
                pending.put(start, copy);
                bufferedBytes += len;
            }
            return EMPTY;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(len);
        out.write(buf, off, len);
        advance(len);
        // pull in buffered segments that are now contiguous
        while (!pending.isEmpty()) {
            Map.Entry<Long, byte[]> e = pending.firstEntry();
            long s = e.getKey();
            if (s > delivered) break;
            pending.pollFirstEntry();
            bufferedBytes -= e.getValue().length;
            long eEnd = s + e.getValue().length;
            if (eEnd <= delivered) continue;
            int skip = (int) (delivered - s);
            out.write(e.getValue(), skip, e.getValue().length - skip);
            advance(e.getValue().length - skip);
        }
        return out.toByteArray();
    }

    /** Whether bytes after a hole are held (the hole was lost on the tap, or is still on its way). */
    public boolean hasHole() { return !pending.isEmpty(); }

    /** Counts the FIN's sequence number (it follows the last data byte). */
    public void acceptFin() { next++; }

    private void advance(int n) { next += n; delivered += n; }

    public int firstDataSeq() { return isn1; }

    private static final byte[] EMPTY = new byte[0];
}
