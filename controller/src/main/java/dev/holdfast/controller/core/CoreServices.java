package dev.holdfast.controller.core;

import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.ErrorDescriptor;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What the core's parts use to act on the world: send requests (with a continuation for the reply), reply, start
 * and cancel timers, read the event's time, draw ids and random numbers. All of it is deterministic: ids count up
 * from 1, randomness comes from a seeded generator, and the only time is that of the event being handled.
 */
public final class CoreServices {
    private final List<Command> outbox = new ArrayList<>();
    private final TreeMap<Long, Consumer<Outcome>> pendingReplies = new TreeMap<>();
    private final TreeMap<Long, Runnable> timers = new TreeMap<>();
    private final SplittableRandom random;
    private long nextToken = 1;
    private long nextTimer = 1;
    private long nextRequestId = 1;
    private long now;

    public CoreServices(long seed) { this.random = new SplittableRandom(seed); }

    /** Called by the core's dispatcher before an event. */
    public void begin(long time) { now = time; }

    /** Called by the core's dispatcher after an event: the commands it caused. */
    public List<Command> drain() {
        List<Command> out = List.copyOf(outbox);
        outbox.clear();
        return out;
    }

    /** The time of the event being handled (epoch ms). */
    public long now() { return now; }

    public SplittableRandom random() { return random; }

    /** A fresh RequestID for an Events descriptor. */
    public long requestId() { return nextRequestId++; }

    /** Sends a request; {@code then} runs with its outcome (reply or failure) when that event arrives. */
    public long send(String peer, List<ActionRequest> actions, Consumer<Outcome> then) {
        long token = nextToken++;
        pendingReplies.put(token, then);
        outbox.add(new Command.SendRequest(peer, token, actions));
        return token;
    }

    /** The requests this event has queued so far, in order (the cookie stamper adds to them before they leave). */
    public List<Command.SendRequest> queuedRequests() {
        List<Command.SendRequest> out = new ArrayList<>();
        for (Command c : outbox) if (c instanceof Command.SendRequest r) out.add(r);
        return out;
    }

    /** Replaces a queued request by the same request with other actions (same peer, same token). */
    public void replaceQueued(Command.SendRequest queued, List<ActionRequest> actions) {
        int i = outbox.indexOf(queued);
        if (i < 0) throw new IllegalArgumentException("not queued: token " + queued.token());
        outbox.set(i, new Command.SendRequest(queued.peer(), queued.token(), actions));
    }

    public void reply(long handle, List<ActionReply> actions) { outbox.add(new Command.SendReply(handle, actions)); }

    public void replyError(long handle, ErrorDescriptor error) { outbox.add(new Command.SendErrorReply(handle, error)); }

    /** Emits a command the core's parts build themselves (the SIP side's responses and requests). */
    public void emit(Command c) { outbox.add(c); }

    /** Starts a timer; returns its id, for {@link #cancelTimer}. */
    public long startTimer(long delayMillis, Runnable onFire) {
        long id = nextTimer++;
        timers.put(id, onFire);
        outbox.add(new Command.StartTimer(id, Math.max(0, delayMillis)));
        return id;
    }

    /** Cancels a running timer; an id of 0, or of a timer that fired or was cancelled, is ignored. */
    public void cancelTimer(long id) {
        if (timers.remove(id) != null) outbox.add(new Command.CancelTimer(id));
    }

    /** Called by the core's dispatcher for {@link Event.TimerFired}. */
    public void timerFired(long id) {
        Runnable r = timers.remove(id);
        if (r != null) r.run();
    }

    /** Called by the core's dispatcher for a reply or a failed request. */
    public void outcome(long token, Outcome o) {
        Consumer<Outcome> c = pendingReplies.remove(token);
        if (c != null) c.accept(o);
    }

    /** Requests awaiting their outcome, and running timers (for leak checks). */
    public int pendingRequests() { return pendingReplies.size(); }

    public int runningTimers() { return timers.size(); }
}
