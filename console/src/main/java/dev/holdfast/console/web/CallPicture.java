package dev.holdfast.console.web;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.holdfast.console.web.Html.esc;

/**
 * A call's structure (the admin API's {@code CallStructure}) drawn as inline SVG: one box per gateway leg (gateway
 * and context) listing its terminations; above each, the parties on that gateway joined to their line termination;
 * lines between gateways for the inter-gateway connections (IGCs), labelled with each end's far gateway and context
 * (FEGI/FECEI); below, the SIP phone's leg. Every text goes through {@link Html#esc}.
 */
final class CallPicture {
    private CallPicture() {}

    static final int BOX_W = 210, GAP = 90, PARTY_H = 26, GW_TOP = 58, HEAD = 38, ROW = 24, PAD = 8;

    /** A call merged by migration: rebuilt from its cookies and spanning several gateways (parts joined by FEGI/FECEI). */
    static boolean merged(JsonNode call) {
        if (!call.path("migrated").asBoolean(false)) return false;
        Set<String> gws = new LinkedHashSet<>();
        for (JsonNode leg : call.path("legs")) gws.add(leg.path("gateway").asText());
        return gws.size() > 1;
    }

    static String svg(JsonNode call) {
        JsonNode legs = call.path("legs");
        if (legs.size() == 0) return "<p class=\"muted\">no gateway part yet</p>";
        Map<String, int[]> termPos = new HashMap<>(); // "gw|term" -> {x left, x right, y middle}
        StringBuilder body = new StringBuilder();
        int height = 0;
        for (int i = 0; i < legs.size(); i++) {
            JsonNode leg = legs.get(i);
            String gw = leg.path("gateway").asText();
            int x = PAD + i * (BOX_W + GAP);
            List<JsonNode> parties = new ArrayList<>();
            for (JsonNode r : call.path("roles")) if (gw.equals(r.path("gateway").asText())) parties.add(r);
            JsonNode terms = leg.path("terminations");
            int boxH = HEAD + Math.max(1, terms.size()) * ROW + 6;
            body.append("<rect class=\"gw\" x=\"").append(x).append("\" y=\"").append(GW_TOP).append("\" width=\"").append(BOX_W)
                .append("\" height=\"").append(boxH).append("\" rx=\"6\"/>");
            body.append("<text class=\"gwname\" x=\"").append(x + 8).append("\" y=\"").append(GW_TOP + 16).append("\">gateway ")
                .append(esc(gw)).append("</text>");
            body.append("<text class=\"ctx\" x=\"").append(x + 8).append("\" y=\"").append(GW_TOP + 31).append("\">context ")
                .append(esc(ctx(leg.get("context")))).append("</text>");
            for (int t = 0; t < terms.size(); t++) {
                String term = terms.get(t).asText();
                int ty = GW_TOP + HEAD + t * ROW;
                body.append("<rect class=\"term\" x=\"").append(x + 8).append("\" y=\"").append(ty).append("\" width=\"")
                    .append(BOX_W - 16).append("\" height=\"").append(ROW - 4).append("\" rx=\"3\"/>");
                body.append("<text class=\"termname\" x=\"").append(x + 14).append("\" y=\"").append(ty + 15).append("\">")
                    .append(esc(term)).append("</text>");
                body.append("<text class=\"termwhat\" x=\"").append(x + BOX_W - 14).append("\" y=\"").append(ty + 15)
                    .append("\" text-anchor=\"end\">").append(esc(describe(call, gw, term))).append("</text>");
                termPos.put(gw + "|" + term, new int[]{x + 8, x + BOX_W - 8, ty + (ROW - 4) / 2});
            }
            // the parties on this gateway, above it, each joined to its termination
            for (int p = 0; p < parties.size(); p++) {
                JsonNode r = parties.get(p);
                int pw = (BOX_W - 8 * (parties.size() - 1)) / parties.size();
                int px = x + p * (pw + 8);
                body.append("<rect class=\"party ").append(esc(r.path("role").asText("").toLowerCase(java.util.Locale.ROOT)))
                    .append("\" x=\"").append(px).append("\" y=\"4\" width=\"").append(pw).append("\" height=\"").append(PARTY_H)
                    .append("\" rx=\"13\"/>");
                body.append("<text class=\"partyname\" x=\"").append(px + pw / 2).append("\" y=\"21\" text-anchor=\"middle\">")
                    .append(esc(r.path("party").asText())).append(' ').append(esc(r.path("role").asText("").toLowerCase(java.util.Locale.ROOT)))
                    .append("</text>");
                int[] tp = termPos.get(gw + "|" + r.path("termination").asText());
                if (tp != null) {
                    body.append("<line class=\"link\" x1=\"").append(px + pw / 2).append("\" y1=\"").append(4 + PARTY_H)
                        .append("\" x2=\"").append(px + pw / 2).append("\" y2=\"").append(GW_TOP).append("\"/>");
                }
            }
            height = Math.max(height, GW_TOP + boxH);
        }
        // the IGCs: a line from one end's termination to the other's, across the gap between the gateways
        int k = 0;
        for (JsonNode igc : call.path("igcs")) {
            JsonNode a = igc.path("a"), b = igc.path("b");
            int[] pa = termPos.get(a.path("gateway").asText() + "|" + a.path("termination").asText());
            int[] pb = termPos.get(b.path("gateway").asText() + "|" + b.path("termination").asText());
            if (pa == null || pb == null) continue;
            int[] left = pa[0] <= pb[0] ? pa : pb, right = left == pa ? pb : pa;
            body.append("<line class=\"igc\" x1=\"").append(left[1]).append("\" y1=\"").append(left[2]).append("\" x2=\"")
                .append(right[0]).append("\" y2=\"").append(right[2]).append("\"/>");
            body.append("<text class=\"igclabel\" x=\"").append((left[1] + right[0]) / 2).append("\" y=\"")
                .append(Math.min(left[2], right[2]) - 6 - 12 * k).append("\" text-anchor=\"middle\">IGC</text>");
            k++;
        }
        JsonNode sip = call.path("sip");
        if (sip.isObject()) {
            int[] tp = termPos.get(sip.path("gateway").asText() + "|" + sip.path("termination").asText());
            int x = tp == null ? PAD : tp[0];
            int y = height + 24;
            body.append("<rect class=\"phone\" x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"").append(BOX_W - 16)
                .append("\" height=\"").append(PARTY_H).append("\" rx=\"13\"/>");
            body.append("<text class=\"partyname\" x=\"").append(x + (BOX_W - 16) / 2).append("\" y=\"").append(y + 17)
                .append("\" text-anchor=\"middle\">SIP phone ").append(esc(text(sip, "number"))).append("</text>");
            if (tp != null) {
                body.append("<line class=\"link\" x1=\"").append(x + (BOX_W - 16) / 2).append("\" y1=\"").append(tp[2] + ROW / 2)
                    .append("\" x2=\"").append(x + (BOX_W - 16) / 2).append("\" y2=\"").append(y).append("\"/>");
            }
            height = y + PARTY_H;
        }
        int width = PAD * 2 + legs.size() * BOX_W + (legs.size() - 1) * GAP;
        return "<svg class=\"callsvg\" viewBox=\"0 0 " + width + " " + (height + 6) + "\" width=\"" + width + "\" height=\""
                + (height + 6) + "\" role=\"img\" aria-label=\"structure of call " + esc(text(call, "callId")) + "\">" + body + "</svg>";
    }

    /** What a termination is to the call: its party, its IGC's far end (FEGI/FECEI), or the SIP phone it serves. */
    static String describe(JsonNode call, String gw, String term) {
        for (JsonNode r : call.path("roles")) {
            if (gw.equals(r.path("gateway").asText()) && term.equals(r.path("termination").asText())) {
                return "line " + r.path("party").asText();
            }
        }
        for (JsonNode igc : call.path("igcs")) {
            for (JsonNode e : new JsonNode[]{igc.path("a"), igc.path("b")}) {
                if (gw.equals(e.path("gateway").asText()) && term.equals(e.path("termination").asText())) {
                    return "IGC to " + text(e, "farGateway") + "/" + ctx(e.get("farContext"));
                }
            }
        }
        JsonNode sip = call.path("sip");
        if (sip.isObject() && gw.equals(sip.path("gateway").asText()) && term.equals(sip.path("termination").asText())) {
            return "SIP " + text(sip, "number");
        }
        return "";
    }

    static String ctx(JsonNode c) {
        return c == null || c.isNull() ? "(being created)" : c.asText();
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? "-" : v.asText();
    }
}
