package dev.holdfast.tcpha.posix;

import com.sun.jna.LastErrorException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** An AF_PACKET socket on one interface (man 7 packet): reads frames of one EtherType, sends link-layer frames. */
public final class PacketSocket implements AutoCloseable {
    public static final int ETH_P_IP = 0x0800, ETH_P_ARP = 0x0806;
    /** sockaddr_ll.sll_pkttype of a frame this host sent (its own output, seen by a packet socket too). */
    public static final int PACKET_OUTGOING = 4;

    private final int fd;
    private final int ifIndex;
    private final int etherType;

    /**
     * Opens a cooked (SOCK_DGRAM) packet socket bound to {@code ifName} for {@code etherType}: reads give the
     * network-layer packet without its Ethernet header. {@code promiscuous} adds a PACKET_MR_PROMISC membership so
     * frames for other hosts' MAC addresses arrive too (the tap on a hub).
     */
    public PacketSocket(String ifName, int etherType, boolean promiscuous) throws IOException {
        this.etherType = etherType;
        this.ifIndex = LibC.INSTANCE.if_nametoindex(ifName);
        if (ifIndex == 0) throw new IOException("no interface " + ifName + " in this network namespace");
        try {
            fd = LibC.INSTANCE.socket(LibC.AF_PACKET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, Short.reverseBytes((short) etherType) & 0xffff);
        } catch (LastErrorException e) {
            throw Sockets.io("socket(AF_PACKET)", e);
        }
        byte[] sll = sockaddrLl(ifIndex, etherType, null);
        try {
            LibC.INSTANCE.bind(fd, sll, sll.length);
        } catch (LastErrorException e) {
            Sockets.close(fd);
            throw Sockets.io("bind(AF_PACKET " + ifName + ")", e);
        }
        if (promiscuous) {
            ByteBuffer mreq = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
            mreq.putInt(ifIndex).putShort((short) LibC.PACKET_MR_PROMISC);
            Sockets.set(fd, LibC.SOL_PACKET, LibC.PACKET_ADD_MEMBERSHIP, mreq.array(), "PACKET_ADD_MEMBERSHIP");
        }
    }

    static byte[] sockaddrLl(int ifIndex, int etherType, byte[] destMac) {
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
        b.putShort((short) LibC.AF_PACKET);
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) etherType);
        b.order(ByteOrder.nativeOrder()).putInt(ifIndex);
        b.putShort((short) 1); // ARPHRD_ETHER
        b.put((byte) 0).put((byte) 6);
        if (destMac != null) b.put(destMac);
        return b.array();
    }

    /** Sets a receive timeout so {@link #receive} returns -1 now and then (lets a reader thread notice a stop). */
    public void setReceiveTimeoutMillis(int ms) throws IOException {
        ByteBuffer tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        tv.putLong(ms / 1000).putLong((ms % 1000) * 1000L);
        Sockets.set(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, tv.array(), "SO_RCVTIMEO");
    }

    /** SO_RCVBUFFORCE (needs CAP_NET_ADMIN): a receive buffer beyond net.core.rmem_max. */
    public void setReceiveBufferForce(int bytes) throws IOException {
        Sockets.setInt(fd, LibC.SOL_SOCKET, 33, bytes, "SO_RCVBUFFORCE");
    }

    /**
     * Receives one packet into buf; returns its length, or -1 on timeout. {@code pktType[0]} gets sll_pkttype
     * (0 host, 1 broadcast, 2 multicast, 3 other host, 4 outgoing).
     */
    public int receive(byte[] buf, int[] pktType) throws IOException { return receive(buf, pktType, false); }

    /** As {@link #receive(byte[], int[])}; {@code dontWait}: return -1 at once if nothing is queued. */
    public int receive(byte[] buf, int[] pktType, boolean dontWait) throws IOException {
        byte[] from = new byte[20];
        int[] fromLen = {20};
        try {
            int n = (int) LibC.INSTANCE.recvfrom(fd, buf, buf.length, dontWait ? LibC.MSG_DONTWAIT : 0, from, fromLen);
            if (pktType != null) pktType[0] = from[10] & 0xff;
            return n;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.EAGAIN || e.getErrorCode() == LibC.EINTR) return -1;
            throw Sockets.io("recvfrom(AF_PACKET)", e);
        }
    }

    private final byte[] from = new byte[20];
    private final int[] fromLen = new int[1];

    /**
     * As {@link #receive(byte[], int[], boolean)} into a direct buffer (its bytes from 0 to the returned length; the
     * buffer's position and limit are left alone), without JNA copying a Java array in and out: for a reader of
     * many frames (the tap). Not thread-safe: one reader thread.
     */
    public int receive(ByteBuffer directBuf, int[] pktType, boolean dontWait) throws IOException {
        fromLen[0] = from.length;
        try {
            int n = (int) LibC.INSTANCE.recvfrom(fd, directBuf, directBuf.capacity(), dontWait ? LibC.MSG_DONTWAIT : 0, from, fromLen);
            if (pktType != null) pktType[0] = from[10] & 0xff;
            return n;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.EAGAIN || e.getErrorCode() == LibC.EINTR) return -1;
            throw Sockets.io("recvfrom(AF_PACKET)", e);
        }
    }

    private static final int SO_ATTACH_FILTER = 26, PACKET_STATISTICS = 6;

    /**
     * Attaches a classic BPF program (man 7 socket, SO_ATTACH_FILTER): the kernel runs it on every frame and queues
     * only what it accepts, truncated to the length it returns. Each instruction is {code, jt, jf, k}.
     */
    public void attachFilter(int[][] program) throws IOException {
        com.sun.jna.Memory insns = new com.sun.jna.Memory(8L * program.length);
        for (int i = 0; i < program.length; i++) {
            insns.setShort(8L * i, (short) program[i][0]);
            insns.setByte(8L * i + 2, (byte) program[i][1]);
            insns.setByte(8L * i + 3, (byte) program[i][2]);
            insns.setInt(8L * i + 4, program[i][3]);
        }
        // struct sock_fprog { unsigned short len; struct sock_filter *filter; } (the kernel copies the program)
        ByteBuffer fprog = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        fprog.putShort((short) program.length).putShort((short) 0).putInt(0).putLong(com.sun.jna.Pointer.nativeValue(insns));
        Sockets.set(fd, LibC.SOL_SOCKET, SO_ATTACH_FILTER, fprog.array(), "SO_ATTACH_FILTER");
    }

    /**
     * The kernel's counters since the last call (PACKET_STATISTICS resets them): {packets, drops}; drops are frames
     * the filter accepted but the socket's receive buffer had no room for.
     */
    public long[] statistics() throws IOException {
        byte[] st = Sockets.get(fd, LibC.SOL_PACKET, PACKET_STATISTICS, 8, "PACKET_STATISTICS");
        ByteBuffer b = ByteBuffer.wrap(st).order(ByteOrder.nativeOrder());
        return new long[] {Integer.toUnsignedLong(b.getInt()), Integer.toUnsignedLong(b.getInt())};
    }

    /**
     * Waits until a frame is queued or {@code ms} passed (poll(2): its timeout is a high-resolution timer, where
     * SO_RCVTIMEO is rounded up to whole jiffies, 4-10 ms); true if one is queued.
     */
    /**
     * As {@link #awaitReadable(int)}, but also returns as soon as {@code wakeFd} (an eventfd) is readable: a reader
     * can then wait long (no wake-ups while the service is idle) and still be stopped at once.
     */
    public boolean awaitReadable(int ms, int wakeFd) throws IOException {
        ByteBuffer pfd = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        pfd.putInt(fd).putShort((short) LibC.POLLIN).putShort((short) 0);
        pfd.putInt(wakeFd).putShort((short) LibC.POLLIN).putShort((short) 0);
        try {
            return LibC.INSTANCE.poll(pfd.array(), 2, ms) > 0;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.EINTR) return false;
            throw Sockets.io("poll(AF_PACKET)", e);
        }
    }

    public boolean awaitReadable(int ms) throws IOException {
        ByteBuffer pfd = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        pfd.putInt(fd).putShort((short) LibC.POLLIN).putShort((short) 0);
        try {
            return LibC.INSTANCE.poll(pfd.array(), 1, ms) > 0;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.EINTR) return false;
            throw Sockets.io("poll(AF_PACKET)", e);
        }
    }

    /** Sends one network-layer packet to a link-layer destination. */
    public void send(byte[] packet, byte[] destMac) throws IOException {
        byte[] to = sockaddrLl(ifIndex, etherType, destMac);
        try {
            LibC.INSTANCE.sendto(fd, packet, packet.length, 0, to, to.length);
        } catch (LastErrorException e) {
            throw Sockets.io("sendto(AF_PACKET)", e);
        }
    }

    /** This namespace's MAC address of an interface, from sysfs. */
    public static byte[] macOf(String ifName) throws IOException {
        String s = Files.readString(Path.of("/sys/class/net", ifName, "address")).strip();
        String[] parts = s.split(":");
        byte[] mac = new byte[6];
        for (int i = 0; i < 6; i++) mac[i] = (byte) Integer.parseInt(parts[i], 16);
        return mac;
    }

    @Override
    public void close() {
        Sockets.close(fd);
    }
}
