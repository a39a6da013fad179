package dev.holdfast.h248.transaction;

import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.ErrorDescriptor;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.MessageBody;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.transport.H248Counters;
import dev.holdfast.h248.transport.Peer;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;

/**
 * The H.248.1 transaction layer of one local entity (MG or MGC), for any number of peers: section 8
 * (transactions, TransactionPending) and Annex D.1 (at-most-once over UDP: retransmission, duplicate
 * detection with a reply cache, TransactionResponseAck).
 *
 * <p>All state lives on the {@link Scheduler}'s thread; public methods may be called from any thread and hop
 * there. Futures complete on that thread. Time is read and timers set only through the scheduler, so the
 * state machine runs unchanged in virtual time.
 *
 * <p>Also: a message-level error from a peer fails the requests of the last message sent to it (none of them was
 * processed, 8.1/8.2.2); a reply with ImmAckRequired is sent again with the request back-off until its
 * TransactionResponseAck arrives (D.1); the segments of a v3 segmented reply are collected, each answered with a
 * SegmentReply, and delivered as one reply when all have come, or the request fails with error 459 when the
 * segmentation timer runs out first.
 *
 * <p>What goes to one peer during one turn of the scheduler's thread (replies, requests, acks, Pendings) leaves as
 * one message when the turn ends ({@link OutboundBatches}, {@link TransactionOptions#batchPerTurn()}); every
 * transaction keeps its own timers, so a retransmission carries only the transactions that need it.
 *
 * <p>State is bounded ({@link TransactionOptions#maxOutstandingRequests()},
 * {@link TransactionOptions#maxIncomingTransactions()}) and every entry has a timer that removes it: an
 * outgoing transaction lives until its reply, timeout or peer loss; an incoming one until LONG-TIMER after its
 * reply, its acknowledgement, or peer loss.
 */
public final class TransactionManager {
    private static final System.Logger LOG = System.getLogger(TransactionManager.class.getName());
    private static final long MAX_TRANSACTION_ID = 0xFFFFFFFFL;
    /** An ack range wider than this is matched by scanning the cache instead of enumerating ids. */
    private static final long ACK_RANGE_ENUMERATION_LIMIT = 64;
    /** Most replies whose ack waits for a message to ride on, per peer, before they are sent alone. */
    private static final int MAX_QUEUED_ACKS = 256;

    private final MId localMid;
    private final TransactionOptions options;
    /** {@link TransactionOptions#unreliableGiveUpTime()}, summed once rather than per request. */
    private final long unreliableGiveUpNanos;
    private final Scheduler scheduler;
    private final MessageSender sender;
    private final H248Counters counters;
    private final RandomGenerator random;

    private volatile RequestHandler handler = TransactionManager::notImplemented;
    private volatile BiConsumer<Peer, ErrorDescriptor> messageErrorListener = (p, e) -> { };

    private final Map<Key, Outgoing> outgoing = new HashMap<>();
    /** Insertion order = age, so the oldest finished entry is evicted first when the bound is reached. */
    private final LinkedHashMap<Key, Incoming> incoming = new LinkedHashMap<>();
    private final Map<Peer, QueuedAcks> queuedAcks = new HashMap<>();
    /**
     * The outgoing transactions carried by the last message sent to each peer, while any of them waits; no entry
     * when that message carried no request.
     */
    private final Map<Peer, List<Outgoing>> lastRequestMessage = new HashMap<>();
    /** The round trip to each peer that has answered a request sent once (Annex D.1.3), and to all peers together. */
    private final Map<Peer, RoundTripEstimate> roundTrips = new HashMap<>();
    private final RoundTripEstimate allRoundTrips = new RoundTripEstimate();
    /** -Dholdfast.h248.adaptiveRetransmission=false: the fixed configured timers, for before/after measurements. */
    private static final boolean ADAPTIVE_RETRANSMISSION =
            Boolean.parseBoolean(System.getProperty("holdfast.h248.adaptiveRetransmission", "true"));
    /** Peers whose round trip is kept, at most (a bound on memory against a flood of sources). */
    private static final int MAX_ROUND_TRIP_PEERS = 65_536;
    /**
     * Replied incoming transactions in the order of their replies. LONG-TIMER is the same for all, so this is also
     * the order in which they expire, and one timer ({@link #expiryTimer}, for the head) serves them all instead of
     * a timer each in the event loop's queue (about 11 per call on a gateway, 30 s each: hundreds of thousands of
     * queued timers at a load generator's rates). An entry acknowledged, evicted or dropped meanwhile is skipped.
     */
    private final ArrayDeque<Incoming> repliedByExpiry = new ArrayDeque<>();
    /**
     * Entries of {@link #repliedByExpiry} acknowledged since it was last compacted. An acknowledged reply must not
     * stay reachable from the queue until its LONG-TIMER: the ack is there so that the reply can go at once (a
     * load generator's gateways get thousands a second), so the queue drops them once they are half of it.
     */
    private int acknowledgedInExpiryQueue;
    private Scheduler.Timer expiryTimer;
    /** This turn's transactions per peer, sent as one message each when the turn ends (batchPerTurn). */
    private final OutboundBatches<Outgoing> batches;
    private long nextTransactionId;
    private boolean closed;

    private record Key(Peer peer, long id) {}

    /** An outgoing transaction awaiting its reply. */
    private static final class Outgoing {
        final Key key;
        final Transaction.Request request;
        final CompletableFuture<Transaction.Reply> future;
        Scheduler.Timer timer;
        int retransmissions;
        /** Its first retransmission timer, from the peer's round trip; the later ones double it, capped. */
        long firstTimerNanos;
        /** Scheduler time at which it fails unanswered: the configured schedule's total, whatever the timers. */
        long giveUpAtNanos;
        int pendings;
        /** When its first transmission was handed to the transport (if {@link #sent}): the start of its round trip. */
        long sentNanos;
        boolean sent;
        /** Scheduler time by which a reply or the next Pending must come, once a Pending was received. */
        long pendingDeadline;
        /** Segments of a segmented reply received so far, by segment number (v3); null until the first. */
        java.util.TreeMap<Integer, Transaction.Reply> segments;
        /** The number of the segment marked SegmentationComplete (END), or -1 while unknown. */
        int lastSegment = -1;

        Outgoing(Key key, Transaction.Request request, CompletableFuture<Transaction.Reply> future) {
            this.key = key; this.request = request; this.future = future;
        }
    }

    private enum IncomingState { EXECUTING, REPLIED }

    /** An incoming transaction: executing, or replied and kept to answer duplicates. */
    private static final class Incoming {
        final Key key;
        final int version;
        IncomingState state = IncomingState.EXECUTING;
        Transaction.Reply reply;
        Scheduler.Timer timer;
        /** Re-sends a reply with ImmAckRequired until its ack comes. */
        Scheduler.Timer replyResendTimer;
        int replyResends;
        int pendingsSent;
        /** Scheduler time at which a replied transaction is forgotten (its reply time + LONG-TIMER). */
        long expiresAt;
        /** When the request's message reached this layer. */
        long receivedNanos;
        /** Its reply's latency was recorded (once: a copy sent again for a duplicate is not counted). */
        boolean latencyRecorded;
        /** The peer acknowledged the reply: forgotten, and left in the LONG-TIMER queue only until it is compacted. */
        boolean acknowledged;

        Incoming(Key key, int version) { this.key = key; this.version = version; }
    }

    private static final class QueuedAcks {
        final TreeSet<Long> ids = new TreeSet<>();
        int version;
        Scheduler.Timer timer;
    }

    public TransactionManager(MId localMid, TransactionOptions options, Scheduler scheduler, MessageSender sender,
                              H248Counters counters, RandomGenerator random) {
        this.localMid = Objects.requireNonNull(localMid);
        this.options = Objects.requireNonNull(options);
        this.unreliableGiveUpNanos = options.unreliableGiveUpTime().toNanos();
        this.scheduler = Objects.requireNonNull(scheduler);
        this.sender = Objects.requireNonNull(sender);
        this.counters = Objects.requireNonNull(counters);
        this.random = Objects.requireNonNull(random);
        // A random start keeps ids of a restarted entity out of the peer's reply cache (LONG-TIMER).
        this.nextTransactionId = random.nextLong(1, 0x7FFFFFFFL);
        this.batches = new OutboundBatches<>(scheduler, this::sendMessage);
    }

    public MId localMid() { return localMid; }

    public TransactionOptions options() { return options; }

    public H248Counters counters() { return counters; }

    /** Sets the user callback for received requests. Without one, requests are answered with error 501. */
    public void setRequestHandler(RequestHandler handler) { this.handler = Objects.requireNonNull(handler); }

    /** Called for every message-level error ({@code Error = ...} instead of transactions) received. */
    public void setMessageErrorListener(BiConsumer<Peer, ErrorDescriptor> listener) {
        this.messageErrorListener = Objects.requireNonNull(listener);
    }

    /** A random wait in [0, MWD) before an MG's first ServiceChange after a restart (restart avoidance). */
    public Duration restartAvoidanceDelay() {
        long mwd = options.restartAvoidance().toNanos();
        return mwd <= 0 ? Duration.ZERO : Duration.ofNanos(random.nextLong(mwd));
    }

    // ------------------------------------------------------------------------------------------------ sending

    /** Sends one transaction request; the future completes with the reply (which may carry an error). */
    public CompletableFuture<Transaction.Reply> send(Peer peer, List<ActionRequest> actions) {
        return sendBatch(peer, List.of(actions)).get(0);
    }

    /**
     * Sends several transaction requests in one message; each has its own future, timers and retransmissions
     * (a retransmission carries only the transaction that needs it).
     */
    public List<CompletableFuture<Transaction.Reply>> sendBatch(Peer peer, List<List<ActionRequest>> transactions) {
        Objects.requireNonNull(peer);
        if (transactions.isEmpty()) throw new IllegalArgumentException("no transactions");
        List<CompletableFuture<Transaction.Reply>> futures = new ArrayList<>();
        for (int i = 0; i < transactions.size(); i++) futures.add(new CompletableFuture<>());
        List<List<ActionRequest>> copy = transactions.stream().map(List::copyOf).toList();
        if (!onSchedulerThread(() -> startOutgoing(peer, copy, futures))) {
            futures.forEach(f -> f.completeExceptionally(new TransactionRejectedException(peer, "closed")));
        }
        return futures;
    }

    private void startOutgoing(Peer peer, List<List<ActionRequest>> transactions,
                               List<CompletableFuture<Transaction.Reply>> futures) {
        if (closed || outgoing.size() + transactions.size() > options.maxOutstandingRequests()) {
            if (!closed) counters.rejectedForLoad.increment();
            String why = closed ? "transaction manager closed"
                    : "more than " + options.maxOutstandingRequests() + " transactions outstanding";
            futures.forEach(f -> f.completeExceptionally(new TransactionRejectedException(peer, why)));
            return;
        }
        List<Transaction> requests = new ArrayList<>();
        List<Outgoing> started = new ArrayList<>();
        for (int i = 0; i < transactions.size(); i++) {
            long id = allocateTransactionId(peer);
            Transaction.Request request = new Transaction.Request(id, transactions.get(i));
            Outgoing o = new Outgoing(new Key(peer, id), request, futures.get(i));
            outgoing.put(o.key, o);
            requests.add(request);
            started.add(o);
        }
        counters.requestsSent.add(requests.size());
        long now = scheduler.nanoTime();
        long first = sender.reliable() ? 0 : firstRetransmissionTimer(peer);
        for (Outgoing o : started) {
            if (sender.reliable()) {
                o.timer = scheduler.schedule(() -> giveUp(o, "no reply within " + options.reliableReplyTimeout()),
                        options.reliableReplyTimeout());
            } else {
                o.firstTimerNanos = first;
                o.giveUpAtNanos = now + unreliableGiveUpNanos;
                o.timer = scheduler.schedule(() -> retransmissionTimerFired(o), Duration.ofNanos(first));
            }
        }
        transmit(peer, options.protocolVersion(), requests, started);
    }

    private long allocateTransactionId(Peer peer) {
        for (;;) {
            long id = nextTransactionId;
            nextTransactionId = id >= MAX_TRANSACTION_ID ? 1 : id + 1;
            if (!outgoing.containsKey(new Key(peer, id))) return id;
        }
    }

    /**
     * The first retransmission timer of a request to {@code peer}: the configured one, or longer when the peer's
     * round trip (or, before it has answered anything, all peers' round trip) says answers take longer; never more
     * than the back-off's cap. Never shorter than the configured one: a peer that answers in a millisecond on a quiet
     * day may be queueing the next second.
     */
    private long firstRetransmissionTimer(Peer peer) {
        long configured = options.initialRetransmission().toNanos();
        if (!ADAPTIVE_RETRANSMISSION) return configured;
        RoundTripEstimate e = roundTrips.get(peer);
        if (e == null) e = allRoundTrips;
        if (!e.known()) return configured;
        return Math.max(configured, Math.min(e.timeoutNanos(), options.maxRetransmissionInterval().toNanos()));
    }

    /** A request sent once has its first response (reply or Pending): a round-trip sample of its peer. */
    private void roundTripSample(Peer peer, Outgoing o, long receivedNanos) {
        if (!o.sent || o.retransmissions > 0 || o.pendings > 0 || sender.reliable()) return;
        long r = receivedNanos - o.sentNanos;
        roundTrip(peer).sample(r);
        allRoundTrips.sample(r);
    }

    private RoundTripEstimate roundTrip(Peer peer) {
        RoundTripEstimate e = roundTrips.get(peer);
        if (e == null) {
            if (roundTrips.size() >= MAX_ROUND_TRIP_PEERS) roundTrips.clear();
            roundTrips.put(peer, e = new RoundTripEstimate());
        }
        return e;
    }

    private void retransmissionTimerFired(Outgoing o) {
        if (outgoing.get(o.key) != o) return;
        long left = o.giveUpAtNanos - scheduler.nanoTime();
        if (o.retransmissions >= options.maxRetransmissions() || left <= 0) {
            giveUp(o, "no reply after " + o.retransmissions + " retransmissions");
            return;
        }
        o.retransmissions++;
        counters.retransmissions.increment();
        if (o.retransmissions == 1) roundTrip(o.key.peer).backOff(o.firstTimerNanos, options.maxRetransmissionInterval().toNanos());
        LOG.log(System.Logger.Level.DEBUG, () -> "retransmitting transaction " + o.key.id + " to " + o.key.peer
                + " (#" + o.retransmissions + ")");
        // doubled per retransmission up to the cap, as configured, from the peer's first timer; the last one runs to
        // the give-up time, so a slow peer's requests fail no later than a fast one's
        long next = options.retransmissionIntervalNanos(o.firstTimerNanos, o.retransmissions);
        if (o.retransmissions >= options.maxRetransmissions() || next > left) next = left;
        o.timer = scheduler.schedule(() -> retransmissionTimerFired(o), Duration.ofNanos(next));
        transmit(o.key.peer, options.protocolVersion(), List.of(o.request), List.of(o));
    }

    private void giveUp(Outgoing o, String why) {
        if (outgoing.remove(o.key) != o) return;
        cancel(o.timer);
        forgetIfLastMessageDone(o.key.peer);
        counters.timeouts.increment();
        LOG.log(System.Logger.Level.INFO, () -> "transaction " + o.key.id + " to " + o.key.peer + " timed out: " + why);
        o.future.completeExceptionally(new TransactionTimeoutException(o.key.peer, o.key.id, why));
    }

    /**
     * Runs {@code work} on the scheduler's thread, in one turn: whatever it sends (requests with
     * {@link #send}, replies by completing handlers' stages) to one peer leaves in one message when the turn ends,
     * with {@link TransactionOptions#batchPerTurn()}. For a caller on another thread with several things to send at
     * once (a controller's reply and its next request to the same gateway).
     */
    public void inOneTurn(Runnable work) {
        if (!onSchedulerThread(work)) LOG.log(System.Logger.Level.DEBUG, "scheduler shut down, batch dropped");
    }

    /**
     * As {@link #inOneTurn(Runnable)}, then {@code afterSent} on the scheduler's thread once the messages the work
     * made have been handed to the transport (it is queued behind the turn's flush): to measure when an answer left.
     */
    public void inOneTurn(Runnable work, Runnable afterSent) {
        if (!onSchedulerThread(() -> {
            work.run();
            scheduler.execute(() -> safely(afterSent));
        })) LOG.log(System.Logger.Level.DEBUG, "scheduler shut down, batch dropped");
    }

    /**
     * Sends {@code transactions} to {@code peer}: in this turn's message to it (batchPerTurn), or in a message of
     * their own now.
     */
    private void transmit(Peer peer, int version, List<Transaction> transactions, List<Outgoing> carried) {
        if (options.batchPerTurn()) batches.add(peer, version, transactions, carried);
        else sendMessage(peer, version, transactions, carried);
    }

    /**
     * Sends {@code transactions} in one message, with any acks queued for the peer in front. If the transport
     * fails, the outgoing transactions in {@code carried} fail with it.
     */
    private void sendMessage(Peer peer, int version, List<Transaction> transactions, List<Outgoing> carried) {
        List<Transaction> all = transactions;
        QueuedAcks q = queuedAcks.remove(peer);
        if (q != null) {
            cancel(q.timer);
            all = new ArrayList<>(transactions.size() + 1);
            all.add(ackOf(q.ids));
            all.addAll(transactions);
            counters.acksSent.add(q.ids.size());
        }
        if (all.isEmpty()) return; // an ack-only message whose acks rode on an earlier one
        Message message = new Message(null, version, localMid, new MessageBody.Transactions(all));
        long now = scheduler.nanoTime();
        for (Outgoing o : carried) {
            if (!o.sent) {
                o.sent = true;
                o.sentNanos = now;
            }
        }
        for (Transaction t : transactions) {
            if (t instanceof Transaction.Reply r) {
                Incoming in = incoming.get(new Key(peer, r.transactionId()));
                if (in != null && in.reply == r && !in.latencyRecorded) {
                    counters.replyLatency.record(now - in.receivedNanos);
                    in.latencyRecorded = true;
                }
            }
        }
        if (carried.isEmpty()) lastRequestMessage.remove(peer);
        else lastRequestMessage.put(peer, carried);
        CompletionStage<Void> sent;
        try {
            sent = sender.send(peer, message);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((v, err) -> {
            if (err != null) onSchedulerThread(() -> sendFailed(peer, carried, err));
        });
    }

    private void sendFailed(Peer peer, List<Outgoing> carried, Throwable err) {
        counters.sendFailures.increment();
        Throwable cause = unwrap(err);
        LOG.log(System.Logger.Level.WARNING, () -> "message to " + peer + " not sent: " + cause);
        for (Outgoing o : carried) {
            if (outgoing.remove(o.key) != o) continue;
            cancel(o.timer);
            o.future.completeExceptionally(new TransactionSendException(peer, o.key.id, cause));
        }
        forgetIfLastMessageDone(peer);
    }

    // ------------------------------------------------------------------------------------------------ receiving

    /** Hands over a decoded message from the transport; processes every transaction in it, in order. */
    public void onMessage(Peer peer, Message message) {
        long receivedNanos = scheduler.nanoTime();
        onSchedulerThread(() -> dispatch(peer, message, receivedNanos));
    }

    private void dispatch(Peer peer, Message message, long receivedNanos) {
        if (closed) return;
        if (message.body() instanceof MessageBody.Error e) {
            counters.messageErrorsReceived.increment();
            LOG.log(System.Logger.Level.WARNING, () -> "message-level error from " + peer + ": " + e.error());
            failLastRequestMessage(peer, e.error());
            safely(() -> messageErrorListener.accept(peer, e.error()));
            return;
        }
        for (Transaction t : message.transactions()) {
            try {
                if (t instanceof Transaction.Request r) requestReceived(peer, message, r, receivedNanos);
                else if (t instanceof Transaction.Reply r) replyReceived(peer, message.version(), r, receivedNanos);
                else if (t instanceof Transaction.Pending p) pendingReceived(peer, p.transactionId(), receivedNanos);
                else if (t instanceof Transaction.ResponseAck k) ackReceived(peer, k);
                else LOG.log(System.Logger.Level.DEBUG, () -> "ignored from " + peer + ": " + t);
            } catch (RuntimeException ex) {
                // One bad transaction must not stop the others in the message, nor escape into the pipeline.
                LOG.log(System.Logger.Level.ERROR, "failed to process " + t + " from " + peer, ex);
            }
        }
    }

    /**
     * A message-level error answers a whole message: none of its transactions was processed (H.248.1 8.1, 8.2.2).
     * The message it answers is taken to be the last one sent to the peer (the error has no transaction id to say
     * which): the requests it carried that still wait fail (a later reply to one of them is counted unmatched).
     * When the last message carried no request, nothing fails.
     */
    private void failLastRequestMessage(Peer peer, ErrorDescriptor error) {
        List<Outgoing> last = lastRequestMessage.remove(peer);
        if (last == null) return;
        List<Outgoing> failed = new ArrayList<>();
        for (Outgoing o : last) {
            if (outgoing.get(o.key) != o) continue; // answered meanwhile
            outgoing.remove(o.key);
            cancel(o.timer);
            failed.add(o);
        }
        if (failed.isEmpty()) return;
        counters.requestsFailedByMessageError.add(failed.size());
        LOG.log(System.Logger.Level.WARNING, () -> "message-level error " + error.code() + " from " + peer
                + ": failing transaction(s) " + failed.stream().map(o -> Long.toString(o.key.id)).toList()
                + " of the last message sent to it");
        for (Outgoing o : failed) o.future.completeExceptionally(new MessageRejectedException(peer, o.key.id, error));
    }

    /** Drops the peer's last-message entry once none of its transactions waits any more. */
    private void forgetIfLastMessageDone(Peer peer) {
        List<Outgoing> last = lastRequestMessage.get(peer);
        if (last == null) return;
        for (Outgoing o : last) if (outgoing.get(o.key) == o) return;
        lastRequestMessage.remove(peer);
    }

    private void replyReceived(Peer peer, int version, Transaction.Reply reply, long receivedNanos) {
        if (reply.segmentNumber() != null) {
            segmentReceived(peer, version, reply);
            return;
        }
        counters.repliesReceived.increment();
        long id = reply.transactionId();
        Outgoing o = outgoing.remove(new Key(peer, id));
        if (reply.immAckRequired()) {
            // Also for a reply we no longer wait for: the peer keeps it until acknowledged.
            queueAck(peer, version, id);
            flushAcks(peer);
        } else if (o != null && options.ackReplies() && !sender.reliable()) {
            queueAck(peer, version, id);
        }
        if (o == null) {
            counters.unmatchedReplies.increment();
            LOG.log(System.Logger.Level.DEBUG, () -> "reply " + id + " from " + peer + " matches no transaction");
            return;
        }
        cancel(o.timer);
        forgetIfLastMessageDone(peer);
        roundTripSample(peer, o, receivedNanos);
        // from the first copy, also when it was sent again: how long the requester waited (under overload every
        // request is retransmitted, and leaving those out would hide the waits that matter most)
        if (o.sent) counters.requestRoundTrip.record(receivedNanos - o.sentNanos);
        o.future.complete(reply);
    }

    /**
     * One segment of a segmented reply (v3): answered with a SegmentReply (when configured), kept until every
     * segment from 1 to the one marked END has come, then delivered as one reply. The segmentation timer restarts
     * with each new segment; when it runs out first, the request fails with error 459.
     */
    private void segmentReceived(Peer peer, int version, Transaction.Reply segment) {
        counters.segmentsReceived.increment();
        long id = segment.transactionId();
        int number = segment.segmentNumber();
        if (options.segmentReplies()) {
            // also for a segment of a reply already delivered: its SegmentReply may have been lost
            counters.segmentRepliesSent.increment();
            transmit(peer, version, List.of(new Transaction.SegmentReply(id, number,
                    segment.segmentationComplete())), List.of());
        }
        if (segment.immAckRequired()) {
            queueAck(peer, version, id);
            flushAcks(peer);
        }
        Outgoing o = outgoing.get(new Key(peer, id));
        if (o == null) {
            counters.unmatchedReplies.increment();
            LOG.log(System.Logger.Level.DEBUG, () -> "segment " + number + " of reply " + id + " from " + peer
                    + " matches no transaction");
            return;
        }
        if (o.segments == null) o.segments = new java.util.TreeMap<>();
        if (o.segments.putIfAbsent(number, segment) != null) return; // a duplicate
        if (segment.segmentationComplete()) o.lastSegment = number;
        cancel(o.timer);
        if (o.lastSegment > 0 && o.segments.size() == o.lastSegment && o.segments.firstKey() == 1) {
            outgoing.remove(o.key);
            forgetIfLastMessageDone(peer);
            counters.repliesReceived.increment();
            o.future.complete(reassembled(o));
            return;
        }
        o.timer = scheduler.schedule(() -> segmentationTimerFired(o), options.segmentationTimer());
    }

    /** The segments as one reply: their action replies in segment order, or the first error when one has one. */
    private static Transaction.Reply reassembled(Outgoing o) {
        List<ActionReply> actions = new ArrayList<>();
        boolean immAck = false;
        for (Transaction.Reply s : o.segments.values()) {
            immAck |= s.immAckRequired();
            if (s.error() != null) {
                return new Transaction.Reply(o.key.id, null, false, immAck, s.error(), List.of());
            }
            actions.addAll(s.actions());
        }
        return new Transaction.Reply(o.key.id, null, false, immAck, null, actions);
    }

    private void segmentationTimerFired(Outgoing o) {
        if (outgoing.get(o.key) != o) return;
        outgoing.remove(o.key);
        forgetIfLastMessageDone(o.key.peer);
        counters.segmentationTimeouts.increment();
        List<Integer> missing = new ArrayList<>();
        int last = o.lastSegment > 0 ? o.lastSegment : o.segments.lastKey();
        for (int n = 1; n <= last; n++) if (!o.segments.containsKey(n)) missing.add(n);
        String what = "segments not received: " + (missing.isEmpty() ? "" : missing + " ")
                + (o.lastSegment > 0 ? "(" + o.lastSegment + " in all)" : "(the last one never came)");
        LOG.log(System.Logger.Level.WARNING, () -> "segmented reply " + o.key.id + " from " + o.key.peer + ": " + what);
        o.future.complete(Transaction.Reply.error(o.key.id,
                ErrorDescriptor.of(ErrorDescriptor.SEGMENTS_NOT_RECEIVED, what)));
    }

    private void pendingReceived(Peer peer, long id, long receivedNanos) {
        counters.pendingsReceived.increment();
        Outgoing o = outgoing.get(new Key(peer, id));
        if (o == null) return;
        roundTripSample(peer, o, receivedNanos);
        o.pendings++;
        if (o.pendings > options.pendingLimit()) {
            giveUp(o, "more than " + options.pendingLimit() + " Pendings");
            return;
        }
        // The peer has the request: wait LONG-TIMER for the reply or the next Pending. Over UDP keep probing at
        // the capped interval, so that a lost final reply is replayed from the peer's cache (a probe that
        // arrives while the peer still works is answered with Pending, within the peer's pending limit).
        cancel(o.timer);
        o.pendingDeadline = scheduler.nanoTime() + options.longTimer().toNanos();
        armAfterPending(o);
    }

    private void armAfterPending(Outgoing o) {
        long left = o.pendingDeadline - scheduler.nanoTime();
        if (left <= 0) {
            giveUp(o, "no reply within LONG-TIMER (" + options.longTimer() + ") after Pending");
            return;
        }
        if (sender.reliable() || left <= options.maxRetransmissionInterval().toNanos()) {
            o.timer = scheduler.schedule(() -> {
                if (outgoing.get(o.key) == o) armAfterPending(o);
            }, Duration.ofNanos(left));
            return;
        }
        o.timer = scheduler.schedule(() -> {
            if (outgoing.get(o.key) != o) return;
            counters.retransmissions.increment();
            transmit(o.key.peer, options.protocolVersion(), List.of(o.request), List.of(o));
            armAfterPending(o);
        }, options.maxRetransmissionInterval());
    }

    private void requestReceived(Peer peer, Message message, Transaction.Request request, long receivedNanos) {
        counters.requestsReceived.increment();
        Key key = new Key(peer, request.transactionId());
        Incoming known = incoming.get(key);
        if (known != null) {
            counters.duplicateRequests.increment();
            if (known.state == IncomingState.EXECUTING) {
                if (known.pendingsSent < options.pendingLimit()) sendPending(known);
            } else {
                transmit(peer, known.version, List.of(known.reply), List.of());
            }
            return;
        }
        if (incoming.size() >= options.maxIncomingTransactions() && !evictOldestReplied()) {
            counters.rejectedForLoad.increment();
            LOG.log(System.Logger.Level.WARNING, () -> "request " + key.id + " from " + peer
                    + " refused: " + incoming.size() + " incoming transactions");
            counters.repliesSent.increment();
            transmit(peer, message.version(), List.of(Transaction.Reply.error(key.id,
                    ErrorDescriptor.of(ErrorDescriptor.SERVICE_UNAVAILABLE, "overloaded"))), List.of());
            return;
        }
        Incoming in = new Incoming(key, message.version());
        in.receivedNanos = receivedNanos;
        incoming.put(key, in);
        CompletionStage<List<ActionReply>> stage;
        try {
            stage = Objects.requireNonNull(handler.handle(new IncomingRequest(peer, message.version(),
                    message.mid(), request, receivedNanos)), "handler returned null");
        } catch (Throwable t) {
            stage = CompletableFuture.failedFuture(t);
        }
        // the provisional response timer only for a handler still working: one that answered on this thread (a
        // simulated gateway does) is replied to below, before any timer could fire
        if (!(stage instanceof CompletableFuture<?> f && f.isDone())) {
            in.timer = scheduler.schedule(() -> provisionalResponseTimerFired(in), options.provisionalResponseTime());
        }
        stage.whenComplete((actions, err) -> onSchedulerThread(() -> handlerDone(in, actions, err)));
    }

    private boolean evictOldestReplied() {
        for (Iterator<Incoming> it = incoming.values().iterator(); it.hasNext(); ) {
            Incoming in = it.next();
            if (in.state == IncomingState.REPLIED) {
                cancel(in.timer);
                cancel(in.replyResendTimer);
                it.remove();
                return true;
            }
        }
        return false;
    }

    private void provisionalResponseTimerFired(Incoming in) {
        if (incoming.get(in.key) != in || in.state != IncomingState.EXECUTING) return;
        if (in.pendingsSent >= options.pendingLimit()) return;
        sendPending(in);
        in.timer = scheduler.schedule(() -> provisionalResponseTimerFired(in), options.provisionalResponseTime());
    }

    private void sendPending(Incoming in) {
        in.pendingsSent++;
        counters.pendingsSent.increment();
        transmit(in.key.peer, in.version, List.of(new Transaction.Pending(in.key.id)), List.of());
    }

    private void handlerDone(Incoming in, List<ActionReply> actions, Throwable err) {
        if (incoming.get(in.key) != in) return; // peer lost or manager closed meanwhile
        cancel(in.timer);
        boolean immAck = options.requestImmediateAck() && !sender.reliable();
        Transaction.Reply reply;
        if (err == null && actions != null && actions.isEmpty()) {
            err = new IllegalStateException("handler replied with no action reply");
        }
        if (err == null && actions != null) {
            reply = new Transaction.Reply(in.key.id, null, false, immAck, null, actions);
        } else {
            Throwable cause = err == null ? new NullPointerException("handler completed with null") : unwrap(err);
            ErrorDescriptor error;
            if (cause instanceof TransactionErrorException te) {
                error = te.error();
            } else {
                LOG.log(System.Logger.Level.WARNING, "request handler failed on transaction " + in.key.id
                        + " from " + in.key.peer, cause);
                error = ErrorDescriptor.of(ErrorDescriptor.INTERNAL_GATEWAY_ERROR, "internal error");
            }
            reply = new Transaction.Reply(in.key.id, null, false, immAck, error, List.of());
        }
        in.state = IncomingState.REPLIED;
        in.reply = reply;
        in.timer = null;
        in.expiresAt = scheduler.nanoTime() + options.longTimer().toNanos();
        repliedByExpiry.addLast(in);
        if (expiryTimer == null) expiryTimer = scheduler.schedule(this::expireReplies, options.longTimer());
        counters.repliesSent.increment();
        transmit(in.key.peer, in.version, List.of(reply), List.of());
        if (immAck) in.replyResendTimer = scheduler.schedule(() -> resendReply(in), options.retransmissionInterval(0));
    }

    /** LONG-TIMER: forgets the replied transactions whose time is up, and sets the timer for the next one. */
    private void expireReplies() {
        expiryTimer = null;
        if (closed) return;
        long now = scheduler.nanoTime();
        Incoming in;
        while ((in = repliedByExpiry.peekFirst()) != null && in.expiresAt - now <= 0) {
            repliedByExpiry.pollFirst();
            if (in.acknowledged) acknowledgedInExpiryQueue--;
            if (incoming.get(in.key) == in) incoming.remove(in.key);
            cancel(in.replyResendTimer);
        }
        if (in != null) expiryTimer = scheduler.schedule(this::expireReplies, Duration.ofNanos(in.expiresAt - now));
    }

    /**
     * A reply with ImmAckRequired is sent again, with the back-off of a request, until the peer's
     * TransactionResponseAck removes it, or the retransmissions are used up (the reply then stays cached for
     * duplicates until LONG-TIMER, as any other).
     */
    private void resendReply(Incoming in) {
        in.replyResendTimer = null;
        if (incoming.get(in.key) != in || in.replyResends >= options.maxRetransmissions()) return;
        in.replyResends++;
        counters.replyRetransmissions.increment();
        transmit(in.key.peer, in.version, List.of(in.reply), List.of());
        in.replyResendTimer = scheduler.schedule(() -> resendReply(in),
                options.retransmissionInterval(in.replyResends));
    }

    private void ackReceived(Peer peer, Transaction.ResponseAck ack) {
        for (Transaction.AckRange range : ack.acks()) {
            counters.acksReceived.increment();
            if (range.last() - range.first() < ACK_RANGE_ENUMERATION_LIMIT) {
                for (long id = range.first(); id <= range.last(); id++) dropAcknowledged(incoming.get(new Key(peer, id)));
            } else {
                List<Incoming> hits = new ArrayList<>();
                for (Incoming in : incoming.values()) {
                    if (in.key.peer.equals(peer) && range.contains(in.key.id)) hits.add(in);
                }
                hits.forEach(this::dropAcknowledged);
            }
        }
    }

    private void dropAcknowledged(Incoming in) {
        if (in == null || in.state != IncomingState.REPLIED) return;
        cancel(in.timer);
        cancel(in.replyResendTimer);
        incoming.remove(in.key);
        in.acknowledged = true;
        in.reply = null; // whatever still points at the entry, the reply itself is garbage now
        stopExpiryWhenNoneLeft();
        if (++acknowledgedInExpiryQueue >= 1024 && 2 * acknowledgedInExpiryQueue >= repliedByExpiry.size()) {
            repliedByExpiry.removeIf(e -> e.acknowledged);
            acknowledgedInExpiryQueue = 0;
        }
    }

    /** With no incoming transaction left, nothing can expire: the LONG-TIMER queue and its timer go. */
    private void stopExpiryWhenNoneLeft() {
        if (!incoming.isEmpty()) return;
        repliedByExpiry.clear();
        acknowledgedInExpiryQueue = 0;
        cancel(expiryTimer);
        expiryTimer = null;
    }

    private void queueAck(Peer peer, int version, long id) {
        QueuedAcks q = queuedAcks.computeIfAbsent(peer, p -> new QueuedAcks());
        q.version = version;
        q.ids.add(id);
        if (q.ids.size() >= MAX_QUEUED_ACKS) {
            flushAcks(peer);
        } else if (q.timer == null) {
            q.timer = scheduler.schedule(() -> flushAcks(peer), options.ackDelay());
        }
    }

    private void flushAcks(Peer peer) {
        QueuedAcks q = queuedAcks.get(peer);
        if (q == null) return;
        transmit(peer, q.version, List.of(), List.of()); // transmit() takes the queued acks
    }

    /** {@code K { a-b, c, ... }} from sorted ids, consecutive ids folded into ranges. */
    static Transaction.ResponseAck ackOf(TreeSet<Long> ids) {
        List<Transaction.AckRange> ranges = new ArrayList<>();
        long first = -1;
        long last = -1;
        for (long id : ids) {
            if (first >= 0 && id == last + 1) {
                last = id;
                continue;
            }
            if (first >= 0) ranges.add(new Transaction.AckRange(first, last));
            first = id;
            last = id;
        }
        if (first >= 0) ranges.add(new Transaction.AckRange(first, last));
        return new Transaction.ResponseAck(ranges);
    }

    // ------------------------------------------------------------------------------------------------ peers

    /**
     * The peer is gone (TCP connection closed): its outstanding transactions fail with
     * {@link PeerLostException}, its incoming transactions are forgotten (replies of handlers still running are
     * dropped).
     */
    public void onPeerLost(Peer peer) {
        onSchedulerThread(() -> peerLost(peer, "connection to " + peer + " lost"));
    }

    /**
     * The user gives up on {@code peer} (a gateway declared its controller dead after an unanswered heartbeat, with
     * UDP, where no connection closes): as {@link #onPeerLost}, at once, so that what waited for that peer can go
     * elsewhere now instead of after the whole retransmission schedule (H.248.1 11.5 wants the queued notifications
     * sent to the next controller).
     */
    public void abandonPeer(Peer peer, String why) {
        onSchedulerThread(() -> peerLost(peer, why));
    }

    private void peerLost(Peer peer, String why) {
        if (closed) return;
        counters.peersLost.increment();
        List<Outgoing> failed = new ArrayList<>();
        for (Iterator<Outgoing> it = outgoing.values().iterator(); it.hasNext(); ) {
            Outgoing o = it.next();
            if (o.key.peer.equals(peer)) {
                it.remove();
                cancel(o.timer);
                failed.add(o);
            }
        }
        for (Iterator<Incoming> it = incoming.values().iterator(); it.hasNext(); ) {
            Incoming in = it.next();
            if (in.key.peer.equals(peer)) {
                it.remove();
                cancel(in.timer);
                cancel(in.replyResendTimer);
            }
        }
        stopExpiryWhenNoneLeft();
        QueuedAcks q = queuedAcks.remove(peer);
        if (q != null) cancel(q.timer);
        batches.drop(peer);
        lastRequestMessage.remove(peer);
        roundTrips.remove(peer);
        if (!failed.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, () -> why + ": failing " + failed.size() + " transactions");
        }
        failed.forEach(o -> o.future.completeExceptionally(new PeerLostException(peer, o.key.id, why)));
    }

    /** Fails everything outstanding with {@link PeerLostException}, drops all state; later sends are rejected. */
    public void close() {
        onSchedulerThread(() -> {
            if (closed) return;
            batches.flush(); // what this turn already answered still goes out
            closed = true;
            List<Outgoing> failed = new ArrayList<>(outgoing.values());
            outgoing.clear();
            incoming.values().forEach(in -> {
                cancel(in.timer);
                cancel(in.replyResendTimer);
            });
            lastRequestMessage.clear();
            incoming.clear();
            repliedByExpiry.clear();
            acknowledgedInExpiryQueue = 0;
            cancel(expiryTimer);
            expiryTimer = null;
            queuedAcks.values().forEach(q -> cancel(q.timer));
            queuedAcks.clear();
            for (Outgoing o : failed) {
                cancel(o.timer);
                o.future.completeExceptionally(new PeerLostException(o.key.peer, o.key.id, "endpoint closed"));
            }
        });
    }

    // ------------------------------------------------------------------------------------------------ state

    /** Sizes of the manager's maps, for leak checks. */
    public record StateSizes(int outgoing, int incoming, int queuedAckPeers) {
        public boolean isEmpty() { return outgoing == 0 && incoming == 0 && queuedAckPeers == 0; }
    }

    /** Reads the map sizes on the scheduler's thread (waits for it when called from another thread). */
    public StateSizes stateSizes() {
        if (scheduler.inSchedulerThread()) return new StateSizes(outgoing.size(), incoming.size(), queuedAcks.size());
        CompletableFuture<StateSizes> f = new CompletableFuture<>();
        scheduler.execute(() -> f.complete(new StateSizes(outgoing.size(), incoming.size(), queuedAcks.size())));
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Entries in the LONG-TIMER queue, acknowledged ones not yet compacted away included (tests; scheduler thread). */
    int repliesAwaitingExpiry() { return repliedByExpiry.size(); }

    // ------------------------------------------------------------------------------------------------ helpers

    /** Runs the task on the scheduler's thread; false if the scheduler no longer accepts tasks (shut down). */
    private boolean onSchedulerThread(Runnable task) {
        if (scheduler.inSchedulerThread()) {
            safely(task);
            return true;
        }
        try {
            scheduler.execute(() -> safely(task));
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, "scheduler shut down, task dropped");
            return false;
        }
    }

    private static void safely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "transaction layer task failed", e);
        }
    }

    private static void cancel(Scheduler.Timer t) {
        if (t != null) t.cancel();
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static CompletionStage<List<ActionReply>> notImplemented(IncomingRequest r) {
        return CompletableFuture.failedFuture(new TransactionErrorException(
                ErrorDescriptor.of(ErrorDescriptor.NOT_IMPLEMENTED, "no request handler")));
    }
}
