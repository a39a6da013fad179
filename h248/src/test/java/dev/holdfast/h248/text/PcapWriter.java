package dev.holdfast.h248.text;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A libpcap capture file (Ethernet link type) built by hand: UDP datagrams and TCP segments over IPv4, with
 * correct lengths and IPv4 header checksums (UDP and TCP checksums are left 0, "not computed", which Wireshark
 * does not flag by default). Frames are time-stamped one millisecond apart.
 */
final class PcapWriter {
    private static final int LINKTYPE_ETHERNET = 1;
    private static final byte[] MAC_A = {0x02, 0, 0, 0, 0, 0x0a};
    private static final byte[] MAC_B = {0x02, 0, 0, 0, 0, 0x0b};

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int frames;
    private int ipId = 1;

    PcapWriter() {
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0xa1b2c3d4); // magic, microsecond time stamps
        h.putShort((short) 2).putShort((short) 4);
        h.putInt(0).putInt(0); // thiszone, sigfigs
        h.putInt(262_144); // snaplen
        h.putInt(LINKTYPE_ETHERNET);
        out.writeBytes(h.array());
    }

    int frames() { return frames; }

    /** One UDP datagram from {@code src:srcPort} to {@code dst:dstPort}. */
    void udp(byte[] src, int srcPort, byte[] dst, int dstPort, byte[] payload) {
        ByteBuffer udp = ByteBuffer.allocate(8 + payload.length);
        udp.putShort((short) srcPort).putShort((short) dstPort);
        udp.putShort((short) (8 + payload.length));
        udp.putShort((short) 0); // checksum not computed (allowed for UDP over IPv4)
        udp.put(payload);
        ipv4(src, dst, 17, udp.array());
    }

    /** One TCP segment; {@code flags} as in the TCP header (0x02 SYN, 0x10 ACK, 0x18 PSH+ACK). */
    void tcp(byte[] src, int srcPort, byte[] dst, int dstPort, long seq, long ack, int flags, byte[] payload) {
        ByteBuffer tcp = ByteBuffer.allocate(20 + payload.length);
        tcp.putShort((short) srcPort).putShort((short) dstPort);
        tcp.putInt((int) seq).putInt((int) ack);
        tcp.put((byte) 0x50); // data offset: 5 words, no options
        tcp.put((byte) flags);
        tcp.putShort((short) 0xffff); // window
        tcp.putShort((short) 0); // checksum (not validated by Wireshark by default)
        tcp.putShort((short) 0); // urgent pointer
        tcp.put(payload);
        ipv4(src, dst, 6, tcp.array());
    }

    private void ipv4(byte[] src, byte[] dst, int protocol, byte[] payload) {
        int total = 20 + payload.length;
        if (total > 0xffff) throw new IllegalArgumentException("IPv4 packet of " + total + " octets");
        ByteBuffer ip = ByteBuffer.allocate(total);
        ip.put((byte) 0x45).put((byte) 0);
        ip.putShort((short) total);
        ip.putShort((short) ipId++);
        ip.putShort((short) 0x4000); // don't fragment
        ip.put((byte) 64).put((byte) protocol);
        ip.putShort((short) 0); // checksum, filled in below
        ip.put(src).put(dst);
        byte[] header = ip.array();
        int sum = 0;
        for (int i = 0; i < 20; i += 2) sum += ((header[i] & 0xff) << 8) | (header[i + 1] & 0xff);
        while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
        int checksum = ~sum & 0xffff;
        header[10] = (byte) (checksum >> 8);
        header[11] = (byte) checksum;
        ip.put(payload);

        boolean aToB = src[3] <= dst[3];
        ByteBuffer eth = ByteBuffer.allocate(14 + total);
        eth.put(aToB ? MAC_B : MAC_A).put(aToB ? MAC_A : MAC_B);
        eth.putShort((short) 0x0800);
        eth.put(ip.array());
        record(eth.array());
    }

    private void record(byte[] frame) {
        ByteBuffer rec = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        long micros = 1_718_100_000_000_000L + frames * 1000L;
        rec.putInt((int) (micros / 1_000_000)).putInt((int) (micros % 1_000_000));
        rec.putInt(frame.length).putInt(frame.length);
        out.writeBytes(rec.array());
        out.writeBytes(frame);
        frames++;
    }

    void writeTo(Path file) throws IOException {
        Files.write(file, out.toByteArray());
    }

    /** TPKT (RFC 1006) framing as H.248.1 Annex D.2 uses it on TCP: version 3, reserved 0, 16-bit total length. */
    static byte[] tpkt(byte[] message) {
        int length = 4 + message.length;
        if (length > 0xffff) throw new IllegalArgumentException("TPKT packet of " + length + " octets");
        ByteBuffer b = ByteBuffer.allocate(length);
        b.put((byte) 3).put((byte) 0).putShort((short) length).put(message);
        return b.array();
    }
}
