package dev.holdfast.h248.transaction;

import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.transport.Peer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * Message-level network between transaction managers in virtual time: every message is logged, may be dropped by
 * a rule, and is otherwise delivered after {@code latency}. It stands in for the transport (not under test here);
 * the transport itself is tested on real sockets.
 */
final class SimulatedNetwork {
    record Sent(Duration at, Peer from, Peer to, Message message) {}

    final VirtualScheduler scheduler = new VirtualScheduler();
    final List<Sent> log = new ArrayList<>();
    private final Map<Peer, TransactionManager> nodes = new HashMap<>();
    private Predicate<Sent> drop = s -> false;
    private Duration latency = Duration.ofMillis(1);
    private boolean reliable;

    SimulatedNetwork reliable(boolean r) { this.reliable = r; return this; }

    void latency(Duration d) { latency = d; }

    /** Messages matching the rule are lost. */
    void drop(Predicate<Sent> rule) { drop = rule; }

    MessageSender senderFor(Peer self) {
        return new MessageSender() {
            @Override public CompletionStage<Void> send(Peer to, Message message) {
                Sent s = new Sent(scheduler.elapsed(), self, to, message);
                log.add(s);
                if (drop.test(s)) return CompletableFuture.completedFuture(null);
                TransactionManager target = nodes.get(to);
                if (target == null) {
                    return CompletableFuture.failedFuture(new java.io.IOException("no route to " + to));
                }
                scheduler.schedule(() -> target.onMessage(self, message), latency);
                return CompletableFuture.completedFuture(null);
            }

            @Override public boolean reliable() { return reliable; }
        };
    }

    void attach(Peer address, TransactionManager manager) { nodes.put(address, manager); }

    List<Sent> from(Peer p) { return log.stream().filter(s -> s.from().equals(p)).toList(); }
}
