package dev.holdfast.controller.admin;

import io.netty.handler.codec.http.HttpMethod;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Maps a method and a path ({@code /api/calls/{id}}) to a route; tells 404 (no such path) from 405 (wrong method). */
final class Router {
    interface Action {
        CompletableFuture<AdminResponse> handle(AdminRequest r);
    }

    /** @param role the least role allowed, or null for a route anyone may call (login, metrics) */
    record Route(HttpMethod method, List<String> segments, Role role, Action action) {}

    /** A route found for a request, with its path parameters. */
    record Match(Route route, Map<String, String> params) {}

    private final List<Route> routes = new ArrayList<>();

    void add(HttpMethod method, String template, Role role, Action action) {
        routes.add(new Route(method, segments(template), role, action));
    }

    /** The route, or null with {@code allowed} filled when the path exists under other methods (empty: no such path). */
    Match match(HttpMethod method, String path, Set<String> allowed) {
        List<String> parts = segments(path);
        for (Route r : routes) {
            Map<String, String> params = bind(r.segments, parts);
            if (params == null) continue;
            if (r.method.equals(method) || (method.equals(HttpMethod.HEAD) && r.method.equals(HttpMethod.GET))) {
                return new Match(r, params);
            }
            allowed.add(r.method.name());
        }
        return null;
    }

    private static Map<String, String> bind(List<String> template, List<String> parts) {
        if (template.size() != parts.size()) return null;
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < template.size(); i++) {
            String t = template.get(i);
            if (t.startsWith("{") && t.endsWith("}")) params.put(t.substring(1, t.length() - 1), parts.get(i));
            else if (!t.equals(parts.get(i))) return null;
        }
        return params;
    }

    private static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) if (!s.isEmpty()) out.add(s);
        return out;
    }

    static Set<String> allowedSet() { return new LinkedHashSet<>(); }
}
