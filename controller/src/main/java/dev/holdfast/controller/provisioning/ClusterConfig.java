package dev.holdfast.controller.provisioning;

import java.util.List;

/**
 * The Hazelcast cluster this controller is a client of (docs/cluster.md). Absent: the controller runs from its
 * provisioning file alone. The cluster holds CDRs, registrations, gateway ownership, controller membership and the
 * subscriber directory, never live call state; losing it never stops call processing.
 *
 * @param name               this controller's name in the cluster and in its CDRs (default: its mId)
 * @param clusterName        the cluster's name (default {@code holdfast})
 * @param members            addresses of members to connect to, {@code host:port}
 * @param connectTimeoutMs   how long one attempt to reach the cluster may take (default 3000); the controller starts
 *                           without waiting for it and keeps trying in the background
 * @param operationTimeoutMs how long one read or write in the cluster may take before it counts as failed (default 2000)
 * @param heartbeatMs        how often this controller writes its membership entry (default 2000); an entry not
 *                           rewritten for three of these is unhealthy and expires
 * @param cdrQueue           CDRs kept in memory while the cluster is away (default 10000); the same number again waits
 *                           in the spool file; past both, CDRs are counted as dropped
 * @param cdrSpool           the spool file for CDRs not yet written (default {@code cdr-spool.jsonl} next to the event
 *                           log, or in the working directory)
 */
public record ClusterConfig(String name, String clusterName, List<String> members, Integer connectTimeoutMs,
                            Integer operationTimeoutMs, Integer heartbeatMs, Integer cdrQueue, String cdrSpool) {
    public ClusterConfig {
        if (clusterName == null) clusterName = "holdfast";
        members = members == null ? List.of() : List.copyOf(members);
        if (connectTimeoutMs == null) connectTimeoutMs = 3000;
        if (operationTimeoutMs == null) operationTimeoutMs = 2000;
        if (heartbeatMs == null) heartbeatMs = 2000;
        if (cdrQueue == null) cdrQueue = 10_000;
    }

    /** A cluster of these members with every other setting at its default. */
    public static ClusterConfig of(String clusterName, List<String> members) {
        return new ClusterConfig(null, clusterName, members, null, null, null, null, null);
    }

    /** The same settings with these timeouts (tests use short ones). */
    public ClusterConfig withTimeouts(int connectTimeoutMs, int operationTimeoutMs, int heartbeatMs) {
        return new ClusterConfig(name, clusterName, members, connectTimeoutMs, operationTimeoutMs, heartbeatMs, cdrQueue, cdrSpool);
    }

    /** The same settings with this controller name. */
    public ClusterConfig withName(String name) {
        return new ClusterConfig(name, clusterName, members, connectTimeoutMs, operationTimeoutMs, heartbeatMs, cdrQueue, cdrSpool);
    }

    /** The same settings with this CDR queue bound and spool file. */
    public ClusterConfig withCdrQueue(int cdrQueue, String cdrSpool) {
        return new ClusterConfig(name, clusterName, members, connectTimeoutMs, operationTimeoutMs, heartbeatMs, cdrQueue, cdrSpool);
    }
}
