package dev.holdfast.console.web;

import static dev.holdfast.console.web.Html.esc;

/** The frame of every page: head (the console's own style sheet and script only), navigation, the user and logout. */
final class Layout {
    private Layout() {}

    static final String[][] NAV = {
            {"/", "Overview"}, {"/gateways", "Gateways"}, {"/phones", "Phones"}, {"/calls", "Calls"},
            {"/cdrs", "CDRs"}, {"/provisioning", "Provisioning"}, {"/drills", "Drills"}};

    static String page(String title, String active, WebSession s, String body) {
        StringBuilder b = new StringBuilder(4096 + body.length());
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
         .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
         .append("<title>").append(esc(title)).append(" - Holdfast console</title>")
         .append("<link rel=\"stylesheet\" href=\"/static/console.css\">")
         .append("<script src=\"/static/console.js\" defer></script></head><body>");
        b.append("<header><span class=\"brand\">Holdfast</span><nav>");
        if (s != null) {
            for (String[] n : NAV) {
                b.append("<a href=\"").append(n[0]).append('"').append(n[0].equals(active) ? " class=\"active\"" : "")
                 .append('>').append(esc(n[1])).append("</a>");
            }
        }
        b.append("</nav>");
        if (s != null) {
            b.append("<form class=\"logout\" method=\"post\" action=\"/logout\"><span id=\"who\">")
             .append(esc(s.user())).append(" (").append(esc(s.role().apiName())).append(")</span>")
             .append(csrfField(s)).append("<button type=\"submit\" id=\"logout\">Log out</button></form>");
        }
        b.append("</header><main>").append("<h1>").append(esc(title)).append("</h1>").append(body).append("</main>");
        b.append("</body></html>\n");
        return b.toString();
    }

    static String csrfField(WebSession s) {
        return "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(s.csrf()) + "\">";
    }

    /** A message box (an error the admin should see, or what an action did). */
    static String notice(String cssClass, String text) {
        return text == null || text.isEmpty() ? "" : "<p class=\"" + esc(cssClass) + "\">" + esc(text) + "</p>";
    }
}
