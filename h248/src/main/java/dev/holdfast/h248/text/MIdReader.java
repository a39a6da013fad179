package dev.holdfast.h248.text;

import dev.holdfast.h248.message.MId;

/**
 * Reads an {@code mId} (the message header, ServiceChangeAddress, MgcIdToTry):
 * <pre>
 * mId           = ((domainAddress / domainName) [":" portNumber]) / mtpAddress / deviceName
 * domainAddress = "[" (IPv4address / IPv6address) "]"
 * domainName    = "&lt;" (ALPHA / DIGIT) *63(ALPHA / DIGIT / "-" / ".") "&gt;"
 * mtpAddress    = MTPToken LBRKT 4*8 (HEXDIG) RBRKT
 * deviceName    = pathNAME
 * </pre>
 * and the path names shared with TerminationID.
 */
final class MIdReader {
    private MIdReader() {}

    static MId read(TextScanner s, int contextStart) {
        int start = s.pos;
        int c = s.peek();
        if (c == '[') {
            MId known = knownIpv4(s, start);
            if (known != null) return known;
            int ipv4End = ipv4Bracketed(s, start + 1);
            if (ipv4End > 0) { // the common case, read in one pass
                s.pos = ipv4End + 1;
                Integer port = port(s);
                if (s.pos - start > RecentValues.MAX_OCTETS) {
                    return new MId.IpAddress(s.string(start + 1, ipv4End), false, port);
                }
                // a peer sends its own mId in every message: the one made for the same octets before
                Object v = s.recent.find(s.b, start, s.pos, RecentValues.MID);
                return v != null ? (MId) v
                        : s.recent.keep(new MId.IpAddress(s.string(start + 1, ipv4End), false, port));
            }
            int close = s.indexOf(']', start + 1);
            if (close < 0) throw s.fail(start, "the '[' of the IP address is never closed with ']'");
            boolean ipv6 = ipAddress(s, start + 1, close);
            String address = s.string(start + 1, close);
            s.pos = close + 1;
            return new MId.IpAddress(address, ipv6, port(s));
        }
        if (c == '<') {
            int p = start + 1;
            if (!TextScanner.isAlpha(s.charAt(p)) && !TextScanner.isDigit(s.charAt(p))) {
                throw s.fail(p, "a domain name must start with a letter or digit but found " + s.found(p));
            }
            p++;
            while (TextScanner.isAlpha(s.charAt(p)) || TextScanner.isDigit(s.charAt(p)) || s.charAt(p) == '-'
                    || s.charAt(p) == '.') {
                p++;
            }
            if (s.charAt(p) != '>') throw s.fail(p, "expected '>' at the end of the domain name but found " + s.found(p));
            if (p - start - 1 > 64) {
                s.deviation(Deviation.Kind.OTHER, start, "domain name longer than 64 characters");
            }
            String name = s.string(start + 1, p);
            s.pos = p + 1;
            return new MId.DomainName(name, port(s));
        }
        if (TextScanner.isAlpha(c) || c == '*') {
            int e = s.nameEnd(start);
            if (s.wordIs(start, e, "MTP") && s.nextSignificant(e) == '{') {
                s.pos = e;
                s.skipLwsp();
                s.open();
                s.skipLwsp();
                int h = s.pos;
                while (TextScanner.isHex(s.charAt(s.pos))) s.pos++;
                int n = s.pos - h;
                if (n < 4 || n > 8) {
                    throw s.fail(h, "an MTP address has 4 to 8 hex digits, not " + n);
                }
                String hex = s.string(h, s.pos);
                s.skipLwsp();
                if (s.peek() != '}') throw s.expected("'}'", start);
                s.close();
                return new MId.MtpAddress(hex);
            }
            int pe = pathNameEnd(s, start, "device name");
            s.pos = pe;
            return new MId.DeviceName(s.string(start, pe));
        }
        throw s.fail(start, "expected an mId ('[' IP address ']', '<' domain name '>', a device name or MTP{...})"
                + " but found " + s.found(start));
    }

    /**
     * The IPv4 mId at {@code start} (its '[') when the same octets were read as one before, else null; on a hit
     * the mId is consumed. A peer writes its own mId in every message, so its address and port are checked once,
     * not in every message: the run of octets that an IPv4 mId with a port holds after its '[' (0-9 . : ]) is
     * looked up among the mIds {@link #read} kept, which are the octets of mIds read without an error; the octet
     * after the run, not one of those, ends the mId where it ended then.
     */
    private static MId knownIpv4(TextScanner s, int start) {
        byte[] b = s.b;
        int limit = Math.min(s.end, start + RecentValues.MAX_OCTETS + 1);
        int e = start + 1;
        while (e < limit && IPV4_MID_OCTET[b[e] & 0xFF]) e++;
        if (e - start > RecentValues.MAX_OCTETS) return null;
        Object v = s.recent.find(b, start, e, RecentValues.MID);
        if (v == null) return null;
        s.pos = e;
        return (MId) v;
    }

    private static final boolean[] IPV4_MID_OCTET = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) IPV4_MID_OCTET[c] = true;
        IPV4_MID_OCTET['.'] = true;
        IPV4_MID_OCTET[':'] = true;
        IPV4_MID_OCTET[']'] = true;
    }

    /** The offset of the ']' closing a valid IPv4 address that starts at {@code p}, or -1. */
    private static int ipv4Bracketed(TextScanner s, int p) {
        int parts = 0;
        int value = 0;
        int digits = 0;
        while (true) {
            int c = s.charAt(p);
            if (TextScanner.isDigit(c)) {
                value = value * 10 + (c - '0');
                if (++digits > 3 || value > 255) return -1;
            } else if (c == '.' && digits > 0 && parts < 3) {
                parts++;
                value = 0;
                digits = 0;
            } else {
                return c == ']' && digits > 0 && parts == 3 ? p : -1;
            }
            p++;
        }
    }

    /** [":" portNumber], portNumber = UINT16. */
    private static Integer port(TextScanner s) {
        if (s.peek() != ':') return null;
        int p = s.pos + 1;
        int v = 0;
        int q = p;
        while (TextScanner.isDigit(s.charAt(q)) && q - p < 6) v = v * 10 + (s.charAt(q++) - '0');
        if (q == p) throw s.fail(p, "expected a port number after ':' but found " + s.found(p));
        if (q - p > 5 || v > 65535) throw s.fail(p, "port number " + s.word(p) + " is out of range (0..65535)");
        s.pos = q;
        return s.port(v);
    }

    /** Validates the text between '[' and ']'; returns true for IPv6. */
    private static boolean ipAddress(TextScanner s, int from, int to) {
        boolean colon = false;
        for (int i = from; i < to; i++) {
            if (s.at(i) == ':') {
                colon = true;
                break;
            }
        }
        if (!colon) {
            if (!ipv4(s.b, from, to)) {
                throw s.fail(from, "'" + s.string(from, to) + "' is not an IPv4 address");
            }
            return false;
        }
        if (!ipv6(s.b, from, to)) {
            throw s.fail(from, "'" + s.string(from, to) + "' is not an IPv6 address");
        }
        return true;
    }

    /** IPv4address = V4hex DOT V4hex DOT V4hex DOT V4hex, V4hex = 1*3(DIGIT) ; "0".."255". */
    static boolean ipv4(byte[] t, int from, int to) {
        int parts = 0;
        int i = from;
        while (true) {
            int v = 0;
            int d = 0;
            while (i < to && TextScanner.isDigit(t[i]) && d < 4) {
                v = v * 10 + (t[i++] - '0');
                d++;
            }
            if (d == 0 || d > 3 || v > 255) return false;
            parts++;
            if (i == to) return parts == 4;
            if (t[i] != '.' || parts == 4) return false;
            i++;
        }
    }

    /** IPv6address = hexpart [":" IPv4address] (RFC 2373): 8 groups, or fewer with one "::". */
    static boolean ipv6(byte[] t, int from, int to) {
        int groups = 0;
        boolean compressed = false;
        int i = from;
        if (to - from >= 2 && t[i] == ':' && t[i + 1] == ':') {
            compressed = true;
            i += 2;
            if (i == to) return true;
        } else if (i < to && t[i] == ':') {
            return false;
        }
        while (i < to) {
            int g = i;
            while (i < to && TextScanner.isHex(t[i]) && i - g < 5) i++;
            if (i < to && t[i] == '.') {
                // the embedded IPv4 address ends the address
                if (!ipv4(t, g, to)) return false;
                groups += 2;
                i = to;
                break;
            }
            if (i == g || i - g > 4) return false;
            groups++;
            if (i == to) break;
            if (t[i] != ':') return false;
            i++;
            if (i < to && t[i] == ':') {
                if (compressed) return false;
                compressed = true;
                i++;
                if (i == to) break;
            } else if (i == to) {
                return false;
            }
        }
        return compressed ? groups < 8 : groups == 8;
    }

    /**
     * pathNAME = ["*"] NAME *("/" / "*" / ALPHA / DIGIT / "_" / "$") ["@" pathDomainName], from {@code start};
     * returns its end. Lenient: '-' and '.' in the name and a leading digit (common in real gateways) are
     * deviations; a name over 64 characters too.
     */
    /** The octets a pathNAME continues with (NAME characters, '/', '*', '$'), by table: one lookup per octet. */
    private static final boolean[] PATH_CHAR = new boolean[256];

    static {
        for (int c = 0; c < 256; c++) PATH_CHAR[c] = TextScanner.isNameChar(c) || c == '/' || c == '*' || c == '$';
    }

    static int pathNameEnd(TextScanner s, int start, String what) {
        int p = start;
        if (s.charAt(p) == '*') p++;
        int c = s.charAt(p);
        if (TextScanner.isDigit(c)) {
            s.deviation(Deviation.Kind.OTHER, start, what + " '" + s.word(start) + "' does not start with a letter");
        } else if (!TextScanner.isAlpha(c)) {
            throw s.fail(p, "expected a " + what + " but found " + s.found(p));
        }
        p++;
        boolean reported = false;
        final byte[] b = s.b;
        final int end = s.end;
        while (p < end) {
            c = b[p] & 0xFF;
            if (PATH_CHAR[c]) {
                p++;
            } else if ((c == '-' || c == '.') && TextScanner.isNameChar(s.charAt(p + 1))) {
                if (!reported) {
                    reported = true;
                    s.deviation(Deviation.Kind.OTHER, p, "'" + (char) c + "' is not allowed in the " + what + " '"
                            + s.word(start) + "' (pathNAME)");
                }
                p++;
            } else {
                break;
            }
        }
        if (s.charAt(p) == '@') {
            p++;
            c = s.charAt(p);
            if (!(TextScanner.isAlpha(c) || TextScanner.isDigit(c) || c == '*')) {
                throw s.fail(p, "expected a domain after '@' in the " + what + " but found " + s.found(p));
            }
            p++;
            while (p < s.end) {
                c = s.at(p);
                if (TextScanner.isAlpha(c) || TextScanner.isDigit(c) || c == '-' || c == '*' || c == '.') p++;
                else break;
            }
        }
        if (p - start > 64) {
            s.deviation(Deviation.Kind.OTHER, start, what + " longer than 64 characters");
        }
        return p;
    }
}
