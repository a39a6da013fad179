package dev.holdfast.h248.transport.tcp;

import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.transaction.MessageSender;
import dev.holdfast.h248.transport.Peer;
import dev.holdfast.h248.transport.TransactionDispatchHandler;
import dev.holdfast.h248.transport.TransportListener;
import dev.holdfast.h248.transport.codec.CodecConfig;
import dev.holdfast.h248.transport.codec.MessageDecodeHandler;
import dev.holdfast.h248.transport.codec.MessageEncodeHandler;
import dev.holdfast.h248.transport.codec.OutboundMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * H.248 over TCP (Annex D.2), as server (listen) or client (connect): one TPKT-framed message stream per
 * connection. Reliable: the transaction layer does not retransmit over it. A closed connection is reported to the
 * listener as the loss of that peer. No automatic reconnection: the user decides (a new client endpoint).
 */
public final class TcpTransport implements MessageSender, AutoCloseable {
    /** H.248 text over TCP and UDP: the registered port. */
    public static final int DEFAULT_PORT = 2944;

    private final ConnectionRegistry connections;
    private final Channel channel; // the listening channel (server) or the connection (client)

    private TcpTransport(ConnectionRegistry connections, Channel channel) {
        this.connections = connections;
        this.channel = channel;
    }

    /**
     * The pipeline of one H.248 TCP connection, in one place. Inbound top to bottom, outbound bottom to top:
     * <pre>
     *   connection-registry   open/closed connection -> peer table, peer loss to the listener
     *   tpkt-encoder          payload -> TPKT header + payload                         (outbound)
     *   tpkt-decoder          bytes -> InboundFrame (whole message), bad frames close  (inbound)
     *   message-encoder       OutboundMessage -> encoded text                          (outbound)
     *   message-decoder       InboundFrame -> InboundMessage, errors answered          (inbound)
     *   transaction-dispatch  InboundMessage -> transaction layer                      (inbound)
     * </pre>
     */
    static void composePipeline(ChannelPipeline p, CodecConfig codec, int maxFrameSize, ConnectionRegistry registry,
                                TransportListener listener) {
        p.addLast("connection-registry", registry);
        p.addLast("tpkt-encoder", new TpktFrameEncoder());
        p.addLast("tpkt-decoder", new TpktFrameDecoder(maxFrameSize, codec.counters()));
        p.addLast("message-encoder", new MessageEncodeHandler(codec, MessageEncodeHandler.Framing.STREAM, maxFrameSize));
        p.addLast("message-decoder", new MessageDecodeHandler(codec));
        p.addLast("transaction-dispatch", new TransactionDispatchHandler(listener));
    }

    /** Listens on {@code bind}; every accepted connection is a peer. */
    public static TcpTransport listen(EventLoopGroup group, InetSocketAddress bind, CodecConfig codec,
                                      int maxFrameSize, TransportListener listener) throws InterruptedException {
        ConnectionRegistry registry = new ConnectionRegistry(listener);
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override protected void initChannel(SocketChannel ch) {
                        composePipeline(ch.pipeline(), codec, maxFrameSize, registry, listener);
                    }
                });
        Channel server = b.bind(bind).sync().channel();
        return new TcpTransport(registry, server);
    }

    /** Connects to {@code remote}; the connection's remote end is the one peer. */
    public static TcpTransport connect(EventLoopGroup group, InetSocketAddress remote, InetSocketAddress localBind,
                                       CodecConfig codec, int maxFrameSize, TransportListener listener,
                                       int connectTimeoutMillis) throws InterruptedException, ConnectException {
        ConnectionRegistry registry = new ConnectionRegistry(listener);
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override protected void initChannel(SocketChannel ch) {
                        composePipeline(ch.pipeline(), codec, maxFrameSize, registry, listener);
                    }
                });
        ChannelFuture f = localBind == null ? b.connect(remote) : b.connect(remote, localBind);
        f.await();
        if (!f.isSuccess()) {
            ConnectException e = new ConnectException("cannot connect to " + remote + ": " + f.cause());
            e.initCause(f.cause());
            throw e;
        }
        return new TcpTransport(registry, f.channel());
    }

    @Override public CompletionStage<Void> send(Peer peer, Message message) {
        Channel ch = connections.channel(peer);
        if (ch == null || !ch.isActive()) {
            return CompletableFuture.failedFuture(new ConnectException("no connection to " + peer));
        }
        CompletableFuture<Void> result = new CompletableFuture<>();
        ch.writeAndFlush(new OutboundMessage(peer, message)).addListener(f -> {
            if (f.isSuccess()) result.complete(null);
            else result.completeExceptionally(f.cause());
        });
        return result;
    }

    @Override public boolean reliable() { return true; }

    public InetSocketAddress localAddress() { return (InetSocketAddress) channel.localAddress(); }

    /** The peers connected now. */
    public Set<Peer> peers() { return connections.peers(); }

    /** The connection's remote end (client), or null (server). */
    public Peer remotePeer() {
        return channel.remoteAddress() == null ? null : Peer.of((InetSocketAddress) channel.remoteAddress());
    }

    /** Closes the listening socket or the connection, and every accepted connection. */
    @Override public void close() {
        channel.close().syncUninterruptibly();
        for (Peer p : connections.peers()) {
            Channel c = connections.channel(p);
            if (c != null) c.close().syncUninterruptibly();
        }
    }
}
