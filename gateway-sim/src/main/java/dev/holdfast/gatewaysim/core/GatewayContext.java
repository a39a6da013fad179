package dev.holdfast.gatewaysim.core;

import dev.holdfast.h248.message.ContextProperty;
import dev.holdfast.h248.message.TopologyDescriptor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A context: its terminations and the context properties the MGC set. */
final class GatewayContext {
    final long id;
    final List<Termination> terminations = new ArrayList<>();
    /** Topology triples in the order given; a later triple overrides an earlier one for the same pair. */
    final List<TopologyDescriptor.Triple> topology = new ArrayList<>();
    Integer priority;
    Boolean emergency;
    /** v3 context attributes (any package), stored and returned. */
    final Map<String, ContextProperty> attributes = new LinkedHashMap<>();

    GatewayContext(long id) {
        this.id = id;
    }

    /** Whether media flows from {@code a} to {@code b} as far as the topology says (default: both ways). */
    boolean flows(Termination a, Termination b) {
        for (int i = topology.size() - 1; i >= 0; i--) {
            TopologyDescriptor.Triple t = topology.get(i);
            boolean forward = matches(t.from().value(), a) && matches(t.to().value(), b);
            boolean backward = matches(t.from().value(), b) && matches(t.to().value(), a);
            if (!forward && !backward) continue;
            return switch (t.direction()) {
                case ISOLATE -> false;
                case BOTHWAY -> true;
                default -> forward; // oneway variants: from -> to only
            };
        }
        return true;
    }

    private static boolean matches(String pattern, Termination t) {
        return pattern.equals("*") || pattern.equalsIgnoreCase(t.id)
                || (pattern.endsWith("*") && t.id.regionMatches(true, 0, pattern, 0, pattern.length() - 1));
    }

    /** Forgets triples that name a termination no longer here. */
    void forget(Termination t) {
        topology.removeIf(tr -> tr.from().value().equalsIgnoreCase(t.id) || tr.to().value().equalsIgnoreCase(t.id));
    }

    @Override public String toString() { return "Context " + id + " " + terminations; }
}
