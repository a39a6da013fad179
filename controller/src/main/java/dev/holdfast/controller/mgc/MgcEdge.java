package dev.holdfast.controller.mgc;

import dev.holdfast.controller.core.Command;
import dev.holdfast.controller.core.Event;
import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.transaction.IncomingRequest;
import dev.holdfast.h248.transaction.PeerLostException;
import dev.holdfast.h248.transaction.TransactionErrorException;
import dev.holdfast.h248.transaction.TransactionTimeoutException;
import dev.holdfast.h248.transport.H248Endpoint;
import dev.holdfast.h248.transport.Peer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The H.248 edge of the controller: turns what arrives on the H.248 endpoints into core events and carries out
 * the core's commands (requests to gateways, replies). Peers are named {@code udp:host:port} / {@code tcp:host:port}
 * for the core.
 */
public final class MgcEdge {
    private static final System.Logger LOG = System.getLogger(MgcEdge.class.getName());

    private final CoreRunner runner;
    private final Map<String, H248Endpoint> endpoints = new ConcurrentHashMap<>();
    private final Map<String, Peer> peers = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<List<ActionReply>>> pendingReplies = new ConcurrentHashMap<>();
    /** Numbered on the core thread only (inside the event factory), so handles follow event order. */
    private long nextHandle = 1;

    public MgcEdge(CoreRunner runner) {
        this.runner = runner;
        runner.edge(this::execute);
    }

    /** Attaches an endpoint; {@code transport} is {@code udp} or {@code tcp}. */
    public void attach(String transport, H248Endpoint endpoint) {
        endpoints.put(transport, endpoint);
        endpoint.onRequest(r -> onRequest(transport, r));
        endpoint.onPeerLost(p -> {
            String key = key(transport, p);
            peers.remove(key);
            runner.submit(now -> new Event.PeerLost(now, key));
        });
    }

    static String key(String transport, Peer p) {
        return transport + ":" + p.address().getHostString() + ":" + p.address().getPort();
    }

    private CompletionStage<List<ActionReply>> onRequest(String transport, IncomingRequest r) {
        String key = key(transport, r.peer());
        peers.put(key, r.peer());
        CompletableFuture<List<ActionReply>> reply = new CompletableFuture<>();
        runner.submit(now -> {
            long handle = nextHandle++;
            pendingReplies.put(handle, reply);
            return new Event.RequestReceived(now, key, r.version(), r.mid(), handle, r.request());
        });
        return reply;
    }

    private void execute(List<Command> commands) {
        for (Command c : commands) {
            if (c instanceof Command.SendRequest s) send(s);
            else if (c instanceof Command.SendReply r) {
                CompletableFuture<List<ActionReply>> f = pendingReplies.remove(r.handle());
                if (f != null) f.complete(r.actions());
            } else if (c instanceof Command.SendErrorReply r) {
                CompletableFuture<List<ActionReply>> f = pendingReplies.remove(r.handle());
                if (f != null) f.completeExceptionally(new TransactionErrorException(r.error()));
            }
        }
    }

    private void send(Command.SendRequest s) {
        int colon = s.peer().indexOf(':');
        H248Endpoint endpoint = colon < 0 ? null : endpoints.get(s.peer().substring(0, colon));
        Peer peer = peers.get(s.peer());
        if (endpoint == null || peer == null) {
            LOG.log(System.Logger.Level.WARNING, () -> "no way to " + s.peer());
            runner.submit(now -> new Event.RequestFailed(now, s.token(), "not-sent"));
            return;
        }
        endpoint.send(peer, s.actions()).whenComplete((reply, error) -> runner.submit(now -> reply != null
                ? new Event.ReplyReceived(now, s.token(), reply)
                : new Event.RequestFailed(now, s.token(), reason(error))));
    }

    private static String reason(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
        if (t instanceof TransactionTimeoutException) return "timeout";
        if (t instanceof PeerLostException) return "peer-lost";
        return "not-sent";
    }
}
