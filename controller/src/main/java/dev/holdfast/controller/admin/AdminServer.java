package dev.holdfast.controller.admin;

import dev.holdfast.controller.Controller;
import dev.holdfast.controller.provisioning.AdminSettings;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The admin API's HTTP server: Netty's HTTP/1.1 codec on one event-loop thread (the API is small; the core does the
 * work), bodies capped, idle connections closed.
 */
public final class AdminServer implements AutoCloseable {
    /**
     * What the admin API would answer about {@code core}'s calls and counts ({@code GET /api/calls}, {@code /api/status}),
     * as JSON octets, made on the calling thread: for the start-up warm-up's scratch cores (warmup/FailoverRehearsal).
     */
    public static byte[] callsAndCountsJson(dev.holdfast.controller.ControllerCore core, long now) {
        return AdminApi.callsAndCountsJson(core, now);
    }

    private static final System.Logger LOG = System.getLogger(AdminServer.class.getName());
    /** A connection silent this long (no request, no stream) is closed. */
    private static final int IDLE_SECONDS = 120;
    /** Connections open at once; more are closed at once (counted): a flood of idle connections costs little. */
    public static final int MAX_CONNECTIONS = 256;

    private final EventLoopGroup group;
    private final Channel server;
    private final AdminApi api;

    private AdminServer(EventLoopGroup group, Channel server, AdminApi api) {
        this.group = group;
        this.server = server;
        this.api = api;
    }

    /** @param defaultAuditLog the audit log when the settings name none */
    public static AdminServer start(Controller controller, AdminSettings settings, java.nio.file.Path defaultAuditLog)
            throws IOException, InterruptedException {
        AuditLog audit = new AuditLog(settings.auditLog() != null ? java.nio.file.Path.of(settings.auditLog()) : defaultAuditLog);
        EventLoopGroup group = new NioEventLoopGroup(1, r -> {
            Thread t = new Thread(r, "holdfast-admin");
            t.setDaemon(true);
            return t;
        });
        AdminApi api = new AdminApi(controller, settings, audit, (io.netty.channel.EventLoop) group.next());
        java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
        try {
            Channel ch = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override protected void initChannel(SocketChannel c) {
                            if (open.incrementAndGet() > MAX_CONNECTIONS) {
                                open.decrementAndGet();
                                api.counters.count("http.connections-refused");
                                LOG.log(System.Logger.Level.WARNING, () -> "admin: connection from " + c.remoteAddress()
                                        + " refused: " + MAX_CONNECTIONS + " open");
                                c.close();
                                return;
                            }
                            c.closeFuture().addListener(f -> open.decrementAndGet());
                            c.pipeline().addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS),
                                    new HttpServerCodec(4096, 8192, 8192),
                                    new BodyLimit(settings.maxBodyBytes(), api.counters),
                                    new AdminHttp(api));
                        }
                    })
                    .bind(new InetSocketAddress(settings.address(), settings.port())).sync().channel();
            return new AdminServer(group, ch, api);
        } catch (Exception e) { // bind() fails with a (checked, undeclared) BindException
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            api.auth.close();
            api.events.close();
            if (e instanceof IOException io) throw io;
            if (e instanceof InterruptedException ie) throw ie;
            if (e instanceof RuntimeException re) throw re;
            throw new IOException(e);
        }
    }

    public InetSocketAddress address() { return (InetSocketAddress) server.localAddress(); }

    /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
    public String url() {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        if (host.contains(":")) host = "[" + host + "]";
        return "http://" + host + ":" + a.getPort();
    }

    /**
     * The core's notices of one event, on the core thread: counted into the metrics and handed to the event stream's
     * loop; nothing here blocks.
     */
    public void publish(java.util.List<dev.holdfast.controller.core.Notice> notices) {
        api.metrics.count(notices);
        api.events.publish(notices);
    }

    /** Clients of the live event stream now. */
    public int streamClients() { return api.events.clients(); }

    @Override public void close() {
        api.events.close();
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        api.auth.close();
    }

    /** What the admin edge counted (requests by status, refused logins, dropped stream clients...). */
    public java.util.Map<String, Long> counters() { return api.counters.snapshot(); }

    /** Where changes are audited. */
    public java.nio.file.Path auditLog() { return api.auth.auditFile(); }
}
