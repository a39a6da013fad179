package dev.holdfast.gatewaysim.control;

import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.transaction.TransactionSendException;
import dev.holdfast.h248.transport.EndpointOptions;
import dev.holdfast.h248.transport.H248Endpoint;
import dev.holdfast.h248.transport.Peer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The gateway's control network over the h248 module's {@link H248Endpoint}: over UDP one socket for every
 * controller (the gateway's H.248 port); over TCP one connection per controller, opened on {@link #connect} and
 * watched for closing. Endpoints run on the event loop group of the options given, so hundreds of simulated
 * gateways share one group. Connecting and closing sockets block, so they run on the {@code blocking} executor,
 * never on an event loop.
 */
public final class H248ControlNetwork implements ControlNetwork {
    private static final System.Logger LOG = System.getLogger(H248ControlNetwork.class.getName());

    public enum Transport { UDP, TCP }

    private final MId mid;
    private final EndpointOptions options;
    private final Executor blocking;
    private final H248Endpoint udp;
    private final Map<InetSocketAddress, H248Endpoint> tcp = new ConcurrentHashMap<>();
    private volatile Listener listener;
    private volatile boolean closed;

    private H248ControlNetwork(MId mid, EndpointOptions options, Executor blocking, H248Endpoint udp) {
        this.mid = mid;
        this.options = options;
        this.blocking = blocking;
        this.udp = udp;
    }

    /** UDP, bound now to {@code bind} (port 0: any free port). */
    public static H248ControlNetwork udp(MId mid, InetSocketAddress bind, EndpointOptions options, Executor blocking)
            throws IOException, InterruptedException {
        H248Endpoint e = H248Endpoint.udp(mid, bind, options);
        H248ControlNetwork n = new H248ControlNetwork(mid, options, blocking, e);
        e.onRequest(req -> n.listener().onRequest(req.peer().address(), req.request()));
        return n;
    }

    /** TCP: a connection to each controller as the gateway needs it. */
    public static H248ControlNetwork tcp(MId mid, EndpointOptions options, Executor blocking) {
        return new H248ControlNetwork(mid, options, blocking, null);
    }

    private Listener listener() {
        Listener l = listener;
        if (l == null) throw new IllegalStateException("no listener");
        return l;
    }

    @Override public void setListener(Listener listener) { this.listener = Objects.requireNonNull(listener); }

    /** The local UDP address (null over TCP). */
    public InetSocketAddress localAddress() { return udp == null ? null : udp.localAddress(); }

    /** H.248 messages sent and received so far on this gateway's endpoints (a closed TCP connection's are gone). */
    public long messages() {
        long n = 0;
        if (udp != null) n += udp.counters().messagesSent.sum() + udp.counters().messagesReceived.sum();
        for (H248Endpoint e : tcp.values()) n += e.counters().messagesSent.sum() + e.counters().messagesReceived.sum();
        return n;
    }

    /**
     * H.248 transactions (requests, replies, acks, pendings) sent and received so far, to compare with
     * {@link #messages()}: more than one per message when turns are batched.
     */
    public long transactions() {
        long n = 0;
        if (udp != null) n += transactions(udp);
        for (H248Endpoint e : tcp.values()) n += transactions(e);
        return n;
    }

    private static long transactions(H248Endpoint e) {
        var c = e.counters();
        return c.requestsSent.sum() + c.repliesSent.sum() + c.requestsReceived.sum() + c.repliesReceived.sum()
                + c.retransmissions.sum();
    }

    /** Batches sent split in several messages because they were too large for one (see MessageEncodeHandler). */
    public long batchesSplit() {
        long n = udp == null ? 0 : udp.counters().batchesSplit.sum();
        for (H248Endpoint e : tcp.values()) n += e.counters().batchesSplit.sum();
        return n;
    }

    /** The counters of this gateway's endpoints now (over TCP, of the connections open now). */
    public List<dev.holdfast.h248.transport.H248Counters> counters() {
        List<dev.holdfast.h248.transport.H248Counters> out = new java.util.ArrayList<>();
        if (udp != null) out.add(udp.counters());
        for (H248Endpoint e : tcp.values()) out.add(e.counters());
        return out;
    }

    public Transport transport() { return udp != null ? Transport.UDP : Transport.TCP; }

    @Override public CompletionStage<Void> connect(InetSocketAddress controller) {
        if (udp != null || tcp.containsKey(controller)) return CompletableFuture.completedFuture(null);
        return CompletableFuture.runAsync(() -> {
            if (closed || tcp.containsKey(controller)) return;
            H248Endpoint e;
            try {
                e = H248Endpoint.tcpClient(mid, controller, options);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
            e.onRequest(req -> listener().onRequest(controller, req.request()));
            e.onPeerLost(p -> {
                if (tcp.remove(controller, e)) {
                    blocking.execute(e::close);
                    listener().onLost(controller, "TCP connection closed");
                }
            });
            H248Endpoint old = tcp.putIfAbsent(controller, e);
            if (old != null || closed) e.close();
        }, blocking);
    }

    @Override public CompletionStage<Transaction.Reply> send(InetSocketAddress controller, List<ActionRequest> actions) {
        if (udp != null) return udp.send(Peer.of(controller), actions);
        H248Endpoint e = tcp.get(controller);
        if (e == null) {
            return CompletableFuture.failedFuture(new TransactionSendException(Peer.of(controller), 0,
                    new IOException("not connected")));
        }
        return e.send(e.remotePeer(), actions);
    }

    @Override public void disconnect(InetSocketAddress controller) {
        // over UDP nothing closes: fail what waits for the lost controller now, so the association re-queues it
        // for the next one instead of waiting out the retransmission schedule (~15 s with the standard timers)
        if (udp != null) udp.abandon(Peer.of(controller), "controller " + controller + " declared lost");
        H248Endpoint e = tcp.remove(controller);
        if (e != null) blocking.execute(e::close);
    }

    @Override public void close() {
        closed = true;
        if (udp != null) udp.close();
        for (InetSocketAddress c : List.copyOf(tcp.keySet())) {
            H248Endpoint e = tcp.remove(c);
            if (e != null) {
                try {
                    e.close();
                } catch (RuntimeException ex) {
                    LOG.log(System.Logger.Level.DEBUG, "closing " + c + ": " + ex);
                }
            }
        }
    }
}
