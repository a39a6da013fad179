package dev.holdfast.controller.core;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * An ordered map of the core's (calls by id) that, once asked to, journals the values put and removed, so that an
 * observer (the admin API's notices) costs what changed rather than a scan of every entry after every event. The
 * journal changes nothing the map's owner sees. Only {@link #put} and {@link #remove} are journalled: an owner that
 * starts using {@code putAll}, {@code clear}, {@code pollFirstEntry} or removal through a view must journal those too.
 */
public class JournalledMap<K, V> extends TreeMap<K, V> {
    private boolean journalling;
    private final List<V> added = new ArrayList<>();
    private final List<V> removed = new ArrayList<>();

    /** Starts journalling (what is there now is not reported as added). */
    public void journal() { journalling = true; }

    /** Whether {@link #journal()} was called. */
    protected boolean journalling() { return journalling; }

    @Override public V put(K key, V value) {
        V old = super.put(key, value);
        if (journalling && old != value) added.add(value);
        return old;
    }

    @Override public V remove(Object key) {
        V v = super.remove(key);
        if (journalling && v != null) removed.add(v);
        return v;
    }

    /** Values put since the last call, in order. */
    public List<V> takeAdded() { return take(added); }

    /** Values removed since the last call, in order. */
    public List<V> takeRemoved() { return take(removed); }

    private List<V> take(List<V> l) {
        if (l.isEmpty()) return List.of();
        List<V> out = List.copyOf(l);
        l.clear();
        return out;
    }
}
