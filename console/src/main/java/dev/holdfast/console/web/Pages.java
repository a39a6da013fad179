package dev.holdfast.console.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.console.AdminApiClient;
import dev.holdfast.console.Role;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static dev.holdfast.console.web.Html.esc;
import static dev.holdfast.console.web.Html.url;

/** The read-mostly pages: overview, gateways, phones, calls (and releasing one), CDRs. */
final class Pages {
    static final long PLOT_WINDOW_SECONDS = 300;

    private final CounterPoller poller;
    private final EventRelay relay;

    Pages(CounterPoller poller, EventRelay relay) {
        this.poller = poller;
        this.relay = relay;
    }

    // -- overview ----------------------------------------------------------------------------------------------

    void overview(WebExchange x) throws IOException {
        x.html(200, Layout.page("Overview", "/", x.session,
                "<div id=\"overview\" data-live=\"/live/overview\" data-every=\"2000\">" + overviewBody(x.session) + "</div>"));
    }

    void overviewLive(WebExchange x) throws IOException {
        x.html(200, overviewBody(x.session));
    }

    private String overviewBody(WebSession s) {
        StringBuilder b = new StringBuilder("<section class=\"cards\">");
        List<Plot.Series> cps = new ArrayList<>(), setup = new ArrayList<>(), active = new ArrayList<>();
        for (Fleet.Answer a : Fleet.getAll(s.api(), "/api/status")) {
            b.append("<div class=\"card controller\" id=\"controller-").append(esc(a.controller())).append("\"><h2>")
             .append(esc(a.controller())).append("</h2>");
            if (!a.ok()) {
                b.append("<p class=\"health down\">not reachable</p><p class=\"muted\">").append(esc(a.problem())).append("</p>");
            } else {
                JsonNode st = a.json();
                JsonNode c = st.path("counts");
                long failures = c.path("coreFailures").asLong();
                b.append("<p class=\"role\">").append(esc(st.path("role").asText("-"))).append("</p>")
                 .append("<p class=\"health ").append(failures == 0 ? "up\">up" : "degraded\">degraded (" + failures + " core failures)")
                 .append("</p><dl>")
                 .append(dd("active calls", c.path("activeCalls").asText()))
                 .append(dd("phone-to-phone calls", c.path("activePhoneCalls").asText()))
                 .append(dd("migrated calls", c.path("migratedCalls").asText()))
                 .append(dd("gateways in service", c.path("gatewaysInService").asText() + " / " + c.path("gatewaysProvisioned").asText()))
                 .append(dd("registered phones", c.path("registeredPhones").asText()))
                 .append(dd("uptime", uptime(st.path("uptimeSeconds").asDouble())));
                Fleet.Answer cl = Fleet.get(s.api(), a.controller(), "/api/cluster");
                if (cl.ok()) b.append(dd("cluster", cluster(cl.json())));
                b.append("</dl>");
            }
            b.append("</div>");
            cps.add(new Plot.Series(a.controller(), poller.callsPerSecond(a.controller())));
            setup.add(new Plot.Series(a.controller(), poller.setupMillis(a.controller())));
            active.add(new Plot.Series(a.controller(), poller.activeCalls(a.controller())));
        }
        b.append("</section><section class=\"plots\">");
        Instant now = Instant.now();
        // the window grows with the console's history, from one minute to five
        long window = Math.max(60, Math.min(PLOT_WINDOW_SECONDS, poller.historySeconds(now) + 5));
        b.append(Plot.svg("plot-calls-per-second", "calls set up per second", "calls/s", cps, now, window));
        b.append(Plot.svg("plot-setup-latency", "mean set-up latency", "ms", setup, now, window));
        b.append(Plot.svg("plot-active-calls", "active calls", "calls", active, now, window));
        b.append("</section><section><h2>Timeline</h2>");
        List<CounterPoller.Event> events = poller.timeline();
        if (events.isEmpty()) {
            b.append("<p class=\"muted\">no failovers, controller changes or gateway moves seen since the console started</p>");
        } else {
            b.append("<ol class=\"timeline\" id=\"timeline\">");
            for (int i = events.size() - 1; i >= 0; i--) {
                CounterPoller.Event e = events.get(i);
                b.append("<li class=\"").append(esc(e.kind())).append("\"><time>").append(esc(Plot.CLOCK.format(e.time())))
                 .append("</time> ").append(esc(e.text())).append("</li>");
            }
            b.append("</ol>");
        }
        return b.append("</section>").toString();
    }

    /** The controller's view of the Hazelcast cluster, in a few words. */
    static String cluster(JsonNode c) {
        if (!c.path("configured").asBoolean(false)) return "none (provisioning file only)";
        return (c.path("connected").asBoolean(false) ? "connected" : "NOT connected") + ", " + c.path("members").size()
                + " member(s), " + c.path("cdrQueue").asLong() + " CDR(s) queued";
    }

    private static String dd(String term, String value) {
        return "<dt>" + esc(term) + "</dt><dd>" + esc(value) + "</dd>";
    }

    static String uptime(double seconds) {
        long s = (long) seconds;
        if (s < 60) return s + "s";
        if (s < 3600) return s / 60 + "m" + s % 60 + "s";
        return s / 3600 + "h" + (s % 3600) / 60 + "m";
    }

    /** A controller's section heading, or its problem. */
    private static String heading(Fleet.Answer a) {
        return "<h2>controller " + esc(a.controller()) + "</h2>"
                + (a.ok() ? "" : "<p class=\"error\">" + esc(a.problem()) + "</p>");
    }

    // -- gateways and phones -----------------------------------------------------------------------------------

    void gateways(WebExchange x) throws IOException {
        StringBuilder b = new StringBuilder();
        for (Fleet.Answer a : Fleet.getAll(x.session.api(), "/api/gateways")) {
            b.append(heading(a));
            if (!a.ok()) continue;
            b.append("<table class=\"gateways\"><thead><tr><th>gateway</th><th>state</th><th>address</th><th>transport</th>"
                    + "<th>last ServiceChange</th><th>calls</th><th>lines</th></tr></thead><tbody>");
            for (JsonNode g : a.json().path("gateways")) {
                b.append("<tr><td>").append(esc(g.path("name").asText())).append("</td><td class=\"state ")
                 .append(esc(g.path("state").asText().toLowerCase(Locale.ROOT))).append("\">").append(esc(g.path("state").asText()))
                 .append("</td><td>").append(esc(g.path("address").asText("-"))).append("</td><td>")
                 .append(esc(g.path("transport").asText("-"))).append("</td><td>").append(esc(g.path("lastServiceChange").asText("-")))
                 .append("</td><td>").append(esc(g.path("calls").asText())).append("</td><td><ul class=\"lines\">");
                for (JsonNode l : g.path("lines")) {
                    b.append("<li class=\"line ").append(esc(l.path("state").asText().toLowerCase(Locale.ROOT))).append("\">")
                     .append(esc(l.path("termination").asText())).append(' ')
                     .append(esc(l.hasNonNull("number") ? l.path("number").asText() : "trunk " + l.path("trunkGroup").asText()))
                     .append(" <span>").append(esc(l.path("state").asText())).append(l.path("offHook").asBoolean() ? ", off-hook" : "")
                     .append(l.hasNonNull("call") ? ", call " + esc(l.path("call").asText()) : "").append("</span></li>");
                }
                b.append("</ul></td></tr>");
            }
            b.append("</tbody></table>");
        }
        x.html(200, Layout.page("Gateways", "/gateways", x.session, b.toString()));
    }

    void phones(WebExchange x) throws IOException {
        StringBuilder b = new StringBuilder();
        for (Fleet.Answer a : Fleet.getAll(x.session.api(), "/api/phones")) {
            b.append(heading(a));
            if (!a.ok()) continue;
            b.append("<table class=\"phones\"><thead><tr><th>number</th><th>user</th><th>registered</th><th>contacts</th></tr></thead><tbody>");
            for (JsonNode p : a.json().path("phones")) {
                b.append("<tr><td>").append(esc(p.path("number").asText())).append("</td><td>").append(esc(p.path("user").asText()))
                 .append("</td><td>").append(p.path("registered").asBoolean() ? "yes" : "no").append("</td><td><ul>");
                for (JsonNode c : p.path("contacts")) {
                    b.append("<li>").append(esc(c.path("contact").asText())).append(" (").append(esc(c.path("transport").asText()))
                     .append(", expires in ").append(esc(c.path("expiresInSeconds").asText())).append(" s)</li>");
                }
                b.append("</ul></td></tr>");
            }
            b.append("</tbody></table>");
        }
        x.html(200, Layout.page("Phones", "/phones", x.session, b.toString()));
    }

    // -- calls -------------------------------------------------------------------------------------------------

    void calls(WebExchange x) throws IOException {
        x.html(200, Layout.page("Calls", "/calls", x.session, callsPanel(x.session, x.param("done"))));
    }

    /** The live calls panel (also on the drills page): refreshed by the script when a relayed event comes. */
    String callsPanel(WebSession s, String notice) {
        return Layout.notice("ok", notice)
                + "<div id=\"calls\" data-live=\"/live/calls\" data-events=\"/live/events\" data-every=\"5000\">"
                + callsBody(s) + "</div>";
    }

    void callsLive(WebExchange x) throws IOException {
        x.html(200, callsBody(x.session));
    }

    private String callsBody(WebSession s) {
        StringBuilder b = new StringBuilder();
        boolean operator = s.role().atLeast(Role.OPERATOR);
        int total = 0;
        for (Fleet.Answer a : Fleet.getAll(s.api(), "/api/calls")) {
            b.append("<section class=\"controller-calls\" data-controller=\"").append(esc(a.controller())).append("\">").append(heading(a));
            if (!a.ok()) {
                b.append("</section>");
                continue;
            }
            JsonNode calls = a.json().path("calls");
            JsonNode phoneCalls = a.json().path("phoneCalls");
            total += calls.size() + phoneCalls.size();
            if (calls.size() == 0 && phoneCalls.size() == 0) b.append("<p class=\"muted\">no active calls</p>");
            for (JsonNode c : calls) {
                boolean migrated = c.path("migrated").asBoolean(false);
                b.append("<article class=\"call").append(migrated ? " migrated" : "").append("\" id=\"call-").append(esc(a.controller()))
                 .append('-').append(esc(c.path("callId").asText())).append("\" data-parties=\"")
                 .append(esc(String.join(",", texts(c.path("parties"))))).append("\" data-state=\"").append(esc(c.path("state").asText()))
                 .append("\" data-migrated=\"").append(migrated).append("\"><header><strong>call ").append(esc(c.path("callId").asText()))
                 .append("</strong> <span class=\"state\">").append(esc(c.path("state").asText())).append("</span> <span class=\"parties\">")
                 .append(esc(String.join(" \u2192 ", texts(c.path("parties"))))).append("</span> feature ")
                 .append(esc(c.path("feature").asText("-")));
                if (migrated) b.append(" <span class=\"badge migrated\">migrated</span>");
                if (CallPicture.merged(c)) b.append(" <span class=\"badge merged\">merged</span>");
                if (operator) {
                    b.append("<form method=\"post\" action=\"/calls/release\" class=\"inline\">").append(Layout.csrfField(s))
                     .append("<input type=\"hidden\" name=\"controller\" value=\"").append(esc(a.controller())).append("\">")
                     .append("<input type=\"hidden\" name=\"call\" value=\"").append(esc(c.path("callId").asText())).append("\">")
                     .append("<button type=\"submit\" class=\"danger\">Release</button></form>");
                }
                b.append("</header>").append(CallPicture.svg(c)).append("</article>");
            }
            if (phoneCalls.size() > 0) {
                b.append("<table class=\"phonecalls\"><thead><tr><th>phone call</th><th>caller</th><th>callee</th><th>state</th></tr></thead><tbody>");
                for (JsonNode p : phoneCalls) {
                    b.append("<tr class=\"phonecall\"><td>").append(esc(p.path("phoneCallId").asText(p.path("id").asText())))
                     .append("</td><td>").append(esc(p.path("caller").asText())).append("</td><td>").append(esc(p.path("callee").asText()))
                     .append("</td><td>").append(esc(p.path("state").asText())).append("</td></tr>");
                }
                b.append("</tbody></table>");
            }
            b.append("</section>");
        }
        return "<p class=\"summary\" id=\"call-count\" data-count=\"" + total + "\">" + total + " active call(s)</p>" + b;
    }

    static List<String> texts(JsonNode array) {
        List<String> l = new ArrayList<>();
        for (JsonNode n : array) l.add(n.asText());
        return l;
    }

    void release(WebExchange x) throws Exception {
        String controller = x.field("controller");
        String call = x.field("call");
        if (!x.session.api().controllerNames().contains(controller) || !call.matches("\\d{1,18}")) {
            x.html(400, Layout.page("Calls", "/calls", x.session, Layout.notice("error", "no such controller or call id")));
            return;
        }
        Fleet.Answer a = Fleet.call(x.session.api(), controller, (api, token) -> api.delete("/api/calls/" + call, token));
        if (!a.ok()) {
            x.html(a.reply() == null ? 502 : a.reply().status(), Layout.page("Calls", "/calls", x.session,
                    Layout.notice("error", "release of call " + call + " at " + controller + ": " + a.problem())
                            + callsPanel(x.session, null)));
            return;
        }
        System.getLogger(Pages.class.getName()).log(System.Logger.Level.INFO,
                "console: " + x.session.user() + " (web) released call " + call + " on " + controller);
        x.redirect("/calls?done=" + java.net.URLEncoder.encode("call " + call + " on " + controller + " released", StandardCharsets.UTF_8));
    }

    // -- CDRs --------------------------------------------------------------------------------------------------

    /** The CDR search's filters, checked; {@code errors} names the fields that are wrong. */
    record CdrQuery(String number, String since, String until, String controller, int limit, java.util.Map<String, String> errors) {
        String apiQuery() {
            StringBuilder q = new StringBuilder("limit=" + limit);
            if (!number.isEmpty()) q.append("&number=").append(enc(number));
            if (!since.isEmpty()) q.append("&since=").append(enc(iso(since)));
            if (!until.isEmpty()) q.append("&until=").append(enc(iso(until)));
            return q.toString();
        }

        String pageQuery() {
            return "number=" + enc(number) + "&since=" + enc(since) + "&until=" + enc(until) + "&controller=" + enc(controller);
        }
    }

    static String enc(String s) { return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8); }

    /** A time the admin typed (the browser's datetime-local, taken as UTC) or an ISO-8601 instant, as ISO-8601. */
    static String iso(String t) {
        try {
            return Instant.parse(t).toString();
        } catch (DateTimeParseException e) {
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toString();
        }
    }

    static CdrQuery cdrQuery(WebExchange x, List<String> controllers) {
        java.util.Map<String, String> errors = new java.util.LinkedHashMap<>();
        String number = x.param("number");
        if (!number.matches("[0-9*#+]{0,32}")) errors.put("number", "digits, * # or + only (up to 32)");
        String since = x.param("since"), until = x.param("until");
        for (String[] f : new String[][]{{"since", since}, {"until", until}}) {
            if (f[1].isEmpty()) continue;
            try {
                iso(f[1]);
            } catch (DateTimeParseException e) {
                errors.put(f[0], "a date and time (YYYY-MM-DDTHH:MM, UTC)");
            }
        }
        if (errors.isEmpty() && !since.isEmpty() && !until.isEmpty() && iso(since).compareTo(iso(until)) > 0) {
            errors.put("until", "before 'since'");
        }
        String controller = x.param("controller");
        if (!controller.isEmpty() && !controllers.contains(controller)) errors.put("controller", "no such controller");
        return new CdrQuery(number, since, until, controller, 200, errors);
    }

    void cdrs(WebExchange x) throws IOException {
        List<String> names = x.session.api().controllerNames();
        CdrQuery q = cdrQuery(x, names);
        StringBuilder b = new StringBuilder(cdrForm(q, names, q.errors()));
        if (q.errors().isEmpty()) {
            Fleet.Answer a = q.controller().isEmpty() ? Fleet.first(x.session.api(), "/api/cdrs?" + q.apiQuery())
                    : Fleet.get(x.session.api(), q.controller(), "/api/cdrs?" + q.apiQuery());
            String apiField = a == null || a.reply() == null || a.reply().status() != 400 ? "" : a.json().path("field").asText("");
            if (List.of("number", "since", "until").contains(apiField)) {
                // the API refused a filter the console let through: said next to that field
                java.util.Map<String, String> errors = new java.util.LinkedHashMap<>(q.errors());
                errors.put(apiField, a.reply().error());
                x.html(400, Layout.page("Call detail records", "/cdrs", x.session, cdrForm(q, names, errors)));
                return;
            }
            if (a == null || !a.ok()) {
                b.append(Layout.notice("error", a == null ? "no controller" : "CDRs from " + a.controller() + ": " + a.problem()
                        + (a.reply() != null && a.reply().status() == 404 ? " (this controller has no CDR endpoint)" : "")));
            } else {
                JsonNode list = a.json().path("cdrs");
                b.append("<p class=\"summary\">").append(esc(list.size())).append(" of ").append(esc(a.json().path("total").asText()))
                 .append(" CDR(s) from ").append(esc(a.controller())).append(" \u00b7 <a id=\"csv\" href=\"/cdrs.csv?")
                 .append(esc(q.pageQuery())).append("&amp;from=").append(url(a.controller())).append("\">CSV export</a></p>");
                b.append("<table class=\"cdrs\"><thead><tr><th>setup (UTC)</th><th>caller</th><th>callee</th><th>answer</th><th>end</th>"
                        + "<th>duration</th><th>release</th><th>gateways</th><th>migrated</th><th>controller</th></tr></thead><tbody>");
                for (JsonNode c : list) {
                    b.append("<tr class=\"cdr\"><td>").append(esc(time(c.path("setup").asText()))).append("</td><td>")
                     .append(esc(c.path("caller").asText())).append(" <small>").append(esc(c.path("callerKind").asText())).append("</small></td><td>")
                     .append(esc(c.path("callee").asText())).append(" <small>").append(esc(c.path("calleeKind").asText())).append("</small></td><td>")
                     .append(esc(c.path("answer").isNull() ? "-" : time(c.path("answer").asText("-")))).append("</td><td>")
                     .append(esc(time(c.path("end").asText()))).append("</td><td>").append(esc(String.format(Locale.ROOT, "%.1f s", c.path("durationMs").asLong() / 1000.0)))
                     .append("</td><td>").append(esc(c.path("release").asText()))
                     .append(c.hasNonNull("cause") ? " <small>" + esc(c.path("cause").asText()) + "</small>" : "").append("</td><td>")
                     .append(esc(String.join(", ", texts(c.path("gateways"))))).append("</td><td>")
                     .append(c.path("migrated").asBoolean() ? "yes" : "no").append("</td><td>").append(esc(c.path("controller").asText()))
                     .append("</td></tr>");
                }
                b.append("</tbody></table>");
            }
        }
        x.html(q.errors().isEmpty() ? 200 : 400, Layout.page("Call detail records", "/cdrs", x.session, b.toString()));
    }

    private static String cdrForm(CdrQuery q, List<String> names, java.util.Map<String, String> errors) {
        StringBuilder b = new StringBuilder("<form method=\"get\" action=\"/cdrs\" class=\"search\">");
        b.append(field("number", "Number (caller or callee)", "text", q.number(), errors))
         .append(field("since", "Ended since (UTC)", "datetime-local", q.since(), errors))
         .append(field("until", "Ended before (UTC)", "datetime-local", q.until(), errors));
        b.append("<label>Controller <select name=\"controller\"><option value=\"\">first that answers</option>");
        for (String n : names) {
            b.append("<option value=\"").append(esc(n)).append('"').append(n.equals(q.controller()) ? " selected" : "").append('>')
             .append(esc(n)).append("</option>");
        }
        return b.append("</select></label><button type=\"submit\" id=\"search\">Search</button></form>").toString();
    }

    /** An ISO-8601 UTC time as a table shows it: {@code 2026-11-27 10:22:12.317}. */
    static String time(String iso) {
        return iso.matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z") ? iso.replace('T', ' ').replace("Z", "") : iso;
    }

    /** A labelled input with the error about it (if any) right after it. */
    static String field(String name, String label, String type, String value, java.util.Map<String, String> errors) {
        String e = errors.get(name);
        return "<label" + (e != null ? " class=\"invalid\"" : "") + ">" + esc(label) + " <input name=\"" + esc(name) + "\" id=\"f-"
                + esc(name) + "\" type=\"" + esc(type) + "\" value=\"" + esc(value) + "\">"
                + (e != null ? "<span class=\"field-error\" id=\"error-" + esc(name) + "\">" + esc(e) + "</span>" : "") + "</label>";
    }

    void cdrsCsv(WebExchange x) throws IOException {
        List<String> names = x.session.api().controllerNames();
        CdrQuery q = cdrQuery(x, names);
        String from = x.param("from").isEmpty() ? q.controller() : x.param("from");
        if (!q.errors().isEmpty() || (!from.isEmpty() && !names.contains(from))) {
            x.send(400, "text/plain; charset=utf-8", ("bad filters: " + q.errors()).getBytes(StandardCharsets.UTF_8));
            return;
        }
        String path = "/api/cdrs.csv?" + q.apiQuery().replace("limit=200", "limit=10000");
        for (String c : from.isEmpty() ? names : List.of(from)) {
            AdminApiClient.Text t;
            try {
                t = x.session.api().api(c).getText(path, x.session.api().token(c));
                if (t.status() == 401 && x.session.api().login(c)) t = x.session.api().api(c).getText(path, x.session.api().token(c));
            } catch (IOException e) {
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (t.status() != 200) continue;
            x.http.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"cdrs-" + c.replaceAll("[^A-Za-z0-9._-]", "") + ".csv\"");
            x.send(200, "text/csv; charset=utf-8", t.body().getBytes(StandardCharsets.UTF_8));
            return;
        }
        x.send(502, "text/plain; charset=utf-8", "no controller gave the CDRs".getBytes(StandardCharsets.UTF_8));
    }
}
