package dev.holdfast.controller.sip;

/**
 * The direction attribute of an SDP audio stream (RFC 3264 5.1, 6.1), from the point of view of the party that wrote
 * the SDP. Hold is an offer of {@link #SENDONLY} or {@link #INACTIVE} (RFC 3264 8.4).
 */
public enum SdpDirection {
    SENDRECV, SENDONLY, RECVONLY, INACTIVE;

    /** The direction the SDP says (the last direction attribute; none: sendrecv). */
    public static SdpDirection of(String sdp) {
        SdpDirection d = SENDRECV;
        if (sdp == null) return d;
        for (String line : sdp.split("\r?\n")) {
            switch (line.strip()) {
                case "a=sendrecv" -> d = SENDRECV;
                case "a=sendonly" -> d = SENDONLY;
                case "a=recvonly" -> d = RECVONLY;
                case "a=inactive" -> d = INACTIVE;
                default -> { }
            }
        }
        return d;
    }

    /** What the answerer may say to an offer with this direction, when it would itself send and receive. */
    public SdpDirection answer() {
        return switch (this) {
            case SENDONLY -> RECVONLY;
            case RECVONLY -> SENDONLY;
            default -> this;
        };
    }

    /** {@code sdp} with its direction attributes replaced by this one (one line, after the others, media level). */
    public String applyTo(String sdp) {
        if (sdp == null) return null;
        StringBuilder b = new StringBuilder();
        for (String line : sdp.split("\r?\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.equals("a=sendrecv") || l.equals("a=sendonly") || l.equals("a=recvonly") || l.equals("a=inactive")) continue;
            b.append(l).append("\r\n");
        }
        return b.append("a=").append(name().toLowerCase(java.util.Locale.ROOT)).append("\r\n").toString();
    }
}
