package dev.holdfast.controller.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static dev.holdfast.controller.e2e.E2eNetwork.eventually;
import static dev.holdfast.controller.e2e.E2eSteps.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CDRs of real calls on real simulated gateways, read through the admin API over HTTP: JSON, CSV, filters. */
class CdrEndToEndTest {
    @TempDir Path dir;

    private String admin() { return AdminClient.adminSection(dir.resolve("audit.log"), 1800, 5); }

    /** A call from {@code from} to {@code to} on one gateway, answered, talked over, hung up by the caller. */
    static void answeredCall(SimulatedGateway gw, String from, String to, String number) throws Exception {
        offHookAndDial(gw, from, number);
        assertTrue(eventually(() -> hears(gw, to, "al/ri"), WAIT), to + " rings");
        assertTrue(gw.answer(to));
        assertTrue(eventually(() -> gw.talkPathUp(from) && gw.talkPathUp(to), WAIT), "talk path up");
        gw.onHook(from);
        assertTrue(eventually(() -> hears(gw, to, "cg/bt"), WAIT), to + " hears busy when " + from + " hangs up");
        gw.onHook(to);
        assertIdle(gw, from);
        assertIdle(gw, to);
    }

    private static int total(AdminClient api, String query) throws Exception {
        AdminClient.Reply r = api.get("/api/cdrs" + query);
        assertEquals(200, r.status(), r.toString());
        return r.json().get("total").asInt();
    }

    @Test
    void cdrsOfRealCallsThroughTheApi() throws Exception {
        try (E2eNetwork n = E2eNetwork.start(Transport.UDP, 1, 3, 30, Map.of(), admin())) {
            registered(n);
            SimulatedGateway gw = n.gw(1);
            Instant before = Instant.now();
            answeredCall(gw, "A1", "A2", "1002");
            // a busy attempt: A3 calls A1, which is off-hook dialling
            gw.offHook("A1");
            assertTrue(eventually(() -> hears(gw, "A1", "cg/dt"), WAIT));
            offHookAndDial(gw, "A3", "1001");
            assertTrue(eventually(() -> hears(gw, "A3", "cg/bt"), WAIT), "A3 hears busy");
            gw.onHook("A3");
            // an invalid number
            gw.dial("A1", "1999");
            assertTrue(eventually(() -> hears(gw, "A1", "cg/ct"), WAIT), "A1 hears reorder");
            gw.onHook("A1");

            AdminClient api = new AdminClient(n.controller.admin().url()).login("viewer");
            assertTrue(eventually(() -> { try { return total(api, "") == 3; } catch (Exception e) { return false; } }, WAIT));
            JsonNode all = api.get("/api/cdrs").json();
            JsonNode newest = all.at("/cdrs/0");
            assertEquals("invalid-number", newest.get("release").asText(), "newest first: " + all);
            assertEquals("1001", newest.get("caller").asText());
            assertEquals("1999", newest.get("callee").asText());
            assertEquals("busy", all.at("/cdrs/1/release").asText());
            assertEquals("1003", all.at("/cdrs/1/caller").asText());
            JsonNode call = all.at("/cdrs/2");
            assertEquals("normal", call.get("release").asText());
            assertEquals("1001", call.get("caller").asText());
            assertEquals("1002", call.get("callee").asText());
            assertEquals("line", call.get("callerKind").asText());
            assertEquals("[\"gw1\"]", call.get("gateways").toString());
            assertFalse(call.get("answer").isNull());
            Instant setup = Instant.parse(call.get("setup").asText());
            Instant end = Instant.parse(call.get("end").asText());
            assertFalse(setup.isBefore(before.minusSeconds(1)), "times of this run: " + call);
            assertFalse(end.isBefore(setup));
            assertTrue(call.get("durationMs").asLong() >= 0);
            assertFalse(call.get("migrated").asBoolean());
            assertTrue(call.get("id").asText().length() > 4);

            // filters
            assertEquals(3, total(api, "?number=1001"), "caller or callee");
            assertEquals(1, total(api, "?number=1002"));
            assertEquals(0, total(api, "?number=4711"));
            assertEquals(3, total(api, "?since=" + enc(before.minusSeconds(60).toString())));
            assertEquals(0, total(api, "?since=" + enc(Instant.now().plusSeconds(60).toString())));
            assertEquals(0, total(api, "?until=" + enc(before.minusSeconds(60).toString())));
            assertEquals(3, total(api, "?since=" + enc("2000-01-01T00:00:00+01:00")));
            JsonNode limited = api.get("/api/cdrs?limit=1").json();
            assertEquals(1, limited.get("cdrs").size());
            assertEquals(3, limited.get("total").asInt(), "total counts all matches, not the page");
            assertEquals(newest, limited.at("/cdrs/0"));

            // CSV: a header line and one line per record, RFC 4180 line ends
            AdminClient.Reply csv = api.get("/api/cdrs.csv?number=1002");
            assertEquals(200, csv.status(), csv.toString());
            assertTrue(csv.raw().headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
            String[] lines = csv.body().split("\r\n");
            assertEquals(2, lines.length, csv.body());
            assertEquals("id,call,caller,callee,callerKind,calleeKind,gateways,setup,answer,end,durationMs,release,cause,migrated,controller",
                    lines[0]);
            assertTrue(lines[1].startsWith(call.get("id").asText() + ","), lines[1]);
            assertTrue(lines[1].contains(",1001,1002,line,line,gw1,"), lines[1]);
            assertTrue(lines[1].contains(",normal,,false,"), lines[1]);

            // bad filters: 400 naming the parameter
            for (String[] bad : new String[][] {
                    {"?number=10%2001", "number"}, {"?since=yesterday", "since"}, {"?until=2026-13-01T00:00:00Z", "until"},
                    {"?limit=0", "limit"}, {"?limit=10001", "limit"}, {"?limit=ten", "limit"}, {"?colour=red", "colour"},
                    {"?number=1&number=2", "number"},
                    {"?since=" + enc("2026-11-27T10:00:00Z") + "&until=" + enc("2026-11-27T09:00:00Z"), "until"}}) {
                for (String path : new String[] {"/api/cdrs", "/api/cdrs.csv"}) {
                    AdminClient.Reply r = api.get(path + bad[0]);
                    assertEquals(400, r.status(), path + bad[0] + ": " + r);
                    assertEquals(bad[1], r.json().get("field").asText(), r.toString());
                }
            }
            assertEquals(401, new AdminClient(n.controller.admin().url()).get("/api/cdrs").status(), "a token is needed");
            assertEquals(200, new AdminClient(n.controller.admin().url()).login("viewer").get("/api/cdrs.csv").status());

            // no cluster provisioned: the API says so
            JsonNode cluster = api.get("/api/cluster").json();
            assertFalse(cluster.get("configured").asBoolean(), cluster.toString());
            assertFalse(cluster.get("connected").asBoolean());
            assertEquals(0, cluster.get("cdrQueue").asInt());
            assertEquals(3, api.get("/api/counters").json().at("/cluster/cdr.recorded").asInt());
            assertTrue(api.get("/metrics").body().contains("holdfast_cdr_recorded_total 3.0"));
        }
    }

    private static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }
}
