package dev.holdfast.tcpha.repair;

import dev.holdfast.tcpha.posix.LibC;
import dev.holdfast.tcpha.posix.Sockets;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * What this host's kernel would negotiate as a server: the window scale it offers in a SYN-ACK depends only on its
 * buffer settings, so a loopback handshake here tells the backup the shift an identically configured primary used
 * when the tap did not see the primary's SYN-ACK.
 */
public final class LocalKernel {
    private LocalKernel() {}

    public static int serverWindowScale() throws IOException {
        int lfd = Sockets.tcpSocket(), cfd = -1, afd = -1;
        try {
            Sockets.bind(lfd, Sockets.addr("127.0.0.1", 0));
            Sockets.listen(lfd, 1);
            InetSocketAddress at = Sockets.localAddress(lfd);
            cfd = Sockets.tcpSocket();
            Sockets.connect(cfd, at);
            afd = Sockets.accept(lfd);
            byte[] info = Sockets.get(afd, LibC.IPPROTO_TCP, TcpRepair.TCP_INFO, 104, "TCP_INFO");
            return (info[6] >> 4) & 0x0f;
        } finally {
            if (afd >= 0) Sockets.close(afd);
            if (cfd >= 0) Sockets.close(cfd);
            Sockets.close(lfd);
        }
    }
}
