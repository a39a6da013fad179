package dev.holdfast.controller.provisioning;

import java.util.ArrayList;
import java.util.List;

/**
 * Applies a {@link ProvisioningChange} to a provisioning, as a pure function: the result is checked by the same
 * {@link ProvisioningValidator} as a file, so a change is accepted exactly when a file with it would load. The
 * provisioning given is valid (a loaded file, or the result of earlier changes), so every violation found is the
 * change's own. What a change cannot know from provisioning alone (whether a line or station is in a call) is
 * the core's to check.
 */
public final class ProvisioningEdits {
    private ProvisioningEdits() {}

    public static ChangeOutcome apply(Provisioning p, ProvisioningChange change) {
        ChangeOutcome missing = missingField(change);
        if (missing != null) return missing;
        Provisioning next;
        int index; // the element the change adds, for naming fields of violations
        String prefix;
        if (change instanceof ProvisioningChange.AddStation s) {
            List<SubscriberConfig> subs = new ArrayList<>(p.subscribers());
            subs.add(new SubscriberConfig(s.user(), null, s.ha1(), s.number()));
            next = with(p, p.gateways(), subs);
            prefix = "/subscribers/" + (subs.size() - 1) + "/";
        } else if (change instanceof ProvisioningChange.RemoveStation s) {
            List<SubscriberConfig> subs = new ArrayList<>(p.subscribers());
            if (!subs.removeIf(c -> s.number().equals(c.number()))) {
                return ChangeOutcome.notFound("number", "no station " + s.number());
            }
            return ChangeOutcome.accepted(204, with(p, p.gateways(), subs));
        } else if (change instanceof ProvisioningChange.AddGateway g) {
            List<GatewayConfig> gws = new ArrayList<>(p.gateways());
            gws.add(new GatewayConfig(g.name(), g.mid(), null, g.lines(), List.of()));
            next = with(p, gws, p.subscribers());
            prefix = "/gateways/" + (gws.size() - 1) + "/";
        } else if (change instanceof ProvisioningChange.RemoveGateway g) {
            List<GatewayConfig> gws = new ArrayList<>(p.gateways());
            if (!gws.removeIf(c -> c.name().equals(g.name()))) return ChangeOutcome.notFound("name", "no gateway " + g.name());
            // a trunk access code may lead to a group only this gateway had: the validator says so (409)
            next = with(p, gws, p.subscribers());
            prefix = null;
        } else if (change instanceof ProvisioningChange.AddLine l) {
            index = indexOf(p, l.gateway());
            if (index < 0) return ChangeOutcome.notFound("gateway", "no gateway " + l.gateway());
            GatewayConfig gw = p.gateways().get(index);
            List<LineConfig> lines = new ArrayList<>(gw.lines());
            lines.add(new LineConfig(l.termination(), l.number()));
            next = with(p, replace(p.gateways(), index, new GatewayConfig(gw.name(), gw.mid(), gw.address(), lines, gw.trunks())),
                    p.subscribers());
            prefix = "/gateways/" + index + "/lines/" + (lines.size() - 1) + "/";
        } else if (change instanceof ProvisioningChange.RemoveLine l) {
            index = indexOf(p, l.gateway());
            if (index < 0) return ChangeOutcome.notFound("gateway", "no gateway " + l.gateway());
            GatewayConfig gw = p.gateways().get(index);
            List<LineConfig> lines = new ArrayList<>(gw.lines());
            if (!lines.removeIf(c -> c.termination().equalsIgnoreCase(l.termination()))) {
                return ChangeOutcome.notFound("termination", "no line " + l.termination() + " on gateway " + gw.name());
            }
            return ChangeOutcome.accepted(204, with(p, replace(p.gateways(), index,
                    new GatewayConfig(gw.name(), gw.mid(), gw.address(), lines, gw.trunks())), p.subscribers()));
        } else {
            throw new IllegalArgumentException("unknown change " + change);
        }
        List<ProvisioningValidator.Violation> violations = ProvisioningValidator.validate(next);
        if (violations.isEmpty()) return ChangeOutcome.accepted(change instanceof ProvisioningChange.RemoveGateway ? 204 : 201, next);
        // the first one decides: a bad value (400) before a value in use (409)
        ProvisioningValidator.Violation v = violations.stream().filter(x -> !x.conflict()).findFirst().orElse(violations.get(0));
        String field = field(v.pointer(), prefix, change);
        // what a removal breaks (a trunk access code left without its group) is the gateway being in use
        if (change instanceof ProvisioningChange.RemoveGateway) return ChangeOutcome.conflict(field, v.message());
        return v.conflict() ? ChangeOutcome.conflict(field, v.message()) : ChangeOutcome.badRequest(field, v.message());
    }

    /** Required fields first, so that the validator never sees a half change (and 400 names the field). */
    private static ChangeOutcome missingField(ProvisioningChange c) {
        String[][] fields;
        if (c instanceof ProvisioningChange.AddStation s) {
            fields = new String[][] {{"number", s.number()}, {"user", s.user()}, {"ha1", s.ha1()}};
        } else if (c instanceof ProvisioningChange.RemoveStation s) {
            fields = new String[][] {{"number", s.number()}};
        } else if (c instanceof ProvisioningChange.AddGateway g) {
            fields = new String[][] {{"name", g.name()}, {"mid", g.mid()}};
            for (int i = 0; i < g.lines().size(); i++) {
                LineConfig l = g.lines().get(i);
                if (l == null) return ChangeOutcome.badRequest("lines[" + i + "]", "'lines[" + i + "]' is missing");
                if (l.termination() == null) return ChangeOutcome.badRequest("lines[" + i + "].termination", "'lines[" + i + "].termination' is missing");
                if (l.number() == null) return ChangeOutcome.badRequest("lines[" + i + "].number", "'lines[" + i + "].number' is missing");
            }
        } else if (c instanceof ProvisioningChange.RemoveGateway g) {
            fields = new String[][] {{"name", g.name()}};
        } else if (c instanceof ProvisioningChange.AddLine l) {
            fields = new String[][] {{"gateway", l.gateway()}, {"termination", l.termination()}, {"number", l.number()}};
        } else if (c instanceof ProvisioningChange.RemoveLine l) {
            fields = new String[][] {{"gateway", l.gateway()}, {"termination", l.termination()}};
        } else {
            return ChangeOutcome.badRequest(null, "unknown change");
        }
        for (String[] f : fields) {
            if (f[1] == null || f[1].isEmpty()) return ChangeOutcome.badRequest(f[0], "'" + f[0] + "' is missing");
        }
        if (c instanceof ProvisioningChange.AddGateway g && g.name().length() > 64) {
            return ChangeOutcome.badRequest("name", "gateway name is longer than 64 characters");
        }
        if (c instanceof ProvisioningChange.AddGateway g && !g.name().chars().allMatch(ch -> ch > ' ' && ch < 127 && ch != '/')) {
            return ChangeOutcome.badRequest("name", "gateway name '" + g.name() + "' has a space, a slash or a character outside ASCII");
        }
        return null;
    }

    /** A violation's pointer as the field of the change it is about, e.g. {@code number} or {@code lines[1].termination}. */
    private static String field(String pointer, String prefix, ProvisioningChange c) {
        if (prefix != null && pointer.startsWith(prefix)) {
            return LocationIndex.fieldName(pointer.substring(prefix.length() - 1));
        }
        if (prefix != null && (pointer + "/").equals(prefix)) return null;
        // about another element (a number the new one is a prefix of is found at the older one)
        if (c instanceof ProvisioningChange.AddGateway) {
            return pointer.contains("/mid") ? "mid" : pointer.contains("/name") ? "name" : "lines";
        }
        if (c instanceof ProvisioningChange.RemoveGateway) return "name";
        return "number";
    }

    private static int indexOf(Provisioning p, String gateway) {
        for (int i = 0; i < p.gateways().size(); i++) if (p.gateways().get(i).name().equals(gateway)) return i;
        return -1;
    }

    private static List<GatewayConfig> replace(List<GatewayConfig> gws, int i, GatewayConfig g) {
        List<GatewayConfig> out = new ArrayList<>(gws);
        out.set(i, g);
        return out;
    }

    private static Provisioning with(Provisioning p, List<GatewayConfig> gateways, List<SubscriberConfig> subscribers) {
        return p.withGateways(gateways).withSubscribers(subscribers);
    }
}
