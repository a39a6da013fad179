package dev.holdfast.sim.rtp;

/**
 * The RTP fixed header of RFC 3550 section 5.1 (12 octets, no CSRCs, no extension):
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * |                           timestamp                           |
 * |           synchronization source (SSRC) identifier            |
 * </pre>
 *
 * @param sequence  16 bits, 0..65535
 * @param timestamp 32 bits unsigned, held in a long
 * @param ssrc      32 bits, held as an int
 */
public record RtpHeader(boolean marker, int payloadType, int sequence, long timestamp, int ssrc) {
    public static final int LENGTH = 12;
    public static final int VERSION = 2;

    public RtpHeader {
        if (payloadType < 0 || payloadType > 127) throw new IllegalArgumentException("payload type " + payloadType);
        if (sequence < 0 || sequence > 0xFFFF) throw new IllegalArgumentException("sequence " + sequence);
        if (timestamp < 0 || timestamp > 0xFFFFFFFFL) throw new IllegalArgumentException("timestamp " + timestamp);
    }

    /** Writes the header into {@code out} at {@code offset}. */
    public void write(byte[] out, int offset) {
        out[offset] = (byte) (VERSION << 6);
        out[offset + 1] = (byte) ((marker ? 0x80 : 0) | payloadType);
        out[offset + 2] = (byte) (sequence >>> 8);
        out[offset + 3] = (byte) sequence;
        putInt(out, offset + 4, (int) timestamp);
        putInt(out, offset + 8, ssrc);
    }

    /**
     * Reads the fixed header of a datagram, or returns null when it is not RTP version 2 or is too short for the
     * header plus its CSRC list. The payload starts at {@link #payloadOffset(byte[])}.
     */
    public static RtpHeader read(byte[] d) {
        if (d.length < LENGTH || (d[0] & 0xFF) >>> 6 != VERSION) return null;
        int csrcCount = d[0] & 0x0F;
        if (d.length < LENGTH + 4 * csrcCount) return null;
        return new RtpHeader((d[1] & 0x80) != 0, d[1] & 0x7F, ((d[2] & 0xFF) << 8) | (d[3] & 0xFF),
                getInt(d, 4) & 0xFFFFFFFFL, getInt(d, 8));
    }

    /** Where the payload of an RTP datagram starts (after CSRCs and any header extension). */
    public static int payloadOffset(byte[] d) {
        int offset = LENGTH + 4 * (d[0] & 0x0F);
        if ((d[0] & 0x10) != 0 && d.length >= offset + 4) {
            int words = ((d[offset + 2] & 0xFF) << 8) | (d[offset + 3] & 0xFF);
            offset += 4 + 4 * words;
        }
        return Math.min(offset, d.length);
    }

    static void putInt(byte[] out, int at, int v) {
        out[at] = (byte) (v >>> 24);
        out[at + 1] = (byte) (v >>> 16);
        out[at + 2] = (byte) (v >>> 8);
        out[at + 3] = (byte) v;
    }

    static int getInt(byte[] d, int at) {
        return ((d[at] & 0xFF) << 24) | ((d[at + 1] & 0xFF) << 16) | ((d[at + 2] & 0xFF) << 8) | (d[at + 3] & 0xFF);
    }
}
