package dev.holdfast.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The drill's load generators as one: the H.248 one (gateways) and, with phones, the SIP one, each behind its control
 * channel. Commands go to every one; their status replies are summed: calls, talk paths and kinds added up, the RTP
 * gap's max the largest, its p99 the larger of the two p99s (each is over its own calls), losses added up.
 */
final class Loads implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ControlClient gateways;
    private final ControlClient phones;

    Loads(ControlClient gateways, ControlClient phones) {
        this.gateways = gateways;
        this.phones = phones;
    }

    ControlClient gateways() { return gateways; }

    /** Null when there are no phones. */
    ControlClient phones() { return phones; }

    private List<ControlClient> all() {
        List<ControlClient> l = new ArrayList<>();
        l.add(gateways);
        if (phones != null) l.add(phones);
        return l;
    }

    void sendAll(String command) throws IOException {
        for (ControlClient c : all()) c.send(command);
    }

    /** {@code status gateways} of both: gateways and phones with their registrations, in one array. */
    JsonNode registrations() throws IOException {
        ArrayNode out = JSON.createArrayNode();
        for (ControlClient c : all()) c.send("status gateways").path("gateways").forEach(out::add);
        ObjectNode n = JSON.createObjectNode();
        n.set("gateways", out);
        return n;
    }

    JsonNode status() throws IOException {
        ObjectNode sum = (ObjectNode) gateways.send("status");
        if (phones == null) return sum;
        JsonNode p = phones.send("status");
        for (String key : List.of("calls_total", "calls_up", "calls_preserved")) {
            sum.put(key, sum.path(key).asInt() + p.path(key).asInt());
        }
        for (String key : List.of("talk_paths", "kinds")) {
            ObjectNode m = sum.with(key);
            for (Iterator<Map.Entry<String, JsonNode>> it = p.path(key).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                m.put(e.getKey(), m.path(e.getKey()).asInt() + e.getValue().asInt());
            }
        }
        ObjectNode rtp = sum.with("rtp");
        JsonNode pr = p.path("rtp");
        for (String key : List.of("talking_at_mark", "calls", "packets_lost", "packets_received")) {
            rtp.put(key, rtp.path(key).asLong() + pr.path(key).asLong());
        }
        for (String key : List.of("gap_ms_max", "gap_ms_p99")) {
            rtp.put(key, Math.max(rtp.path(key).asDouble(), pr.path(key).asDouble()));
        }
        ArrayNode regs = sum.withArray("gateways");
        p.path("gateways").forEach(regs::add);
        return sum;
    }

    @Override public void close() throws IOException {
        gateways.close();
        if (phones != null) phones.close();
    }
}
