package dev.holdfast.controller.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.ClientConnectionStrategyConfig;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import com.hazelcast.map.IMap;
import dev.holdfast.controller.cdr.CallRecord;
import dev.holdfast.controller.core.Notice;
import dev.holdfast.controller.provisioning.ClusterConfig;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This controller as a Hazelcast client (docs/cluster.md). It writes CDRs, its gateways' ownership, its phones'
 * registrations, its membership entry (a heartbeat) and the subscriber directory; it reads the membership of all
 * controllers. Everything runs on its own thread with timeouts: the core only hands notices over (a queue add), so a
 * slow or absent cluster never slows call processing. CDRs that cannot be written wait in a {@link CdrOutbox} and are
 * written, oldest first, when the cluster is back; the cluster keys them by id, so writing one twice is harmless.
 */
public final class ClusterClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ClusterClient.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String CDRS = "holdfast.cdrs";
    public static final String REGISTRATIONS = "holdfast.registrations";
    public static final String GATEWAYS = "holdfast.gateways";
    public static final String CONTROLLERS = "holdfast.controllers";
    public static final String SUBSCRIBERS = "holdfast.subscribers";
    /** CDRs written to the cluster in one request. */
    private static final int BATCH = 200;

    /** What the cluster client needs to know of the controller, read on the core thread by a query. */
    public interface ControllerState {
        /** Gateways in service here, by mId: the gateway's name. */
        Map<String, String> gatewaysInService();

        /** The registration of {@code user} here (live contacts), or null when it has none. */
        Registration registration(String user);

        /** Users with live contacts here. */
        List<String> registeredUsers();

        /** Provisioned subscribers: number, user, HA1. */
        List<Subscriber> subscribers();

        /** This controller's admin API URL, or null. */
        String adminUrl();
    }

    public record Registration(String aor, String user, String number, List<Contact> contacts) {}

    public record Contact(String contact, long expiresAt) {}

    public record Subscriber(String number, String user, String ha1) {}

    /**
     * A station of the subscriber directory as another controller published it.
     *
     * @param removed the station was removed (the entry is a tombstone naming who removed it)
     */
    public record RemoteStation(String number, String user, String ha1, boolean removed, String origin) {}

    /** A controller's membership entry as read from the cluster. */
    public record Member(String name, String role, String adminUrl, boolean healthy, String lastSeen) {}

    private final ClusterConfig config;
    private final String name;
    private final String role;
    private final java.util.function.Function<java.util.function.Function<ControllerState, Object>, CompletionStage<Object>> core;
    private final ScheduledExecutorService thread;
    private final ConcurrentLinkedQueue<CallRecord> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inboxSize = new AtomicInteger();
    private final Set<String> dirtyGateways = ConcurrentHashMap.newKeySet();
    private final Set<String> dirtyUsers = ConcurrentHashMap.newKeySet();
    /** Directory changes made here, to publish in order: number -> entry (a tombstone for a removal). */
    private final ConcurrentLinkedQueue<Map.Entry<String, String>> stations = new ConcurrentLinkedQueue<>();
    private volatile java.util.function.Consumer<RemoteStation> remoteStations;
    private boolean directoryListening;
    private final AtomicBoolean pumpScheduled = new AtomicBoolean();
    private final CdrOutbox outbox;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicInteger queueDepth = new AtomicInteger();
    private volatile HazelcastInstance client;
    private volatile boolean connected;
    private volatile boolean closed;
    /** The cluster came (back): write everything this controller owns again. */
    private volatile boolean resync = true;
    private volatile List<Member> controllers = List.of();
    private volatile List<String> members = List.of();
    // state changes are logged once each (cluster thread only)
    private boolean writesFailing;
    private boolean queueing;
    private boolean dropping;
    private long failedSince;

    /**
     * Starts the client in the background and returns at once; it keeps trying to reach the cluster for as long as
     * it runs.
     *
     * @param core runs a read of the controller on the core thread (a query, not an event)
     */
    public static ClusterClient start(ClusterConfig config, String name, String role, Path spool,
                                      java.util.function.Function<java.util.function.Function<ControllerState, Object>, CompletionStage<Object>> core) {
        ClusterClient c = new ClusterClient(config, name, role, spool, core);
        // on a thread of its own: starting a Hazelcast client takes seconds on a loaded machine, and the cluster
        // thread must meanwhile queue and spool the CDRs the calls make
        Thread connector = new Thread(c::connect, "holdfast-cluster-connect");
        connector.setDaemon(true);
        connector.start();
        c.thread.scheduleWithFixedDelay(c::heartbeat, config.heartbeatMs(), config.heartbeatMs(), TimeUnit.MILLISECONDS);
        return c;
    }

    private ClusterClient(ClusterConfig config, String name, String role, Path spool,
                          java.util.function.Function<java.util.function.Function<ControllerState, Object>, CompletionStage<Object>> core) {
        this.config = config;
        this.name = name;
        this.role = role;
        this.core = core;
        this.outbox = new CdrOutbox(spool, config.cdrQueue());
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "holdfast-cluster");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.thread = t;
        int recovered = outbox.recover();
        queueDepth.set(outbox.size());
        if (recovered > 0) {
            LOG.log(System.Logger.Level.INFO, "cluster: " + recovered + " CDRs from the spool " + spool
                    + " wait to be written");
        }
    }

    // ------------------------------------------------------------------------------------------ from the core thread

    /** The core's notices of one event: only queue adds, never I/O, never a wait. */
    public void notices(List<Notice> notices) {
        boolean kick = false;
        for (Notice n : notices) {
            switch (n.kind()) {
                case "cdr" -> {
                    if (n.fields().get("cdr") instanceof CallRecord r) {
                        // bounded: a cluster thread that is far behind must not cost the core memory
                        if (inboxSize.incrementAndGet() > Math.max(1000, config.cdrQueue())) {
                            inboxSize.decrementAndGet();
                            dropped.incrementAndGet();
                        } else {
                            inbox.add(r);
                            kick = true;
                        }
                    }
                }
                case "gateway-registered", "gateway-lost", "gateway-state" -> {
                    if (n.fields().get("gateway") instanceof String g) {
                        dirtyGateways.add(g);
                        kick = true;
                    }
                }
                case "phone-registered", "phone-unregistered" -> {
                    if (n.fields().get("user") instanceof String u) {
                        dirtyUsers.add(u);
                        kick = true;
                    }
                }
                default -> { }
            }
        }
        if (kick) kick(0);
    }

    /** A station added (or changed) on this controller: published to the directory (HA1 only). Any thread. */
    public void publishStation(String number, String user, String ha1) {
        stations.add(Map.entry(number, stationJson(number, user, ha1, false)));
        kick(0);
    }

    /** A station removed on this controller: a tombstone in the directory. Any thread. */
    public void publishStationRemoved(String number) {
        stations.add(Map.entry(number, stationJson(number, null, null, true)));
        kick(0);
    }

    /**
     * Where stations that other controllers publish go (on a Hazelcast event thread: hand them on); set before the
     * cluster is reached, or they are heard from the next connect on.
     */
    public void onRemoteStation(java.util.function.Consumer<RemoteStation> sink) { this.remoteStations = sink; }

    private String stationJson(String number, String user, String ha1, boolean removed) {
        ObjectNode v = JSON.createObjectNode();
        v.put("number", number);
        v.put("user", user);
        v.put("ha1", ha1);
        if (removed) v.put("removed", true);
        v.put("origin", name);
        return v.toString();
    }

    private void kick(long delayMs) {
        if (closed || !pumpScheduled.compareAndSet(false, true)) return;
        try {
            thread.schedule(this::pump, delayMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            pumpScheduled.set(false);
        }
    }

    // ------------------------------------------------------------------------------------------ the cluster thread

    private void connect() {
        HazelcastLogging.quiet();
        ClientConfig cc = new ClientConfig();
        cc.setClusterName(config.clusterName());
        cc.setInstanceName("holdfast-" + name.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + Long.toHexString(System.nanoTime()));
        cc.setProperty("hazelcast.logging.type", "jdk");
        cc.setProperty("hazelcast.client.invocation.timeout.seconds",
                String.valueOf(Math.max(1, (config.operationTimeoutMs() + 999) / 1000)));
        cc.getNetworkConfig().setAddresses(new ArrayList<>(config.members()))
                .setConnectionTimeout(config.connectTimeoutMs());
        ClientConnectionStrategyConfig strategy = cc.getConnectionStrategyConfig();
        // start without the cluster, and go on without it: operations fail at once while it is away
        strategy.setAsyncStart(true).setReconnectMode(ClientConnectionStrategyConfig.ReconnectMode.ASYNC);
        strategy.getConnectionRetryConfig().setInitialBackoffMillis(200).setMaxBackoffMillis(2000)
                .setMultiplier(1.5).setJitter(0.2).setClusterConnectTimeoutMillis(-1);
        cc.addListenerConfig(new ListenerConfig((LifecycleListener) this::lifecycle));
        try {
            HazelcastInstance made = HazelcastClient.newHazelcastClient(cc);
            client = made;
            if (closed) made.getLifecycleService().terminate(); // closed while it started
            // CLIENT_CONNECTED may have fired before the assignment above (on a loaded machine the connection is made
            // while newHazelcastClient still returns): its pump found no client and published nothing
            else if (connected) kick(0);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cluster: cannot start the client: " + e.getMessage()
                    + "; CDRs are queued, call processing goes on");
        }
    }

    private void lifecycle(LifecycleEvent e) {
        switch (e.getState()) {
            case CLIENT_CONNECTED -> {
                connected = true;
                resync = true;
                LOG.log(System.Logger.Level.INFO, "cluster: connected to " + config.clusterName() + " " + config.members()
                        + (queueDepth.get() > 0 ? "; writing " + queueDepth.get() + " queued CDRs" : ""));
                kick(0);
            }
            case CLIENT_DISCONNECTED -> {
                if (connected && !closed) {
                    LOG.log(System.Logger.Level.WARNING, "cluster: lost " + config.clusterName()
                            + "; CDRs are queued, call processing goes on");
                }
                connected = false;
            }
            default -> { }
        }
    }

    private void pump() {
        pumpScheduled.set(false);
        if (closed) return;
        try {
            List<CallRecord> fresh = new ArrayList<>();
            for (CallRecord r; (r = inbox.poll()) != null; ) {
                inboxSize.decrementAndGet();
                fresh.add(r);
            }
            HazelcastInstance c = client;
            boolean up = connected && c != null;
            if (!fresh.isEmpty() && up && outbox.isEmpty()) {
                // the usual case: nothing waits, written straight away (the spool file is not touched)
                if (!write(c, fresh)) enqueue(fresh);
            } else {
                enqueue(fresh);
            }
            if (up && !outbox.isEmpty()) drain(c);
            if (up) publish(c);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "cluster: unexpected failure", e);
        } finally {
            queueDepth.set(outbox.size() + inboxSize.get());
        }
        // while something waits, try again soon (a reconnect kicks at once)
        if (!inbox.isEmpty()) kick(0);
        else if (!outbox.isEmpty() || writesFailing) kick(500);
    }

    private void enqueue(List<CallRecord> records) {
        for (CallRecord r : records) {
            if (outbox.add(r)) {
                queued.incrementAndGet();
                if (!queueing) {
                    queueing = true;
                    LOG.log(System.Logger.Level.WARNING, "cluster: not reachable, CDRs are queued (" + outbox.size() + " now)");
                }
            } else {
                dropped.incrementAndGet();
                if (!dropping) {
                    dropping = true;
                    LOG.log(System.Logger.Level.ERROR, "cluster: CDR queue and spool full (" + outbox.size()
                            + "): CDRs are dropped (counted as cdr.dropped) until the cluster is back");
                }
            }
        }
    }

    /** Writes queued CDRs, oldest first, until none is left or a write fails. */
    private void drain(HazelcastInstance c) {
        long n = 0;
        while (!outbox.isEmpty() && !closed) {
            List<CallRecord> batch = outbox.peek(BATCH);
            if (batch.isEmpty() || !write(c, batch)) break;
            outbox.written(batch.size());
            n += batch.size();
            queueDepth.set(outbox.size() + inboxSize.get());
        }
        if (outbox.isEmpty() && (queueing || n > 0)) {
            LOG.log(System.Logger.Level.INFO, "cluster: caught up, " + n + " queued CDRs written"
                    + (dropping ? " (" + dropped.get() + " dropped in all)" : ""));
            queueing = false;
            dropping = false;
        }
    }

    /** One batch of CDRs into the cluster; false (logged once until writes work again) when it failed. */
    private boolean write(HazelcastInstance c, List<CallRecord> batch) {
        Map<String, HazelcastJsonValue> m = new LinkedHashMap<>();
        try {
            for (CallRecord r : batch) m.put(r.id(), new HazelcastJsonValue(JSON.writeValueAsString(r)));
            IMap<String, HazelcastJsonValue> cdrs = c.getMap(CDRS);
            await(cdrs.setAllAsync(m));
            written.addAndGet(batch.size());
            succeeded();
            return true;
        } catch (Exception e) {
            failed(e);
            return false;
        }
    }

    /** A write went through: if they were failing, they work again (said once). */
    private void succeeded() {
        if (!writesFailing) return;
        writesFailing = false;
        LOG.log(System.Logger.Level.INFO, "cluster: writes work again after " + (System.currentTimeMillis() - failedSince) + " ms");
    }

    private void failed(Exception e) {
        if (e instanceof InterruptedException) Thread.currentThread().interrupt();
        if (!writesFailing && !closed) {
            writesFailing = true;
            failedSince = System.currentTimeMillis();
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            LOG.log(System.Logger.Level.WARNING, "cluster: a write failed (" + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + firstLine(cause.getMessage())) + "); will retry");
        }
    }

    private <T> T await(CompletionStage<T> op) throws Exception {
        return op.toCompletableFuture().get(config.operationTimeoutMs(), TimeUnit.MILLISECONDS);
    }

    @SuppressWarnings("unchecked")
    private <T> T read(java.util.function.Function<ControllerState, T> what) throws Exception {
        return (T) core.apply(s -> what.apply(s)).toCompletableFuture().get(config.operationTimeoutMs(), TimeUnit.MILLISECONDS);
    }

    /** Gateways and registrations that changed (all of them after a (re)connect), and the directory after a (re)connect. */
    private void publish(HazelcastInstance c) {
        try {
            boolean scan = false;
            if (remoteStations != null && !directoryListening) {
                listenToDirectory(c);
                scan = true;
            }
            publishStations(c);
            if (resync || scan) {
                // what other controllers published while no listener was there (before it, or while the cluster was
                // away): the sink skips what it has applied already
                if (remoteStations != null) scanDirectory(c);
            }
            if (resync) {
                resync = false;
                dirtyGateways.add("*");
                dirtyUsers.add("*");
                seedDirectory(c);
                heartbeat();
            }
            if (!dirtyGateways.isEmpty()) publishGateways(c);
            if (!dirtyUsers.isEmpty()) publishRegistrations(c);
            succeeded();
        } catch (Exception e) {
            resync = true;
            failed(e);
        }
    }

    private void publishGateways(HazelcastInstance c) throws Exception {
        List<String> changed = new ArrayList<>(dirtyGateways);
        dirtyGateways.removeAll(changed);
        Map<String, String> inService = read(ControllerState::gatewaysInService);
        IMap<String, HazelcastJsonValue> map = c.getMap(GATEWAYS);
        for (Map.Entry<String, String> e : inService.entrySet()) {
            if (!changed.contains("*") && !changed.contains(e.getValue())) continue;
            ObjectNode v = JSON.createObjectNode();
            v.put("mid", e.getKey());
            v.put("gateway", e.getValue());
            v.put("controller", name);
            v.put("since", Instant.now().toString());
            await(map.setAsync(e.getKey(), new HazelcastJsonValue(v.toString())));
        }
        // gateways that left us: their entries go unless another controller has taken them over
        for (Map.Entry<String, HazelcastJsonValue> e : map.entrySet()) {
            JsonNode v = JSON.readTree(e.getValue().getValue());
            if (name.equals(v.path("controller").asText()) && !inService.containsKey(e.getKey())) {
                map.remove(e.getKey(), e.getValue());
            }
        }
    }

    private void publishRegistrations(HazelcastInstance c) throws Exception {
        List<String> changed = new ArrayList<>(dirtyUsers);
        dirtyUsers.removeAll(changed);
        if (changed.remove("*")) {
            List<String> users = read(ControllerState::registeredUsers);
            for (String u : users) if (!changed.contains(u)) changed.add(u);
        }
        IMap<String, HazelcastJsonValue> map = c.getMap(REGISTRATIONS);
        for (String user : changed) {
            Registration r = read(s -> s.registration(user));
            if (r == null || r.contacts().isEmpty()) {
                // gone here: the entry goes unless the phone has registered with another controller since
                for (Map.Entry<String, HazelcastJsonValue> e : map.entrySet()) {
                    JsonNode v = JSON.readTree(e.getValue().getValue());
                    if (user.equals(v.path("user").asText()) && name.equals(v.path("controller").asText())) {
                        map.remove(e.getKey(), e.getValue());
                    }
                }
                continue;
            }
            ObjectNode v = JSON.createObjectNode();
            v.put("aor", r.aor());
            v.put("user", r.user());
            v.put("number", r.number());
            v.put("controller", name);
            long last = 0;
            var contacts = v.putArray("contacts");
            for (Contact k : r.contacts()) {
                contacts.addObject().put("contact", k.contact()).put("expires", Instant.ofEpochMilli(k.expiresAt()).toString());
                last = Math.max(last, k.expiresAt());
            }
            // the entry lapses with its last contact, also if this controller dies meanwhile
            long ttl = Math.max(1000, last - System.currentTimeMillis());
            await(map.setAsync(r.aor(), new HazelcastJsonValue(v.toString()), ttl, TimeUnit.MILLISECONDS));
        }
    }

    private void publishStations(HazelcastInstance c) throws Exception {
        IMap<String, HazelcastJsonValue> map = c.getMap(SUBSCRIBERS);
        for (Map.Entry<String, String> e; (e = stations.peek()) != null; ) {
            await(map.setAsync(e.getKey(), new HazelcastJsonValue(e.getValue())));
            stations.poll();
        }
    }

    /** Directory entries other controllers write are handed to {@link #onRemoteStation}'s sink (ours are not). */
    private void listenToDirectory(HazelcastInstance c) {
        IMap<String, HazelcastJsonValue> map = c.getMap(SUBSCRIBERS);
        com.hazelcast.map.listener.EntryAddedListener<String, HazelcastJsonValue> added = this::remoteStation;
        com.hazelcast.map.listener.EntryUpdatedListener<String, HazelcastJsonValue> updated = this::remoteStation;
        map.addEntryListener(new StationListener(added, updated), true);
        directoryListening = true;
    }

    private void scanDirectory(HazelcastInstance c) {
        IMap<String, HazelcastJsonValue> map = c.getMap(SUBSCRIBERS);
        for (Map.Entry<String, HazelcastJsonValue> e : map.entrySet()) remoteStation(e.getKey(), e.getValue());
    }

    /** One listener object for adds and updates (Hazelcast takes the interfaces a listener implements). */
    private record StationListener(com.hazelcast.map.listener.EntryAddedListener<String, HazelcastJsonValue> added,
                                   com.hazelcast.map.listener.EntryUpdatedListener<String, HazelcastJsonValue> updated)
            implements com.hazelcast.map.listener.EntryAddedListener<String, HazelcastJsonValue>,
                       com.hazelcast.map.listener.EntryUpdatedListener<String, HazelcastJsonValue> {
        @Override public void entryAdded(com.hazelcast.core.EntryEvent<String, HazelcastJsonValue> e) { added.entryAdded(e); }

        @Override public void entryUpdated(com.hazelcast.core.EntryEvent<String, HazelcastJsonValue> e) { updated.entryUpdated(e); }
    }

    private void remoteStation(com.hazelcast.core.EntryEvent<String, HazelcastJsonValue> e) {
        remoteStation(e.getKey(), e.getValue());
    }

    private void remoteStation(String key, HazelcastJsonValue value) {
        java.util.function.Consumer<RemoteStation> sink = remoteStations;
        if (sink == null || value == null) return;
        try {
            JsonNode v = JSON.readTree(value.getValue());
            String origin = v.path("origin").asText(null);
            // our own writes, and the file seeds (no origin: every controller's file has them), are not changes
            if (origin == null || origin.equals(name)) return;
            sink.accept(new RemoteStation(key, v.path("user").asText(null), v.path("ha1").asText(null),
                    v.path("removed").asBoolean(false), origin));
        } catch (Exception ex) {
            LOG.log(System.Logger.Level.WARNING, "cluster: a directory entry for " + key + " is not readable: "
                    + ex.getMessage());
        }
    }

    private void seedDirectory(HazelcastInstance c) throws Exception {
        List<Subscriber> subs = read(ControllerState::subscribers);
        IMap<String, HazelcastJsonValue> map = c.getMap(SUBSCRIBERS);
        // what the cluster has already (stations changed elsewhere) stays: the file only seeds missing numbers
        Set<String> numbers = new java.util.HashSet<>();
        for (Subscriber s : subs) numbers.add(s.number());
        Set<String> present = map.getAll(numbers).keySet();
        Map<String, HazelcastJsonValue> missing = new LinkedHashMap<>();
        for (Subscriber s : subs) {
            if (!present.contains(s.number())) missing.put(s.number(), new HazelcastJsonValue(subscriberJson(s)));
        }
        if (!missing.isEmpty()) await(map.setAllAsync(missing));
    }

    static String subscriberJson(Subscriber s) {
        ObjectNode v = JSON.createObjectNode();
        v.put("number", s.number());
        v.put("user", s.user());
        v.put("ha1", s.ha1());
        return v.toString();
    }

    /** Writes this controller's membership entry and reads everyone's. */
    private void heartbeat() {
        HazelcastInstance c = client;
        if (closed || c == null || !connected) return;
        try {
            IMap<String, HazelcastJsonValue> map = c.getMap(CONTROLLERS);
            ObjectNode v = JSON.createObjectNode();
            v.put("name", name);
            v.put("role", role);
            v.put("adminUrl", read(ControllerState::adminUrl));
            v.put("heartbeat", System.currentTimeMillis());
            v.put("heartbeatMs", config.heartbeatMs());
            // kept well past unhealthy, so that readers see a controller that stopped beating before it goes
            await(map.setAsync(name, new HazelcastJsonValue(v.toString()), 20L * config.heartbeatMs(), TimeUnit.MILLISECONDS));
            List<Member> all = new ArrayList<>();
            long now = System.currentTimeMillis();
            for (HazelcastJsonValue e : map.values()) {
                JsonNode n = JSON.readTree(e.getValue());
                long seen = n.path("heartbeat").asLong();
                long hb = n.path("heartbeatMs").asLong(2000);
                all.add(new Member(n.path("name").asText(), n.path("role").asText(null), n.path("adminUrl").asText(null),
                        now - seen <= 3 * hb, Instant.ofEpochMilli(seen).toString()));
            }
            all.sort(java.util.Comparator.comparing(Member::name));
            controllers = List.copyOf(all);
            List<String> ms = new ArrayList<>();
            for (var m : c.getCluster().getMembers()) ms.add(m.getAddress().getHost() + ":" + m.getAddress().getPort());
            members = List.copyOf(ms);
        } catch (Exception e) {
            failed(e);
        }
        // anything still to write (a resync, a gateway or registration change that a pump missed) goes now
        if (writesFailing || !outbox.isEmpty() || resync || !dirtyGateways.isEmpty() || !dirtyUsers.isEmpty()) kick(0);
    }

    // ------------------------------------------------------------------------------------------ reads for the API

    public boolean connected() { return connected; }

    /** CDRs waiting to be written (in memory, in the spool file, and handed over by the core). */
    public int queueDepth() { return queueDepth.get(); }

    /** The controllers' membership entries as last read (empty while the cluster has never been reached). */
    public List<Member> controllers() { return controllers; }

    /** The cluster's members as last seen. */
    public List<String> members() { return connected ? members : List.of(); }

    public String name() { return name; }

    /** cluster.connected (0 or 1), cdr.queued, cdr.written, cdr.dropped, cdr.queue (depth now). */
    public Map<String, Long> counters() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("cluster.connected", connected ? 1L : 0L);
        out.put("cdr.queued", queued.get());
        out.put("cdr.written", written.get());
        out.put("cdr.dropped", dropped.get());
        out.put("cdr.queue", (long) queueDepth.get());
        return out;
    }

    public long cdrsQueued() { return queued.get(); }

    public long cdrsWritten() { return written.get(); }

    public long cdrsDropped() { return dropped.get(); }

    /** The client itself (tests read the cluster through it); null before it is made. */
    public HazelcastInstance hazelcast() { return client; }

    /**
     * Stops: queued CDRs stay in the spool file for the next start (those in memory only, when there is no spool,
     * are lost: logged).
     */
    @Override public void close() {
        closed = true;
        thread.shutdown();
        try {
            thread.awaitTermination(Math.max(1000, config.operationTimeoutMs()) + 1000L, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.shutdownNow();
        // the core has stopped: what it handed over last goes to the spool
        List<CallRecord> rest = new ArrayList<>();
        for (CallRecord r; (r = inbox.poll()) != null; ) rest.add(r);
        enqueue(rest);
        if (!outbox.isEmpty()) LOG.log(System.Logger.Level.INFO, "cluster: " + outbox.size() + " CDRs not written, kept in the spool");
        outbox.close();
        HazelcastInstance c = client;
        if (c != null) {
            try {
                c.getLifecycleService().terminate();
            } catch (RuntimeException ignored) {
                // stopping anyway
            }
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
