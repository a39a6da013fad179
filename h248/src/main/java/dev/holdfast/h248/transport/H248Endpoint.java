package dev.holdfast.h248.transport;

import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.ErrorDescriptor;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.transaction.EventExecutorScheduler;
import dev.holdfast.h248.transaction.MessageSender;
import dev.holdfast.h248.transaction.RequestHandler;
import dev.holdfast.h248.transaction.TransactionManager;
import dev.holdfast.h248.transport.codec.CodecConfig;
import dev.holdfast.h248.transport.tcp.TcpTransport;
import dev.holdfast.h248.transport.udp.UdpTransport;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * One local H.248 entity (an MG or an MGC) on one transport: transport + text codec + transaction layer,
 * composed. Requests go out with {@link #send}; requests that come in go to the handler set with
 * {@link #onRequest}.
 *
 * <pre>
 *   try (H248Endpoint mgc = H248Endpoint.udp(mid, new InetSocketAddress("127.0.0.1", 2944), EndpointOptions.DEFAULTS)) {
 *       mgc.onRequest(req -> CompletableFuture.completedFuture(replyActions(req)));
 *       Transaction.Reply r = mgc.send(mgPeer, actions).get();
 *   }
 * </pre>
 */
public final class H248Endpoint implements AutoCloseable {
    public static final int DEFAULT_PORT = TcpTransport.DEFAULT_PORT;

    private final TransactionManager transactions;
    private final AutoCloseable transport;
    private final MessageSender sender;
    private final EventLoopGroup ownedGroup;
    private final H248Counters counters;
    private final InetSocketAddress localAddress;
    private final Peer remotePeer;
    private final DeferredListener listener;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /** Lets the transport be built before the transaction manager it delivers to. */
    private static final class DeferredListener implements TransportListener {
        volatile TransactionManager manager;
        volatile Consumer<Peer> onConnected = p -> { };
        volatile Consumer<Peer> onLost = p -> { };

        @Override public void onMessage(Peer peer, Message message) { manager.onMessage(peer, message); }

        @Override public void onPeerLost(Peer peer) {
            manager.onPeerLost(peer);
            onLost.accept(peer);
        }

        @Override public void onPeerConnected(Peer peer) { onConnected.accept(peer); }
    }

    private H248Endpoint(TransactionManager transactions, AutoCloseable transport, MessageSender sender,
                         EventLoopGroup ownedGroup, H248Counters counters, InetSocketAddress localAddress,
                         Peer remotePeer, DeferredListener listener) {
        this.transactions = transactions;
        this.transport = transport;
        this.sender = sender;
        this.ownedGroup = ownedGroup;
        this.counters = counters;
        this.localAddress = localAddress;
        this.remotePeer = remotePeer;
        this.listener = listener;
    }

    /** An endpoint on a UDP socket bound to {@code bind} (port 0: any free port). */
    public static H248Endpoint udp(MId localMid, InetSocketAddress bind, EndpointOptions options)
            throws InterruptedException, IOException {
        return build(localMid, options, false, (group, codec, l) -> {
            UdpTransport t = UdpTransport.bind(group, bind, codec, options.maxDatagramSize(), l);
            return new Built(t, t, t.localAddress(), null);
        });
    }

    /** An endpoint listening for TCP connections on {@code bind}; each connection is a peer. */
    public static H248Endpoint tcpServer(MId localMid, InetSocketAddress bind, EndpointOptions options)
            throws InterruptedException, IOException {
        return build(localMid, options, true, (group, codec, l) -> {
            TcpTransport t = TcpTransport.listen(group, bind, codec, options.maxFrameSize(), l);
            return new Built(t, t, t.localAddress(), null);
        });
    }

    /** An endpoint connected over TCP to {@code remote}; {@link #remotePeer()} is the peer to send to. */
    public static H248Endpoint tcpClient(MId localMid, InetSocketAddress remote, EndpointOptions options)
            throws InterruptedException, IOException {
        return build(localMid, options, true, (group, codec, l) -> {
            TcpTransport t = TcpTransport.connect(group, remote, null, codec, options.maxFrameSize(), l,
                    options.connectTimeoutMillis());
            return new Built(t, t, t.localAddress(), t.remotePeer());
        });
    }

    /** Lets the transaction manager exist before the transport it sends through (which delivers to it). */
    private static final class DeferredSender implements MessageSender {
        final CompletableFuture<MessageSender> target = new CompletableFuture<>();
        final boolean reliable;

        DeferredSender(boolean reliable) { this.reliable = reliable; }

        @Override public java.util.concurrent.CompletionStage<Void> send(Peer peer, Message message) {
            MessageSender t = target.getNow(null);
            return t != null ? t.send(peer, message) : target.thenCompose(s -> s.send(peer, message));
        }

        @Override public boolean reliable() { return reliable; }
    }

    private record Built(AutoCloseable transport, MessageSender sender, InetSocketAddress local, Peer remote) {}

    @FunctionalInterface
    private interface TransportFactory {
        Built create(EventLoopGroup group, CodecConfig codec, TransportListener listener)
                throws InterruptedException, IOException;
    }

    private static H248Endpoint build(MId localMid, EndpointOptions options, boolean reliable,
                                      TransportFactory factory)
            throws InterruptedException, IOException {
        EventLoopGroup owned = options.eventLoopGroup() == null ? new NioEventLoopGroup(1) : null;
        EventLoopGroup group = owned != null ? owned : options.eventLoopGroup();
        try {
            H248Counters counters = new H248Counters();
            CodecConfig codec = new CodecConfig(localMid, options.transactions().protocolVersion(),
                    options.decodeOptions(), options.textFormFor(), counters, options.codec(), options.maxErrorAnswersPerSecond());
            DeferredListener listener = new DeferredListener();
            DeferredSender sender = new DeferredSender(reliable);
            EventLoop loop = group.next();
            RandomGenerator random = options.random() != null ? options.random() : new SplittableRandom();
            TransactionManager manager = new TransactionManager(localMid, options.transactions(),
                    new EventExecutorScheduler(loop), sender, counters, random);
            listener.manager = manager;
            Built built = factory.create(group, codec, listener);
            sender.target.complete(built.sender());
            return new H248Endpoint(manager, built.transport(), built.sender(), owned, counters, built.local(),
                    built.remote(), listener);
        } catch (InterruptedException | IOException | RuntimeException e) {
            if (owned != null) owned.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Sends one transaction request to {@code peer}; completes with its reply or a TransactionException. */
    public CompletableFuture<Transaction.Reply> send(Peer peer, List<ActionRequest> actions) {
        return transactions.send(peer, actions);
    }

    /** Sends several transaction requests in one message. */
    public List<CompletableFuture<Transaction.Reply>> sendBatch(Peer peer, List<List<ActionRequest>> requests) {
        return transactions.sendBatch(peer, requests);
    }

    /** The user callback for received requests. */
    public H248Endpoint onRequest(RequestHandler handler) {
        transactions.setRequestHandler(handler);
        return this;
    }

    /** Called for each message-level error received. */
    public H248Endpoint onMessageError(BiConsumer<Peer, ErrorDescriptor> listener) {
        transactions.setMessageErrorListener(listener);
        return this;
    }

    /** Called when a TCP connection to a peer is established (not for UDP). */
    public H248Endpoint onPeerConnected(Consumer<Peer> callback) {
        listener.onConnected = callback;
        return this;
    }

    /** Called when a TCP connection to a peer closes (not for UDP), after its transactions have failed. */
    public H248Endpoint onPeerLost(Consumer<Peer> callback) {
        listener.onLost = callback;
        return this;
    }

    /** A random wait in [0, MWD) before an MG's first ServiceChange after a restart (restart avoidance). */
    /** Fails at once every request outstanding to {@code peer} ({@link TransactionManager#abandonPeer}). */
    public void abandon(Peer peer, String why) { transactions.abandonPeer(peer, why); }

    /**
     * Runs {@code work} on the endpoint's transaction thread in one turn: the replies it completes and the requests it
     * sends to one peer leave in one message ({@link TransactionManager#inOneTurn}).
     */
    public void inOneTurn(Runnable work) { transactions.inOneTurn(work); }

    /** As {@link #inOneTurn(Runnable)}, then {@code afterSent} once its messages were handed to the transport. */
    public void inOneTurn(Runnable work, Runnable afterSent) { transactions.inOneTurn(work, afterSent); }

    public java.time.Duration restartAvoidanceDelay() { return transactions.restartAvoidanceDelay(); }

    public InetSocketAddress localAddress() { return localAddress; }

    /** The server's peer for a TCP client endpoint; null otherwise. */
    public Peer remotePeer() { return remotePeer; }

    /** The peers connected now (TCP); empty for UDP. */
    public Set<Peer> connectedPeers() {
        return transport instanceof TcpTransport t ? t.peers() : Set.of();
    }

    public boolean reliable() { return sender.reliable(); }

    public H248Counters counters() { return counters; }

    public TransactionManager transactions() { return transactions; }

    /** Fails everything outstanding, closes the sockets and (if it owns one) the event loop group. */
    @Override public void close() {
        if (!closed.compareAndSet(false, true)) return;
        transactions.close();
        try {
            transport.close();
        } catch (Exception e) {
            System.getLogger(H248Endpoint.class.getName()).log(System.Logger.Level.WARNING, "close failed", e);
        }
        if (ownedGroup != null) ownedGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
