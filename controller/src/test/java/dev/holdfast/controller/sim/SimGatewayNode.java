package dev.holdfast.controller.sim;

import dev.holdfast.gatewaysim.GatewayConfig;
import dev.holdfast.gatewaysim.control.ControlNetwork;
import dev.holdfast.gatewaysim.core.MediaGatewayCore;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.transaction.MessageSender;
import dev.holdfast.h248.transaction.TransactionManager;
import dev.holdfast.h248.transaction.TransactionOptions;
import dev.holdfast.h248.transaction.TransactionSendException;
import dev.holdfast.h248.transport.H248Counters;
import dev.holdfast.h248.transport.Peer;
import dev.holdfast.sim.media.MediaNetwork;
import dev.holdfast.sim.time.VirtualSimScheduler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A gateway in the simulation: the real gateway-sim {@link MediaGatewayCore} (command executor, contexts, events,
 * association and failover, RTP probes on the virtual media network) behind the real h248 transaction layer, with
 * its control network ({@link ControlNetwork}) made of {@link SimWire} connections.
 */
final class SimGatewayNode implements ControlNetwork {
    final String name;
    final GatewayConfig config;
    final MediaGatewayCore core;
    private final VirtualSimScheduler time;
    private final SimWire wire;
    private final TransactionManager tm;
    private final Map<InetSocketAddress, SimControllerNode> controllers;
    private final Map<InetSocketAddress, SimWire.Link> links = new HashMap<>();
    /** How long setting up a connection to a controller takes (a slow one delays the gateway's arrival). */
    private final Function<InetSocketAddress, Duration> connectDelay;
    private Listener listener;
    private boolean alive = true;
    /**
     * Requests this says yes to are refused as a whole with 504, as by a gateway that went to another controller
     * for a while (a fault for scenario tests).
     */
    java.util.function.Predicate<List<ActionRequest>> refuse = actions -> false;

    SimGatewayNode(String name, GatewayConfig config, VirtualSimScheduler time, SimWire wire, MediaNetwork media,
                   Map<InetSocketAddress, SimControllerNode> controllers, TransactionOptions options,
                   Function<InetSocketAddress, Duration> connectDelay) {
        this.name = name;
        this.config = config;
        this.time = time;
        this.wire = wire;
        this.controllers = controllers;
        this.connectDelay = connectDelay;
        MessageSender sender = new MessageSender() {
            @Override public CompletionStage<Void> send(Peer peer, Message message) {
                SimWire.Link l = links.get(peer.address());
                if (l == null || !l.open || !alive) return CompletableFuture.failedFuture(new IOException("not connected"));
                wire.toController(l, message);
                return CompletableFuture.completedFuture(null);
            }

            @Override public boolean reliable() { return !SimWire.UDP_LOSS; }
        };
        this.tm = new TransactionManager(config.mid(), options, new H248SchedulerOnSim(time), sender, new H248Counters(),
                new SplittableRandom(config.seed() ^ 0x6A7EL));
        tm.setRequestHandler(r -> refuse.test(r.request().actions())
                ? CompletableFuture.failedFuture(new dev.holdfast.h248.transaction.TransactionErrorException(
                        dev.holdfast.h248.message.ErrorDescriptor.of(504, "not the controlling MGC")))
                : listener.onRequest(r.peer().address(), r.request()));
        this.core = new MediaGatewayCore(config, time, this, media);
    }

    boolean alive() { return alive; }

    // ------------------------------------------------------------------------------------------ ControlNetwork

    @Override public void setListener(Listener l) { this.listener = l; }

    @Override public CompletionStage<Void> connect(InetSocketAddress controller) {
        SimWire.Link have = links.get(controller);
        if (have != null && have.open) return CompletableFuture.completedFuture(null);
        CompletableFuture<Void> done = new CompletableFuture<>();
        time.schedule(() -> {
            SimControllerNode c = controllers.get(controller);
            if (!alive) return;
            if (c == null || !c.alive()) {
                done.completeExceptionally(new IOException("connection refused by " + controller));
                return;
            }
            SimWire.Link l = links.get(controller);
            if (l == null || !l.open) links.put(controller, wire.open(this, c));
            done.complete(null);
        }, connectDelay.apply(controller));
        return done;
    }

    @Override public CompletionStage<Transaction.Reply> send(InetSocketAddress controller, List<ActionRequest> actions) {
        SimWire.Link l = links.get(controller);
        if (l == null || !l.open) {
            return CompletableFuture.failedFuture(new TransactionSendException(Peer.of(controller), 0, new IOException("not connected")));
        }
        return tm.send(Peer.of(controller), actions);
    }

    @Override public void disconnect(InetSocketAddress controller) {
        SimWire.Link l = links.remove(controller);
        if (l == null) return;
        wire.closeByGateway(l);
        tm.onPeerLost(Peer.of(controller));
    }

    @Override public void close() { }

    // ------------------------------------------------------------------------------------------ wire side

    void receive(SimWire.Link l, Message m) {
        if (alive && links.get(l.controller.address) == l) tm.onMessage(Peer.of(l.controller.address), m);
    }

    /** The connection closed under us (the controller died). */
    void lost(SimWire.Link l) {
        if (!alive || links.get(l.controller.address) != l) return;
        links.remove(l.controller.address);
        tm.onPeerLost(Peer.of(l.controller.address));
        listener.onLost(l.controller.address, "TCP connection closed");
    }

    /** The gateway dies for good: its contexts go with it, its connections close. */
    void kill() {
        if (!alive) return;
        alive = false;
        core.stop();
        for (SimWire.Link l : List.copyOf(links.values())) wire.closeByGateway(l);
        links.clear();
        tm.close();
    }
}
