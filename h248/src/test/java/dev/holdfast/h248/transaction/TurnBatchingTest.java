package dev.holdfast.h248.transaction;

import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.transport.Peer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static dev.holdfast.h248.transaction.TransactionManagerTest.MG;
import static dev.holdfast.h248.transaction.TransactionManagerTest.MGC;
import static dev.holdfast.h248.transaction.TransactionManagerTest.OPTIONS;
import static dev.holdfast.h248.transaction.TransactionManagerTest.modify;
import static dev.holdfast.h248.transaction.TransactionManagerTest.modifyReply;
import static org.junit.jupiter.api.Assertions.*;

/**
 * One message per peer per turn of the transaction layer's thread ({@link TransactionOptions#batchPerTurn()}), on
 * the simulated network of {@link TransactionManagerTest}: what is batched, in which order, and that loss and
 * retransmission still work per transaction.
 */
class TurnBatchingTest {
    private final TransactionManagerTest t = new TransactionManagerTest();
    private static final Peer OTHER_MG = Peer.of("127.0.0.1", 2946);

    private List<SimulatedNetwork.Sent> fromMgc() { return t.net.from(MGC); }

    private List<SimulatedNetwork.Sent> fromMg() { return t.net.from(MG); }

    /**
     * A request handler that answers and then, in a task of the same thread's turn (as the simulated gateway's
     * scripted subscriber moves on after the reply), sends the MGC a request of its own (a Notify).
     */
    private void mgRepliesAndNotifies(List<CompletableFuture<Transaction.Reply>> notifies) {
        t.mg.setRequestHandler(r -> {
            t.mgHandlerCalls.incrementAndGet();
            if (notifies.isEmpty()) t.net.scheduler.execute(() -> notifies.add(t.mg.send(MGC, modify())));
            return CompletableFuture.completedFuture(List.of(modifyReply()));
        });
    }

    @Test
    void aReplyAndTheNextRequestToTheSamePeerLeaveInOneMessageReplyFirst() throws Exception {
        t.build(OPTIONS, OPTIONS, false);
        List<CompletableFuture<Transaction.Reply>> notifies = new java.util.ArrayList<>();
        mgRepliesAndNotifies(notifies);
        // the MGC answers the Notify and, in the same turn (as the controller's edge does), sends the next request
        List<CompletableFuture<Transaction.Reply>> next = new java.util.ArrayList<>();
        t.mgc.setRequestHandler(r -> {
            CompletableFuture<List<dev.holdfast.h248.message.ActionReply>> reply = new CompletableFuture<>();
            t.net.scheduler.execute(() -> t.mgc.inOneTurn(() -> {
                reply.complete(List.of(modifyReply()));
                next.add(t.mgc.send(MG, modify()));
            }));
            return reply;
        });
        CompletableFuture<Transaction.Reply> first = t.mgc.send(MG, modify());
        t.net.scheduler.advance(Duration.ofMillis(50));

        assertNotNull(first.get());
        assertEquals(1, notifies.size());
        assertNotNull(notifies.get(0).get());
        // MG -> MGC: its reply to the first request and its Notify, one message, in that order
        List<Transaction> mgFirst = fromMg().get(0).message().transactions();
        assertEquals(2, mgFirst.size(), "reply and Notify in one message: " + mgFirst);
        assertInstanceOf(Transaction.Reply.class, mgFirst.get(0));
        assertInstanceOf(Transaction.Request.class, mgFirst.get(1));
        // MGC -> MG: the Notify's reply and the next request, one message, reply first
        List<Transaction> mgcSecond = fromMgc().get(1).message().transactions();
        assertEquals(2, mgcSecond.size(), "reply and next request in one message: " + mgcSecond);
        assertInstanceOf(Transaction.Reply.class, mgcSecond.get(0));
        assertInstanceOf(Transaction.Request.class, mgcSecond.get(1));
        assertEquals(1, next.size());
        assertNotNull(next.get(0).get());
        assertEquals(0, t.mgcCounters.retransmissions.sum() + t.mgCounters.retransmissions.sum());
    }

    @Test
    void eachPeerGetsItsOwnMessageAndOrderIsKeptPerPeer() {
        t.build(OPTIONS, OPTIONS, false);
        List<CompletableFuture<Transaction.Reply>> toMg = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            toMg.add(t.mgc.send(MG, modify()));
            t.mgc.send(OTHER_MG, modify()); // no one there: fails, but is sent
        }
        t.net.scheduler.runReady();
        assertEquals(2, fromMgc().size(), "one message per peer");
        assertEquals(MG, fromMgc().get(0).to());
        assertEquals(OTHER_MG, fromMgc().get(1).to());
        assertEquals(3, fromMgc().get(0).message().transactions().size());
        assertEquals(3, fromMgc().get(1).message().transactions().size());
        List<Long> toMgIds = fromMgc().get(0).message().transactions().stream()
                .map(x -> ((Transaction.Request) x).transactionId()).toList();
        assertTrue(toMgIds.get(0) < toMgIds.get(1) && toMgIds.get(1) < toMgIds.get(2), "order kept: " + toMgIds);
    }

    @Test
    void withoutBatchingEveryTransactionIsItsOwnMessage() throws Exception {
        t.build(OPTIONS.withBatchPerTurn(false), OPTIONS.withBatchPerTurn(false), false);
        for (int i = 0; i < 3; i++) t.mgc.send(MG, modify());
        t.net.scheduler.advance(Duration.ofMillis(10));
        assertEquals(3, fromMgc().size());
        assertEquals(3, fromMg().size());
        for (var s : fromMg()) assertEquals(1, s.message().transactions().size());
    }

    @Test
    void aLostBatchIsRecoveredPerTransactionByRetransmission() throws Exception {
        t.build(OPTIONS, OPTIONS, false);
        boolean[] dropped = {false};
        t.net.drop(s -> s.from().equals(MGC) && !dropped[0] && (dropped[0] = true)); // the first message is lost
        CompletableFuture<Transaction.Reply> a = t.mgc.send(MG, modify());
        CompletableFuture<Transaction.Reply> b = t.mgc.send(MG, modify());
        t.net.scheduler.advance(Duration.ofMillis(10));
        assertEquals(1, fromMgc().size());
        assertEquals(2, fromMgc().get(0).message().transactions().size(), "both in the lost message");
        assertFalse(a.isDone() || b.isDone());

        t.net.scheduler.advance(Duration.ofMillis(600)); // past the first retransmission timer (500 ms)
        assertNotNull(a.get());
        assertNotNull(b.get());
        assertEquals(2, t.mgcCounters.retransmissions.sum(), "each transaction retransmitted once");
        assertEquals(2, t.mgHandlerCalls.get());
        // each retransmission carries only transactions that needed it
        for (var s : fromMgc().subList(1, fromMgc().size())) {
            for (Transaction x : s.message().transactions()) {
                long id = ((Transaction.Request) x).transactionId();
                assertTrue(id == a.get().transactionId() || id == b.get().transactionId());
            }
        }
    }

    @Test
    void aLostBatchOfRepliesIsAnsweredFromTheReplyCacheWithoutRunningTheRequestsAgain() throws Exception {
        t.build(OPTIONS, OPTIONS, false);
        boolean[] dropped = {false};
        t.net.drop(s -> s.from().equals(MG) && !dropped[0] && (dropped[0] = true)); // the MG's batched replies lost
        CompletableFuture<Transaction.Reply> a = t.mgc.send(MG, modify());
        CompletableFuture<Transaction.Reply> b = t.mgc.send(MG, modify());
        t.net.scheduler.advance(Duration.ofMillis(10));
        assertEquals(2, fromMg().get(0).message().transactions().size(), "both replies in the lost message");
        t.net.scheduler.advance(Duration.ofMillis(600));
        assertEquals(List.of(modifyReply()), a.get().actions());
        assertEquals(List.of(modifyReply()), b.get().actions());
        assertEquals(2, t.mgHandlerCalls.get(), "duplicates answered from the cache");
        assertEquals(2, t.mgCounters.duplicateRequests.sum());
    }

    @Test
    void aMessageLevelErrorFailsTheWholeBatchItAnswers() {
        t.build(OPTIONS, OPTIONS, false);
        t.net.drop(s -> s.from().equals(MGC));
        CompletableFuture<Transaction.Reply> a = t.mgc.send(MG, modify());
        CompletableFuture<Transaction.Reply> b = t.mgc.send(MG, modify());
        t.net.scheduler.runReady();
        t.mgc.onMessage(MG, new dev.holdfast.h248.message.Message(null, 1, dev.holdfast.h248.message.MId.ipv4(
                "127.0.0.1", 2945), new dev.holdfast.h248.message.MessageBody.Error(
                dev.holdfast.h248.message.ErrorDescriptor.of(400, "syntax error"))));
        t.net.scheduler.runReady();
        assertInstanceOf(MessageRejectedException.class, TransactionManagerTest.failure(a));
        assertInstanceOf(MessageRejectedException.class, TransactionManagerTest.failure(b));
    }
}
