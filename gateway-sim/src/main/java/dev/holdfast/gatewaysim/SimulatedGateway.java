package dev.holdfast.gatewaysim;

import dev.holdfast.gatewaysim.control.ControlNetwork;
import dev.holdfast.gatewaysim.control.H248ControlNetwork;
import dev.holdfast.gatewaysim.core.MediaGatewayCore;
import dev.holdfast.sim.media.MediaNetwork;
import dev.holdfast.sim.rtp.ProbeStats;
import dev.holdfast.sim.script.Script;
import dev.holdfast.sim.script.ScriptRunner;
import dev.holdfast.sim.script.Scripts;
import dev.holdfast.sim.time.SimScheduler;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A simulated media gateway, for tests, the demo and the load generator: the {@link MediaGatewayCore} on its
 * scheduler, a control network and a media network. Every method may be called from any thread: it runs on the
 * gateway's thread (inline when already there) and waits for it.
 *
 * <pre>
 *   try (GatewayRuntime rt = GatewayRuntime.create(1, GatewayRuntime.quickTransactions());
 *        SimulatedGateway gw = rt.start(config, Transport.UDP, new InetSocketAddress("127.0.0.1", 0))) {
 *       gw.awaitRegistered(Duration.ofSeconds(5));
 *       gw.offHook("A1");
 *       gw.dial("A1", "1002");
 *   }
 * </pre>
 */
public final class SimulatedGateway implements AutoCloseable {
    private final GatewayConfig config;
    private final SimScheduler scheduler;
    private final ControlNetwork control;
    private final MediaGatewayCore core;
    private volatile boolean closed;

    private SimulatedGateway(GatewayConfig config, SimScheduler scheduler, ControlNetwork control, MediaNetwork media) {
        this.config = config;
        this.scheduler = scheduler;
        this.control = control;
        this.core = new MediaGatewayCore(config, scheduler, control, media);
    }

    /** Builds the gateway over the given networks and starts registering. */
    public static SimulatedGateway start(GatewayConfig config, SimScheduler scheduler, ControlNetwork control,
                                         MediaNetwork media) {
        SimulatedGateway g = new SimulatedGateway(config, scheduler, control, media);
        g.call(c -> {
            c.start();
            return null;
        });
        return g;
    }

    public GatewayConfig config() { return config; }

    /** The local H.248 UDP address, or null over TCP. */
    public InetSocketAddress localAddress() {
        return control instanceof H248ControlNetwork n ? n.localAddress() : null;
    }

    /** H.248 messages sent and received so far (0 over a test's own control network). */
    public long h248Messages() {
        return control instanceof H248ControlNetwork n ? n.messages() : 0;
    }

    /** H.248 requests and replies sent and received so far (0 over a test's own control network). */
    public long h248Transactions() {
        return control instanceof H248ControlNetwork n ? n.transactions() : 0;
    }

    /** Batches of transactions sent split because they were too large for one message. */
    public long h248BatchesSplit() {
        return control instanceof H248ControlNetwork n ? n.batchesSplit() : 0;
    }

    /**
     * The H.248 transaction layer's counters of this gateway's endpoints (none over a test's own control network):
     * its reply latency and the round trip of its requests are in there.
     */
    public java.util.List<dev.holdfast.h248.transport.H248Counters> h248Counters() {
        return control instanceof H248ControlNetwork n ? n.counters() : java.util.List.of();
    }

    /** Runs {@code f} on the gateway's thread and returns its result. */
    public <T> T call(Function<MediaGatewayCore, T> f) {
        if (scheduler.inSchedulerThread()) return f.apply(core);
        CompletableFuture<T> r = new CompletableFuture<>();
        scheduler.execute(() -> {
            try {
                r.complete(f.apply(core));
            } catch (RuntimeException e) {
                r.completeExceptionally(e);
            }
        });
        try {
            return r.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("gateway thread did not answer", e);
        }
    }

    private void act(java.util.function.Consumer<MediaGatewayCore> a) {
        call(c -> {
            a.accept(c);
            return null;
        });
    }

    // ------------------------------------------------------------------------------------------------ the user

    public void offHook(String line) { act(c -> c.offHook(line)); }

    public void onHook(String line) { act(c -> c.onHook(line)); }

    public void flash(String line) { act(c -> c.flash(line)); }

    public void dial(String line, String digits) { act(c -> c.dial(line, digits)); }

    /** Off-hook while ringing; returns whether the line was ringing. */
    public boolean answer(String line) { return call(c -> c.answer(line)); }

    // ------------------------------------------------------------------------------------------------ queries

    public List<String> signals(String line) { return call(c -> c.signals(line)); }

    public List<String> armedEvents(String termination) { return call(c -> c.armedEvents(termination)); }

    public Long contextOf(String termination) { return call(c -> c.contextOf(termination)); }

    public boolean talkPathUp(String line) { return call(c -> c.talkPathUp(line)); }

    public boolean registered() { return call(MediaGatewayCore::registered); }

    public InetSocketAddress currentController() { return call(MediaGatewayCore::currentController); }

    public List<String> registrationHistory() { return call(MediaGatewayCore::registrationHistory); }

    /** The latest accepted registration (controller, method, when), or null. */
    public MediaGatewayCore.Registration lastRegistration() { return call(MediaGatewayCore::lastRegistration); }

    /** Starts a new RTP gap and loss window on every talk-path probe of this gateway. */
    public void markTalkPaths() { act(MediaGatewayCore::markTalkPaths); }

    public List<String> notifications() { return call(MediaGatewayCore::notifications); }

    public List<String> rtpTerminationsWith(String line) { return call(c -> c.rtpTerminationsWith(line)); }

    public ProbeStats probeStats(String rtpTermination) { return call(c -> c.probeStats(rtpTermination)); }

    /** Sets the probe rate of one RTP termination (e.g. full rate on a sample of calls). */
    public void setProbeConfig(String rtpTermination, dev.holdfast.sim.rtp.ProbeConfig probe) {
        act(c -> c.setProbeConfig(rtpTermination, probe));
    }

    public Map<String, String> properties(String termination) { return call(c -> c.properties(termination)); }

    public List<Long> contextIds() { return call(MediaGatewayCore::contextIds); }

    /** The terminations of a context, in the order they joined. */
    public List<String> terminationsIn(long contextId) { return call(c -> c.terminationsIn(contextId)); }

    /** Starts keeping the commands the controller sends (see {@link #commands()}). */
    public void recordCommands() { act(c -> c.recordCommands(true)); }

    /** The commands received since {@link #recordCommands()}, e.g. {@code "Move A1 @$"}. */
    public List<String> commands() { return call(MediaGatewayCore::commands); }

    /** Waits until registered with a controller; false if not within {@code limit}. */
    public boolean awaitRegistered(Duration limit) throws InterruptedException {
        return await(this::registered, limit);
    }

    /** Polls {@code condition} every 10 ms until it holds or {@code limit} passes. */
    public static boolean await(java.util.function.BooleanSupplier condition, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) return false;
            Thread.sleep(10);
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------------ scripts

    /** Runs a script file (sim-common format) against this gateway, in real time. */
    public ScriptRunner.Result runScript(Path file) throws Exception {
        return runScript(Scripts.parse(file));
    }

    public ScriptRunner.Result runScript(Script script) throws InterruptedException {
        return ScriptRunner.realTime(new GatewayScriptTarget(Map.of("", this))).run(script);
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    /** ServiceChange Graceful to the controller, then stop and close the sockets. */
    public void shutdown(Duration delay) {
        if (closed) return;
        CompletableFuture<Void> done = new CompletableFuture<>();
        act(c -> c.shutdown(delay, () -> done.complete(null)));
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the controller did not answer: stop anyway
        }
        close();
    }

    /** Stops at once (no ServiceChange): what a crash looks like to the controller. */
    @Override public void close() {
        if (closed) return;
        closed = true;
        try {
            act(MediaGatewayCore::stop);
        } catch (java.util.concurrent.RejectedExecutionException | IllegalStateException e) {
            // the runtime is already shut down: nothing runs any more
        }
        control.close();
    }
}
