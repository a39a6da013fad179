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
        this.ip = new IpBatch(namespace);
    }

    @Override
    public void fence() throws Exception {
        // links first: a killed process's sockets make its (live) kernel send FIN/RST, which must reach no client
        String[] cmds = links.stream().map(l -> "link set dev " + l + " down").toArray(String[]::new);
        String printed = ip.run(cmds);
        for (long pid : pids) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        if (!printed.isBlank()) throw new IllegalStateException("fencing the primary's links failed: " + printed);
    }
}
