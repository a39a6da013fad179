package dev.holdfast.tcpha.repair;

import dev.holdfast.tcpha.posix.LibC;
import dev.holdfast.tcpha.posix.Sockets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Linux TCP_REPAIR (man 7 tcp; include/uapi/linux/tcp.h): re-creates an established connection in a socket without
 * a handshake, and reads one out of a live socket without disturbing the peer. Needs CAP_NET_ADMIN.
 */
public final class TcpRepair {
    // include/uapi/linux/tcp.h
    public static final int TCP_MAXSEG = 2, TCP_INFO = 11;
    public static final int TCP_REPAIR = 19, TCP_REPAIR_QUEUE = 20, TCP_QUEUE_SEQ = 21, TCP_REPAIR_OPTIONS = 22;
    public static final int TCP_TIMESTAMP = 24, TCP_REPAIR_WINDOW = 29;
    public static final int TCP_REPAIR_ON = 1, TCP_REPAIR_OFF = 0, TCP_REPAIR_OFF_NO_WP = -1;
    public static final int TCP_NO_QUEUE = 0, TCP_RECV_QUEUE = 1, TCP_SEND_QUEUE = 2;
    // TCP option kinds (RFC 793, 7323, 2018) as TCP_REPAIR_OPTIONS codes
    public static final int TCPOPT_MSS = 2, TCPOPT_WINDOW = 3, TCPOPT_SACK_PERM = 4, TCPOPT_TIMESTAMP = 8;
    // tcp_info.tcpi_options bits
    static final int TCPI_OPT_TIMESTAMPS = 1, TCPI_OPT_SACK = 2, TCPI_OPT_WSCALE = 4;
    private static final int MSG_PEEK = 2;
    /** SOL_SOCKET option: a send buffer beyond net.core.wmem_max (CAP_NET_ADMIN). */
    static final int SO_SNDBUFFORCE = 32;

    /** How the replica's unacknowledged output reaches the client after the repair. */
    public enum UnackedOutput {
        /** Put in the repair-mode send queue: the kernel counts it as sent and retransmits it on its timer. */
        REPAIR_SEND_QUEUE,
        /** Written after leaving repair mode: the kernel sends it at once as new data (the client drops any
         *  bytes it already had and acknowledges). The takeover queues the part the primary had already sent, as
         *  {@link #REPAIR_SEND_QUEUE} does, and writes only the rest (see Takeover.queuedAsSent). */
        WRITE_AFTER_REPAIR,
        /** All of it written after leaving repair mode, also what the primary had sent: the takeover's way before
         *  session 10, kept to reproduce the hang it caused (a client ahead of its last seen ACK by more than the
         *  first flight acknowledges data not yet sent, and the kernel drops those ACKs). */
        WRITE_ALL_AFTER_REPAIR
    }

    /**
     * RTT seed: the restored socket's send sequence starts this many bytes before the client's last ACK, and those
     * bytes sit in the repair-mode send queue as sent (an entry of their own). A re-created socket has no RTT sample
     * (TCP_REPAIR offers no way to set one, and tcp_init_metrics only reads a tcp_metrics entry for the client, which
     * the backup's kernel does not have), so its first retransmission waits for the fallback timer (1 s for a tail
     * loss probe, 3 s for the RTO) unless the client acknowledges new data first. The client's first ACK after the
     * takeover, its answer to the window probe included, acknowledges the seed byte: an RTT sample (from the byte's
     * queueing time, tcp_clean_rtx_queue), and the timer becomes about 200 ms + that sample. The byte's content does
     * not matter: the client has had that sequence number since before its last ACK, so a retransmission of it is
     * an old duplicate that the client's kernel drops unread (and acknowledges).
     */
    public static final int RTT_SEED_BYTES = 1;

    private TcpRepair() {}

    /**
     * Creates a socket carrying the connection described by {@code s}. The local address must be configured on this
     * host, or {@code freebind} set (the VIP may be added after). Returns the fd, out of repair mode, ready to use.
     */
    public static int restore(ConnectionState s, UnackedOutput how, boolean freebind, boolean windowProbe) throws IOException {
        return restore(s, how, freebind, windowProbe, true);
    }

    /** As above; {@code rttSeed} false: no {@link #RTT_SEED_BYTES} (the way before session 13, for comparison). */
    public static int restore(ConnectionState s, UnackedOutput how, boolean freebind, boolean windowProbe, boolean rttSeed) throws IOException {
        int fd = Sockets.tcpSocket();
        try {
            restoreInto(fd, s, how, freebind, rttSeed ? RTT_SEED_BYTES : 0);
            Sockets.setInt(fd, LibC.IPPROTO_TCP, TCP_REPAIR, windowProbe ? TCP_REPAIR_OFF : TCP_REPAIR_OFF_NO_WP, "TCP_REPAIR off");
            if (how != UnackedOutput.REPAIR_SEND_QUEUE && s.sendQueue().length > 0) {
                Sockets.writeFully(fd, s.sendQueue(), 0, s.sendQueue().length);
            }
            return fd;
        } catch (IOException | RuntimeException e) {
            Sockets.close(fd); // still in repair mode if it failed there: closes silently, nothing reaches the client
            throw e;
        }
    }

    private static void restoreInto(int fd, ConnectionState s, UnackedOutput how, boolean freebind, int seed) throws IOException {
        Sockets.setInt(fd, LibC.IPPROTO_TCP, TCP_REPAIR, TCP_REPAIR_ON, "TCP_REPAIR on");
        Sockets.setInt(fd, LibC.SOL_SOCKET, LibC.SO_REUSEADDR, 1, "SO_REUSEADDR");
        // leaving repair mode resets SO_REUSEADDR; SO_REUSEPORT stays and lets a listener share VIP:port with us
        Sockets.setInt(fd, LibC.SOL_SOCKET, LibC.SO_REUSEPORT, 1, "SO_REUSEPORT");
        if (freebind) Sockets.setInt(fd, LibC.SOL_IP, LibC.IP_FREEBIND, 1, "IP_FREEBIND");
        Sockets.setInt(fd, LibC.IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_SEND_QUEUE, "TCP_REPAIR_QUEUE send");
        Sockets.setInt(fd, LibC.IPPROTO_TCP, TCP_QUEUE_SEQ, s.sndUna() - seed, "TCP_QUEUE_SEQ send");
        Sockets.setInt(fd, LibC.IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_RECV_QUEUE, "TCP_REPAIR_QUEUE recv");
        Sockets.setInt(fd, LibC.IPPROTO_TCP, TCP_QUEUE_SEQ, s.rcvNxt() - s.recvQueue().length, "TCP_QUEUE_SEQ recv");
        Sockets.bind(fd, s.local());
        Sockets.connect(fd, s.remote()); // in repair mode: no SYN, straight to ESTABLISHED

        ByteBuffer opts = ByteBuffer.allocate(32).order(ByteOrder.nativeOrder());
        opts.putInt(TCPOPT_MSS).putInt(s.mss());
        if (s.sndWscale() >= 0) opts.putInt(TCPOPT_WINDOW).putInt((s.sndWscale() & 0xffff) | (s.rcvWscale() << 16));
        if (s.sack()) opts.putInt(TCPOPT_SACK_PERM).putInt(0);
        if (s.timestamps()) opts.putInt(TCPOPT_TIMESTAMP).putInt(0);
        byte[] optBytes = new byte[opts.position()];
        opts.flip().get(optBytes);
        Sockets.set(fd, LibC.IPPROTO_TCP, TCP_REPAIR_OPTIONS, optBytes, "TCP_REPAIR_OPTIONS");
        if (s.timestamps()) Sockets.setInt(fd, LibC.IPPROTO_TCP, TCP_TIMESTAMP, s.tsVal(), "TCP_TIMESTAMP");

        if (s.recvQueue().length > 0) {
            Sockets.setInt(fd, LibC.IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_RECV_QUEUE, "TCP_REPAIR_QUEUE recv");
            sendAll(fd, s.recvQueue());
        }
        if (seed > 0) {
            // the RTT seed (see RTT_SEED_BYTES): its own send() is its own queue entry, so the client's ACK of it
            // acknowledges a whole segment (a partly acknowledged one gives no RTT sample)
            Sockets.setInt(fd, LibC.IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_SEND_QUEUE, "TCP_REPAIR_QUEUE send");
            if (Sockets.send(fd, new byte[seed], seed) != seed) throw new IOException("RTT seed not queued whole");
        }
        if (how == UnackedOutput.REPAIR_SEND_QUEUE && s.sendQueue().length > 0) {
            // in repair mode nothing is ever acknowledged, so a send queue larger than the socket's send buffer
            // (16 KB at first, about 45 KB after the repair's connect) would block the send below for ever: make
            // room first (this fixes the buffer's size, so not below what autotuning would reach, tcp_wmem's 4 MB)
            Sockets.setInt(fd, LibC.SOL_SOCKET, SO_SNDBUFFORCE, Math.max(4 << 20, s.sendQueue().length + (1 << 20)), "SO_SNDBUFFORCE");
            Sockets.setInt(fd, LibC.IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_SEND_QUEUE, "TCP_REPAIR_QUEUE send");
            sendAll(fd, s.sendQueue());
        }
        Sockets.setInt(fd, LibC.IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_NO_QUEUE, "TCP_REPAIR_QUEUE none");

        ByteBuffer w = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
        // the window's right edge where the client put it: the seed moved snd_una back, the window grows by as much
        w.putInt(s.rcvNxt()).putInt(s.sndWnd() + seed).putInt(s.sndWnd() + seed).putInt(s.rcvWnd()).putInt(s.rcvNxt());
        Sockets.set(fd, LibC.IPPROTO_TCP, TCP_REPAIR_WINDOW, w.array(), "TCP_REPAIR_WINDOW");
    }

    /**
     * Runs the whole restore path once on a made-up loopback connection and closes it while still in repair mode
     * (silently), so the first real takeover does not pay for class loading and native-call binding.
     */
    public static void warmUp() throws IOException {
        ConnectionState s = new ConnectionState(new java.net.InetSocketAddress("127.0.0.1", 0),
                new java.net.InetSocketAddress("127.0.0.1", 9), 1000, 2000, 1448, 7, 7, true, true, 12345, 65535, 65535,
                new byte[150], new byte[0]);
        int fd = Sockets.tcpSocket();
        try {
            restoreInto(fd, s, UnackedOutput.REPAIR_SEND_QUEUE, false, RTT_SEED_BYTES);
        } finally {
            Sockets.close(fd);
        }
        // the calls a taken-over connection makes next (JNA binds a native function on its first call: milliseconds
        // the first client would wait for), on an fd that does not exist so nothing happens
        byte[] one = new byte[1];
        try { Sockets.writeFully(-1, one, 0, 1); } catch (IOException expected) { /* EBADF */ }
        try { Sockets.read(-1, one); } catch (IOException expected) { /* EBADF */ }
        try { Sockets.accept(-1); } catch (IOException expected) { /* EBADF */ }
        dev.holdfast.tcpha.posix.ConnectionIo.warmUp();
        Sockets.shutdownOutput(-1);
    }

    private static void sendAll(int fd, byte[] data) throws IOException {
        int off = 0;
        while (off < data.length) {
            int n = Math.min(data.length - off, 64 * 1024);
            byte[] chunk = java.util.Arrays.copyOfRange(data, off, off + n);
            off += Sockets.send(fd, chunk, n);
        }
    }

    /**
     * Reads the state of a live connection without the peer noticing: puts the socket in repair mode and reads its
     * sequence numbers, options, windows, timestamp clock and queues. The socket stays in repair mode; closing it
     * then sends nothing (no FIN, no RST).
     */
    public static ConnectionState dump(int fd) throws IOException {
        byte[] info = Sockets.get(fd, LibC.IPPROTO_TCP, TCP_INFO, 104, "TCP_INFO");
        int options = info[5] & 0xff;
        int sndWscale = (options & TCPI_OPT_WSCALE) != 0 ? info[6] & 0x0f : -1;
        int rcvWscale = (options & TCPI_OPT_WSCALE) != 0 ? (info[6] >> 4) & 0x0f : 0;
        int mss = Sockets.getInt(fd, LibC.IPPROTO_TCP, TCP_MAXSEG, "TCP_MAXSEG");
        Sockets.setInt(fd, LibC.IPPROTO_TCP, TCP_REPAIR, TCP_REPAIR_ON, "TCP_REPAIR on");
        Sockets.setInt(fd, LibC.IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_SEND_QUEUE, "TCP_REPAIR_QUEUE send");
        int writeSeq = Sockets.getInt(fd, LibC.IPPROTO_TCP, TCP_QUEUE_SEQ, "TCP_QUEUE_SEQ send");
        byte[] sendQ = peekQueue(fd);
        Sockets.setInt(fd, LibC.IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_RECV_QUEUE, "TCP_REPAIR_QUEUE recv");
        int rcvNxt = Sockets.getInt(fd, LibC.IPPROTO_TCP, TCP_QUEUE_SEQ, "TCP_QUEUE_SEQ recv");
        byte[] recvQ = peekQueue(fd);
        Sockets.setInt(fd, LibC.IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_NO_QUEUE, "TCP_REPAIR_QUEUE none");
        int tsVal = Sockets.getInt(fd, LibC.IPPROTO_TCP, TCP_TIMESTAMP, "TCP_TIMESTAMP");
        ByteBuffer w = ByteBuffer.wrap(Sockets.get(fd, LibC.IPPROTO_TCP, TCP_REPAIR_WINDOW, 20, "TCP_REPAIR_WINDOW"))
                .order(ByteOrder.nativeOrder());
        w.getInt(); // snd_wl1
        int sndWnd = w.getInt();
        w.getInt(); // max_window
        int rcvWnd = w.getInt();
        return new ConnectionState(Sockets.localAddress(fd), Sockets.remoteAddress(fd), writeSeq - sendQ.length, rcvNxt,
                mss, sndWscale, rcvWscale, (options & TCPI_OPT_SACK) != 0, (options & TCPI_OPT_TIMESTAMPS) != 0, tsVal,
                sndWnd, rcvWnd, sendQ, recvQ);
    }

    private static byte[] peekQueue(int fd) throws IOException {
        byte[] buf = new byte[4 * 1024 * 1024];
        try {
            long n = LibC.INSTANCE.recv(fd, buf, buf.length, MSG_PEEK | LibC.MSG_DONTWAIT);
            return java.util.Arrays.copyOf(buf, (int) Math.max(0, n));
        } catch (com.sun.jna.LastErrorException e) {
            if (e.getErrorCode() == LibC.EAGAIN) return new byte[0];
            throw Sockets.io("recv MSG_PEEK", e);
        }
    }
}
