package dev.holdfast.h248.transaction;

import dev.holdfast.h248.message.ActionReply;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The local user of the transaction layer (an MG or an MGC): executes one received transaction request and
 * returns the actions of its reply, now or later. The layer sends the reply, a Pending while the stage is not
 * complete, and answers duplicates itself.
 *
 * <p>To answer with a transaction-level error, complete the stage exceptionally with a
 * {@link TransactionErrorException}; any other exception is answered with error 500 (internal gateway error).
 * Called on the transaction layer's thread: do not block it.
 */
@FunctionalInterface
public interface RequestHandler {
    CompletionStage<List<ActionReply>> handle(IncomingRequest request);
}
