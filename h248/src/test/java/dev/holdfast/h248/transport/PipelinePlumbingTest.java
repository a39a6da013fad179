package dev.holdfast.h248.transport;

import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.MessageBody;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.transaction.PeerLostException;
import dev.holdfast.h248.transaction.TransactionOptions;
import dev.holdfast.h248.transaction.TransactionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Transports, pipeline and transaction layer on real sockets, with {@link RegistryCodec} in place of the text
 * codec so that the plumbing is tested on its own (the text codec has its own tests; the endpoint tests with it
 * are UdpEndpointTest and TcpEndpointTest).
 */
class PipelinePlumbingTest {
    static final InetSocketAddress ANY_LOCAL = new InetSocketAddress("127.0.0.1", 0);
    static final MId MID = MId.ipv4("127.0.0.1", null);
    static final TransactionOptions FAST = TransactionOptions.DEFAULTS
            .withRetransmission(Duration.ofMillis(200), Duration.ofMillis(800), 4)
            .withProvisionalResponseTime(Duration.ofMillis(150))
            .withReliableReplyTimeout(Duration.ofSeconds(30))
            .withLongTimer(Duration.ofSeconds(3));
    static final EndpointOptions OPTIONS = EndpointOptions.DEFAULTS.withTransactions(FAST)
            .withCodec(RegistryCodec.INSTANCE).withMaxFrameSize(4096);

    final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) closeables.get(i).close();
    }

    <T extends AutoCloseable> T closeLater(T c) { closeables.add(c); return c; }

    H248Endpoint udp() throws Exception { return closeLater(H248Endpoint.udp(MID, ANY_LOCAL, OPTIONS)); }

    static Peer peerOf(H248Endpoint e) { return Peer.of("127.0.0.1", e.localAddress().getPort()); }

    static Message msg(Transaction... ts) { return Message.of(1, MId.ipv4("127.0.0.1", 1), ts); }

    static <T> T await(java.util.function.Supplier<T> value, java.util.function.Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        T v = value.get();
        while (!done.test(v) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            v = value.get();
        }
        return v;
    }

    @Test
    void udpRequestAndReply() throws Exception {
        H248Endpoint mgc = udp();
        H248Endpoint mg = udp();
        mg.onRequest(r -> CompletableFuture.completedFuture(Messages.modifyReply()));
        Transaction.Reply r = mgc.send(peerOf(mg), Messages.modifyWithEvents()).get(5, TimeUnit.SECONDS);
        assertEquals(Messages.modifyReply(), r.actions());
        assertEquals(1, mgc.counters().messagesSent.sum());
        assertEquals(1, mg.counters().messagesReceived.sum());
    }

    @Test
    void udpFirstDatagramDroppedByThePeerIsRetransmitted() throws Exception {
        H248Endpoint mgc = udp();
        RawUdpPeerAccess mg = closeLater(new RawUdpPeerAccess());
        CompletableFuture<Transaction.Reply> f = mgc.send(mg.asPeer(), Messages.modifyWithEvents());
        long t0 = System.nanoTime();
        assertNotNull(mg.receive(2000));                                  // "lost"
        Message copy = RegistryCodec.decodeOrNull(mg.receive(2000));
        long waited = System.nanoTime() - t0;
        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(150), "after the initial timer: " + waited);
        long id = ((Transaction.Request) copy.transactions().get(0)).transactionId();
        mg.send(RegistryCodec.encodeToString(msg(Transaction.Reply.of(id, Messages.modifyReply()))), mgc.localAddress());
        assertEquals(id, f.get(2, TimeUnit.SECONDS).transactionId());
        assertEquals(1, mgc.counters().retransmissions.sum());
        assertTrue(mgc.transactions().stateSizes().isEmpty());
    }

    @Test
    void udpDuplicateRequestIsAnsweredFromTheCache() throws Exception {
        H248Endpoint mg = udp();
        AtomicInteger calls = new AtomicInteger();
        mg.onRequest(r -> { calls.incrementAndGet(); return CompletableFuture.completedFuture(Messages.modifyReply()); });
        RawUdpPeerAccess mgc = closeLater(new RawUdpPeerAccess());
        String request = RegistryCodec.encodeToString(msg(new Transaction.Request(42, Messages.modifyWithEvents())));
        mgc.send(request, mg.localAddress());
        Message r1 = RegistryCodec.decodeOrNull(mgc.receive(2000));
        mgc.send(request, mg.localAddress());
        Message r2 = RegistryCodec.decodeOrNull(mgc.receive(2000));
        assertEquals(r1.transactions(), r2.transactions());
        assertEquals(1, calls.get());
        assertEquals(1, mg.counters().duplicateRequests.sum());
    }

    @Test
    void udpSlowHandlerSendsPendingAndTheSenderWaits() throws Exception {
        H248Endpoint mgc = udp();
        H248Endpoint mg = udp();
        // no Pending: the sender would give up after 0.2+0.4+0.8+0.8+0.8 = 3 s; the handler takes 3.5 s
        mg.onRequest(r -> CompletableFuture.supplyAsync(Messages::modifyReply,
                CompletableFuture.delayedExecutor(3500, TimeUnit.MILLISECONDS)));
        Transaction.Reply r = mgc.send(peerOf(mg), Messages.modifyWithEvents()).get(10, TimeUnit.SECONDS);
        assertEquals(Messages.modifyReply(), r.actions());
        assertTrue(mgc.counters().pendingsReceived.sum() >= 1);
        assertEquals(0, mgc.counters().timeouts.sum());
    }

    @Test
    void udpSilentPeerTimesOutAndLeavesNoState() throws Exception {
        H248Endpoint mgc = udp();
        RawUdpPeerAccess silent = closeLater(new RawUdpPeerAccess());
        CompletableFuture<Transaction.Reply> f = mgc.send(silent.asPeer(), Messages.modifyWithEvents());
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertInstanceOf(TransactionTimeoutException.class, e.getCause());
        int copies = 0;
        while (silent.receive(100) != null) copies++;
        assertEquals(5, copies);
        assertTrue(mgc.transactions().stateSizes().isEmpty());
    }

    @Test
    void udpGarbageIsCountedAnsweredOrDroppedAndAFloodDoesNotDisturbTransactions() throws Exception {
        H248Endpoint mgc = udp();
        H248Endpoint mg = udp();
        mg.onRequest(r -> CompletableFuture.completedFuture(Messages.modifyReply()));
        RawUdpPeerAccess attacker = closeLater(new RawUdpPeerAccess());
        // With an H.248 header: answered with a message-level error 400.
        attacker.send("MEGACO/1 [127.0.0.1]:1 ###", mg.localAddress());
        Message answer = RegistryCodec.decodeOrNull(attacker.receive(2000));
        assertEquals(400, ((MessageBody.Error) answer.body()).error().code());
        // A flood of random octets (no header: dropped) while 200 transactions run.
        AtomicBoolean stop = new AtomicBoolean();
        Thread flood = new Thread(() -> {
            SplittableRandom rnd = new SplittableRandom(7);
            try {
                for (int i = 0; i < 20_000 && !stop.get(); i++) {
                    byte[] junk = new byte[1 + rnd.nextInt(300)];
                    rnd.nextBytes(junk);
                    attacker.send(junk, mg.localAddress());
                }
            } catch (Exception ignored) {
                // socket closed at the end
            }
        });
        flood.start();
        List<CompletableFuture<Transaction.Reply>> fs = new ArrayList<>();
        for (int i = 0; i < 200; i++) fs.add(mgc.send(peerOf(mg), Messages.modifyWithEvents()));
        for (var f : fs) assertEquals(Messages.modifyReply(), f.get(10, TimeUnit.SECONDS).actions());
        stop.set(true);
        flood.join(10_000);
        assertTrue(mg.counters().decodeErrors.sum() > 1);
        assertEquals(1, mg.counters().errorRepliesSent.sum(), "random octets are not answered");
        assertNull(attacker.receive(300));
    }

    @Test
    void tcpRequestAndReplyThenPeerLossFailsOutstandingTransactions() throws Exception {
        H248Endpoint mgc = closeLater(H248Endpoint.tcpServer(MID, ANY_LOCAL, OPTIONS));
        mgc.onRequest(r -> CompletableFuture.completedFuture(Messages.serviceChangeReply()));
        H248Endpoint mg = H248Endpoint.tcpClient(MID, mgc.localAddress(), OPTIONS);
        CompletableFuture<List<ActionReply>> never = new CompletableFuture<>();
        mg.onRequest(r -> never);
        try {
            assertEquals(Messages.serviceChangeReply(),
                    mg.send(mg.remotePeer(), Messages.serviceChangeRestart()).get(5, TimeUnit.SECONDS).actions());
            Peer peer = await(mgc::connectedPeers, s -> !s.isEmpty()).iterator().next();
            List<CompletableFuture<Transaction.Reply>> fs = new ArrayList<>();
            for (int i = 0; i < 10; i++) fs.add(mgc.send(peer, Messages.modifyWithEvents()));
            await(() -> mg.transactions().stateSizes().incoming(), n -> n == 10);
            long t0 = System.nanoTime();
            mg.close();
            for (var f : fs) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(2, TimeUnit.SECONDS));
                assertInstanceOf(PeerLostException.class, e.getCause());
            }
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1));
            assertTrue(mgc.transactions().stateSizes().isEmpty());
            assertEquals(0, mgc.counters().retransmissions.sum());
        } finally {
            mg.close();
        }
    }

    @Test
    void tcpBadFramesCloseOnlyTheirConnection() throws Exception {
        H248Endpoint mgc = closeLater(H248Endpoint.tcpServer(MID, ANY_LOCAL, OPTIONS));
        mgc.onRequest(r -> CompletableFuture.completedFuture(Messages.serviceChangeReply()));
        H248Endpoint good = closeLater(H248Endpoint.tcpClient(MID, mgc.localAddress(), OPTIONS));
        for (byte[] bad : List.of(new byte[]{3, 0, (byte) 0xFF, (byte) 0xF0}, new byte[]{2, 0, 0, 10, 1, 2, 3, 4, 5, 6})) {
            try (Socket s = new Socket()) {
                s.connect(mgc.localAddress(), 2000);
                s.setSoTimeout(3000);
                OutputStream out = s.getOutputStream();
                out.write(bad);
                out.flush();
                assertEquals(-1, s.getInputStream().read(), "closed by the server");
            }
            assertNotNull(good.send(good.remotePeer(), Messages.serviceChangeRestart()).get(5, TimeUnit.SECONDS));
        }
        assertEquals(1, mgc.counters().oversized.sum());
        assertEquals(1, mgc.counters().malformedFrames.sum());
        assertEquals(1, await(mgc::connectedPeers, s -> s.size() == 1).size());
    }

    @Test
    void udpOversizedAndEmptyDatagramsAreDroppedAndCounted() throws Exception {
        H248Endpoint mg = closeLater(H248Endpoint.udp(MID, ANY_LOCAL, OPTIONS.withMaxDatagramSize(100)));
        RawUdpPeerAccess peer = closeLater(new RawUdpPeerAccess());
        peer.send(new byte[0], mg.localAddress());
        peer.send(new byte[5000], mg.localAddress());
        await(() -> mg.counters().oversized.sum() + mg.counters().malformedFrames.sum(), n -> n == 2);
        assertEquals(1, mg.counters().oversized.sum());
        assertEquals(1, mg.counters().malformedFrames.sum());
        assertEquals(0, mg.counters().messagesReceived.sum());
    }
}
