package dev.holdfast.controller.sip;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The parameters of an {@code Authorization} / {@code Proxy-Authorization} header with the Digest scheme (RFC 2617,
 * RFC 7616): {@code username, realm, nonce, uri, response, algorithm, cnonce, qop, nc, opaque}. Null when the header
 * is not a readable Digest header.
 */
public record DigestCredentials(Map<String, String> params) {

    public static DigestCredentials parse(String header) {
        if (header == null) return null;
        String s = header.trim();
        if (s.length() < 7 || !s.substring(0, 6).equalsIgnoreCase("digest") || !Character.isWhitespace(s.charAt(6))) return null;
        Map<String, String> out = new LinkedHashMap<>();
        int i = 7;
        int n = s.length();
        while (i < n) {
            while (i < n && (s.charAt(i) == ',' || Character.isWhitespace(s.charAt(i)))) i++;
            int eq = s.indexOf('=', i);
            if (eq < 0) break;
            String name = s.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            i = eq + 1;
            while (i < n && Character.isWhitespace(s.charAt(i))) i++;
            String value;
            if (i < n && s.charAt(i) == '"') {
                StringBuilder v = new StringBuilder();
                i++;
                while (i < n && s.charAt(i) != '"') {
                    if (s.charAt(i) == '\\' && i + 1 < n) i++;
                    v.append(s.charAt(i++));
                }
                if (i >= n) return null; // unterminated quoted string
                i++;
                value = v.toString();
            } else {
                int end = s.indexOf(',', i);
                if (end < 0) end = n;
                value = s.substring(i, end).trim();
                i = end;
            }
            if (name.isEmpty() || out.putIfAbsent(name, value) != null) return null; // duplicate parameter
        }
        return new DigestCredentials(Map.copyOf(out));
    }

    public String get(String name) { return params.get(name); }

    public String username() { return params.get("username"); }
}
