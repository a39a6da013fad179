package dev.holdfast.console.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The one escaping helper of the web console: every value a page shows (from the controllers, from the admin's
 * input, from the configuration) goes through {@link #esc} on its way into HTML or SVG text or a quoted attribute.
 */
public final class Html {
    private Html() {}

    /**
     * The text made safe inside an element or a double- or single-quoted attribute: {@code & < > " '} become
     * character references; control characters other than tab and newline (never meaningful in what we show, and a
     * way to confuse a reader) become U+FFFD; null is the empty string.
     */
    public static String esc(Object value) {
        if (value == null) return "";
        String s = value.toString();
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String r = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f ? "\uFFFD" : null;
            };
            if (r != null) {
                if (b == null) b = new StringBuilder(s.length() + 16).append(s, 0, i);
                b.append(r);
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }

    /** A value for a URL's query or path segment, escaped for the attribute it goes in. */
    public static String url(Object value) {
        return value == null ? "" : esc(URLEncoder.encode(value.toString(), StandardCharsets.UTF_8).replace("+", "%20"));
    }
}
