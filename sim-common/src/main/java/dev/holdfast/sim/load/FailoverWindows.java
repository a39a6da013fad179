package dev.holdfast.sim.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When each endpoint (a gateway line or a phone, by its directory number) had no working controller: from the
 * moment it last heard from its controller before it declared that controller lost, until it was registered with
 * the next one. A call attempted in such a window, or within {@code settle} after it, may fail by design: its
 * digits or INVITE went to a dead controller, or to one that does not know the endpoint yet.
 * <p>
 * Times are wall-clock epoch milliseconds (the simulators' {@code SimScheduler.wallMillis()}), so that two load
 * generators calling each other's endpoints can share their windows through a journal file: each appends one line
 * per event ({@code lost NUMBER LAST_HEARD_MS} or {@code registered NUMBER AT_MS}) and reads the whole file when it
 * classifies its failed calls. Thread-safe.
 */
public final class FailoverWindows {
    /** One window; {@code toMillis} is {@link Long#MAX_VALUE} while the endpoint is still without a controller. */
    public record Window(long fromMillis, long toMillis) {
        boolean covers(long atMillis, long settleMillis) {
            long end = toMillis == Long.MAX_VALUE ? Long.MAX_VALUE : toMillis + settleMillis;
            return atMillis >= fromMillis && atMillis <= end;
        }
    }

    private final long settleMillis;
    private final Path journal;
    private final Map<String, List<Window>> windows = new HashMap<>();

    /** Windows kept in memory only. */
    public FailoverWindows(long settleMillis) { this(settleMillis, null); }

    /** Windows also appended to {@code journal} (null: none), where another load generator may add its own. */
    public FailoverWindows(long settleMillis, Path journal) {
        if (settleMillis < 0) throw new IllegalArgumentException("settle time is not negative");
        this.settleMillis = settleMillis;
        this.journal = journal;
    }

    public long settleMillis() { return settleMillis; }

    /** These endpoints declared their controller lost; they last heard from it at {@code lastHeardMillis}. */
    public void lost(Collection<String> endpoints, long lastHeardMillis) {
        for (String e : endpoints) {
            synchronized (this) { open(e, lastHeardMillis); }
            append("lost " + e + " " + lastHeardMillis);
        }
    }

    /** These endpoints are registered with a controller (again) since {@code atMillis}. */
    public void registered(Collection<String> endpoints, long atMillis) {
        for (String e : endpoints) {
            boolean closed;
            synchronized (this) { closed = close(e, atMillis); }
            // a refresh or the first registration closes nothing: only the end of a window is worth a line
            if (closed) append("registered " + e + " " + atMillis);
        }
    }

    private void open(String endpoint, long from) {
        List<Window> l = windows.computeIfAbsent(endpoint, k -> new ArrayList<>());
        if (!l.isEmpty() && l.get(l.size() - 1).toMillis() == Long.MAX_VALUE) return; // still open: the earlier start stands
        l.add(new Window(from, Long.MAX_VALUE));
    }

    private boolean close(String endpoint, long at) {
        List<Window> l = windows.get(endpoint);
        if (l == null || l.isEmpty()) return false;
        Window last = l.get(l.size() - 1);
        if (last.toMillis() != Long.MAX_VALUE) return false;
        l.set(l.size() - 1, new Window(last.fromMillis(), Math.max(at, last.fromMillis())));
        return true;
    }

    private void append(String line) {
        if (journal == null) return;
        try {
            // one short line per write with O_APPEND: lines of two processes do not interleave
            Files.writeString(journal, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the failover journal " + journal, e);
        }
    }

    /**
     * The windows as they stand now: this process's own, or with a journal, everything in it (the other load
     * generator's endpoints too). A journal line that does not parse is skipped.
     */
    public synchronized Map<String, List<Window>> snapshot() {
        if (journal == null || !Files.exists(journal)) return copy(windows);
        FailoverWindows replay = new FailoverWindows(settleMillis);
        try {
            for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
                String[] f = line.trim().split(" ");
                if (f.length != 3) continue;
                long t;
                try {
                    t = Long.parseLong(f[2]);
                } catch (NumberFormatException e) {
                    continue;
                }
                if (f[0].equals("lost")) replay.open(f[1], t);
                else if (f[0].equals("registered")) replay.close(f[1], t);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the failover journal " + journal, e);
        }
        return copy(replay.windows);
    }

    private static Map<String, List<Window>> copy(Map<String, List<Window>> m) {
        Map<String, List<Window>> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return out;
    }

    /**
     * True when one of {@code endpoints} is without a controller at {@code nowMillis}, or was within the settle
     * time: a call step waiting on the controller cannot happen now, so its time limit should not run. With a
     * journal the other load generator's endpoints count too, from a copy of the file read at most every 250 ms.
     */
    public boolean withoutControllerNow(Collection<String> endpoints, long nowMillis) {
        Map<String, List<Window>> w;
        synchronized (this) {
            if (journal == null) {
                for (String e : endpoints) {
                    List<Window> l = windows.get(e);
                    if (l != null && !l.isEmpty() && l.get(l.size() - 1).covers(nowMillis, settleMillis)) return true;
                }
                return false;
            }
            if (cached == null || nowMillis - cachedAtMillis >= 250 || nowMillis < cachedAtMillis) {
                cached = snapshot();
                cachedAtMillis = nowMillis;
            }
            w = cached;
        }
        return covers(w, endpoints, nowMillis, settleMillis);
    }

    private Map<String, List<Window>> cached;
    private long cachedAtMillis;

    /** True when any of {@code endpoints} was without a controller (or settling) at {@code atMillis}, per {@code windows}. */
    public static boolean covers(Map<String, List<Window>> windows, Collection<String> endpoints, long atMillis,
                                 long settleMillis) {
        for (String e : endpoints) {
            for (Window w : windows.getOrDefault(e, List.of())) if (w.covers(atMillis, settleMillis)) return true;
        }
        return false;
    }
}
