package dev.holdfast.controller.mgc;

import dev.holdfast.controller.core.Command;
import dev.holdfast.controller.core.Core;
import dev.holdfast.controller.core.Event;
import dev.holdfast.controller.core.EventLog;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * Runs a core on its own thread: events from any thread are queued, stamped with the clock when their turn
 * comes, written to the event log, handled, and the commands handed to the edge. Timers the core starts run on the
 * same thread and come back as events. This is the one place where real time enters.
 */
public final class CoreRunner implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CoreRunner.class.getName());

    private final Core core;
    private final Clock clock;
    private final EventLog log;
    private final java.io.Writer commandLog;
    private final ScheduledThreadPoolExecutor thread;
    private final Map<Long, ScheduledFuture<?>> timers = new ConcurrentHashMap<>();
    private final AtomicLong queued = new AtomicLong();
    private volatile Consumer<List<Command>> edge = c -> { };
    private volatile Consumer<List<dev.holdfast.controller.core.Notice>> notices = n -> { };
    private volatile boolean closed;
    /** When the core thread last finished an event or a query (System.nanoTime). */
    private volatile long lastProgressNanos = System.nanoTime();
    /** When the task the core thread runs now (an event, a query) began, or 0 when it runs none. */
    private volatile long runningSinceNanos;

    /**
     * @param log        the event log, or null
     * @param commandLog where to write each command as a JSON line (what a replay must reproduce), or null
     */
    public CoreRunner(Core core, Clock clock, EventLog log, java.io.Writer commandLog) {
        this.core = core;
        this.clock = clock;
        this.log = log;
        this.commandLog = commandLog;
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "holdfast-core");
            t.setDaemon(true);
            return t;
        });
        thread.setRemoveOnCancelPolicy(true);
        // on close, queued events still run but timers not yet due are dropped: close() need not wait for them
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /**
     * Whether the core is getting on with its work: nothing is queued, or it finished an event or a query within
     * one second. A core that is merely busy (thousands of audit replies queued while it rebuilds calls)
     * is progressing; one stuck in a single event is not. The edges answer liveness probes (it/ito, OPTIONS) only
     * while this holds, so that a stuck core still makes its gateways and phones fail over.
     */
    public boolean progressing() {
        if (closed) return false;
        long now = System.nanoTime();
        long since = runningSinceNanos;
        if (since != 0 && now - since >= STUCK_AFTER_NANOS) return false; // one event (or query) taking that long
        return queued.get() == 0 || now - lastProgressNanos < STUCK_AFTER_NANOS;
    }

    /** Runs one task of the core thread, keeping {@link #progressing}'s clocks. */
    private <T> T timed(java.util.concurrent.Callable<T> task) throws Exception {
        runningSinceNanos = System.nanoTime();
        try {
            return task.call();
        } finally {
            lastProgressNanos = System.nanoTime();
            runningSinceNanos = 0;
        }
    }

    /** A core that finished nothing for this long while work waits is stuck (see {@link #progressing}). */
    public static final long STUCK_AFTER_NANOS = 1_000_000_000L;

    /** Where the commands go (the H.248 edge); set before the first event. */
    public void edge(Consumer<List<Command>> edge) { this.edge = edge; }

    /**
     * Where each event's notices go (the admin API), on the core thread: it must only hand them on, never block.
     */
    public void notices(Consumer<List<dev.holdfast.controller.core.Notice>> sink) { this.notices = sink; }

    /** A further sink that also gets each event's notices (after those set before), on the core thread. */
    public void alsoNotices(Consumer<List<dev.holdfast.controller.core.Notice>> more) { this.notices = this.notices.andThen(more); }

    /** A further edge that also gets every command list (after those set before), e.g. the SIP edge. */
    public void alsoEdge(Consumer<List<Command>> more) { this.edge = this.edge.andThen(more); }

    /**
     * Queues an event; {@code make} runs on the core thread with the time of handling, so that anything it
     * numbers (request handles) is numbered in event order.
     */
    public void submit(LongFunction<Event> make) {
        submit(make, 0);
    }

    /**
     * As {@link #submit(LongFunction)}, for an event caused by a message that arrived at {@code causeNanos}
     * ({@link System#nanoTime}): while it is handled, {@link #stepCauseNanos()} gives that time to the edge, which
     * measures how long the controller took to answer. Not part of the event: the event log and replay are the same.
     */
    public void submit(LongFunction<Event> make, long causeNanos) {
        if (closed) return;
        queued.incrementAndGet();
        try {
            thread.execute(() -> {
                registrationsFirst();
                handle(make, causeNanos);
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            queued.decrementAndGet();
        }
    }

    /** Registrations waiting to go ahead of the queued work (see {@link #submitRegistration}). */
    private final java.util.concurrent.ConcurrentLinkedQueue<Caused> registrations = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** An event's factory and when the message that caused it arrived (0: not a message's). */
    private record Caused(LongFunction<Event> make, long causeNanos) {}

    /** When the message behind the event being handled arrived (System.nanoTime), 0 for none; core thread only. */
    private long stepCauseNanos;

    /**
     * On the core thread while an event is handled (from the edge's command consumer): when the message that caused
     * it arrived, or 0 (a timer, an admin command, or no event).
     */
    public long stepCauseNanos() { return stepCauseNanos; }

    /**
     * Queues a registration (a gateway's ServiceChange on ROOT) ahead of the work already queued: it is handled
     * before the next queued event. After a failover the alternate has thousands of audit replies queued while it
     * rebuilds calls; a gateway's registration behind them is answered seconds late. Only arrival order changes (the
     * event log has the order handled, so a replay is the same); registrations keep their order among themselves.
     */
    public void submitRegistration(LongFunction<Event> make) {
        submitRegistration(make, 0);
    }

    /** As {@link #submitRegistration(LongFunction)}, with the arrival of its message (see {@link #submit(LongFunction, long)}). */
    public void submitRegistration(LongFunction<Event> make, long causeNanos) {
        if (closed) return;
        queued.incrementAndGet();
        Caused c = new Caused(make, causeNanos);
        registrations.add(c);
        try {
            thread.execute(this::registrationsFirst);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            if (registrations.remove(c)) queued.decrementAndGet();
        }
    }

    /** Handles the registrations waiting, if any (every task of the core thread starts with this). */
    private void registrationsFirst() {
        for (Caused c; (c = registrations.poll()) != null; ) handle(c.make(), c.causeNanos());
    }

    /**
     * Queues an event like {@link #submit(LongFunction)}; {@code after} runs on the core thread right after the event
     * was handled (also when it failed), before any other event: it may read what the event did (and must not
     * block). It runs (with nothing handled) when the runner is closed before the event's turn.
     */
    public void submit(LongFunction<Event> make, Runnable after) {
        if (closed) { after.run(); return; }
        queued.incrementAndGet();
        try {
            thread.execute(() -> {
                registrationsFirst();
                try {
                    handle(make);
                } finally {
                    after.run();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            queued.decrementAndGet();
            after.run();
        }
    }

    /**
     * Runs a read-only query on the core thread, between two events, and completes the future with its result (on
     * the core thread: hand it to your own thread before doing I/O with it). A query is not an event: it is not
     * logged and must change nothing, so a replay of the event log gives the same commands whatever was queried.
     * Fails with {@link java.util.concurrent.RejectedExecutionException} once the runner is closed.
     */
    public <T> java.util.concurrent.CompletableFuture<T> query(java.util.concurrent.Callable<T> read) {
        java.util.concurrent.CompletableFuture<T> result = new java.util.concurrent.CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new java.util.concurrent.RejectedExecutionException("controller stopped"));
            return result;
        }
        try {
            thread.execute(() -> {
                try {
                    result.complete(timed(read));
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /** Runs {@code task} on the core thread (for reading core state from tests and tools). */
    public <T> T inspect(java.util.concurrent.Callable<T> task) throws Exception {
        return thread.submit(() -> timed(task)).get(10, TimeUnit.SECONDS);
    }

    private void handle(LongFunction<Event> make) {
        handle(make, 0);
    }

    private void handle(LongFunction<Event> make, long causeNanos) {
        runningSinceNanos = System.nanoTime();
        stepCauseNanos = causeNanos;
        try {
            Event e = make.apply(clock.millis());
            if (e == null) return;
            if (log != null) log.append(e);
            List<Command> out = core.handle(e);
            if (commandLog != null) {
                for (Command c : out) commandLog.write(dev.holdfast.controller.core.EventCodec.encode(c) + "\n");
            }
            for (Command c : out) {
                if (c instanceof Command.StartTimer t) {
                    timers.put(t.timer(), thread.schedule(() -> fire(t.timer()), t.delayMillis(), TimeUnit.MILLISECONDS));
                } else if (c instanceof Command.CancelTimer t) {
                    ScheduledFuture<?> f = timers.remove(t.timer());
                    if (f != null) f.cancel(false);
                }
            }
            edge.accept(out);
            List<dev.holdfast.controller.core.Notice> n = core.drainNotices();
            if (!n.isEmpty()) notices.accept(n);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "event log write failed", e);
        } catch (RuntimeException e) {
            // a bug in the core must not stop the controller: log it loudly and go on with the next event
            LOG.log(System.Logger.Level.ERROR, "core failed on an event", e);
        } finally {
            stepCauseNanos = 0;
            lastProgressNanos = System.nanoTime();
            runningSinceNanos = 0;
            if (queued.decrementAndGet() == 0) {
                try {
                    if (log != null) log.flush();
                    if (commandLog != null) commandLog.flush();
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.ERROR, "log flush failed", e);
                }
            }
        }
    }

    private void fire(long id) {
        registrationsFirst();
        if (timers.remove(id) == null) return;
        queued.incrementAndGet();
        handle(now -> new Event.TimerFired(now, id));
    }

    @Override public void close() {
        closed = true;
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.shutdownNow();
        try {
            if (log != null) log.close();
            if (commandLog != null) commandLog.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "log close failed", e);
        }
    }
}
