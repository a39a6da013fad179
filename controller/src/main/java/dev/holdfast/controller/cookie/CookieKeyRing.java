package dev.holdfast.controller.cookie;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The keys the controllers share: the current one signs every new cookie; older ones still verify cookies until
 * their {@code acceptUntil}, so a key can be rotated without refusing the cookies of calls already up. Immutable
 * (safe to share between threads); a rotation makes a new ring.
 */
public final class CookieKeyRing {
    private final CookieKey current;
    private final CookieKey[] byId = new CookieKey[256];
    private final List<CookieKey> keys;

    /**
     * @param current the key that signs; it must have no {@code acceptUntil}
     * @param older   keys that still verify (each with or without an end), ids distinct from each other and from
     *                the current one's
     */
    public CookieKeyRing(CookieKey current, List<CookieKey> older) {
        if (current == null) throw new IllegalArgumentException("the key ring has no current key");
        if (current.acceptUntil() != null) {
            throw new IllegalArgumentException("the current key " + current.id()
                    + " has an acceptUntil: the key that signs new cookies cannot expire");
        }
        List<CookieKey> all = new ArrayList<>();
        all.add(current);
        if (older != null) all.addAll(older);
        for (CookieKey k : all) {
            if (k == null) throw new IllegalArgumentException("a missing key in the key ring");
            if (byId[k.id()] != null) throw new IllegalArgumentException("key id " + k.id() + " is in the ring twice");
            byId[k.id()] = k;
        }
        this.current = current;
        this.keys = Collections.unmodifiableList(all);
    }

    /** A ring of one key. */
    public static CookieKeyRing of(CookieKey current) { return new CookieKeyRing(current, List.of()); }

    /** The key that signs. */
    public CookieKey current() { return current; }

    /** The key with this id (current or older, retired or not), or null. */
    public CookieKey key(int id) { return id >= 0 && id < byId.length ? byId[id] : null; }

    /** Every key, the current one first. */
    public List<CookieKey> keys() { return keys; }

    /**
     * The ring after a rotation: {@code next} signs from now on, the current key is accepted until
     * {@code previousAcceptUntil}, and the other keys stay as they were. {@code next} must have an id not in the
     * ring (a retired key's id can be reused once it is dropped with {@link #withoutRetired}).
     */
    public CookieKeyRing rotate(CookieKey next, long previousAcceptUntil) {
        if (next == null) throw new IllegalArgumentException("no key to rotate to");
        List<CookieKey> older = new ArrayList<>();
        older.add(current.acceptedUntil(previousAcceptUntil));
        older.addAll(keys.subList(1, keys.size()));
        return new CookieKeyRing(next, older);
    }

    /** The same ring without the keys no longer accepted at {@code nowMillis}. */
    public CookieKeyRing withoutRetired(long nowMillis) {
        List<CookieKey> older = new ArrayList<>();
        for (CookieKey k : keys.subList(1, keys.size())) if (k.acceptsAt(nowMillis)) older.add(k);
        return new CookieKeyRing(current, older);
    }

    @Override public String toString() { return "CookieKeyRing" + keys; }
}
