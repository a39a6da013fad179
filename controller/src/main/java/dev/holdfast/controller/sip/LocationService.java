package dev.holdfast.controller.sip;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where each subscriber can be reached (RFC 3261 10: the location service the registrar writes): the contacts bound
 * to each address-of-record, with their expiry in core time. Lapsed bindings are dropped when read, so nothing
 * depends on a sweep timer. Ordered maps only, for a deterministic core.
 */
public final class LocationService {
    private final Map<String, LinkedHashMap<String, Binding>> bindings = new TreeMap<>();
    /** Told the user whose bindings a REGISTER changed (the admin API's notices); null: no one. */
    private java.util.function.Consumer<String> changed;

    public void onChange(java.util.function.Consumer<String> changed) { this.changed = changed; }

    private void changed(String user) { if (changed != null) changed.accept(user); }

    /** When the first of {@code user}'s bindings live at {@code now} lapses (core time), or 0 when none is live. */
    public long nextExpiry(String user, long now) {
        LinkedHashMap<String, Binding> m = bindings.get(user);
        if (m == null) return 0;
        long first = 0;
        for (Binding b : m.values()) if (b.expiresAt() > now && (first == 0 || b.expiresAt() < first)) first = b.expiresAt();
        return first;
    }

    /** How many of {@code user}'s bindings are live at {@code now} (lapsed ones are counted out, not dropped). */
    /**
     * How many users have a binding live at {@code now}, and how many live bindings there are in all, without
     * copying any: the admin status counts them, and a failover drill polls it every 20 ms while the alternate
     * rebuilds calls (building {@link #live}'s map for 1,000 phones per poll was over a third of the core thread's
     * samples in one such window, JFR).
     */
    public int[] liveCounts(long now) {
        int users = 0, contacts = 0;
        for (LinkedHashMap<String, Binding> m : bindings.values()) {
            int n = 0;
            for (Binding b : m.values()) if (b.expiresAt() > now) n++;
            if (n > 0) users++;
            contacts += n;
        }
        return new int[] {users, contacts};
    }

    public int liveCount(String user, long now) {
        LinkedHashMap<String, Binding> m = bindings.get(user);
        if (m == null) return 0;
        int n = 0;
        for (Binding b : m.values()) if (b.expiresAt() > now) n++;
        return n;
    }

    /** The live bindings of {@code user}, oldest registration first. */
    public List<Binding> bindings(String user, long now) {
        LinkedHashMap<String, Binding> m = bindings.get(user);
        if (m == null) return List.of();
        for (Iterator<Binding> it = m.values().iterator(); it.hasNext(); ) {
            if (it.next().expiresAt() <= now) it.remove();
        }
        if (m.isEmpty()) {
            bindings.remove(user);
            return List.of();
        }
        return new ArrayList<>(m.values());
    }

    public Binding binding(String user, String contact) {
        LinkedHashMap<String, Binding> m = bindings.get(user);
        return m == null ? null : m.get(contact);
    }

    public void put(String user, Binding b) {
        LinkedHashMap<String, Binding> m = bindings.computeIfAbsent(user, u -> new LinkedHashMap<>());
        m.remove(b.contact()); // a refresh moves it to the end: newest last
        m.put(b.contact(), b);
        changed(user);
    }

    public void remove(String user, String contact) {
        LinkedHashMap<String, Binding> m = bindings.get(user);
        if (m == null) return;
        m.remove(contact);
        if (m.isEmpty()) bindings.remove(user);
        changed(user);
    }

    public void removeAll(String user) {
        bindings.remove(user);
        changed(user);
    }

    /**
     * Every binding still live at {@code now}, by user, without dropping lapsed ones (a read-only view for the
     * admin API: reads from outside the event stream must change nothing).
     */
    public Map<String, List<Binding>> live(long now) {
        Map<String, List<Binding>> out = new TreeMap<>();
        for (Map.Entry<String, LinkedHashMap<String, Binding>> e : bindings.entrySet()) {
            List<Binding> l = new ArrayList<>();
            for (Binding b : e.getValue().values()) if (b.expiresAt() > now) l.add(b);
            if (!l.isEmpty()) out.put(e.getKey(), l);
        }
        return out;
    }

    /** Users with at least one binding (lapsed ones included until read). */
    public int registeredUsers() { return bindings.size(); }

    /** All bindings, lapsed ones included until read. */
    public int size() {
        int n = 0;
        for (var m : bindings.values()) n += m.size();
        return n;
    }
}
