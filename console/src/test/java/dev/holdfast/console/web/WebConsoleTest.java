package dev.holdfast.console.web;

import dev.holdfast.console.ConsoleConfig;
import dev.holdfast.console.ControllerRig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.holdfast.console.web.Browserless.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web console over real HTTP, against a real controller (admin API) and real simulated gateways in the test JVM
 * with a connected call (1001 -> 1002): login and its cookie, security headers, CSRF, roles, the idle timeout,
 * logout, the relayed event stream and the pages' content.
 */
class WebConsoleTest {
    @TempDir static Path dir;
    static ControllerRig rig;
    static WebConsole web;

    @BeforeAll
    static void start() throws Exception {
        rig = ControllerRig.start(dir);
        rig.connectedCall(1, 2);
        web = WebConsole.start(config(""));
    }

    static ConsoleConfig config(String more) throws ConsoleConfig.BadConfig {
        return ConsoleConfig.parse("listen: { port: 0 }\nloginFailureLimit: 100\nweb: { port: 0 }\n" + more
                + "controllers:\n  - { name: cc1, url: \"" + rig.adminUrl() + "\" }\n", dir, "web-test.yaml");
    }

    @AfterAll
    static void stop() {
        if (web != null) web.close();
        if (rig != null) rig.close();
    }

    static Browserless browser() { return new Browserless(web.url()); }

    static String pw(String user) { return ControllerRig.password(user); }

    @Test
    void everyAnswerCarriesTheSecurityHeaders() throws Exception {
        Browserless b = browser();
        for (HttpResponse<String> r : List.of(b.get("/login"), b.get("/static/console.js"), b.get("/nothing-here"))) {
            String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"), csp);
            assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval"), csp);
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""));
            assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(""));
        }
        assertEquals(404, b.get("/nothing-here").statusCode());
        // no inline script in any page: scripts only by src
        String page = b.get("/login").body();
        assertFalse(page.matches("(?s).*<script(?![^>]*\\bsrc=)[^>]*>.*"), page);
    }

    @Test
    void loginGivesAnHttpOnlyStrictRandomSessionCookie() throws Exception {
        Browserless b = browser();
        assertEquals(303, b.get("/").statusCode(), "not logged in: to the login page");
        assertEquals("/login", b.get("/calls").headers().firstValue("Location").orElse(""));
        HttpResponse<String> r = b.login("viewer", pw("viewer"));
        assertEquals(303, r.statusCode(), r.body());
        String set = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(WebConsole.SESSION_COOKIE + "=")).findFirst().orElseThrow();
        assertTrue(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Path=/"), set);
        String id = b.cookies.get(WebConsole.SESSION_COOKIE);
        assertTrue(id.matches("[A-Za-z0-9_-]{43}"), "256 random bits, base64url: " + id);
        HttpResponse<String> page = b.get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("viewer (viewer)"), page.body());
        // the API token never reaches the browser
        assertFalse(page.body().contains("token") && page.body().contains("Bearer"), page.body());
        // another login gets another id
        Browserless other = browser();
        other.loggedIn("viewer", pw("viewer"));
        assertNotEquals(id, other.cookies.get(WebConsole.SESSION_COOKIE));
    }

    @Test
    void wrongPasswordsAndForgedLoginFormsAreRefused() throws Exception {
        Browserless b = browser();
        HttpResponse<String> r = b.login("viewer", "not-the-password");
        assertEquals(401, r.statusCode());
        assertTrue(r.body().contains("wrong user or password"), r.body());
        assertFalse(b.cookies.containsKey(WebConsole.SESSION_COOKIE));
        // a login form posted without the login cookie (from another site): refused before the password is checked
        Browserless forged = browser();
        r = forged.post("/login", form("user", "viewer", "password", pw("viewer"), "csrf", "made-up"));
        assertEquals(403, r.statusCode());
        assertFalse(forged.cookies.containsKey(WebConsole.SESSION_COOKIE));
    }

    @Test
    void aClientGuessingPasswordsIsThrottled() throws Exception {
        try (WebConsole strict = WebConsole.start(ConsoleConfig.parse("web: { port: 0 }\nloginFailureLimit: 2\n"
                + "controllers:\n  - { name: cc1, url: \"" + rig.adminUrl() + "\" }\n", dir, "strict.yaml"))) {
            Browserless b = new Browserless(strict.url());
            assertEquals(401, b.login("admin", "guess-1").statusCode());
            assertEquals(401, b.login("admin", "guess-2").statusCode());
            HttpResponse<String> r = b.login("admin", pw("admin"));
            assertEquals(429, r.statusCode(), "even the right password, once throttled");
            assertTrue(r.headers().firstValue("Retry-After").isPresent());
            assertFalse(b.cookies.containsKey(WebConsole.SESSION_COOKIE));
        }
    }

    @Test
    void theCallsPageDrawsTheConnectedCall() throws Exception {
        Browserless b = browser();
        b.loggedIn("viewer", pw("viewer"));
        String page = b.get("/calls").body();
        assertTrue(page.contains("data-parties=\"1001,1002\" data-state=\"CONNECTED\""), page);
        assertTrue(page.contains("<svg class=\"callsvg\""), page);
        assertTrue(page.contains(">gateway gw1</text>"), page);
        assertTrue(page.contains(">line 1001</text>") && page.contains(">line 1002</text>"), page);
        assertTrue(page.contains("data-live=\"/live/calls\" data-events=\"/live/events\""), page);
        assertFalse(page.contains("/calls/release"), "a viewer gets no release form");
        String gateways = b.get("/gateways").body();
        assertTrue(gateways.contains(">gw1<") && gateways.contains("IN_SERVICE"), gateways);
        String overview = b.get("/live/overview").body();
        assertTrue(overview.contains("id=\"controller-cc1\"") && overview.contains("id=\"plot-calls-per-second\"")
                && overview.contains("id=\"plot-setup-latency\""), overview);
    }

    @Test
    void stateChangesWithoutTheRightCsrfTokenAreRefused() throws Exception {
        rig.connectedCall(3, 4);
        long id = callOf("1003");
        try {
            Browserless b = browser();
            String csrf = b.loggedIn("operator", pw("operator"));
            assertTrue(b.get("/calls").body().contains("action=\"/calls/release\""), "an operator gets release forms");
            HttpResponse<String> r = b.post("/calls/release", form("controller", "cc1", "call", Long.toString(id)));
            assertEquals(403, r.statusCode(), "no token");
            r = b.post("/calls/release", form("controller", "cc1", "call", Long.toString(id), "csrf", csrf.substring(1) + "x"));
            assertEquals(403, r.statusCode(), "wrong token");
            Browserless other = browser();
            String otherCsrf = other.loggedIn("operator", pw("operator"));
            r = b.post("/calls/release", form("controller", "cc1", "call", Long.toString(id), "csrf", otherCsrf));
            assertEquals(403, r.statusCode(), "another session's token");
            r = b.post("/calls/release", form("controller", "cc1", "call", Long.toString(id), "csrf", csrf),
                    Map.of("Origin", "http://evil.example"));
            assertEquals(403, r.statusCode(), "from another origin");
            assertEquals(id, callOf("1003"), "the call is still up");
            r = b.post("/calls/release", form("controller", "cc1", "call", Long.toString(id), "csrf", csrf));
            assertEquals(303, r.statusCode(), r.body());
            rig.await(() -> rig.gw.contextOf("A3") == null, "call released");
            assertTrue(b.get(r.headers().firstValue("Location").orElseThrow()).body().contains("released"));
        } finally {
            rig.gw.onHook("A3");
            rig.gw.onHook("A4");
        }
    }

    @Test
    void aViewerSeesNoChangeFormsAndIsRefusedWhenPostingAnyway() throws Exception {
        Browserless b = browser();
        String csrf = b.loggedIn("viewer", pw("viewer"));
        long id = callOf("1001");
        HttpResponse<String> r = b.post("/calls/release", form("controller", "cc1", "call", Long.toString(id), "csrf", csrf));
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("role viewer may not do this (needs operator)"), r.body());
        assertEquals(id, callOf("1001"), "the call is still up");
        for (String path : List.of("/provisioning/stations/add", "/provisioning/gateways/remove", "/drills/failover")) {
            r = b.post(path, form("csrf", csrf, "number", "5999", "user", "x", "password", "y", "gateway", "gw1", "controller", "cc1", "confirm", "failover"));
            assertEquals(403, r.statusCode(), path);
            assertTrue(r.body().contains("(needs admin)"), r.body());
        }
        assertTrue(rig.controller.admin() != null);
        String prov = b.get("/provisioning").body();
        assertFalse(prov.contains("method=\"post\" action=\"/provisioning"), prov);
        String drills = b.get("/drills").body();
        assertFalse(drills.contains("action=\"/drills/failover\""), drills);
        // the operator may release but not provision
        Browserless op = browser();
        String opCsrf = op.loggedIn("operator", pw("operator"));
        assertEquals(403, op.post("/provisioning/stations/add", form("csrf", opCsrf, "number", "5999", "user", "x", "password", "y")).statusCode());
    }

    @Test
    void aSessionUnusedForTheIdleTimeoutEnds() throws Exception {
        try (WebConsole quick = WebConsole.start(config("").withWeb(new ConsoleConfig.Web("127.0.0.1", 0, 2)))) {
            Browserless b = new Browserless(quick.url());
            b.loggedIn("viewer", pw("viewer"));
            Thread.sleep(1200);
            assertEquals(200, b.get("/calls").statusCode(), "used within the timeout");
            Thread.sleep(1200);
            // live updates the page fetches by itself do not count as use
            assertEquals(200, b.get("/live/calls").statusCode());
            Thread.sleep(1200);
            assertEquals(401, b.get("/live/calls").statusCode(), "2.4 s since the admin last did something");
            HttpResponse<String> r = b.get("/calls");
            assertEquals(303, r.statusCode());
            assertEquals("/login", r.headers().firstValue("Location").orElse(""));
            assertEquals(0, quick.sessions().size(), "the session is gone (and its API tokens logged out)");
        }
    }

    @Test
    void logoutEndsTheSession() throws Exception {
        Browserless b = browser();
        String csrf = b.loggedIn("viewer", pw("viewer"));
        String id = b.cookies.get(WebConsole.SESSION_COOKIE);
        assertEquals(403, b.post("/logout", form()).statusCode(), "logout needs the token too");
        assertEquals(403, b.post("/logout", form(), Map.of("X-CSRF-Token", "x" + csrf)).statusCode(), "a wrong header token");
        HttpResponse<String> r = b.post("/logout", form(), Map.of("X-CSRF-Token", csrf)); // as a script would
        assertEquals(303, r.statusCode());
        assertFalse(b.cookies.containsKey(WebConsole.SESSION_COOKIE), "the cookie is cleared");
        b.cookies.put(WebConsole.SESSION_COOKIE, id);
        assertEquals(303, b.get("/calls").statusCode(), "the old id no longer works");
    }

    @Test
    void theEventStreamRelaysTheControllersEvents() throws Exception {
        Browserless b = browser();
        b.loggedIn("viewer", pw("viewer"));
        HttpRequest req = HttpRequest.newBuilder(URI.create(web.url() + "/live/events"))
                .header("Cookie", WebConsole.SESSION_COOKIE + "=" + b.cookies.get(WebConsole.SESSION_COOKIE)).GET().build();
        HttpResponse<InputStream> r = b.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = in.readLine()) != null) lines.add(l);
            } catch (Exception e) {
                // closed at the end of the test
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            Thread.sleep(300); // the relay opens the controller's stream
            rig.gw.offHook("A5");
            rig.await(() -> rig.gw.signals("A5").contains("cg/dt"), "A5 dial tone");
            rig.gw.dial("A5", "1006");
            boolean started = false;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!started && System.nanoTime() < end) {
                String l = lines.poll(500, TimeUnit.MILLISECONDS);
                if (l != null && l.startsWith("data: ")) {
                    started |= l.contains("\"controller\":\"cc1\"") && l.contains("\"kind\":\"call-started\"") && l.contains("1005");
                }
            }
            assertTrue(started, "a call-started event of cc1 with 1005: " + lines);
            // logging out ends the stream: the relay says so and closes
            assertEquals(303, b.post("/logout", form("csrf", Browserless.csrf(b.get("/calls").body()))).statusCode());
            boolean ended = false;
            end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!ended && System.nanoTime() < end) {
                String l = lines.poll(500, TimeUnit.MILLISECONDS);
                ended = l != null && l.contains("\"kind\":\"session-ended\"");
            }
            assertTrue(ended, "the stream ends with the session");
            reader.join(5000);
            assertFalse(reader.isAlive(), "the console closed the stream");
        } finally {
            r.body().close();
            rig.gw.onHook("A5");
        }
    }

    @Test
    void unknownMethodsAndPathsAndOversizedFormsGetTheirStatus() throws Exception {
        Browserless b = browser();
        String csrf = b.loggedIn("admin", pw("admin"));
        assertEquals(405, b.post("/calls", form("csrf", csrf)).statusCode());
        assertEquals(404, b.get("/api/calls").statusCode());
        HttpResponse<String> r = b.post("/calls/release", form("csrf", csrf, "big", "x".repeat(70_000)));
        assertEquals(413, r.statusCode());
        r = b.post("/calls/release", form("csrf", csrf, "controller", "cc1", "call", "not-a-number"));
        assertEquals(400, r.statusCode());
        r = b.get("/cdrs?number=%3Cscript%3E");
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("value=\"&lt;script&gt;\""), "what was typed comes back escaped");
        assertFalse(r.body().contains("<script>"), r.body());
    }

    @Test
    void cdrsAreSearchedByNumberAndTimeAndExportedAsCsv() throws Exception {
        // gw2's 2002 calls 2001, which answers; 2002 hangs up
        rig.gw2.offHook("A2");
        rig.await(() -> rig.gw2.signals("A2").contains("cg/dt"), "2002 hears dial tone");
        rig.gw2.dial("A2", "2001");
        rig.await(() -> rig.gw2.signals("A1").contains("al/ri"), "2001 rings");
        assertTrue(rig.gw2.answer("A1"));
        rig.await(() -> rig.gw2.talkPathUp("A2") && rig.gw2.talkPathUp("A1"), "2002 talks to 2001");
        rig.gw2.onHook("A2");
        rig.gw2.onHook("A1");
        Browserless b = browser();
        b.loggedIn("viewer", pw("viewer"));
        String page = null;
        for (int i = 0; i < 50; i++) {
            page = b.get("/cdrs?number=2002").body();
            if (page.contains("<tr class=\"cdr\">")) break;
            Thread.sleep(100);
        }
        List<String> rows = Browserless.all("(?s)<tr class=\"cdr\">(.*?)</tr>", page);
        assertEquals(1, rows.size(), page);
        assertTrue(rows.get(0).contains(">2002 <small>line</small>") && rows.get(0).contains(">2001 <small>line</small>")
                && rows.get(0).contains(">normal"), rows.get(0));
        String later = b.get("/cdrs?number=2002&since=2999-01-01T00%3A00").body();
        assertFalse(later.contains("<tr class=\"cdr\">"), "none ended since 2999");
        HttpResponse<String> csv = b.get("/cdrs.csv?number=2002&since=&until=&controller=&from=cc1");
        assertEquals(200, csv.statusCode(), csv.body());
        assertTrue(csv.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
        assertTrue(csv.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment"));
        String[] lines = csv.body().split("\r\n");
        assertTrue(lines[0].contains("caller") && lines[0].contains("callee"), csv.body());
        assertEquals(2, lines.length, csv.body());
        assertTrue(lines[1].contains("2002") && lines[1].contains("2001"), csv.body());
        assertTrue(page.contains("id=\"csv\" href=\"/cdrs.csv?"), page);
        assertTrue(b.get("/live/overview").body().contains("none (provisioning file only)"), "no cluster configured");
    }

    @Test
    void provisioningFormsShowTheRefusalsNextToTheirFields() throws Exception {
        Browserless b = browser();
        String csrf = b.loggedIn("admin", pw("admin"));
        String page = b.get("/provisioning").body();
        assertTrue(page.contains("id=\"form-station\"") && page.contains("id=\"form-gateway\"") && page.contains("id=\"form-line\""), page);
        // the console's own check: lines as TERMINATION=NUMBER
        HttpResponse<String> r = b.post("/provisioning/gateways/add", form("csrf", csrf, "name", "gw9", "mid", "[127.0.0.1]:2999", "lines", "A1"));
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("id=\"error-gateway-lines\""), r.body());
        assertTrue(r.body().contains("value=\"gw9\""), "what was typed is kept");
        // the API's: a number in use (409), named next to the number field of that gateway's line form
        r = b.post("/provisioning/lines/add", form("csrf", csrf, "gateway", "gw2", "termination", "A3", "number", "1001"));
        assertEquals(409, r.statusCode(), r.body());
        assertTrue(r.body().contains("id=\"error-line-number\""), r.body());
        // a line added and removed
        r = b.post("/provisioning/lines/add", form("csrf", csrf, "gateway", "gw2", "termination", "A3", "number", "2003"));
        assertEquals(303, r.statusCode(), r.body());
        page = b.get(r.headers().firstValue("Location").orElseThrow()).body();
        assertTrue(page.contains("line A3 (2003) added to gw2") && page.contains("<td>A3</td><td>2003</td>"), page);
        r = b.post("/provisioning/lines/remove", form("csrf", csrf, "gateway", "gw2", "termination", "A3"));
        assertEquals(303, r.statusCode(), r.body());
        assertFalse(b.get("/provisioning").body().contains("<td>A3</td><td>2003</td>"));
        // a gateway added and removed
        r = b.post("/provisioning/gateways/add", form("csrf", csrf, "name", "gw9", "mid", "[127.0.0.1]:2999", "lines", "A1=9001, A2=9002"));
        assertEquals(303, r.statusCode(), r.body());
        page = b.get("/provisioning").body();
        assertTrue(page.contains("data-gateway=\"gw9\"") && page.contains("<td>A2</td><td>9002</td>"), page);
        r = b.post("/provisioning/gateways/remove", form("csrf", csrf, "gateway", "gw9"));
        assertEquals(303, r.statusCode(), r.body());
        assertFalse(b.get("/provisioning").body().contains("data-gateway=\"gw9\""));
        // removing a station that is not there: the API's 404, naming the number, on the page
        r = b.post("/provisioning/stations/remove", form("csrf", csrf, "number", "5999"));
        assertEquals(404, r.statusCode(), r.body());
        assertTrue(r.body().contains("id=\"error-station-number\">no station 5999<"), r.body());
    }

    /** The id of the active call with this party (by the API). */
    static long callOf(String party) throws Exception {
        var s = dev.holdfast.console.ConsoleSession.withPassword("viewer", pw("viewer"),
                List.of(new dev.holdfast.console.AdminApiClient(new ConsoleConfig.ControllerRef("cc1", rig.adminUrl()))));
        try {
            var r = s.call("cc1", (api, t) -> api.get("/api/calls", t));
            for (var c : r.json().path("calls")) {
                for (var p : c.path("parties")) if (p.asText().equals(party)) return c.path("callId").asLong();
            }
            return -1;
        } finally {
            s.close();
        }
    }
}
