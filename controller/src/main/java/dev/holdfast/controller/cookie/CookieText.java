package dev.holdfast.controller.cookie;

import java.nio.charset.StandardCharsets;

/** Checks on the strings a cookie carries: they must survive UTF-8 both ways and fit a length octet's worth. */
final class CookieText {
    private CookieText() {}

    /** Longest string a cookie carries, in UTF-8 octets (a SIP Call-ID is the longest in practice). */
    static final int MAX_OCTETS = 255;

    /** {@code value} itself, after checking it is non-null, non-empty, well-formed UTF-16 and short enough. */
    static String require(String value, String what) {
        if (value == null) throw new IllegalArgumentException(what + " is missing");
        return check(value, what);
    }

    /** {@code value} itself (null allowed), checked as {@link #require} does. */
    static String optional(String value, String what) {
        return value == null ? null : check(value, what);
    }

    private static String check(String value, String what) {
        if (value.isEmpty()) throw new IllegalArgumentException(what + " is empty");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                // an unpaired surrogate has no UTF-8 form: the cookie would not read back as written
                throw new IllegalArgumentException(what + " has an unpaired UTF-16 surrogate at index " + i);
            }
        }
        int octets = value.getBytes(StandardCharsets.UTF_8).length;
        if (octets > MAX_OCTETS) {
            throw new IllegalArgumentException(what + " is " + octets + " UTF-8 octets long, more than " + MAX_OCTETS);
        }
        return value;
    }

    /** A context id as a cookie carries it: any UINT32 (H.248.1 ContextID), or null. */
    static Long context(Long value, String what) {
        if (value != null && (value < 0 || value > 0xFFFFFFFFL)) {
            throw new IllegalArgumentException(what + " " + value + " is not a context id (0.." + 0xFFFFFFFFL + ")");
        }
        return value;
    }
}
