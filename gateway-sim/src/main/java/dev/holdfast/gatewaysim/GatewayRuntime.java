package dev.holdfast.gatewaysim;

import dev.holdfast.gatewaysim.control.H248ControlNetwork;
import dev.holdfast.h248.transaction.TransactionOptions;
import dev.holdfast.h248.transport.EndpointOptions;
import dev.holdfast.sim.media.UdpMediaNetwork;
import dev.holdfast.sim.time.EventLoopSimScheduler;
import dev.holdfast.sim.time.SimScheduler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What many simulated gateways share in one process: one Netty event loop group (H.248 sockets), one event loop
 * that runs every gateway's logic and every RTP probe (with the media sockets registered on it), and one small
 * pool for the few blocking steps (TCP connect and close). Hundreds of gateways and thousands of lines cost
 * sockets and timers, not threads.
 */
public final class GatewayRuntime implements AutoCloseable {
    private final EventLoopGroup group;
    private final UdpMediaNetwork media;
    private final SimScheduler scheduler;
    private final ExecutorService blocking;
    private final EndpointOptions endpointOptions;

    private GatewayRuntime(int threads, TransactionOptions transactions) {
        this.group = new NioEventLoopGroup(threads);
        this.media = UdpMediaNetwork.on(group);
        this.scheduler = new EventLoopSimScheduler(media.eventLoop());
        AtomicInteger n = new AtomicInteger();
        this.blocking = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "gateway-sim-blocking-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.endpointOptions = EndpointOptions.DEFAULTS.withEventLoopGroup(group).withTransactions(transactions);
    }

    /** A runtime on {@code threads} event loop threads, with the given H.248 transaction timers. */
    public static GatewayRuntime create(int threads, TransactionOptions transactions) {
        return new GatewayRuntime(threads, transactions);
    }

    /** Transaction timers for simulated gateways: quick retransmission, a lost controller noticed in seconds. */
    public static TransactionOptions quickTransactions() {
        return TransactionOptions.DEFAULTS.withRetransmission(java.time.Duration.ofMillis(250),
                        java.time.Duration.ofSeconds(1), 3)
                .withReliableReplyTimeout(java.time.Duration.ofSeconds(3))
                .withRestartAvoidance(java.time.Duration.ZERO);
    }

    /**
     * Transaction timers for a load run: the standard retransmission schedule (first after 500 ms, doubling to 4 s,
     * 5 times). The quick timers give up on a controller after under 2 s; under load a queueing delay that long
     * made every gateway fail over at once and re-register, which failed the calls in progress: the collapse that
     * looked like a slow controller. The controller's replies are acknowledged, so that it need not keep them for
     * LONG-TIMER ({@link TransactionOptions#ackingReplies}).
     */
    public static TransactionOptions loadTransactions() {
        return TransactionOptions.DEFAULTS.withRestartAvoidance(java.time.Duration.ZERO).ackingReplies();
    }

    public SimScheduler scheduler() { return scheduler; }

    public UdpMediaNetwork media() { return media; }

    public EventLoopGroup group() { return group; }

    /** Starts a gateway: binds its H.248 socket (UDP) and registers (after its restart-avoidance wait). */
    public SimulatedGateway start(GatewayConfig config, H248ControlNetwork.Transport transport, InetSocketAddress udpBind)
            throws IOException, InterruptedException {
        H248ControlNetwork net = transport == H248ControlNetwork.Transport.UDP
                ? H248ControlNetwork.udp(config.mid(), udpBind, endpointOptions, blocking)
                : H248ControlNetwork.tcp(config.mid(), endpointOptions, blocking);
        return SimulatedGateway.start(config, scheduler, net, media);
    }

    @Override public void close() {
        blocking.shutdownNow();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
