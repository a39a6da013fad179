package dev.holdfast.controller.call;

import dev.holdfast.controller.core.JournalledMap;

/**
 * Call processing's calls by id (ordered, as before), journalled for the admin API's notices (see
 * {@link JournalledMap}).
 */
public final class CallRegister extends JournalledMap<Long, Call> {
    /** The register made last on this thread: the one a CallProcessor just constructed made (see {@link #take()}). */
    private static final ThreadLocal<CallRegister> MADE = new ThreadLocal<>();

    private CallRegister() {}

    /** Calls whose state or feature changed since {@link #takeChanged()} was last called (while journalling). */
    private final java.util.LinkedHashSet<Call> changed = new java.util.LinkedHashSet<>();

    @Override public Call put(Long key, Call value) {
        value.register = this;
        return super.put(key, value);
    }

    /** A call's state or feature changed (from {@link Call}). */
    void changed(Call c) {
        if (journalling()) changed.add(c);
    }

    /** The calls whose state or feature changed since the last call, in the order they first changed. */
    public java.util.List<Call> takeChanged() {
        if (changed.isEmpty()) return java.util.List.of();
        java.util.List<Call> out = java.util.List.copyOf(changed);
        changed.clear();
        return out;
    }

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
}
