package dev.holdfast.controller.admin;

import dev.holdfast.controller.Controller;
import dev.holdfast.controller.cdr.CdrCsv;
import dev.holdfast.controller.cdr.CdrQuery;
import dev.holdfast.controller.cdr.CdrStore;
import dev.holdfast.controller.cluster.ClusterClient;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/** {@code GET /api/cdrs}, {@code /api/cdrs.csv} and {@code /api/cluster} (docs/admin-api.md). */
final class CdrRoutes {
    private static final Set<String> PARAMETERS = Set.of("number", "since", "until", "limit");
    /** Digits, and what trunk and SIP numbers add: letters, + * # : / . _ - */
    private static final Pattern NUMBER = Pattern.compile("[A-Za-z0-9+*#:/._-]{1,64}");

    private final Controller controller;

    CdrRoutes(Controller controller) { this.controller = controller; }

    CompletableFuture<AdminResponse> cdrs(AdminRequest r) {
        CdrStore.Result found = controller.cdrs().find(query(r));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cdrs", found.cdrs());
        out.put("total", found.total());
        return CompletableFuture.completedFuture(AdminResponse.ok(out));
    }

    CompletableFuture<AdminResponse> csv(AdminRequest r) {
        CdrStore.Result found = controller.cdrs().find(query(r));
        return CompletableFuture.completedFuture(AdminResponse.text(HttpResponseStatus.OK, "text/csv; charset=utf-8; header=present",
                CdrCsv.write(found.cdrs())).withHeader("Content-Disposition", "attachment; filename=\"cdrs.csv\""));
    }

    CompletableFuture<AdminResponse> cluster() {
        ClusterClient c = controller.cluster();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("configured", c != null);
        out.put("connected", c != null && c.connected());
        out.put("name", controller.provisioning().controllerName());
        out.put("clusterName", c == null ? null : controller.provisioning().cluster().clusterName());
        out.put("members", c == null ? List.of() : c.members());
        out.put("controllers", c == null ? List.of() : c.controllers());
        out.put("cdrQueue", c == null ? 0 : c.queueDepth());
        return CompletableFuture.completedFuture(AdminResponse.ok(out));
    }

    /** The filters, each checked: 400 naming the parameter that is wrong. */
    static CdrQuery query(AdminRequest r) {
        for (Map.Entry<String, List<String>> e : r.query.entrySet()) {
            if (!PARAMETERS.contains(e.getKey())) {
                throw ApiException.badRequest("unknown parameter '" + AdminHttp.shorten(e.getKey())
                        + "' (known: number, since, until, limit)", e.getKey());
            }
            if (e.getValue().size() > 1) throw ApiException.badRequest("'" + e.getKey() + "' is given twice", e.getKey());
        }
        String number = one(r, "number");
        if (number != null && !NUMBER.matcher(number).matches()) {
            throw ApiException.badRequest("'" + AdminHttp.shorten(number) + "' is not a number (1 to 64 digits, letters or + * # : / . _ -)", "number");
        }
        Long since = time(r, "since");
        Long until = time(r, "until");
        if (since != null && until != null && until < since) throw ApiException.badRequest("'until' is before 'since'", "until");
        int limit = CdrQuery.DEFAULT_LIMIT;
        String l = one(r, "limit");
        if (l != null) {
            if (l.isEmpty() || l.length() > 6 || !l.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(l) < 1 || Integer.parseInt(l) > CdrQuery.MAX_LIMIT) {
                throw ApiException.badRequest("'limit' must be a whole number from 1 to " + CdrQuery.MAX_LIMIT + ", not '"
                        + AdminHttp.shorten(l) + "'", "limit");
            }
            limit = Integer.parseInt(l);
        }
        return new CdrQuery(number, since, until, limit);
    }

    private static String one(AdminRequest r, String name) {
        List<String> v = r.query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** ISO 8601 with an offset ({@code 2026-11-27T10:00:00Z}, {@code ...+01:00}), as epoch ms. */
    private static Long time(AdminRequest r, String name) {
        String v = one(r, name);
        if (v == null) return null;
        try {
            return Instant.parse(v).toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(v).toInstant().toEpochMilli();
            } catch (DateTimeParseException e2) {
                throw ApiException.badRequest("'" + name + "' is not an ISO 8601 time with a zone (e.g. 2026-11-27T10:00:00Z): '"
                        + AdminHttp.shorten(v) + "'", name);
            }
        }
    }
}
