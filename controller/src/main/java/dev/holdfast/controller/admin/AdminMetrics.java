package dev.holdfast.controller.admin;

import dev.holdfast.controller.Controller;
import dev.holdfast.controller.core.Notice;
import dev.holdfast.controller.sip.SipEdgeCounters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The controller's metrics in the Prometheus text format ({@code GET /metrics}), through Micrometer. Counters and
 * the set-up latency come from the core's notices (counted on the core thread, into Micrometer's thread-safe
 * meters); gauges are read on the core thread by a query at each scrape; malformed messages are the transports'
 * own counters, read as they are.
 */
final class AdminMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Controller controller;
    private final Counter started;
    private final Counter released;
    private final Counter answered;
    private final Counter failovers;
    private final Counter migrated;
    private final Counter phoneCallsStarted;
    private final Counter phoneCallsReleased;
    private final Timer setup;
    private final AtomicLong activeCalls = new AtomicLong();
    private final AtomicLong activePhoneCalls = new AtomicLong();
    private final AtomicLong registeredPhones = new AtomicLong();
    private final AtomicLong registeredContacts = new AtomicLong();
    private final AtomicLong gatewayLinks = new AtomicLong();
    private final AtomicLong gatewaysProvisioned = new AtomicLong();
    private final AtomicLong coreEvents = new AtomicLong();
    private final AtomicLong coreFailures = new AtomicLong();
    private final AtomicLong cookiesRejected = new AtomicLong();
    private final AtomicLong migratedActive = new AtomicLong();

    AdminMetrics(Controller controller) {
        this.controller = controller;
        started = Counter.builder("holdfast.calls.started")
                .description("calls set up here (line or phone to line; not those rebuilt by migration)").register(registry);
        released = Counter.builder("holdfast.calls.released").description("calls ended, answered or not").register(registry);
        answered = Counter.builder("holdfast.calls.answered.released")
                .description("calls that were answered, at their end").register(registry);
        phoneCallsStarted = Counter.builder("holdfast.phone.calls.started").description("phone-to-phone calls set up").register(registry);
        phoneCallsReleased = Counter.builder("holdfast.phone.calls.released").description("phone-to-phone calls ended").register(registry);
        migrated = Counter.builder("holdfast.calls.migrated")
                .description("calls rebuilt here from their cookies after a controller failure").register(registry);
        failovers = Counter.builder("holdfast.failovers")
                .description("gateways that came to this controller with ServiceChange Failover").register(registry);
        setup = Timer.builder("holdfast.call.setup")
                .description("from the call's creation (digits complete, or the phone's INVITE) to ringing or answer, in core time")
                // a dozen fixed buckets from 1 ms to 10 s (Micrometer's percentile histogram would write ~70)
                .serviceLevelObjectives(ms(1), ms(2), ms(5), ms(10), ms(20), ms(50), ms(100), ms(200), ms(500),
                        ms(1000), ms(2000), ms(5000), ms(10_000))
                .register(registry);
        FunctionCounter.builder("holdfast.cookies.rejected", cookiesRejected, AtomicLong::get)
                .description("call cookies rejected as forged, truncated, stale or unsigned").register(registry);
        Gauge.builder("holdfast.calls.migrated.active", migratedActive, AtomicLong::get)
                .description("calls in progress that were rebuilt here from their cookies").register(registry);
        Gauge.builder("holdfast.calls.active", activeCalls, AtomicLong::get).description("calls in progress").register(registry);
        Gauge.builder("holdfast.phone.calls.active", activePhoneCalls, AtomicLong::get)
                .description("phone-to-phone calls in progress").register(registry);
        Gauge.builder("holdfast.registrations", registeredPhones, AtomicLong::get)
                .description("SIP subscribers with at least one live contact").register(registry);
        Gauge.builder("holdfast.registration.contacts", registeredContacts, AtomicLong::get)
                .description("live SIP contacts").register(registry);
        Gauge.builder("holdfast.gateway.links", gatewayLinks, AtomicLong::get)
                .description("gateways in service with this controller").register(registry);
        Gauge.builder("holdfast.gateways.provisioned", gatewaysProvisioned, AtomicLong::get).register(registry);
        FunctionCounter.builder("holdfast.core.events", coreEvents, AtomicLong::get).description("events the core handled").register(registry);
        FunctionCounter.builder("holdfast.core.failures", coreFailures, AtomicLong::get)
                .description("events whose handling failed (a bug; logged)").register(registry);
        FunctionCounter.builder("holdfast.malformed.messages", controller, c -> h248Malformed(c.h248Counters()))
                .tag("protocol", "h248").description("messages or frames that did not decode").register(registry);
        FunctionCounter.builder("holdfast.malformed.messages", controller,
                        c -> c.sip() == null ? 0 : c.sip().counters().get(SipEdgeCounters.MALFORMED))
                .tag("protocol", "sip").description("messages or frames that did not decode").register(registry);
        FunctionCounter.builder("holdfast.cdr.recorded", controller.cdrs(), s -> s.added())
                .description("call detail records made by this controller").register(registry);
        var cluster = controller.cluster();
        if (cluster != null) {
            Gauge.builder("holdfast.cluster.connected", cluster, c -> c.connected() ? 1 : 0)
                    .description("1 while the Hazelcast cluster is reachable").register(registry);
            FunctionCounter.builder("holdfast.cdr.queued", cluster, c -> c.cdrsQueued())
                    .description("CDRs queued because the cluster could not take them").register(registry);
            FunctionCounter.builder("holdfast.cdr.written", cluster, c -> c.cdrsWritten())
                    .description("CDRs written to the cluster").register(registry);
            FunctionCounter.builder("holdfast.cdr.dropped", cluster, c -> c.cdrsDropped())
                    .description("CDRs lost because the queue and the spool were full").register(registry);
            Gauge.builder("holdfast.cdr.queue", cluster, c -> c.queueDepth())
                    .description("CDRs waiting to be written to the cluster").register(registry);
        }
    }

    private static Duration ms(long millis) { return Duration.ofMillis(millis); }

    private static double h248Malformed(Map<String, Map<String, Long>> byTransport) {
        long n = 0;
        for (Map<String, Long> c : byTransport.values()) {
            n += c.getOrDefault("decodeErrors", 0L) + c.getOrDefault("malformedFrames", 0L);
        }
        return n;
    }

    /** On the core thread, for each event's notices: only thread-safe counter updates. */
    void count(List<Notice> notices) {
        for (Notice n : notices) {
            switch (n.kind()) {
                case "call-started" -> {
                    if (Boolean.TRUE.equals(n.fields().get("migrated"))) migrated.increment();
                    else started.increment();
                    setupTime(n);
                }
                case "call-state" -> setupTime(n);
                case "call-released" -> {
                    released.increment();
                    if (Boolean.TRUE.equals(n.fields().get("answered"))) answered.increment();
                }
                case "phone-call-started" -> phoneCallsStarted.increment();
                case "phone-call-released" -> phoneCallsReleased.increment();
                case "gateway-registered" -> {
                    Object sc = n.fields().get("serviceChange");
                    if (sc instanceof String s && s.startsWith("FAILOVER")) failovers.increment();
                }
                default -> { }
            }
        }
    }

    private void setupTime(Notice n) {
        if (n.fields().get("setupMillis") instanceof Long ms) setup.record(Duration.ofMillis(ms));
    }

    /** The gauges read on the core thread, then the whole registry as Prometheus text. */
    CompletableFuture<String> scrape() {
        long now = System.currentTimeMillis();
        return controller.query(core -> CoreViews.counts(core, now)).thenApply(c -> {
            activeCalls.set(c.activeCalls());
            activePhoneCalls.set(c.activePhoneCalls());
            registeredPhones.set(c.registeredPhones());
            registeredContacts.set(c.registeredContacts());
            gatewayLinks.set(c.gatewaysInService());
            gatewaysProvisioned.set(c.gatewaysProvisioned());
            coreEvents.set(c.eventsHandled());
            coreFailures.set(c.coreFailures());
            cookiesRejected.set(c.cookiesRejected());
            migratedActive.set(c.migratedCalls());
            // the H.248 latency histograms with all their buckets (Micrometer's would give a dozen fixed ones: too
            // coarse for percentiles of a load step), in the same text format
            return registry.scrape() + controller.h248LatencyPrometheus();
        });
    }
}
