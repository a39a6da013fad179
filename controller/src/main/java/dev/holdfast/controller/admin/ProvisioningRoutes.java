package dev.holdfast.controller.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.controller.Controller;
import dev.holdfast.controller.provisioning.GatewayConfig;
import dev.holdfast.controller.provisioning.LineConfig;
import dev.holdfast.controller.provisioning.Provisioning;
import dev.holdfast.controller.provisioning.ProvisioningChange;
import dev.holdfast.controller.provisioning.SipSettings;
import dev.holdfast.controller.provisioning.SubscriberConfig;
import dev.holdfast.controller.provisioning.TrunkConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /api/provisioning}: what the controller is provisioned with now (viewer), and stations, gateways and lines
 * added or removed while it runs (admin). Each change goes to the core ({@link dev.holdfast.controller.provisioning.ProvisioningChanges})
 * and is audited with its outcome; the answer comes once the core applied it and the journal holds it.
 */
final class ProvisioningRoutes {
    private final Controller controller;
    private final AdminAuth auth;

    private ProvisioningRoutes(Controller controller, AdminAuth auth) {
        this.controller = controller;
        this.auth = auth;
    }

    static void register(Router router, Controller controller, AdminAuth auth) {
        ProvisioningRoutes p = new ProvisioningRoutes(controller, auth);
        // changes that came from another controller (the cluster) are audited here too, under their user and origin
        controller.provisioningChanges().addListener(a -> {
            if (a.origin() != null) {
                auth.auditRemote(a.user(), a.change().op(), a.change().target(), "applied from " + a.origin(), a.origin());
            }
        });
        router.add(HttpMethod.GET, "/api/provisioning", Role.VIEWER, r -> p.show());
        router.add(HttpMethod.POST, "/api/provisioning/stations", Role.ADMIN, p::addStation);
        router.add(HttpMethod.DELETE, "/api/provisioning/stations/{number}", Role.ADMIN,
                r -> p.change(r, new ProvisioningChange.RemoveStation(r.pathParams.get("number")), null));
        router.add(HttpMethod.POST, "/api/provisioning/gateways", Role.ADMIN, p::addGateway);
        router.add(HttpMethod.DELETE, "/api/provisioning/gateways/{name}", Role.ADMIN,
                r -> p.change(r, new ProvisioningChange.RemoveGateway(r.pathParams.get("name")), null));
        router.add(HttpMethod.POST, "/api/provisioning/gateways/{name}/lines", Role.ADMIN, p::addLine);
        router.add(HttpMethod.DELETE, "/api/provisioning/gateways/{name}/lines/{termination}", Role.ADMIN,
                r -> p.change(r, new ProvisioningChange.RemoveLine(r.pathParams.get("name"), r.pathParams.get("termination")), null));
    }

    private CompletableFuture<AdminResponse> show() {
        return controller.provisioningChanges().current().thenApply(p -> AdminResponse.ok(view(p)));
    }

    /** Provisioning as the API shows it: gateways with lines and trunks, stations; never a secret. */
    static Map<String, Object> view(Provisioning p) {
        List<Map<String, Object>> gateways = new ArrayList<>();
        for (GatewayConfig g : p.gateways()) gateways.add(gatewayView(g));
        List<Map<String, Object>> stations = new ArrayList<>();
        for (SubscriberConfig s : p.subscribers()) stations.add(stationView(s.number(), s.user()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("gateways", gateways);
        out.put("stations", stations);
        return out;
    }

    private static Map<String, Object> gatewayView(GatewayConfig g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", g.name());
        m.put("mid", g.mid());
        m.put("address", g.address());
        List<Map<String, Object>> lines = new ArrayList<>();
        for (LineConfig l : g.lines()) lines.add(lineView(l.termination(), l.number()));
        m.put("lines", lines);
        List<Map<String, Object>> trunks = new ArrayList<>();
        for (TrunkConfig t : g.trunks()) {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("termination", t.termination());
            tm.put("group", t.group());
            trunks.add(tm);
        }
        m.put("trunks", trunks);
        return m;
    }

    private static Map<String, Object> lineView(String termination, String number) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("termination", termination);
        m.put("number", number);
        return m;
    }

    private static Map<String, Object> stationView(String number, String user) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("number", number);
        m.put("user", user);
        return m;
    }

    private CompletableFuture<AdminResponse> addStation(AdminRequest r) {
        JsonNode body = r.jsonObject();
        String number = AdminRequest.text(body, "number", 20);
        String user = AdminRequest.text(body, "user", 64);
        String password = AdminRequest.text(body, "password", 256);
        SipSettings sip = controller.provisioning().sip() != null ? controller.provisioning().sip() : SipSettings.DEFAULTS;
        return change(r, ProvisioningChange.station(number, user, password, sip.realm()), stationView(number, user));
    }

    private CompletableFuture<AdminResponse> addGateway(AdminRequest r) {
        JsonNode body = r.jsonObject();
        String name = AdminRequest.text(body, "name", 64);
        String mid = AdminRequest.text(body, "mid", 255);
        List<LineConfig> lines = new ArrayList<>();
        JsonNode ls = body.get("lines");
        if (ls != null && !ls.isNull()) {
            if (!ls.isArray()) throw ApiException.badRequest("'lines' must be a list", "lines");
            if (ls.size() > 10_000) throw ApiException.badRequest("more than 10000 lines", "lines");
            for (int i = 0; i < ls.size(); i++) {
                JsonNode l = ls.get(i);
                String at = "lines[" + i + "]";
                if (!l.isObject()) throw ApiException.badRequest("'" + at + "' must be an object", at);
                lines.add(new LineConfig(nested(l, at, "termination", 64), nested(l, at, "number", 20)));
            }
        }
        GatewayConfig view = new GatewayConfig(name, mid, null, lines, List.of());
        return change(r, new ProvisioningChange.AddGateway(name, mid, lines), gatewayView(view));
    }

    private CompletableFuture<AdminResponse> addLine(AdminRequest r) {
        JsonNode body = r.jsonObject();
        String termination = AdminRequest.text(body, "termination", 64);
        String number = AdminRequest.text(body, "number", 20);
        Map<String, Object> view = lineView(termination, number);
        view.put("gateway", r.pathParams.get("name"));
        return change(r, new ProvisioningChange.AddLine(r.pathParams.get("name"), termination, number), view);
    }

    private static String nested(JsonNode n, String at, String field, int max) {
        try {
            return AdminRequest.text(n, field, max);
        } catch (ApiException e) {
            throw ApiException.badRequest(e.getMessage().replace("'" + field + "'", "'" + at + "." + field + "'"), at + "." + field);
        }
    }

    /** Submits the change; 201 with {@code created} (an addition) or 204, else the outcome's status naming the field. */
    private CompletableFuture<AdminResponse> change(AdminRequest r, ProvisioningChange change, Object created) {
        return controller.provisioningChanges().submit(change, r.session.user()).whenComplete((o, e) -> {
            String result = e != null ? "failed: " + e.getMessage()
                    : o.accepted() ? "ok" : "refused " + o.status() + ": " + o.message();
            auth.audit(r.session, change.op(), change.target(), result, r.source());
        }).thenApply(o -> {
            if (!o.accepted()) throw new ApiException(HttpResponseStatus.valueOf(o.status()), o.message(), o.field());
            if (created == null) return AdminResponse.text(HttpResponseStatus.NO_CONTENT, AdminResponse.JSON, "");
            return AdminResponse.json(HttpResponseStatus.CREATED, created);
        });
    }
}
