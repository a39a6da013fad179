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
