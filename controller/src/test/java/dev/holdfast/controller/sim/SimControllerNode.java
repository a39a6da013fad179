package dev.holdfast.controller.sim;

import dev.holdfast.controller.ControllerCore;
import dev.holdfast.controller.core.Command;
import dev.holdfast.controller.core.Event;
import dev.holdfast.controller.provisioning.Provisioning;
import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.transaction.IncomingRequest;
import dev.holdfast.h248.transaction.MessageSender;
import dev.holdfast.h248.transaction.PeerLostException;
import dev.holdfast.h248.transaction.TransactionErrorException;
import dev.holdfast.h248.transaction.TransactionManager;
import dev.holdfast.h248.transaction.TransactionOptions;
import dev.holdfast.h248.transaction.TransactionTimeoutException;
import dev.holdfast.h248.transport.H248Counters;
import dev.holdfast.h248.transport.Peer;
import dev.holdfast.sim.time.SimScheduler;
import dev.holdfast.sim.time.VirtualSimScheduler;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.LongFunction;

/**
 * A controller in the simulation: the real {@link ControllerCore} behind the real h248 transaction layer, with the
 * edge that the process has (MgcEdge, CoreRunner) redone on the virtual clock: what arrives becomes core events
 * stamped with virtual time and handled one at a time on the scheduler, the core's requests and replies go out
 * through the transaction layer, its timers are scheduler timers. {@link #kill()} is a {@code kill -9}.
 */
final class SimControllerNode {
    final String name;
    final InetSocketAddress address;
    final ControllerCore core;
    private final VirtualSimScheduler time;
    private final SimWire wire;
    private final TransactionManager tm;
    private final Map<String, SimWire.Link> linkByKey = new HashMap<>();
    private final Map<Peer, SimWire.Link> linkByPeer = new HashMap<>();
    private final Map<Long, CompletableFuture<List<ActionReply>>> pendingReplies = new HashMap<>();
    private final Map<Long, SimScheduler.Cancellable> timers = new TreeMap<>();
    /** Requests the core sent and whose outcome has not come back, by token: the peer they went to. */
    private final Map<Long, String> outstanding = new TreeMap<>();
    /** Every connection ever opened to this controller (closed when it dies). */
    private final List<SimWire.Link> links = new java.util.ArrayList<>();
    private long nextHandle = 1;
    private boolean alive = true;
    /** The SIP side, when the world has phones (null: H.248 only). */
    SimSipPort sip;
    /** Called after each event the core handled (the world watches call structures). */
    Runnable afterEvent = () -> { };

    SimControllerNode(String name, InetSocketAddress address, Provisioning provisioning, long seed,
                      VirtualSimScheduler time, SimWire wire, TransactionOptions options) {
        this.name = name;
        this.address = address;
        this.time = time;
        this.wire = wire;
        this.core = new ControllerCore(provisioning, seed);
        MessageSender sender = new MessageSender() {
            @Override public CompletionStage<Void> send(Peer peer, Message message) {
                SimWire.Link l = linkByPeer.get(peer);
                if (l == null || !l.open || !alive) return CompletableFuture.failedFuture(new java.io.IOException("not connected"));
                wire.toGateway(l, message);
                return CompletableFuture.completedFuture(null);
            }

            @Override public boolean reliable() { return !SimWire.UDP_LOSS; }
        };
        this.tm = new TransactionManager(MId.ipv4(address.getHostString(), address.getPort()), options,
                new H248SchedulerOnSim(time), sender, new H248Counters(), new SplittableRandom(seed ^ 0x7A11L));
        tm.setRequestHandler(this::onRequest);
    }

    boolean alive() { return alive; }

    VirtualSimScheduler time() { return time; }

    /** Requests sent to a gateway's connection that have no outcome yet. */
    boolean awaitingReplyFrom(String peerKey) { return outstanding.containsValue(peerKey); }

    /** The connection key the gateway named {@code gw} is registered over, or null. */
    String peerOf(String gw) {
        var g = core.association().gateway(gw);
        return g == null ? null : g.peer();
    }

    // ------------------------------------------------------------------------------------------ wire side

    void attached(SimWire.Link l) { links.add(l); }

    void receive(SimWire.Link l, Message m) {
        if (!alive) return;
        if (linkByPeer.putIfAbsent(l.gatewayPeer, l) == null) linkByKey.put(l.peerKey, l);
        tm.onMessage(l.gatewayPeer, m);
    }

    void lost(SimWire.Link l) {
        if (!alive) return;
        linkByPeer.remove(l.gatewayPeer);
        linkByKey.remove(l.peerKey);
        tm.onPeerLost(l.gatewayPeer);
        submit(now -> new Event.PeerLost(now, l.peerKey));
    }

    private CompletionStage<List<ActionReply>> onRequest(IncomingRequest r) {
        SimWire.Link l = linkByPeer.get(r.peer());
        CompletableFuture<List<ActionReply>> reply = new CompletableFuture<>();
        if (l == null) return reply; // never answered: the connection is gone
        submit(now -> {
            long handle = nextHandle++;
            pendingReplies.put(handle, reply);
            return new Event.RequestReceived(now, l.peerKey, r.version(), r.mid(), handle, r.request());
        });
        return reply;
    }

    // ------------------------------------------------------------------------------------------ core side

    /** Queues an event: handled on the scheduler, in order, never inside another event's handling. */
    void submit(LongFunction<Event> make) {
        time.execute(() -> {
            if (!alive) return;
            Event e = make.apply(time.wallMillis());
            execute(core.handle(e));
            afterEvent.run();
        });
    }

    private void execute(List<Command> commands) {
        if (sip != null) sip.execute(commands);
        for (Command c : commands) {
            if (c instanceof Command.SendRequest s) send(s);
            else if (c instanceof Command.SendReply r) {
                CompletableFuture<List<ActionReply>> f = pendingReplies.remove(r.handle());
                if (f != null) f.complete(r.actions());
            } else if (c instanceof Command.SendErrorReply r) {
                CompletableFuture<List<ActionReply>> f = pendingReplies.remove(r.handle());
                if (f != null) f.completeExceptionally(new TransactionErrorException(r.error()));
            } else if (c instanceof Command.StartTimer t) {
                timers.put(t.timer(), time.schedule(() -> {
                    if (timers.remove(t.timer()) != null) submit(now -> new Event.TimerFired(now, t.timer()));
                }, java.time.Duration.ofMillis(t.delayMillis())));
            } else if (c instanceof Command.CancelTimer t) {
                SimScheduler.Cancellable x = timers.remove(t.timer());
                if (x != null) x.cancel();
            }
        }
    }

    private void send(Command.SendRequest s) {
        SimWire.Link l = linkByKey.get(s.peer());
        if (l == null || !l.open) {
            submit(now -> new Event.RequestFailed(now, s.token(), "not-sent"));
            return;
        }
        outstanding.put(s.token(), s.peer());
        tm.send(l.gatewayPeer, s.actions()).whenComplete((reply, error) -> {
            outstanding.remove(s.token());
            submit(now -> reply != null ? new Event.ReplyReceived(now, s.token(), reply)
                    : new Event.RequestFailed(now, s.token(), reason(error)));
        });
    }

    private static String reason(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
        if (t instanceof TransactionTimeoutException) return "timeout";
        if (t instanceof PeerLostException) return "peer-lost";
        return "not-sent";
    }

    /** Dies at once: no more events, timers or messages; every connection closes (the gateways see it later). */
    void kill(java.util.function.LongSupplier extraCloseNanos) {
        if (!alive) return;
        alive = false;
        if (sip != null) sip.kill();
        for (SimScheduler.Cancellable c : timers.values()) c.cancel();
        timers.clear();
        for (SimWire.Link l : links) wire.closeByController(l, extraCloseNanos.getAsLong());
        linkByKey.clear();
        linkByPeer.clear();
        tm.close();
    }
}
