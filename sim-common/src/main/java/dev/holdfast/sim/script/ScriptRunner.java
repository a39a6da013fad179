package dev.holdfast.sim.script;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs a {@link Script} against a {@link ScriptTarget}: actions in order, waits, and expectations checked every
 * {@code pollInterval} until they hold or their time ({@code within}, else the default) runs out. Stops at the
 * first failure.
 */
public final class ScriptRunner {
    private final ScriptTarget target;
    private final ScriptClock clock;
    private final Duration defaultWithin;
    private final Duration pollInterval;

    /** The outcome: ok, or the step that failed and why; {@code log} lists each step as it ran. */
    public record Result(String script, boolean ok, Step failedStep, String failure, List<String> log) {
        public Result { log = List.copyOf(log); }

        @Override public String toString() {
            return ok ? script + ": ok (" + log.size() + " steps)"
                    : script + ":" + failedStep.line() + ": '" + failedStep + "' failed: " + failure;
        }
    }

    public ScriptRunner(ScriptTarget target, ScriptClock clock, Duration defaultWithin, Duration pollInterval) {
        this.target = Objects.requireNonNull(target);
        this.clock = Objects.requireNonNull(clock);
        this.defaultWithin = Objects.requireNonNull(defaultWithin);
        this.pollInterval = Objects.requireNonNull(pollInterval);
        if (pollInterval.isZero() || pollInterval.isNegative()) throw new IllegalArgumentException("pollInterval");
    }

    /** Real time, expectations given 2 s by default, checked every 10 ms. */
    public static ScriptRunner realTime(ScriptTarget target) {
        return new ScriptRunner(target, ScriptClock.REAL, Duration.ofSeconds(2), Duration.ofMillis(10));
    }

    public Result run(Script script) throws InterruptedException {
        List<String> log = new ArrayList<>();
        for (Step step : script.steps()) {
            String failure;
            try {
                failure = execute(step);
            } catch (ScriptException e) {
                failure = e.getMessage();
            } catch (RuntimeException e) {
                failure = e.toString();
            }
            if (failure != null) {
                log.add(step.line() + " " + step + " -> FAILED: " + failure);
                return new Result(script.name(), false, step, failure, log);
            }
            log.add(step.line() + " " + step);
        }
        return new Result(script.name(), true, null, null, log);
    }

    private String execute(Step step) throws ScriptException, InterruptedException {
        if (step instanceof Step.Action a) {
            target.perform(a);
            return null;
        }
        if (step instanceof Step.Wait w) {
            clock.pass(w.duration());
            return null;
        }
        Step.Expect e = (Step.Expect) step;
        Duration within = e.within() != null ? e.within() : defaultWithin;
        long waitedNanos = 0;
        for (;;) {
            String found = target.check(e);
            if (found == null) return null;
            if (waitedNanos >= within.toNanos()) return "not within " + Scripts.format(within) + "; found " + found;
            clock.pass(pollInterval);
            waitedNanos += pollInterval.toNanos();
        }
    }
}
