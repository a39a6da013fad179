package dev.holdfast.controller.mgc;

import dev.holdfast.controller.core.Event;
import dev.holdfast.h248.message.MId;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;

/**
 * Watches the other controller of a primary/alternate pair through a TCP connection to its H.248 port, held open:
 * the connection closing says at once that the peer died (a process killed with -9 still gets its sockets closed
 * by the kernel), and a new connection accepted says that it is back, however quickly it restarted. Each change
 * goes to the core as the admin event {@code peer up|down} (logged and replayed like any event), which decides what
 * to do about it (failback, docs/migration.md). The connection carries no H.248: the peer sees an idle client.
 */
public final class PeerWatch implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PeerWatch.class.getName());

    private final InetSocketAddress peer;
    private final CoreRunner runner;
    private final long retryMillis;
    private final Thread thread;
    private volatile boolean closed;
    private volatile Socket socket;
    private Boolean up;

    private PeerWatch(InetSocketAddress peer, CoreRunner runner, long retryMillis) {
        this.peer = peer;
        this.runner = runner;
        this.retryMillis = retryMillis;
        this.thread = new Thread(this::watch, "peer-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** Watches the controller with this mId ({@code [ip]:port} or {@code <name>:port}); null when it has no address. */
    public static PeerWatch start(MId peer, CoreRunner runner, long retryMillis) {
        InetSocketAddress a = null;
        if (peer instanceof MId.IpAddress ip) a = new InetSocketAddress(ip.address(), ip.port() == null ? 2944 : ip.port());
        else if (peer instanceof MId.DomainName d) a = new InetSocketAddress(d.name(), d.port() == null ? 2944 : d.port());
        if (a == null) {
            LOG.log(System.Logger.Level.WARNING, "peer controller " + peer + " has no transport address: not watched");
            return null;
        }
        return new PeerWatch(a, runner, retryMillis);
    }

    private void watch() {
        while (!closed) {
            try (Socket s = new Socket()) {
                socket = s;
                s.connect(peer, 1000);
                // on loopback a connect to a port nobody listens on can pick that very port as its own and connect
                // to itself (TCP simultaneous open): that is not the peer answering
                if (s.getLocalPort() == peer.getPort() && s.getLocalAddress().equals(s.getInetAddress())) throw new IOException("self-connect");
                report(true, "connected from port " + s.getLocalPort());
                s.setSoTimeout(5000);
                InputStream in = s.getInputStream();
                while (!closed) {
                    try {
                        if (in.read() < 0) break; // closed by the peer
                    } catch (SocketTimeoutException quiet) {
                        // an idle connection: still up
                    }
                }
                if (!closed) report(false, "connection closed");
            } catch (IOException e) {
                if (!closed) report(false, e.toString());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "peer watch failed", e);
            }
            try {
                Thread.sleep(retryMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void report(boolean now, String how) {
        if (up != null && up == now) return;
        up = now;
        LOG.log(System.Logger.Level.INFO, () -> "peer " + peer + (now ? " is up (" : " is down (") + how + ")");
        runner.submit(t -> new Event.Admin(t, "peer", List.of(now ? "up" : "down")));
    }

    @Override public void close() {
        closed = true;
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        thread.interrupt();
    }
}
