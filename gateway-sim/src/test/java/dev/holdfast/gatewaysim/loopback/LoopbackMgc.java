package dev.holdfast.gatewaysim.loopback;

import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.text.TextCodec;
import dev.holdfast.h248.text.TextForm;
import dev.holdfast.h248.transaction.IncomingRequest;
import dev.holdfast.h248.transaction.TransactionOptions;
import dev.holdfast.h248.transport.EndpointOptions;
import dev.holdfast.h248.transport.H248Endpoint;
import dev.holdfast.h248.transport.Peer;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The test's own MGC: a real {@link H248Endpoint} on 127.0.0.1 (UDP, or a TCP server) that answers every
 * ServiceChange and Notify it receives with an empty reply (when {@link #answering}), records them, and sends
 * requests the test writes in H.248 text.
 */
final class LoopbackMgc implements AutoCloseable {
    static final MId MID = MId.ipv4("127.0.0.1", null);
    final H248Endpoint endpoint;
    final List<IncomingRequest> received = new CopyOnWriteArrayList<>();
    volatile boolean answering = true;
    private long tid = 1000;

    private LoopbackMgc(H248Endpoint endpoint) {
        this.endpoint = endpoint;
        endpoint.onRequest(this::onRequest);
    }

    static EndpointOptions options() {
        return EndpointOptions.DEFAULTS.withTransactions(TransactionOptions.DEFAULTS
                .withRetransmission(Duration.ofMillis(250), Duration.ofSeconds(1), 3)
                .withReliableReplyTimeout(Duration.ofSeconds(3)));
    }

    static LoopbackMgc udp() throws Exception {
        return new LoopbackMgc(H248Endpoint.udp(MID, new InetSocketAddress("127.0.0.1", 0), options()));
    }

    static LoopbackMgc tcp() throws Exception {
        return new LoopbackMgc(H248Endpoint.tcpServer(MID, new InetSocketAddress("127.0.0.1", 0), options()));
    }

    InetSocketAddress address() { return endpoint.localAddress(); }

    private CompletableFuture<List<ActionReply>> onRequest(IncomingRequest in) {
        received.add(in);
        if (!answering) return new CompletableFuture<>(); // never answered
        List<ActionReply> replies = new ArrayList<>();
        for (ActionRequest a : in.request().actions()) {
            List<CommandReply> r = new ArrayList<>();
            for (var cr : a.commands()) {
                Command c = cr.command();
                r.add(c instanceof Command.ServiceChange sc ? new CommandReply.ServiceChange(sc.terminationIds(), null, List.of())
                        : new CommandReply.Notify(c.terminationIds(), null));
            }
            replies.add(new ActionReply(a.contextId(), List.of(), r, null));
        }
        return CompletableFuture.completedFuture(replies);
    }

    /** The first received request matching {@code p}, waiting up to {@code limit}. */
    IncomingRequest await(Predicate<IncomingRequest> p, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        for (;;) {
            for (IncomingRequest r : received) if (p.test(r)) return r;
            if (System.nanoTime() > end) throw new AssertionError("not received within " + limit + "; got " + texts());
            Thread.sleep(10);
        }
    }

    static String text(IncomingRequest r) {
        return TextCodec.encode(Message.of(1, r.mid(), r.request()), TextForm.COMPACT);
    }

    List<String> texts() { return received.stream().map(LoopbackMgc::text).toList(); }

    /** The registration (ServiceChange) whose text contains {@code part} from the gateway with this mId port. */
    IncomingRequest awaitServiceChange(int mgPort, String part, Duration limit) throws InterruptedException {
        return await(r -> r.mid() instanceof MId.IpAddress ip && ip.port() != null && ip.port() == mgPort
                && text(r).contains("SC=ROOT") && text(r).contains(part), limit);
    }

    /** Sends a request written as a transaction body to {@code mg} and waits for the reply, as text. */
    String send(Peer mg, String actions) throws Exception {
        String text = "MEGACO/1 [127.0.0.1]\nTransaction = " + (++tid) + " {" + actions + "}";
        Transaction.Request req = (Transaction.Request) TextCodec.parse(text).transactions().get(0);
        Transaction.Reply reply = endpoint.send(mg, req.actions()).get(10, TimeUnit.SECONDS);
        return TextCodec.encode(Message.of(1, MID, reply), TextForm.COMPACT);
    }

    @Override public void close() { endpoint.close(); }
}
