package dev.holdfast.controller.core;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.LongFunction;

/**
 * Runs a core in virtual time, for tests and simulations: events are injected with the driver's clock, timers the
 * core starts fire when {@link #advance} passes their due time (in due order, ties by id). Every event and command
 * is kept, so a run can be written as an event log and replayed.
 */
public final class VirtualTimeDriver {
    private final Core core;
    private final List<Event> events = new ArrayList<>();
    private final List<Command> commands = new ArrayList<>();
    private final List<Notice> notices = new ArrayList<>();
    /** (due time, timer id) -> timer id. */
    private final TreeMap<Due, Long> timers = new TreeMap<>();
    private final TreeMap<Long, Due> dueOf = new TreeMap<>();
    private long now;

    private record Due(long at, long id) implements Comparable<Due> {
        @Override public int compareTo(Due o) { return at != o.at ? Long.compare(at, o.at) : Long.compare(id, o.id); }
    }

    public VirtualTimeDriver(Core core, long startMillis) {
        this.core = core;
        this.now = startMillis;
    }

    public long now() { return now; }

    /** Handles the event made for the current time; returns the commands it caused. */
    public List<Command> inject(LongFunction<Event> make) {
        Event e = make.apply(now);
        events.add(e);
        List<Command> out = core.handle(e);
        for (Command c : out) {
            if (c instanceof Command.StartTimer t) {
                Due d = new Due(now + t.delayMillis(), t.timer());
                timers.put(d, t.timer());
                dueOf.put(t.timer(), d);
            } else if (c instanceof Command.CancelTimer t) {
                Due d = dueOf.remove(t.timer());
                if (d != null) timers.remove(d);
            }
        }
        commands.addAll(out);
        notices.addAll(core.drainNotices());
        return out;
    }

    /** Every notice the core gave so far (none unless it was asked for them), in order. */
    public List<Notice> notices() { return List.copyOf(notices); }

    /** Moves time forward, firing timers that fall due; returns the commands they caused. */
    public List<Command> advance(long millis) {
        long end = now + millis;
        List<Command> out = new ArrayList<>();
        while (!timers.isEmpty() && timers.firstKey().at() <= end) {
            Due d = timers.pollFirstEntry().getKey();
            dueOf.remove(d.id());
            now = Math.max(now, d.at());
            out.addAll(inject(t -> new Event.TimerFired(t, d.id())));
        }
        now = end;
        return out;
    }

    /** Time of the next timer, or -1. */
    public long nextTimerAt() { return timers.isEmpty() ? -1 : timers.firstKey().at(); }

    public int runningTimers() { return timers.size(); }

    public List<Event> events() { return List.copyOf(events); }

    public List<Command> commands() { return List.copyOf(commands); }
}
