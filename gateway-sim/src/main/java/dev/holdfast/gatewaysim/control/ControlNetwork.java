package dev.holdfast.gatewaysim.control;

import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.Transaction;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The gateway's H.248 control transport, as the gateway's logic sees it: transactions to and from controllers by
 * address, and the loss of a connection. The real one is {@link H248ControlNetwork} (UDP or TCP over the h248
 * module); tests and simulations put their own behind it. Completion stages may complete on any thread.
 */
public interface ControlNetwork extends AutoCloseable {
    /** Receives requests from controllers and losses of connections. Set once, before {@link #connect}. */
    void setListener(Listener listener);

    /** Makes {@code controller} reachable (TCP: connects; UDP: nothing to do). */
    CompletionStage<Void> connect(InetSocketAddress controller);

    /** Sends one transaction request; completes with the reply or fails (timeout, connection lost). */
    CompletionStage<Transaction.Reply> send(InetSocketAddress controller, List<ActionRequest> actions);

    /** Drops the connection to {@code controller} (TCP) and fails what is still waiting for its replies (both). */
    void disconnect(InetSocketAddress controller);

    @Override void close();

    interface Listener {
        /**
         * A transaction request from {@code from}; the stage completes with the reply's actions, or exceptionally
         * with a {@code TransactionErrorException} for a transaction-level error.
         */
        CompletionStage<List<ActionReply>> onRequest(InetSocketAddress from, Transaction.Request request);

        /** The connection to {@code controller} closed (TCP). */
        void onLost(InetSocketAddress controller, String why);
    }
}
