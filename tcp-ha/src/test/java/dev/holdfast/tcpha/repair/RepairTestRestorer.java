package dev.holdfast.tcpha.repair;

import dev.holdfast.tcpha.posix.GratuitousArp;
import dev.holdfast.tcpha.posix.Sockets;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test process for the repair test: re-creates the dumped connection with TCP_REPAIR in this namespace, announces
 * the VIP with a gratuitous ARP and goes on echoing until the client closes. Args: STATE_FILE IFNAME
 */
public final class RepairTestRestorer {
    public static void main(String[] args) throws Exception {
        ConnectionState s = ConnectionStateJson.read(Files.readString(Path.of(args[0])));
        long t0 = System.nanoTime();
        int fd = TcpRepair.restore(s, TcpRepair.UnackedOutput.REPAIR_SEND_QUEUE, false, true);
        GratuitousArp.announce(args[1], InetAddress.getByName(s.local().getAddress().getHostAddress()), 1);
        System.out.println("restored " + s + " in " + (System.nanoTime() - t0) / 1000 + " us");
        byte[] buf = new byte[65536];
        while (true) {
            int n = Sockets.read(fd, buf);
            if (n <= 0) break;
            Sockets.writeFully(fd, buf, 0, n);
        }
        System.out.println("client closed");
        Sockets.close(fd);
    }
}
