package dev.holdfast.controller.warmup;

import dev.holdfast.controller.provisioning.ControllerSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The warm standby: at start-up, on a thread of its own, a controller rehearses an alternate's rebuild
 * ({@link FailoverRehearsal}) on scratch cores until the JIT has compiled that path, so that a real failover runs it
 * compiled rather than compiling it while the calls wait (docs/drill.md, "Session 9": a cold alternate's C1
 * compiler used as much CPU as its core thread from the kill to every call rebuilt). Bounded: at most
 * {@link Limits#rehearsals} rehearsals, {@link Limits#maxCpuMillis} of its thread's CPU time and
 * {@link Limits#maxMillis} of wall time, and it stops between two rehearsals as soon as
 * {@code stop} says so (the live controller's first gateway registered: real work comes first). Nothing of the live
 * controller is touched; the rehearsals' own log records are dropped and one summary line is logged:
 * {@code warm-up: N rehearsals in X ms ...}.
 */
public final class StandbyWarmUp {
    private static final System.Logger LOG = System.getLogger(StandbyWarmUp.class.getName());
    /** The system property that overrides the provisioning's {@code controller.warmup}. */
    public static final String PROPERTY = "controller.warmup";

    /**
     * @param rehearsals   at most this many (each: {@code gateways} gateways, 12 calls and 2 phones per gateway)
     * @param maxCpuMillis no rehearsal starts once the warm-up's thread has used this much CPU time (on a busy machine
     *                     wall time is mostly waiting for a core: at load average 30 two rehearsals took 8 s)
     * @param maxMillis    nor after this long
     */
    public record Limits(int rehearsals, long maxCpuMillis, long maxMillis, int gateways) {
        /**
         * 4 gateways of 12 calls each: a rehearsal rebuilds 48 calls and adopts 8 phone dialogs. C1 compiles a method
         * after 200 calls to it (or 2,000 calls and loop iterations together): 5 rehearsals reach that on the per-call
         * paths, 60 on the per-gateway ones; C2's thresholds are 5,000 / 15,000. C1-only (as the drill runs its
         * controllers) 95 rehearsals took 5 s of CPU at load average 27, the first one (interpreted, loading the
         * classes) 1-3 s of it.
         */
        public static final Limits DEFAULT = new Limits(60, 5_000, 60_000, 4);

        public Limits {
            if (rehearsals < 1 || maxCpuMillis < 1 || maxMillis < 1 || gateways < 2 || gateways > 16) {
                throw new IllegalArgumentException("warm-up limits: " + rehearsals + " rehearsals, " + maxCpuMillis
                        + " ms of CPU, " + maxMillis + " ms, " + gateways + " gateways (2-16)");
            }
        }

        /**
         * The defaults with {@code controller.warmup.rehearsals}, {@code controller.warmup.cpu-ms} and
         * {@code controller.warmup.ms} applied.
         */
        public static Limits fromSystemProperties() {
            return new Limits(Integer.getInteger(PROPERTY + ".rehearsals", DEFAULT.rehearsals),
                    Long.getLong(PROPERTY + ".cpu-ms", DEFAULT.maxCpuMillis),
                    Long.getLong(PROPERTY + ".ms", DEFAULT.maxMillis), DEFAULT.gateways);
        }
    }

    /** What a warm-up did. {@code problems}: what rehearsals found wrong (none expected: each is a bug). */
    public record Summary(int rehearsals, long millis, long cpuMillis, long callsRebuilt, long dialogsAdopted,
                          boolean stopped, List<String> problems) {}

    private StandbyWarmUp() {}

    /** Whether a controller so provisioned warms up: the system property, else the setting; auto: an alternate does. */
    public static boolean enabled(ControllerSettings s) {
        String v = System.getProperty(PROPERTY, s.warmup());
        return switch (v) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            default -> s.alternate();
        };
    }

    /** Starts the warm-up on its own daemon thread; the summary line is logged when it ends. */
    public static Thread start(Limits limits, BooleanSupplier stop) {
        Thread t = new Thread(() -> {
            try {
                log(rehearse(limits, stop));
            } catch (RuntimeException | LinkageError e) {
                // a warm-up that fails costs only itself: the controller runs cold
                LOG.log(System.Logger.Level.WARNING, "warm-up failed: " + e, e);
            }
        }, "warm-up");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Runs the rehearsals on the calling thread, its log records dropped meanwhile. */
    public static Summary rehearse(Limits limits, BooleanSupplier stop) {
        long started = System.nanoTime();
        long deadline = started + limits.maxMillis() * 1_000_000;
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuStart = cpu.getCurrentThreadCpuTime();
        long cpuBudget = limits.maxCpuMillis() * 1_000_000;
        int done = 0;
        long calls = 0, dialogs = 0;
        boolean stopped = false;
        List<String> problems = new ArrayList<>();
        RehearsalLogFilter.silence(true);
        try {
            ScratchSetup setup = ScratchSetup.create(limits.gateways());
            while (done < limits.rehearsals() && System.nanoTime() < deadline
                    && cpu.getCurrentThreadCpuTime() - cpuStart < cpuBudget) {
                if (stop.getAsBoolean()) { stopped = true; break; }
                FailoverRehearsal.Result r = new FailoverRehearsal(setup, done + 1).run(done);
                done++;
                calls += r.callsRebuilt();
                dialogs += r.dialogsAdopted();
                if (!r.ok() && problems.size() < 5) problems.add("rehearsal " + done + ": " + r.problems());
            }
        } finally {
            RehearsalLogFilter.silence(false);
        }
        return new Summary(done, (System.nanoTime() - started) / 1_000_000, (cpu.getCurrentThreadCpuTime() - cpuStart) / 1_000_000,
                calls, dialogs, stopped, List.copyOf(problems));
    }

    private static void log(Summary s) {
        String line = "warm-up: " + s.rehearsals() + " rehearsals in " + s.millis() + " ms (" + s.cpuMillis() + " ms of CPU; "
                + s.callsRebuilt()
                + " calls rebuilt and released, " + s.dialogsAdopted() + " phone dialogs adopted, on scratch cores"
                + (s.stopped() ? "; stopped: a gateway registered" : "") + ")";
        if (s.problems().isEmpty()) LOG.log(System.Logger.Level.INFO, line);
        else LOG.log(System.Logger.Level.WARNING, line + "; rehearsals went wrong: " + s.problems());
    }
}
