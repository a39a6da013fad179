package dev.holdfast.h248.transport;

import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.text.TextCodec;
import dev.holdfast.h248.transaction.TransactionOptions;
import dev.holdfast.h248.transport.udp.UdpTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Several transactions to one peer in one turn leave as one message, over real UDP and TCP sockets on 127.0.0.1;
 * a batch too large for one datagram (or TPKT frame) is split at transaction boundaries, in order.
 */
class TurnBatchingOverSocketsTest {
    static final InetSocketAddress ANY_LOCAL = new InetSocketAddress("127.0.0.1", 0);
    static final TransactionOptions FAST = TransactionOptions.DEFAULTS
            .withRetransmission(Duration.ofMillis(300), Duration.ofSeconds(1), 4)
            .withReliableReplyTimeout(Duration.ofSeconds(3))
            .withLongTimer(Duration.ofSeconds(3));
    static final EndpointOptions OPTIONS = EndpointOptions.DEFAULTS.withTransactions(FAST);

    final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        Collections.reverse(closeables);
        for (AutoCloseable c : closeables) c.close();
    }

    <T extends AutoCloseable> T keep(T c) {
        closeables.add(c);
        return c;
    }

    static MId mid() { return MId.ipv4("127.0.0.1", null); }

    static long idOf(Transaction t) {
        if (t instanceof Transaction.Request r) return r.transactionId();
        if (t instanceof Transaction.Reply r) return r.transactionId();
        throw new AssertionError("no id: " + t);
    }

    /** An MG whose handler sends a Notify to the requester and then answers, both in the handler's turn. */
    static void notifyThenReply(H248Endpoint mg, List<CompletableFuture<Transaction.Reply>> notifies) {
        mg.onRequest(r -> {
            if (notifies.isEmpty()) notifies.add(mg.send(r.peer(), Messages.notifyOnOff()));
            return CompletableFuture.completedFuture(Messages.modifyReply());
        });
    }

    @Test
    void udpANotifyAndAReplyInOneTurnAreOneDatagramInTheOrderSent() throws Exception {
        H248Endpoint mg = keep(H248Endpoint.udp(mid(), ANY_LOCAL, OPTIONS));
        List<CompletableFuture<Transaction.Reply>> notifies = Collections.synchronizedList(new ArrayList<>());
        notifyThenReply(mg, notifies);
        RawUdpPeerAccess mgc = keep(new RawUdpPeerAccess());
        mgc.send("MEGACO/1 [127.0.0.1]:" + mgc.port() + "\nTransaction = 7 {\n  Context = - {\n    Modify = A4444\n  }\n}\n",
                mg.localAddress());

        String datagram = mgc.receive(3000);
        assertNotNull(datagram);
        List<Transaction> ts = TextCodec.parse(datagram).transactions();
        assertEquals(2, ts.size(), "one datagram with both: " + datagram);
        Transaction.Request notify = assertInstanceOf(Transaction.Request.class, ts.get(0));
        Transaction.Reply reply = assertInstanceOf(Transaction.Reply.class, ts.get(1));
        assertEquals(7, reply.transactionId());

        // the MGC answers the Notify (and acks nothing): the MG's request completes
        mgc.send("MEGACO/1 [127.0.0.1]:" + mgc.port() + "\nReply = " + notify.transactionId()
                + " {\n  Context = - {\n    Notify = A4444\n  }\n}\n", mg.localAddress());
        assertNotNull(notifies.get(0).get(3, TimeUnit.SECONDS));
        assertEquals(1, mg.counters().messagesSent.sum());
    }

    @Test
    void udpABatchLargerThanOneEthernetFrameIsSplitInOrderAndEveryPartFits() throws Exception {
        H248Endpoint mg = keep(H248Endpoint.udp(mid(), ANY_LOCAL, OPTIONS));
        RawUdpPeerAccess mgc = keep(new RawUdpPeerAccess());
        int n = 40;
        List<List<ActionRequest>> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) batch.add(Messages.notifyOnOff());
        List<CompletableFuture<Transaction.Reply>> fs = mg.sendBatch(mgc.asPeer(), batch);

        List<Long> ids = new ArrayList<>();
        int datagrams = 0;
        StringBuilder replies = new StringBuilder("MEGACO/1 [127.0.0.1]:" + mgc.port() + "\n");
        while (ids.size() < n) {
            String d = mgc.receive(3000);
            assertNotNull(d, "only " + ids.size() + " of " + n + " transactions came");
            datagrams++;
            assertTrue(d.getBytes(StandardCharsets.ISO_8859_1).length <= UdpTransport.BATCH_DATAGRAM_LIMIT,
                    "datagram of " + d.length() + " octets");
            for (Transaction t : TextCodec.parse(d).transactions()) ids.add(idOf(t));
        }
        assertTrue(datagrams > 1, "the batch needed more than one datagram");
        List<Long> sorted = new ArrayList<>(ids);
        Collections.sort(sorted);
        assertEquals(sorted, ids, "transactions in the order sent");
        assertEquals(n, ids.stream().distinct().count());
        assertTrue(mg.counters().batchesSplit.sum() > 0);

        // answer them all in one datagram: the receiving side handles a multi-transaction message fully
        for (long id : ids) replies.append("Reply = ").append(id).append(" { Context = - { Notify = A4444 } }\n");
        mgc.send(replies.toString(), mg.localAddress());
        for (var f : fs) assertNotNull(f.get(3, TimeUnit.SECONDS));
        assertEquals(n, mg.counters().repliesReceived.sum());
    }

    @Test
    void tcpANotifyAndAReplyInOneTurnAreOneFrame() throws Exception {
        H248Endpoint mgc = keep(H248Endpoint.tcpServer(mid(), ANY_LOCAL, OPTIONS));
        mgc.onRequest(r -> CompletableFuture.completedFuture(Messages.notifyReply()));
        H248Endpoint mg = keep(H248Endpoint.tcpClient(mid(), mgc.localAddress(), OPTIONS));
        List<CompletableFuture<Transaction.Reply>> notifies = Collections.synchronizedList(new ArrayList<>());
        notifyThenReply(mg, notifies);
        Peer toMg = awaitPeer(mgc);

        assertNotNull(mgc.send(toMg, Messages.modifyWithEvents()).get(3, TimeUnit.SECONDS));
        assertNotNull(notifies.get(0).get(3, TimeUnit.SECONDS));
        assertEquals(1, mgc.counters().messagesReceived.sum(), "the Notify and the reply in one TPKT frame");
        assertEquals(1, mgc.counters().repliesReceived.sum());
        assertEquals(1, mgc.counters().requestsReceived.sum());
    }

    @Test
    void tcpABatchOverTheFrameLimitIsSplitAndAllAnswered() throws Exception {
        EndpointOptions small = OPTIONS.withMaxFrameSize(1000);
        H248Endpoint mgc = keep(H248Endpoint.tcpServer(mid(), ANY_LOCAL, small));
        H248Endpoint mg = keep(H248Endpoint.tcpClient(mid(), mgc.localAddress(), small));
        mg.onRequest(r -> CompletableFuture.completedFuture(Messages.modifyReply()));
        Peer toMg = awaitPeer(mgc);
        int n = 30;
        List<List<ActionRequest>> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) batch.add(Messages.modifyWithEvents());
        List<CompletableFuture<Transaction.Reply>> fs = mgc.sendBatch(toMg, batch);
        for (var f : fs) assertEquals(Messages.modifyReply(), f.get(3, TimeUnit.SECONDS).actions());
        assertTrue(mg.counters().messagesReceived.sum() > 1, "split into several frames");
        assertTrue(mgc.counters().batchesSplit.sum() > 0);
        assertEquals(n, mg.counters().requestsReceived.sum());
        assertEquals(0, mgc.counters().sendFailures.sum());
    }

    static Peer awaitPeer(H248Endpoint server) throws InterruptedException {
        for (int i = 0; i < 300 && server.connectedPeers().isEmpty(); i++) Thread.sleep(10);
        assertFalse(server.connectedPeers().isEmpty(), "client connected");
        return server.connectedPeers().iterator().next();
    }
}
