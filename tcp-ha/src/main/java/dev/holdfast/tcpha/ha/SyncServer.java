package dev.holdfast.tcpha.ha;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;

/** The primary's end of the sync channel: trims its input logs as the backup reports, serves bytes it asks for. */
final class SyncServer {
    private static final System.Logger LOG = System.getLogger(SyncServer.class.getName());
    private final Map<Long, InputLog> logs;
    private volatile long lastHeardNanos = System.nanoTime();

    /** Milliseconds since the backup last sent anything on the sync channel (a sign of life besides heartbeats). */
    long silentMillis() { return (System.nanoTime() - lastHeardNanos) / 1_000_000; }

    SyncServer(Map<Long, InputLog> logs) { this.logs = logs; }

    void listen(String ip) throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.setReuseAddress(true);
        ss.bind(new InetSocketAddress(ip, SyncChannel.PORT));
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    Socket s = ss.accept();
                    s.setTcpNoDelay(true);
                    Thread h = new Thread(() -> serve(s), "sync-" + ip);
                    h.setDaemon(true);
                    h.start();
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "sync accept on {0}: {1}", ip, e.getMessage());
                    return;
                }
            }
        }, "sync-accept-" + ip);
        t.setDaemon(true);
        t.start();
    }

    private void serve(Socket s) {
        try (s; DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()))) {
            while (true) {
                SyncChannel.Frame f = SyncChannel.read(in);
                lastHeardNanos = System.nanoTime();
                InputLog log = logs.get(f.conn());
                if (log == null) {
                    // a connection we no longer have (or not yet): nothing to keep or give, but an answer all the
                    // same, or a backup whose connections have all closed hears nothing and takes the link for
                    // broken (it reconnected every half second, over and over, a thread and a log line each time)
                    if (f.type() == SyncChannel.HAS) {
                        SyncChannel.write(out, SyncChannel.READ, f.conn(), -1, 0, null);
                        if (in.available() == 0) out.flush();
                    }
                    continue;
                }
                if (f.type() == SyncChannel.HAS) {
                    log.backupHas(f.offset());
                    SyncChannel.write(out, SyncChannel.READ, f.conn(), log.readOffset(), 0, null);
                    SyncChannel.write(out, SyncChannel.WRITTEN, f.conn(), log.written.get(), 0, null);
                } else if (f.type() == SyncChannel.CONSUMED) {
                    log.backupConsumed(f.offset());
                } else if (f.type() == SyncChannel.CLOSED) {
                    log.backupClosed(f.offset());
                } else if (f.type() == SyncChannel.FETCH) {
                    SyncChannel.write(out, SyncChannel.DATA, f.conn(), f.offset(), 0, log.from(f.offset(), Math.min(f.max(), 1 << 20)));
                }
                if (in.available() == 0) out.flush();
            }
        } catch (IOException e) {
            LOG.log(Level.INFO, "sync channel closed: {0}", e.getMessage());
        }
    }
}
