package dev.holdfast.endpointsim.phone;

import java.util.Locale;

/** An SDP media direction attribute (RFC 3264 5.1, 6.1), as seen by the side that wrote it. */
public enum MediaDirection {
    SENDRECV(true, true), SENDONLY(true, false), RECVONLY(false, true), INACTIVE(false, false);

    private final boolean sends;
    private final boolean receives;

    MediaDirection(boolean sends, boolean receives) {
        this.sends = sends;
        this.receives = receives;
    }

    public boolean sends() { return sends; }

    public boolean receives() { return receives; }

    public static MediaDirection of(boolean sends, boolean receives) {
        return sends ? (receives ? SENDRECV : SENDONLY) : (receives ? RECVONLY : INACTIVE);
    }

    /** The direction an answerer may take towards an offer of this direction: what it offers, mirrored. */
    public MediaDirection mirrored() { return of(receives, sends); }

    /** Both restrictions at once. */
    public MediaDirection and(MediaDirection o) { return of(sends && o.sends, receives && o.receives); }

    public String attribute() { return name().toLowerCase(Locale.ROOT); }
}
