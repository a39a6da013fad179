package dev.holdfast.tcpha.tap;

/**
 * One IPv4 TCP segment as parsed from a tapped packet, with the handshake options (RFC 9293 MSS, RFC 7323 window
 * scale and timestamps, RFC 2018 SACK-permitted). Absent options read -1 (or false).
 */
public record TcpSegment(int srcIp, int srcPort, int dstIp, int dstPort, int seq, int ack, int flags, int window,
        int mss, int wscale, boolean sackPermitted, boolean hasTimestamp, int tsVal, int tsEcr,
        byte[] packet, int payloadOffset, int payloadLength) {

    public static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;

    public boolean has(int flag) { return (flags & flag) != 0; }

    /**
     * Payload bytes the segment carried on the wire, from the IP total length: also right when the tap's filter cut
     * the frame to its headers (the server's segments). A total length of 0 (a GSO packet over 64 KB) falls back to
     * the bytes present.
     */
    public int wirePayloadLength() {
        int total = u16(packet, 2);
        return total == 0 ? payloadLength : Math.max(0, total - payloadOffset);
    }

    /** Parses an IPv4 packet (no link-layer header); returns null for anything that is not a whole TCP segment. */
    public static TcpSegment parse(byte[] p, int len) {
        if (len < 20 || (p[0] >> 4) != 4) return null;
        int ihl = (p[0] & 0x0f) * 4;
        int total = u16(p, 2);
        if (total > 0 && total < len) len = total; // Ethernet padding
        if (p[9] != 6 || ihl < 20 || len < ihl + 20) return null;
        if ((u16(p, 6) & 0x3fff) != 0) return null; // fragments: not expected on the rig
        int t = ihl;
        int dataOff = ((p[t + 12] >> 4) & 0x0f) * 4;
        if (dataOff < 20 || t + dataOff > len) return null;
        int mss = -1, wscale = -1, tsVal = 0, tsEcr = 0;
        boolean sack = false, ts = false;
        for (int i = t + 20; i < t + dataOff; ) {
            int kind = p[i] & 0xff;
            if (kind == 0) break;
            if (kind == 1) { i++; continue; }
            if (i + 1 >= t + dataOff) break;
            int olen = p[i + 1] & 0xff;
            if (olen < 2 || i + olen > t + dataOff) break;
            switch (kind) {
                case 2 -> { if (olen == 4) mss = u16(p, i + 2); }
                case 3 -> { if (olen == 3) wscale = p[i + 2] & 0xff; }
                case 4 -> sack = true;
                case 8 -> { if (olen == 10) { ts = true; tsVal = s32(p, i + 2); tsEcr = s32(p, i + 6); } }
                default -> { }
            }
            i += olen;
        }
        return new TcpSegment(s32(p, 12), u16(p, t), s32(p, 16), u16(p, t + 2), s32(p, t + 4), s32(p, t + 8),
                p[t + 13] & 0xff, u16(p, t + 14), mss, wscale, sack, ts, tsVal, tsEcr, p, t + dataOff, len - t - dataOff);
    }

    static int u16(byte[] p, int i) { return ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff); }

    static int s32(byte[] p, int i) {
        return ((p[i] & 0xff) << 24) | ((p[i + 1] & 0xff) << 16) | ((p[i + 2] & 0xff) << 8) | (p[i + 3] & 0xff);
    }
}
