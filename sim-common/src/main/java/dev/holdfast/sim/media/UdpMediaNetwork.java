package dev.holdfast.sim.media;

import dev.holdfast.sim.time.EventLoopSimScheduler;
import dev.holdfast.sim.time.SimScheduler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Real UDP media sockets, all on ONE Netty event loop: thousands of sockets (one per RTP termination) cost a
 * file descriptor each and no thread. The socket is bound synchronously with plain NIO before Netty takes it
 * over, so the caller knows the port at once, even when it runs on the event loop itself.
 *
 * <p>A closed socket is kept bound, idle, and handed to the next {@link #open} on the same address (up to
 * {@link #IDLE_SOCKETS_KEPT} of them), as a gateway reuses its RTP ports: a load generator setting up hundreds of
 * RTP terminations a second otherwise spends its time creating, binding, registering and closing sockets. What an
 * idle socket receives (the last packets of the call that had it) is dropped; a probe given a reused socket
 * ignores packets from anyone but its own remote end, as before.
 */
public final class UdpMediaNetwork implements MediaNetwork, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(UdpMediaNetwork.class.getName());

    private final EventLoop loop;
    private final EventLoopGroup ownedGroup;
    private final EventLoopSimScheduler scheduler;
    private final LongAdder sendFailures = new LongAdder();
    private final LongAdder openSockets = new LongAdder();
    private final LongAdder socketsReused = new LongAdder();
    /**
     * Idle sockets kept for reuse per network ({@code -Dholdfast.sim.idleMediaSockets=N}; 0: every close closes the
     * socket, the old way).
     */
    public static final int IDLE_SOCKETS_KEPT = Integer.getInteger("holdfast.sim.idleMediaSockets", 2048);
    /** Idle sockets by bound address, most recently closed first. */
    private final java.util.concurrent.ConcurrentHashMap<InetAddress, java.util.concurrent.ConcurrentLinkedDeque<Bound>> idle =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger idleCount = new java.util.concurrent.atomic.AtomicInteger();

    /** A bound, registered socket and where its datagrams go now (nowhere while idle). */
    private static final class Bound {
        final NioDatagramChannel channel;
        final InetSocketAddress local;
        volatile MediaSocket.Receiver receiver;

        Bound(NioDatagramChannel channel, InetSocketAddress local) { this.channel = channel; this.local = local; }
    }

    private UdpMediaNetwork(EventLoop loop, EventLoopGroup ownedGroup) {
        this.loop = loop;
        this.ownedGroup = ownedGroup;
        this.scheduler = new EventLoopSimScheduler(loop);
    }

    /** A network on one loop of {@code group} (shared with whatever else runs there; not closed with this). */
    public static UdpMediaNetwork on(EventLoopGroup group) {
        return new UdpMediaNetwork(group.next(), null);
    }

    /** A network on a private single-thread loop, shut down by {@link #close()}. */
    public static UdpMediaNetwork ownLoop() {
        NioEventLoopGroup g = new NioEventLoopGroup(1);
        return new UdpMediaNetwork(g.next(), g);
    }

    @Override public SimScheduler scheduler() { return scheduler; }

    public EventLoop eventLoop() { return loop; }

    /** Datagrams that could not be handed to the kernel, and errors the sockets reported (ICMP unreachable). */
    public long sendFailures() { return sendFailures.sum(); }

    public long openSockets() { return openSockets.sum(); }

    /** Sockets handed out again from the idle ones instead of opened. */
    public long socketsReused() { return socketsReused.sum(); }

    @Override public MediaSocket open(InetAddress address, MediaSocket.Receiver receiver) throws IOException {
        var q = idle.get(address);
        for (Bound b; q != null && (b = q.pollFirst()) != null; ) {
            idleCount.decrementAndGet();
            if (!b.channel.isOpen()) continue;
            b.receiver = receiver;
            socketsReused.increment();
            openSockets.increment();
            return new UdpSocket(b);
        }
        DatagramChannel nio = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            nio.bind(new InetSocketAddress(address, 0));
        } catch (IOException | RuntimeException e) {
            nio.close();
            throw e;
        }
        InetSocketAddress local = (InetSocketAddress) nio.getLocalAddress();
        NioDatagramChannel channel = new NioDatagramChannel(nio);
        Bound bound = new Bound(channel, local);
        bound.receiver = receiver;
        channel.pipeline().addLast(new SimpleChannelInboundHandler<DatagramPacket>() {
            @Override protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                ByteBuf content = packet.content();
                byte[] bytes = new byte[content.readableBytes()];
                content.readBytes(bytes);
                MediaSocket.Receiver r = bound.receiver;
                if (r == null) return; // idle: the previous call's last packets
                try {
                    r.received(packet.sender(), bytes);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "media receiver failed on " + local, e);
                }
            }

            @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                // ICMP port unreachable and the like: a lost packet, not a reason to close the socket. A send that
                // failed ends here too (sends use the void promise)
                sendFailures.increment();
                LOG.log(System.Logger.Level.DEBUG, () -> "media socket " + local + ": " + cause);
            }
        });
        loop.register(channel);
        openSockets.increment();
        return new UdpSocket(bound);
    }

    /** One use of a bound socket: closing it makes the socket idle (or closes it when enough are idle). */
    private final class UdpSocket implements MediaSocket {
        private final Bound bound;
        private final NioDatagramChannel channel;
        private final InetSocketAddress local;
        private volatile boolean closed;

        UdpSocket(Bound bound) {
            this.bound = bound;
            this.channel = bound.channel;
            this.local = bound.local;
        }

        @Override public InetSocketAddress localAddress() { return local; }

        @Override public void send(InetSocketAddress to, byte[] datagram) {
            if (closed) return;
            // the void promise: no promise and listener per packet (a drill's load generator spent most of its CPU
            // in RTP sends; a failure reaches exceptionCaught, which counts it)
            channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(datagram), to), channel.voidPromise());
        }

        @Override public void close() {
            if (closed) return;
            closed = true;
            openSockets.decrement();
            bound.receiver = null;
            if (channel.isOpen() && idleCount.incrementAndGet() <= IDLE_SOCKETS_KEPT) {
                idle.computeIfAbsent(local.getAddress(), a -> new java.util.concurrent.ConcurrentLinkedDeque<>())
                        .addFirst(bound);
            } else {
                idleCount.decrementAndGet();
                channel.close();
            }
        }
    }

    @Override public void close() {
        for (var q : idle.values()) {
            for (Bound b; (b = q.pollFirst()) != null; ) b.channel.close();
        }
        idleCount.set(0);
        if (ownedGroup != null) ownedGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
