package dev.holdfast.console;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One admin logged in to the console (over SSH or the web), and their sessions (tokens) at the controllers' admin APIs.
 *
 * <p>The API credentials are the admin's own user and password (password authentication) or the console's service
 * account (public-key authentication: the key's entry says which role the admin has; the console enforces it, the
 * API sees the service account). They stay in this object's memory so that a controller that was down at login (an
 * alternate that takes over later) or a token that expired can be logged in to again; they go at {@link #close}.
 */
public final class ConsoleSession implements AutoCloseable {
    private final String sshUser;
    private final String method;
    private final String apiUser;
    private char[] apiPassword;
    private final Role keyRole;
    private final Map<String, Link> links = new LinkedHashMap<>();
    private volatile ClusterView cluster;

    /** One controller: its client, and the token and role it gave, once logged in. */
    static final class Link {
        final AdminApiClient api;
        volatile AdminApiClient.Login login;

        Link(AdminApiClient api) { this.api = api; }
    }

    private ConsoleSession(String sshUser, String method, String apiUser, char[] apiPassword, Role keyRole,
                           List<AdminApiClient> controllers) {
        this.sshUser = sshUser;
        this.method = method;
        this.apiUser = apiUser;
        this.apiPassword = apiPassword;
        this.keyRole = keyRole;
        for (AdminApiClient c : controllers) links.put(c.name(), new Link(c));
    }

    /** A password session: the SSH user and password are the API's. */
    public static ConsoleSession withPassword(String user, String password, List<AdminApiClient> controllers) {
        return new ConsoleSession(user, "password", user, password.toCharArray(), null, controllers);
    }

    /** A public-key session: the key's user and role; the API is used through the service account. */
    static ConsoleSession withKey(String user, Role role, ConsoleConfig.ServiceAccount service, List<AdminApiClient> controllers) {
        return new ConsoleSession(user, "publickey", service.user(), service.password().toCharArray(), role, controllers);
    }

    /** The console's cluster client, or null when the console has none. */
    public ClusterView cluster() { return cluster; }

    ConsoleSession cluster(ClusterView view) { this.cluster = view; return this; }

    public String sshUser() { return sshUser; }

    public String method() { return method; }

    public List<String> controllerNames() { return new ArrayList<>(links.keySet()); }

    public AdminApiClient api(String controller) { return links.get(controller).api; }

    /** Logs in at one controller now; false when the API refused the credentials. */
    public boolean login(String controller) throws IOException, InterruptedException {
        Link l = links.get(controller);
        char[] pw = apiPassword;
        if (pw == null) throw new IOException("session closed");
        AdminApiClient.Login login = l.api.login(apiUser, new String(pw));
        l.login = login;
        return login != null;
    }

    /** The role the console grants at this controller: the key's for public-key sessions, else the API's (null: not logged in). */
    public Role role(String controller) {
        if (keyRole != null) return keyRole;
        AdminApiClient.Login l = links.get(controller).login;
        return l == null ? null : l.role();
    }

    /** The highest role this admin has anywhere (what {@code help} and the banner show). */
    public Role role() {
        if (keyRole != null) return keyRole;
        Role best = null;
        for (Link l : links.values()) {
            AdminApiClient.Login in = l.login;
            if (in != null && (best == null || in.role().atLeast(best))) best = in.role();
        }
        return best;
    }

    /** An API call made with this session's token at a controller. */
    public interface ApiCall {
        AdminApiClient.Reply call(AdminApiClient api, String token) throws IOException, InterruptedException;
    }

    /**
     * Makes an API call at a controller, logging in first when needed and once more when the token was refused
     * (expired, or the controller restarted).
     */
    public AdminApiClient.Reply call(String controller, ApiCall call) throws IOException, InterruptedException {
        Link l = links.get(controller);
        if (l.login == null && !login(controller)) throw refused(controller);
        AdminApiClient.Reply r = call.call(l.api, l.login.token());
        if (r.status() == 401) {
            if (!login(controller)) throw refused(controller);
            r = call.call(l.api, l.login.token());
        }
        return r;
    }

    /** The token at a controller, logging in when needed (for the event stream). */
    public String token(String controller) throws IOException, InterruptedException {
        Link l = links.get(controller);
        if (l.login == null && !login(controller)) throw refused(controller);
        return l.login.token();
    }

    private IOException refused(String controller) {
        return new IOException("controller " + controller + " refused the login of " + apiUser
                + ("publickey".equals(method) ? " (the console's service account)" : ""));
    }

    /** Logs out everywhere and forgets the password. */
    @Override public void close() {
        char[] pw = apiPassword;
        apiPassword = null;
        if (pw != null) Arrays.fill(pw, '\0');
        for (Link l : links.values()) {
            AdminApiClient.Login in = l.login;
            l.login = null;
            if (in != null) l.api.logout(in.token());
        }
    }
}
