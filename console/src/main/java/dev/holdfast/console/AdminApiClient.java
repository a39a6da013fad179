package dev.holdfast.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** One controller's admin API over HTTP (java.net.http): login, reads, the release of a call, the event stream. */
public final class AdminApiClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final ConsoleConfig.ControllerRef ref;
    private final HttpClient http;

    public AdminApiClient(ConsoleConfig.ControllerRef ref) {
        this.ref = ref;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    }

    public ConsoleConfig.ControllerRef ref() { return ref; }

    public String name() { return ref.name(); }

    /** The controller did not answer: refused, timed out, or the connection broke. */
    public static final class Unreachable extends IOException {
        Unreachable(String message, Throwable cause) { super(message, cause); }
    }

    /** An answer: the HTTP status and the JSON body (an object with {@code error} for errors). */
    public record Reply(int status, JsonNode json) {
        public boolean ok() { return status / 100 == 2; }

        /** The API's error text, or the status when it gave none. */
        public String error() {
            JsonNode e = json.get("error");
            return e != null && e.isTextual() ? e.asText() : "HTTP " + status;
        }
    }

    /** A session token and the role the API gave the user. */
    public record Login(String token, String user, Role role) {}

    /** Logs in; null when the API refused the user or password (401), an exception when it could not say. */
    public Login login(String user, String password) throws IOException, InterruptedException {
        var body = JSON.createObjectNode().put("user", user).put("password", password);
        Reply r = send("POST", "/api/login", null, JSON.writeValueAsString(body));
        if (r.status() == 401) return null;
        if (!r.ok()) throw new IOException("login at " + ref.name() + " refused: " + r.error());
        Role role = Role.ofApiName(r.json().path("role").asText(null));
        String token = r.json().path("token").asText(null);
        if (role == null || token == null) throw new IOException("login at " + ref.name() + ": answer without token or role");
        return new Login(token, user, role);
    }

    public void logout(String token) {
        try {
            send("POST", "/api/logout", token, null);
        } catch (IOException | InterruptedException e) {
            // the token expires by itself
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
        }
    }

    public Reply get(String path, String token) throws IOException, InterruptedException {
        return send("GET", path, token, null);
    }

    public Reply delete(String path, String token) throws IOException, InterruptedException {
        return send("DELETE", path, token, null);
    }

    /** POST with a JSON body. */
    public Reply post(String path, String token, String json) throws IOException, InterruptedException {
        return send("POST", path, token, json);
    }

    private Reply send(String method, String path, String token, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(ref.url() + path)).timeout(TIMEOUT)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) b.header("Content-Type", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw unreachable(e);
        }
        JsonNode body;
        try {
            body = r.body().isEmpty() ? JsonNodeFactory.instance.objectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            body = JsonNodeFactory.instance.objectNode().put("error", "HTTP " + r.statusCode() + ", not JSON");
        }
        return new Reply(r.statusCode(), body);
    }

    /** An answer that is not JSON (Prometheus text, CSV): status, content type and body. */
    public record Text(int status, String contentType, String body) {}

    /** GETs a text answer (the metrics, a CSV export) as it is. */
    public Text getText(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(ref.url() + path)).timeout(TIMEOUT).GET();
        if (token != null) b.header("Authorization", "Bearer " + token);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Text(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /**
     * Opens the live event stream (server-sent events). The caller reads it and closes it; a status other than 200
     * comes back as the reply instead.
     */
    public Object openEvents(String token) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(ref.url() + "/api/events"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build();
        HttpResponse<InputStream> r;
        try {
            r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw unreachable(e);
        }
        if (r.statusCode() == 200) return r.body();
        try (InputStream in = r.body()) {
            String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            JsonNode body;
            try {
                body = JSON.readTree(text);
            } catch (IOException e) {
                body = JsonNodeFactory.instance.objectNode();
            }
            return new Reply(r.statusCode(), body == null ? JsonNodeFactory.instance.objectNode() : body);
        }
    }

    private Unreachable unreachable(IOException e) {
        String why = e instanceof ConnectException ? "connection refused"
                : e instanceof HttpTimeoutException ? "no answer within " + TIMEOUT.toSeconds() + " s"
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new Unreachable("controller " + ref.name() + " (" + ref.url() + ") not reachable: " + why, e);
    }
}
