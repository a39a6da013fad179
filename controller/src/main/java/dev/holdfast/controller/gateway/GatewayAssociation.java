package dev.holdfast.controller.gateway;

import dev.holdfast.controller.core.CoreServices;
import dev.holdfast.controller.core.Event;
import dev.holdfast.controller.core.H248;
import dev.holdfast.controller.core.Outcome;
import dev.holdfast.controller.provisioning.GatewayLossConfig;
import dev.holdfast.controller.provisioning.MidText;
import dev.holdfast.controller.provisioning.Provisioning;
import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.AuditDescriptor;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.CommandRequest;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.Descriptor;
import dev.holdfast.h248.message.ErrorDescriptor;
import dev.holdfast.h248.message.MediaDescriptor;
import dev.holdfast.h248.message.PackagesDescriptor;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.RequestedEvent;
import dev.holdfast.h248.message.ServiceChangeParm;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.TerminationStateDescriptor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The controller's side of gateway association (H.248.1 clause 11): registration by ServiceChange from provisioned
 * gateways only, the audit that follows it, inactivity heartbeats with the {@code it} package, detection of a lost
 * gateway and what then happens to its calls.
 *
 * <p>Refusals carry H.248.8 error 402 (Unauthorized: the sender may not do this): an mId that is not provisioned,
 * or a provisioned mId from an unexpected address. A request other than ServiceChange from a gateway that has not
 * registered is refused with 402 too.
 */
public final class GatewayAssociation {
    private static final System.Logger LOG = System.getLogger(GatewayAssociation.class.getName());
    /** The protocol version we speak (docs/h248-profile.md). */
    public static final int VERSION = 1;
    /**
     * Lines audited per transaction. An audit of a line is about 15 bytes in the compact form (30 in the pretty one),
     * its answer less: 64 keep a transaction near 1-2 KB, well inside a datagram. It was 16: a gateway of 228 lines
     * (the 10,000-call drill) got 15 transactions at every registration, which the process playing 100 gateways on
     * the machine's two cores answered while their failover was being timed (docs/drill.md); now 4.
     */
    static final int BATCH = 64;

    private final CoreServices svc;
    private final Provisioning provisioning;
    private final Map<String, Gateway> byName = new LinkedHashMap<>();
    private final Map<String, Gateway> byMid = new LinkedHashMap<>();
    /**
     * Reachable gateways by peer, with the canonical mId each registered with: written on the core thread (in
     * {@link #state}), read by the H.248 edge's I/O threads to answer it/ito heartbeats without queueing them
     * behind the core's work (see {@code MgcEdge}).
     */
    private final java.util.concurrent.ConcurrentHashMap<String, String> reachablePeers = new java.util.concurrent.ConcurrentHashMap<>();
    private GatewayListener listener;

    public GatewayAssociation(CoreServices svc, Provisioning provisioning) {
        this.svc = svc;
        this.provisioning = provisioning;
        for (var g : provisioning.gateways()) {
            Gateway gw = new Gateway(g);
            byName.put(gw.name(), gw);
            byMid.put(MidText.canonical(g.mid()), gw);
        }
    }

    public void listener(GatewayListener l) { this.listener = l; }

    /** Set on the core thread at the first gateway registration; read by the start-up warm-up, which then stops. */
    private volatile boolean registered;

    /** Whether any gateway has registered since start (any thread). */
    public boolean anyRegistration() { return registered; }

    /** A gateway's state changed, or one was added or removed, since {@link #takeGatewaysChanged()} (core thread). */
    private boolean gatewaysChanged = true;

    /**
     * Whether any gateway's state changed (or the set of gateways did) since the last call: the admin notices look at
     * the gateways only then, not after every event (100 gateways x every event of a rebuild).
     */
    public boolean takeGatewaysChanged() {
        boolean was = gatewaysChanged;
        gatewaysChanged = false;
        return was;
    }

    // ------------------------------------------------------------------------------------------ live provisioning

    /** A gateway provisioned while the controller runs: it may register from now on. */
    public Gateway addGateway(dev.holdfast.controller.provisioning.GatewayConfig g) {
        Gateway gw = new Gateway(g);
        gatewaysChanged = true;
        byName.put(gw.name(), gw);
        byMid.put(MidText.canonical(g.mid()), gw);
        return gw;
    }

    /**
     * A gateway no longer provisioned (it has no call: the caller checked). A gateway that can hear us is told so
     * with ServiceChange Forced, reason 905 (H.248.1 7.2.8: taken out of service); whatever it sends next is refused
     * as from an mId not provisioned (402).
     */
    public void removeGateway(Gateway gw) {
        if (gw.state.reachable() && gw.peer != null) {
            svc.send(gw.peer, H248.actions(H248.action(ContextId.NULL, new Command.ServiceChange(List.of(TerminationId.ROOT),
                    List.of(ServiceChangeParm.Method.of(ServiceChangeParm.MethodKind.FORCED),
                            new ServiceChangeParm.Reason("\"905 Termination taken out of service\""))))), o -> { });
        }
        svc.cancelTimer(gw.watchdogTimer);
        svc.cancelTimer(gw.drainTimer);
        svc.cancelTimer(gw.holdTimer);
        gw.watchdogTimer = gw.drainTimer = gw.holdTimer = 0;
        state(gw, GatewayState.OUT_OF_SERVICE);
        byName.remove(gw.name(), gw);
        byMid.remove(MidText.canonical(gw.config().mid()), gw);
        gatewaysChanged = true;
        LOG.log(System.Logger.Level.INFO, () -> gw.name() + " is no longer provisioned");
    }

    /** A line added to a provisioned gateway; armed at once when the gateway is in service. */
    public Line addLine(Gateway gw, dev.holdfast.controller.provisioning.LineConfig l) {
        Line line = gw.addLine(l);
        if (gw.state == GatewayState.IN_SERVICE) listener.lineInService(line);
        return line;
    }

    /** A line no longer provisioned (not in a call: the caller checked). */
    public Line removeLine(Gateway gw, String termination) { return gw.removeLine(termination); }

    public Gateway gateway(String name) { return byName.get(name); }

    /**
     * A free (idle) trunk circuit of {@code group} on an in-service gateway, preferring {@code near}'s gateway, then
     * the provisioning order; null when every circuit is busy or unreachable.
     */
    public Line freeTrunk(String group, Gateway near, java.util.function.Predicate<Line> free) {
        Line found = null;
        for (Gateway gw : byName.values()) {
            if (gw.state != GatewayState.IN_SERVICE) continue;
            for (Line l : gw.lines()) {
                if (l.trunk() && group.equals(l.trunkGroup()) && l.state() == LineState.IDLE && free.test(l)) {
                    if (gw == near) return l;
                    if (found == null) found = l;
                }
            }
        }
        return found;
    }

    /** The gateway registered from transport address {@code peer}, or null. */
    public Gateway gatewayAt(String peer) {
        for (Gateway gw : byName.values()) if (peer.equals(gw.peer)) return gw;
        return null;
    }

    public java.util.Collection<Gateway> gateways() { return java.util.Collections.unmodifiableCollection(byName.values()); }

    // ------------------------------------------------------------------------------------------ identification

    /**
     * The gateway that sent this request, or null when it is refused (the refusal is already queued): unknown mId,
     * unexpected source address, or not registered and not registering.
     */
    public Gateway identify(Event.RequestReceived r) {
        boolean registering = hasRootServiceChange(r);
        Gateway gw = byMid.get(MidText.canonical(r.mid()));
        if (gw == null) {
            LOG.log(System.Logger.Level.WARNING, () -> "refused " + MidText.written(r.mid()) + " from " + r.peer() + ": not provisioned");
            refuse(r, "mId " + MidText.written(r.mid()) + " is not provisioned");
            return null;
        }
        if (!addressAccepted(gw, r.peer())) {
            LOG.log(System.Logger.Level.WARNING, () -> "refused " + gw.name() + " from " + r.peer() + ": expected " + gw.config().address());
            refuse(r, "messages for " + MidText.written(r.mid()) + " are not accepted from " + r.peer());
            return null;
        }
        if (!registering && (gw.state == GatewayState.UNREGISTERED || gw.state == GatewayState.OUT_OF_SERVICE)) {
            refuse(r, gw.name() + " is not registered: send ServiceChange first");
            return null;
        }
        if (!registering && gw.state == GatewayState.LOST && r.peer().equals(gw.peer)) {
            // it was only out of reach: take it back with its state, as after a ServiceChange Disconnected
            LOG.log(System.Logger.Level.INFO, () -> gw.name() + " is heard from again");
            state(gw, GatewayState.REGISTERING);
            svc.cancelTimer(gw.holdTimer);
            gw.holdTimer = 0;
            startSetup(gw, true);
        }
        return gw;
    }

    private static boolean hasRootServiceChange(Event.RequestReceived r) {
        for (ActionRequest a : r.request().actions()) {
            for (CommandRequest c : a.commands()) {
                if (c.command() instanceof Command.ServiceChange sc && !sc.terminationIds().isEmpty()
                        && sc.terminationIds().get(0).isRoot()) return true;
            }
        }
        return false;
    }

    private static boolean addressAccepted(Gateway gw, String peer) {
        String host = gw.config().expectedHost();
        if (host == null) return true;
        int first = peer.indexOf(':');
        int last = peer.lastIndexOf(':');
        if (first < 0 || last <= first) return false;
        String peerHost = peer.substring(first + 1, last);
        if (peerHost.startsWith("[") && peerHost.endsWith("]")) peerHost = peerHost.substring(1, peerHost.length() - 1);
        if (!peerHost.equalsIgnoreCase(host)) return false;
        Integer port = gw.config().expectedPort();
        return port == null || peer.substring(last + 1).equals(port.toString());
    }

    /** ServiceChange commands get a ServiceChange reply with the error; anything else a transaction error. */
    private void refuse(Event.RequestReceived r, String why) {
        ErrorDescriptor error = ErrorDescriptor.of(ErrorDescriptor.UNAUTHORIZED, why);
        List<ActionReply> replies = new ArrayList<>();
        for (ActionRequest a : r.request().actions()) {
            List<CommandReply> out = new ArrayList<>();
            for (CommandRequest c : a.commands()) {
                if (c.command() instanceof Command.ServiceChange sc) {
                    out.add(new CommandReply.ServiceChange(sc.terminationIds(), error, List.of()));
                }
            }
            if (out.isEmpty()) {
                svc.replyError(r.handle(), error);
                return;
            }
            replies.add(new ActionReply(a.contextId(), List.of(), out, null));
        }
        svc.reply(r.handle(), replies);
    }

    // ------------------------------------------------------------------------------------------ ServiceChange

    /** Answers one ServiceChange command; what follows the reply is added to {@code after}. */
    public CommandReply serviceChange(Gateway gw, Event.RequestReceived r, Command.ServiceChange sc, List<Runnable> after) {
        ServiceChangeParm.MethodKind method = null;
        int reason = -1;
        Long delay = null;
        Integer version = null;
        for (ServiceChangeParm p : sc.parms()) {
            if (p instanceof ServiceChangeParm.Method m) method = m.kind();
            else if (p instanceof ServiceChangeParm.Reason rs) reason = rs.code();
            else if (p instanceof ServiceChangeParm.Delay d) delay = d.millis();
            else if (p instanceof ServiceChangeParm.Version v) version = v.version();
        }
        TerminationId tid = sc.terminationIds().isEmpty() ? TerminationId.ROOT : sc.terminationIds().get(0);
        if (method == null) {
            return new CommandReply.ServiceChange(sc.terminationIds(),
                    ErrorDescriptor.of(ErrorDescriptor.SYNTAX_ERROR_IN_TRANSACTION, "ServiceChange without a method"), List.of());
        }
        if (!tid.isRoot()) return terminationServiceChange(gw, sc, tid, method, after);

        final ServiceChangeParm.MethodKind m = method;
        final int why = reason;
        gw.lastServiceChange = method + (reason >= 0 ? " " + reason : "");
        LOG.log(System.Logger.Level.INFO, () -> gw.name() + " ServiceChange " + m + " " + why + " from " + r.peer());
        switch (method) {
            case RESTART, FAILOVER, DISCONNECTED, HANDOFF -> {
                // Restart means the gateway lost its contexts, unless it only cancels a graceful shutdown (918)
                boolean preserved = method != ServiceChangeParm.MethodKind.RESTART || reason == 918;
                registered = true;
                boolean wasKnown = gw.state != GatewayState.UNREGISTERED;
                if (gw.peer != null) reachablePeers.remove(gw.peer, MidText.canonical(gw.config().mid())); // it may come from a new address
                gw.peer = r.peer();
                gw.registrations++;
                gw.registeringSince = svc.now();
                svc.cancelTimer(gw.holdTimer);
                svc.cancelTimer(gw.drainTimer);
                svc.cancelTimer(gw.watchdogTimer);
                gw.holdTimer = gw.drainTimer = gw.watchdogTimer = 0;
                gw.drainWhenIdle = false;
                state(gw, GatewayState.REGISTERING);
                after.add(() -> {
                    if (!preserved && wasKnown) listener.gatewayStateLost(gw);
                    startSetup(gw, preserved);
                });
                List<ServiceChangeParm> parms = new ArrayList<>();
                if ((version != null && version != VERSION) || r.version() != VERSION) {
                    parms.add(new ServiceChangeParm.Version(VERSION));
                }
                return new CommandReply.ServiceChange(sc.terminationIds(), null, parms);
            }
            case FORCED -> {
                after.add(() -> outOfService(gw));
                return ok(sc);
            }
            case GRACEFUL -> {
                if (gw.state.reachable()) {
                    state(gw, GatewayState.DRAINING);
                    if (delay != null && delay > 0) {
                        gw.drainTimer = svc.startTimer(delay, () -> { gw.drainTimer = 0; outOfService(gw); });
                    } else {
                        gw.drainWhenIdle = true;
                        after.add(() -> checkDrained(gw));
                    }
                }
                return ok(sc);
            }
            default -> {
                return new CommandReply.ServiceChange(sc.terminationIds(),
                        ErrorDescriptor.of(ErrorDescriptor.NOT_IMPLEMENTED, "ServiceChange method " + method + " not supported"), List.of());
            }
        }
    }

    private CommandReply terminationServiceChange(Gateway gw, Command.ServiceChange sc, TerminationId tid,
                                                  ServiceChangeParm.MethodKind method, List<Runnable> after) {
        Line line = gw.line(tid.value());
        if (line == null) {
            return new CommandReply.ServiceChange(sc.terminationIds(),
                    ErrorDescriptor.of(ErrorDescriptor.UNKNOWN_TERMINATION_ID, "no provisioned termination " + tid), List.of());
        }
        if (method == ServiceChangeParm.MethodKind.FORCED || method == ServiceChangeParm.MethodKind.GRACEFUL) {
            after.add(() -> listener.lineOutOfService(line));
        } else {
            after.add(() -> listener.lineInService(line));
        }
        return ok(sc);
    }

    private static CommandReply ok(Command.ServiceChange sc) {
        return new CommandReply.ServiceChange(sc.terminationIds(), null, List.of());
    }

    private void outOfService(Gateway gw) {
        if (gw.state == GatewayState.OUT_OF_SERVICE) return;
        state(gw, GatewayState.OUT_OF_SERVICE);
        svc.cancelTimer(gw.watchdogTimer);
        svc.cancelTimer(gw.drainTimer);
        svc.cancelTimer(gw.holdTimer);
        gw.watchdogTimer = gw.drainTimer = gw.holdTimer = 0;
        gw.drainWhenIdle = false;
        LOG.log(System.Logger.Level.INFO, () -> gw.name() + " is out of service");
        listener.gatewayStateLost(gw);
    }

    /** A draining gateway without a delay goes out of service when its last call has ended. */
    public void checkDrained(Gateway gw) {
        if (gw.state == GatewayState.DRAINING && gw.drainWhenIdle && listener.callsOn(gw) == 0) outOfService(gw);
        if (gw.handBackWhenIdle && gw.state == GatewayState.IN_SERVICE && idle(gw)) handOff(gw);
    }

    // ------------------------------------------------------------------------------------------ failback

    /**
     * The other controller of the pair is reachable again ({@code up}) or not. An alternate whose primary is back
     * hands its gateways back (docs/migration.md, "Failback"): each with no call at once, and, with failback
     * {@code immediate}, the others too (the primary rebuilds their calls from the cookies), else each when its
     * last call ends. Only new registrations go back: nothing is done to a call.
     */
    public void peer(boolean up) {
        var s = provisioning.controller();
        peerUp = up;
        LOG.log(System.Logger.Level.INFO, () -> "peer controller " + s.peer() + (up ? " is reachable" : " is not reachable"));
        if (!s.alternate() || s.peer() == null || "none".equals(s.failback())) return;
        for (Gateway gw : byName.values()) {
            if (!up) { gw.handBackWhenIdle = false; continue; }
            if (gw.state != GatewayState.IN_SERVICE) continue;
            if (idle(gw) || "immediate".equals(s.failback())) handOff(gw);
            else gw.handBackWhenIdle = true;
        }
    }

    private boolean peerUp;

    /** No call, and no line still off-hook after one (a line hearing busy is the call's last part). */
    private boolean idle(Gateway gw) {
        if (listener.callsOn(gw) != 0) return false;
        for (Line l : gw.lines()) if (l.state() == LineState.LOCKOUT) return false;
        return true;
    }

    /** The gateway is told to register with the primary (H.248.1 7.2.8: Handoff with MgcIdToTry). */
    private void handOff(Gateway gw) {
        gw.handBackWhenIdle = false;
        if (!peerUp) return;
        var peer = MidText.parse(provisioning.controller().peer());
        LOG.log(System.Logger.Level.INFO, () -> gw.name() + ": handed back to " + provisioning.controller().peer()
                + " with " + listener.callsOn(gw) + " calls");
        send(gw, H248.actions(H248.action(ContextId.NULL, new Command.ServiceChange(List.of(TerminationId.ROOT), List.of(
                ServiceChangeParm.Method.of(ServiceChangeParm.MethodKind.HANDOFF),
                new ServiceChangeParm.Reason("\"903 MGC Directed Change\""),
                new ServiceChangeParm.MgcIdToTry(peer))))), o -> { });
        state(gw, GatewayState.HANDED_OFF);
        svc.cancelTimer(gw.watchdogTimer);
        gw.watchdogTimer = 0;
        listener.gatewayHandedOff(gw);
        handedOff++;
    }

    private long handedOff;

    /** Gateways handed back to the primary since start. */
    public long handedOff() { return handedOff; }

    // ------------------------------------------------------------------------------------------ setup after registration

    /**
     * After a registration: audit ROOT (its packages) and the provisioned lines (existence; an unknown line is taken
     * out of service), set the inactivity timer, then, once all of it is answered, hand the gateway to call
     * processing. All of it goes at once, with the ServiceChange's reply (one turn: one message, or a few
     * datagrams), and call processing is asked for its own first requests in the same turn
     * ({@link GatewayListener#gatewayRegistering}: the context-id audit of a gateway that kept its state). None
     * depends on another's answer; one after the other they were four round trips to the gateway before its
     * contexts' audit even began, most of the time from a failed-over gateway's registration to its calls
     * rebuilt in the 10,000-call drill (docs/drill.md, session 10). A setup not fully answered (a request failed:
     * the gateway is taken as unreachable) does not put the gateway in service; an older registration's setup
     * answered after a newer registration is ignored.
     */
    private void startSetup(Gateway gw, boolean preserved) {
        int round = gw.registrations;
        List<Line> lines = new ArrayList<>(gw.lines());
        boolean arm = provisioning.timers().inactivityMillis() > 0;
        int[] outstanding = {1 + (lines.size() + BATCH - 1) / BATCH + (arm ? 1 : 0)};
        boolean[] failed = {false};
        Consumer<Outcome> answered = o -> {
            if (o.failed()) failed[0] = true;
            if (--outstanding[0] > 0 || failed[0]) return;
            if (gw.registrations == round && gw.state == GatewayState.REGISTERING) inService(gw, preserved);
        };
        send(gw, H248.actions(H248.action(ContextId.NULL,
                H248.auditValue("ROOT", AuditDescriptor.Item.PACKAGES))), o -> {
            if (!o.ok()) LOG.log(System.Logger.Level.WARNING, () -> gw.name() + " ROOT audit: " + o);
            if (!o.failed()) {
                gw.packages.clear();
                if (o.reply() != null) {
                    for (ActionReply a : o.reply().actions()) {
                        for (CommandReply c : a.replies()) {
                            if (c instanceof CommandReply.Audit au) {
                                for (Descriptor d : au.terminationAudit()) {
                                    if (d instanceof PackagesDescriptor p) {
                                        for (PackagesDescriptor.Item pk : p.packages()) gw.packages.add(pk.name() + "-" + pk.version());
                                    }
                                }
                            }
                        }
                    }
                }
            }
            answered.accept(o);
        });
        auditLines(gw, lines, answered);
        if (arm) setInactivityTimer(gw, answered);
        listener.gatewayRegistering(gw, preserved);
    }

    private void auditLines(Gateway gw, List<Line> lines, Consumer<Outcome> answered) {
        for (int i = 0; i < lines.size(); i += BATCH) {
            List<Line> batch = lines.subList(i, Math.min(lines.size(), i + BATCH));
            List<CommandRequest> commands = new ArrayList<>();
            for (Line l : batch) {
                // optional: one unknown termination must not stop the audit of the others
                commands.add(new CommandRequest(H248.auditValue(l.termination()), true, false));
            }
            ActionRequest action = new ActionRequest(ContextId.NULL, List.of(), List.of(), commands);
            send(gw, List.of(action), o -> {
                if (o.reply() != null) markMissingLines(gw, batch, o);
                answered.accept(o);
            });
        }
    }

    /**
     * Lines the gateway says it does not have (error 430 in the audit reply) go out of service. The replies come in
     * the order of the batch; an error reply may not name its termination (the text form {@code Context{Error}}).
     */
    private void markMissingLines(Gateway gw, List<Line> batch, Outcome o) {
        for (ActionReply a : o.reply().actions()) {
            for (int i = 0; i < a.replies().size(); i++) {
                CommandReply c = a.replies().get(i);
                ErrorDescriptor e = H248.error(c);
                if (e == null || e.code() != ErrorDescriptor.UNKNOWN_TERMINATION_ID) continue;
                Line l = null;
                if (c instanceof CommandReply.Audit au && !au.terminationIds().isEmpty()) {
                    l = gw.line(au.terminationIds().get(0).value());
                } else if (i < batch.size()) {
                    l = batch.get(i);
                }
                if (l != null) {
                    Line missing = l;
                    LOG.log(System.Logger.Level.WARNING, () -> gw.name() + " has no termination " + missing.termination());
                    l.state(LineState.OUT_OF_SERVICE);
                }
            }
        }
    }

    /**
     * Arms {@code it/ito} on ROOT with the maximum inactivity time {@code mit} (10 ms units, H.248.14), and also sets
     * {@code it/mit} as a ROOT property as our profile's gateways expect; the latter is optional so that a gateway
     * that knows only the standard form still accepts the transaction. A refusal is logged; the gateway still goes
     * in service (the watchdog probes a silent gateway).
     */
    private void setInactivityTimer(Gateway gw, Consumer<Outcome> answered) {
        String mit = Integer.toString(provisioning.timers().inactivityMillis() / 10);
        Command arm = H248.modify("ROOT", H248.events(svc.requestId(),
                RequestedEvent.of("it/ito", new PropertyParm("mit", dev.holdfast.h248.message.ParmValue.of(mit)))));
        Command property = H248.modify("ROOT", MediaDescriptor.of(new TerminationStateDescriptor(
                List.of(PropertyParm.of("it/mit", mit)))));
        ActionRequest action = new ActionRequest(ContextId.NULL, List.of(), List.of(),
                List.of(CommandRequest.of(arm), new CommandRequest(property, true, false)));
        send(gw, List.of(action), o -> {
            if (!o.ok() && !o.failed()) LOG.log(System.Logger.Level.WARNING, () -> gw.name() + " inactivity timer: " + o);
            answered.accept(o);
        });
    }

    private void inService(Gateway gw, boolean preserved) {
        state(gw, GatewayState.IN_SERVICE);
        long since = svc.now() - gw.registeringSince;
        LOG.log(System.Logger.Level.INFO, () -> gw.name() + " in service" + (preserved ? " (state kept)" : "") + ", "
                + since + " ms after its ServiceChange");
        armWatchdog(gw, provisioning.timers().gatewaySilenceMillis());
        listener.gatewayInService(gw, preserved);
    }

    // ------------------------------------------------------------------------------------------ liveness

    /** Every change of a gateway's association state goes through here (it keeps {@link #reachablePeers}). */
    private void state(Gateway gw, GatewayState s) {
        if (gw.state != s) gatewaysChanged = true;
        gw.state = s;
        if (gw.peer == null) return;
        String mid = MidText.canonical(gw.config().mid());
        if (s.reachable()) reachablePeers.put(gw.peer, mid);
        else reachablePeers.remove(gw.peer, mid);
    }

    /**
     * Whether {@code peer} is a reachable gateway that registered as {@code canonicalMid}: its heartbeat may be
     * answered at once. Safe from any thread; a change made by the event being handled now may not show yet.
     */
    public boolean reachableAt(String peer, String canonicalMid) {
        return canonicalMid.equals(reachablePeers.get(peer));
    }

    /** Anything received from the gateway proves it alive. */
    public void heard(Gateway gw) { gw.lastHeard = svc.now(); }

    /**
     * Sends a request to a gateway. A reply proves it alive; no reply at all (retransmissions exhausted, connection
     * closed) means it is lost.
     */
    public void send(Gateway gw, List<ActionRequest> actions, Consumer<Outcome> then) {
        if (gw.peer == null) return;
        svc.send(gw.peer, actions, o -> {
            if (o.failed()) unreachable(gw, o.failure());
            else heard(gw);
            then.accept(o);
        });
    }

    private void armWatchdog(Gateway gw, long delay) {
        svc.cancelTimer(gw.watchdogTimer);
        gw.watchdogTimer = svc.startTimer(delay, () -> watchdog(gw));
    }

    /** Silence longer than allowed: probe with an AuditValue of ROOT; its failure makes the gateway lost. */
    private void watchdog(Gateway gw) {
        gw.watchdogTimer = 0;
        if (gw.state != GatewayState.IN_SERVICE && gw.state != GatewayState.DRAINING) return;
        long silence = provisioning.timers().gatewaySilenceMillis();
        long quiet = svc.now() - gw.lastHeard;
        if (quiet < silence) { armWatchdog(gw, silence - quiet); return; }
        send(gw, H248.actions(H248.action(ContextId.NULL, H248.auditValue("ROOT"))), o -> { });
        armWatchdog(gw, silence);
    }

    private void unreachable(Gateway gw, String why) {
        if (!gw.state.reachable()) return;
        LOG.log(System.Logger.Level.WARNING, () -> gw.name() + " lost: " + why);
        lost(gw);
    }

    /** The transport lost a connection: every gateway registered over it is lost. */
    public void peerLost(String peer) {
        for (Gateway gw : byName.values()) {
            if (peer.equals(gw.peer) && gw.state.reachable()) {
                LOG.log(System.Logger.Level.WARNING, () -> gw.name() + " lost: connection closed");
                lost(gw);
            }
        }
    }

    private void lost(Gateway gw) {
        state(gw, GatewayState.LOST);
        svc.cancelTimer(gw.watchdogTimer);
        svc.cancelTimer(gw.drainTimer);
        gw.watchdogTimer = gw.drainTimer = 0;
        GatewayLossConfig loss = provisioning.gatewayLoss();
        if (loss.policy() == GatewayLossConfig.Policy.CLEANUP) {
            listener.gatewayStateLost(gw);
        } else if (loss.holdSeconds() > 0) {
            gw.holdTimer = svc.startTimer(loss.holdSeconds() * 1000L, () -> {
                gw.holdTimer = 0;
                if (gw.state == GatewayState.LOST) {
                    LOG.log(System.Logger.Level.INFO, () -> gw.name() + " did not come back: releasing its held calls");
                    listener.gatewayStateLost(gw);
                }
            });
        }
    }
}
