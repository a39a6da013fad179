package dev.holdfast.controller.provisioning;

import dev.holdfast.h248.message.MId;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * mIds as comparable text: {@code [addr]:port}, {@code <domain>:port} or a device name, lower case, with the
 * default port 2944 written out when the mId leaves it out (H.248.1: an absent port means the default).
 */
public final class MidText {
    private MidText() {}

    public static final int DEFAULT_PORT = 2944;
    private static final Pattern IP = Pattern.compile("\\[[0-9A-Fa-f.:]+\\](:[0-9]{1,5})?");
    private static final Pattern DOMAIN = Pattern.compile("<[A-Za-z0-9][A-Za-z0-9.-]*>(:[0-9]{1,5})?");
    private static final Pattern DEVICE = Pattern.compile("[A-Za-z][A-Za-z0-9_/.$@-]*");

    /** True when {@code text} is an mId in one of the three forms a gateway can use. */
    public static boolean isValid(String text) {
        return text != null && (IP.matcher(text).matches() || DOMAIN.matcher(text).matches()
                || DEVICE.matcher(text).matches());
    }

    /** The canonical form of a written mId (assumed valid). */
    public static String canonical(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        if ((t.startsWith("[") && t.endsWith("]")) || (t.startsWith("<") && t.endsWith(">"))) {
            return t + ":" + DEFAULT_PORT;
        }
        return t;
    }

    /** The canonical form of a received mId. */
    public static String canonical(MId mid) {
        if (mid instanceof MId.IpAddress ip) {
            return "[" + ip.address().toLowerCase(Locale.ROOT) + "]:" + (ip.port() == null ? DEFAULT_PORT : ip.port());
        }
        if (mid instanceof MId.DomainName d) {
            return "<" + d.name().toLowerCase(Locale.ROOT) + ">:" + (d.port() == null ? DEFAULT_PORT : d.port());
        }
        if (mid instanceof MId.DeviceName d) return d.name().toLowerCase(Locale.ROOT);
        return "mtp{" + ((MId.MtpAddress) mid).hex().toLowerCase(Locale.ROOT) + "}";
    }

    /** The mId as it is written in a message (not canonicalised). */
    public static String written(MId mid) {
        if (mid instanceof MId.IpAddress ip) return "[" + ip.address() + "]" + (ip.port() == null ? "" : ":" + ip.port());
        if (mid instanceof MId.DomainName d) return "<" + d.name() + ">" + (d.port() == null ? "" : ":" + d.port());
        if (mid instanceof MId.DeviceName d) return d.name();
        return "MTP{" + ((MId.MtpAddress) mid).hex() + "}";
    }

    /** Parses a written mId into the message model (assumed valid). */
    public static MId parse(String text) {
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            String addr = text.substring(1, close);
            Integer port = close + 1 < text.length() ? Integer.valueOf(text.substring(close + 2)) : null;
            return new MId.IpAddress(addr, addr.indexOf(':') >= 0, port);
        }
        if (text.startsWith("<")) {
            int close = text.indexOf('>');
            Integer port = close + 1 < text.length() ? Integer.valueOf(text.substring(close + 2)) : null;
            return new MId.DomainName(text.substring(1, close), port);
        }
        return new MId.DeviceName(text);
    }
}
