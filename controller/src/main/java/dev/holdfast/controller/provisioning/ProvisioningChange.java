package dev.holdfast.controller.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * One change of provisioning made while the controller runs (docs/admin-api.md, "Provisioning"): a station (SIP
 * subscriber), a gateway, or a line on a gateway, added or removed. It travels as the admin event
 * {@code provision <json>} (so the event log records it and a replay repeats it), as a line of the journal
 * ({@code <file>.changes.jsonl}) and, with a cluster, to the other controllers; {@link #toJson()} is that form.
 * A station carries the HA1 of its password (MD5 of {@code user:realm:password}), never the password.
 */
public sealed interface ProvisioningChange {
    /** {@code add-station}, {@code remove-station}, {@code add-gateway}, {@code remove-gateway}, {@code add-line}, {@code remove-line}. */
    String op();

    /** What it is about, for logs and the audit log: {@code station 2001}, {@code gateway mg1}, {@code line mg1/A5}. */
    String target();

    record AddStation(String number, String user, String ha1) implements ProvisioningChange {
        public String op() { return "add-station"; }
        public String target() { return "station " + number; }
        @Override public String toString() { return "AddStation[" + number + ", " + user + "]"; }
    }

    record RemoveStation(String number) implements ProvisioningChange {
        public String op() { return "remove-station"; }
        public String target() { return "station " + number; }
    }

    record AddGateway(String name, String mid, List<LineConfig> lines) implements ProvisioningChange {
        public AddGateway { lines = lines == null ? List.of() : List.copyOf(lines); }
        public String op() { return "add-gateway"; }
        public String target() { return "gateway " + name; }
    }

    record RemoveGateway(String name) implements ProvisioningChange {
        public String op() { return "remove-gateway"; }
        public String target() { return "gateway " + name; }
    }

    record AddLine(String gateway, String termination, String number) implements ProvisioningChange {
        public String op() { return "add-line"; }
        public String target() { return "line " + gateway + "/" + termination; }
    }

    record RemoveLine(String gateway, String termination) implements ProvisioningChange {
        public String op() { return "remove-line"; }
        public String target() { return "line " + gateway + "/" + termination; }
    }

    /** A station whose password is kept only as its digest HA1 for {@code realm} (the SIP side's realm). */
    static AddStation station(String number, String user, String password, String realm) {
        return new AddStation(number, user, dev.holdfast.controller.sip.DigestAuthenticator.md5Ha1(user, realm, password));
    }

    default ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("op", op());
        if (this instanceof AddStation s) {
            n.put("number", s.number()).put("user", s.user()).put("ha1", s.ha1());
        } else if (this instanceof RemoveStation s) {
            n.put("number", s.number());
        } else if (this instanceof AddGateway g) {
            n.put("name", g.name()).put("mid", g.mid());
            ArrayNode lines = n.putArray("lines");
            for (LineConfig l : g.lines()) lines.addObject().put("termination", l.termination()).put("number", l.number());
        } else if (this instanceof RemoveGateway g) {
            n.put("name", g.name());
        } else if (this instanceof AddLine l) {
            n.put("gateway", l.gateway()).put("termination", l.termination()).put("number", l.number());
        } else if (this instanceof RemoveLine l) {
            n.put("gateway", l.gateway()).put("termination", l.termination());
        }
        return n;
    }

    /** Reads {@link #toJson()}'s form; IllegalArgumentException naming what is wrong. */
    static ProvisioningChange fromJson(JsonNode n) {
        if (n == null || !n.isObject()) throw new IllegalArgumentException("a change is a JSON object");
        String op = text(n, "op");
        return switch (op == null ? "" : op) {
            case "add-station" -> new AddStation(text(n, "number"), text(n, "user"), text(n, "ha1"));
            case "remove-station" -> new RemoveStation(text(n, "number"));
            case "add-gateway" -> {
                List<LineConfig> lines = new ArrayList<>();
                JsonNode ls = n.get("lines");
                if (ls != null && !ls.isNull()) {
                    if (!ls.isArray()) throw new IllegalArgumentException("'lines' must be a list");
                    for (JsonNode l : ls) {
                        if (!l.isObject()) throw new IllegalArgumentException("each of 'lines' must be an object");
                        lines.add(new LineConfig(text(l, "termination"), text(l, "number")));
                    }
                }
                yield new AddGateway(text(n, "name"), text(n, "mid"), lines);
            }
            case "remove-gateway" -> new RemoveGateway(text(n, "name"));
            case "add-line" -> new AddLine(text(n, "gateway"), text(n, "termination"), text(n, "number"));
            case "remove-line" -> new RemoveLine(text(n, "gateway"), text(n, "termination"));
            default -> throw new IllegalArgumentException("unknown change '" + op + "'");
        };
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new IllegalArgumentException("'" + field + "' must be a string");
        return v.textValue();
    }
}
