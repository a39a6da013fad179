package dev.holdfast.controller.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.controller.Controller;
import dev.holdfast.controller.call.CallStructure;
import dev.holdfast.controller.provisioning.AdminSettings;
import dev.holdfast.controller.provisioning.MidText;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The admin API's endpoints (docs/admin-api.md) over one controller. */
final class AdminApi {
    final Router router = new Router();
    final AdminCounters counters = new AdminCounters();
    private final Controller controller;
    private final AdminSettings settings;
    final AdminAuth auth;
    final EventStream events;
    final AdminMetrics metrics;

    /** @param loop the admin server's event loop (the event stream's clients live on it) */
    AdminApi(Controller controller, AdminSettings settings, AuditLog audit, io.netty.channel.EventLoop loop) {
        this.controller = controller;
        this.settings = settings;
        this.auth = new AdminAuth(settings, audit, counters, System::currentTimeMillis);
        this.events = new EventStream(loop, settings.eventQueue(), counters, auth.tokens);
        this.metrics = new AdminMetrics(controller);
        router.add(HttpMethod.GET, "/metrics", settings.metricsAuth() ? Role.VIEWER : null, r -> metrics());
        router.add(HttpMethod.GET, "/api/events", Role.VIEWER,
                r -> CompletableFuture.completedFuture(AdminResponse.stream(events.subscriber(r.session))));
        router.add(HttpMethod.POST, "/api/login", null, this::login);
        router.add(HttpMethod.POST, "/api/logout", Role.VIEWER, this::logout);
        router.add(HttpMethod.GET, "/api/status", Role.VIEWER, r -> status());
        router.add(HttpMethod.GET, "/api/calls", Role.VIEWER, r -> calls());
        router.add(HttpMethod.GET, "/api/calls/{id}", Role.VIEWER, this::call);
        router.add(HttpMethod.DELETE, "/api/calls/{id}", Role.OPERATOR, this::release);
        router.add(HttpMethod.GET, "/api/gateways", Role.VIEWER, r -> gateways());
        router.add(HttpMethod.GET, "/api/gateways/{name}", Role.VIEWER, this::gateway);
        router.add(HttpMethod.GET, "/api/phones", Role.VIEWER, r -> phones());
        router.add(HttpMethod.GET, "/api/counters", Role.VIEWER, r -> counters());
        CdrRoutes cdrs = new CdrRoutes(controller);
        router.add(HttpMethod.GET, "/api/cdrs", Role.VIEWER, cdrs::cdrs);
        router.add(HttpMethod.GET, "/api/cdrs.csv", Role.VIEWER, cdrs::csv);
        router.add(HttpMethod.GET, "/api/cluster", Role.VIEWER, r -> cdrs.cluster());
        ProvisioningRoutes.register(router, controller, auth);
        DrillRoutes.register(router, controller, settings, auth);
    }

    /** The session of a request to a route that needs {@code role}; 401 or 403 otherwise. */
    Session authorize(Role role, String path, String authorization, Map<String, List<String>> query) {
        return auth.authorize(role, authorization, query, path.equals("/api/events"));
    }

    // ------------------------------------------------------------------------------------------ sessions

    private CompletableFuture<AdminResponse> login(AdminRequest r) {
        com.fasterxml.jackson.databind.JsonNode body = r.jsonObject();
        String user = AdminRequest.text(body, "user", 64);
        String password = AdminRequest.text(body, "password", 1024);
        return auth.login(user, password, r.source(), settings.tokenIdleSeconds()).thenApply(AdminResponse::ok);
    }

    private CompletableFuture<AdminResponse> logout(AdminRequest r) {
        auth.logout(r.session, r.source());
        return CompletableFuture.completedFuture(AdminResponse.ok(Map.of("result", "logged out")));
    }

    // ------------------------------------------------------------------------------------------ changes

    /**
     * Releases a call as an operator: the core gets the admin event {@code release-call ID} (logged and replayed
     * like any event). 202: the release is under way; 404 when there is no such call now.
     */
    private CompletableFuture<AdminResponse> release(AdminRequest r) {
        long id = r.idParam("id");
        return controller.query(core -> core.calls().call(id) != null).thenApply(exists -> {
            if (!exists) {
                auth.audit(r.session, "release-call", String.valueOf(id), "not-found", r.source());
                throw ApiException.notFound("no active call " + id);
            }
            controller.admin("release-call", List.of(String.valueOf(id)));
            auth.audit(r.session, "release-call", String.valueOf(id), "submitted", r.source());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("callId", id);
            out.put("result", "release submitted");
            return AdminResponse.json(HttpResponseStatus.ACCEPTED, out);
        });
    }

    long retryAfterSeconds() { return settings.loginFailureWindowSeconds(); }

    // ------------------------------------------------------------------------------------------ reads

    private CompletableFuture<AdminResponse> status() {
        long now = System.currentTimeMillis();
        return controller.query(core -> CoreViews.counts(core, now)).thenApply(counts -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("role", controller.role());
            out.put("mid", MidText.written(controller.mid()));
            out.put("startedAt", controller.startedAt().toString());
            out.put("uptimeSeconds", Duration.between(controller.startedAt(), Instant.now()).toMillis() / 1000.0);
            out.put("listening", controller.listening());
            out.put("counts", counts);
            return AdminResponse.ok(out);
        });
    }

    private CompletableFuture<AdminResponse> calls() {
        return controller.query(CoreViews::callIds)
                .thenCompose(ids -> structures(ids, 0, new ArrayList<>(ids.size())))
                .thenCombine(controller.query(CoreViews::phoneCalls), (views, phoneCalls) -> {
                    List<ObjectNode> calls = new ArrayList<>(views.size());
                    for (CoreViews.CallView v : views) calls.add(callJson(v));
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("calls", calls);
                    out.put("phoneCalls", phoneCalls);
                    return AdminResponse.ok(out);
                });
    }

    /**
     * What {@code GET /api/calls} and {@code GET /api/status} would answer about {@code core}'s calls, as JSON octets,
     * made on the calling thread (the core's, or one that owns the core): the start-up warm-up renders its scratch
     * core's with it, so that the JSON path is compiled before the admins and drills read a failover.
     */
    static byte[] callsAndCountsJson(dev.holdfast.controller.ControllerCore core, long now) {
        List<ObjectNode> calls = new ArrayList<>();
        for (CoreViews.CallView v : CoreViews.calls(core, CoreViews.callIds(core))) calls.add(callJson(v));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("calls", calls);
        out.put("phoneCalls", CoreViews.phoneCalls(core));
        out.put("counts", CoreViews.counts(core, now));
        try {
            return AdminJson.MAPPER.writeValueAsBytes(out);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The calls' structures, {@link CoreViews#CALLS_PER_QUERY} per core query, one after the other. */
    private CompletableFuture<List<CoreViews.CallView>> structures(List<Long> ids, int from, List<CoreViews.CallView> acc) {
        if (from >= ids.size()) return CompletableFuture.completedFuture(acc);
        List<Long> page = List.copyOf(ids.subList(from, Math.min(ids.size(), from + CoreViews.CALLS_PER_QUERY)));
        return controller.query(core -> CoreViews.calls(core, page)).thenCompose(v -> {
            acc.addAll(v);
            return structures(ids, from + page.size(), acc);
        });
    }

    private CompletableFuture<AdminResponse> call(AdminRequest r) {
        long id = r.idParam("id");
        return controller.query(core -> CoreViews.call(core, id)).thenApply(s -> {
            if (s == null) throw ApiException.notFound("no active call " + id);
            return AdminResponse.ok(callJson(s));
        });
    }

    private CompletableFuture<AdminResponse> gateways() {
        return controller.query(CoreViews::gateways).thenApply(g -> AdminResponse.ok(Map.of("gateways", g)));
    }

    private CompletableFuture<AdminResponse> gateway(AdminRequest r) {
        String name = r.pathParams.get("name");
        return controller.query(CoreViews::gateways).thenApply(all -> {
            for (CoreViews.GatewayView g : all) if (g.name().equals(name)) return AdminResponse.ok(g);
            throw ApiException.notFound("no gateway " + AdminHttp.shorten(name));
        });
    }

    private CompletableFuture<AdminResponse> phones() {
        long now = System.currentTimeMillis();
        return controller.query(core -> CoreViews.phones(core, now)).thenApply(p -> AdminResponse.ok(Map.of("phones", p)));
    }

    /**
     * Every counter there is: the core's (events, failures, the SIP core's, call cookies and merges), the SIP edge's, each H.248 transport's
     * (transport, codec, transactions) and the admin edge's own.
     */
    private CompletableFuture<AdminResponse> counters() {
        return controller.query(core -> {
            Map<String, Long> c = new LinkedHashMap<>();
            c.put("eventsHandled", core.eventsHandled());
            c.put("coreFailures", core.failures());
            c.put("completedCalls", core.calls().completedCalls());
            c.put("provisioningChanges.accepted", core.provisioningChangesAccepted());
            c.put("provisioningChanges.refused", core.provisioningChangesRefused());
            return new Object[] { c, core.sip().counters().snapshot(), core.calls().migrationCounters() };
        }).thenApply(parts -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("core", parts[0]);
            out.put("sipCore", parts[1]);
            out.put("migration", parts[2]);
            out.put("sipEdge", controller.sip() == null ? Map.of() : controller.sip().counters().snapshot());
            out.put("h248", controller.h248Counters());
            out.put("h248Edge", controller.h248EdgeCounters());
            out.put("admin", counters.snapshot());
            Map<String, Long> cdr = new LinkedHashMap<>(controller.cluster() == null ? Map.of() : controller.cluster().counters());
            cdr.put("cdr.recorded", controller.cdrs().added());
            out.put("cluster", cdr);
            return AdminResponse.ok(out);
        });
    }

    private CompletableFuture<AdminResponse> metrics() {
        return metrics.scrape().thenApply(text -> AdminResponse.text(HttpResponseStatus.OK,
                "text/plain; version=0.0.4; charset=utf-8", text));
    }

    /** A call as the API shows it: its structure, and whether it was rebuilt from cookies after a controller failure. */
    static ObjectNode callJson(CallStructure s, boolean migrated) {
        ObjectNode n = AdminJson.MAPPER.valueToTree(s);
        n.put("migrated", migrated);
        return n;
    }

    /** {@link #callJson(CallStructure, boolean)}, and for a migrated call {@code rebuiltAt}: when its last part was put back. */
    static ObjectNode callJson(CoreViews.CallView v) {
        ObjectNode n = callJson(v.structure(), v.migrated());
        if (v.migrated() && v.rebuiltAt() > 0) n.put("rebuiltAt", v.rebuiltAt());
        return n;
    }
}
