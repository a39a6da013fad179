package dev.holdfast.controller.dialplan;

import dev.holdfast.controller.provisioning.DialPlanConfig;
import dev.holdfast.controller.provisioning.GatewayConfig;
import dev.holdfast.controller.provisioning.LineConfig;
import dev.holdfast.controller.provisioning.Provisioning;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Routing of dialled digits and the digit map the gateways collect them with. Extensions are the directory
 * numbers of the provisioned lines, phones those of the SIP subscribers; a trunk access code is followed by digits matching its pattern.
 */
public final class DialPlan {
    private final Map<String, Route.Extension> extensions = new TreeMap<>();
    private final java.util.Set<String> phones = new TreeSet<>();
    private final Map<String, DialPlanConfig.TrunkAccessCode> accessCodes = new TreeMap<>();
    private String digitMap;

    public DialPlan(Provisioning p) { reload(p); }

    /** Provisioning changed while the controller runs (a line or station added or removed): route by the new one. */
    public void reload(Provisioning p) {
        extensions.clear();
        phones.clear();
        accessCodes.clear();
        for (GatewayConfig g : p.gateways()) {
            for (LineConfig l : g.lines()) {
                extensions.put(l.number(), new Route.Extension(g.name(), l.termination(), l.number()));
            }
        }
        for (DialPlanConfig.TrunkAccessCode t : p.dialPlan().trunkAccessCodes()) accessCodes.put(t.code(), t);
        if (p.subscribers() != null) {
            for (var s : p.subscribers()) if (s.number() != null) phones.add(s.number());
        }
        digitMap = p.dialPlan().digitMap() != null ? p.dialPlan().digitMap() : derivedDigitMap();
    }

    /** The digit map for {@code dd/ce}: one alternative per extension length and first digit, one per access code. */
    public String digitMap() { return digitMap; }

    private String derivedDigitMap() {
        TreeSet<String> alternatives = new TreeSet<>();
        for (String n : extensions.keySet()) alternatives.add(n.charAt(0) + "x".repeat(n.length() - 1));
        for (String n : phones) alternatives.add(n.charAt(0) + "x".repeat(n.length() - 1));
        for (DialPlanConfig.TrunkAccessCode t : accessCodes.values()) alternatives.add(t.code() + t.digits());
        if (alternatives.isEmpty()) alternatives.add("x");
        return "(" + String.join("|", alternatives) + ")";
    }

    public Route route(String digits) {
        if (digits == null) return new Route.Invalid("");
        Route.Extension e = extensions.get(digits);
        if (e != null) return e;
        if (phones.contains(digits)) return new Route.Phone(digits);
        for (DialPlanConfig.TrunkAccessCode t : accessCodes.values()) {
            if (digits.startsWith(t.code())) {
                String rest = digits.substring(t.code().length());
                if (matches(t.digits(), rest)) return new Route.Trunk(t.group(), rest);
            }
        }
        return new Route.Invalid(digits);
    }

    /** Whether {@code digits} match a digit-map pattern of digits, {@code x}, {@code [a-b]} ranges and {@code .}. */
    static boolean matches(String pattern, String digits) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == 'x' || c == 'X') re.append("[0-9]");
            else if (c == '.') re.append('*');
            else if (c == '[') {
                int close = pattern.indexOf(']', i);
                re.append(pattern, i, close + 1);
                i = close;
            } else re.append(Pattern.quote(String.valueOf(c)));
        }
        return Pattern.matches(re.toString(), digits);
    }
}
