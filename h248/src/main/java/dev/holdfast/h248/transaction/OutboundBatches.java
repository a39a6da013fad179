package dev.holdfast.h248.transaction;

import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.transport.Peer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the transaction layer sends to each peer during one turn of its scheduler's thread, collected so that it
 * leaves as one message per peer when the turn ends (H.248.1 section 7: a message carries any number of
 * transactions to one peer; the receiver processes them in order). A notification's reply and the request that
 * follows it, or a reply and the gateway's next Notify, then take one datagram instead of two.
 *
 * <p>Only the scheduler's thread uses an instance. The end of the turn is a task queued with
 * {@link Scheduler#execute} when the first transaction of a turn comes: no timer, no added wait beyond the tasks
 * already queued on that thread. Order is kept per peer; transactions of another protocol version start a new
 * message. The size limit is the transport's: it splits an oversized batch at transaction boundaries.
 *
 * @param <C> what the sender keeps per request carried (the outgoing transaction, to fail it with the message)
 */
final class OutboundBatches<C> {
    /** Sends one message's worth: transactions in order, and the requests among them. */
    interface Sink<C> {
        void send(Peer peer, int version, List<Transaction> transactions, List<C> carried);
    }

    private static final class Batch<C> {
        final int version;
        final List<Transaction> transactions = new ArrayList<>(4);
        final List<C> carried = new ArrayList<>(2);

        Batch(int version) { this.version = version; }
    }

    private final Scheduler scheduler;
    private final Sink<C> sink;
    /** Insertion order: peers are flushed in the order they were first sent to in the turn. */
    private final Map<Peer, Batch<C>> open = new LinkedHashMap<>();
    private boolean flushQueued;

    OutboundBatches(Scheduler scheduler, Sink<C> sink) {
        this.scheduler = scheduler;
        this.sink = sink;
    }

    /**
     * Adds transactions for {@code peer} to this turn's message. An empty list still makes a message (it carries
     * the acks the sink adds).
     */
    void add(Peer peer, int version, List<Transaction> transactions, List<C> carried) {
        Batch<C> b = open.get(peer);
        if (b != null && b.version != version) {
            open.remove(peer);
            sink.send(peer, b.version, b.transactions, b.carried); // the earlier version's part goes first
            b = null;
        }
        if (b == null) {
            b = new Batch<>(version);
            open.put(peer, b);
        }
        b.transactions.addAll(transactions);
        b.carried.addAll(carried);
        if (!flushQueued) {
            flushQueued = true;
            scheduler.execute(this::flush);
        }
    }

    /** Sends every open batch now (end of turn, or closing). */
    void flush() {
        flushQueued = false;
        while (!open.isEmpty()) {
            var it = open.entrySet().iterator();
            var e = it.next();
            it.remove();
            sink.send(e.getKey(), e.getValue().version, e.getValue().transactions, e.getValue().carried);
        }
    }

    /** Forgets what waits for {@code peer} (it is lost: its requests have failed, its replies are not wanted). */
    void drop(Peer peer) { open.remove(peer); }

    /** Forgets everything waiting. */
    void clear() { open.clear(); }

    boolean isEmpty() { return open.isEmpty(); }
}
