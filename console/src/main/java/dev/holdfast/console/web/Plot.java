package dev.holdfast.console.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

import static dev.holdfast.console.web.Html.esc;

/** A line plot of time series drawn as inline SVG (no script, no style attribute: the page's CSP allows neither). */
final class Plot {
    private Plot() {}

    static final int W = 560, H = 150, LEFT = 48, RIGHT = 10, TOP = 22, BOTTOM = 22;
    static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    record Series(String name, List<CounterPoller.Point> points) {}

    /** The plot of the last {@code window} seconds up to {@code now}; gaps (NaN) break the lines. */
    static String svg(String id, String title, String unit, List<Series> series, Instant now, long windowSeconds) {
        double max = 0;
        for (Series s : series) for (CounterPoller.Point p : s.points()) if (!Double.isNaN(p.value())) max = Math.max(max, p.value());
        max = niceCeiling(max);
        long t0 = now.toEpochMilli() - windowSeconds * 1000;
        double xs = (W - LEFT - RIGHT) / (windowSeconds * 1000.0);
        double ys = (H - TOP - BOTTOM) / max;
        StringBuilder b = new StringBuilder();
        b.append("<svg class=\"plot\" id=\"").append(esc(id)).append("\" viewBox=\"0 0 ").append(W).append(' ').append(H)
         .append("\" width=\"").append(W).append("\" height=\"").append(H).append("\" role=\"img\" aria-label=\"")
         .append(esc(title)).append("\">");
        b.append("<text x=\"").append(LEFT).append("\" y=\"14\" class=\"title\">").append(esc(title)).append(" (")
         .append(esc(unit)).append(")</text>");
        int y0 = H - BOTTOM;
        b.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" y1=\"").append(y0).append("\" x2=\"").append(W - RIGHT)
         .append("\" y2=\"").append(y0).append("\"/>");
        b.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" y1=\"").append(TOP).append("\" x2=\"").append(LEFT)
         .append("\" y2=\"").append(y0).append("\"/>");
        for (int i = 0; i <= 2; i++) {
            double v = max * i / 2;
            int y = (int) Math.round(y0 - v * ys);
            b.append("<text class=\"tick\" x=\"").append(LEFT - 4).append("\" y=\"").append(y + 4).append("\" text-anchor=\"end\">")
             .append(esc(fmt(v))).append("</text>");
            if (i > 0) b.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" y1=\"").append(y).append("\" x2=\"")
                        .append(W - RIGHT).append("\" y2=\"").append(y).append("\"/>");
        }
        b.append("<text class=\"tick\" x=\"").append(LEFT).append("\" y=\"").append(H - 6).append("\">")
         .append(esc(CLOCK.format(Instant.ofEpochMilli(t0)))).append("</text>");
        b.append("<text class=\"tick\" x=\"").append(W - RIGHT).append("\" y=\"").append(H - 6).append("\" text-anchor=\"end\">")
         .append(esc(CLOCK.format(now))).append(" UTC</text>");
        int k = 0;
        for (Series s : series) {
            StringBuilder pts = new StringBuilder();
            for (CounterPoller.Point p : s.points()) {
                long t = p.time().toEpochMilli();
                if (t < t0 || Double.isNaN(p.value())) {
                    flush(b, pts, k);
                    continue;
                }
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + (t - t0) * xs, y0 - p.value() * ys));
            }
            flush(b, pts, k);
            b.append("<text class=\"legend s").append(k % 4).append("\" x=\"").append(W - RIGHT).append("\" y=\"")
             .append(14 + 0 * k).append("\" dx=\"").append(-110 * k).append("\" text-anchor=\"end\">").append(esc(s.name())).append("</text>");
            k++;
        }
        return b.append("</svg>").toString();
    }

    private static void flush(StringBuilder b, StringBuilder pts, int k) {
        if (pts.isEmpty()) return;
        String p = pts.toString().strip();
        if (p.indexOf(' ') < 0) {
            // a lone point between gaps (one interval with calls): a dot, as a line of one point is not drawn
            String[] xy = p.split(",");
            b.append("<circle class=\"dot s").append(k % 4).append("\" cx=\"").append(xy[0]).append("\" cy=\"").append(xy[1])
             .append("\" r=\"2.5\"/>");
        } else {
            b.append("<polyline class=\"line s").append(k % 4).append("\" points=\"").append(p).append("\"/>");
        }
        pts.setLength(0);
    }

    static double niceCeiling(double v) {
        if (!(v > 0)) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[]{1, 2, 5, 10}) if (v <= m * p) return m * p;
        return 10 * p;
    }

    static String fmt(double v) {
        if (v == Math.rint(v)) return Long.toString((long) v);
        return String.format(Locale.ROOT, v < 10 ? "%.1f" : "%.0f", v);
    }
}
