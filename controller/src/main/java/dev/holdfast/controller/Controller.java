package dev.holdfast.controller;

import dev.holdfast.controller.admin.AdminServer;
import dev.holdfast.controller.core.EventLog;
import dev.holdfast.controller.mgc.CoreRunner;
import dev.holdfast.controller.mgc.MgcEdge;
import dev.holdfast.controller.mgc.PeerWatch;
import dev.holdfast.controller.provisioning.ControllerSettings;
import dev.holdfast.controller.provisioning.MidText;
import dev.holdfast.controller.provisioning.Provisioning;
import dev.holdfast.controller.provisioning.ProvisioningLoader;
import dev.holdfast.controller.sip.SipEdge;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.transport.EndpointOptions;
import dev.holdfast.h248.transport.H248Endpoint;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A running controller: the core on its thread, the H.248 endpoints it listens on, the event log. */
public final class Controller implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Controller.class.getName());
    static {
        // reload4j is on the class path for JAIN-SIP, and Netty would pick it over java.util.logging: keep Netty on
        // the one logging API of the project
        io.netty.util.internal.logging.InternalLoggerFactory.setDefaultFactory(
                io.netty.util.internal.logging.JdkLoggerFactory.INSTANCE);
    }

    private final ControllerCore core;
    private final CoreRunner runner;
    private final Map<String, H248Endpoint> endpoints;
    private final MId mid;
    private final SipEdge sip;
    private MgcEdge mgcEdge;
    private final Provisioning provisioning;
    private final java.time.Instant startedAt = java.time.Instant.now();
    private volatile AdminServer admin;
    /** The most recent CDRs (for the admin API). */
    private final dev.holdfast.controller.cdr.CdrStore cdrs = new dev.holdfast.controller.cdr.CdrStore(
            dev.holdfast.controller.cdr.CdrStore.DEFAULT_CAPACITY);
    /** The cluster client, or null when no cluster is provisioned. */
    private volatile dev.holdfast.controller.cluster.ClusterClient cluster;

    private Controller(ControllerCore core, CoreRunner runner, Map<String, H248Endpoint> endpoints, MId mid, SipEdge sip,
                       Provisioning provisioning) {
        this.core = core;
        this.runner = runner;
        this.endpoints = endpoints;
        this.mid = mid;
        this.sip = sip;
        this.provisioning = provisioning;
    }

    /**
     * Starts a controller as provisioned.
     *
     * @param eventLog file for the event log, or null for none (the provisioning's {@code eventLog} is used then)
     */
    public static Controller start(Provisioning p, Path eventLog, long seed, EndpointOptions options)
            throws IOException, InterruptedException {
        return start(p, eventLog, null, seed, options);
    }

    /** @param commandLog file for the command log (each command the core gave, as replay reproduces it), or null */
    public static Controller start(Provisioning p, Path eventLog, Path commandLog, long seed, EndpointOptions options)
            throws IOException, InterruptedException {
        return start(p, eventLog, commandLog, seed, options, null);
    }

    /**
     * @param journal where provisioning changes made while running are kept ({@code <file>.changes.jsonl}), or null;
     *                {@code p} already has its changes ({@link ProvisioningJournal#replay})
     */
    public static Controller start(Provisioning p, Path eventLog, Path commandLog, long seed, EndpointOptions options,
                                   dev.holdfast.controller.provisioning.ProvisioningJournal journal)
            throws IOException, InterruptedException {
        ControllerSettings s = p.controller();
        Path logFile = eventLog != null ? eventLog : s.eventLog() != null ? Path.of(s.eventLog()) : null;
        EventLog log = logFile == null ? null : EventLog.create(logFile, ProvisioningLoader.toJson(p), seed);
        ControllerCore core = new ControllerCore(p, seed);
        java.io.Writer commands = commandLog == null ? null
                : java.nio.file.Files.newBufferedWriter(commandLog, java.nio.charset.StandardCharsets.UTF_8);
        CoreRunner runner = new CoreRunner(core, Clock.systemUTC(), log, commands);
        if (p.admin() != null || p.cluster() != null) {
            // before the first event: the admin API's stream and metrics, and the cluster, see everything from the start
            runner.query(() -> { core.enableNotices(); return null; }).join();
        }
        MgcEdge edge = new MgcEdge(runner);
        // heartbeats of reachable gateways answered on the I/O threads while the core progresses (MgcEdge)
        edge.answerHeartbeats(core.association()::reachableAt);
        Map<String, H248Endpoint> endpoints = new LinkedHashMap<>();
        MId mid = null;
        SipEdge sip = null;
        PeerWatch peerWatch = null;
        try {
            for (int attempt = 1; ; attempt++) {
                int port = s.port();
                mid = null;
                try {
                    for (String transport : s.transports()) {
                        if (mid == null) {
                            // with port 0 the first transport picks the port, the others use the same number
                            mid = s.mid() != null ? MidText.parse(s.mid()) : MId.ipv4(s.address(), port == 0 ? null : port);
                        }
                        InetSocketAddress bind = new InetSocketAddress(s.address(), port);
                        H248Endpoint e = transport.equals("udp") ? H248Endpoint.udp(mid, bind, options)
                                : H248Endpoint.tcpServer(mid, bind, options);
                        endpoints.put(transport, e);
                        edge.attach(transport, e);
                        port = e.localAddress().getPort();
                        if (s.mid() == null && s.port() == 0 && endpoints.size() == 1) {
                            // the mId names the port really bound; endpoints made later use it
                            mid = MId.ipv4(s.address(), port);
                        }
                    }
                    break;
                } catch (java.net.BindException taken) {
                    // port 0: the number the first transport got may be taken for the second (UDP and TCP ports are
                    // separate): start again with another
                    if (s.port() != 0 || endpoints.isEmpty() || attempt >= 10) throw taken;
                    endpoints.values().forEach(H248Endpoint::close);
                    endpoints.clear();
                }
            }
            if (s.peer() != null) peerWatch = PeerWatch.start(MidText.parse(s.peer()), runner, 1000);
            if (p.sip() != null) {
                sip = SipEdge.start(runner, p.sip(), p.sip().address() != null ? p.sip().address() : s.address());
                runner.alsoEdge(sip::execute);
                sip.sentAway(core.sip()::sentAway);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (peerWatch != null) peerWatch.close();
            endpoints.values().forEach(H248Endpoint::close);
            runner.close();
            throw e;
        }
        Controller c = new Controller(core, runner, endpoints, mid, sip, p);
        c.mgcEdge = edge;
        c.peerWatch = peerWatch;
        c.changes = new ControllerProvisioning(core, runner, journal);
        runner.notices(c::keepCdrs);
        if (p.cluster() != null) {
            // in the background: the controller serves calls whether or not the cluster is there
            Path spool = p.cluster().cdrSpool() != null ? Path.of(p.cluster().cdrSpool())
                    : logFile != null ? logFile.toAbsolutePath().resolveSibling(logFile.getFileName() + ".cdr-spool") : null;
            if (spool == null) LOG.log(System.Logger.Level.INFO, "cluster: no event log, so no CDR spool file: CDRs queued in memory only");
            var state = new dev.holdfast.controller.cluster.CoreClusterState(core, p, () -> c.admin == null ? null : c.admin.url());
            c.cluster = dev.holdfast.controller.cluster.ClusterClient.start(p.cluster(), p.controllerName(),
                    s.role(), spool, read -> runner.query(() -> read.apply(state)));
            runner.alsoNotices(c.cluster::notices);
            // the subscriber directory: stations changed here are published, those changed elsewhere applied here
            dev.holdfast.controller.cluster.DirectorySync.attach(c.cluster, c.changes);
        }
        if (p.admin() != null) {
            try {
                // the audit log goes next to the event log unless provisioned
                Path audit = logFile != null ? logFile.toAbsolutePath().resolveSibling("admin-audit.log") : Path.of("admin-audit.log");
                c.admin = AdminServer.start(c, p.admin(), audit);
                runner.alsoNotices(c.admin::publish);
            } catch (IOException | InterruptedException | RuntimeException e) {
                c.close();
                throw e;
            }
            LOG.log(System.Logger.Level.INFO, "admin API on " + c.admin.url() + "/api/status");
        }
        if (dev.holdfast.controller.warmup.StandbyWarmUp.enabled(s)) {
            // a standby compiles the rebuild path now, on scratch cores, rather than during a failover; it gives way
            // as soon as a gateway registers here (or the controller stops)
            c.warmUp = dev.holdfast.controller.warmup.StandbyWarmUp.start(
                    dev.holdfast.controller.warmup.StandbyWarmUp.Limits.fromSystemProperties(),
                    () -> c.closed || core.association().anyRegistration());
        }
        return c;
    }

    /** The start-up warm-up's thread (docs/drill.md, "Session 9"), or null when this controller does not warm up. */
    private volatile Thread warmUp;
    private volatile boolean closed;

    /** The warm-up's thread, or null when there is none. */
    public Thread warmUp() { return warmUp; }

    public static Controller start(Provisioning p) throws IOException, InterruptedException {
        return start(p, null, 1, EndpointOptions.DEFAULTS);
    }

    /** Where it listens, e.g. {@code udp 127.0.0.1:2944}. */
    public List<String> listening() {
        List<String> out = new ArrayList<>();
        endpoints.forEach((t, e) -> out.add(t + " " + e.localAddress().getHostString() + ":" + e.localAddress().getPort()));
        if (sip != null) for (String t : sip.transports()) out.add("sip/" + t + " " + sip.host() + ":" + sip.port());
        if (admin != null) out.add("admin " + admin.url());
        return out;
    }

    public InetSocketAddress address(String transport) { return endpoints.get(transport).localAddress(); }

    public MId mid() { return mid; }

    /** The H.248 transports' counters (transport, codec, transactions) by transport name ({@code udp}, {@code tcp}). */
    public Map<String, Map<String, Long>> h248Counters() {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        endpoints.forEach((t, e) -> out.put(t, e.counters().snapshot()));
        return out;
    }

    /**
     * The H.248 latency histograms in the Prometheus text format: the controller's step (a gateway's message in to
     * its answer out, {@code holdfast_h248_step_latency_seconds}), and per transport the transaction layer's reply
     * latency and the gateways' round trip for the controller's requests.
     */
    public String h248LatencyPrometheus() {
        StringBuilder out = new StringBuilder();
        if (mgcEdge != null) {
            out.append(mgcEdge.stepLatency().prometheus("holdfast_h248_step_latency_seconds",
                    "from a gateway's message (request or reply) reaching the controller's transaction layer to the message with the core's answer to it (reply or next command) handed to the transport", ""));
        }
        endpoints.forEach((t, e) -> {
            out.append(e.counters().replyLatency.prometheus("holdfast_h248_reply_latency_seconds",
                    "from a gateway's request reaching the transaction layer to its reply handed to the transport", "transport=\"" + t + "\""));
            out.append(e.counters().requestRoundTrip.prometheus("holdfast_h248_request_round_trip_seconds",
                    "from the controller's request (first transmission) handed to the transport to its reply's arrival", "transport=\"" + t + "\""));
        });
        return out.toString();
    }

    /** The H.248 edge's own counters (not the transports'). */
    public Map<String, Long> h248EdgeCounters() {
        return Map.of("heartbeatsAnsweredAtEdge", mgcEdge == null ? 0L : mgcEdge.heartbeatsAnsweredAtEdge());
    }

    /** The SIP edge, or null when the controller does not listen for SIP. */
    public SipEdge sip() { return sip; }

    /** The admin API, or null when it is off. */
    public AdminServer admin() { return admin; }

    /** What this controller is to its gateways and phones: {@code primary} or {@code alternate}. */
    public String role() { return provisioning.controller().role(); }

    /** The provisioning the controller started with (file and journal); {@link #provisioningChanges()} has the live one. */
    public Provisioning provisioning() { return provisioning; }

    /** This controller's most recent CDRs. */
    public dev.holdfast.controller.cdr.CdrStore cdrs() { return cdrs; }

    /** The cluster client, or null when no cluster is provisioned. */
    public dev.holdfast.controller.cluster.ClusterClient cluster() { return cluster; }

    /** On the core thread: each CDR into the store of recent ones. */
    private void keepCdrs(List<dev.holdfast.controller.core.Notice> notices) {
        for (dev.holdfast.controller.core.Notice n : notices) {
            if (n.fields().get("cdr") instanceof dev.holdfast.controller.cdr.CallRecord r) cdrs.add(r);
        }
    }

    public java.time.Instant startedAt() { return startedAt; }

    /**
     * Runs a read-only query of the core on its thread, between events (not an event: not logged, changes nothing;
     * see {@link CoreRunner#query}); fails with a TimeoutException if the core does not get to it in 5 s. The
     * future completes off the core thread: what the caller chains on it (JSON of thousands of calls) must not hold
     * up call processing.
     */
    public <T> java.util.concurrent.CompletableFuture<T> query(java.util.function.Function<ControllerCore, T> read) {
        return runner.query(() -> read.apply(core)).orTimeout(5, java.util.concurrent.TimeUnit.SECONDS)
                .thenApplyAsync(java.util.function.Function.identity(), java.util.concurrent.ForkJoinPool.commonPool());
    }

    /** Submits an operator's command to the core as an admin event (logged, replayed), e.g. {@code release-call 7}. */
    public void admin(String verb, List<String> args) {
        runner.submit(now -> new dev.holdfast.controller.core.Event.Admin(now, verb, args));
    }

    /** Reads core state on the core's thread. */
    public <T> T inspect(java.util.function.Function<ControllerCore, T> read) throws Exception {
        return runner.inspect(() -> read.apply(core));
    }

    private PeerWatch peerWatch;
    private ControllerProvisioning changes;

    /** Live provisioning: changes made while running (admin API, cluster), journalled when a journal was given. */
    public dev.holdfast.controller.provisioning.ProvisioningChanges provisioningChanges() { return changes; }

    @Override public void close() {
        closed = true;
        AdminServer a = admin;
        if (a != null) a.close();
        if (peerWatch != null) peerWatch.close();
        if (sip != null) sip.close();
        endpoints.values().forEach(H248Endpoint::close);
        runner.close();
        // after the core: the CDRs of its last events are handed over before the client stops (and spools the rest)
        if (cluster != null) cluster.close();
        if (changes != null) changes.close();
    }
}
