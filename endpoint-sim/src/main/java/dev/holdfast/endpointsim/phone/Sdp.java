package dev.holdfast.endpointsim.phone;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one audio stream a phone offers or answers (RFC 4566, RFC 3264): where it receives RTP, which payload types,
 * which direction. Offers PCMU (payload type 0) only. Parsing is lenient about what a phone does not use and strict
 * about what it does: an SDP without a connection address or an audio m= line is refused.
 */
public record Sdp(String address, int port, List<Integer> payloadTypes, MediaDirection direction) {
    public static final int PCMU = 0;

    public Sdp {
        payloadTypes = List.copyOf(payloadTypes);
    }

    /** Where RTP for this stream goes, or null when it is on hold the RFC 2543 way (0.0.0.0) or disabled (port 0). */
    public InetSocketAddress rtpAddress() {
        if (port == 0 || address.equals("0.0.0.0")) return null;
        return new InetSocketAddress(address, port);
    }

    public boolean offersPcmu() { return payloadTypes.contains(PCMU); }

    /** The SDP text, {@code version} counting the changes of this session (o= line). */
    public String text(String user, long sessionId, long version) {
        return "v=0\r\n"
                + "o=" + user + " " + sessionId + " " + version + " IN IP4 " + address + "\r\n"
                + "s=holdfast-phone\r\n"
                + "c=IN IP4 " + address + "\r\n"
                + "t=0 0\r\n"
                + "m=audio " + port + " RTP/AVP " + String.join(" ", payloadTypes.stream().map(String::valueOf).toList()) + "\r\n"
                + (payloadTypes.contains(PCMU) ? "a=rtpmap:0 PCMU/8000\r\n" : "")
                + "a=" + direction.attribute() + "\r\n";
    }

    /** Parses the first audio stream of {@code text}; throws IllegalArgumentException when there is none usable. */
    public static Sdp parse(String text) {
        String sessionAddress = null;
        String mediaAddress = null;
        int port = -1;
        List<Integer> pts = new ArrayList<>();
        MediaDirection sessionDir = MediaDirection.SENDRECV;
        MediaDirection mediaDir = null;
        boolean inAudio = false;
        boolean seenMedia = false;
        for (String raw : text.split("\r?\n")) {
            String line = raw.strip();
            if (line.length() < 2 || line.charAt(1) != '=') continue;
            char type = line.charAt(0);
            String value = line.substring(2).strip();
            if (type == 'm') {
                if (inAudio) break; // only the first audio stream
                seenMedia = true;
                String[] f = value.split("\\s+");
                if (f.length >= 3 && f[0].equalsIgnoreCase("audio")) {
                    inAudio = true;
                    try {
                        port = Integer.parseInt(f[1].split("/")[0]);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("bad m= port: " + line);
                    }
                    for (int i = 3; i < f.length; i++) {
                        try {
                            pts.add(Integer.parseInt(f[i]));
                        } catch (NumberFormatException ignored) {
                            // a non-RTP format: not for us
                        }
                    }
                }
            } else if (type == 'c') {
                String[] f = value.split("\\s+");
                if (f.length < 3 || !f[1].equalsIgnoreCase("IP4")) continue;
                String a = f[2].split("/")[0];
                if (!seenMedia) sessionAddress = a;
                else if (inAudio) mediaAddress = a;
            } else if (type == 'a') {
                MediaDirection d = direction(value);
                if (d == null) continue;
                if (!seenMedia) sessionDir = d;
                else if (inAudio) mediaDir = d;
            }
        }
        if (port < 0) throw new IllegalArgumentException("no audio stream in the SDP");
        String address = mediaAddress != null ? mediaAddress : sessionAddress;
        if (address == null) throw new IllegalArgumentException("no IPv4 connection address in the SDP");
        return new Sdp(address, port, pts, mediaDir != null ? mediaDir : sessionDir);
    }

    private static MediaDirection direction(String attribute) {
        return switch (attribute.toLowerCase(Locale.ROOT)) {
            case "sendrecv" -> MediaDirection.SENDRECV;
            case "sendonly" -> MediaDirection.SENDONLY;
            case "recvonly" -> MediaDirection.RECVONLY;
            case "inactive" -> MediaDirection.INACTIVE;
            default -> null;
        };
    }
}
