package dev.holdfast.gatewaysim.core;

import dev.holdfast.gatewaysim.GatewayConfig;
import dev.holdfast.gatewaysim.control.ControlNetwork;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.ServiceChangeParm;
import dev.holdfast.h248.message.ServiceChangeParm.MethodKind;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.sim.time.SimScheduler;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The gateway's control association (H.248.1 7.2.8, 9.2, 11.5): registration with ServiceChange Restart, the
 * ordered list of controllers, and failover. When the controller is lost (its TCP connection closes, or a request
 * to it, such as the it/ito heartbeat, gets no reply) the gateway tries the list again: from the primary, unless
 * the primary is the one that failed, then from the first secondary; it sends {@code Method=Failover,
 * Reason="909 MGC Impending Failure"} to the others and {@code Method=Disconnected} to the controller it lost.
 * When nobody answers it waits a random time (restart avoidance, at least the retry pause) and starts again.
 * Contexts and talk paths are not touched by any of this. Notifications raised while no controller is associated
 * are queued and sent, in order, once one is (11.5: nothing goes to a new MGC before the association exists).
 */
final class Association {
    private static final System.Logger LOG = System.getLogger(Association.class.getName());
    static final String COLD_BOOT = "\"901 Cold Boot\"";
    static final String MGC_IMPENDING_FAILURE = "\"909 MGC Impending Failure\"";
    static final String SERVICE_RESTORED = "\"900 Service Restored\"";
    static final String MGC_DIRECTED_CHANGE = "\"903 MGC Directed Change\"";
    static final String OUT_OF_SERVICE = "\"905 Termination taken out of service\"";
    private static final int MAX_QUEUED = 10_000;

    enum State { IDLE, REGISTERING, REGISTERED, WAITING, STOPPED }

    /** One registration attempt, as it happened: for tests, logs and the simulator's status line. */
    record Attempt(InetSocketAddress controller, MethodKind method, String reason, boolean accepted) {}

    interface Listener {
        /** Now associated with {@code controller}. */
        void registered(InetSocketAddress controller, MethodKind method);

        /** {@code controller} is declared lost; a request or reply last arrived from it at {@code lastArrivalNanos}. */
        default void lost(InetSocketAddress controller, long lastArrivalNanos) {}
    }

    private final GatewayConfig config;
    private final SimScheduler scheduler;
    private final ControlNetwork network;
    private final RandomGenerator random;
    private final Listener listener;
    private final List<InetSocketAddress> controllers;
    private final ArrayDeque<List<ActionRequest>> queued = new ArrayDeque<>();
    private final List<Attempt> attempts = new ArrayList<>();

    private State state = State.IDLE;
    private InetSocketAddress current;
    private InetSocketAddress registeringTo;
    /** The controller whose loss started this round (Disconnected goes to it), or null. */
    private InetSocketAddress former;
    private boolean everRegistered;
    private long round;
    private long lastHeardNanos;
    /** When a request or reply last arrived from the controller (the heartbeat's own period start aside). */
    private long lastArrivalNanos;
    private SimScheduler.Cancellable retryTimer;
    /** Numbers registration attempts: an attempt given up on (see {@link #registrationTimeout}) ignores its late reply. */
    private long attemptSeq;
    /** When the controller we had was last declared lost (wall clock, epoch ms), or -1. */
    private long lostAtMillis = -1;

    Association(GatewayConfig config, SimScheduler scheduler, ControlNetwork network, RandomGenerator random,
                Listener listener) {
        this.config = config;
        this.scheduler = scheduler;
        this.network = network;
        this.random = random;
        this.listener = listener;
        this.controllers = config.controllers();
    }

    State state() { return state; }

    boolean registered() { return state == State.REGISTERED; }

    InetSocketAddress current() { return state == State.REGISTERED ? current : null; }

    List<Attempt> attempts() { return List.copyOf(attempts); }

    long lastHeardNanos() { return lastHeardNanos; }

    long lostAtMillis() { return lostAtMillis; }

    /** Requests are accepted from the controller we are associated with or registering with. */
    boolean accepts(InetSocketAddress from) {
        return from.equals(current) && state == State.REGISTERED || from.equals(registeringTo);
    }

    /** Something arrived from {@code from}: the inactivity timer starts again. */
    void heard(InetSocketAddress from) {
        if (from == null) return; // e.g. the heartbeat's Notify failed at once and the controller is already lost
        if (from.equals(current) || from.equals(registeringTo)) {
            lastHeardNanos = scheduler.nanoTime();
            lastArrivalNanos = lastHeardNanos;
        }
    }

    /** The it/ito Notify went out: a new inactivity period starts (nothing arrived, though). */
    void newInactivityPeriod() { lastHeardNanos = scheduler.nanoTime(); }

    /** Registers after the restart-avoidance wait (a random time in [0, MWD)). */
    void start() {
        if (state != State.IDLE) return;
        state = State.WAITING;
        Duration wait = randomBelow(config.restartAvoidance());
        retryTimer = scheduler.schedule(() -> startRound(order(null)), wait);
    }

    private Duration randomBelow(Duration max) {
        long n = max.toNanos();
        return n <= 0 ? Duration.ZERO : Duration.ofNanos(random.nextLong(n));
    }

    /** The order of 11.5: from the primary, unless it failed, then from the first secondary (the failed one last). */
    private List<InetSocketAddress> order(InetSocketAddress failed) {
        List<InetSocketAddress> o = new ArrayList<>(controllers);
        if (failed != null && !o.isEmpty() && o.get(0).equals(failed)) {
            o.remove(0);
            o.add(failed);
        }
        if (failed != null && !o.contains(failed)) o.add(failed); // a controller named by MgcIdToTry
        return o;
    }

    private MethodKind methodFor(InetSocketAddress target) {
        if (!everRegistered) return MethodKind.RESTART;
        return target.equals(former) ? MethodKind.DISCONNECTED : MethodKind.FAILOVER;
    }

    private static String reasonFor(MethodKind m) {
        return switch (m) {
            case RESTART -> COLD_BOOT;
            case FAILOVER -> MGC_IMPENDING_FAILURE;
            case DISCONNECTED -> SERVICE_RESTORED;
            case HANDOFF -> MGC_DIRECTED_CHANGE;
            default -> OUT_OF_SERVICE;
        };
    }

    private void startRound(List<InetSocketAddress> order) {
        if (state == State.STOPPED) return;
        round++;
        attempt(round, order, 0, null);
    }

    /** Tries {@code order[i]}; {@code forced} overrides the method (Handoff). */
    private void attempt(long r, List<InetSocketAddress> order, int i, MethodKind forced) {
        if (r != round || state == State.STOPPED) return;
        if (i >= order.size()) {
            state = State.WAITING;
            registeringTo = null;
            Duration wait = randomBelow(config.restartAvoidance());
            if (wait.compareTo(config.retryPause()) < 0) wait = config.retryPause();
            LOG.log(System.Logger.Level.INFO, () -> config.midText() + ": no controller answered; trying again");
            retryTimer = scheduler.schedule(() -> startRound(order(former)), wait);
            return;
        }
        InetSocketAddress target = order.get(i);
        MethodKind method = forced != null ? forced : methodFor(target);
        String reason = reasonFor(method);
        state = State.REGISTERING;
        registeringTo = target;
        List<ActionRequest> sc = List.of(ActionRequest.of(ContextId.NULL, new Command.ServiceChange(
                List.of(TerminationId.ROOT), List.of(ServiceChangeParm.Method.of(method),
                new ServiceChangeParm.Reason(reason),
                new ServiceChangeParm.Stamp(EventEngine.timeStamp(scheduler.wallMillis()))))));
        long a = ++attemptSeq;
        Duration limit = registrationTimeout();
        if (limit != null) {
            long sentAt = scheduler.nanoTime();
            scheduler.schedule(() -> {
                // a controller that said nothing at all since our ServiceChange went out is taken as absent, instead
                // of waiting out the transaction layer's retransmissions (over UDP to a dead controller: ~15 s, while
                // the next controller on the list could take us now); one that answers late is merely ignored
                if (a != attemptSeq || r != round || state != State.REGISTERING || lastArrivalNanos > sentAt) return;
                attemptSeq++;
                LOG.log(System.Logger.Level.INFO, () -> config.midText() + ": " + method + " to " + target
                        + " unanswered for " + limit.toMillis() + " ms; trying the next controller");
                attempts.add(new Attempt(target, method, reason, false));
                network.disconnect(target);
                attempt(r, order, i + 1, null);
            }, limit);
        }
        network.connect(target)
                .thenCompose(v -> network.send(target, sc))
                .whenComplete((reply, err) -> scheduler.run(() -> {
                    if (a == attemptSeq) result(r, order, i, target, method, reason, reply, err);
                }));
    }

    /**
     * How long a registration attempt may go without a word from its controller: twice the heartbeat reply timeout
     * (a controller must answer a ServiceChange about as promptly as a heartbeat; it gets its registrations ahead of
     * queued work), or none (the transaction layer's own schedule) when no heartbeat reply timeout is provisioned.
     */
    private Duration registrationTimeout() {
        Duration hb = config.heartbeatReplyTimeout();
        return hb == null ? null : hb.multipliedBy(2);
    }

    private void result(long r, List<InetSocketAddress> order, int i, InetSocketAddress target, MethodKind method,
                        String reason, Transaction.Reply reply, Throwable err) {
        if (r != round || state == State.STOPPED) return;
        String refusal = err != null ? String.valueOf(err) : refusal(reply);
        attempts.add(new Attempt(target, method, reason, refusal == null));
        if (refusal != null) {
            LOG.log(System.Logger.Level.INFO, () -> config.midText() + ": " + method + " to " + target + " failed: " + refusal);
            network.disconnect(target);
            attempt(r, order, i + 1, null);
            return;
        }
        InetSocketAddress redirect = mgcIdToTry(reply);
        if (redirect != null && !redirect.equals(target)) {
            // 7.2.8: the MGC wants us elsewhere; that one comes before any further alternates
            network.disconnect(target);
            List<InetSocketAddress> next = new ArrayList<>();
            next.add(redirect);
            next.addAll(order.subList(i + 1, order.size()));
            attempt(r, next, 0, method);
            return;
        }
        state = State.REGISTERED;
        current = target;
        registeringTo = null;
        everRegistered = true;
        former = null;
        lastHeardNanos = scheduler.nanoTime();
        lastArrivalNanos = lastHeardNanos; // its reply arrived
        LOG.log(System.Logger.Level.INFO, () -> config.midText() + ": registered with " + target + " (" + method + ")");
        listener.registered(target, method);
        flush();
    }

    /** Why a ServiceChange reply refuses us, or null when it accepts. */
    private static String refusal(Transaction.Reply reply) {
        if (reply.error() != null) return "error " + reply.error().code();
        for (ActionReply a : reply.actions()) {
            if (a.error() != null) return "error " + a.error().code();
            for (CommandReply c : a.replies()) {
                if (c instanceof CommandReply.ServiceChange sc && sc.error() != null) return "error " + sc.error().code();
            }
        }
        return null;
    }

    private static InetSocketAddress mgcIdToTry(Transaction.Reply reply) {
        for (ActionReply a : reply.actions()) {
            for (CommandReply c : a.replies()) {
                if (!(c instanceof CommandReply.ServiceChange sc)) continue;
                for (ServiceChangeParm p : sc.parms()) {
                    if (p instanceof ServiceChangeParm.MgcIdToTry m) return addressOf(m.mid());
                }
            }
        }
        return null;
    }

    /** The transport address an mId names ({@code [ip]:port}, {@code <name>:port}); port 2944 when absent. */
    static InetSocketAddress addressOf(MId mid) {
        if (mid instanceof MId.IpAddress ip) return new InetSocketAddress(ip.address(), ip.port() == null ? 2944 : ip.port());
        if (mid instanceof MId.DomainName d) return new InetSocketAddress(d.name(), d.port() == null ? 2944 : d.port());
        return null;
    }

    /** The connection to {@code controller} is gone, or it did not answer: fail over if it is ours. */
    void lost(InetSocketAddress controller, String why) {
        if (state != State.REGISTERED || !controller.equals(current)) return;
        LOG.log(System.Logger.Level.WARNING, () -> config.midText() + ": lost controller " + controller + ": " + why);
        lostAtMillis = scheduler.wallMillis();
        listener.lost(controller, lastArrivalNanos);
        former = current;
        current = null;
        // not registered from here on, before the disconnect fails what still waits for the lost controller (its
        // callbacks may run inline): they must be queued for the next controller, not sent to none
        state = State.WAITING;
        network.disconnect(controller);
        startRound(order(former));
    }

    /** The controller directs us to another (ServiceChange Handoff with MgcIdToTry). */
    void handoff(InetSocketAddress target) {
        if (state != State.REGISTERED) return;
        former = current;
        InetSocketAddress old = current;
        current = null;
        state = State.WAITING; // as in lost(): what fails now is queued for the designated controller
        network.disconnect(old);
        round++;
        List<InetSocketAddress> order = new ArrayList<>();
        order.add(target);
        order.addAll(order(former)); // if the designated MGC does not answer: as if ours failed (11.5)
        attempt(round, order, 0, MethodKind.HANDOFF);
    }

    /** Sends a request to the controller (a Notify): now when associated, else once associated. */
    void send(List<ActionRequest> actions) {
        if (state == State.STOPPED) return;
        if (state != State.REGISTERED) {
            if (queued.size() >= MAX_QUEUED) queued.poll();
            queued.add(actions);
            return;
        }
        InetSocketAddress to = current;
        network.send(to, actions).whenComplete((reply, err) -> scheduler.run(() -> {
            if (err != null) {
                if (!onRootOnly(actions)) {
                    // a notification the dead controller may never have handled (a hang-up, a digit): it goes to the
                    // next controller, first of what waits (H.248.1 11.5); a heartbeat is not worth repeating
                    if (state == State.REGISTERED && current != null && !to.equals(current)) {
                        send(actions);
                    } else {
                        if (queued.size() >= MAX_QUEUED) queued.pollLast();
                        queued.addFirst(actions);
                    }
                }
                lost(to, "no reply: " + err);
            } else {
                heard(to);
            }
        }));
    }

    private static boolean onRootOnly(List<ActionRequest> actions) {
        for (ActionRequest a : actions) {
            for (var c : a.commands()) {
                for (TerminationId t : c.command().terminationIds()) if (!t.isRoot()) return false;
            }
        }
        return true;
    }

    /**
     * Sends the it/ito heartbeat Notify. Like {@link #send}, and when a heartbeat reply timeout is provisioned the
     * controller is lost as soon as that much time passes without the reply, instead of after the transaction
     * layer's whole retransmission schedule: this is what makes loss detection over UDP take a few hundred ms.
     * <p>
     * The controller gets the whole reply timeout from the send, also for a heartbeat our own late loop sent late.
     * Counting the deadline from the controller's last word instead (mit + the timeout, so that our lateness counts
     * once, not twice) was tried in session 11 and taken back: with a heartbeat sent 0.7 s late, the primary's 0.8 s
     * collection during the 10,000-call set-up outlasted the shortened window and gateways left a live primary
     * (docs/drill.md). A deadline that itself ran over {@link #OWN_STALL_NANOS} late (this process stalled: the reply
     * may be in our socket, unread) looks once more after the loop has read its sockets.
     */
    void sendHeartbeat(List<ActionRequest> actions) {
        Duration limit = config.heartbeatReplyTimeout();
        if (limit == null || state != State.REGISTERED) {
            send(actions);
            return;
        }
        InetSocketAddress to = current;
        boolean[] answered = {false};
        long sentAt = scheduler.nanoTime();
        long dueAt = sentAt + limit.toNanos();
        SimScheduler.Cancellable[] deadline = {null};
        Runnable check = new Runnable() {
            private boolean graced;

            @Override public void run() {
                // a busy controller that answers late but still talks to us is alive: only silence since the
                // heartbeat went out counts (the transaction layer still fails the Notify if it never gets a reply)
                if (answered[0] || lastArrivalNanos > sentAt || state != State.REGISTERED || !to.equals(current)) return;
                long late = scheduler.nanoTime() - dueAt;
                if (late > OWN_STALL_NANOS && !graced) {
                    // our own loop ran late: what the controller sent meanwhile may wait in our socket; a timer a
                    // little later runs only after the loop has read its sockets again
                    graced = true;
                    ownStallGraces++;
                    deadline[0] = scheduler.schedule(this, OWN_STALL_GRACE);
                    return;
                }
                lost(to, "no reply to the it/ito heartbeat within " + (scheduler.nanoTime() - sentAt) / 1_000_000
                        + " ms, nothing else heard for " + (scheduler.nanoTime() - lastArrivalNanos) / 1_000_000 + " ms");
            }
        };
        deadline[0] = scheduler.schedule(check, limit);
        network.send(to, actions).whenComplete((reply, err) -> scheduler.run(() -> {
            answered[0] = true;
            if (deadline[0] != null) deadline[0].cancel();
            if (err != null) {
                lost(to, "no reply: " + err);
            } else {
                heard(to);
            }
        }));
    }

    /** A heartbeat deadline that ran this much late says our own process stalled. */
    static final long OWN_STALL_NANOS = 200_000_000L;
    /** How long such a deadline waits again: enough for the event loop to read its sockets first. */
    static final Duration OWN_STALL_GRACE = Duration.ofMillis(20);
    private long ownStallGraces;

    /** Heartbeat deadlines that ran late and looked once more (our own process stalled). */
    long ownStallGraces() { return ownStallGraces; }

    private void flush() {
        while (state == State.REGISTERED && !queued.isEmpty()) send(queued.poll());
    }

    /** ServiceChange Graceful to the controller, then stop; {@code done} runs when it is answered or failed. */
    void shutdown(Duration delay, Runnable done) {
        if (retryTimer != null) retryTimer.cancel();
        if (state != State.REGISTERED) {
            state = State.STOPPED;
            done.run();
            return;
        }
        InetSocketAddress to = current;
        List<ServiceChangeParm> parms = new ArrayList<>();
        parms.add(ServiceChangeParm.Method.of(MethodKind.GRACEFUL));
        parms.add(new ServiceChangeParm.Reason(OUT_OF_SERVICE));
        if (!delay.isZero()) parms.add(new ServiceChangeParm.Delay(delay.toSeconds()));
        state = State.STOPPED;
        network.send(to, List.of(ActionRequest.of(ContextId.NULL,
                        new Command.ServiceChange(List.of(TerminationId.ROOT), parms))))
                .whenComplete((r, e) -> scheduler.run(done));
    }

    /** Stops without telling anyone (a crash, or the end of a test). */
    void stop() {
        state = State.STOPPED;
        round++;
        if (retryTimer != null) retryTimer.cancel();
    }
}
