package dev.holdfast.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.ClientConnectionStrategyConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The console as a client of the controllers' Hazelcast cluster (docs/cluster.md): what every controller publishes
 * there, read from one place, also for a controller that is down: membership and health, gateway ownership,
 * registrations, and the CDRs of every controller. Read only; never call state (there is none in the cluster).
 * The client starts and reconnects in the background: a cluster that is away makes a read fail at once, with a
 * message, and nothing else in the console waits for it.
 */
public final class ClusterView implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ClusterView.class.getName());
    // the controllers' map names (controller/.../cluster/ClusterClient): the contract between writer and reader
    static final String CDRS = "holdfast.cdrs";
    static final String REGISTRATIONS = "holdfast.registrations";
    static final String GATEWAYS = "holdfast.gateways";
    static final String CONTROLLERS = "holdfast.controllers";

    private final ConsoleConfig.Cluster config;
    private final HazelcastInstance client;
    private final java.util.concurrent.atomic.AtomicBoolean connected;

    private ClusterView(ConsoleConfig.Cluster config, HazelcastInstance client, java.util.concurrent.atomic.AtomicBoolean connected) {
        this.config = config;
        this.client = client;
        this.connected = connected;
    }

    /** Starts the client in the background; the cluster need not be there yet. */
    public static ClusterView start(ConsoleConfig.Cluster config) {
        if (System.getProperty("hazelcast.logging.type") == null) System.setProperty("hazelcast.logging.type", "jdk");
        System.setProperty("hazelcast.phone.home.enabled", "false"); // it tells nobody outside that it runs
        Logger.getLogger("com.hazelcast").setLevel(Level.WARNING);
        Logger.getLogger("com.hazelcast.client.impl.connection").setLevel(Level.SEVERE); // one line per retry otherwise
        ClientConfig cc = new ClientConfig();
        cc.setClusterName(config.clusterName());
        cc.setInstanceName("holdfast-console-" + Long.toHexString(System.nanoTime()));
        cc.setProperty("hazelcast.client.invocation.timeout.seconds", "3");
        cc.getNetworkConfig().setAddresses(new ArrayList<>(config.members())).setConnectionTimeout(3000);
        ClientConnectionStrategyConfig strategy = cc.getConnectionStrategyConfig();
        strategy.setAsyncStart(true).setReconnectMode(ClientConnectionStrategyConfig.ReconnectMode.ASYNC);
        strategy.getConnectionRetryConfig().setInitialBackoffMillis(200).setMaxBackoffMillis(2000)
                .setClusterConnectTimeoutMillis(-1);
        java.util.concurrent.atomic.AtomicBoolean connected = new java.util.concurrent.atomic.AtomicBoolean();
        cc.addListenerConfig(new com.hazelcast.config.ListenerConfig((com.hazelcast.core.LifecycleListener) e -> {
            switch (e.getState()) {
                case CLIENT_CONNECTED -> {
                    connected.set(true);
                    LOG.log(System.Logger.Level.INFO, "console: cluster " + config.clusterName() + " connected");
                }
                case CLIENT_DISCONNECTED -> {
                    connected.set(false);
                    LOG.log(System.Logger.Level.WARNING, "console: cluster " + config.clusterName() + " lost; the admin APIs still answer");
                }
                default -> { }
            }
        }));
        HazelcastInstance c = HazelcastClient.newHazelcastClient(cc);
        LOG.log(System.Logger.Level.INFO, "console: cluster client of " + config.clusterName() + " at " + config.members());
        return new ClusterView(config, c, connected);
    }

    public String describe() { return config.clusterName() + " at " + String.join(",", config.members()); }

    /** One controller as it last wrote its membership entry; healthy while its heartbeat is under 3 intervals old. */
    public record Member(String name, String role, String adminUrl, long heartbeat, long heartbeatMs, boolean healthy) {}

    /** What the cluster knows now: controllers, and how many gateways and registrations each has. */
    public record Snapshot(List<Member> controllers, Map<String, Integer> gatewaysByController,
                           Map<String, Integer> registrationsByController) {}

    public Snapshot snapshot(long now) throws IOException {
        List<Member> members = new ArrayList<>();
        for (JsonNode n : values(CONTROLLERS, null)) {
            long hb = n.path("heartbeat").asLong();
            long every = Math.max(1, n.path("heartbeatMs").asLong(2000));
            members.add(new Member(n.path("name").asText("?"), n.path("role").asText("-"), n.path("adminUrl").asText("-"),
                    hb, every, now - hb <= 3 * every));
        }
        members.sort(Comparator.comparing(Member::name));
        return new Snapshot(members, countBy(GATEWAYS), countBy(REGISTRATIONS));
    }

    /** The CDRs of every controller whose caller or callee is {@code number} (all when null), newest first. */
    public List<JsonNode> cdrs(String number, int limit) throws IOException {
        Predicate<String, HazelcastJsonValue> p = number == null ? null
                : Predicates.or(Predicates.equal("caller", number), Predicates.equal("callee", number));
        List<JsonNode> all = values(CDRS, p);
        all.sort(Comparator.comparingLong((JsonNode n) -> n.path("setupMillis").asLong()).reversed());
        return all.size() > limit ? new ArrayList<>(all.subList(0, limit)) : all;
    }

    private Map<String, Integer> countBy(String map) throws IOException {
        Map<String, Integer> by = new TreeMap<>();
        for (JsonNode n : values(map, null)) by.merge(n.path("controller").asText("?"), 1, Integer::sum);
        return by;
    }

    private List<JsonNode> values(String map, Predicate<String, HazelcastJsonValue> p) throws IOException {
        if (!connected.get()) {
            throw new IOException("cluster " + describe() + " not reachable");
        }
        try {
            IMap<String, HazelcastJsonValue> m = client.getMap(map);
            List<JsonNode> out = new ArrayList<>();
            for (HazelcastJsonValue v : p == null ? m.values() : m.values(p)) out.add(AdminApiClient.JSON.readTree(v.toString()));
            return out;
        } catch (RuntimeException e) {
            throw new IOException("cluster " + describe() + ": " + e.getMessage(), e);
        }
    }

    @Override public void close() {
        try {
            client.shutdown();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "console: closing the cluster client: " + e);
        }
    }
}
