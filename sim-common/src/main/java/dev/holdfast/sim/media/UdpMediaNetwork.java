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
 */
public final class UdpMediaNetwork implements MediaNetwork, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(UdpMediaNetwork.class.getName());

    private final EventLoop loop;
    private final EventLoopGroup ownedGroup;
    private final EventLoopSimScheduler scheduler;
    private final LongAdder sendFailures = new LongAdder();
    private final LongAdder openSockets = new LongAdder();

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

    @Override public MediaSocket open(InetAddress address, MediaSocket.Receiver receiver) throws IOException {
        DatagramChannel nio = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            nio.bind(new InetSocketAddress(address, 0));
        } catch (IOException | RuntimeException e) {
            nio.close();
            throw e;
        }
        InetSocketAddress local = (InetSocketAddress) nio.getLocalAddress();
        NioDatagramChannel channel = new NioDatagramChannel(nio);
        channel.pipeline().addLast(new SimpleChannelInboundHandler<DatagramPacket>() {
            @Override protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                ByteBuf content = packet.content();
                byte[] bytes = new byte[content.readableBytes()];
                content.readBytes(bytes);
                try {
                    receiver.received(packet.sender(), bytes);
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
        return new UdpSocket(channel, local);
    }

    private final class UdpSocket implements MediaSocket {
        private final NioDatagramChannel channel;
        private final InetSocketAddress local;
        private volatile boolean closed;

        UdpSocket(NioDatagramChannel channel, InetSocketAddress local) {
            this.channel = channel;
            this.local = local;
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
            channel.close();
        }
    }

    @Override public void close() {
        if (ownedGroup != null) ownedGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
