package dev.holdfast.controller.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.endpointsim.PhoneRuntime;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;
import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.holdfast.controller.e2e.E2eNetwork.eventually;
import static dev.holdfast.controller.e2e.E2eSteps.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin API's live event stream and Prometheus metrics, with a real call and a real phone. */
class AdminEventsAndMetricsTest {
    private static final String SIP = """
            sip: { port: 0 }
            subscribers:
              - { user: alice, password: wonderland, number: "5001" }
              - { user: bob, password: builder, number: "5002" }
            """;

    @TempDir Path dir;

    /** A server-sent events client: each event (its {@code event:} name and {@code data:} JSON) in a queue. */
    static final class EventClient {
        record Sse(String event, JsonNode data) {}

        final BlockingQueue<Sse> events = new LinkedBlockingQueue<>();
        final BlockingQueue<String> comments = new LinkedBlockingQueue<>();
        final HttpResponse<java.util.stream.Stream<String>> response;

        EventClient(AdminClient api, String path, boolean bearer) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api.base + path)).header("Accept", "text/event-stream");
            if (bearer) b.header("Authorization", "Bearer " + api.token);
            response = api.http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
            if (response.statusCode() != 200) return;
            Thread t = new Thread(() -> {
                String event = null;
                try {
                    for (String line : (Iterable<String>) response.body()::iterator) {
                        if (line.startsWith(":")) comments.add(line);
                        else if (line.startsWith("event: ")) event = line.substring(7);
                        else if (line.startsWith("data: ")) events.add(new Sse(event, AdminClient.JSON.readTree(line.substring(6))));
                    }
                } catch (Exception e) {
                    // the stream ended
                }
            }, "sse-test-client");
            t.setDaemon(true);
            t.start();
        }

        /** The next event of this kind (others skipped, kept in {@code seen}). */
        Sse next(String kind, List<Sse> seen) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT);
            while (System.nanoTime() < end) {
                Sse e = events.poll(100, TimeUnit.MILLISECONDS);
                if (e == null) continue;
                seen.add(e);
                if (e.event().equals(kind)) return e;
            }
            throw new AssertionError("no " + kind + " event; saw " + seen);
        }
    }

    @Test
    void theEventStreamShowsACallFromStartToEndAndAPhoneRegistering() throws Exception {
        try (E2eNetwork n = E2eNetwork.start(Transport.UDP, 2, 1, 30, Map.of(),
                AdminClient.adminSection(dir.resolve("audit.log"), 1800, 5) + SIP);
             PhoneRuntime phones = PhoneRuntime.loopback()) {
            registered(n);
            AdminClient api = new AdminClient(n.controller.admin().url()).login("viewer");
            assertEquals(401, new EventClient(new AdminClient(api.base), "/api/events", false).response.statusCode());
            EventClient stream = new EventClient(api, "/api/events", true);
            assertEquals(200, stream.response.statusCode());
            assertTrue(stream.response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
            assertNotNull(stream.comments.poll(WAIT, TimeUnit.SECONDS), "the stream's first line");
            // the browsers' way: the token in the query
            EventClient browser = new EventClient(api, "/api/events?token=" + api.token, false);
            assertEquals(200, browser.response.statusCode());
            assertTrue(eventually(() -> n.controller.admin().streamClients() == 2, WAIT));

            SimulatedGateway east = n.gw(1);
            SimulatedGateway west = n.gw(2);
            offHookAndDial(east, "A1", "2001");
            List<EventClient.Sse> seen = new ArrayList<>();
            JsonNode started = stream.next("call-started", seen).data();
            long id = started.get("callId").asLong();
            assertEquals("[\"1001\",\"2001\"]", started.at("/call/parties").toString());
            assertFalse(started.at("/call/migrated").asBoolean(true));
            JsonNode ringing = stream.next("call-state", seen).data();
            while (!ringing.get("state").asText().equals("RINGING")) ringing = stream.next("call-state", seen).data();
            assertEquals(id, ringing.get("callId").asLong());
            assertTrue(ringing.get("setupMillis").asLong() >= 0, ringing.toString());
            assertTrue(west.answer("A1"));
            JsonNode connected = stream.next("call-state", seen).data();
            assertEquals("CONNECTED", connected.get("state").asText(), connected.toString());
            assertEquals("RINGING", connected.get("previousState").asText());
            east.onHook("A1");
            JsonNode released = stream.next("call-released", seen).data();
            assertEquals(id, released.get("callId").asLong());
            assertTrue(released.get("answered").asBoolean(), released.toString());
            assertEquals(List.of("call-started", "call-state", "call-state", "call-released"),
                    seen.stream().map(EventClient.Sse::event).toList(), seen.toString());
            assertEquals("call-released", browser.next("call-released", new ArrayList<>()).event(), "the other client too");

            Phone alice = phones.phone(PhoneConfig.of("alice", "wonderland",
                    List.of(new InetSocketAddress("127.0.0.1", n.controller.sip().port()))));
            JsonNode reg = stream.next("phone-registered", seen).data();
            assertEquals("alice", reg.get("user").asText());
            assertEquals("5001", reg.get("number").asText());
            assertTrue(alice.registered() || eventually(alice::registered, WAIT));

            // a call between two phones (the B2BUA's, no gateway part)
            Phone bob = phones.phone(PhoneConfig.of("bob", "builder", alice.config().controllers())
                    .withAutoAnswer(Duration.ofMillis(100)));
            assertEquals("bob", stream.next("phone-registered", seen).data().get("user").asText());
            var call = alice.call("5002");
            JsonNode p2p = stream.next("phone-call-started", seen).data();
            assertEquals("5002", p2p.get("callee").asText(), p2p.toString());
            JsonNode up = stream.next("phone-call-state", seen).data();
            while (!up.get("state").asText().equals("CONNECTED")) up = stream.next("phone-call-state", seen).data();
            assertEquals(p2p.get("phoneCallId"), up.get("phoneCallId"));
            assertEquals(1, api.get("/api/calls").json().get("phoneCalls").size());
            alice.hangUp(call);
            JsonNode gone = stream.next("phone-call-released", seen).data();
            assertTrue(gone.get("answered").asBoolean(), gone.toString());
            bob.stop();
            assertEquals("bob", stream.next("phone-unregistered", seen).data().get("user").asText());
            alice.unregister();
            assertEquals("alice", stream.next("phone-unregistered", seen).data().get("user").asText());

            // logging out ends the stream at its next heartbeat: not waited for here; the session is gone at once
            assertEquals(200, api.post("/api/logout", null).status());
        }
    }

    @Test
    void metricsInThePrometheusFormatCountARealCall() throws Exception {
        try (E2eNetwork n = E2eNetwork.start(Transport.UDP, 2, 1, 30, Map.of(),
                AdminClient.adminSection(dir.resolve("audit.log"), 1800, 5))) {
            registered(n);
            AdminClient anyone = new AdminClient(n.controller.admin().url()); // no token: scrapers read metrics
            Map<String, Double> before = parse(scrape(anyone));
            assertEquals(0.0, before.get("holdfast_calls_started_total"));
            assertEquals(2.0, before.get("holdfast_gateway_links"));

            SimulatedGateway east = n.gw(1);
            SimulatedGateway west = n.gw(2);
            offHookAndDial(east, "A1", "2001");
            assertTrue(eventually(() -> hears(west, "A1", "al/ri"), WAIT));
            assertTrue(west.answer("A1"));
            assertTrue(eventually(() -> east.talkPathUp("A1") && west.talkPathUp("A1"), WAIT), "talk path up");
            Map<String, Double> during = parse(scrape(anyone));
            assertEquals(1.0, during.get("holdfast_calls_started_total"));
            assertEquals(1.0, during.get("holdfast_calls_active"));
            assertEquals(1.0, during.get("holdfast_call_setup_seconds_count"), "one set-up timed");
            assertEquals(1.0, during.get("holdfast_call_setup_seconds_bucket{le=\"+Inf\"}"), during.toString());
            assertEquals(1.0, during.get("holdfast_call_setup_seconds_bucket{le=\"10.0\"}"), "set up within 10 s");
            east.onHook("A1");
            assertTrue(eventually(() -> { try { return activeCalls(n) == 0; } catch (Exception e) { return false; } }, WAIT));

            String text = scrape(anyone);
            Map<String, Double> after = parse(text);
            assertEquals(1.0, after.get("holdfast_calls_released_total"));
            assertEquals(1.0, after.get("holdfast_calls_answered_released_total"));
            assertEquals(0.0, after.get("holdfast_calls_active"));
            assertEquals(0.0, after.get("holdfast_cookies_rejected_total"));
            assertEquals(0.0, after.get("holdfast_failovers_total"));
            assertEquals(0.0, after.get("holdfast_registrations"));
            assertEquals(0.0, after.get("holdfast_malformed_messages_total{protocol=\"h248\"}"));
            assertEquals(0.0, after.get("holdfast_malformed_messages_total{protocol=\"sip\"}"));
            assertTrue(after.get("holdfast_core_events_total") > 10, text);
            assertTrue(after.get("holdfast_call_setup_seconds_sum") >= 0);
            assertTrue(text.contains("# TYPE holdfast_call_setup_seconds histogram"), text);
            assertTrue(text.contains("# TYPE holdfast_calls_started_total counter"), text);

            // a malformed H.248 message is counted under its protocol
            try (java.net.DatagramSocket s = new java.net.DatagramSocket()) {
                byte[] junk = "MEGACO/1 [127.0.0.1]:1 this is not H.248".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                s.send(new java.net.DatagramPacket(junk, junk.length, n.controller.address("udp")));
            }
            assertTrue(eventually(() -> {
                try {
                    return parse(scrape(anyone)).get("holdfast_malformed_messages_total{protocol=\"h248\"}") == 1.0;
                } catch (Exception e) {
                    return false;
                }
            }, WAIT));
        }
    }

    private static String scrape(AdminClient c) throws Exception {
        AdminClient.Reply r = c.get("/metrics");
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.raw().headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        return r.body();
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*\\})?) (\\S+)$");

    /** The samples of a Prometheus text exposition, by name and labels; every other line must be a comment. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> out = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "not a Prometheus sample: " + line);
            out.put(m.group(1), Double.parseDouble(m.group(3)));
        }
        return out;
    }
}
