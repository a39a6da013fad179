package dev.holdfast.console.web;

import dev.holdfast.console.ConsoleSession;
import dev.holdfast.console.Role;

/**
 * One admin logged in to the web console: the browser holds only the id (a cookie); the API tokens stay here, in
 * the {@link ConsoleSession}. The CSRF token is per session and goes in every form that changes something.
 */
public final class WebSession {
    final String id;
    final String csrf;
    final String user;
    final ConsoleSession api;
    volatile long lastUsedNanos;
    /** Set when the session ended (logout, idle timeout): its live streams close. */
    volatile boolean ended;

    WebSession(String id, String csrf, String user, ConsoleSession api, long now) {
        this.id = id;
        this.csrf = csrf;
        this.user = user;
        this.api = api;
        this.lastUsedNanos = now;
    }

    public String user() { return user; }

    /** The role the controllers gave this user (the highest, with several). */
    public Role role() {
        Role r = api.role();
        return r == null ? Role.VIEWER : r;
    }

    public ConsoleSession api() { return api; }

    public String csrf() { return csrf; }
}
