package dev.holdfast.gatewaysim.core;

import dev.holdfast.h248.message.ErrorDescriptor;

import dev.holdfast.h248.message.PackagesDescriptor;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the simulated gateway implements, package by package (H.248.1 Annex E and H.248.14), per kind of
 * termination. Anything in a package not listed here is someone else's: its properties are stored and returned
 * in audits, never interpreted (the controller's call cookies rely on this).
 */
final class Packages {
    private Packages() {}

    static final Set<String> IMPLEMENTED = Set.of("g", "root", "al", "dd", "dg", "cg", "tdmc", "nt", "rtp", "it");

    static final Set<String> DTMF_EVENTS = Set.of("d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9",
            "da", "db", "dc", "dd", "ds", "do");

    private static final Map<String, Set<String>> EVENTS = Map.of(
            "g", Set.of("cause", "sc"),
            "al", Set.of("on", "of", "fl"),
            "dd", union(DTMF_EVENTS, Set.of("ce")),
            "nt", Set.of("netfail", "qualert"),
            "rtp", Set.of("pltrans"),
            "it", Set.of("ito"));

    private static final Map<String, Set<String>> SIGNALS = Map.of(
            "al", Set.of("ri"),
            // DTMF generator (E.5): outpulsing a number on a trunk circuit
            "dg", DTMF_EVENTS,
            "cg", Set.of("dt", "rt", "bt", "ct", "sit", "wt", "prt", "cw", "cr"));

    private static final Map<String, Set<String>> PROPERTIES = Map.of(
            "root", Set.of("maxnumberofcontexts", "maxterminationspercontext", "normalmgexecutiontime",
                    "normalmgcexecutiontime", "mgprovisionalresponsetimervalue", "mgcprovisionalresponsetimervalue"),
            "tdmc", Set.of("ec", "gain"),
            "nt", Set.of("jit"),
            "it", Set.of("mit"));

    /** Provisioned durations of the TimeOut signals. */
    static Duration defaultDuration(String signal) {
        return switch (signal) {
            case "al/ri", "cg/rt" -> Duration.ofSeconds(180);
            case "cg/wt", "cg/cw", "cg/prt" -> Duration.ofSeconds(2);
            default -> signal.startsWith("dg/") ? Duration.ofMillis(100) : Duration.ofSeconds(30); // dg: brief
        };
    }

    /** The packages a kind of termination realizes, for audits. */
    static List<PackagesDescriptor.Item> realized(Termination.Kind kind) {
        List<String> names = switch (kind) {
            case LINE, TRUNK -> List.of("g", "al", "dd", "dg", "cg", "tdmc", "nt");
            case RTP -> List.of("g", "nt", "rtp", "cg");
            case ROOT -> List.of("g", "root", "it");
        };
        return names.stream().map(n -> new PackagesDescriptor.Item(n, 1)).toList();
    }

    static String pkg(String pkgdName) {
        int slash = pkgdName.indexOf('/');
        return (slash < 0 ? pkgdName : pkgdName.substring(0, slash)).toLowerCase(Locale.ROOT);
    }

    static String item(String pkgdName) {
        int slash = pkgdName.indexOf('/');
        return slash < 0 ? "" : pkgdName.substring(slash + 1).toLowerCase(Locale.ROOT);
    }

    static boolean implemented(String pkgdName) { return IMPLEMENTED.contains(pkg(pkgdName)); }

    /** Throws the H.248.8 error for an event this termination cannot detect. */
    static void checkEvent(String name, Termination.Kind kind) throws GatewayException {
        String p = pkg(name);
        String i = item(name);
        if (!IMPLEMENTED.contains(p)) throw new GatewayException(ErrorDescriptor.UNKNOWN_PACKAGE, "package " + p);
        Set<String> items = EVENTS.get(p);
        if (items == null || (!i.equals("*") && !items.contains(i))) {
            throw new GatewayException(ErrorDescriptor.NO_SUCH_EVENT, "no event " + name);
        }
        boolean ok = switch (kind) {
            case LINE, TRUNK -> p.equals("g") || p.equals("al") || p.equals("dd");
            case RTP -> p.equals("g") || p.equals("nt") || p.equals("rtp");
            case ROOT -> p.equals("g") || p.equals("it");
        };
        if (!ok) throw new GatewayException(ErrorDescriptor.UNEQUIPPED_TO_DETECT, name + " on a " + kind + " termination");
    }

    static void checkSignal(String name, Termination.Kind kind) throws GatewayException {
        String p = pkg(name);
        String i = item(name);
        if (!IMPLEMENTED.contains(p)) throw new GatewayException(ErrorDescriptor.UNKNOWN_PACKAGE, "package " + p);
        Set<String> items = SIGNALS.get(p);
        if (items == null || !items.contains(i)) throw new GatewayException(ErrorDescriptor.NO_SUCH_SIGNAL, "no signal " + name);
        boolean ok = switch (kind) {
            case LINE, TRUNK -> true;
            case RTP -> p.equals("cg");
            case ROOT -> false;
        };
        if (!ok) throw new GatewayException(kind == Termination.Kind.ROOT ? ErrorDescriptor.INCORRECT_IDENTIFIER
                : ErrorDescriptor.UNEQUIPPED_TO_GENERATE, name + " on a " + kind + " termination");
    }

    /**
     * Whether a property of an implemented package exists; throws 450 when the package is ours and the property
     * is not. Returns false for a package we do not implement (the property is then stored opaquely).
     */
    static boolean checkProperty(String name) throws GatewayException {
        String p = pkg(name);
        if (!IMPLEMENTED.contains(p)) return false;
        Set<String> props = PROPERTIES.get(p);
        if (props == null || !props.contains(item(name))) {
            throw new GatewayException(ErrorDescriptor.NO_SUCH_PROPERTY, "no property " + name);
        }
        return true;
    }

    /** The event names a kind of termination can detect, for AuditCapabilities. */
    static List<String> events(Termination.Kind kind) {
        return switch (kind) {
            case LINE, TRUNK -> List.of("al/on", "al/of", "al/fl", "dd/ce", "g/sc");
            case RTP -> List.of("nt/netfail", "g/sc");
            case ROOT -> List.of("it/ito");
        };
    }

    static List<String> signals(Termination.Kind kind) {
        return switch (kind) {
            case LINE, TRUNK -> List.of("al/ri", "cg/dt", "cg/rt", "cg/bt", "cg/ct", "cg/sit", "cg/wt", "cg/cw");
            case RTP -> List.of("cg/rt", "cg/bt", "cg/ct");
            case ROOT -> List.of();
        };
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        java.util.HashSet<String> all = new java.util.HashSet<>();
        for (Set<String> s : sets) all.addAll(s);
        return Set.copyOf(all);
    }
}
