package dev.holdfast.tcpha.ha;

import com.sun.jna.LastErrorException;
import dev.holdfast.tcpha.posix.LibC;
import dev.holdfast.tcpha.posix.Sockets;
import dev.holdfast.tcpha.tap.ReplicaConnection;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads every taken-over connection's socket on one thread (epoll(7)) and hands the client's bytes to its replica.
 * A thread per connection cost about 0.5 ms each to start: with 1,000 connections the last client's next request
 * waited half a second for its reader.
 */
final class TakenOverReaders {
    private static final System.Logger LOG = System.getLogger(TakenOverReaders.class.getName());
    private static final int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLLIN = 1, EVENT_SIZE = 12; // packed on x86-64
    private final int epfd;
    private final Map<Integer, ReplicaConnection> byFd = new ConcurrentHashMap<>();

    TakenOverReaders() throws IOException {
        try {
            epfd = LibC.INSTANCE.epoll_create1(0x80000 /* EPOLL_CLOEXEC */);
        } catch (LastErrorException e) {
            throw Sockets.io("epoll_create1", e);
        }
        Thread t = new Thread(this::run, "taken-over-readers");
        t.setDaemon(true);
        t.start();
    }

    void add(ReplicaConnection c, int fd) throws IOException {
        byFd.put(fd, c);
        ctl(EPOLL_CTL_ADD, fd);
    }

    private void ctl(int op, int fd) throws IOException {
        byte[] ev = ByteBuffer.allocate(EVENT_SIZE).order(ByteOrder.nativeOrder()).putInt(EPOLLIN).putLong(fd).array();
        try {
            LibC.INSTANCE.epoll_ctl(epfd, op, fd, ev);
        } catch (LastErrorException e) {
            throw Sockets.io("epoll_ctl", e);
        }
    }

    private void run() {
        dev.holdfast.tcpha.posix.RealtimeThread.lower(); // made by the real-time detector thread; this is ordinary work
        byte[] events = new byte[256 * EVENT_SIZE];
        byte[] buf = new byte[64 * 1024];
        dev.holdfast.tcpha.posix.ConnectionIo io = new dev.holdfast.tcpha.posix.ConnectionIo(buf.length);
        while (true) {
            int n;
            try {
                n = LibC.INSTANCE.epoll_wait(epfd, events, 256, -1);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.EINTR) continue;
                LOG.log(Level.ERROR, "epoll_wait failed: {0}", e.getMessage());
                return;
            }
            ByteBuffer b = ByteBuffer.wrap(events).order(ByteOrder.nativeOrder());
            for (int i = 0; i < n; i++) {
                b.getInt(); // events: readable, or hung up / error (then read says so)
                int fd = (int) b.getLong();
                ReplicaConnection c = byFd.get(fd);
                if (c == null) continue;
                int got;
                try {
                    got = io.read(fd, buf); // level-triggered and ready: does not block
                } catch (IOException e) {
                    LOG.log(Level.INFO, "taken-over connection from port {0} ended: {1}", c.clientPort, e.getMessage());
                    got = -1;
                }
                if (got > 0) {
                    c.deliverFromSocket(java.util.Arrays.copyOf(buf, got));
                } else {
                    byFd.remove(fd);
                    try { ctl(EPOLL_CTL_DEL, fd); } catch (IOException e) { /* gone already */ }
                    c.endOfInputFromSocket();
                }
            }
        }
    }
}
