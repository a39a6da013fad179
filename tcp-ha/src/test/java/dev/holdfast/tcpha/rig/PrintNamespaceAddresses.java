package dev.holdfast.tcpha.rig;

import java.net.NetworkInterface;
import java.util.Collections;

/** Test process: prints the IPv4 addresses it sees (proves a JVM runs inside a given namespace). */
public final class PrintNamespaceAddresses {
    public static void main(String[] args) throws Exception {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            nif.inetAddresses().forEach(a -> System.out.println(nif.getName() + " " + a.getHostAddress()));
        }
    }
}
