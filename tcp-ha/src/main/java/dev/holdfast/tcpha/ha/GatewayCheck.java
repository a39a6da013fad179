package dev.holdfast.tcpha.ha;

import dev.holdfast.tcpha.posix.ArpProbe;
import dev.holdfast.tcpha.rig.NamespaceRig;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The backup's check of its own service link before a takeover that the primary's heartbeats do not prove necessary
 * (the thesis's NIC/cable row: "decide with last-byte-received and a ping of the gateway"): an ARP probe of the
 * gateway through the service interface. The lag check (the tap sees client bytes the primary's application does
 * not take) says the primary does not serve; the probe says we could. Without an answer the backup does not fence
 * the primary, and probes again at most every {@link #RETRY_NANOS}.
 */
final class GatewayCheck {
    private static final System.Logger LOG = System.getLogger(GatewayCheck.class.getName());
    static final long RETRY_NANOS = 100_000_000L;

    private final ArpProbe probe;
    private final String gateway, ifName;
    private final int timeoutMs;
    private long nextProbeNanos;
    private boolean lastAnswered = true;
    /** Probes sent, and how many went unanswered. */
    long probes, unanswered;

    private GatewayCheck(ArpProbe probe, String gateway, String ifName, int timeoutMs) {
        this.probe = probe;
        this.gateway = gateway;
        this.ifName = ifName;
        this.timeoutMs = timeoutMs;
    }

    /** From {@code --gateway IP} (default the rig's; "none": no check), {@code --source-ip}, {@code --gateway-timeout-ms}. */
    static GatewayCheck from(Args a, String ifName) throws IOException {
        String gw = a.get("gateway", NamespaceRig.GATEWAY_IP);
        if (gw.equals("none")) return new GatewayCheck(null, gw, ifName, 0);
        Inet4Address source = (Inet4Address) InetAddress.getByName(a.get("source-ip", NamespaceRig.BACKUP_IP));
        GatewayCheck c = new GatewayCheck(new ArpProbe(ifName, source, (Inet4Address) InetAddress.getByName(gw)), gw, ifName,
                a.getInt("gateway-timeout-ms", 20));
        // once at start: proves the probe works here and binds its native calls before they matter
        long us = c.probe.probe(c.timeoutMs);
        System.out.println("gateway " + gw + (us >= 0 ? " answers through " + ifName + " in " + us + " us" : " did not answer at start"));
        return c;
    }

    /**
     * Whether the gateway answers now; {@code why} says what made us ask (logged). Within {@link #RETRY_NANOS} of an
     * unanswered probe it returns false without probing again (the detector must keep watching the heartbeats).
     */
    boolean answers(String why) {
        if (probe == null) return true;
        long now = System.nanoTime();
        if (!lastAnswered && now < nextProbeNanos) return false;
        probes++;
        long us = probe.probe(timeoutMs);
        boolean answeredBefore = lastAnswered;
        lastAnswered = us >= 0;
        if (lastAnswered) {
            // (a StringBuilder: a '+' site is linked on its first run, 25 ms on this real-time thread in one test)
            System.out.println(new StringBuilder(why).append(": gateway ").append(gateway).append(" answered through ")
                    .append(ifName).append(" in ").append(us).append(" us at_us=").append(dev.holdfast.tcpha.client.CheckingClient.nowUs()));
        } else {
            unanswered++;
            nextProbeNanos = now + RETRY_NANOS;
            String msg = why + ": gateway " + gateway + " did not answer through " + ifName + " in " + timeoutMs
                    + " ms: our own service link may be down, no takeover at_us=" + dev.holdfast.tcpha.client.CheckingClient.nowUs();
            if (answeredBefore) { // once per outage, not every retry
                LOG.log(Level.WARNING, msg);
                System.out.println(msg);
            }
        }
        return lastAnswered;
    }
}
