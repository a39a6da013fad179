package dev.holdfast.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A controller's admin API as the drill uses it: log in once, then {@code GET /api/calls} (each active call's
 * CallStructure as JSON) and {@code GET /api/status}.
 */
final class AdminClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final String user;
    private final String password;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private String token;

    AdminClient(String base, String user, String password) {
        this.base = base;
        this.user = user;
        this.password = password;
    }

    /** {@code GET /api/calls}: the array of calls. */
    JsonNode calls() throws IOException, InterruptedException {
        JsonNode n = get("/api/calls");
        return n.has("calls") ? n.get("calls") : n;
    }

    JsonNode status() throws IOException, InterruptedException { return get("/api/status"); }

    /** The controller's counters: core, SIP core and edge, migration, H.248 transaction layer per transport, admin. */
    JsonNode counters() throws IOException, InterruptedException { return get("/api/counters"); }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = send(path);
        if (r.statusCode() == 401 && user != null) {
            login();
            r = send(path);
        }
        if (r.statusCode() != 200) throw new IOException("GET " + path + ": " + r.statusCode() + " " + r.body());
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> send(String path) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET();
        if (token != null) b.header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void login() throws IOException, InterruptedException {
        String body = JSON.createObjectNode().put("user", user).put("password", password).toString();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/login"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("POST /api/login: " + r.statusCode() + " " + r.body());
        JsonNode n = JSON.readTree(r.body());
        if (!n.hasNonNull("token")) throw new IOException("POST /api/login: no token in " + r.body());
        token = n.get("token").asText();
    }
}
