package dev.holdfast.console.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.console.AdminApiClient;
import dev.holdfast.console.ConsoleConfig;
import dev.holdfast.console.ConsoleSession;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the overview's time series and timeline: every {@link #PERIOD_MS} ms it asks each controller for its status,
 * its metrics (calls started, set-up latency sum and count, failovers: what {@code /api/counters} lacks) and its
 * gateways. From two samples come calls/s and the mean set-up latency of the interval; from changes come timeline
 * entries: a controller down or back, a role changed, a gateway moved from one controller to another.
 *
 * <p>It asks with the service account when one is configured, else with the most recently used web session.
 */
final class CounterPoller {
    private static final System.Logger LOG = System.getLogger(CounterPoller.class.getName());
    static final long PERIOD_MS = 1000;
    static final int KEEP_SAMPLES = 600;
    static final int KEEP_TIMELINE = 200;

    /** One poll of one controller. */
    record Sample(Instant time, boolean reachable, String role, long activeCalls, double callsStarted, double setupSum,
                  double setupCount, double failovers, List<InService> inService) {}

    /** A gateway in service at the polled controller, and how it came (its last ServiceChange). */
    record InService(String gateway, String serviceChange) {}

    /** A point of a derived series: time and value (NaN: nothing to say in that interval). */
    record Point(Instant time, double value) {}

    /** Something that happened to the fleet. */
    record Event(Instant time, String controller, String kind, String text) {}

    private final List<AdminApiClient> controllers;
    private final ConsoleSession service;
    private final WebSessions sessions;
    private final Map<String, ArrayDeque<Sample>> samples = new LinkedHashMap<>();
    private final ArrayDeque<Event> timeline = new ArrayDeque<>();
    private final Map<String, String> gatewayOwner = new HashMap<>();
    private final Map<String, Sample> last = new HashMap<>();
    private ScheduledExecutorService timer;

    CounterPoller(List<AdminApiClient> controllers, ConsoleConfig.ServiceAccount service, WebSessions sessions) {
        this.controllers = controllers;
        this.service = service == null ? null : ConsoleSession.withPassword(service.user(), service.password(), controllers);
        this.sessions = sessions;
        for (AdminApiClient c : controllers) samples.put(c.name(), new ArrayDeque<>());
    }

    void start(ScheduledExecutorService timer) {
        this.timer = timer;
        timer.scheduleWithFixedDelay(this::pollSafely, 0, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** Polls soon (after a login, when there was nobody to poll with). */
    void wake() {
        if (timer != null) timer.execute(this::pollSafely);
    }

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "console: polling the controllers failed", e);
        }
    }

    private ConsoleSession pollingSession() {
        if (service != null) return service;
        WebSession s = sessions.mostRecent();
        return s == null ? null : s.api();
    }

    /** Asks every controller (no lock held: a slow controller must not hold up the pages), then records. */
    void poll() {
        ConsoleSession s = pollingSession();
        if (s == null) return;
        Instant now = Instant.now();
        Map<String, Sample> polled = new LinkedHashMap<>();
        for (AdminApiClient c : controllers) {
            Sample sample = sample(s, c.name(), now);
            if (sample != null) polled.put(c.name(), sample); // null: the polling session ended meanwhile
        }
        record(polled, now);
    }

    private synchronized void record(Map<String, Sample> polled, Instant now) {
        for (AdminApiClient c : controllers) {
            Sample sample = polled.get(c.name());
            if (sample == null) continue;
            for (InService g : sample.inService()) {
                String owner = gatewayOwner.put(g.gateway(), c.name());
                if (owner != null && !owner.equals(c.name())) {
                    note(now, c.name(), "move", "gateway " + g.gateway() + " moved from " + owner + " to " + c.name()
                            + (g.serviceChange() != null ? " (" + g.serviceChange() + ")" : ""));
                }
            }
            ArrayDeque<Sample> q = samples.get(c.name());
            q.addLast(sample);
            while (q.size() > KEEP_SAMPLES) q.pollFirst();
            Sample before = last.put(c.name(), sample);
            if (before == null) {
                if (!sample.reachable()) note(now, c.name(), "down", "controller " + c.name() + " not reachable");
                else note(now, c.name(), "up", "controller " + c.name() + " answers (" + sample.role() + ")");
            } else if (before.reachable() && !sample.reachable()) {
                note(now, c.name(), "down", "controller " + c.name() + " stopped answering");
            } else if (!before.reachable() && sample.reachable()) {
                note(now, c.name(), "up", "controller " + c.name() + " answers (" + sample.role() + ")");
            } else if (sample.reachable() && before.role() != null && !before.role().equals(sample.role())) {
                note(now, c.name(), "role", "controller " + c.name() + " is now " + sample.role());
            }
            if (before != null && sample.reachable() && before.reachable() && sample.failovers() > before.failovers()) {
                note(now, c.name(), "failover", (long) (sample.failovers() - before.failovers())
                        + " gateway(s) came to " + c.name() + " with ServiceChange Failover");
            }
        }
    }

    private Sample sample(ConsoleSession s, String controller, Instant now) {
        Fleet.Answer status = Fleet.get(s, controller, "/api/status");
        if (!status.ok() && !status.unreachable()) return null;
        if (!status.ok()) return new Sample(now, false, null, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, List.of());
        JsonNode st = status.json();
        Map<String, Double> m = new HashMap<>();
        try {
            AdminApiClient.Text metrics = s.api(controller).getText("/metrics", s.token(controller));
            if (metrics.status() == 200) m = metrics(metrics.body());
        } catch (IOException e) {
            // the status answered: keep what it said
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Fleet.Answer gws = Fleet.get(s, controller, "/api/gateways");
        List<InService> inService = new ArrayList<>();
        if (gws.ok()) {
            for (JsonNode g : gws.json().path("gateways")) {
                if (!"IN_SERVICE".equals(g.path("state").asText())) continue;
                inService.add(new InService(g.path("name").asText(),
                        g.path("lastServiceChange").isTextual() ? g.path("lastServiceChange").asText() : null));
            }
        }
        return new Sample(now, true, st.path("role").asText(null), st.path("counts").path("activeCalls").asLong(),
                m.getOrDefault("holdfast_calls_started_total", Double.NaN),
                m.getOrDefault("holdfast_call_setup_seconds_sum", Double.NaN),
                m.getOrDefault("holdfast_call_setup_seconds_count", Double.NaN),
                m.getOrDefault("holdfast_failovers_total", Double.NaN), inService);
    }

    /** The unlabelled samples of a Prometheus text exposition (labelled ones are summed per metric name). */
    static Map<String, Double> metrics(String text) {
        Map<String, Double> m = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            if (space < 0) continue;
            String name = line.substring(0, brace >= 0 && brace < space ? brace : line.indexOf(' '));
            try {
                m.merge(name, Double.parseDouble(line.substring(space + 1).strip()), Double::sum);
            } catch (NumberFormatException e) {
                // a sample we cannot read: skipped
            }
        }
        return m;
    }

    private void note(Instant time, String controller, String kind, String text) {
        timeline.addLast(new Event(time, controller, kind, text));
        while (timeline.size() > KEEP_TIMELINE) timeline.pollFirst();
    }

    /** How far back the samples go. */
    synchronized long historySeconds(Instant now) {
        Instant first = null;
        for (ArrayDeque<Sample> q : samples.values()) {
            if (!q.isEmpty() && (first == null || q.peekFirst().time().isBefore(first))) first = q.peekFirst().time();
        }
        return first == null ? 0 : java.time.Duration.between(first, now).toSeconds();
    }

    synchronized List<Event> timeline() { return new ArrayList<>(timeline); }

    synchronized Sample latest(String controller) { return last.get(controller); }

    /** Calls set up per second in each interval between two samples. */
    synchronized List<Point> callsPerSecond(String controller) {
        return derive(controller, (a, b) -> (b.callsStarted() - a.callsStarted())
                / Math.max(1e-3, (b.time().toEpochMilli() - a.time().toEpochMilli()) / 1000.0));
    }

    /** The mean set-up latency (ms) of the calls set up in each interval (NaN when none was). */
    synchronized List<Point> setupMillis(String controller) {
        return derive(controller, (a, b) -> b.setupCount() > a.setupCount()
                ? 1000 * (b.setupSum() - a.setupSum()) / (b.setupCount() - a.setupCount()) : Double.NaN);
    }

    synchronized List<Point> activeCalls(String controller) {
        List<Point> p = new ArrayList<>();
        for (Sample s : samples.getOrDefault(controller, new ArrayDeque<>())) {
            p.add(new Point(s.time(), s.reachable() ? s.activeCalls() : Double.NaN));
        }
        return p;
    }

    private interface Delta {
        double of(Sample a, Sample b);
    }

    private List<Point> derive(String controller, Delta d) {
        List<Point> p = new ArrayList<>();
        Sample prev = null;
        for (Sample s : samples.getOrDefault(controller, new ArrayDeque<>())) {
            if (prev != null) {
                boolean both = prev.reachable() && s.reachable() && !Double.isNaN(prev.callsStarted()) && !Double.isNaN(s.callsStarted());
                double v = both ? d.of(prev, s) : Double.NaN;
                p.add(new Point(s.time(), v < 0 ? Double.NaN : v)); // a restarted controller's counters start again
            }
            prev = s;
        }
        return p;
    }

    void close() {
        if (service != null) service.close();
    }
}
