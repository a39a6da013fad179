package dev.holdfast.gatewaysim.core;

import dev.holdfast.gatewaysim.GatewayConfig;
import dev.holdfast.gatewaysim.control.ControlNetwork;
import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.ErrorDescriptor;
import dev.holdfast.h248.message.LocalControlDescriptor.Mode;
import dev.holdfast.h248.message.ObservedEventsDescriptor;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.SignalParameter.NotificationReason;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.TerminationStateDescriptor.ServiceState;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.transaction.TransactionErrorException;
import dev.holdfast.sim.media.MediaNetwork;
import dev.holdfast.sim.rtp.ProbeStats;
import dev.holdfast.sim.rtp.TalkPathProbe;
import dev.holdfast.sim.time.SimScheduler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The simulated media gateway's logic, free of I/O and of real time: terminations (analog lines, trunks,
 * ephemeral RTP terminations, ROOT), contexts, the commands of H.248.1 section 7.2 with their errors, events and
 * signals ({@link EventEngine}), talk paths ({@link MediaPaths}), the control association ({@link Association})
 * and the user's actions on the lines. Everything runs on one {@link SimScheduler} thread; the control network and
 * the media network are interfaces, so the same code runs on real sockets and in a simulation on virtual time.
 *
 * <p>Public methods must be called on the scheduler's thread ({@code SimulatedGateway} is the thread-safe
 * facade). A request never throws out of here: a failing command is answered with its H.248.8 error.
 */
public final class MediaGatewayCore implements ControlNetwork.Listener {
    private static final System.Logger LOG = System.getLogger(MediaGatewayCore.class.getName());

    private final GatewayConfig config;
    private final SimScheduler scheduler;
    private final ControlNetwork control;
    private final MediaNetwork media;
    private final SplittableRandom random;
    private final EventEngine events;
    private final MediaPaths paths;
    private final Association association;
    private final CommandExecutor executor;

    /** By upper-case id. */
    final Map<String, Termination> terminations = new LinkedHashMap<>();
    final TreeMap<Long, GatewayContext> contexts = new TreeMap<>();
    final Termination root = new Termination("ROOT", Termination.Kind.ROOT, false, Mode.INACTIVE);
    private long nextContextId = 1;
    private long nextRtpId = 1;
    private long rtpCreated;
    private SimScheduler.Cancellable inactivityTimer;
    /** The latest {@link #notifiedKept} events notified, oldest first (bounded: a load run notifies millions). */
    private final java.util.ArrayDeque<String> notified = new java.util.ArrayDeque<>();
    private static final int NOTIFIED_KEPT = 10_000;
    private int notifiedKept = NOTIFIED_KEPT;
    /** Commands executed, as "Verb ids @context", when a test asked for them ({@link #recordCommands}). */
    private List<String> commandLog;
    private boolean stopped;
    private Registration lastRegistration;
    /**
     * The controller we are associated with has itself armed it/ito (Events on ROOT) since we registered with it.
     * Only then does the provisioned heartbeat reply timeout apply: a controller we just failed over to is auditing
     * and setting us up, and the it/ito left armed by the one before does not bind it to answer fast.
     */
    private boolean heartbeatArmedByCurrent;

    /**
     * The latest accepted registration: with which controller, by which ServiceChange method, when (wall clock,
     * epoch ms), and when the controller before it was declared lost (epoch ms, or -1): a failover drill's detection
     * time.
     */
    public record Registration(InetSocketAddress controller, String method, long atMillis, long lostAtMillis) {}
    private java.util.function.Consumer<String> touched = id -> { };
    private ControllerWatcher controllerWatcher = new ControllerWatcher() { };

    /** Told on the scheduler thread when the gateway loses its controller and when it is registered with one. */
    public interface ControllerWatcher {
        /** The controller is declared lost; the gateway last heard from it at {@code lastHeardMillis} (epoch ms). */
        default void lost(long lastHeardMillis) {}

        /** Registered with a controller (the first one, or the next after a loss) at {@code atMillis} (epoch ms). */
        default void registered(long atMillis) {}
    }

    /** Watches the control association (a failover drill's load generator: when had this gateway no controller). */
    public void onControllerChange(ControllerWatcher watcher) { this.controllerWatcher = java.util.Objects.requireNonNull(watcher); }

    public MediaGatewayCore(GatewayConfig config, SimScheduler scheduler, ControlNetwork control, MediaNetwork media) {
        this.config = config;
        this.scheduler = scheduler;
        this.control = control;
        this.media = media;
        this.random = new SplittableRandom(config.seed());
        this.events = new EventEngine(scheduler, this::sendNotify, config.digitMapTimers(), t -> root.digitMaps);
        this.paths = new MediaPaths();
        this.association = new Association(config, scheduler, control, random.split(), new Association.Listener() {
            @Override public void registered(InetSocketAddress c, dev.holdfast.h248.message.ServiceChangeParm.MethodKind m) {
                MediaGatewayCore.this.registered(c, m.name());
                heartbeatArmedByCurrent = false;
                rearmInactivity();
                controllerWatcher.registered(scheduler.wallMillis());
            }

            @Override public void lost(InetSocketAddress c, long lastArrivalNanos) {
                long silentMillis = Math.max(0, scheduler.nanoTime() - lastArrivalNanos) / 1_000_000;
                controllerWatcher.lost(scheduler.wallMillis() - silentMillis);
            }
        });
        this.executor = new CommandExecutor(this);
        for (String line : config.lines()) {
            terminations.put(key(line), new Termination(line, Termination.Kind.LINE, true, Mode.SENDRECV));
        }
        for (Map.Entry<String, Boolean> trunk : config.trunks().entrySet()) {
            terminations.put(key(trunk.getKey()),
                    new Termination(trunk.getKey(), Termination.Kind.TRUNK, trunk.getValue(), Mode.SENDRECV));
        }
        control.setListener(this);
    }

    static String key(String id) { return id.toUpperCase(Locale.ROOT); }

    /**
     * Called on the scheduler thread with each termination id a controller's request named, once the request has
     * been executed: lets a load generator react when a signal starts instead of polling every line.
     */
    public void onTerminationTouched(java.util.function.Consumer<String> listener) {
        this.touched = java.util.Objects.requireNonNull(listener);
    }

    GatewayConfig config() { return config; }

    SimScheduler scheduler() { return scheduler; }

    EventEngine events() { return events; }

    MediaPaths paths() { return paths; }

    Association association() { return association; }

    // ------------------------------------------------------------------------------------------------ lifecycle

    /** Registers with the first controller that answers (after the restart-avoidance wait). */
    public void start() { association.start(); }

    /** ServiceChange Graceful, then everything stops; {@code done} runs at the end. */
    public void shutdown(Duration delay, Runnable done) {
        association.shutdown(delay, () -> {
            stop();
            done.run();
        });
    }

    /** Stops at once: probes closed, timers cancelled, nothing more sent. */
    public void stop() {
        if (stopped) return;
        stopped = true;
        association.stop();
        if (inactivityTimer != null) inactivityTimer.cancel();
        for (Termination t : terminations.values()) {
            events.clear(t);
            if (t.probe != null) t.probe.close();
        }
        events.clear(root);
    }

    // ------------------------------------------------------------------------------------------------ requests

    @Override public CompletionStage<List<ActionReply>> onRequest(InetSocketAddress from, Transaction.Request request) {
        CompletableFuture<List<ActionReply>> reply = new CompletableFuture<>();
        scheduler.run(() -> {
            try {
                reply.complete(handle(from, request));
            } catch (TransactionErrorException e) {
                reply.completeExceptionally(e);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, config.midText() + ": request " + request.transactionId() + " failed", e);
                reply.completeExceptionally(new TransactionErrorException(
                        ErrorDescriptor.of(ErrorDescriptor.INTERNAL_GATEWAY_ERROR, "internal error")));
            }
        });
        return reply;
    }

    @Override public void onLost(InetSocketAddress controller, String why) {
        scheduler.run(() -> association.lost(controller, why));
    }

    /** Executes one transaction request (on the scheduler thread). */
    public List<ActionReply> handle(InetSocketAddress from, Transaction.Request request) {
        if (stopped) throw new TransactionErrorException(ErrorDescriptor.of(ErrorDescriptor.NOT_IMPLEMENTED, "gateway stopped"));
        if (!association.accepts(from)) {
            LOG.log(System.Logger.Level.INFO, () -> config.midText() + ": request from " + from + ", not our controller");
            throw new TransactionErrorException(ErrorDescriptor.of(ErrorDescriptor.UNAUTHORIZED_ENTITY,
                    "not the controlling MGC"));
        }
        association.heard(from);
        List<ActionReply> replies = new ArrayList<>();
        for (ActionRequest action : request.actions()) {
            if (commandLog != null) record(action);
            if (!executor.execute(action, replies)) break; // 8: the first failing command ends the transaction
        }
        for (ActionRequest action : request.actions()) {
            for (dev.holdfast.h248.message.CommandRequest c : action.commands()) {
                for (TerminationId id : c.command().terminationIds()) {
                    if (!id.isWildcard() && !id.isRoot()) touched.accept(id.value());
                }
            }
        }
        return replies;
    }

    // ------------------------------------------------------------------------------------------------ notify

    /** A Notify for an observed event, in the termination's context, to the controller (queued if none). */
    private void sendNotify(Termination t, ObservedEventsDescriptor observed) {
        if (stopped) return;
        ContextId cid = t.context == null ? ContextId.NULL : ContextId.of(t.context.id);
        for (ObservedEventsDescriptor.ObservedEvent e : observed.events()) {
            if (notifiedKept == 0) break;
            if (notified.size() >= notifiedKept) notified.removeFirst();
            notified.addLast(t.id + " " + e.name());
        }
        List<ActionRequest> notify = List.of(ActionRequest.of(cid, new Command.Notify(List.of(TerminationId.of(t.id)), observed, null)));
        boolean heartbeat = t == root && observed.events().stream().anyMatch(e -> e.name().equalsIgnoreCase("it/ito"));
        if (heartbeat && heartbeatArmedByCurrent) association.sendHeartbeat(notify);
        else association.send(notify);
    }

    // ------------------------------------------------------------------------------------------------ it/ito

    /**
     * (Re)arms the inactivity check when it/ito is requested on ROOT (H.248.14): if nothing is heard from the
     * controller for mit, it/ito is notified; if that Notify is not answered the controller is lost.
     */
    /** The controller set ROOT's events (it/ito among them, or not): from now on its heartbeat rules apply. */
    void rootEventsSetByController() {
        heartbeatArmedByCurrent = true;
        rearmInactivity();
    }

    void rearmInactivity() {
        if (inactivityTimer != null) inactivityTimer.cancel();
        inactivityTimer = null;
        Duration mit = inactivityTime();
        if (mit == null || stopped) return;
        inactivityTimer = scheduler.schedule(this::inactivityCheck, mit);
    }

    private void inactivityCheck() {
        inactivityTimer = null;
        Duration mit = inactivityTime();
        if (mit == null || stopped) return;
        long silent = scheduler.nanoTime() - association.lastHeardNanos();
        if (association.registered() && silent >= mit.toNanos()) {
            events.recognise(root, "it/ito", List.of());
            association.newInactivityPeriod();
            inactivityTimer = scheduler.schedule(this::inactivityCheck, mit);
        } else if (!association.registered()) {
            // no controller to tell (failing over): look again a period later; registering resets lastHeard. Rescheduling
            // at mit - silent here would spin every nanosecond once the silence passed mit
            inactivityTimer = scheduler.schedule(this::inactivityCheck, mit);
        } else {
            inactivityTimer = scheduler.schedule(this::inactivityCheck, Duration.ofNanos(Math.max(1, mit.toNanos() - silent)));
        }
    }

    /** mit from the ito event's parameter, else the ROOT property it/mit, else the provisioned default. */
    private Duration inactivityTime() {
        if (root.events == null) return null;
        for (var e : root.events.events) {
            if (!e.name().equalsIgnoreCase("it/ito") && !e.name().equalsIgnoreCase("it/*")) continue;
            for (var p : e.parameters()) {
                if (p instanceof PropertyParm pp && pp.name().equalsIgnoreCase("mit")) return tensOfMillis(pp);
            }
            PropertyParm prop = root.terminationState.get("it/mit");
            return prop != null ? tensOfMillis(prop) : config.defaultInactivity();
        }
        return null;
    }

    private static Duration tensOfMillis(PropertyParm p) {
        try {
            String v = p.value() instanceof dev.holdfast.h248.message.ParmValue.Single s ? s.value() : "0";
            long n = Long.parseLong(dev.holdfast.h248.message.ParmValue.unquote(v).trim());
            return n <= 0 ? null : Duration.ofMillis(10 * n);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------------------------------------ model ops

    GatewayContext newContext() {
        GatewayContext c = new GatewayContext(nextContextId++);
        if (nextContextId > 0xFFFFFFFEL) nextContextId = 1;
        contexts.put(c.id, c);
        return c;
    }

    /** A new ephemeral RTP termination (id {@code R<n>} or the given one) with its probe bound to a free port. */
    Termination newRtp(String id) throws GatewayException {
        String name = id;
        if (name == null) {
            do {
                name = "R" + nextRtpId++;
            } while (terminations.containsKey(key(name)));
        }
        Termination t = new Termination(name, Termination.Kind.RTP, true, Mode.INACTIVE);
        boolean fullRate = config.fullRateEvery() > 0 && config.fullRateProbe() != null
                && rtpCreated % config.fullRateEvery() == 0;
        try {
            t.probe = TalkPathProbe.open(media, config.mediaAddress(), fullRate ? config.fullRateProbe() : config.probe(),
                    0, random.split());
        } catch (IOException e) {
            throw new GatewayException(ErrorDescriptor.INSUFFICIENT_RESOURCES, "no RTP port: " + e.getMessage());
        }
        rtpCreated++;
        terminations.put(key(name), t);
        return t;
    }

    /** Takes a termination out of its context: statistics were read before; resets what a Subtract resets. */
    void leaveContext(Termination t) {
        GatewayContext c = t.context;
        if (c == null) return;
        c.terminations.remove(t);
        c.forget(t);
        t.context = null;
        if (c.terminations.isEmpty()) contexts.remove(c.id);
        else paths.update(c);
    }

    void joinContext(Termination t, GatewayContext c) {
        c.terminations.add(t);
        t.context = c;
        t.joinedContextNanos = scheduler.nanoTime();
    }

    /** Subtract: out of the context, events and signals cleared, back to provisioning; an RTP termination dies. */
    void subtract(Termination t) {
        leaveContext(t);
        events.clear(t);
        if (t.kind == Termination.Kind.RTP) {
            if (t.probe != null) t.probe.close();
            terminations.remove(key(t.id));
        } else {
            t.revertToProvisioned();
        }
    }

    // ------------------------------------------------------------------------------------------------ the user

    private Termination line(String id) {
        Termination t = terminations.get(key(id));
        if (t == null || !t.physical()) throw new IllegalArgumentException("no line or trunk " + id);
        return t;
    }

    /** The subscriber lifts the handset (on a trunk: the far end seizes or answers). */
    public void offHook(String id) {
        Termination t = line(id);
        if (t.offHook) return;
        t.offHook = true;
        boolean wasRinging = t.playingSignals().contains("al/ri");
        if (!events.recognise(t, "al/of", List.of()) && wasRinging) {
            events.stopSignal(t, "al/ri", NotificationReason.OTHER_REASON); // a line off-hook cannot ring
        }
    }

    /** Off-hook while ringing; returns whether it was ringing. */
    public boolean answer(String id) {
        boolean ringing = line(id).playingSignals().contains("al/ri");
        offHook(id);
        return ringing;
    }

    /** The subscriber hangs up; a trunk without disconnect supervision reports nothing. */
    public void onHook(String id) {
        Termination t = line(id);
        if (!t.offHook) return;
        t.offHook = false;
        if (t.kind == Termination.Kind.TRUNK && !t.disconnectSupervision) return;
        events.recognise(t, "al/on", List.of());
    }

    /** A hook flash (al/fl). */
    public void flash(String id) {
        Termination t = line(id);
        if (!t.offHook) throw new IllegalStateException(id + " is on-hook: no flash");
        events.recognise(t, "al/fl", List.of());
    }

    /** Dials digits one by one ('0'-'9', '*', '#', 'A'-'D'; 'Z' before a digit makes it a long one). */
    public void dial(String id, String digits) {
        Termination t = line(id);
        if (!t.offHook) throw new IllegalStateException(id + " is on-hook: no dialling");
        boolean longNext = false;
        for (char c : digits.toCharArray()) {
            if (c == 'Z' || c == 'z') {
                longNext = true;
                continue;
            }
            if ("0123456789*#ABCDabcd".indexOf(c) < 0) throw new IllegalArgumentException("not a digit: " + c);
            events.digit(t, c, longNext);
            longNext = false;
        }
    }

    // ------------------------------------------------------------------------------------------------ queries

    /** The signals a line or trunk is playing ("what it hears or does"), e.g. {@code [cg/dt]}, {@code [al/ri]}. */
    public List<String> signals(String id) {
        Termination t = terminations.get(key(id));
        if (t == null) throw new IllegalArgumentException("no termination " + id);
        return t.playingSignals();
    }

    /** Whether a line or trunk plays {@code signal} now (e.g. {@code cg/dt}): {@link #signals} without the list. */
    public boolean hears(String id, String signal) {
        Termination t = terminations.get(key(id));
        if (t == null) throw new IllegalArgumentException("no termination " + id);
        for (Termination.SignalTrack s : t.signals) if (s.current().name().equalsIgnoreCase(signal)) return true;
        return false;
    }

    /** Whether a termination plays no signal: {@code signals(id).isEmpty()} without the list. */
    public boolean silent(String id) {
        Termination t = terminations.get(key(id));
        if (t == null) throw new IllegalArgumentException("no termination " + id);
        return t.signals.isEmpty();
    }

    /** Whether {@code event} (as the controller named it) is armed: {@code armedEvents(id).contains(event)}. */
    public boolean armedFor(String id, String event) {
        Termination t = terminations.get(key(id));
        if (t == null) throw new IllegalArgumentException("no termination " + id);
        if (t.events == null) return false;
        for (var e : t.events.events) if (e.name().equals(event)) return true;
        return false;
    }

    /** The events armed on a termination (its Events descriptor in force), e.g. {@code [al/of]}; empty: none. */
    public List<String> armedEvents(String id) {
        Termination t = terminations.get(key(id));
        if (t == null) throw new IllegalArgumentException("no termination " + id);
        return t.events == null ? List.of() : t.events.events.stream().map(e -> e.name()).toList();
    }

    /** The context a termination is in, or null for the NULL context (or no such termination). */
    public Long contextOf(String id) {
        Termination t = terminations.get(key(id));
        return t == null || t.context == null ? null : t.context.id;
    }

    /** The terminations of a context, in the order they joined (empty: no such context). */
    public List<String> terminationsIn(long contextId) {
        GatewayContext c = contexts.get(contextId);
        return c == null ? List.of() : c.terminations.stream().map(t -> t.id).toList();
    }

    public List<Long> contextIds() { return List.copyOf(contexts.keySet()); }

    /** Whether the line's talk path is up: connected in its context to a line or to an RTP path up both ways. */
    public boolean talkPathUp(String id) {
        Termination t = terminations.get(key(id));
        return t != null && paths.talkPathUp(t);
    }

    /** The probe statistics of an RTP termination, or null. */
    public ProbeStats probeStats(String rtpId) {
        Termination t = terminations.get(key(rtpId));
        return t == null || t.probe == null ? null : t.probe.stats();
    }

    /** Changes the probe of one RTP termination (full rate for a sampled call, low rate for the rest). */
    public void setProbeConfig(String rtpId, dev.holdfast.sim.rtp.ProbeConfig probe) {
        Termination t = terminations.get(key(rtpId));
        if (t == null || t.probe == null) throw new IllegalArgumentException("no RTP termination " + rtpId);
        t.probe.setConfig(probe);
    }

    /** The RTP terminations in the line's context. */
    public List<String> rtpTerminationsWith(String id) {
        Termination t = terminations.get(key(id));
        if (t == null || t.context == null) return List.of();
        return t.context.terminations.stream().filter(o -> o.kind == Termination.Kind.RTP).map(o -> o.id).toList();
    }

    public boolean isOffHook(String id) { return line(id).offHook; }

    /** The dial string an active digit map has collected, or null. */
    public String dialString(String id) { return EventEngine.currentDialString(line(id)); }

    /** Properties stored on a termination (LocalControl and TerminationState), by name as the MGC wrote them. */
    public Map<String, String> properties(String id) {
        Termination t = id.equalsIgnoreCase("ROOT") ? root : terminations.get(key(id));
        Map<String, String> out = new LinkedHashMap<>();
        if (t == null) return out;
        for (PropertyParm p : t.localControl.values()) out.put(p.name(), String.valueOf(p.value()));
        for (PropertyParm p : t.terminationState.values()) out.put(p.name(), String.valueOf(p.value()));
        return out;
    }

    public ServiceState serviceState(String id) { return line(id).serviceState; }

    public boolean registered() { return association.registered(); }

    public InetSocketAddress currentController() { return association.current(); }

    private void registered(InetSocketAddress controller, String method) {
        lastRegistration = new Registration(controller, method, scheduler.wallMillis(), association.lostAtMillis());
    }

    /** The latest accepted registration, or null before the first. */
    public Registration lastRegistration() { return lastRegistration; }

    /** Starts a new gap and loss window on every RTP termination's probe (a failover drill's mark). */
    public void markTalkPaths() {
        for (Termination t : terminations.values()) if (t.probe != null) t.probe.mark();
    }

    /** The ServiceChange attempts so far: controller, method, reason, accepted. */
    public List<String> registrationHistory() {
        return association.attempts().stream()
                .map(a -> a.method() + " " + a.reason() + " -> " + a.controller().getPort() + (a.accepted() ? " ok" : " refused"))
                .toList();
    }

    /**
     * How many of the latest notified events {@link #notifications()} keeps (default 10,000; 0: none). A load
     * generator's 60 gateways kept 600,000 strings at 10,000 each, filled over minutes: live data that every young
     * collection copied (issue 3's tail) for a history nobody reads under load.
     */
    public void keepNotifications(int n) {
        if (n < 0) throw new IllegalArgumentException("keep " + n);
        notifiedKept = n;
        while (notified.size() > n) notified.removeFirst();
    }

    /** The events notified so far (the latest 10,000), as "termination event", in order (for tests and the status line). */
    public List<String> notifications() { return List.copyOf(notified); }

    /**
     * Starts (or stops) keeping the commands the controller sends, for tests that assert the H.248 sequence; off
     * by default so that the load generator pays nothing for it.
     */
    public void recordCommands(boolean on) { commandLog = on ? (commandLog == null ? new ArrayList<>() : commandLog) : null; }

    /** The commands received since {@link #recordCommands}, e.g. {@code "Move A1 @$"}, {@code "Subtract R2 @3"}. */
    public List<String> commands() { return commandLog == null ? List.of() : List.copyOf(commandLog); }

    private void record(ActionRequest action) {
        ContextId c = action.contextId();
        String ctx = c.equals(ContextId.NULL) ? "-" : c.equals(ContextId.CHOOSE) ? "$" : c.equals(ContextId.ALL) ? "*"
                : Long.toString(c.value());
        for (var cr : action.commands()) {
            Command cmd = cr.command();
            String verb = cmd instanceof Command.Amm amm ? switch (amm.verb()) {
                case ADD -> "Add";
                case MOVE -> "Move";
                case MODIFY -> "Modify";
            } : cmd instanceof Command.Subtract ? "Subtract" : cmd instanceof Command.Audit a
                    ? (a.capabilities() ? "AuditCapabilities" : "AuditValue") : cmd.getClass().getSimpleName();
            StringBuilder ids = new StringBuilder();
            for (TerminationId id : cmd.terminationIds()) ids.append(ids.length() == 0 ? "" : ",").append(id.value());
            commandLog.add(verb + " " + ids + " @" + ctx);
        }
    }

    /** The termination ids of the gateway (lines, trunks, RTP terminations). */
    public List<String> terminationIds() { return terminations.values().stream().map(t -> t.id).toList(); }

    // ------------------------------------------------------------------------------------------------ helpers

    /** Whether the gateway is stopped. */
    boolean stopped() { return stopped; }

}
