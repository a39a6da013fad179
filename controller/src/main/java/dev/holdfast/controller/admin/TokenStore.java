package dev.holdfast.controller.admin;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Login tokens: 256 random bits each (base64url), valid until unused for the idle time. Bounded: past
 * {@link #MAX_SESSIONS} the least recently used session is dropped. Thread-safe (the HTTP thread and the login
 * thread both use it).
 */
final class TokenStore {
    static final int MAX_SESSIONS = 10_000;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final SecureRandom random = new SecureRandom();
    private final long idleMillis;
    private final LongSupplier clock;
    /** Access order: the eldest entry is the least recently used session. */
    private final LinkedHashMap<String, Entry> sessions = new LinkedHashMap<>(16, 0.75f, true);

    private static final class Entry {
        final Session session;
        long lastUsed;

        Entry(Session session, long lastUsed) {
            this.session = session;
            this.lastUsed = lastUsed;
        }
    }

    /** @param clock milliseconds (wall clock in service; tests may pass their own) */
    TokenStore(long idleMillis, LongSupplier clock) {
        this.idleMillis = idleMillis;
        this.clock = clock;
    }

    /** A new session for {@code user}; its token is returned in the session. */
    synchronized Session open(String user, Role role) {
        sweep();
        byte[] bits = new byte[32];
        random.nextBytes(bits);
        Session s = new Session(user, role, B64.encodeToString(bits));
        sessions.put(s.token(), new Entry(s, clock.getAsLong()));
        if (sessions.size() > MAX_SESSIONS) {
            Iterator<String> eldest = sessions.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        return s;
    }

    /** The live session of {@code token}, its idle time restarted; null when unknown or expired. */
    synchronized Session use(String token) {
        if (token == null) return null;
        Entry e = sessions.get(token);
        if (e == null) return null;
        long now = clock.getAsLong();
        if (now - e.lastUsed >= idleMillis) {
            sessions.remove(token);
            return null;
        }
        e.lastUsed = now;
        return e.session;
    }

    /** When a session just used expires if not used again (epoch ms). */
    synchronized long expiresAt(String token) {
        Entry e = sessions.get(token);
        return e == null ? 0 : e.lastUsed + idleMillis;
    }

    synchronized boolean close(String token) { return sessions.remove(token) != null; }

    synchronized int size() { return sessions.size(); }

    /** Drops expired sessions (the eldest first: access order means they are at the front). */
    private void sweep() {
        long now = clock.getAsLong();
        for (Iterator<Map.Entry<String, Entry>> it = sessions.entrySet().iterator(); it.hasNext(); ) {
            if (now - it.next().getValue().lastUsed >= idleMillis) it.remove();
            else break;
        }
    }
}
