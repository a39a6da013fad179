package dev.holdfast.controller.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin API's logins, tokens, roles and refusals of bad input, over real HTTP to a real controller. */
class AdminAuthTest {
    @TempDir Path dir;

    private E2eNetwork controller(int tokenIdleSeconds, int loginFailureLimit) throws Exception {
        return E2eNetwork.start(Transport.UDP, 0, 0, 30, Map.of(),
                AdminClient.adminSection(dir.resolve("audit.log"), tokenIdleSeconds, loginFailureLimit));
    }

    static List<JsonNode> audit(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) out.add(AdminClient.JSON.readTree(line));
        return out;
    }

    @Test
    void tokensFromLoginAreNeededAndLogoutEndsThem() throws Exception {
        try (E2eNetwork n = controller(1800, 5)) {
            AdminClient api = new AdminClient(n.controller.admin().url());
            AdminClient.Reply r = api.get("/api/status");
            assertEquals(401, r.status(), r.toString());
            assertTrue(r.raw().headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
            assertFalse(r.json().get("error").asText().isEmpty());

            api.token = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
            assertEquals(401, api.get("/api/status").status(), "a made-up token");

            api.token = null;
            r = api.post("/api/login", "{\"user\":\"admin\",\"password\":\"wrong\"}");
            assertEquals(401, r.status(), r.toString());
            r = api.post("/api/login", "{\"user\":\"nobody\",\"password\":\"wrong\"}");
            assertEquals(401, r.status(), "an unknown user gets the same answer");
            assertEquals("wrong user or password", r.json().get("error").asText());

            r = api.post("/api/login", "{\"user\":\"admin\",\"password\":\"admin-secret\"}");
            assertEquals(200, r.status(), r.toString());
            JsonNode login = r.json();
            assertEquals("admin", login.get("role").asText());
            assertEquals(1800, login.get("idleSeconds").asInt());
            String token = login.get("token").asText();
            assertTrue(token.matches("[A-Za-z0-9_-]{43}"), "256 bits, base64url: " + token);
            assertTrue(java.time.Instant.parse(login.get("expiresAt").asText()).isAfter(java.time.Instant.now().plusSeconds(1700)));
            AdminClient second = new AdminClient(api.base).login("admin");
            assertNotEquals(token, second.token, "every login its own token");

            api.token = token;
            assertEquals(200, api.get("/api/status").status());
            // a token in the query is for the event stream only (browsers' EventSource cannot set headers)
            AdminClient bare = new AdminClient(api.base);
            assertEquals(401, bare.get("/api/status?token=" + token).status());
            r = api.send("Basic", "/api/status", null);
            assertEquals(405, r.status());

            assertEquals(200, api.post("/api/logout", null).status());
            assertEquals(401, api.get("/api/status").status(), "logged out");
            assertEquals(200, second.get("/api/status").status(), "the other session lives on");

            List<JsonNode> audit = audit(dir.resolve("audit.log"));
            List<String> lines = new ArrayList<>();
            for (JsonNode e : audit) {
                assertTrue(e.has("time") && e.has("source"), e.toString());
                lines.add(e.get("user").asText() + " " + e.get("action").asText() + " " + e.get("result").asText());
            }
            assertEquals(List.of("admin login bad-credentials", "nobody login bad-credentials", "admin login ok",
                    "admin login ok", "admin logout ok"), lines);
        }
    }

    @Test
    void anIdleTokenExpires() throws Exception {
        try (E2eNetwork n = controller(1, 5)) {
            AdminClient api = new AdminClient(n.controller.admin().url()).login("viewer");
            assertEquals(200, api.get("/api/status").status());
            Thread.sleep(1300);
            AdminClient.Reply r = api.get("/api/status");
            assertEquals(401, r.status(), r.toString());
            assertTrue(r.json().get("error").asText().contains("expired"), r.toString());
        }
    }

    @Test
    void rolesLimitWhatEachUserMayDo() throws Exception {
        try (E2eNetwork n = controller(1800, 5)) {
            String url = n.controller.admin().url();
            AdminClient viewer = new AdminClient(url).login("viewer");
            AdminClient operator = new AdminClient(url).login("operator");
            AdminClient admin = new AdminClient(url).login("admin");
            for (AdminClient c : List.of(viewer, operator, admin)) {
                for (String path : List.of("/api/status", "/api/calls", "/api/gateways", "/api/phones", "/api/counters")) {
                    assertEquals(200, c.get(path).status(), path);
                }
            }
            AdminClient.Reply r = viewer.delete("/api/calls/1");
            assertEquals(403, r.status(), r.toString());
            assertTrue(r.json().get("error").asText().contains("viewer"), r.toString());
            // no call 1: the operator and the admin are allowed, and told so
            assertEquals(404, operator.delete("/api/calls/1").status());
            assertEquals(404, admin.delete("/api/calls/1").status());
            assertEquals(400, operator.delete("/api/calls/x1").status());
        }
    }

    @Test
    void badInputGetsAClearError() throws Exception {
        try (E2eNetwork n = controller(1800, 50)) {
            AdminClient api = new AdminClient(n.controller.admin().url());
            AdminClient.Reply r = api.post("/api/login", "{\"user\":\"admin\",");
            assertEquals(400, r.status(), r.toString());
            assertTrue(r.json().get("error").asText().startsWith("the body is not JSON"), r.toString());

            r = api.post("/api/login", "{\"user\":\"admin\"}");
            assertEquals(400, r.status(), r.toString());
            assertEquals("password", r.json().get("field").asText());

            r = api.post("/api/login", "{\"user\":7,\"password\":\"x\"}");
            assertEquals(400, r.status(), r.toString());
            assertEquals("user", r.json().get("field").asText());

            r = api.post("/api/login", "[1,2]");
            assertEquals(400, r.status(), r.toString());
            r = api.post("/api/login", "{\"user\":\"a\",\"user\":\"b\",\"password\":\"x\"}");
            assertEquals(400, r.status(), "a duplicate key: " + r);
            r = api.post("/api/login", null);
            assertEquals(400, r.status(), r.toString());
            java.net.http.HttpResponse<String> form = api.http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(api.base + "/api/login")).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("user=admin&password=x")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(415, form.statusCode(), form.body());
            r = api.get("/api/calls/123456789012345678901234567890");
            assertEquals(401, r.status(), "the token is checked before the id");
            AdminClient viewer = new AdminClient(api.base).login("viewer");
            r = viewer.get("/api/calls/123456789012345678901234567890");
            assertEquals(400, r.status(), r.toString());
            assertEquals("id", r.json().get("field").asText());

            r = api.post("/api/login", "{\"user\":\"" + "x".repeat(100_000) + "\",\"password\":\"x\"}");
            assertEquals(413, r.status(), r.toString());
            assertTrue(r.json().get("error").asText().contains("larger than 65536"), r.toString());

            // not a stack trace, not HTML: JSON everywhere, also for HTTP the codec cannot read
            try (Socket s = new Socket("127.0.0.1", n.controller.admin().address().getPort())) {
                s.getOutputStream().write("GARBAGE\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
                assertTrue(answer.contains("{\"error\""), answer);
                assertFalse(answer.contains("Exception"), answer);
            }
            // the controller still answers
            assertEquals(200, new AdminClient(api.base).login("viewer").get("/api/status").status());
        }
    }

    @Test
    void connectionsBeyondTheCapAreClosedAndCounted() throws Exception {
        try (E2eNetwork n = controller(1800, 5)) {
            int port = n.controller.admin().address().getPort();
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < dev.holdfast.controller.admin.AdminServer.MAX_CONNECTIONS; i++) {
                    Socket c = new Socket("127.0.0.1", port);
                    // closed with a reset: no TIME_WAIT left on 256 ephemeral ports (later tests pick ports by binding)
                    c.setSoLinger(true, 0);
                    idle.add(c);
                }
                try (Socket extra = new Socket("127.0.0.1", port)) {
                    extra.setSoTimeout(10_000);
                    assertEquals(-1, extra.getInputStream().read(), "closed at once");
                }
                assertEquals(1, n.controller.admin().counters().get("http.connections-refused"));
            } finally {
                for (Socket s : idle) s.close();
            }
            // the idle ones gone, the API answers again
            assertTrue(E2eNetwork.eventually(() -> {
                try {
                    return new AdminClient("http://127.0.0.1:" + port).login("viewer").get("/api/status").status() == 200;
                } catch (Exception e) {
                    return false;
                }
            }, 10));
        }
    }

    @Test
    void aSourceThatFailsTooOftenIsRefused() throws Exception {
        try (E2eNetwork n = controller(1800, 3)) {
            AdminClient api = new AdminClient(n.controller.admin().url());
            for (int i = 0; i < 3; i++) {
                assertEquals(401, api.post("/api/login", "{\"user\":\"admin\",\"password\":\"guess" + i + "\"}").status());
            }
            AdminClient.Reply r = api.post("/api/login", "{\"user\":\"admin\",\"password\":\"admin-secret\"}");
            assertEquals(429, r.status(), "even the right password, from that source, for a while: " + r);
            assertTrue(r.raw().headers().firstValue("Retry-After").isPresent());
            assertTrue(audit(dir.resolve("audit.log")).stream().anyMatch(e -> e.get("result").asText().equals("throttled")));
            // counted
            Map<String, Long> counters = n.controller.admin().counters();
            assertEquals(3, counters.get("login.failed"), counters.toString());
            assertTrue(counters.get("login.throttled") >= 1, counters.toString());
        }
    }
}
