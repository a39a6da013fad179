package dev.holdfast.tcpha.rig;

import org.junit.jupiter.api.Assumptions;

/** Namespace tests need root (CAP_NET_ADMIN, CAP_SYS_ADMIN) and iproute2. */
public final class Root {
    private Root() {}

    public static void assumeNamespaces() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        Assumptions.assumeTrue(Cmd.tryRun("ip", "netns", "list").exitCode() == 0, "needs iproute2 with netns support");
    }
}
