package dev.holdfast.controller.sip;

import java.util.Locale;

/**
 * The parts of a {@code sip:} URI the core needs: user, host, port and transport parameter. Plain string work (the
 * core does not use JAIN-SIP); a URI it cannot read gives null.
 */
public record SipUri(String user, String host, int port, String transport) {

    /** {@code sip:user@host:port;params} (also {@code sips:}); null when it is not one. */
    public static SipUri parse(String uri) {
        if (uri == null) return null;
        String s = uri.trim();
        if (s.startsWith("<") && s.endsWith(">")) s = s.substring(1, s.length() - 1);
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.startsWith("sip:")) s = s.substring(4);
        else if (lower.startsWith("sips:")) s = s.substring(5);
        else return null;
        int q = s.indexOf('?');
        if (q >= 0) s = s.substring(0, q);
        String params = "";
        int at = s.lastIndexOf('@');
        int semi = s.indexOf(';', Math.max(at, 0));
        if (semi >= 0) {
            params = s.substring(semi);
            s = s.substring(0, semi);
        }
        String user = null;
        if (at >= 0) {
            user = s.substring(0, at);
            int colon = user.indexOf(':');
            if (colon >= 0) user = user.substring(0, colon); // user:password is deprecated; drop the password
            s = s.substring(at + 1);
        }
        String host = s;
        int port = -1;
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            if (end < 0) return null;
            host = s.substring(0, end + 1);
            if (end + 1 < s.length() && s.charAt(end + 1) == ':') port = port(s.substring(end + 2));
        } else {
            int colon = s.lastIndexOf(':');
            if (colon >= 0) {
                host = s.substring(0, colon);
                port = port(s.substring(colon + 1));
            }
        }
        if (host.isEmpty() || port == -2) return null;
        String transport = null;
        for (String p : params.split(";")) {
            if (p.toLowerCase(Locale.ROOT).startsWith("transport=")) transport = p.substring(10).toLowerCase(Locale.ROOT);
        }
        return new SipUri(user, host, port, transport);
    }

    private static int port(String digits) {
        try {
            int p = Integer.parseInt(digits);
            return p > 0 && p <= 65535 ? p : -2;
        } catch (NumberFormatException e) {
            return -2;
        }
    }

    /** The port, or the default 5060 when the URI names none. */
    public int portOrDefault() { return port > 0 ? port : 5060; }

    /** {@code host:port} with the default port filled in (for comparing where two URIs point). */
    public String hostPort() { return host.toLowerCase(Locale.ROOT) + ":" + portOrDefault(); }
}
