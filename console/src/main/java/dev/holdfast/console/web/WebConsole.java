package dev.holdfast.console.web;

import com.sun.net.httpserver.HttpServer;
import dev.holdfast.console.AdminApiClient;
import dev.holdfast.console.ConsoleConfig;
import dev.holdfast.console.LoginThrottle;
import dev.holdfast.console.PasswordLogin;
import dev.holdfast.console.Role;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.holdfast.console.web.Html.esc;

/**
 * The web console: an HTTP server (the JDK's com.sun.net.httpserver, no framework) in the console's process whose
 * pages are rendered here from the controllers' admin APIs, with every value escaped ({@link Html}). The browser gets
 * a session cookie only; the API tokens stay in the {@link WebSession}. Every state-changing request carries the
 * session's CSRF token; roles are checked here before the API checks them again.
 */
public final class WebConsole implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WebConsole.class.getName());
    static final String SESSION_COOKIE = "holdfast_session";
    static final String LOGIN_COOKIE = "holdfast_login";

    interface Handler {
        void handle(WebExchange x) throws Exception;
    }

    /** A route: who may use it (null: anyone, before login) and whether a visit counts as the admin's activity. */
    private record Route(Role role, boolean activity, Handler handler) {}

    private final HttpServer server;
    private final ThreadPoolExecutor threads;
    private final ScheduledExecutorService timers;
    private final WebSessions sessions;
    private final PasswordLogin passwords;
    private final List<AdminApiClient> controllers;
    private final CounterPoller poller;
    private final EventRelay relay;
    private final Map<String, Route> gets = new HashMap<>();
    private final Map<String, Route> posts = new HashMap<>();

    private WebConsole(ConsoleConfig config, HttpServer server) {
        this.server = server;
        this.controllers = config.controllers().stream().map(AdminApiClient::new).toList();
        AtomicInteger n = new AtomicInteger();
        // a thread per request: live streams hold theirs (EventRelay caps them), pages are quick
        this.threads = (ThreadPoolExecutor) Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "console-web-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "console-web-timers");
            t.setDaemon(true);
            return t;
        });
        this.sessions = new WebSessions(config.web().sessionIdleSeconds(), System::nanoTime);
        this.passwords = new PasswordLogin(controllers,
                new LoginThrottle(config.loginFailureLimit(), config.loginFailureWindowSeconds()));
        this.poller = new CounterPoller(controllers, config.serviceAccount(), sessions);
        this.relay = new EventRelay(sessions);
        Pages pages = new Pages(poller, relay);
        get("/login", null, false, this::loginPage);
        post("/login", null, this::login);
        post("/logout", Role.VIEWER, this::logout);
        get("/", Role.VIEWER, true, pages::overview);
        get("/live/overview", Role.VIEWER, false, pages::overviewLive);
        get("/gateways", Role.VIEWER, true, pages::gateways);
        get("/phones", Role.VIEWER, true, pages::phones);
        get("/calls", Role.VIEWER, true, pages::calls);
        get("/live/calls", Role.VIEWER, false, pages::callsLive);
        post("/calls/release", Role.OPERATOR, pages::release);
        get("/live/events", Role.VIEWER, false, relay::relay);
        get("/cdrs", Role.VIEWER, true, pages::cdrs);
        get("/cdrs.csv", Role.VIEWER, true, pages::cdrsCsv);
        ProvisioningPage prov = new ProvisioningPage();
        get("/provisioning", Role.VIEWER, true, prov::page);
        post("/provisioning/stations/add", Role.ADMIN, prov::addStation);
        post("/provisioning/stations/remove", Role.ADMIN, prov::removeStation);
        post("/provisioning/gateways/add", Role.ADMIN, prov::addGateway);
        post("/provisioning/gateways/remove", Role.ADMIN, prov::removeGateway);
        post("/provisioning/lines/add", Role.ADMIN, prov::addLine);
        post("/provisioning/lines/remove", Role.ADMIN, prov::removeLine);
        DrillsPage drills = new DrillsPage(pages);
        get("/drills", Role.VIEWER, true, drills::page);
        post("/drills/failover", Role.ADMIN, drills::failover);
    }

    private void get(String path, Role role, boolean activity, Handler h) { gets.put(path, new Route(role, activity, h)); }

    private void post(String path, Role role, Handler h) { posts.put(path, new Route(role, true, h)); }

    public static WebConsole start(ConsoleConfig config) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(config.web().address(), config.web().port()), 64);
        WebConsole w = new WebConsole(config, server);
        server.setExecutor(w.threads);
        server.createContext("/", ex -> w.dispatch(new WebExchange(ex)));
        server.start();
        w.timers.scheduleWithFixedDelay(w.sessions::sweep, 30, 30, TimeUnit.SECONDS);
        w.poller.start(w.timers);
        LOG.log(System.Logger.Level.INFO, "console: web console on " + w.url());
        return w;
    }

    public int port() { return server.getAddress().getPort(); }

    /** The console's address as the browser uses it: {@code http://HOST:PORT}. */
    public String url() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        if (host.contains(":")) host = "[" + host + "]";
        return "http://" + host + ":" + a.getPort();
    }

    WebSessions sessions() { return sessions; }

    private void dispatch(WebExchange x) {
        try {
            route(x);
        } catch (WebExchange.Refusal r) {
            safeError(x, r.status, r.getMessage());
        } catch (IOException e) {
            // the browser went away while we answered (it left the page, closed the tab)
            LOG.log(System.Logger.Level.DEBUG, "console: web request " + x.method + " " + x.path + ": " + e);
            x.http.close();
        } catch (Exception | Error e) {
            LOG.log(System.Logger.Level.ERROR, "console: web request " + x.method + " " + x.path + " failed", e);
            safeError(x, 500, "internal error (logged)");
        }
    }

    private void safeError(WebExchange x, int status, String message) {
        try {
            x.html(status, Layout.page("Error " + status, "", null, Layout.notice("error", message)));
        } catch (IOException | RuntimeException e) {
            x.http.close();
        }
    }

    private void route(WebExchange x) throws Exception {
        if (x.path.startsWith("/static/") && (x.method.equals("GET") || x.method.equals("HEAD"))) {
            staticAsset(x);
            return;
        }
        boolean post = x.method.equals("POST");
        Route r = post ? posts.get(x.path) : (x.method.equals("GET") || x.method.equals("HEAD")) ? gets.get(x.path) : null;
        if (r == null) {
            boolean exists = gets.containsKey(x.path) || posts.containsKey(x.path);
            if (exists) x.http.getResponseHeaders().set("Allow", gets.containsKey(x.path) ? "GET, HEAD" : "POST");
            x.html(exists ? 405 : 404, Layout.page(exists ? "Method not allowed" : "Not found", "", null,
                    Layout.notice("error", exists ? x.method + " is not allowed here" : "no page " + x.path)));
            return;
        }
        if (r.role == null) {
            r.handler.handle(x);
            return;
        }
        x.session = sessions.find(x.cookie(SESSION_COOKIE), r.activity);
        if (x.session == null) {
            if (post) {
                x.html(403, Layout.page("Forbidden", "", null, Layout.notice("error", "not logged in (or the session ended): log in again")));
            } else if (x.path.startsWith("/live/")) {
                x.send(401, "text/plain; charset=utf-8", "session ended".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } else {
                x.redirect("/login");
            }
            return;
        }
        if (post && !csrfOk(x)) {
            LOG.log(System.Logger.Level.WARNING, "console: " + x.path + " by " + x.session.user() + " from " + x.remote()
                    + " refused: CSRF token missing or wrong");
            x.html(403, Layout.page("Forbidden", "", x.session, Layout.notice("error",
                    "the form's security token is missing or wrong (reload the page and try again)")));
            return;
        }
        if (!x.session.role().atLeast(r.role)) {
            LOG.log(System.Logger.Level.WARNING, "console: " + x.method + " " + x.path + " by " + x.session.user()
                    + " (" + x.session.role().apiName() + ") refused: needs " + r.role.apiName());
            x.html(403, Layout.page("Forbidden", "", x.session, Layout.notice("error",
                    "role " + x.session.role().apiName() + " may not do this (needs " + r.role.apiName() + ")")));
            return;
        }
        r.handler.handle(x);
    }

    /** The CSRF token from the form field (or an X-CSRF-Token header, for scripts) must be the session's; the Origin, if sent, ours. */
    private static boolean csrfOk(WebExchange x) throws IOException, WebExchange.Refusal {
        String origin = x.header("Origin");
        String host = x.header("Host");
        if (origin != null && !origin.equals("null") && host != null && !origin.equals("http://" + host) && !origin.equals("https://" + host)) {
            return false;
        }
        String token = x.header("X-CSRF-Token");
        if (token == null) token = x.form().get("csrf");
        return WebSessions.sameToken(x.session.csrf(), token);
    }

    // -- login and logout --------------------------------------------------------------------------------------

    private void loginPage(WebExchange x) throws IOException {
        loginForm(x, 200, "", null);
    }

    /**
     * The login form. Before login there is no session to tie a CSRF token to, so the form's token is also set as a
     * short-lived cookie (SameSite=Strict) and the two must match (double submit): another site cannot log a
     * browser in to its own account here.
     */
    private void loginForm(WebExchange x, int status, String user, String error) throws IOException {
        String token = sessions.randomToken();
        x.setCookie(LOGIN_COOKIE + "=" + token + "; Path=/login; HttpOnly; SameSite=Strict; Max-Age=600");
        String body = Layout.notice("error", error)
                + "<form method=\"post\" action=\"/login\" class=\"login\">"
                + "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(token) + "\">"
                + "<label>User <input name=\"user\" id=\"user\" autocomplete=\"username\" required value=\"" + esc(user) + "\"></label>"
                + "<label>Password <input name=\"password\" id=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>"
                + "<button type=\"submit\" id=\"login\">Log in</button></form>"
                + "<p class=\"hint\">The controllers' admin users (viewer, operator, admin).</p>";
        x.html(status, Layout.page("Log in", "", null, body));
    }

    private void login(WebExchange x) throws Exception {
        String user = x.field("user");
        String password = x.form().getOrDefault("password", "");
        if (!WebSessions.sameToken(x.cookie(LOGIN_COOKIE), x.field("csrf"))) {
            loginForm(x, 403, user, "the login form expired: try again");
            return;
        }
        if (user.isEmpty() || password.isEmpty() || user.length() > 64 || password.length() > 1024) {
            loginForm(x, 400, user.length() > 64 ? "" : user, "user and password are needed");
            return;
        }
        PasswordLogin.Result r = passwords.check(user, password, x.remote(), "web");
        switch (r.outcome()) {
            case OK -> {
                WebSession s = sessions.create(user, r.session());
                x.setCookie(SESSION_COOKIE + "=" + s.id + "; Path=/; HttpOnly; SameSite=Strict");
                x.setCookie(LOGIN_COOKIE + "=; Path=/login; HttpOnly; SameSite=Strict; Max-Age=0");
                poller.wake();
                x.redirect("/");
            }
            case WRONG -> loginForm(x, 401, user, "wrong user or password");
            case THROTTLED -> {
                x.http.getResponseHeaders().set("Retry-After", "60");
                loginForm(x, 429, user, "too many failed logins from your address: wait and try again");
            }
            case UNCHECKED -> loginForm(x, 503, user, "no controller could check the password (none reachable)");
        }
    }

    private void logout(WebExchange x) throws IOException {
        LOG.log(System.Logger.Level.INFO, "console: " + x.session.user() + " logged out of the web console");
        sessions.end(x.session);
        x.setCookie(SESSION_COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        x.redirect("/login");
    }

    // -- static assets -----------------------------------------------------------------------------------------

    private static final Map<String, String> ASSETS = Map.of("console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8");

    private void staticAsset(WebExchange x) throws IOException {
        String name = x.path.substring("/static/".length());
        String type = ASSETS.get(name);
        InputStream in = type == null ? null : WebConsole.class.getResourceAsStream("static/" + name);
        if (in == null) {
            x.html(404, Layout.page("Not found", "", null, Layout.notice("error", "no such file")));
            return;
        }
        byte[] body;
        try (in) {
            body = in.readAllBytes();
        }
        x.http.getResponseHeaders().set("Cache-Control", "no-cache");
        x.send(200, type, body);
    }

    @Override public void close() {
        server.stop(0);
        relay.close();
        timers.shutdownNow();
        threads.shutdownNow();
        poller.close();
        sessions.closeAll();
    }
}
