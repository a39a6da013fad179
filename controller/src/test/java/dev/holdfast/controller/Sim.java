package dev.holdfast.controller;

import dev.holdfast.controller.core.Command;
import dev.holdfast.controller.core.Event;
import dev.holdfast.controller.core.EventCodec;
import dev.holdfast.controller.core.VirtualTimeDriver;
import dev.holdfast.controller.provisioning.Provisioning;
import dev.holdfast.controller.provisioning.ProvisioningLoader;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A controller core in virtual time with test gateways around it; requests are answered as they are sent. */
final class Sim {
    final Provisioning provisioning;
    final ControllerCore core;
    final VirtualTimeDriver driver;
    final Map<String, SimGateway> gateways = new LinkedHashMap<>();
    private final ArrayDeque<Command.SendRequest> queue = new ArrayDeque<>();
    /** Requests sent to dead gateways, by token: the test fails them when it wants. */
    final List<Command.SendRequest> unanswered = new ArrayList<>();
    private boolean routing;
    /** The next request this matches is executed by its gateway but the reply is lost and the request fails. */
    java.util.function.Predicate<Command.SendRequest> loseReply;

    Sim(String yaml) throws Exception {
        this(ProvisioningLoader.parse(yaml, ProvisioningLoader.Format.YAML, "sim.yaml"));
    }

    Sim(Provisioning p) {
        this.provisioning = p;
        this.core = new ControllerCore(p, 42);
        this.driver = new VirtualTimeDriver(core, 1_700_000_000_000L);
    }

    SimGateway gateway(String name, String... terminations) {
        var cfg = provisioning.gateway(name);
        String host = cfg.expectedHost() == null ? "127.0.0.1" : cfg.expectedHost();
        int port = cfg.expectedPort() == null ? 20000 + gateways.size() : cfg.expectedPort();
        SimGateway g = new SimGateway(this, name, cfg.mid(), "udp:" + host + ":" + port, gateways.size() * 1_000_000L, terminations);
        gateways.put(g.peer, g);
        return g;
    }

    /** A gateway that is not (or not correctly) provisioned. */
    SimGateway stranger(String mid, String peer) {
        SimGateway g = new SimGateway(this, "stranger", mid, peer, 900_000_000L);
        gateways.put(g.peer, g);
        return g;
    }

    /** Delivers the core's requests to their gateways and their replies back, until nothing is left. */
    void route(List<Command> commands) {
        for (Command c : commands) if (c instanceof Command.SendRequest s) queue.add(s);
        if (routing) return;
        routing = true;
        try {
            while (!queue.isEmpty()) {
                Command.SendRequest s = queue.poll();
                SimGateway g = gateways.get(s.peer());
                if (g == null || !g.alive) {
                    unanswered.add(s);
                    if (g != null) g.received.add(g.text(s));
                    continue;
                }
                var reply = g.execute(s);
                if (loseReply != null && loseReply.test(s)) {
                    loseReply = null;
                    // the gateway did it, the controller never hears: retransmissions exhausted
                    List<Command> out = driver.inject(t -> new Event.RequestFailed(t, s.token(), "timeout"));
                    for (Command c : out) if (c instanceof Command.SendRequest n) queue.add(n);
                    continue;
                }
                List<Command> out = driver.inject(t -> new Event.ReplyReceived(t, s.token(), reply));
                for (Command c : out) if (c instanceof Command.SendRequest n) queue.add(n);
            }
        } finally {
            routing = false;
        }
    }

    /** Time passes; timers fire and what they send is delivered. */
    void advance(long millis) {
        long end = driver.now() + millis;
        while (driver.nextTimerAt() >= 0 && driver.nextTimerAt() <= end) {
            route(driver.advance(driver.nextTimerAt() - driver.now()));
        }
        route(driver.advance(end - driver.now()));
    }

    /** The transaction layer gives up on every unanswered request (retransmissions exhausted). */
    void timeOutUnanswered() {
        List<Command.SendRequest> pending = new ArrayList<>(unanswered);
        unanswered.clear();
        for (Command.SendRequest s : pending) route(driver.inject(t -> new Event.RequestFailed(t, s.token(), "timeout")));
    }

    /** The gateways answer, late, every request left unanswered so far (those that are alive again). */
    void answerUnanswered() {
        List<Command.SendRequest> pending = new ArrayList<>(unanswered);
        unanswered.clear();
        List<Command> late = new ArrayList<>();
        for (Command.SendRequest s : pending) {
            SimGateway g = gateways.get(s.peer());
            if (g == null || !g.alive) { unanswered.add(s); continue; }
            var reply = g.execute(s);
            late.addAll(driver.inject(t -> new Event.ReplyReceived(t, s.token(), reply)));
        }
        route(late);
    }

    void admin(String verb, String... args) { route(driver.inject(t -> new Event.Admin(t, verb, List.of(args)))); }

    /** The whole run as an event log (header + events). */
    List<String> eventLog() {
        List<String> lines = new ArrayList<>();
        lines.add(EventCodec.header(ProvisioningLoader.toJson(provisioning), 42));
        long seq = 0;
        for (Event e : driver.events()) lines.add(EventCodec.encode(++seq, e));
        return lines;
    }

    List<String> commandLog() {
        return driver.commands().stream().map(EventCodec::encode).toList();
    }
}
