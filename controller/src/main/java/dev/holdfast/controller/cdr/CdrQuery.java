package dev.holdfast.controller.cdr;

/**
 * A search of CDRs: the calls of a number (as caller or callee), ended in a time window, newest first, at most
 * {@code limit} of them.
 *
 * @param number null: any
 * @param since  epoch ms, inclusive (the call's end), or null
 * @param until  epoch ms, exclusive, or null
 */
public record CdrQuery(String number, Long since, Long until, int limit) {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 10_000;

    public boolean matches(CallRecord r) {
        if (number != null && !r.involves(number)) return false;
        if (since != null && r.end() < since) return false;
        return until == null || r.end() < until;
    }
}
