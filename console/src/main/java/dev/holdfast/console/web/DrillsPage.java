package dev.holdfast.console.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.console.Role;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import static dev.holdfast.console.web.Html.esc;

/**
 * Failover drills ({@code /api/drills}): an admin starts one on a controller in two steps (the second asks to type
 * the word "failover"); the controller answers, then halts its own process. The page shows the calls of every
 * controller live (the relayed event streams), so the admin watches the calls move to the alternate.
 */
final class DrillsPage {
    private static final System.Logger LOG = System.getLogger(DrillsPage.class.getName());
    static final String CONFIRM_WORD = "failover";

    private final Pages pages;

    DrillsPage(Pages pages) { this.pages = pages; }

    void page(WebExchange x) throws IOException {
        x.html(200, Layout.page("Drills", "/drills", x.session, body(x.session, x.param("started"))));
    }

    private String body(WebSession s, String started) {
        boolean admin = s.role().atLeast(Role.ADMIN);
        StringBuilder b = new StringBuilder(Layout.notice("ok", started));
        b.append("<table class=\"drills\"><thead><tr><th>controller</th><th>role</th><th>drills</th><th>running</th>")
         .append(admin ? "<th></th>" : "").append("</tr></thead><tbody>");
        for (Fleet.Answer a : Fleet.getAll(s.api(), "/api/drills")) {
            Fleet.Answer st = Fleet.get(s.api(), a.controller(), "/api/status");
            b.append("<tr data-controller=\"").append(esc(a.controller())).append("\"><td>").append(esc(a.controller())).append("</td><td>")
             .append(esc(st.ok() ? st.json().path("role").asText("-") : "not reachable")).append("</td>");
            if (!a.ok()) {
                b.append("<td colspan=\"").append(admin ? 3 : 2).append("\" class=\"muted\">").append(esc(a.problem())).append("</td></tr>");
                continue;
            }
            boolean enabled = a.json().path("enabled").asBoolean(false);
            JsonNode running = a.json().path("running");
            b.append("<td>").append(enabled ? "enabled" : "disabled (admin.drills: false)").append("</td><td>")
             .append(esc(running.isObject() ? running.path("drill").asText("drill") + " by " + running.path("by").asText("?")
                     + ", halting at " + running.path("haltAt").asText("?") : "-")).append("</td>");
            if (admin) {
                b.append("<td>");
                if (enabled) {
                    b.append("<form method=\"post\" action=\"/drills/failover\" class=\"inline\">").append(Layout.csrfField(s))
                     .append("<input type=\"hidden\" name=\"controller\" value=\"").append(esc(a.controller())).append("\">")
                     .append("<button type=\"submit\" class=\"danger\" id=\"drill-").append(esc(a.controller()))
                     .append("\">Failover drill\u2026</button></form>");
                }
                b.append("</td>");
            }
            b.append("</tr>");
        }
        b.append("</tbody></table>");
        if (!admin) b.append("<p class=\"muted\">Drills need the admin role; you are ").append(esc(s.role().apiName())).append(".</p>");
        b.append("<h2>Calls, live</h2>").append(pages.callsPanel(s, null));
        return b.toString();
    }

    /** Step one (no confirmation word): asks for it. Step two: starts the drill at the controller. */
    void failover(WebExchange x) throws Exception {
        String controller = x.field("controller");
        if (!x.session.api().controllerNames().contains(controller)) {
            x.html(400, Layout.page("Drills", "/drills", x.session, Layout.notice("error", "no such controller")));
            return;
        }
        String confirm = x.form().get("confirm");
        if (confirm == null) {
            confirmation(x, 200, controller, null);
            return;
        }
        if (!CONFIRM_WORD.equals(confirm.strip())) {
            confirmation(x, 400, controller, "type the word " + CONFIRM_WORD + " to start the drill");
            return;
        }
        var body = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("confirm", CONFIRM_WORD);
        Fleet.Answer a = Fleet.call(x.session.api(), controller, (api, t) -> api.post("/api/drills/failover", t, body.toString()));
        if (!a.ok()) {
            confirmation(x, a.reply() == null ? 502 : a.reply().status(), controller, "the drill did not start: " + a.problem());
            return;
        }
        LOG.log(System.Logger.Level.WARNING, "console: " + x.session.user() + " (web) started a failover drill on " + controller
                + ": " + a.json());
        x.redirect("/drills?started=" + URLEncoder.encode("failover drill started on " + controller + ": it halts at "
                + a.json().path("haltAt").asText("?") + "; watch its calls move below", StandardCharsets.UTF_8));
    }

    private void confirmation(WebExchange x, int status, String controller, String error) throws IOException {
        String b = "<p class=\"warning\">The drill halts controller <strong>" + esc(controller) + "</strong>'s process, as kill -9 would. "
                + "Its gateways and phones move to the alternate; calls in progress are rebuilt there from their cookies.</p>"
                + "<form method=\"post\" action=\"/drills/failover\" id=\"confirm-drill\" class=\"change\">" + Layout.csrfField(x.session)
                + "<input type=\"hidden\" name=\"controller\" value=\"" + esc(controller) + "\">"
                + "<label" + (error != null ? " class=\"invalid\"" : "") + "><span>Type <code>" + CONFIRM_WORD + "</code> to confirm</span>"
                + "<input name=\"confirm\" id=\"f-confirm\" autocomplete=\"off\">"
                + (error != null ? "<span class=\"field-error\" id=\"error-confirm\">" + esc(error) + "</span>" : "") + "</label>"
                + "<button type=\"submit\" class=\"danger\" id=\"start-drill\">Halt " + esc(controller) + "</button> "
                + "<a href=\"/drills\">Cancel</a></form>";
        x.html(status, Layout.page("Confirm the failover drill", "/drills", x.session, b));
    }
}
