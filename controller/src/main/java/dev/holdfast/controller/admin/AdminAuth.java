package dev.holdfast.controller.admin;

import dev.holdfast.controller.provisioning.AdminSettings;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Logins and tokens: checks a user's password against the provisioned PBKDF2 hash (on a thread of its own: a check
 * costs a good fraction of a second by design), throttles sources that fail too often, issues and checks bearer
 * tokens, and audits logins and logouts.
 */
final class AdminAuth implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AdminAuth.class.getName());
    /** Logins waiting for a password check beyond this are refused (503): a flood must not queue without end. */
    private static final int LOGIN_QUEUE = 32;

    private record User(String name, Role role, String hash) {}

    private final Map<String, User> users = new LinkedHashMap<>();
    private final int dummyIterations;
    final TokenStore tokens;
    private final LoginThrottle throttle;
    private final AuditLog audit;
    private final AdminCounters counters;
    private final ThreadPoolExecutor checker;

    AdminAuth(AdminSettings s, AuditLog audit, AdminCounters counters, LongSupplier clock) {
        for (AdminSettings.AdminUser u : s.users()) users.put(u.user(), new User(u.user(), Role.parse(u.role()), u.password()));
        this.dummyIterations = s.users().isEmpty() ? PasswordHash.DEFAULT_ITERATIONS
                : PasswordHash.iterations(s.users().get(0).password());
        this.tokens = new TokenStore(s.tokenIdleSeconds() * 1000L, clock);
        this.throttle = new LoginThrottle(s.loginFailureLimit(), s.loginFailureWindowSeconds() * 1000L, clock);
        this.audit = audit;
        this.counters = counters;
        this.checker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(LOGIN_QUEUE), r -> {
            Thread t = new Thread(r, "holdfast-admin-login");
            t.setDaemon(true);
            return t;
        });
    }

    /** What a successful login answers. */
    record LoginReply(String token, String user, String role, String expiresAt, int idleSeconds) {}

    CompletableFuture<LoginReply> login(String user, String password, String source, int idleSeconds) {
        if (!throttle.allowed(source)) {
            counters.count("login.throttled");
            LOG.log(System.Logger.Level.WARNING, "admin: login from " + source + " refused: too many failures");
            audit.record(user, null, "login", null, "throttled", source);
            throw new ApiException(HttpResponseStatus.TOO_MANY_REQUESTS, "too many failed logins from this address; try later");
        }
        CompletableFuture<LoginReply> f = new CompletableFuture<>();
        try {
            checker.execute(() -> {
                try {
                    f.complete(check(user, password, source, idleSeconds));
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            counters.count("login.overloaded");
            throw new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "too many logins at once; try again");
        }
        return f;
    }

    private LoginReply check(String name, String password, String source, int idleSeconds) {
        if (!throttle.allowed(source)) { // failures may have come in while this login waited
            counters.count("login.throttled");
            audit.record(name, null, "login", null, "throttled", source);
            throw new ApiException(HttpResponseStatus.TOO_MANY_REQUESTS, "too many failed logins from this address; try later");
        }
        User u = users.get(name);
        char[] pw = password.toCharArray();
        boolean ok = u != null ? PasswordHash.verify(pw, u.hash) : PasswordHash.verifyNothing(pw, dummyIterations);
        java.util.Arrays.fill(pw, '\0');
        if (!ok) {
            throttle.failed(source);
            counters.count("login.failed");
            LOG.log(System.Logger.Level.WARNING, "admin: failed login as '" + AdminHttp.shorten(name) + "' from " + source);
            audit.record(name, null, "login", null, "bad-credentials", source);
            // the same answer for an unknown user and a wrong password
            throw new ApiException(HttpResponseStatus.UNAUTHORIZED, "wrong user or password");
        }
        Session s = tokens.open(u.name, u.role);
        counters.count("login.ok");
        audit.record(u.name, u.role, "login", null, "ok", source);
        return new LoginReply(s.token(), u.name, u.role.text(), Instant.ofEpochMilli(tokens.expiresAt(s.token())).toString(),
                idleSeconds);
    }

    void logout(Session s, String source) {
        tokens.close(s.token());
        audit.record(s.user(), s.role(), "logout", null, "ok", source);
    }

    /**
     * The session a request authenticates with: {@code Authorization: Bearer TOKEN}, or (where {@code queryToken}, for
     * browsers' EventSource, which cannot set headers) {@code ?token=}. 401 without a live token, 403 below {@code role}.
     */
    Session authorize(Role role, String authorization, Map<String, List<String>> query, boolean queryToken) {
        String token = null;
        if (authorization != null) {
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                counters.count("auth.bad-scheme");
                throw new ApiException(HttpResponseStatus.UNAUTHORIZED, "use Authorization: Bearer TOKEN (POST /api/login)");
            }
            token = authorization.substring(7).trim();
        } else if (queryToken && query.containsKey("token")) {
            token = query.get("token").get(0);
        }
        if (token == null || token.isEmpty()) {
            counters.count("auth.missing");
            throw new ApiException(HttpResponseStatus.UNAUTHORIZED, "authentication required (POST /api/login)");
        }
        Session s = tokens.use(token);
        if (s == null) {
            counters.count("auth.bad-token");
            throw new ApiException(HttpResponseStatus.UNAUTHORIZED, "the token is unknown or expired; log in again");
        }
        if (!s.role().atLeast(role)) {
            counters.count("auth.forbidden");
            throw new ApiException(HttpResponseStatus.FORBIDDEN, "role " + s.role().text() + " may not do this (needs "
                    + role.text() + ")");
        }
        return s;
    }

    void audit(Session s, String action, String target, String result, String source) {
        audit.record(s.user(), s.role(), action, target, result, source);
    }

    /** A change made elsewhere under {@code user} (another controller's admin), applied here. */
    void auditRemote(String user, String action, String target, String result, String source) {
        audit.record(user, null, action, target, result, source);
    }

    java.nio.file.Path auditFile() { return audit.file(); }

    @Override public void close() {
        checker.shutdownNow();
        audit.close();
    }
}
