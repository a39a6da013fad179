package dev.holdfast.console;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintWriter;

/**
 * A call's structure (the admin API's {@code CallStructure}) drawn as text: the parties and their roles, then each
 * gateway's leg with its context and terminations, each termination marked with its party, IGC end or SIP phone,
 * then the IGCs with both far ends (FEGI/FECEI), the feature and whether the call was migrated.
 */
final class CallDrawing {
    private CallDrawing() {}

    static void draw(JsonNode call, PrintWriter out) {
        out.println("call " + text(call, "callId") + "  state " + text(call, "state") + "  feature " + text(call, "feature")
                + "  migrated " + (call.path("migrated").asBoolean(false) ? "yes" : "no"));
        out.println("parties: " + join(call.path("parties")));
        JsonNode roles = call.path("roles");
        if (roles.size() > 0) {
            TextTable t = new TextTable("  PARTY", "ROLE", "GATEWAY", "TERMINATION", "CONTEXT");
            for (JsonNode r : roles) t.row("  " + text(r, "party"), text(r, "role"), text(r, "gateway"), text(r, "termination"), ctx(r.get("context")));
            t.print(out);
        }
        JsonNode legs = call.path("legs");
        if (legs.size() == 0) out.println("legs: none yet");
        for (JsonNode leg : legs) {
            String gw = text(leg, "gateway");
            out.println("gateway " + gw + "  context " + ctx(leg.get("context")));
            JsonNode terms = leg.path("terminations");
            for (int i = 0; i < terms.size(); i++) {
                String term = terms.get(i).asText();
                String branch = i == terms.size() - 1 ? "  `-- " : "  |-- ";
                out.println(TextTable.clean(branch + pad(term, 10) + describe(call, gw, term)));
            }
        }
        JsonNode igcs = call.path("igcs");
        if (igcs.size() > 0) {
            out.println("inter-gateway connections:");
            for (JsonNode igc : igcs) {
                out.println(TextTable.clean("  " + end(igc.path("a")) + "  <==>  " + end(igc.path("b"))));
                for (JsonNode e : new JsonNode[]{igc.path("a"), igc.path("b")}) {
                    out.println(TextTable.clean("    " + text(e, "gateway") + " " + text(e, "termination")
                            + ": far end gateway " + text(e, "farGateway") + " context " + ctx(e.get("farContext"))
                            + (e.hasNonNull("remoteSdp") ? "" : " (remote SDP not given yet)")));
                }
            }
        }
        JsonNode sip = call.path("sip");
        if (sip.isObject()) {
            out.println(TextTable.clean("SIP phone " + text(sip, "number") + "  dialog " + text(sip, "callId")
                    + "  media on " + text(sip, "gateway") + " " + text(sip, "termination") + " context " + ctx(sip.get("context"))));
        }
    }

    /** What a termination is to the call: its party and role, its IGC's far end, or the SIP phone it serves. */
    private static String describe(JsonNode call, String gw, String term) {
        for (JsonNode r : call.path("roles")) {
            if (gw.equals(r.path("gateway").asText()) && term.equals(r.path("termination").asText())) {
                return "party " + text(r, "party") + " (" + text(r, "role") + ")";
            }
        }
        for (JsonNode igc : call.path("igcs")) {
            for (JsonNode e : new JsonNode[]{igc.path("a"), igc.path("b")}) {
                if (gw.equals(e.path("gateway").asText()) && term.equals(e.path("termination").asText())) {
                    return "IGC to gateway " + text(e, "farGateway") + " context " + ctx(e.get("farContext"));
                }
            }
        }
        JsonNode sip = call.path("sip");
        if (sip.isObject() && gw.equals(sip.path("gateway").asText()) && term.equals(sip.path("termination").asText())) {
            return "SIP phone " + text(sip, "number");
        }
        return "";
    }

    private static String end(JsonNode e) {
        return text(e, "gateway") + "/" + ctx(e.get("context")) + "/" + text(e, "termination");
    }

    static String ctx(JsonNode c) {
        return c == null || c.isNull() ? "(being created)" : c.asText();
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? "-" : v.asText();
    }

    static String join(JsonNode array) {
        StringBuilder b = new StringBuilder();
        for (JsonNode p : array) b.append(b.length() == 0 ? "" : ", ").append(p.asText());
        return b.length() == 0 ? "-" : TextTable.clean(b.toString());
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }
}
