package dev.holdfast.controller.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * A subscriber (or an operator script) acting on gateways in virtual time: steps in order, each waiting until what
 * the subscriber hears or sees allows it (dial tone before dialling, ringing before answering), with a human pause
 * between steps. A step that waits too long leaves the script stuck at it.
 */
final class Subscriber {
    record Step(String what, BooleanSupplier ready, Runnable act) {}

    final String name;
    private final List<Step> steps = new ArrayList<>();
    private int next;
    private long notBefore;
    private long waitingSince = -1;
    private String stuck;
    private boolean stopped;

    Subscriber(String name) { this.name = name; }

    Subscriber then(String what, BooleanSupplier ready, Runnable act) {
        steps.add(new Step(what, ready, act));
        return this;
    }

    Subscriber act(String what, Runnable act) { return then(what, () -> true, act); }

    Subscriber await(String what, BooleanSupplier ready) { return then(what, ready, () -> { }); }

    void startAt(long nanos) { notBefore = nanos; }

    boolean done() { return next >= steps.size(); }

    boolean stopped() { return stopped; }

    void stop() { stopped = true; }

    /** The step it is stuck at, or null. */
    String stuck() { return stuck; }

    /** The step it is at (or "done"). */
    String at() { return done() ? "done" : steps.get(next).what(); }

    /** One look at the world: acts if the next step is ready. */
    void tick(long now, SplittableRandom random, Duration patience) {
        if (stopped || stuck != null || done() || now < notBefore) return;
        if (waitingSince < 0) waitingSince = now;
        Step s = steps.get(next);
        if (s.ready().getAsBoolean()) {
            s.act().run();
            next++;
            waitingSince = -1;
            notBefore = now + Duration.ofMillis(50 + random.nextInt(500)).toNanos();
        } else if (now - waitingSince > patience.toNanos()) {
            stuck = s.what();
        }
    }
}
