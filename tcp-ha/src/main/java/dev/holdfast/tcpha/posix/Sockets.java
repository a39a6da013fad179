package dev.holdfast.tcpha.posix;

import com.sun.jna.LastErrorException;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Thin, checked wrappers around {@link LibC}: errno becomes an IOException naming the call. */
public final class Sockets {
    private static final LibC C = LibC.INSTANCE;

    private Sockets() {}

    /** struct sockaddr_in for an IPv4 address and port. */
    public static byte[] sockaddrIn(InetSocketAddress a) {
        byte[] sa = new byte[16];
        ByteBuffer b = ByteBuffer.wrap(sa);
        b.order(ByteOrder.nativeOrder()).putShort((short) LibC.AF_INET);
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) a.getPort());
        b.put(a.getAddress().getAddress());
        return sa;
    }

    public static InetSocketAddress fromSockaddrIn(byte[] sa) {
        int port = ((sa[2] & 0xff) << 8) | (sa[3] & 0xff);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {sa[4], sa[5], sa[6], sa[7]}), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public static InetSocketAddress addr(String ip, int port) {
        try {
            return new InetSocketAddress((Inet4Address) InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv4 address: " + ip, e);
        }
    }

    public static int tcpSocket() throws IOException {
        try { return C.socket(LibC.AF_INET, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, LibC.IPPROTO_TCP); }
        catch (LastErrorException e) { throw io("socket", e); }
    }

    public static void setInt(int fd, int level, int name, int value, String what) throws IOException {
        byte[] v = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
        set(fd, level, name, v, what);
    }

    public static void set(int fd, int level, int name, byte[] value, String what) throws IOException {
        try { C.setsockopt(fd, level, name, value, value.length); }
        catch (LastErrorException e) { throw io("setsockopt " + what, e); }
    }

    public static byte[] get(int fd, int level, int name, int size, String what) throws IOException {
        byte[] v = new byte[size];
        int[] len = {size};
        try { C.getsockopt(fd, level, name, v, len); }
        catch (LastErrorException e) { throw io("getsockopt " + what, e); }
        byte[] out = new byte[len[0]];
        System.arraycopy(v, 0, out, 0, len[0]);
        return out;
    }

    public static int getInt(int fd, int level, int name, String what) throws IOException {
        return ByteBuffer.wrap(get(fd, level, name, 4, what)).order(ByteOrder.nativeOrder()).getInt();
    }

    public static void bind(int fd, InetSocketAddress a) throws IOException {
        byte[] sa = sockaddrIn(a);
        try { C.bind(fd, sa, sa.length); }
        catch (LastErrorException e) { throw io("bind " + a, e); }
    }

    public static void connect(int fd, InetSocketAddress a) throws IOException {
        byte[] sa = sockaddrIn(a);
        try { C.connect(fd, sa, sa.length); }
        catch (LastErrorException e) { throw io("connect " + a, e); }
    }

    public static void listen(int fd, int backlog) throws IOException {
        try { C.listen(fd, backlog); }
        catch (LastErrorException e) { throw io("listen", e); }
    }

    /** A connected TCP pair on 127.0.0.1, {client, server} (measurements and tests of the data path). */
    public static int[] loopbackPair() throws IOException {
        int lfd = tcpSocket();
        try {
            bind(lfd, addr("127.0.0.1", 0));
            listen(lfd, 1);
            int client = tcpSocket();
            connect(client, localAddress(lfd));
            return new int[] {client, accept(lfd)};
        } finally {
            close(lfd);
        }
    }

    /** Blocking accept; returns the new fd. */
    public static int accept(int fd) throws IOException {
        while (true) {
            try { return C.accept(fd, null, null); }
            catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.EINTR) continue;
                throw io("accept", e);
            }
        }
    }

    public static InetSocketAddress localAddress(int fd) throws IOException {
        byte[] sa = new byte[16];
        try { C.getsockname(fd, sa, new int[] {16}); }
        catch (LastErrorException e) { throw io("getsockname", e); }
        return fromSockaddrIn(sa);
    }

    public static InetSocketAddress remoteAddress(int fd) throws IOException {
        byte[] sa = new byte[16];
        try { C.getpeername(fd, sa, new int[] {16}); }
        catch (LastErrorException e) { throw io("getpeername", e); }
        return fromSockaddrIn(sa);
    }

    /**
     * Blocking read; returns 0 at end of stream. A connection's data path uses {@link ConnectionIo} (no array copied
     * whole); this is for the occasional read (direct-mapped all the same: no proxy).
     */
    public static int read(int fd, byte[] buf) throws IOException {
        while (true) {
            try { return (int) ConnectionIo.Direct.read(fd, buf, buf.length); }
            catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.EINTR) continue;
                throw io("read", e);
            }
        }
    }

    /** Writes all of buf[off, off+len) (direct-mapped; a connection's data path uses {@link ConnectionIo}). */
    public static void writeFully(int fd, byte[] buf, int off, int len) throws IOException {
        byte[] chunk = off == 0 && len == buf.length ? buf : java.util.Arrays.copyOfRange(buf, off, off + len);
        int done = 0;
        while (done < len) {
            byte[] rest = done == 0 ? chunk : java.util.Arrays.copyOfRange(chunk, done, len);
            try { done += (int) ConnectionIo.Direct.write(fd, rest, rest.length); }
            catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.EINTR) continue;
                throw io("write", e);
            }
        }
    }

    /** One send() call (for repair-mode queue filling, where each call makes one queue entry). */
    public static int send(int fd, byte[] buf, int len) throws IOException {
        try { return (int) C.send(fd, buf, len, 0); }
        catch (LastErrorException e) { throw io("send", e); }
    }

    public static void shutdownOutput(int fd) {
        try { C.shutdown(fd, LibC.SHUT_WR); } catch (LastErrorException ignored) { /* already closed */ }
    }

    /** Closes with SO_LINGER {on, 0}: the kernel sends an RST instead of a FIN (the peer learns the connection is gone). */
    public static void abort(int fd) {
        try {
            byte[] linger = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(1).putInt(0).array();
            set(fd, LibC.SOL_SOCKET, 13 /* SO_LINGER */, linger, "SO_LINGER");
        } catch (IOException e) {
            // closing anyway
        }
        close(fd);
    }

    public static void close(int fd) {
        try { C.close(fd); } catch (LastErrorException ignored) { /* already closed */ }
    }

    public static IOException io(String call, LastErrorException e) {
        return new IOException(call + " failed: errno " + e.getErrorCode() + " (" + e.getMessage() + ")", e);
    }
}
