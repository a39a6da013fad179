package dev.holdfast.controller.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.controller.Controller;
import dev.holdfast.controller.provisioning.AdminSettings;
import dev.holdfast.controller.provisioning.MidText;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /api/drills}: the failover drill. With {@code admin.drills: true} an admin may make this controller halt
 * as a {@code kill -9} would ({@link Runtime#halt}: no shutdown hooks, no goodbye to gateways or phones), after
 * answering and after {@code admin.drillDelayMs}; its gateways and phones then find the alternate by themselves and
 * the calls move there. Off by default: a drill is a real outage of this controller.
 */
final class DrillRoutes {
    private static final System.Logger LOG = System.getLogger(DrillRoutes.class.getName());
    /** The exit status of the halt: that of a process killed by signal 9 in a shell. */
    static final int HALT_STATUS = 137;

    private final Controller controller;
    private final AdminSettings settings;
    private final AdminAuth auth;
    private final Object lock = new Object();
    private Map<String, Object> running;

    private DrillRoutes(Controller controller, AdminSettings settings, AdminAuth auth) {
        this.controller = controller;
        this.settings = settings;
        this.auth = auth;
    }

    static void register(Router router, Controller controller, AdminSettings settings, AdminAuth auth) {
        DrillRoutes d = new DrillRoutes(controller, settings, auth);
        router.add(HttpMethod.GET, "/api/drills", Role.VIEWER, r -> d.show());
        router.add(HttpMethod.POST, "/api/drills/failover", Role.ADMIN, d::failover);
    }

    private CompletableFuture<AdminResponse> show() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("enabled", settings.drills());
        synchronized (lock) {
            out.put("running", running);
        }
        return CompletableFuture.completedFuture(AdminResponse.ok(out));
    }

    private CompletableFuture<AdminResponse> failover(AdminRequest r) {
        if (!settings.drills()) {
            auth.audit(r.session, "drill-failover", controllerName(), "refused: drills are off", r.source());
            throw new ApiException(HttpResponseStatus.FORBIDDEN,
                    "failover drills are off on this controller (set admin.drills: true in its provisioning to allow them)");
        }
        JsonNode body = r.jsonObject();
        JsonNode confirm = body.get("confirm");
        if (confirm == null || !confirm.isTextual() || !confirm.textValue().equals("failover")) {
            auth.audit(r.session, "drill-failover", controllerName(), "refused: not confirmed", r.source());
            throw ApiException.badRequest("a failover drill halts this controller: confirm with {\"confirm\":\"failover\"}", "confirm");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        synchronized (lock) {
            if (running != null) throw new ApiException(HttpResponseStatus.CONFLICT, "a failover drill is already under way", null);
            out.put("drill", "failover");
            out.put("controller", controllerName());
            out.put("haltAt", Instant.now().plusMillis(settings.drillDelayMs()).toString());
            out.put("by", r.session.user());
            running = Map.copyOf(out);
        }
        out.remove("by");
        auth.audit(r.session, "drill-failover", controllerName(), "started: halting at " + out.get("haltAt"), r.source());
        String user = r.session.user();
        LOG.log(System.Logger.Level.WARNING, "FAILOVER DRILL by " + user + ": this controller halts in "
                + settings.drillDelayMs() + " ms");
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(settings.drillDelayMs());
            } catch (InterruptedException e) {
                return;
            }
            LOG.log(System.Logger.Level.WARNING, "FAILOVER DRILL by " + user + ": halting controller " + controllerName()
                    + " now (Runtime.halt, as kill -9): its gateways and phones go to the alternate");
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(HALT_STATUS);
        }, "holdfast-failover-drill");
        halt.setDaemon(true);
        halt.start();
        return CompletableFuture.completedFuture(AdminResponse.json(HttpResponseStatus.ACCEPTED, out));
    }

    private String controllerName() {
        return controller.role() + " " + MidText.written(controller.mid());
    }
}
