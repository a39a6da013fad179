package dev.holdfast.drill;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares calls as two controllers report them ({@code GET /api/calls}, CallStructure as JSON): the same parties
 * in the same roles, on the same gateways, contexts and terminations, with the same IGCs (each end's gateway,
 * context, termination, far gateway and far context), the same state and feature. Call ids may differ (the
 * alternate numbers its calls itself), so calls are matched by their parties; SDP text is left out (the media
 * description is the gateways', and what matters for the structure is who is connected to whom).
 */
final class CallShapes {
    private CallShapes() {}

    /** How the calls after compare with the calls before. */
    record Comparison(int before, int after, int matched, List<String> differences) {}

    /** The parties, sorted: a call's identity across controllers. */
    static String key(JsonNode call) {
        List<String> parties = texts(call.path("parties"));
        Collections.sort(parties);
        return String.join(",", parties);
    }

    /** One line that is equal for two calls exactly when their structures match. */
    static String shape(JsonNode call) {
        StringBuilder b = new StringBuilder();
        b.append("parties=").append(texts(call.path("parties")));
        b.append(" state=").append(call.path("state").asText());
        b.append(" feature=").append(call.path("feature").asText());
        List<String> roles = new ArrayList<>();
        for (JsonNode r : call.path("roles")) {
            roles.add(r.path("party").asText() + "@" + r.path("gateway").asText() + "/" + r.path("termination").asText()
                    + " ctx " + context(r.path("context")) + " " + r.path("role").asText());
        }
        Collections.sort(roles);
        b.append(" roles=").append(roles);
        List<String> legs = new ArrayList<>();
        for (JsonNode l : call.path("legs")) {
            List<String> terms = texts(l.path("terminations"));
            Collections.sort(terms);
            legs.add(l.path("gateway").asText() + " ctx " + context(l.path("context")) + " " + terms);
        }
        Collections.sort(legs);
        b.append(" legs=").append(legs);
        List<String> igcs = new ArrayList<>();
        for (JsonNode i : call.path("igcs")) {
            List<String> ends = new ArrayList<>(List.of(end(i.path("a")), end(i.path("b"))));
            Collections.sort(ends);
            igcs.add(ends.toString());
        }
        Collections.sort(igcs);
        b.append(" igcs=").append(igcs);
        JsonNode sip = call.path("sip");
        if (sip.isObject()) {
            b.append(" sip=").append(sip.path("number").asText()).append(' ').append(sip.path("callId").asText())
                    .append(' ').append(sip.path("gateway").asText()).append(" ctx ").append(context(sip.path("context")))
                    .append(' ').append(sip.path("termination").asText());
        }
        return b.toString();
    }

    private static String end(JsonNode e) {
        return e.path("gateway").asText() + " ctx " + context(e.path("context")) + " " + e.path("termination").asText()
                + " -> " + e.path("farGateway").asText() + " ctx " + context(e.path("farContext"));
    }

    /** A context id however the API writes it (a number, a string, or an object with its value). */
    private static String context(JsonNode c) {
        if (c == null || c.isMissingNode() || c.isNull()) return "-";
        if (c.isValueNode()) return c.asText();
        if (c.has("value")) return c.get("value").asText();
        return c.toString();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) out.add(n.asText());
        return out;
    }

    /** Every call before is looked for after by its parties; matched when the shapes are equal. */
    static Comparison compare(JsonNode before, JsonNode after) {
        Map<String, List<JsonNode>> afterByKey = new HashMap<>();
        int afterCount = 0;
        for (JsonNode c : after) {
            afterByKey.computeIfAbsent(key(c), k -> new ArrayList<>()).add(c);
            afterCount++;
        }
        int matched = 0;
        int beforeCount = 0;
        List<String> differences = new ArrayList<>();
        for (JsonNode c : before) {
            beforeCount++;
            List<JsonNode> candidates = afterByKey.getOrDefault(key(c), List.of());
            String want = shape(c);
            JsonNode found = null;
            for (JsonNode a : candidates) {
                if (shape(a).equals(want)) {
                    found = a;
                    break;
                }
            }
            if (found != null) {
                matched++;
                candidates.remove(found);
            } else if (differences.size() < 10) {
                differences.add(candidates.isEmpty() ? "missing after: " + want
                        : "before: " + want + "\n      after:  " + shape(candidates.get(0)));
            }
        }
        return new Comparison(beforeCount, afterCount, matched, differences);
    }
}
