package dev.holdfast.tcpha.ha;

import dev.holdfast.tcpha.rig.Cmd;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Puts the VIP on the backup's loopback ahead of time (as LVS direct routing does), so a takeover need not add an
 * address. Until the takeover nothing reaches it: clients send to the primary's MAC, which the backup's stack drops
 * as another host's frames, and arp_ignore=1 keeps the backup from answering ARP for the VIP; the takeover sets
 * arp_ignore back to 0 so the backup answers ARP for the VIP from then on.
 */
final class VipOnLoopback {
    private VipOnLoopback() {}

    static void configure(Inet4Address vip, String serviceIf) throws IOException {
        for (String dev : new String[] {"all", serviceIf}) {
            sysctl(dev, "arp_ignore", "1");
            sysctl(dev, "arp_announce", "2"); // our own ARP requests name the service port's address, not the VIP
        }
        Cmd.run("ip", "addr", "add", vip.getHostAddress() + "/32", "dev", "lo");
    }

    static void answerArp(String serviceIf) throws IOException {
        for (String dev : new String[] {"all", serviceIf}) sysctl(dev, "arp_ignore", "0");
    }

    private static void sysctl(String dev, String name, String value) throws IOException {
        Files.writeString(Path.of("/proc/sys/net/ipv4/conf", dev, name), value);
    }
}
