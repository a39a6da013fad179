package dev.holdfast.controller.provisioning;

import java.util.List;

/**
 * The controller's admin API (docs/admin-api.md). Absent from a provisioning file: no admin API (unless
 * {@code --admin-port} asks for one).
 *
 * @param address                   where to listen (default 127.0.0.1: only this machine)
 * @param port                      the HTTP port (default 8080; 0 picks a free one)
 * @param users                     who may log in, with role and PBKDF2 password hash ({@code bin/controller hash-password})
 * @param tokenIdleSeconds          a login token unused this long expires (default 1800: 30 minutes)
 * @param auditLog                  the file every change is appended to, one JSON line each (default
 *                                  {@code admin-audit.log} next to the event log, or in the working directory)
 * @param metricsAuth               whether {@code GET /metrics} needs a token too (default false: scrapers read it)
 * @param maxBodyBytes              larger request bodies get 413 (default 65536)
 * @param loginFailureLimit         failed logins one source address may make in the window; more get 429 (default 5)
 * @param loginFailureWindowSeconds the window for that count (default 300)
 * @param eventQueue                events one live-stream client may lag behind before it is dropped (default 1024)
 * @param drills                    whether an admin may run a failover drill, which halts this controller (default
 *                                  false: {@code POST /api/drills/failover} gets 403)
 * @param drillDelayMs              how long after answering a failover drill the controller halts (default 1000)
 */
public record AdminSettings(String address, Integer port, List<AdminUser> users, Integer tokenIdleSeconds,
                            String auditLog, Boolean metricsAuth, Integer maxBodyBytes, Integer loginFailureLimit,
                            Integer loginFailureWindowSeconds, Integer eventQueue, Boolean drills, Integer drillDelayMs) {
    public static final AdminSettings DEFAULTS = new AdminSettings(null, null, null, null, null, null, null, null, null, null);

    /** Settings without drills. */
    public AdminSettings(String address, Integer port, List<AdminUser> users, Integer tokenIdleSeconds,
                         String auditLog, Boolean metricsAuth, Integer maxBodyBytes, Integer loginFailureLimit,
                         Integer loginFailureWindowSeconds, Integer eventQueue) {
        this(address, port, users, tokenIdleSeconds, auditLog, metricsAuth, maxBodyBytes, loginFailureLimit,
                loginFailureWindowSeconds, eventQueue, null, null);
    }

    public AdminSettings {
        if (address == null) address = "127.0.0.1";
        if (port == null) port = 8080;
        users = users == null ? List.of() : List.copyOf(users);
        if (tokenIdleSeconds == null) tokenIdleSeconds = 1800;
        if (metricsAuth == null) metricsAuth = false;
        if (maxBodyBytes == null) maxBodyBytes = 65536;
        if (loginFailureLimit == null) loginFailureLimit = 5;
        if (loginFailureWindowSeconds == null) loginFailureWindowSeconds = 300;
        if (eventQueue == null) eventQueue = 1024;
        if (drills == null) drills = false;
        if (drillDelayMs == null) drillDelayMs = 1000;
    }

    /**
     * One admin user.
     *
     * @param role     {@code admin}, {@code operator} or {@code viewer}
     * @param password {@code pbkdf2-sha256$ITERATIONS$SALT$HASH} (salt and hash in base64)
     */
    public record AdminUser(String user, String role, String password) {
        @Override public String toString() { return "AdminUser[" + user + ", " + role + "]"; }
    }

    /** The same settings listening on {@code port}. */
    public AdminSettings withPort(int port) {
        return new AdminSettings(address, port, users, tokenIdleSeconds, auditLog, metricsAuth, maxBodyBytes,
                loginFailureLimit, loginFailureWindowSeconds, eventQueue, drills, drillDelayMs);
    }

    /** The same settings with failover drills on or off. */
    public AdminSettings withDrills(boolean on, int delayMs) {
        return new AdminSettings(address, port, users, tokenIdleSeconds, auditLog, metricsAuth, maxBodyBytes,
                loginFailureLimit, loginFailureWindowSeconds, eventQueue, on, delayMs);
    }
}
