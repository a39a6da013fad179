package dev.holdfast.console.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.console.ConsoleSession;
import dev.holdfast.console.Role;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.holdfast.console.web.Html.esc;

/**
 * Provisioning through the admin API ({@code /api/provisioning...}): stations (SIP subscribers), gateways and their
 * lines. Admins get forms; the API's validation errors ({@code 400 {"error","field"}}, {@code 409} for a number in
 * use) are shown next to the field they name, with what was typed kept (never the password). A change goes to the
 * first controller that is reachable; the controllers share it through the cluster when one is configured.
 */
final class ProvisioningPage {
    private static final System.Logger LOG = System.getLogger(ProvisioningPage.class.getName());
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** A form shown again after a refusal: which one, what was typed, and the errors per field ("" for the form's own). */
    private record Redo(String form, Map<String, String> values, Map<String, String> errors) {}

    void page(WebExchange x) throws IOException {
        render(x, 200, x.param("done"), null);
    }

    private void render(WebExchange x, int status, String done, Redo redo) throws IOException {
        WebSession s = x.session;
        boolean admin = s.role().atLeast(Role.ADMIN);
        Fleet.Answer a = Fleet.first(s.api(), "/api/provisioning");
        StringBuilder b = new StringBuilder(Layout.notice("ok", done));
        if (a == null || !a.ok()) {
            b.append(Layout.notice("error", "provisioning" + (a == null ? "" : " from " + a.controller() + ": " + a.problem())));
        } else {
            JsonNode p = a.json();
            b.append("<p class=\"muted\">as controller ").append(esc(a.controller())).append(" has it</p>");
            b.append("<section><h2>Stations (SIP phones)</h2><table class=\"stations\" id=\"stations\"><thead><tr><th>number</th><th>user</th>")
             .append(admin ? "<th></th>" : "").append("</tr></thead><tbody>");
            for (JsonNode st : p.path("stations")) {
                b.append("<tr class=\"station\" data-number=\"").append(esc(st.path("number").asText())).append("\"><td>")
                 .append(esc(st.path("number").asText())).append("</td><td>").append(esc(st.path("user").asText())).append("</td>");
                if (admin) {
                    b.append("<td>").append(removeForm(s, "/provisioning/stations/remove", Map.of("number", st.path("number").asText()),
                            "Remove station " + st.path("number").asText())).append("</td>");
                }
                b.append("</tr>");
            }
            b.append("</tbody></table>");
            if (admin) {
                b.append(form(s, redo, "station", "/provisioning/stations/add", "Add station", new String[][]{
                        {"number", "Number", "text"}, {"user", "SIP user", "text"}, {"password", "SIP password", "password"}}));
            }
            b.append("</section><section><h2>Gateways</h2>");
            for (JsonNode g : p.path("gateways")) {
                String name = g.path("name").asText();
                b.append("<div class=\"card gateway\" data-gateway=\"").append(esc(name)).append("\"><h3>").append(esc(name))
                 .append(" <small>").append(esc(g.path("mid").asText())).append("</small></h3>");
                if (admin) b.append(removeForm(s, "/provisioning/gateways/remove", Map.of("gateway", name), "Remove gateway " + name));
                b.append("<table class=\"lines\"><thead><tr><th>termination</th><th>number</th>").append(admin ? "<th></th>" : "")
                 .append("</tr></thead><tbody>");
                for (JsonNode l : g.path("lines")) {
                    b.append("<tr><td>").append(esc(l.path("termination").asText())).append("</td><td>").append(esc(l.path("number").asText()))
                     .append("</td>");
                    if (admin) {
                        b.append("<td>").append(removeForm(s, "/provisioning/lines/remove",
                                Map.of("gateway", name, "termination", l.path("termination").asText()), "Remove line")).append("</td>");
                    }
                    b.append("</tr>");
                }
                for (JsonNode t : g.path("trunks")) {
                    b.append("<tr><td>").append(esc(t.path("termination").asText())).append("</td><td>trunk group ")
                     .append(esc(t.path("group").asText())).append("</td>").append(admin ? "<td></td>" : "").append("</tr>");
                }
                b.append("</tbody></table>");
                if (admin) {
                    Redo mine = redo != null && redo.form().equals("line") && name.equals(redo.values().get("gateway")) ? redo : null;
                    b.append(form(s, mine == null ? new Redo("line", Map.of("gateway", name), Map.of()) : mine, "line",
                            "/provisioning/lines/add", "Add line", new String[][]{{"gateway", "", "hidden"},
                                    {"termination", "Termination", "text"}, {"number", "Number", "text"}}));
                }
                b.append("</div>");
            }
            if (admin) {
                b.append(form(s, redo, "gateway", "/provisioning/gateways/add", "Add gateway", new String[][]{
                        {"name", "Name", "text"}, {"mid", "mId (e.g. [127.0.0.1]:2945)", "text"},
                        {"lines", "Lines (TERMINATION=NUMBER, comma-separated)", "text"}}));
            }
            b.append("</section>");
        }
        if (!admin) b.append("<p class=\"muted\">Changes need the admin role; you are ").append(esc(s.role().apiName())).append(".</p>");
        x.html(status, Layout.page("Provisioning", "/provisioning", s, b.toString()));
    }

    /** A form with its fields, each followed by its error; {@code redo} fills it again after a refusal. */
    private static String form(WebSession s, Redo redo, String id, String action, String button, String[][] fields) {
        Redo r = redo != null && redo.form().equals(id) ? redo : null;
        StringBuilder b = new StringBuilder("<form method=\"post\" action=\"").append(esc(action)).append("\" class=\"change\" id=\"form-")
                .append(esc(id)).append("\">").append(Layout.csrfField(s));
        if (r != null && r.errors().containsKey("")) {
            b.append("<p class=\"field-error\" id=\"error-").append(esc(id)).append("\">").append(esc(r.errors().get(""))).append("</p>");
        }
        for (String[] f : fields) {
            String value = r == null || f[2].equals("password") ? "" : r.values().getOrDefault(f[0], "");
            if (f[2].equals("hidden")) {
                b.append("<input type=\"hidden\" name=\"").append(esc(f[0])).append("\" value=\"").append(esc(value)).append("\">");
                continue;
            }
            String e = r == null ? null : r.errors().get(f[0]);
            b.append("<label").append(e != null ? " class=\"invalid\"" : "").append('>').append(esc(f[1])).append(" <input name=\"")
             .append(esc(f[0])).append("\" type=\"").append(esc(f[2])).append("\" value=\"").append(esc(value)).append("\">");
            if (e != null) b.append("<span class=\"field-error\" id=\"error-").append(esc(id)).append('-').append(esc(f[0])).append("\">")
                            .append(esc(e)).append("</span>");
            b.append("</label>");
        }
        return b.append("<button type=\"submit\">").append(esc(button)).append("</button></form>").toString();
    }

    private static String removeForm(WebSession s, String action, Map<String, String> hidden, String label) {
        StringBuilder b = new StringBuilder("<form method=\"post\" action=\"").append(esc(action)).append("\" class=\"inline\">")
                .append(Layout.csrfField(s));
        for (Map.Entry<String, String> h : new java.util.TreeMap<>(hidden).entrySet()) {
            b.append("<input type=\"hidden\" name=\"").append(esc(h.getKey())).append("\" value=\"").append(esc(h.getValue())).append("\">");
        }
        return b.append("<button type=\"submit\" class=\"danger\" title=\"").append(esc(label)).append("\">Remove</button></form>").toString();
    }

    // -- changes -----------------------------------------------------------------------------------------------

    void addStation(WebExchange x) throws Exception {
        Map<String, String> v = values(x, "number", "user", "password");
        ObjectNode body = JSON.createObjectNode().put("number", v.get("number")).put("user", v.get("user")).put("password", v.get("password"));
        change(x, "station", v, (api, t) -> api.post("/api/provisioning/stations", t, body.toString()), "station " + v.get("number") + " added");
    }

    void removeStation(WebExchange x) throws Exception {
        Map<String, String> v = values(x, "number");
        change(x, "station", v, (api, t) -> api.delete("/api/provisioning/stations/" + seg(v.get("number")), t),
                "station " + v.get("number") + " removed");
    }

    void addGateway(WebExchange x) throws Exception {
        Map<String, String> v = values(x, "name", "mid", "lines");
        ArrayNode lines = JSON.createArrayNode();
        if (!v.get("lines").isEmpty()) {
            for (String l : v.get("lines").split(",")) {
                String[] tn = l.strip().split("=", 2);
                if (tn.length != 2 || tn[0].isBlank() || tn[1].isBlank()) {
                    render(x, 400, null, new Redo("gateway", v, Map.of("lines", "each line as TERMINATION=NUMBER, e.g. A1=1001, A2=1002")));
                    return;
                }
                lines.add(JSON.createObjectNode().put("termination", tn[0].strip()).put("number", tn[1].strip()));
            }
        }
        ObjectNode body = JSON.createObjectNode().put("name", v.get("name")).put("mid", v.get("mid"));
        body.set("lines", lines);
        change(x, "gateway", v, (api, t) -> api.post("/api/provisioning/gateways", t, body.toString()), "gateway " + v.get("name") + " added");
    }

    void removeGateway(WebExchange x) throws Exception {
        Map<String, String> v = values(x, "gateway");
        change(x, "gateway", v, (api, t) -> api.delete("/api/provisioning/gateways/" + seg(v.get("gateway")), t),
                "gateway " + v.get("gateway") + " removed");
    }

    void addLine(WebExchange x) throws Exception {
        Map<String, String> v = values(x, "gateway", "termination", "number");
        ObjectNode body = JSON.createObjectNode().put("termination", v.get("termination")).put("number", v.get("number"));
        change(x, "line", v, (api, t) -> api.post("/api/provisioning/gateways/" + seg(v.get("gateway")) + "/lines", t, body.toString()),
                "line " + v.get("termination") + " (" + v.get("number") + ") added to " + v.get("gateway"));
    }

    void removeLine(WebExchange x) throws Exception {
        Map<String, String> v = values(x, "gateway", "termination");
        change(x, "line", v, (api, t) -> api.delete("/api/provisioning/gateways/" + seg(v.get("gateway")) + "/lines/"
                + seg(v.get("termination")), t), "line " + v.get("termination") + " removed from " + v.get("gateway"));
    }

    private static Map<String, String> values(WebExchange x, String... names) throws Exception {
        Map<String, String> v = new LinkedHashMap<>();
        for (String n : names) v.put(n, n.equals("password") ? x.form().getOrDefault(n, "") : x.field(n));
        return v;
    }

    static String seg(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"); }

    /** Makes the change at the first reachable controller; done: back to the page; refused: the form again with the error. */
    private void change(WebExchange x, String form, Map<String, String> values, ConsoleSession.ApiCall call, String done) throws IOException {
        ConsoleSession api = x.session.api();
        Fleet.Answer a = null;
        for (String c : api.controllerNames()) {
            a = Fleet.call(api, c, call);
            if (a.reply() != null) break;
        }
        if (a == null || a.reply() == null) {
            render(x, 502, null, new Redo(form, values, Map.of("", a == null ? "no controller" : a.problem())));
            return;
        }
        if (!a.ok()) {
            String field = a.json().path("field").asText("");
            String key = values.containsKey(field) ? field : field.startsWith("lines") && values.containsKey("lines") ? "lines"
                    : a.reply().status() == 409 && values.containsKey("number") ? "number" : "";
            render(x, a.reply().status(), null, new Redo(form, values, Map.of(key, a.reply().error())));
            return;
        }
        LOG.log(System.Logger.Level.INFO, "console: " + x.session.user() + " (web) at " + a.controller() + ": " + done);
        x.redirect("/provisioning?done=" + URLEncoder.encode(done + " at " + a.controller(), StandardCharsets.UTF_8));
    }
}
