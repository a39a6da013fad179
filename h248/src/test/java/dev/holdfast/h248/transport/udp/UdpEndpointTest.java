package dev.holdfast.h248.transport.udp;

import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.MessageBody;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.text.TextCodec;
import dev.holdfast.h248.text.TextForm;
import dev.holdfast.h248.transaction.TransactionOptions;
import dev.holdfast.h248.transaction.TransactionTimeoutException;
import dev.holdfast.h248.transport.EndpointOptions;
import dev.holdfast.h248.transport.H248Endpoint;
import dev.holdfast.h248.transport.Messages;
import dev.holdfast.h248.transport.Peer;
import dev.holdfast.h248.transport.RawUdpPeerAccess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
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

/** H248Endpoint over real UDP sockets on 127.0.0.1. */
class UdpEndpointTest {
    static final InetSocketAddress ANY_LOCAL = new InetSocketAddress("127.0.0.1", 0);
    static final TransactionOptions FAST = TransactionOptions.DEFAULTS
            .withRetransmission(Duration.ofMillis(200), Duration.ofMillis(800), 4)
            .withProvisionalResponseTime(Duration.ofMillis(150))
            .withLongTimer(Duration.ofSeconds(3));

    final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables) c.close();
    }

    H248Endpoint endpoint(EndpointOptions options) throws Exception {
        H248Endpoint e = H248Endpoint.udp(MId.ipv4("127.0.0.1", null), ANY_LOCAL, options);
        closeables.add(e);
        return e;
    }

    H248Endpoint endpoint() throws Exception { return endpoint(EndpointOptions.DEFAULTS.withTransactions(FAST)); }

    RawUdpPeerAccess raw() throws Exception {
        RawUdpPeerAccess r = new RawUdpPeerAccess();
        closeables.add(r);
        return r;
    }

    static Peer peerOf(H248Endpoint e) { return Peer.of("127.0.0.1", e.localAddress().getPort()); }

    static String request(int localPort, long id, String body) {
        return "MEGACO/1 [127.0.0.1]:" + localPort + "\nTransaction = " + id + " {\n" + body + "\n}\n";
    }

    static long idOf(Transaction t) {
        if (t instanceof Transaction.Request r) return r.transactionId();
        if (t instanceof Transaction.Reply r) return r.transactionId();
        if (t instanceof Transaction.Pending p) return p.transactionId();
        throw new AssertionError("no id: " + t);
    }

    static final String MODIFY_BODY = "  Context = - {\n    Modify = A4444\n  }";

    @Test
    void requestAndReplyBetweenTwoEndpoints() throws Exception {
        H248Endpoint mgc = endpoint(EndpointOptions.DEFAULTS.withTransactions(FAST).withTextForm(TextForm.PRETTY));
        H248Endpoint mg = endpoint();
        mg.onRequest(r -> CompletableFuture.completedFuture(Messages.modifyReply()));
        mgc.onRequest(r -> CompletableFuture.completedFuture(Messages.serviceChangeReply()));

        Transaction.Reply sc = mg.send(peerOf(mgc), Messages.serviceChangeRestart()).get(5, TimeUnit.SECONDS);
        assertEquals(Messages.serviceChangeReply(), sc.actions());
        Transaction.Reply mod = mgc.send(peerOf(mg), Messages.modifyWithEvents()).get(5, TimeUnit.SECONDS);
        assertEquals(Messages.modifyReply(), mod.actions());
        assertEquals(0, mgc.counters().decodeErrors.sum() + mg.counters().decodeErrors.sum());
        assertEquals(2, mgc.counters().messagesReceived.sum() + mg.counters().messagesReceived.sum() - 2);
    }

    @Test
    void aDroppedFirstDatagramIsRetransmitted() throws Exception {
        H248Endpoint mgc = endpoint();
        RawUdpPeerAccess mg = raw();
        CompletableFuture<Transaction.Reply> f = mgc.send(mg.asPeer(), Messages.modifyWithEvents());
        String first = mg.receive(2000);
        assertNotNull(first);                               // ignored: as if lost
        String second = mg.receive(2000);
        assertEquals(first, second, "the retransmission is the same message");
        long id = idOf(TextCodec.parse(second).transactions().get(0));
        mg.send("MEGACO/1 [127.0.0.1]:" + mg.port() + "\nReply = " + id + " {\n" + MODIFY_BODY + "\n}\n",
                mgc.localAddress());
        Transaction.Reply r = f.get(2, TimeUnit.SECONDS);
        assertEquals(id, r.transactionId());
        assertEquals(1, mgc.counters().retransmissions.sum());
        assertTrue(mgc.transactions().stateSizes().isEmpty());
    }

    @Test
    void aDuplicateRequestGetsTheCachedReplyWithoutRunningTheHandlerAgain() throws Exception {
        H248Endpoint mg = endpoint();
        AtomicInteger calls = new AtomicInteger();
        mg.onRequest(r -> { calls.incrementAndGet(); return CompletableFuture.completedFuture(Messages.modifyReply()); });
        RawUdpPeerAccess mgc = raw();
        String req = request(mgc.port(), 4711, MODIFY_BODY);
        mgc.send(req, mg.localAddress());
        String reply1 = mgc.receive(2000);
        mgc.send(req, mg.localAddress());
        String reply2 = mgc.receive(2000);
        assertNotNull(reply1);
        assertEquals(reply1, reply2);
        Transaction.Reply r = (Transaction.Reply) TextCodec.parse(reply1).transactions().get(0);
        assertEquals(4711, r.transactionId());
        assertEquals(1, calls.get());
        assertEquals(1, mg.counters().duplicateRequests.sum());
    }

    @Test
    void aSlowHandlerSendsPendingAndTheSenderWaitsBeyondItsRetransmissionBudget() throws Exception {
        // Sender gives up after 200+400+800+800+800 = 3 s without Pending; the handler takes 4 s.
        H248Endpoint mgc = endpoint();
        H248Endpoint mg = endpoint();
        mg.onRequest(r -> CompletableFuture.supplyAsync(() -> Messages.modifyReply(),
                CompletableFuture.delayedExecutor(4, TimeUnit.SECONDS)));
        long t0 = System.nanoTime();
        Transaction.Reply r = mgc.send(peerOf(mg), Messages.modifyWithEvents()).get(10, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - t0 >= TimeUnit.SECONDS.toNanos(4));
        assertEquals(Messages.modifyReply(), r.actions());
        assertTrue(mg.counters().pendingsSent.sum() >= 1);
        assertTrue(mgc.counters().pendingsReceived.sum() >= 1);
    }

    @Test
    void pendingIsSentOnTheWireForASlowHandler() throws Exception {
        H248Endpoint mg = endpoint();
        CompletableFuture<List<ActionReply>> work = new CompletableFuture<>();
        mg.onRequest(r -> work);
        RawUdpPeerAccess mgc = raw();
        mgc.send(request(mgc.port(), 99, MODIFY_BODY), mg.localAddress());
        Message pending = TextCodec.parse(mgc.receive(2000));
        assertEquals(List.of(new Transaction.Pending(99)), pending.transactions());
        work.complete(Messages.modifyReply());
        Message reply;
        do {
            reply = TextCodec.parse(mgc.receive(2000));
        } while (reply.transactions().get(0) instanceof Transaction.Pending);
        assertEquals(99, idOf(reply.transactions().get(0)));
    }

    @Test
    void immAckRequiredIsAnsweredWithTransactionResponseAck() throws Exception {
        H248Endpoint mgc = endpoint();
        RawUdpPeerAccess mg = raw();
        CompletableFuture<Transaction.Reply> f = mgc.send(mg.asPeer(), Messages.modifyWithEvents());
        long id = idOf(TextCodec.parse(mg.receive(2000)).transactions().get(0));
        mg.send("MEGACO/1 [127.0.0.1]:" + mg.port() + "\nReply = " + id + " {\n  ImmAckRequired,\n" + MODIFY_BODY
                + "\n}\n", mgc.localAddress());
        assertTrue(f.get(2, TimeUnit.SECONDS).immAckRequired());
        Message ack = TextCodec.parse(mg.receive(2000));
        assertEquals(List.of(new Transaction.ResponseAck(List.of(Transaction.AckRange.of(id)))), ack.transactions());
    }

    @Test
    void ourImmAckRequiredReplyIsAcknowledgedAndLeavesNoCache() throws Exception {
        H248Endpoint mgc = endpoint();
        H248Endpoint mg = endpoint(EndpointOptions.DEFAULTS.withTransactions(FAST.withRequestImmediateAck(true)));
        mg.onRequest(r -> CompletableFuture.completedFuture(Messages.modifyReply()));
        assertTrue(mgc.send(peerOf(mg), Messages.modifyWithEvents()).get(2, TimeUnit.SECONDS).immAckRequired());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (mg.counters().acksReceived.sum() == 0 && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(1, mg.counters().acksReceived.sum());
        assertTrue(mg.transactions().stateSizes().isEmpty(), "reply cache freed by the ack");
    }

    @Test
    void noAnswerTimesOutAndCleansUp() throws Exception {
        H248Endpoint mgc = endpoint();
        RawUdpPeerAccess silent = raw();
        CompletableFuture<Transaction.Reply> f = mgc.send(silent.asPeer(), Messages.modifyWithEvents());
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertInstanceOf(TransactionTimeoutException.class, e.getCause());
        int copies = 0;
        while (silent.receive(100) != null) copies++;
        assertEquals(5, copies, "original + 4 retransmissions");
        assertEquals(1, mgc.counters().timeouts.sum());
        assertTrue(mgc.transactions().stateSizes().isEmpty());
    }

    @Test
    void garbageWithAnH248HeaderIsAnsweredWithError400AndCounted() throws Exception {
        H248Endpoint mg = endpoint();
        RawUdpPeerAccess mgc = raw();
        mgc.send("MEGACO/1 [127.0.0.1]:" + mgc.port() + " }}}}", mg.localAddress());
        Message answer = TextCodec.parse(mgc.receive(2000));
        assertEquals(400, ((MessageBody.Error) answer.body()).error().code());
        assertEquals(1, mg.counters().decodeErrors.sum());
        assertEquals(1, mg.counters().errorRepliesSent.sum());
    }

    @Test
    void errorAnswersToAFloodOfGarbageAreCappedSoTheyCannotBeReflectedAtVolume() throws Exception {
        H248Endpoint mg = endpoint(EndpointOptions.DEFAULTS.withTransactions(FAST).withMaxErrorAnswersPerSecond(10));
        RawUdpPeerAccess attacker = raw();
        int sent = 300;
        for (int i = 0; i < sent; i++) attacker.send("MEGACO/1 [127.0.0.1]:" + attacker.port() + " }}}}", mg.localAddress());
        int answers = 0;
        while (attacker.receive(500) != null) answers++;
        // the flood takes well under a second on loopback, so at most two windows' worth of answers come back
        assertTrue(answers >= 10 && answers <= 20, "answers " + answers);
        long received = mg.counters().decodeErrors.sum(); // the kernel may drop some of a burst on loopback
        assertTrue(received >= 100, "received " + received);
        assertEquals(answers, mg.counters().errorRepliesSent.sum());
        assertEquals(received - answers, mg.counters().errorRepliesSuppressed.sum());
    }

    @Test
    void aBadRequestWithAKnownTransactionIdGetsATransactionError() throws Exception {
        H248Endpoint mg = endpoint();
        RawUdpPeerAccess mgc = raw();
        mgc.send(request(mgc.port(), 321, "  Context = - {\n    Modify = A4444 { Bogus ]]] }\n  }"), mg.localAddress());
        Message answer = TextCodec.parse(mgc.receive(2000));
        Transaction.Reply r = (Transaction.Reply) answer.transactions().get(0);
        assertEquals(321, r.transactionId());
        assertTrue(r.error().code() == 403 || r.error().code() == 400, "code " + r.error().code());
    }

    @Test
    void garbageWithoutHeaderAndBrokenRepliesAreDroppedButCounted() throws Exception {
        H248Endpoint mg = endpoint();
        RawUdpPeerAccess mgc = raw();
        mgc.send(new byte[]{0, 1, 2, 3, (byte) 0xff}, mg.localAddress());
        mgc.send("MEGACO/1 [127.0.0.1]:" + mgc.port() + "\nReply = 5 { ]]] ", mg.localAddress());
        mgc.send("MEGACO/1 [127.0.0.1]:" + mgc.port() + "\nError = 400 { ", mg.localAddress());
        assertNull(mgc.receive(500), "nothing answered");
        assertEquals(3, mg.counters().decodeErrors.sum());
        assertEquals(0, mg.counters().errorRepliesSent.sum());
    }

    @Test
    void emptyAndOversizedDatagramsAreDroppedAndCounted() throws Exception {
        H248Endpoint mg = endpoint(EndpointOptions.DEFAULTS.withTransactions(FAST).withMaxDatagramSize(1000));
        mg.onRequest(r -> CompletableFuture.completedFuture(Messages.modifyReply()));
        RawUdpPeerAccess mgc = raw();
        mgc.send(new byte[0], mg.localAddress());
        mgc.send(request(mgc.port(), 1, MODIFY_BODY + " ".repeat(2000)), mg.localAddress());
        mgc.send(request(mgc.port(), 2, MODIFY_BODY), mg.localAddress());
        Message reply = TextCodec.parse(mgc.receive(2000));
        assertEquals(2, idOf(reply.transactions().get(0)), "only the good one was answered");
        assertEquals(1, mg.counters().oversized.sum());
        assertEquals(1, mg.counters().malformedFrames.sum());
        assertEquals(1, mg.counters().messagesReceived.sum());
    }

    @Test
    void aFloodOfGarbageDoesNotDisturbValidTransactions() throws Exception {
        H248Endpoint mgc = endpoint();
        H248Endpoint mg = endpoint();
        mg.onRequest(r -> CompletableFuture.completedFuture(Messages.modifyReply()));
        RawUdpPeerAccess attacker = raw();
        AtomicBoolean stop = new AtomicBoolean();
        SplittableRandom rnd = new SplittableRandom(7);
        int[] sent = {0};
        Thread flood = new Thread(() -> {
            try {
                for (int i = 0; i < 20_000 && !stop.get(); i++) {
                    byte[] junk = new byte[1 + rnd.nextInt(300)];
                    rnd.nextBytes(junk);
                    attacker.send(i % 2 == 0 ? junk : ("MEGACO/1 [127.0.0.1]:1 T=" + i + "{C=-{??").getBytes(),
                            mg.localAddress());
                    sent[0]++;
                }
            } catch (Exception ignored) {
                // socket closed at the end of the test
            }
        });
        flood.start();
        List<CompletableFuture<Transaction.Reply>> fs = new ArrayList<>();
        for (int i = 0; i < 100; i++) fs.add(mgc.send(peerOf(mg), Messages.modifyWithEvents()));
        for (var f : fs) assertEquals(Messages.modifyReply(), f.get(10, TimeUnit.SECONDS).actions());
        stop.set(true);
        flood.join(10_000);
        assertTrue(mg.counters().decodeErrors.sum() > 0);
        assertEquals(0, mgc.counters().timeouts.sum());
    }

    @Test
    void batchedRequestsInOneDatagramAreAllAnswered() throws Exception {
        H248Endpoint mgc = endpoint();
        H248Endpoint mg = endpoint();
        AtomicInteger calls = new AtomicInteger();
        mg.onRequest(r -> { calls.incrementAndGet(); return CompletableFuture.completedFuture(Messages.modifyReply()); });
        List<CompletableFuture<Transaction.Reply>> fs = mgc.sendBatch(peerOf(mg),
                List.of(Messages.modifyWithEvents(), Messages.auditMedia(), Messages.modifyWithEvents()));
        for (var f : fs) assertNotNull(f.get(5, TimeUnit.SECONDS));
        assertEquals(3, calls.get());
        // one datagram, and whatever the sender retransmitted (one per transaction) if the replies were slow under load
        long retransmitted = mgc.counters().retransmissions.sum();
        assertEquals(1, mg.counters().messagesReceived.sum() - retransmitted,
                "one datagram (" + mg.counters().messagesReceived.sum() + " received, " + retransmitted + " retransmitted)");
    }

    @Test
    void aReceivedMessageWithSeveralRequestsIsFullyHandled() throws Exception {
        H248Endpoint mg = endpoint();
        AtomicInteger calls = new AtomicInteger();
        mg.onRequest(r -> { calls.incrementAndGet(); return CompletableFuture.completedFuture(Messages.modifyReply()); });
        RawUdpPeerAccess mgc = raw();
        mgc.send("MEGACO/1 [127.0.0.1]:" + mgc.port() + "\nTransaction = 1 {\n" + MODIFY_BODY
                + "\n}\nTransaction = 2 {\n" + MODIFY_BODY + "\n}\nTransactionResponseAck { 77 }\n", mg.localAddress());
        List<Long> answered = new ArrayList<>();
        // both replies, in one datagram (one turn of the MG's thread) or, were the loop to split the turn, two
        while (answered.size() < 2) {
            for (Transaction t : TextCodec.parse(mgc.receive(2000)).transactions()) answered.add(idOf(t));
        }
        answered.sort(null);
        assertEquals(List.of(1L, 2L), answered);
        assertEquals(2, calls.get());
        // the ack is handled after the replies went out, on the endpoint's thread: wait for it, briefly
        for (int i = 0; i < 200 && mg.counters().acksReceived.sum() == 0; i++) Thread.sleep(10);
        assertEquals(1, mg.counters().acksReceived.sum());
    }

    @Test
    void manyTransactionsLeaveNoStateAfterLongTimer() throws Exception {
        H248Endpoint mgc = endpoint();
        H248Endpoint mg = endpoint();
        mg.onRequest(r -> CompletableFuture.completedFuture(Messages.modifyReply()));
        List<CompletableFuture<Transaction.Reply>> fs = new ArrayList<>();
        for (int i = 0; i < 500; i++) fs.add(mgc.send(peerOf(mg), Messages.modifyWithEvents()));
        for (var f : fs) f.get(10, TimeUnit.SECONDS);
        assertTrue(mgc.transactions().stateSizes().isEmpty());
        assertEquals(500, mg.transactions().stateSizes().incoming());
        Thread.sleep(FAST.longTimer().toMillis() + 500);
        assertTrue(mg.transactions().stateSizes().isEmpty(), "replies expire after LONG-TIMER");
    }
}
