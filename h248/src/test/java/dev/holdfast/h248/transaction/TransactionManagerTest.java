package dev.holdfast.h248.transaction;

import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.ErrorDescriptor;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.ServiceChangeParm;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.transport.H248Counters;
import dev.holdfast.h248.transport.Peer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** The transaction state machine in virtual time, between two managers on a simulated message network. */
class TransactionManagerTest {
    static final Peer MGC = Peer.of("127.0.0.1", 2944);
    static final Peer MG = Peer.of("127.0.0.1", 2945);
    static final TransactionOptions OPTIONS = TransactionOptions.DEFAULTS
            .withRetransmission(Duration.ofMillis(500), Duration.ofSeconds(4), 5)
            .withProvisionalResponseTime(Duration.ofMillis(200))
            .withLongTimer(Duration.ofSeconds(30));

    SimulatedNetwork net;
    H248Counters mgcCounters;
    H248Counters mgCounters;
    TransactionManager mgc;
    TransactionManager mg;
    final AtomicInteger mgHandlerCalls = new AtomicInteger();

    @BeforeEach
    void setUp() {
        build(OPTIONS, OPTIONS, false);
    }

    void build(TransactionOptions mgcOptions, TransactionOptions mgOptions, boolean reliable) {
        net = new SimulatedNetwork().reliable(reliable);
        mgcCounters = new H248Counters();
        mgCounters = new H248Counters();
        mgc = new TransactionManager(MId.ipv4("127.0.0.1", 2944), mgcOptions, net.scheduler,
                net.senderFor(MGC), mgcCounters, new SplittableRandom(1));
        mg = new TransactionManager(MId.ipv4("127.0.0.1", 2945), mgOptions, net.scheduler,
                net.senderFor(MG), mgCounters, new SplittableRandom(2));
        net.attach(MGC, mgc);
        net.attach(MG, mg);
        mg.setRequestHandler(r -> {
            mgHandlerCalls.incrementAndGet();
            return CompletableFuture.completedFuture(List.of(modifyReply()));
        });
    }

    static List<ActionRequest> modify() {
        return List.of(ActionRequest.of(ContextId.of(1), new Command.Amm(Command.AmmVerb.MODIFY,
                List.of(TerminationId.of("A4444")), List.of())));
    }

    static ActionReply modifyReply() {
        return ActionReply.of(ContextId.of(1), new CommandReply.Amms(CommandReply.AmmsVerb.MODIFY,
                List.of(TerminationId.of("A4444")), List.of()));
    }

    static List<ActionRequest> serviceChange() {
        return List.of(ActionRequest.of(ContextId.NULL, new Command.ServiceChange(List.of(TerminationId.ROOT),
                List.of(ServiceChangeParm.Method.of(ServiceChangeParm.MethodKind.RESTART),
                        new ServiceChangeParm.Reason("901")))));
    }

    static Throwable failure(CompletableFuture<?> f) {
        assertTrue(f.isCompletedExceptionally(), "expected failure, got " + f);
        try {
            f.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The ids of the requests the MGC sent, in order, across messages (batched or not). */
    List<Long> requestIdsFromMgc() {
        return net.from(MGC).stream().flatMap(s -> s.message().transactions().stream())
                .filter(t -> t instanceof Transaction.Request).map(t -> ((Transaction.Request) t).transactionId()).toList();
    }

    List<SimulatedNetwork.Sent> requestsFromMgc() {
        return net.from(MGC).stream().filter(s -> s.message().transactions().stream()
                .anyMatch(t -> t instanceof Transaction.Request)).toList();
    }

    void assertNoState() {
        assertTrue(mgc.stateSizes().isEmpty(), "mgc state " + mgc.stateSizes());
        assertTrue(mg.stateSizes().isEmpty(), "mg state " + mg.stateSizes());
        assertEquals(0, net.scheduler.activeTimers(), "timers left");
    }

    @Test
    void requestGetsItsReplyAndAllStateIsGoneAfterLongTimer() throws Exception {
        CompletableFuture<Transaction.Reply> f = mgc.send(MG, modify());
        net.scheduler.advance(Duration.ofMillis(10));
        assertTrue(f.isDone());
        assertEquals(List.of(modifyReply()), f.get().actions());
        assertNull(f.get().error());
        assertEquals(1, mgHandlerCalls.get());
        assertEquals(1, mg.stateSizes().incoming(), "reply kept for duplicates");
        net.scheduler.advance(OPTIONS.longTimer());
        assertNoState();
        assertEquals(0, mgcCounters.retransmissions.sum());
    }

    @Test
    void eachReplyIsKeptForLongTimerFromItsOwnReplyAndDuplicatesGetItUntilThen() throws Exception {
        // replies at 0 s, 10 s and 20 s: each is forgotten LONG-TIMER (30 s) after its own reply, in that order,
        // with one LONG-TIMER timer pending at a time whatever the number of cached replies
        List<CompletableFuture<Transaction.Reply>> fs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            fs.add(mgc.send(MG, modify()));
            net.scheduler.advance(Duration.ofMillis(10));
            assertTrue(fs.get(i).isDone());
            if (i < 2) net.scheduler.advance(Duration.ofSeconds(10).minusMillis(10));
        }
        assertEquals(3, mg.stateSizes().incoming());
        assertEquals(1, net.scheduler.activeTimers(), "one LONG-TIMER timer for three cached replies");
        net.scheduler.advance(Duration.ofSeconds(10)); // 30.01 s after the first reply
        assertEquals(2, mg.stateSizes().incoming(), "the first reply forgotten at its LONG-TIMER");
        net.scheduler.advance(Duration.ofSeconds(5));
        assertEquals(2, mg.stateSizes().incoming(), "the second still kept (25 s old)");
        net.scheduler.advance(Duration.ofSeconds(5));
        assertEquals(1, mg.stateSizes().incoming());
        net.scheduler.advance(Duration.ofSeconds(10));
        assertNoState();
        assertEquals(3, mgHandlerCalls.get());
    }

    @Test
    void replyLatencyIsTheHandlersTimeAndTheRoundTripAddsTheNetwork() throws Exception {
        // the MG's handler answers 40 ms after the request arrived; the network takes 5 ms each way
        net.latency(Duration.ofMillis(5));
        mg.setRequestHandler(r -> {
            CompletableFuture<List<ActionReply>> later = new CompletableFuture<>();
            net.scheduler.schedule(() -> later.complete(List.of(modifyReply())), Duration.ofMillis(40));
            return later;
        });
        CompletableFuture<Transaction.Reply> f = mgc.send(MG, modify());
        net.scheduler.advance(Duration.ofMillis(100));
        assertTrue(f.isDone());
        var reply = mgCounters.replyLatency.snapshot();
        assertEquals(1, reply.count());
        assertTrue(reply.percentileMillis(50) >= 40 && reply.percentileMillis(50) <= 45, "MG reply latency " + reply.percentileMillis(50));
        var rtt = mgcCounters.requestRoundTrip.snapshot();
        assertEquals(1, rtt.count());
        assertTrue(rtt.percentileMillis(50) >= 50 && rtt.percentileMillis(50) <= 56.25, "MGC round trip " + rtt.percentileMillis(50));
        assertEquals(0, mgcCounters.replyLatency.snapshot().count(), "the MGC answered nothing");
        assertEquals(0, mgCounters.requestRoundTrip.snapshot().count(), "the MG asked nothing");
    }

    @Test
    void aRetransmittedRequestsRoundTripRunsFromTheFirstCopyAndADuplicateAnsweredFromTheCacheHasNoReplyLatency() throws Exception {
        int[] mgReplies = {0};
        net.drop(s -> s.from().equals(MG) && ++mgReplies[0] == 1); // the first reply is lost
        CompletableFuture<Transaction.Reply> f = mgc.send(MG, modify());
        net.scheduler.advance(Duration.ofSeconds(1));
        assertTrue(f.isDone());
        assertEquals(1, mgCounters.duplicateRequests.sum());
        var rtt = mgcCounters.requestRoundTrip.snapshot();
        assertEquals(1, rtt.count());
        assertTrue(rtt.percentileMillis(50) >= 500, "the MGC waited for the retransmission's reply: " + rtt.percentileMillis(50));
        assertEquals(1, mgCounters.replyLatency.snapshot().count(), "the reply's latency once, not again from the cache");
    }

    /**
     * Annex D.1.3: the retransmission timer follows the peer's round trip. A peer 1.2 s away (600 ms each way) is
     * sent the first request again after the configured 500 ms, the second after the backed-off 1 s; the third waits
     * 2 s, is answered once, and from that sample on none is sent twice. With the fixed timer all ten would have been
     * (ten duplicates for the peer to recognise), and under a failover's load that is what made slow peers slower.
     */
    @Test
    void aSlowPeersRequestsAreSentOnceWhenItsRoundTripIsKnown() throws Exception {
        net.latency(Duration.ofMillis(600));
        for (int i = 0; i < 10; i++) {
            CompletableFuture<Transaction.Reply> f = mgc.send(MG, modify());
            net.scheduler.advance(Duration.ofMillis(1300));
            assertTrue(f.isDone(), "request " + i);
            assertNull(f.get().error());
        }
        assertEquals(2, mgcCounters.retransmissions.sum(), "the first two, before a round trip was measured");
        assertEquals(2, mgCounters.duplicateRequests.sum());
        // another peer, 2 ms away: its first request takes all peers' estimate (it has none of its own), is answered
        // long before that timer, and from its own sample on its timer is the configured 500 ms again
        Peer mg2 = Peer.of("127.0.0.1", 2946);
        TransactionManager other = new TransactionManager(MId.ipv4("127.0.0.1", 2946), OPTIONS, net.scheduler,
                net.senderFor(mg2), new H248Counters(), new SplittableRandom(4));
        net.attach(mg2, other);
        other.setRequestHandler(r -> CompletableFuture.completedFuture(List.of(modifyReply())));
        net.latency(Duration.ofMillis(1));
        for (int i = 0; i < 3; i++) {
            CompletableFuture<Transaction.Reply> f = mgc.send(mg2, modify());
            net.scheduler.advance(Duration.ofSeconds(4));
            assertTrue(f.isDone(), "request " + i + " to the fast peer");
        }
        assertEquals(2, mgcCounters.retransmissions.sum(), "the fast peer's requests were answered before any timer");
    }

    /** However long the peer's timer, an unanswered request fails at the configured schedule's end (15.5 s here). */
    @Test
    void aSlowPeersUnansweredRequestFailsNoLaterThanTheConfiguredSchedule() throws Exception {
        net.latency(Duration.ofMillis(900));
        for (int i = 0; i < 4; i++) {
            mgc.send(MG, modify());
            net.scheduler.advance(Duration.ofSeconds(5));
        }
        long before = mgcCounters.retransmissions.sum();
        net.drop(s -> true);
        CompletableFuture<Transaction.Reply> f = mgc.send(MG, modify());
        net.scheduler.advance(OPTIONS.unreliableGiveUpTime().minusMillis(1));
        assertFalse(f.isDone(), "not before the configured give-up time");
        net.scheduler.advance(Duration.ofMillis(1));
        assertTrue(failure(f) instanceof TransactionTimeoutException, String.valueOf(failure(f)));
        long sentAgain = mgcCounters.retransmissions.sum() - before;
        assertTrue(sentAgain >= 1 && sentAgain < OPTIONS.maxRetransmissions(),
                "fewer, longer timers than the configured five: " + sentAgain);
    }

    @Test
    void afterSentRunsOnceTheTurnsMessageLeft() {
        List<String> order = new ArrayList<>();
        MessageSender recording = new MessageSender() {
            @Override public java.util.concurrent.CompletionStage<Void> send(Peer to, Message message) {
                order.add("sent " + message.transactions().size());
                return CompletableFuture.completedFuture(null);
            }

            @Override public boolean reliable() { return false; }
        };
        TransactionManager m = new TransactionManager(MId.ipv4("127.0.0.1", 2944), OPTIONS, net.scheduler, recording,
                new H248Counters(), new SplittableRandom(3));
        m.inOneTurn(() -> {
            m.send(MG, modify());
            m.send(MG, modify());
        }, () -> order.add("after"));
        net.scheduler.runReady();
        assertEquals(List.of("sent 2", "after"), order, "both requests in one message, then the callback");
        m.close();
    }

    @Test
    void transactionIdsAreDistinctAndRepliesCorrelateById() throws Exception {
        List<CompletableFuture<Transaction.Reply>> fs = new ArrayList<>();
        for (int i = 0; i < 50; i++) fs.add(mgc.send(MG, modify()));
        net.scheduler.advance(Duration.ofMillis(10));
        List<Long> ids = requestIdsFromMgc();
        assertEquals(50, ids.size());
        assertEquals(50, ids.stream().distinct().count());
        for (int i = 0; i < 50; i++) assertEquals(ids.get(i), fs.get(i).get().transactionId());
    }

    @Test
    void unansweredRequestIsRetransmittedWithExponentialBackOffThenTimesOut() {
        net.drop(s -> s.from().equals(MGC));
        CompletableFuture<Transaction.Reply> f = mgc.send(MG, modify());
        net.scheduler.advance(Duration.ofSeconds(15));
        List<Long> sendTimesMs = requestsFromMgc().stream().map(s -> s.at().toMillis()).toList();
        // initial 0.5 s, doubling, capped at 4 s, 5 retransmissions
        assertEquals(List.of(0L, 500L, 1500L, 3500L, 7500L, 11500L), sendTimesMs);
        assertFalse(f.isDone(), "the last retransmission still gets one capped interval");
        net.scheduler.advance(Duration.ofMillis(600));
        assertInstanceOf(TransactionTimeoutException.class, failure(f));
        assertEquals(5, mgcCounters.retransmissions.sum());
        assertEquals(1, mgcCounters.timeouts.sum());
        assertEquals(OPTIONS.unreliableGiveUpTime(), Duration.ofMillis(15500));
        assertNoState();
    }

    @Test
    void lostFirstCopyIsRecoveredByRetransmission() throws Exception {
        net.drop(s -> s.from().equals(MGC) && requestsFromMgc().size() == 1);
        CompletableFuture<Transaction.Reply> f = mgc.send(MG, modify());
        net.scheduler.advance(Duration.ofMillis(400));
        assertFalse(f.isDone());
        net.scheduler.advance(Duration.ofMillis(200));
        assertTrue(f.isDone());
        assertNotNull(f.get());
        assertEquals(1, mgcCounters.retransmissions.sum());
        assertEquals(1, mgHandlerCalls.get());
    }

    @Test
    void duplicateRequestReplaysTheCachedReplyWithoutReExecuting() throws Exception {
        // The first reply is lost: the MGC retransmits, the MG answers from its cache.
        int[] mgReplies = {0};
        net.drop(s -> s.from().equals(MG) && ++mgReplies[0] == 1);
        CompletableFuture<Transaction.Reply> f = mgc.send(MG, modify());
        net.scheduler.advance(Duration.ofSeconds(1));
        assertTrue(f.isDone());
        assertEquals(List.of(modifyReply()), f.get().actions());
        assertEquals(1, mgHandlerCalls.get(), "handler ran once");
        assertEquals(1, mgCounters.duplicateRequests.sum());
        List<Message> replies = net.from(MG).stream().map(SimulatedNetwork.Sent::message).toList();
        assertEquals(2, replies.size());
        assertEquals(replies.get(0), replies.get(1), "the replayed reply is the cached one");
    }

    @Test
    void duplicateWhileExecutingIsAnsweredWithPending() throws Exception {
        CompletableFuture<List<ActionReply>> work = new CompletableFuture<>();
        mg.setRequestHandler(r -> { mgHandlerCalls.incrementAndGet(); return work; });
        TransactionOptions slowPending = OPTIONS.withProvisionalResponseTime(Duration.ofSeconds(10));
        build(OPTIONS, slowPending, false);
        mg.setRequestHandler(r -> { mgHandlerCalls.incrementAndGet(); return work; });
        // The first copy reaches the MG; its retransmission arrives while the handler is still working.
        mgc.send(MG, modify());
        net.scheduler.advance(Duration.ofMillis(502));
        assertEquals(1, mgHandlerCalls.get());
        assertEquals(1, mgCounters.duplicateRequests.sum());
        assertTrue(net.from(MG).get(0).message().transactions().get(0) instanceof Transaction.Pending);
        work.complete(List.of(modifyReply()));
        net.scheduler.runReady();
    }

    @Test
    void slowHandlerSendsPendingRepeatedlyAndSenderWaitsPastItsRetransmissionTimeout() throws Exception {
        CompletableFuture<List<ActionReply>> work = new CompletableFuture<>();
        mg.setRequestHandler(r -> { mgHandlerCalls.incrementAndGet(); return work; });
        CompletableFuture<Transaction.Reply> f = mgc.send(MG, modify());
        net.scheduler.schedule(() -> work.complete(List.of(modifyReply())), Duration.ofSeconds(2));
        net.scheduler.advance(Duration.ofSeconds(3));
        assertTrue(f.isDone());
        assertNotNull(f.get());
        long pendings = net.from(MG).stream().filter(s -> s.message().transactions().get(0)
                instanceof Transaction.Pending).count();
        assertEquals(9, pendings, "every 200 ms for 2 s");
        assertEquals(0, mgcCounters.retransmissions.sum(), "Pending at 200 ms stopped the 500 ms retransmission");
        assertEquals(9, mgcCounters.pendingsReceived.sum());
        assertEquals(1, mgHandlerCalls.get());
    }

    @Test
    void pendingExtendsTheSenderTimerToLongTimer() throws Exception {
        // The MG sends one Pending only, then works for 25 s: longer than 15.5 s of retransmissions, less than
        // LONG-TIMER (30 s).
        build(OPTIONS, OPTIONS.withPendingLimit(1), false);
        CompletableFuture<List<ActionReply>> work = new CompletableFuture<>();
        mg.setRequestHandler(r -> work);
        CompletableFuture<Transaction.Reply> f = mgc.send(MG, modify());
        net.scheduler.schedule(() -> work.complete(List.of(modifyReply())), Duration.ofSeconds(25));
        net.scheduler.advance(Duration.ofSeconds(20));
        assertFalse(f.isDone(), "still waiting after the plain give-up time");
        net.scheduler.advance(Duration.ofSeconds(6));
        assertNotNull(f.get());
    }

    @Test
    void noReplyWithinLongTimerAfterPendingFails() {
        build(OPTIONS, OPTIONS.withPendingLimit(1), false);
        mg.setRequestHandler(r -> new CompletableFuture<>()); // never answers
        CompletableFuture<Transaction.Reply> f = mgc.send(MG, modify());
        net.scheduler.advance(Duration.ofSeconds(30));
        assertFalse(f.isDone());
        net.scheduler.advance(Duration.ofSeconds(1));
        assertInstanceOf(TransactionTimeoutException.class, failure(f));
        assertTrue(mgc.stateSizes().isEmpty());
    }

    @Test
    void tooManyPendingsFailTheTransaction() {
        build(OPTIONS.withPendingLimit(3), OPTIONS, false);
        mg.setRequestHandler(r -> new CompletableFuture<>());
        CompletableFuture<Transaction.Reply> f = mgc.send(MG, modify());
        net.scheduler.advance(Duration.ofSeconds(1));
        Throwable t = failure(f);
        assertInstanceOf(TransactionTimeoutException.class, t);
        assertTrue(t.getMessage().contains("Pendings"), t.getMessage());
        assertEquals(4, mgcCounters.pendingsReceived.sum());
    }

    @Test
    void immAckRequiredReplyIsAcknowledgedAndTheAckEmptiesTheReplyCache() throws Exception {
        build(OPTIONS, OPTIONS.withRequestImmediateAck(true), false);
        CompletableFuture<Transaction.Reply> f = mgc.send(MG, modify());
        net.scheduler.advance(Duration.ofMillis(10));
        assertTrue(f.get().immAckRequired());
        long id = f.get().transactionId();
        List<Transaction> last = net.from(MGC).get(net.from(MGC).size() - 1).message().transactions();
        assertEquals(List.of(new Transaction.ResponseAck(List.of(Transaction.AckRange.of(id)))), last);
        assertEquals(1, mgcCounters.acksSent.sum());
        assertEquals(1, mgCounters.acksReceived.sum());
        assertNoState();
    }

    @Test
    void replyToAnUnknownTransactionWithImmAckRequiredIsStillAcknowledged() {
        mgc.onMessage(MG, Message.of(1, MId.ipv4("127.0.0.1", 2945),
                new Transaction.Reply(77, null, false, true, null, List.of(modifyReply()))));
        net.scheduler.runReady();
        assertEquals(1, mgcCounters.unmatchedReplies.sum());
        assertEquals(List.of(new Transaction.ResponseAck(List.of(Transaction.AckRange.of(77)))),
                net.from(MGC).get(0).message().transactions());
    }

    @Test
    void piggyBackedAcksRideOnTheNextRequestOrGoAloneAfterTheDelay() throws Exception {
        build(OPTIONS.withAckReplies(true, Duration.ofMillis(100)), OPTIONS, false);
        CompletableFuture<Transaction.Reply> f1 = mgc.send(MG, modify());
        net.scheduler.advance(Duration.ofMillis(10));
        long id1 = f1.get().transactionId();
        CompletableFuture<Transaction.Reply> f2 = mgc.send(MG, modify());
        net.scheduler.advance(Duration.ofMillis(10));
        List<Transaction> second = requestsFromMgc().get(1).message().transactions();
        assertEquals(new Transaction.ResponseAck(List.of(Transaction.AckRange.of(id1))), second.get(0));
        assertInstanceOf(Transaction.Request.class, second.get(1));
        long id2 = f2.get().transactionId();
        assertEquals(1, mg.stateSizes().incoming(), "first reply dropped from the MG cache on the ack");
        net.scheduler.advance(Duration.ofMillis(100));
        List<Transaction> alone = net.from(MGC).get(net.from(MGC).size() - 1).message().transactions();
        assertEquals(List.of(new Transaction.ResponseAck(List.of(Transaction.AckRange.of(id2)))), alone);
        assertNoState();
    }

    @Test
    void acknowledgedRepliesLeaveTheLongTimerQueueLongBeforeLongTimer() throws Exception {
        build(OPTIONS.withAckReplies(true, Duration.ofMillis(100)), OPTIONS, false);
        // one reply nobody acknowledges (its requester is unreachable) keeps the MG's cache from ever emptying, as
        // on a gateway with calls of several controllers' or with a peer that does not ack
        Peer silent = Peer.of("127.0.0.1", 2999);
        mg.onMessage(silent, Message.of(1, MId.ipv4("127.0.0.1", 2999), new Transaction.Request(9, modify())));
        net.scheduler.runReady();
        int n = 3000;
        for (int i = 0; i < n; i++) {
            CompletableFuture<Transaction.Reply> f = mgc.send(MG, modify());
            net.scheduler.advance(Duration.ofMillis(2));
            assertNotNull(f.get());
        }
        net.scheduler.advance(Duration.ofMillis(200)); // the last ack goes alone
        assertEquals(1, mg.stateSizes().incoming(), "only the unacknowledged reply is cached");
        assertEquals(n, mgCounters.acksReceived.sum());
        // every acknowledged reply was dropped from the cache; the queue that times the cache out compacts them
        // away too instead of keeping each reachable for its 30 s
        assertTrue(mg.repliesAwaitingExpiry() <= 1 + 1024, "queue " + mg.repliesAwaitingExpiry() + " of " + (n + 1));
        net.scheduler.advance(Duration.ofSeconds(31));
        assertEquals(0, mg.repliesAwaitingExpiry());
        assertEquals(0, mg.stateSizes().incoming(), "the unacknowledged reply expired after LONG-TIMER");
        // a duplicate of an acknowledged request is a new request now (H.248.1 D.1.4): executed again
        int calls = mgHandlerCalls.get();
        mg.onMessage(MGC, Message.of(1, MId.ipv4("127.0.0.1", 2944), requestsFromMgc().get(0).message().transactions().stream()
                .filter(t -> t instanceof Transaction.Request).findFirst().orElseThrow()));
        net.scheduler.runReady();
        assertEquals(calls + 1, mgHandlerCalls.get());
    }

    @Test
    void ackRangeDropsEveryCoveredReply() {
        mgc.setRequestHandler(r -> CompletableFuture.completedFuture(List.of(modifyReply())));
        MId mid = MId.ipv4("127.0.0.1", 2945);
        mgc.onMessage(MG, Message.of(1, mid, new Transaction.Request(10, modify()),
                new Transaction.Request(11, modify()), new Transaction.Request(12, modify()),
                new Transaction.Request(500, modify())));
        net.scheduler.runReady();
        assertEquals(4, mgc.stateSizes().incoming());
        mgc.onMessage(MG, Message.of(1, mid, new Transaction.ResponseAck(List.of(
                new Transaction.AckRange(10, 11), new Transaction.AckRange(100, 1_000_000)))));
        net.scheduler.runReady();
        assertEquals(1, mgc.stateSizes().incoming(), "12 is left");
    }

    @Test
    void replyCacheExpiresAfterLongTimer() {
        mgc.send(MG, modify());
        net.scheduler.advance(Duration.ofSeconds(29));
        assertEquals(1, mg.stateSizes().incoming());
        net.scheduler.advance(Duration.ofSeconds(2));
        assertEquals(0, mg.stateSizes().incoming());
    }

    @Test
    void peerLossFailsEveryOutstandingTransactionAndForgetsThePeer() {
        mg.setRequestHandler(r -> new CompletableFuture<>());
        List<CompletableFuture<Transaction.Reply>> fs = new ArrayList<>();
        for (int i = 0; i < 5; i++) fs.add(mgc.send(MG, modify()));
        net.scheduler.advance(Duration.ofMillis(10));
        mgc.onPeerLost(MG);
        mg.onPeerLost(MGC);
        net.scheduler.runReady();
        for (var f : fs) assertInstanceOf(PeerLostException.class, failure(f));
        assertNoState();
    }

    @Test
    void batchSendsSeveralRequestsInOneMessage() throws Exception {
        List<CompletableFuture<Transaction.Reply>> fs = mgc.sendBatch(MG, List.of(modify(), serviceChange(), modify()));
        net.scheduler.advance(Duration.ofMillis(10));
        assertEquals(1, requestsFromMgc().size());
        assertEquals(3, requestsFromMgc().get(0).message().transactions().size());
        for (var f : fs) assertNotNull(f.get());
        assertEquals(3, mgHandlerCalls.get());
    }

    @Test
    void aMessageWithRequestsRepliesPendingAndAcksIsHandledFully() throws Exception {
        // The MGC has two outstanding transactions; the MG's message answers one, pends the other, sends a new
        // request and acks nothing known.
        build(OPTIONS.withPendingLimit(100), OPTIONS, false);
        mg.setRequestHandler(r -> new CompletableFuture<>());
        CompletableFuture<Transaction.Reply> a = mgc.send(MG, modify());
        CompletableFuture<Transaction.Reply> b = mgc.send(MG, modify());
        net.scheduler.advance(Duration.ofMillis(10));
        long ida = requestIdsFromMgc().get(0);
        long idb = requestIdsFromMgc().get(1);
        AtomicInteger mgcHandled = new AtomicInteger();
        mgc.setRequestHandler(r -> { mgcHandled.incrementAndGet(); return CompletableFuture.completedFuture(List.of()); });
        mgc.onMessage(MG, Message.of(1, MId.ipv4("127.0.0.1", 2945),
                new Transaction.ResponseAck(List.of(Transaction.AckRange.of(999))),
                Transaction.Reply.of(ida, List.of(modifyReply())),
                new Transaction.Pending(idb),
                new Transaction.Request(4711, serviceChange())));
        net.scheduler.runReady();
        assertTrue(a.isDone());
        assertFalse(b.isDone());
        assertEquals(1, mgcHandled.get());
        net.scheduler.advance(Duration.ofSeconds(20));
        assertFalse(b.isDone(), "Pending moved b to LONG-TIMER");
    }

    @Test
    void handlerErrorsBecomeErrorReplies() throws Exception {
        mg.setRequestHandler(r -> CompletableFuture.failedFuture(new TransactionErrorException(
                ErrorDescriptor.of(ErrorDescriptor.UNKNOWN_TERMINATION_ID, "no such termination"))));
        CompletableFuture<Transaction.Reply> f1 = mgc.send(MG, modify());
        net.scheduler.advance(Duration.ofMillis(10));
        mg.setRequestHandler(r -> { throw new IllegalStateException("bug"); });
        CompletableFuture<Transaction.Reply> f2 = mgc.send(MG, modify());
        net.scheduler.advance(Duration.ofMillis(10));
        assertEquals(430, f1.get().error().code());
        assertEquals("no such termination", f1.get().error().text());
        assertEquals(500, f2.get().error().code());
    }

    @Test
    void withoutAHandlerRequestsAreAnsweredNotImplemented() throws Exception {
        CompletableFuture<Transaction.Reply> f = mg.send(MGC, serviceChange());
        net.scheduler.advance(Duration.ofMillis(10));
        assertEquals(ErrorDescriptor.NOT_IMPLEMENTED, f.get().error().code());
    }

    @Test
    void outstandingBoundRejectsLocally() {
        build(OPTIONS.withBounds(2, 10), OPTIONS, false);
        net.drop(s -> true);
        mgc.send(MG, modify());
        mgc.send(MG, modify());
        CompletableFuture<Transaction.Reply> third = mgc.send(MG, modify());
        assertInstanceOf(TransactionRejectedException.class, failure(third));
        assertEquals(1, mgcCounters.rejectedForLoad.sum());
    }

    @Test
    void incomingBoundAnswers503WhenNothingCanBeEvicted() throws Exception {
        build(OPTIONS, OPTIONS.withBounds(10, 2), false);
        mg.setRequestHandler(r -> new CompletableFuture<>());
        mgc.send(MG, modify());
        mgc.send(MG, modify());
        CompletableFuture<Transaction.Reply> third = mgc.send(MG, modify());
        net.scheduler.advance(Duration.ofMillis(10));
        assertEquals(ErrorDescriptor.SERVICE_UNAVAILABLE, third.get().error().code());
        assertEquals(2, mg.stateSizes().incoming());
    }

    @Test
    void incomingBoundEvictsTheOldestCachedReply() {
        build(OPTIONS, OPTIONS.withBounds(10, 2), false);
        for (int i = 0; i < 5; i++) mgc.send(MG, modify());
        net.scheduler.advance(Duration.ofMillis(10));
        assertEquals(5, mgHandlerCalls.get());
        assertEquals(2, mg.stateSizes().incoming());
    }

    @Test
    void overReliableTransportThereIsNoRetransmissionButATimeout() {
        TransactionOptions o = OPTIONS.withReliableReplyTimeout(Duration.ofSeconds(3));
        build(o, o, true);
        net.drop(s -> s.from().equals(MGC));
        CompletableFuture<Transaction.Reply> f = mgc.send(MG, modify());
        net.scheduler.advance(Duration.ofMillis(2900));
        assertFalse(f.isDone());
        net.scheduler.advance(Duration.ofMillis(200));
        assertInstanceOf(TransactionTimeoutException.class, failure(f));
        assertEquals(1, requestsFromMgc().size());
        assertEquals(0, mgcCounters.retransmissions.sum());
    }

    @Test
    void overReliableTransportPendingAndRepliesWorkTheSame() throws Exception {
        build(OPTIONS, OPTIONS, true);
        CompletableFuture<List<ActionReply>> work = new CompletableFuture<>();
        mg.setRequestHandler(r -> work);
        CompletableFuture<Transaction.Reply> f = mgc.send(MG, modify());
        net.scheduler.schedule(() -> work.complete(List.of(modifyReply())), Duration.ofSeconds(20));
        net.scheduler.advance(Duration.ofSeconds(21));
        assertNotNull(f.get());
    }

    @Test
    void sendFailureFailsTheTransactionAtOnce() {
        Peer nowhere = Peer.of("127.0.0.1", 9);
        CompletableFuture<Transaction.Reply> f = mgc.send(nowhere, modify());
        net.scheduler.runReady();
        assertInstanceOf(TransactionSendException.class, failure(f));
        assertTrue(mgc.stateSizes().isEmpty());
    }

    @Test
    void closeFailsOutstandingAndRejectsLaterSends() {
        net.drop(s -> true);
        CompletableFuture<Transaction.Reply> f = mgc.send(MG, modify());
        mgc.close();
        assertInstanceOf(PeerLostException.class, failure(f));
        assertInstanceOf(TransactionRejectedException.class, failure(mgc.send(MG, modify())));
        assertTrue(mgc.stateSizes().isEmpty());
    }

    @Test
    void restartAvoidanceDelayIsBelowTheMaximumWaitingDelay() {
        for (int i = 0; i < 100; i++) {
            Duration d = mg.restartAvoidanceDelay();
            assertFalse(d.isNegative());
            assertTrue(d.compareTo(OPTIONS.restartAvoidance()) < 0);
        }
    }

    @Test
    void manyTransactionsWithLossLeaveNoStateBehind() {
        // 20% loss both ways, 300 transactions, slow and fast handlers: everything ends (reply or timeout) and
        // all maps and timers are empty after LONG-TIMER.
        SplittableRandom loss = new SplittableRandom(42);
        net.drop(s -> loss.nextInt(5) == 0);
        mg.setRequestHandler(r -> {
            mgHandlerCalls.incrementAndGet();
            CompletableFuture<List<ActionReply>> w = new CompletableFuture<>();
            net.scheduler.schedule(() -> w.complete(List.of(modifyReply())),
                    Duration.ofMillis(r.transactionId() % 3 == 0 ? 700 : 5));
            return w;
        });
        List<CompletableFuture<Transaction.Reply>> fs = new ArrayList<>();
        for (int i = 0; i < 300; i++) fs.add(mgc.send(MG, modify()));
        net.scheduler.advance(Duration.ofSeconds(60));
        assertTrue(fs.stream().allMatch(CompletableFuture::isDone));
        long ok = fs.stream().filter(f -> !f.isCompletedExceptionally()).count();
        assertTrue(ok > 280, "most succeed despite loss: " + ok);
        assertTrue(mgHandlerCalls.get() <= 300, "never re-executed: " + mgHandlerCalls.get());
        assertTrue(mgCounters.duplicateRequests.sum() > 0);
        assertNoState();
    }
}
