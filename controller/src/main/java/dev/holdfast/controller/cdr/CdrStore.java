package dev.holdfast.controller.cdr;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The most recent CDRs of this controller, in memory, for the admin API: a bounded ring (the oldest go when it is
 * full). Written from the core thread (one short lock per record, never waiting on I/O), read by API requests.
 */
public final class CdrStore {
    public static final int DEFAULT_CAPACITY = 10_000;

    private final int capacity;
    private final ArrayDeque<CallRecord> records;
    private long added;

    public CdrStore(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity " + capacity);
        this.capacity = capacity;
        this.records = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    public synchronized void add(CallRecord r) {
        if (records.size() == capacity) records.pollFirst();
        records.addLast(r);
        added++;
    }

    /** Matching records newest first (at most the query's limit), and how many match in all. */
    public synchronized Result find(CdrQuery q) {
        List<CallRecord> out = new ArrayList<>(Math.min(q.limit(), 256));
        int total = 0;
        for (Iterator<CallRecord> it = records.descendingIterator(); it.hasNext(); ) {
            CallRecord r = it.next();
            if (!q.matches(r)) continue;
            total++;
            if (out.size() < q.limit()) out.add(r);
        }
        return new Result(List.copyOf(out), total);
    }

    public synchronized int size() { return records.size(); }

    /** Records added since start (those the ring let go included). */
    public synchronized long added() { return added; }

    public record Result(List<CallRecord> cdrs, int total) {}
}
