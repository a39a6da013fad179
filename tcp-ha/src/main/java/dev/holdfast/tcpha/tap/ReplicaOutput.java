package dev.holdfast.tcpha.tap;

import dev.holdfast.tcpha.app.StreamApplication;
import dev.holdfast.tcpha.posix.Sockets;

import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * The replica's output on the backup: suppressed, but the bytes the client has not yet acknowledged are kept
 * (trimmed as the client's ACKs show up on the tap), since after a takeover they must be sent again. A replica
 * that runs ahead of the client by more than {@code limit} bytes blocks, as a socket write would. After the
 * takeover the output goes to the re-created socket.
 */
public final class ReplicaOutput implements StreamApplication.Output {
    private static final System.Logger LOG = System.getLogger(ReplicaOutput.class.getName());
    private final int limit;
    private byte[] buf = new byte[4096];
    private int start, end;          // unacknowledged bytes are buf[start, end)
    private long startOffset;        // output stream offset of buf[start]
    private long acked;              // highest output offset the client has acknowledged (the primary sent it)
    private long next;               // output stream offset of the replica's next byte (all it has produced)
    private int fd = -1;             // the live socket after takeover
    private byte[] pending;          // unacknowledged output still to be written to fd after the takeover: pending[pendingOff, pendingEnd)
    private int pendingOff, pendingEnd;
    private boolean closed;
    private boolean waitingForAcks;

    public ReplicaOutput(int limit) { this.limit = limit; }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws InterruptedException {
        while (fd < 0 && end - start > limit) {
            waitingForAcks = true;
            try { wait(); } finally { waitingForAcks = false; }
        }
        long produced = next;
        next += len;
        if (fd >= 0) {
            flushPending();
            // the re-created socket's stream starts at the client's last ACK: a replica that was still behind it at
            // the takeover produces bytes the client has, which written here would land at later sequence numbers
            int skip = (int) Math.min(len, Math.max(0, acked - produced));
            if (len > skip) toSocket(b, off + skip, len - skip);
            return;
        }
        if (acked > produced) {
            // a replica behind the primary produces output the client already has (it acknowledged the primary's
            // copy): keep none of it, or it would be sent again after a takeover at sequence numbers past it
            int skip = (int) Math.min(len, acked - produced);
            off += skip;
            len -= skip;
            startOffset += skip;
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

    private void toSocket(byte[] b, int off, int len) {
        try {
            Sockets.writeFully(fd, b, off, len);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "write after takeover failed: {0}", e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (fd >= 0) { flushPending(); Sockets.shutdownOutput(fd); }
    }

    /** Whether the replica's application closed its output (its FIN). */
    public synchronized boolean isClosed() { return closed; }

    /** Whether the replica is blocked because the client lags by more than the limit (it has caught up with its input). */
    public synchronized boolean waitingForAcks() { return waitingForAcks; }

    /**
     * Writes the output that was unacknowledged at the takeover to the socket (blocking until the kernel takes it).
     * Called by a writer thread after the takeover, or by the replica's next write, whichever comes first: both hold
     * this object's lock, so the bytes go out once and in order.
     */
    public synchronized void flushPending() {
        if (pending == null) return;
        byte[] p = pending;
        pending = null;
        if (pendingEnd > pendingOff) toSocket(p, pendingOff, pendingEnd - pendingOff);
        if (closed) Sockets.shutdownOutput(fd);
    }

    /**
     * Writes the first {@code n} bytes of the pending output to the socket now and keeps the rest pending; returns how
     * many were written. With {@code n} within the window the re-created socket believes the client has, the kernel
     * sends them at once (a zero-window probe that carries data, see Takeover.prompt); they fit an empty send buffer,
     * so this does not block.
     */
    public synchronized int writeAhead(int n) {
        int k = Math.min(n, pendingBytes());
        if (k <= 0) return 0;
        toSocket(pending, pendingOff, k);
        pendingOff += k;
        return k;
    }

    /** Unacknowledged output still to be written to the re-created socket. */
    public synchronized int pendingBytes() { return pending == null ? 0 : pendingEnd - pendingOff; }

    /** The client acknowledged output up to stream offset {@code offset} (exclusive). */
    public synchronized void acknowledged(long offset) {
        if (offset > acked) acked = offset;
        if (offset <= startOffset) return;
        int n = (int) Math.min(offset - startOffset, end - start);
        start += n;
        startOffset += n;
        notifyAll();
    }

    /** Output produced and not yet acknowledged by the client, starting at stream offset {@link #unackedOffset()}. */
    public synchronized byte[] unacknowledged() { return java.util.Arrays.copyOfRange(buf, start, end); }

    /** How many bytes of output the client has not acknowledged. */
    public synchronized int unacknowledgedBytes() { return end - start; }

    /** The unacknowledged output's bytes [from, to) (offsets from its start). */
    public synchronized byte[] unacknowledged(int from, int to) { return java.util.Arrays.copyOfRange(buf, start + from, start + to); }

    public synchronized long unackedOffset() { return startOffset; }

    public synchronized long produced() { return next; }

    /**
     * From now on output goes to the re-created socket, after {@code unacked} (the output the client had not
     * acknowledged, written by {@link #flushPending()}).
     */
    public synchronized void attach(int socketFd, byte[] unacked) {
        fd = socketFd;
        pending = unacked;
        pendingOff = 0;
        pendingEnd = unacked.length;
        buf = new byte[0]; start = end = 0;
        notifyAll();
    }

    /**
     * The same, with the unacknowledged output from offset {@code skip} on as what is still to be written, kept where
     * it is: the takeover no longer copies it (a bulk replica's several megabytes, twice, took 20 ms and more of the
     * time between the tap's stop and the ARP, while the clients' segments reach nobody).
     */
    public synchronized void attachAfter(int socketFd, int skip) {
        fd = socketFd;
        pending = buf;
        pendingOff = start + skip;
        pendingEnd = end;
        buf = new byte[0]; start = end = 0;
        notifyAll();
    }
}
