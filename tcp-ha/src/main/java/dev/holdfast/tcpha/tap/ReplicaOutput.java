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
    private int fd = -1;             // the live socket after takeover
    private boolean closed;

    public ReplicaOutput(int limit) { this.limit = limit; }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws InterruptedException {
        while (fd < 0 && end - start > limit) wait();
        if (fd >= 0) { toSocket(b, off, len); return; }
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
        if (fd >= 0) Sockets.shutdownOutput(fd);
    }

    /** The client acknowledged output up to stream offset {@code offset} (exclusive). */
    public synchronized void acknowledged(long offset) {
        if (offset <= startOffset) return;
        int n = (int) Math.min(offset - startOffset, end - start);
        start += n;
        startOffset += n;
        notifyAll();
    }

    /** Output produced and not yet acknowledged by the client, starting at stream offset {@link #unackedOffset()}. */
    public synchronized byte[] unacknowledged() { return java.util.Arrays.copyOfRange(buf, start, end); }

    public synchronized long unackedOffset() { return startOffset; }

    public synchronized long produced() { return startOffset + (end - start); }

    /** From now on output goes to the re-created socket; whether the application had already closed its output. */
    public synchronized boolean attach(int socketFd) {
        fd = socketFd;
        buf = new byte[0]; start = end = 0;
        notifyAll();
        if (closed) Sockets.shutdownOutput(fd);
        return closed;
    }
}
