package dev.holdfast.sim.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The load generators' control channel for a failover drill: a TCP port on 127.0.0.1 taking one command per line
 * and answering each with one line (JSON). Commands run one at a time, in the order they arrive, whatever the
 * connection. A command that throws is answered {@code {"error": "..."}}; the channel stays up.
 */
public final class ControlServer implements AutoCloseable {
    public interface Handler {
        /** The reply (one line) to one command line. */
        String handle(String command) throws Exception;
    }

    private final ServerSocket server;
    private final Handler handler;
    private final Thread acceptor;
    private volatile boolean closed;

    public ControlServer(int port, Handler handler) throws IOException {
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        this.handler = handler;
        this.acceptor = new Thread(this::accept, "loadgen-control");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() { return server.getLocalPort(); }

    private void accept() {
        while (!closed) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "loadgen-control-" + s.getPort());
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) System.getLogger(ControlServer.class.getName()).log(System.Logger.Level.WARNING, "control accept: " + e);
            }
        }
    }

    private void serve(Socket s) {
        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                String command = line.trim();
                if (command.isEmpty()) continue;
                String reply;
                synchronized (this) {
                    try {
                        reply = handler.handle(command);
                    } catch (Exception e) {
                        reply = "{\"error\":" + Json.quote(String.valueOf(e.getMessage() != null ? e.getMessage() : e)) + "}";
                    }
                }
                out.println(reply);
            }
        } catch (IOException e) {
            // the drill went away: nothing to answer
        }
    }

    @Override public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
