package dev.holdfast.gatewaysim.core;

import dev.holdfast.gatewaysim.control.ControlNetwork;
import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.text.TextCodec;
import dev.holdfast.h248.text.TextForm;
import dev.holdfast.h248.transaction.TransactionErrorException;
import dev.holdfast.h248.transaction.TransactionTimeoutException;
import dev.holdfast.h248.transport.Peer;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The test's side of the control network in virtual time: it plays the controllers. It records what the gateway
 * sends, answers ServiceChanges and Notifies as told (accept, refuse, never answer), and delivers requests that
 * the test writes in H.248 text. Not a stand-in for the gateway: the gateway's logic is real.
 */
final class TestMgc implements ControlNetwork {
    static final MId MGC_MID = MId.ipv4("127.0.0.1", 2944);

    record Sent(InetSocketAddress to, List<ActionRequest> actions, CompletableFuture<Transaction.Reply> reply) {
        Command command() { return actions.get(0).commands().get(0).command(); }

        String text() {
            return TextCodec.encode(Message.of(1, MGC_MID, new Transaction.Request(1, actions)), TextForm.COMPACT);
        }
    }

    private Listener listener;
    final List<Sent> sent = new ArrayList<>();
    /** Controllers that do not answer at all (requests fail as timed out). */
    final Set<InetSocketAddress> dead = new HashSet<>();
    /** Controllers that refuse ServiceChanges with error 403... (a reply with an error). */
    final Set<InetSocketAddress> refusing = new HashSet<>();
    /** Controllers that died without a word (UDP, kill -9): requests to them are never answered nor failed. */
    final Set<InetSocketAddress> silent = new HashSet<>();
    boolean autoAnswer = true;
    private long tid = 100;

    @Override public void setListener(Listener l) { this.listener = l; }

    @Override public CompletionStage<Void> connect(InetSocketAddress controller) {
        return CompletableFuture.completedFuture(null);
    }

    @Override public CompletionStage<Transaction.Reply> send(InetSocketAddress controller, List<ActionRequest> actions) {
        CompletableFuture<Transaction.Reply> f = new CompletableFuture<>();
        Sent s = new Sent(controller, actions, f);
        sent.add(s);
        if (silent.contains(controller)) {
            return f;
        } else if (dead.contains(controller)) {
            f.completeExceptionally(new TransactionTimeoutException(Peer.of(controller), 1, "no reply"));
        } else if (autoAnswer) {
            answer(s);
        }
        return f;
    }

    /** Answers a request as a controller would: ok, or an error from a refusing controller. */
    void answer(Sent s) {
        List<ActionReply> replies = new ArrayList<>();
        for (ActionRequest a : s.actions()) {
            Command c = a.commands().get(0).command();
            CommandReply r = c instanceof Command.ServiceChange sc
                    ? (refusing.contains(s.to()) ? new CommandReply.ServiceChange(sc.terminationIds(),
                            dev.holdfast.h248.message.ErrorDescriptor.of(402, "refused"), List.of())
                            : new CommandReply.ServiceChange(sc.terminationIds(), null, List.of()))
                    : new CommandReply.Notify(c.terminationIds(), null);
            replies.add(new ActionReply(a.contextId(), List.of(), List.of(r), null));
        }
        s.reply().complete(Transaction.Reply.of(1, replies));
    }

    @Override public void disconnect(InetSocketAddress controller) { }

    @Override public void close() { }

    void lose(InetSocketAddress controller) { listener.onLost(controller, "test closed the connection"); }

    /** Sends a request written as the body of a transaction, e.g. {@code Context=-{Modify=A1{Events=1{al/of}}}}. */
    Transaction.Reply request(InetSocketAddress from, String actions) {
        String text = "MEGACO/1 [127.0.0.1]:2944\nTransaction = " + (++tid) + " {" + actions + "}";
        Transaction.Request req;
        try {
            req = (Transaction.Request) TextCodec.parse(text).transactions().get(0);
        } catch (Exception e) {
            throw new IllegalArgumentException("test request does not parse: " + text, e);
        }
        try {
            List<ActionReply> r = listener.onRequest(from, req).toCompletableFuture().join();
            Transaction.Reply reply = Transaction.Reply.of(req.transactionId(), r);
            TextCodec.encode(Message.of(1, MGC_MID, reply), TextForm.COMPACT); // must be encodable
            return reply;
        } catch (CompletionException e) {
            if (e.getCause() instanceof TransactionErrorException te) return Transaction.Reply.error(req.transactionId(), te.error());
            throw e;
        }
    }

    static String text(Transaction.Reply r) {
        return TextCodec.encode(Message.of(1, MGC_MID, r), TextForm.COMPACT);
    }

    /** What the gateway sent, as compact text, from index {@code from} on. */
    List<String> sentText(int from) {
        return sent.subList(from, sent.size()).stream().map(Sent::text).toList();
    }

    List<Sent> notifies() {
        return sent.stream().filter(s -> s.command() instanceof Command.Notify).toList();
    }

    List<Sent> serviceChanges() {
        return sent.stream().filter(s -> s.command() instanceof Command.ServiceChange).toList();
    }

    static boolean isRoot(Command c) { return c.terminationIds().get(0).equals(TerminationId.ROOT); }

    static ContextId ctx(Sent s) { return s.actions().get(0).contextId(); }
}
