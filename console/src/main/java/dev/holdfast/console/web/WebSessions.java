package dev.holdfast.console.web;

import dev.holdfast.console.ConsoleSession;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The web console's sessions: ids of 256 random bits (base64url, 43 characters), each with its own CSRF token of
 * 256 bits; a session unused for the idle timeout ends (its API tokens are logged out). Only what the admin does
 * (pages, forms) counts as use: the live updates a page fetches by itself do not keep a session alive.
 */
public final class WebSessions {
    private static final System.Logger LOG = System.getLogger(WebSessions.class.getName());
    static final int MAX_SESSIONS = 1000;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, WebSession> sessions = new ConcurrentHashMap<>();
    private final long idleNanos;
    private final LongSupplier clock;

    public WebSessions(long idleSeconds, LongSupplier clock) {
        this.idleNanos = idleSeconds * 1_000_000_000L;
        this.clock = clock;
    }

    /** A random 256-bit token, base64url without padding. */
    String randomToken() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Starts a session for a user who logged in (a fresh id: never one the browser had before). */
    WebSession create(String user, ConsoleSession api) {
        sweep();
        if (sessions.size() >= MAX_SESSIONS) {
            // the least recently used goes, as the API does with its tokens
            sessions.values().stream().min((a, b) -> Long.compare(a.lastUsedNanos, b.lastUsedNanos)).ifPresent(this::end);
        }
        WebSession s = new WebSession(randomToken(), randomToken(), user, api, clock.getAsLong());
        sessions.put(s.id, s);
        return s;
    }

    /**
     * The live session with this id, or null (unknown, or idle too long: then it ends now). {@code use}: this
     * request is the admin's doing and restarts the idle clock.
     */
    WebSession find(String id, boolean use) {
        if (id == null) return null;
        WebSession s = sessions.get(id);
        if (s == null) return null;
        long now = clock.getAsLong();
        if (now - s.lastUsedNanos >= idleNanos) {
            LOG.log(System.Logger.Level.INFO, "console: web session of " + s.user + " ended after "
                    + idleNanos / 1_000_000_000L + " s unused");
            end(s);
            return null;
        }
        if (use) s.lastUsedNanos = now;
        return s;
    }

    /** Ends a session (logout, expiry): the browser's id is forgotten and the API tokens are logged out. */
    void end(WebSession s) {
        s.ended = true;
        if (sessions.remove(s.id, s)) {
            // logging out is HTTP to each controller: not on the request's thread
            Thread t = new Thread(s.api::close, "console-web-logout");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Whether a session is still on (not ended, not idle too long); does not count as use. */
    boolean alive(WebSession s) {
        return !s.ended && find(s.id, false) == s;
    }

    /** Ends every session idle too long (called now and then, so that tokens of abandoned browsers go too). */
    void sweep() {
        long now = clock.getAsLong();
        List<WebSession> idle = new ArrayList<>();
        for (WebSession s : sessions.values()) if (now - s.lastUsedNanos >= idleNanos) idle.add(s);
        idle.forEach(this::end);
    }

    /** The most recently used session, for the counter poller when no service account is configured. */
    WebSession mostRecent() {
        long now = clock.getAsLong();
        return sessions.values().stream().filter(s -> now - s.lastUsedNanos < idleNanos)
                .max((a, b) -> Long.compare(a.lastUsedNanos, b.lastUsedNanos)).orElse(null);
    }

    int size() { return sessions.size(); }

    /** Compares a token the browser sent with the expected one in constant time. */
    static boolean sameToken(String expected, String given) {
        if (expected == null || given == null) return false;
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    void closeAll() {
        for (WebSession s : List.copyOf(sessions.values())) {
            s.ended = true;
            sessions.remove(s.id);
            s.api.close();
        }
    }
}
