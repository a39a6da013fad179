package dev.holdfast.sim.rtp;

/**
 * What a probe says about the other direction, carried in every packet's payload: "I hear SSRC {@code heardSsrc},
 * its last packet reached me {@code ageMillis} ago". This is how each end learns that its own packets arrive,
 * so that both ends can tell a two-way talk path from a one-way one without any other channel.
 * <pre>
 *   "HFTP" (4 octets) | heard SSRC (4) | age of the last packet from it, ms (4; 0xFFFFFFFF: none heard)
 * </pre>
 * The rest of the payload is padding to the configured size.
 */
public record ProbeReport(int heardSsrc, long ageMillis) {
    public static final int LENGTH = 12;
    public static final long NOTHING_HEARD = 0xFFFFFFFFL;
    private static final int MAGIC = ('H' << 24) | ('F' << 16) | ('T' << 8) | 'P';

    public static ProbeReport nothingHeard() { return new ProbeReport(0, NOTHING_HEARD); }

    public boolean heardAnything() { return ageMillis != NOTHING_HEARD; }

    public void write(byte[] out, int offset) {
        RtpHeader.putInt(out, offset, MAGIC);
        RtpHeader.putInt(out, offset + 4, heardSsrc);
        RtpHeader.putInt(out, offset + 8, (int) Math.min(ageMillis, NOTHING_HEARD));
    }

    /** The report in a payload at {@code offset}, or null when there is none (a packet from another sender). */
    public static ProbeReport read(byte[] d, int offset) {
        if (d.length < offset + LENGTH || RtpHeader.getInt(d, offset) != MAGIC) return null;
        return new ProbeReport(RtpHeader.getInt(d, offset + 4), RtpHeader.getInt(d, offset + 8) & 0xFFFFFFFFL);
    }
}
