package dev.holdfast.tcpha.posix;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A connection's data path: read and write through one native buffer per connection, with JNA's direct mapping.
 * One instance per thread (it is not thread-safe).
 *
 * <p>Why not {@link LibC}: measured in-process ({@code ./bin/bench sttcp --loop-cost}, session 13), a 150-byte
 * {@code read} through the {@code LibC} interface proxy into the servers' 16 KB {@code byte[]} costs 4.4-5.5 us of
 * one thread's CPU, here 1.9-2.5 us; a 150-byte {@code write} 3.8-6.1 us, here 2.1-2.5 us: the proxy's reflective
 * dispatch and per-call argument conversion, and JNA copying the whole array to native memory and back on every
 * call. The proxy's figure also moves by up to 2 us from one JVM to the next for the same call (its Java dispatch
 * code is shared by every {@code LibC} call in the process and compiled as the JIT sees fit), which is enough to
 * make two server JVMs doing identical work differ by a microsecond or two per request. Direct mapping binds each
 * native method to a stub of its own: nothing shared, nothing converted; only the bytes read or written are copied,
 * in Java ({@link ByteBuffer#get(int, byte[], int, int)}).
 */
public final class ConnectionIo {
    /**
     * libc's read and write, direct-mapped (bound once, when this class is initialised). The byte[] forms are for
     * {@link Sockets#read} and {@link Sockets#writeFully} (no proxy; JNA still copies the array both ways).
     */
    static final class Direct {
        static { Native.register(Direct.class, NativeLibrary.getInstance("c")); }

        static native long read(int fd, long buf, long count) throws LastErrorException;

        static native long write(int fd, long buf, long count) throws LastErrorException;

        static native long read(int fd, byte[] buf, long count) throws LastErrorException;

        static native long write(int fd, byte[] buf, long count) throws LastErrorException;
    }

    private final ByteBuffer buf;
    private final long address;

    /** @param capacity the most one {@code read} or {@code write} call moves (16 KB: a connection thread's read) */
    public ConnectionIo(int capacity) {
        buf = ByteBuffer.allocateDirect(capacity);
        address = Pointer.nativeValue(Native.getDirectBufferPointer(buf));
    }

    /** Blocking read of at most {@code dst.length} bytes (and the buffer's capacity) into dst; 0 at end of stream. */
    public int read(int fd, byte[] dst) throws IOException { return read(fd, dst, 0, dst.length); }

    /** Blocking read of at most {@code len} bytes (and the buffer's capacity) into dst at off; 0 at end of stream. */
    public int read(int fd, byte[] dst, int off, int len) throws IOException {
        long max = Math.min(len, buf.capacity());
        while (true) {
            long n;
            try {
                n = Direct.read(fd, address, max);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.EINTR) continue;
                throw Sockets.io("read", e);
            }
            if (n > 0) buf.get(0, dst, off, (int) n);
            return (int) n;
        }
    }

    /** Writes all of {@code src[off, off + len)} (a buffer's worth per call). */
    public void writeFully(int fd, byte[] src, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int chunk = Math.min(buf.capacity(), len - done);
            buf.put(0, src, off + done, chunk);
            int sent = 0;
            while (sent < chunk) {
                try {
                    sent += (int) Direct.write(fd, address + sent, chunk - sent);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == LibC.EINTR) continue;
                    throw Sockets.io("write", e);
                }
            }
            done += chunk;
        }
    }

    /**
     * Binds the native functions now (class initialisation) and runs both once on an fd that does not exist: a
     * taken-over connection's first read or write must not wait for JNA's first-call work.
     */
    public static void warmUp() {
        ConnectionIo io = new ConnectionIo(1);
        byte[] one = new byte[1];
        try { io.writeFully(-1, one, 0, 1); } catch (IOException expected) { /* EBADF */ }
        try { io.read(-1, one); } catch (IOException expected) { /* EBADF */ }
    }
}
