package dev.holdfast.h248.transaction;

import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.ErrorDescriptor;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.MessageBody;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.Transaction;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.holdfast.h248.transaction.TransactionManagerTest.MG;
import static dev.holdfast.h248.transaction.TransactionManagerTest.MGC;
import static dev.holdfast.h248.transaction.TransactionManagerTest.OPTIONS;
import static dev.holdfast.h248.transaction.TransactionManagerTest.failure;
import static dev.holdfast.h248.transaction.TransactionManagerTest.modify;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The transaction layer against a peer's message-level errors (H.248.1 8.1/8.2.2), the re-sending of replies that
 * asked for an immediate ack (Annex D.1), and v3 segmented replies (8.1, error 459), in virtual time on the
 * simulated network of {@link TransactionManagerTest}.
 */
class TransactionErrorsAndSegmentsTest {
    private static final MId MG_MID = MId.ipv4("127.0.0.1", 2945);
    private final TransactionManagerTest t = new TransactionManagerTest();

    private static ActionReply reply(int context) {
        return ActionReply.of(ContextId.of(context), new CommandReply.Amms(CommandReply.AmmsVerb.MODIFY,
                List.of(TerminationId.of("A" + context)), List.of()));
    }

    /** The MG side sends {@code message} to the MGC over the simulated network (the MG's manager is bypassed). */
    private void fromMg(Message message) {
        t.net.senderFor(MG).send(MGC, message);
    }

    private static Transaction.Reply segment(long id, int n, boolean end, ActionReply a) {
        return new Transaction.Reply(id, n, end, false, null, List.of(a));
    }

    private List<Transaction.SegmentReply> segmentRepliesFromMgc() {
        return t.net.from(MGC).stream().flatMap(s -> s.message().transactions().stream())
                .filter(x -> x instanceof Transaction.SegmentReply).map(x -> (Transaction.SegmentReply) x).toList();
    }

    // ------------------------------------------------------------------ message-level errors

    @Test
    void aMessageLevelErrorFailsTheRequestsOfTheLastMessageSentToThatPeer() {
        t.build(OPTIONS, OPTIONS, false);
        t.net.drop(s -> s.from().equals(MGC)); // the MG never sees our requests: only its error answers
        CompletableFuture<Transaction.Reply> earlier = t.mgc.send(MG, modify());
        t.net.scheduler.runReady(); // its own turn, so its own message
        List<CompletableFuture<Transaction.Reply>> batch = t.mgc.sendBatch(MG, List.of(modify(), modify()));
        t.net.scheduler.advance(Duration.ofMillis(10));
        fromMg(new Message(null, 1, MG_MID, new MessageBody.Error(ErrorDescriptor.of(400, "syntax error"))));
        t.net.scheduler.advance(Duration.ofMillis(10));

        for (CompletableFuture<Transaction.Reply> f : batch) {
            MessageRejectedException e = assertInstanceOf(MessageRejectedException.class, failure(f));
            assertEquals(400, e.error().code());
            assertEquals(MG, e.peer());
        }
        assertFalse(earlier.isDone(), "a request of an earlier message is not answered by the error");
        assertEquals(2, t.mgcCounters.requestsFailedByMessageError.sum());
        assertEquals(1, t.mgcCounters.messageErrorsReceived.sum());
        // the failed requests are gone: no more retransmissions of them
        long before = t.requestsFromMgc().size();
        t.net.scheduler.advance(Duration.ofMillis(600));
        assertEquals(before + 1, t.requestsFromMgc().size(), "only the earlier request is retransmitted");
    }

    @Test
    void aMessageLevelErrorAfterAMessageWithoutRequestsFailsNothing() {
        t.build(OPTIONS, OPTIONS, false);
        t.net.drop(s -> s.from().equals(MGC));
        CompletableFuture<Transaction.Reply> f = t.mgc.send(MG, modify());
        t.net.scheduler.advance(Duration.ofMillis(10));
        // our last message to the MG is then an ack (of a reply asking for one), not the request
        fromMg(Message.of(1, MG_MID, new Transaction.Reply(99, null, false, true, null, List.of(reply(1)))));
        t.net.scheduler.advance(Duration.ofMillis(10));
        fromMg(new Message(null, 1, MG_MID, new MessageBody.Error(ErrorDescriptor.of(400, null))));
        t.net.scheduler.advance(Duration.ofMillis(10));
        assertFalse(f.isDone());
        assertEquals(0, t.mgcCounters.requestsFailedByMessageError.sum());
    }

    @Test
    void aMessageLevelErrorAfterTheRepliesCameFailsNothing() throws Exception {
        t.build(OPTIONS, OPTIONS, false);
        CompletableFuture<Transaction.Reply> f = t.mgc.send(MG, modify());
        t.net.scheduler.advance(Duration.ofMillis(10));
        assertNull(f.get().error());
        fromMg(new Message(null, 1, MG_MID, new MessageBody.Error(ErrorDescriptor.of(400, null))));
        t.net.scheduler.advance(Duration.ofMillis(10));
        assertEquals(0, t.mgcCounters.requestsFailedByMessageError.sum());
    }

    // ------------------------------------------------------------------ ImmAckRequired replies

    @Test
    void aReplyWithImmAckRequiredIsResentWithBackOffUntilItsAckArrives() throws Exception {
        t.build(OPTIONS, OPTIONS.withRequestImmediateAck(true), false);
        AtomicInteger acksLost = new AtomicInteger(3);
        t.net.drop(s -> s.from().equals(MGC) && s.message().transactions().stream()
                .allMatch(x -> x instanceof Transaction.ResponseAck) && acksLost.getAndDecrement() > 0);
        CompletableFuture<Transaction.Reply> f = t.mgc.send(MG, modify());
        t.net.scheduler.advance(Duration.ofSeconds(20));
        assertTrue(f.get().immAckRequired());
        List<Long> replyTimes = t.net.from(MG).stream().filter(s -> s.message().transactions().stream()
                .anyMatch(x -> x instanceof Transaction.Reply)).map(s -> s.at().toMillis()).toList();
        // sent at ~1 ms, then again after 0.5 s, 1 s, 2 s; the ack of the 4th copy gets through
        assertEquals(4, replyTimes.size(), "reply copies " + replyTimes);
        assertEquals(500, replyTimes.get(1) - replyTimes.get(0));
        assertEquals(1000, replyTimes.get(2) - replyTimes.get(1));
        assertEquals(2000, replyTimes.get(3) - replyTimes.get(2));
        assertEquals(3, t.mgCounters.replyRetransmissions.sum());
        assertEquals(1, t.mgHandlerCalls.get(), "resending does not execute again");
        assertEquals(0, t.mg.stateSizes().incoming(), "the ack emptied the reply cache");
        assertEquals(0, t.net.scheduler.activeTimers(), "no resend timer left");
    }

    @Test
    void resendingAReplyStopsAfterTheRetransmissionLimitAndTheCacheStillExpires() {
        t.build(OPTIONS, OPTIONS.withRequestImmediateAck(true), false);
        t.net.drop(s -> s.from().equals(MGC) && s.message().transactions().stream()
                .allMatch(x -> x instanceof Transaction.ResponseAck));
        t.mgc.send(MG, modify());
        t.net.scheduler.advance(Duration.ofSeconds(29));
        long copies = t.net.from(MG).stream().filter(s -> s.message().transactions().stream()
                .anyMatch(x -> x instanceof Transaction.Reply)).count();
        assertEquals(1 + OPTIONS.maxRetransmissions(), copies);
        t.net.scheduler.advance(OPTIONS.longTimer());
        t.assertNoState();
    }

    @Test
    void aReplyWithoutImmAckRequiredIsSentOnceAndReplayedOnlyForADuplicateRequest() {
        t.build(OPTIONS, OPTIONS, false);
        t.mgc.send(MG, modify());
        t.net.scheduler.advance(Duration.ofSeconds(10));
        assertEquals(0, t.mgCounters.replyRetransmissions.sum());
        assertEquals(1, t.net.from(MG).size());
    }

    @Test
    void aHandlerAnsweringWithNoActionReplyGetsError500SentNotAnInvalidReply() throws Exception {
        // a transaction reply holds an Error descriptor or at least one action reply: the model refuses an empty one
        t.build(OPTIONS, OPTIONS, false);
        t.mg.setRequestHandler(r -> CompletableFuture.completedFuture(List.of()));
        CompletableFuture<Transaction.Reply> f = t.mgc.send(MG, modify());
        t.net.scheduler.advance(Duration.ofMillis(10));
        assertEquals(ErrorDescriptor.INTERNAL_GATEWAY_ERROR, f.get().error().code());
    }

    // ------------------------------------------------------------------ segmented replies (v3)

    private long requestId() {
        return ((Transaction.Request) t.requestsFromMgc().get(0).message().transactions().get(0)).transactionId();
    }

    @Test
    void segmentsArrivingOutOfOrderAreReassembledAndEachGetsASegmentReply() throws Exception {
        t.build(OPTIONS, OPTIONS, false);
        t.net.drop(s -> s.from().equals(MGC) && s.message().transactions().stream()
                .anyMatch(x -> x instanceof Transaction.Request)); // the peer is played by hand
        CompletableFuture<Transaction.Reply> f = t.mgc.send(MG, modify());
        t.net.scheduler.advance(Duration.ofMillis(10));
        long id = requestId();
        fromMg(Message.of(3, MG_MID, segment(id, 2, false, reply(2))));
        fromMg(Message.of(3, MG_MID, segment(id, 3, true, reply(3))));
        t.net.scheduler.advance(Duration.ofMillis(10));
        assertFalse(f.isDone(), "segment 1 is missing");
        fromMg(Message.of(3, MG_MID, segment(id, 1, false, reply(1))));
        fromMg(Message.of(3, MG_MID, segment(id, 2, false, reply(2)))); // a late duplicate
        t.net.scheduler.advance(Duration.ofMillis(10));

        Transaction.Reply r = f.get();
        assertEquals(id, r.transactionId());
        assertNull(r.segmentNumber());
        assertEquals(List.of(reply(1), reply(2), reply(3)), r.actions());
        assertEquals(List.of(new Transaction.SegmentReply(id, 2, false), new Transaction.SegmentReply(id, 3, true),
                new Transaction.SegmentReply(id, 1, false), new Transaction.SegmentReply(id, 2, false)),
                segmentRepliesFromMgc());
        assertEquals(4, t.mgcCounters.segmentsReceived.sum());
        assertEquals(1, t.mgcCounters.repliesReceived.sum());
        assertEquals(0, t.mgc.stateSizes().outgoing());
        long requests = t.requestsFromMgc().size();
        t.net.scheduler.advance(Duration.ofSeconds(10));
        assertEquals(requests, t.requestsFromMgc().size(), "no retransmission once the segments came");
    }

    @Test
    void aMissingSegmentFailsTheRequestWithError459WhenTheSegmentationTimerRunsOut() throws Exception {
        t.build(OPTIONS.withSegmentation(Duration.ofSeconds(2), true), OPTIONS, false);
        t.net.drop(s -> s.from().equals(MGC) && s.message().transactions().stream()
                .anyMatch(x -> x instanceof Transaction.Request));
        CompletableFuture<Transaction.Reply> f = t.mgc.send(MG, modify());
        t.net.scheduler.advance(Duration.ofMillis(10));
        long id = requestId();
        fromMg(Message.of(3, MG_MID, segment(id, 1, false, reply(1))));
        fromMg(Message.of(3, MG_MID, segment(id, 3, true, reply(3))));
        t.net.scheduler.advance(Duration.ofMillis(1900));
        assertFalse(f.isDone(), "the timer runs from the last segment");
        t.net.scheduler.advance(Duration.ofMillis(200));
        Transaction.Reply r = f.get();
        assertEquals(ErrorDescriptor.SEGMENTS_NOT_RECEIVED, r.error().code());
        assertTrue(r.error().text().contains("[2]"), r.error().text());
        assertEquals(1, t.mgcCounters.segmentationTimeouts.sum());
        // a segment arriving later matches nothing (it is still answered, so that the peer stops sending it)
        fromMg(Message.of(3, MG_MID, segment(id, 2, false, reply(2))));
        t.net.scheduler.advance(Duration.ofMillis(10));
        assertEquals(1, t.mgcCounters.unmatchedReplies.sum());
        assertEquals(3, segmentRepliesFromMgc().size());
    }

    @Test
    void withoutTheEndSegmentTheRequestTimesOutWith459() throws Exception {
        t.build(OPTIONS.withSegmentation(Duration.ofSeconds(2), true), OPTIONS, false);
        t.net.drop(s -> s.from().equals(MGC));
        CompletableFuture<Transaction.Reply> f = t.mgc.send(MG, modify());
        t.net.scheduler.advance(Duration.ofMillis(10));
        long id = requestId();
        fromMg(Message.of(3, MG_MID, segment(id, 1, false, reply(1))));
        fromMg(Message.of(3, MG_MID, segment(id, 2, false, reply(2))));
        t.net.scheduler.advance(Duration.ofSeconds(3));
        assertEquals(459, f.get().error().code());
        assertTrue(f.get().error().text().contains("last one never came"), f.get().error().text());
    }

    @Test
    void segmentRepliesCanBeTurnedOff() throws Exception {
        t.build(OPTIONS.withSegmentation(Duration.ofSeconds(2), false), OPTIONS, false);
        t.net.drop(s -> s.from().equals(MGC));
        CompletableFuture<Transaction.Reply> f = t.mgc.send(MG, modify());
        t.net.scheduler.advance(Duration.ofMillis(10));
        long id = requestId();
        fromMg(Message.of(3, MG_MID, segment(id, 1, true, reply(1))));
        t.net.scheduler.advance(Duration.ofMillis(10));
        assertEquals(List.of(reply(1)), f.get().actions());
        assertEquals(List.of(), segmentRepliesFromMgc());
    }

    @Test
    void aSegmentCarryingAnErrorMakesTheWholeReplyThatError() throws Exception {
        t.build(OPTIONS, OPTIONS, false);
        t.net.drop(s -> s.from().equals(MGC));
        CompletableFuture<Transaction.Reply> f = t.mgc.send(MG, modify());
        t.net.scheduler.advance(Duration.ofMillis(10));
        long id = requestId();
        fromMg(Message.of(3, MG_MID, segment(id, 1, false, reply(1)),
                new Transaction.Reply(id, 2, true, false, ErrorDescriptor.of(500, "failed"), List.of())));
        t.net.scheduler.advance(Duration.ofMillis(10));
        assertEquals(500, f.get().error().code());
        assertEquals(List.of(), f.get().actions());
    }
}
