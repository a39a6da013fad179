package dev.holdfast.tcpha.ha;

import dev.holdfast.tcpha.rig.IpBatch;

import java.io.IOException;
import java.util.List;

/**
 * Fences a primary that runs in a network namespace on this machine: SIGKILL to its server processes (by pid) and
 * its interfaces taken down, through an ip batch process started in advance so fencing costs no process start.
 */
public final class IsolatingFence implements Fence {
    private final List<Long> pids;
    private final List<String> links;
    private final IpBatch ip;

    public IsolatingFence(String namespace, List<String> links, List<Long> pids) throws IOException {
        this.pids = pids;
        this.links = links;
        this.ip = new IpBatch(namespace, true);
        this.serviceLinkDown = "link set dev " + links.get(0) + " down"; // (string building links code on first use)
        // made now, started at the fence: no class loading or lambda linking while the clients wait
        this.otherLinks = new Thread(() -> {
            try {
                String more = ip.run(links.subList(1, links.size()).stream().map(l -> "link set dev " + l + " down").toArray(String[]::new));
                if (!more.isBlank()) System.getLogger(IsolatingFence.class.getName()).log(System.Logger.Level.WARNING, "fencing links: {0}", more);
            } catch (IOException e) {
                System.getLogger(IsolatingFence.class.getName()).log(System.Logger.Level.WARNING, "fencing links: {0}", e.getMessage());
            }
        }, "fence-links");
        otherLinks.setDaemon(true);
    }

    private final Thread otherLinks;
    private final String serviceLinkDown;

    @Override
    public void fence() throws Exception {
        // the service link first: a killed process's sockets make its (live) kernel send FIN/RST, which must reach
        // no client; then the kill; the other links (heartbeats) only matter to the primary, so they go down after
        // the takeover has started, off its critical path
        String printed = ip.run(serviceLinkDown);
        for (long pid : pids) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        if (!printed.isBlank()) throw new IllegalStateException("fencing the primary's service link failed: " + printed);
        if (links.size() > 1) otherLinks.start();
    }
}
