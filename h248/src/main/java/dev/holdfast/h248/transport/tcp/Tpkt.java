package dev.holdfast.h248.transport.tcp;

/** RFC 1006 TPKT header, as H.248.1 Annex D.2 uses it: version 3, reserved 0, 16-bit length incl. the header. */
public final class Tpkt {
    private Tpkt() {}

    public static final int VERSION = 3;
    public static final int HEADER_LENGTH = 4;
    /** The largest payload a 16-bit length allows. */
    public static final int MAX_PAYLOAD = 0xFFFF - HEADER_LENGTH;
}
