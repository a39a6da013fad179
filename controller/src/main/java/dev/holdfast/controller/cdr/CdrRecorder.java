package dev.holdfast.controller.cdr;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The core's side of call detail records: call processing and the B2BUA report each call (or attempt) that ends,
 * and the core hands the records of each event out with its notices. Deterministic: times are the event's, ids come
 * from the controller's name, the core's seed and the time of the first record, then a counter; a replay of the
 * event log makes the same records with the same ids.
 */
public final class CdrRecorder {
    private final String controller;
    private final long seed;
    private final LongSupplier now;
    private final List<CallRecord> pending = new ArrayList<>();
    private String prefix;
    private long seq;
    private long made;

    /** @param now the time of the event being handled (the core's {@code CoreServices::now}) */
    public CdrRecorder(String controller, long seed, LongSupplier now) {
        this.controller = controller;
        this.seed = seed;
        this.now = now;
    }

    public String controller() { return controller; }

    /**
     * A call (or attempt) ended now.
     *
     * @param call   the call's key across controllers, or 0 for an attempt that never became a call
     * @param setup  when it was set up (epoch ms, core time)
     * @param answer when it was answered, or null
     */
    public void ended(long call, Party caller, Party callee, List<String> gateways, long setup, Long answer,
                      String release, String cause, boolean migrated) {
        long end = now.getAsLong();
        pending.add(new CallRecord(nextId(end), call == 0 ? null : Long.toHexString(call), caller.number(),
                callee == null ? null : callee.number(), caller.kind(), callee == null ? null : callee.kind(), gateways,
                Math.min(setup, end), answer, end, release, cause, migrated, controller));
        made++;
    }

    /** An attempt refused at once (busy, invalid number, unavailable): set up and ended now, never answered. */
    public void refused(Party caller, Party callee, List<String> gateways, String release, String cause) {
        ended(0, caller, callee, gateways, now.getAsLong(), null, release, cause, false);
    }

    /** The records of the event being handled, once. */
    public List<CallRecord> drain() {
        if (pending.isEmpty()) return List.of();
        List<CallRecord> out = List.copyOf(pending);
        pending.clear();
        return out;
    }

    /** Records made since start. */
    public long made() { return made; }

    private String nextId(long time) {
        if (prefix == null) {
            // two controllers, or two starts of one, do not make the same ids (the cluster keys CDRs by id)
            long h = controller.hashCode() * 0x9E3779B97F4A7C15L ^ seed * 0xC2B2AE3D27D4EB4FL ^ time;
            h ^= h >>> 31;
            prefix = Long.toHexString(h * 0xBF58476D1CE4E5B9L);
        }
        return prefix + "-" + (++seq);
    }

    /** A party of a record: its number (or trunk name) and kind ({@code line}, {@code phone}, {@code trunk}). */
    public record Party(String number, String kind) {
        public static Party line(String number) { return new Party(number, "line"); }

        public static Party phone(String number) { return new Party(number, "phone"); }

        public static Party trunk(String name) { return new Party(name, "trunk"); }
    }
}
