package dev.holdfast.gatewaysim.load;

import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.h248.transport.H248Counters;
import dev.holdfast.h248.transport.LatencyHistogram;
import dev.holdfast.h248.transport.LatencyHistogram.Snapshot;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Where a load step's setup time goes, split between the two processes, from latency histograms read before and
 * after the step (issue 3). The load generator's side: how late its event loops run a timer (what a datagram waits
 * before it is read, too), how long a call's step waits in the loop's task queue once a controller's request touched
 * it, how long from a call placed to its off-hook Notify sent, the gateways' reply latency and the round trip of
 * their requests. The controller's side, scraped from its {@code /metrics} when given: its step latency (a gateway's
 * message in to its answer out), its reply latency and the round trip of its requests to the gateways.
 */
final class LatencySplit {
    /** The controller's histograms, named as {@code Controller.h248LatencyPrometheus} writes them. */
    private static final Map<String, String[]> CONTROLLER = new LinkedHashMap<>();

    static {
        CONTROLLER.put("controller_step", new String[] {"holdfast_h248_step_latency_seconds", ""});
        CONTROLLER.put("controller_reply", new String[] {"holdfast_h248_reply_latency_seconds", "transport=\"%s\""});
        CONTROLLER.put("controller_rtt", new String[] {"holdfast_h248_request_round_trip_seconds", "transport=\"%s\""});
    }

    private final List<LatencyHistogram> loops;
    private final List<SimulatedGateway> gateways;
    private final String metricsUrl;
    private final String transport;
    private final HttpClient http;
    private boolean warned;
    private Map<String, Snapshot> before;
    private double loadAtMark = -1;

    /**
     * @param metricsUrl the controller's metrics URL, or null (then only the load generator's side)
     * @param transport  {@code udp} or {@code tcp}: which of the controller's transports the gateways use
     */
    /** @param loops each event loop's timer lateness (from a {@link dev.holdfast.sim.time.LoopLag} observed) */
    LatencySplit(List<LatencyHistogram> loops, List<SimulatedGateway> gateways, String metricsUrl, String transport) {
        this.loops = loops;
        this.gateways = gateways;
        this.metricsUrl = metricsUrl;
        this.transport = transport;
        this.http = metricsUrl == null ? null : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    /** Reads every histogram: the start of a step. */
    void mark() {
        before = read();
        loadAtMark = loadAverage();
    }

    /**
     * The machine's 1-minute load average (Linux), -1 where it cannot be read: on a shared machine the figures mean
     * little without it.
     */
    static double loadAverage() {
        try {
            return Double.parseDouble(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /** One step's figures: as JSON members ({@code "name_ms_p50":x,"name_ms_p99":y,"name_ms_max":z,}) and as text. */
    record Step(String json, String text) {}

    /** The step since {@link #mark}, the subscribers' own histograms (new each step) included. */
    Step step(List<ScriptedSubscribers> subscribers) {
        Map<String, Snapshot> now = read();
        Map<String, Snapshot> step = new LinkedHashMap<>();
        now.forEach((k, v) -> step.put(k, v.minus(before.getOrDefault(k, Snapshot.empty()))));
        step.put("loadgen_step_wait", sum(subscribers, ScriptedSubscribers::stepWait));
        step.put("loadgen_offhook_sent", sum(subscribers, ScriptedSubscribers::offHookSent));
        double loadNow = loadAverage();
        StringBuilder json = new StringBuilder(String.format(Locale.ROOT,
                "\"load_average_1m_start\":%.2f,\"load_average_1m_end\":%.2f,", loadAtMark, loadNow));
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "load average %.1f-%.1f, ", loadAtMark, loadNow));
        step.forEach((k, v) -> {
            if (v.count() == 0) return;
            json.append(String.format(Locale.ROOT, "\"%s_ms_p50\":%.3f,\"%s_ms_p99\":%.3f,\"%s_ms_max\":%.3f,",
                    k, v.percentileMillis(50), k, v.percentileMillis(99), k, v.percentileMillis(100)));
            text.append(String.format(Locale.ROOT, "%s%s %.2f/%.2f/%.1f", text.toString().endsWith(", ") ? "" : ", ", k,
                    v.percentileMillis(50), v.percentileMillis(99), v.percentileMillis(100)));
        });
        return new Step(json.toString(), text.toString());
    }

    private static <T> Snapshot sum(List<T> parts, Function<T, LatencyHistogram> h) {
        Snapshot s = Snapshot.empty();
        for (T p : parts) s = s.plus(h.apply(p).snapshot());
        return s;
    }

    private Map<String, Snapshot> read() {
        Map<String, Snapshot> m = new LinkedHashMap<>();
        m.put("loadgen_loop_late", sum(loops, h -> h));
        Snapshot reply = Snapshot.empty();
        Snapshot rtt = Snapshot.empty();
        for (SimulatedGateway g : gateways) {
            for (H248Counters c : g.h248Counters()) {
                reply = reply.plus(c.replyLatency.snapshot());
                rtt = rtt.plus(c.requestRoundTrip.snapshot());
            }
        }
        m.put("loadgen_reply", reply);
        m.put("loadgen_rtt", rtt);
        if (http != null) {
            String text = scrape();
            CONTROLLER.forEach((k, v) -> m.put(k, text == null ? Snapshot.empty()
                    : Snapshot.parsePrometheus(text, v[0], String.format(Locale.ROOT, v[1], transport))));
        }
        return m;
    }

    private String scrape() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(metricsUrl)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) return r.body();
            warn("HTTP " + r.statusCode());
        } catch (java.io.IOException e) {
            warn(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    private void warn(String why) {
        if (warned) return;
        warned = true;
        System.getLogger(LatencySplit.class.getName()).log(System.Logger.Level.WARNING,
                "the controller's metrics at " + metricsUrl + " could not be read (" + why + "): its side of the latency is left out");
    }
}
