package dev.holdfast.controller.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** An HTTP client of a controller's admin API over real sockets (the JDK's HttpClient), for tests. */
final class AdminClient {
    static final ObjectMapper JSON = new ObjectMapper();
    final String base;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String token;

    AdminClient(String base) { this.base = base; }

    record Reply(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        @Override public String toString() { return status + " " + body; }
    }

    /** Passwords of the users {@link #adminSection} provisions: user name = role, password = role + "-secret". */
    static String password(String user) { return user + "-secret"; }

    /**
     * An {@code admin:} provisioning section on a free port with three users, {@code admin}, {@code operator} and
     * {@code viewer} (each with its role), hashed with few iterations to keep tests quick.
     */
    static String adminSection(java.nio.file.Path audit, int tokenIdleSeconds, int loginFailureLimit) {
        StringBuilder b = new StringBuilder("admin:\n  port: 0\n  auditLog: \"" + audit + "\"\n  tokenIdleSeconds: "
                + tokenIdleSeconds + "\n  loginFailureLimit: " + loginFailureLimit + "\n  users:\n");
        for (String u : java.util.List.of("admin", "operator", "viewer")) {
            b.append("    - { user: ").append(u).append(", role: ").append(u).append(", password: \"")
             .append(dev.holdfast.controller.admin.PasswordHash.hash(password(u).toCharArray(), 1000)).append("\" }\n");
        }
        return b.toString();
    }

    /** Logs in as {@code user} (one of those of {@link #adminSection}) and keeps the token for what follows. */
    AdminClient login(String user) throws Exception {
        Reply r = post("/api/login", "{\"user\":\"" + user + "\",\"password\":\"" + password(user) + "\"}");
        if (r.status() != 200) throw new AssertionError("login as " + user + ": " + r);
        token = r.json().get("token").asText();
        return this;
    }

    Reply get(String path) throws Exception { return send("GET", path, null); }

    Reply delete(String path) throws Exception { return send("DELETE", path, null); }

    Reply post(String path, String json) throws Exception { return send("POST", path, json); }

    Reply send(String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) b.header("Content-Type", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r);
    }
}
