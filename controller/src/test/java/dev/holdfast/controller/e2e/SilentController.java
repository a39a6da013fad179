package dev.holdfast.controller.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A controller that accepts TCP connections and never answers: a gateway trying it waits for its transaction timer
 * before going on down its list. Put between the primary and the alternate, it delays a gateway's failover, so a
 * test can choose the order in which gateways reach the alternate.
 */
final class SilentController implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    SilentController() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::serve, "silent-controller-" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    InetSocketAddress address() { return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()); }

    private void serve() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepted.add(s);
                Thread r = new Thread(() -> drain(s), "silent-reader");
                r.setDaemon(true);
                r.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void drain(Socket s) {
        byte[] b = new byte[4096];
        try (InputStream in = s.getInputStream()) {
            while (in.read(b) >= 0) { /* swallowed */ }
        } catch (IOException ignored) {
            // closed
        }
    }

    @Override public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Socket s : accepted) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
