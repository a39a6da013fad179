package dev.holdfast.console.web;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** One HTTP request to the web console and its answer, with the security headers every answer carries. */
final class WebExchange {
    static final int MAX_FORM_BYTES = 64 * 1024;

    /** Where scripts, styles, images, connections and forms may come from: this console only, no inline script. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    final HttpExchange http;
    final String method;
    final String path;
    final Map<String, String> query;
    private Map<String, String> form;
    WebSession session;

    /** A request the console refuses with a status and a message (a form too large, a malformed body). */
    static final class Refusal extends Exception {
        final int status;

        Refusal(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    WebExchange(HttpExchange http) {
        this.http = http;
        this.method = http.getRequestMethod().toUpperCase(Locale.ROOT);
        this.path = http.getRequestURI().getPath();
        this.query = parseForm(http.getRequestURI().getRawQuery());
    }

    InetAddress remote() { return http.getRemoteAddress().getAddress(); }

    String header(String name) { return http.getRequestHeaders().getFirst(name); }

    String param(String name) {
        String v = query.get(name);
        return v == null ? "" : v.strip();
    }

    /** The value of a cookie the browser sent, or null. */
    String cookie(String name) {
        for (String h : http.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
            for (String part : h.split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0 && part.substring(0, eq).strip().equals(name)) return part.substring(eq + 1).strip();
            }
        }
        return null;
    }

    /** The fields of a posted form (application/x-www-form-urlencoded, at most 64 KiB). */
    Map<String, String> form() throws IOException, Refusal {
        if (form != null) return form;
        String type = header("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            throw new Refusal(415, "a form is expected (application/x-www-form-urlencoded)");
        }
        byte[] body;
        try (InputStream in = http.getRequestBody()) {
            body = in.readNBytes(MAX_FORM_BYTES + 1);
        }
        if (body.length > MAX_FORM_BYTES) throw new Refusal(413, "form too large");
        form = parseForm(new String(body, StandardCharsets.UTF_8));
        return form;
    }

    String field(String name) throws IOException, Refusal {
        String v = form().get(name);
        return v == null ? "" : v.strip();
    }

    static Map<String, String> parseForm(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) return m;
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                m.putIfAbsent(k, v);
            } catch (IllegalArgumentException e) {
                // a malformed %-escape: the field is left out (the page then says it is missing)
            }
        }
        return m;
    }

    private void securityHeaders(Headers h) {
        h.set("Content-Security-Policy", CSP);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Cross-Origin-Opener-Policy", "same-origin");
        if (!h.containsKey("Cache-Control")) h.set("Cache-Control", "no-store");
    }

    void setCookie(String value) { http.getResponseHeaders().add("Set-Cookie", value); }

    void send(int status, String contentType, byte[] body) throws IOException {
        Headers h = http.getResponseHeaders();
        h.set("Content-Type", contentType);
        securityHeaders(h);
        boolean head = method.equals("HEAD");
        http.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = http.getResponseBody()) {
                out.write(body);
            }
        }
        http.close();
    }

    void html(int status, String page) throws IOException {
        send(status, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
    }

    /** 303 See Other: after a form, the browser GETs the page it names. */
    void redirect(String location) throws IOException {
        http.getResponseHeaders().set("Location", location);
        send(303, "text/plain; charset=utf-8", new byte[0]);
    }

    /** Starts a streamed answer (server-sent events): the caller writes to the body and closes it. */
    OutputStream stream(String contentType) throws IOException {
        Headers h = http.getResponseHeaders();
        h.set("Content-Type", contentType);
        securityHeaders(h);
        http.sendResponseHeaders(200, 0);
        return http.getResponseBody();
    }
}
