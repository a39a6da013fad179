package dev.holdfast.controller.cluster;

import dev.holdfast.controller.provisioning.ProvisioningChange;
import dev.holdfast.controller.provisioning.ProvisioningChanges;

/**
 * The subscriber directory in the cluster kept in step with live provisioning: stations added or removed on this
 * controller are published (HA1 only), and those another controller published are applied here as remote changes
 * (journalled with their origin, so they are not published again). Gateways and lines stay each controller's own.
 */
public final class DirectorySync {
    private static final System.Logger LOG = System.getLogger(DirectorySync.class.getName());

    private DirectorySync() {}

    public static void attach(ClusterClient cluster, ProvisioningChanges changes) {
        if (cluster == null || changes == null) return;
        // what was last taken from the cluster per number: an entry seen again (a re-scan after a reconnect) is skipped
        java.util.Map<String, ClusterClient.RemoteStation> seen = new java.util.concurrent.ConcurrentHashMap<>();
        changes.addListener(a -> {
            if (a.origin() != null) return; // it came from the cluster
            if (a.change() instanceof ProvisioningChange.AddStation s) {
                seen.remove(s.number());
                cluster.publishStation(s.number(), s.user(), s.ha1());
            } else if (a.change() instanceof ProvisioningChange.RemoveStation r) {
                seen.remove(r.number());
                cluster.publishStationRemoved(r.number());
            }
        });
        cluster.onRemoteStation(st -> {
            if (st.equals(seen.put(st.number(), st))) return;
            ProvisioningChange c = st.removed() ? new ProvisioningChange.RemoveStation(st.number())
                    : new ProvisioningChange.AddStation(st.number(), st.user(), st.ha1());
            changes.applyRemote(c, "cluster", st.origin()).whenComplete((outcome, e) -> {
                if (e != null) {
                    LOG.log(System.Logger.Level.WARNING, "cluster: " + c.target() + " from " + st.origin() + " not applied: " + e);
                } else {
                    LOG.log(System.Logger.Level.INFO, "cluster: " + c.op() + " " + c.target() + " from " + st.origin()
                            + ": " + outcome);
                }
            });
        });
    }
}
