package dev.holdfast.controller.call;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Call processing's calls by id (ordered, as before), journalling the calls added and removed while someone
 * listens, so that the admin API's notices cost what changed, not a scan of every call after every event. The
 * journal changes nothing call processing sees.
 */
public final class CallRegister extends TreeMap<Long, Call> {
    /** The register made last on this thread: the one a CallProcessor just constructed made (see {@link #take()}). */
    private static final ThreadLocal<CallRegister> MADE = new ThreadLocal<>();

    private boolean journalling;
    private final List<Call> added = new ArrayList<>();
    private final List<Call> removed = new ArrayList<>();

    private CallRegister() {}

    /** For call processing's field; {@link #take()} hands the same register to whoever built the processor. */
    static CallRegister create() {
        CallRegister r = new CallRegister();
        MADE.set(r);
        return r;
    }

    /** The register of the CallProcessor this thread constructed last (once; null if none since). */
    public static CallRegister take() {
        CallRegister r = MADE.get();
        MADE.remove();
        return r;
    }

    /** Starts journalling (the calls there now are not reported as added). */
    public void journal() { journalling = true; }

    @Override public Call put(Long id, Call c) {
        Call old = super.put(id, c);
        if (journalling && old != c) added.add(c);
        return old;
    }

    @Override public Call remove(Object id) {
        Call c = super.remove(id);
        if (journalling && c != null) removed.add(c);
        return c;
    }

    /** Calls added since the last call, in order. */
    public List<Call> takeAdded() {
        if (added.isEmpty()) return List.of();
        List<Call> out = List.copyOf(added);
        added.clear();
        return out;
    }

    /** Calls removed since the last call, in order. */
    public List<Call> takeRemoved() {
        if (removed.isEmpty()) return List.of();
        List<Call> out = List.copyOf(removed);
        removed.clear();
        return out;
    }
}
