package dev.holdfast.console.web;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plain HTTP client speaking to the web console as a browser would, without one: it keeps the cookies the console
 * sets (by hand, so a test sees exactly what was set), follows no redirect, and posts forms.
 */
final class Browserless {
    final String base;
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    final Map<String, String> cookies = new LinkedHashMap<>();

    Browserless(String base) { this.base = base; }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    HttpResponse<String> post(String path, Map<String, String> form) throws IOException, InterruptedException {
        return post(path, form, Map.of());
    }

    HttpResponse<String> post(String path, Map<String, String> form, Map<String, String> headers) throws IOException, InterruptedException {
        StringBuilder body = new StringBuilder();
        for (Map.Entry<String, String> f : form.entrySet()) {
            if (body.length() > 0) body.append('&');
            body.append(URLEncoder.encode(f.getKey(), StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(f.getValue(), StandardCharsets.UTF_8));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        headers.forEach(b::header);
        return send(b);
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        b.timeout(Duration.ofSeconds(20));
        if (!cookies.isEmpty()) {
            StringBuilder c = new StringBuilder();
            cookies.forEach((k, v) -> c.append(c.length() == 0 ? "" : "; ").append(k).append('=').append(v));
            b.header("Cookie", c.toString());
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        for (String set : r.headers().allValues("Set-Cookie")) {
            String nv = set.split(";", 2)[0];
            int eq = nv.indexOf('=');
            String name = nv.substring(0, eq), value = nv.substring(eq + 1);
            if (value.isEmpty() || set.contains("Max-Age=0")) cookies.remove(name);
            else cookies.put(name, value);
        }
        return r;
    }

    /** The value of the first hidden "csrf" field of a page. */
    static String csrf(String html) {
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
        if (!m.find()) throw new AssertionError("no csrf field in " + html);
        return m.group(1);
    }

    /** Logs in through the form; the answer to the form's POST. */
    HttpResponse<String> login(String user, String password) throws IOException, InterruptedException {
        String token = csrf(get("/login").body());
        return post("/login", Map.of("user", user, "password", password, "csrf", token));
    }

    /** Logs in and returns the session's CSRF token (from the overview page). */
    String loggedIn(String user, String password) throws IOException, InterruptedException {
        HttpResponse<String> r = login(user, password);
        if (r.statusCode() != 303) throw new AssertionError("login of " + user + ": " + r.statusCode() + " " + r.body());
        return csrf(get("/gateways").body());
    }

    static Map<String, String> form(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    static List<String> all(String regex, String text) {
        Matcher m = Pattern.compile(regex).matcher(text);
        List<String> l = new java.util.ArrayList<>();
        while (m.find()) l.add(m.group(m.groupCount() > 0 ? 1 : 0));
        return l;
    }
}
