package dev.holdfast.controller.mgc;

import dev.holdfast.controller.core.Command;
import dev.holdfast.controller.core.Event;
import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.CommandRequest;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.ObservedEventsDescriptor;
import dev.holdfast.h248.transaction.IncomingRequest;
import dev.holdfast.h248.transaction.PeerLostException;
import dev.holdfast.h248.transaction.TransactionErrorException;
import dev.holdfast.h248.transaction.TransactionTimeoutException;
import dev.holdfast.h248.transport.H248Endpoint;
import dev.holdfast.h248.transport.Peer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiPredicate;

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
    private final Map<Long, PendingReply> pendingReplies = new ConcurrentHashMap<>();

    /** A request the core has yet to answer, and the transport (endpoint) it came on. */
    private record PendingReply(String transport, CompletableFuture<List<ActionReply>> future) {}
    /** Numbered on the core thread only (inside the event factory), so handles follow event order. */
    private long nextHandle = 1;
    /** Whether a peer is a reachable gateway registered with the given canonical mId (null: heartbeats go to the core). */
    private volatile BiPredicate<String, String> reachable;
    private final LongAdder heartbeatsAnsweredAtEdge = new LongAdder();
    /**
     * The controller's own share of a call's time: from a gateway's message (a request, or the reply to one of ours)
     * reaching the transaction layer to the message carrying the core's answer to it (the reply, the next command)
     * handed to the transport. Core steps that send nothing, and timers, are not counted.
     */
    private final dev.holdfast.h248.transport.LatencyHistogram stepLatency = new dev.holdfast.h248.transport.LatencyHistogram();

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

    /**
     * Answers the it/ito heartbeats of reachable gateways here, on the I/O thread, instead of queueing them behind
     * the core's work, while the core is {@linkplain CoreRunner#progressing progressing} (it finished something
     * within a second). A busy controller (setting up thousands of calls, or rebuilding them after
     * a failover) then still answers within a round trip, and its gateways do not leave it for the alternate
     * believing it dead; a core stuck in one event stops answering and its gateways fail over as they should. The
     * request still goes to the core as an event, which computes the same reply (then dropped): the event log and
     * the core's state are the same either way.
     */
    public void answerHeartbeats(BiPredicate<String, String> reachableAt) {
        this.reachable = reachableAt;
    }

    /** See {@link #stepLatency}: a gateway's message in to the controller's answer out. */
    public dev.holdfast.h248.transport.LatencyHistogram stepLatency() { return stepLatency; }

    /** Heartbeats answered here rather than by the core. */
    public long heartbeatsAnsweredAtEdge() { return heartbeatsAnsweredAtEdge.sum(); }

    static String key(String transport, Peer p) {
        return transport + ":" + p.address().getHostString() + ":" + p.address().getPort();
    }

    private CompletionStage<List<ActionReply>> onRequest(String transport, IncomingRequest r) {
        String key = key(transport, r.peer());
        peers.put(key, r.peer());
        CompletableFuture<List<ActionReply>> reply = new CompletableFuture<>();
        List<ActionReply> heartbeatReply = heartbeatReply(key, r);
        if (heartbeatReply != null) {
            heartbeatsAnsweredAtEdge.increment();
            reply.complete(heartbeatReply);
        }
        java.util.function.LongFunction<Event> event = now -> {
            long handle = nextHandle++;
            if (!reply.isDone()) pendingReplies.put(handle, new PendingReply(transport, reply));
            return new Event.RequestReceived(now, key, r.version(), r.mid(), handle, r.request());
        };
        long cause = r.receivedNanos() != 0 ? r.receivedNanos() : System.nanoTime();
        if (isRegistration(r)) runner.submitRegistration(event, cause);
        else runner.submit(event, cause);
        return reply;
    }

    /**
     * The reply to a request that is only it/ito Notifies on ROOT from a reachable gateway while the core progresses
     * (what the core answers to it: an empty Notify reply per command), or null when the core must answer.
     */
    private List<ActionReply> heartbeatReply(String key, IncomingRequest r) {
        BiPredicate<String, String> ok = reachable;
        if (ok == null || r.mid() == null || r.request().actions().isEmpty()) return null;
        List<ActionReply> replies = new ArrayList<>(r.request().actions().size());
        for (ActionRequest a : r.request().actions()) {
            if (!ContextId.NULL.equals(a.contextId()) || a.commands().isEmpty() || !a.contextProperties().isEmpty() || !a.contextAudit().isEmpty()) return null;
            List<CommandReply> out = new ArrayList<>(a.commands().size());
            for (CommandRequest c : a.commands()) {
                if (!(c.command() instanceof dev.holdfast.h248.message.Command.Notify n) || !onlyInactivityTimeout(n)) return null;
                out.add(new CommandReply.Notify(n.terminationIds(), null));
            }
            replies.add(new ActionReply(a.contextId(), List.of(), out, null));
        }
        if (!ok.test(key, dev.holdfast.controller.provisioning.MidText.canonical(r.mid()))) return null;
        if (!runner.progressing()) return null;
        return replies;
    }

    /** A ServiceChange on ROOT (a gateway registering, failing over, coming back): served ahead of queued work. */
    private static boolean isRegistration(IncomingRequest r) {
        for (ActionRequest a : r.request().actions()) {
            for (CommandRequest c : a.commands()) {
                if (c.command() instanceof dev.holdfast.h248.message.Command.ServiceChange sc
                        && !sc.terminationIds().isEmpty() && sc.terminationIds().get(0).isRoot()) return true;
            }
        }
        return false;
    }

    private static boolean onlyInactivityTimeout(dev.holdfast.h248.message.Command.Notify n) {
        if (n.terminationIds().size() != 1 || !n.terminationIds().get(0).isRoot()) return false;
        ObservedEventsDescriptor o = n.observedEvents();
        if (o == null || o.events().isEmpty()) return false;
        for (ObservedEventsDescriptor.ObservedEvent e : o.events()) if (!e.name().equalsIgnoreCase("it/ito")) return false;
        return true;
    }

    /**
     * Carries out one core step's commands. Those for one endpoint run in one turn of its transaction thread, in the
     * core's order, so that what goes to one gateway (a Notify's reply and the Modify that follows it) leaves in one
     * message.
     */
    private void execute(List<Command> commands) {
        Map<String, List<Runnable>> byTransport = null;
        for (Command c : commands) {
            Runnable work;
            String transport;
            if (c instanceof Command.SendRequest s) {
                int colon = s.peer().indexOf(':');
                transport = colon < 0 ? "" : s.peer().substring(0, colon);
                work = () -> send(s);
            } else if (c instanceof Command.SendReply r) {
                PendingReply p = pendingReplies.remove(r.handle());
                if (p == null) continue;
                transport = p.transport();
                work = () -> p.future().complete(r.actions());
            } else if (c instanceof Command.SendErrorReply r) {
                PendingReply p = pendingReplies.remove(r.handle());
                if (p == null) continue;
                transport = p.transport();
                work = () -> p.future().completeExceptionally(new TransactionErrorException(r.error()));
            } else {
                continue;
            }
            if (byTransport == null) byTransport = new java.util.LinkedHashMap<>(2);
            byTransport.computeIfAbsent(transport, k -> new ArrayList<>()).add(work);
        }
        if (byTransport == null) return;
        long cause = runner.stepCauseNanos();
        for (Map.Entry<String, List<Runnable>> e : byTransport.entrySet()) {
            H248Endpoint endpoint = endpoints.get(e.getKey());
            List<Runnable> work = e.getValue();
            if (endpoint == null) work.forEach(Runnable::run); // send() reports "no way to" the peer
            else if (cause == 0) endpoint.inOneTurn(() -> work.forEach(Runnable::run));
            else endpoint.inOneTurn(() -> work.forEach(Runnable::run), () -> stepLatency.record(System.nanoTime() - cause));
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
        // the reply completes the future on the transaction thread as it arrives: that is when the answer's time starts
        endpoint.send(peer, s.actions()).whenComplete((reply, error) -> runner.submit(now -> reply != null
                ? new Event.ReplyReceived(now, s.token(), reply)
                : new Event.RequestFailed(now, s.token(), reason(error)), reply != null ? System.nanoTime() : 0));
    }

    private static String reason(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
        if (t instanceof TransactionTimeoutException) return "timeout";
        if (t instanceof PeerLostException) return "peer-lost";
        return "not-sent";
    }
}
