package dev.holdfast.controller.cdr;

import com.fasterxml.jackson.annotation.JsonValue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A call detail record: who called whom, through which gateways, when it was set up, answered and ended, and why it
 * ended. Times are core time (epoch ms of the events that caused them), never a clock read by the core.
 *
 * @param id          unique across controllers and starts: the key of the record wherever it is stored
 * @param call        the call's key across controllers (hex; the call cookies' callKey), or null for an attempt
 *                    that never became a call (busy, invalid number)
 * @param callerKind  {@code line}, {@code phone} or {@code trunk}
 * @param calleeKind  the same, or null when the number dialled was no party at all (invalid number)
 * @param gateways    the gateways the call used (its parties' and its contexts'), in order
 * @param answer      when the call was answered (epoch ms), or null
 * @param release     {@code normal}, {@code busy}, {@code no-answer}, {@code invalid-number}, {@code unavailable},
 *                    {@code abandoned}, {@code failed} or {@code released-by-admin}
 * @param cause       a short explanation for the release (e.g. {@code SIP 486}, {@code gateway gw1 lost}), or null
 * @param migrated    the call was rebuilt here from its cookies after its controller failed (its set-up time is then
 *                    when the state its cookies describe began, not the original set-up)
 * @param controller  the name of the controller that ended the call
 */
public record CallRecord(String id, String call, String caller, String callee, String callerKind, String calleeKind,
                         List<String> gateways, long setup, Long answer, long end, String release, String cause,
                         boolean migrated, String controller) {
    public static final String NORMAL = "normal";
    public static final String BUSY = "busy";
    public static final String NO_ANSWER = "no-answer";
    public static final String INVALID_NUMBER = "invalid-number";
    public static final String UNAVAILABLE = "unavailable";
    public static final String ABANDONED = "abandoned";
    public static final String FAILED = "failed";
    public static final String RELEASED_BY_ADMIN = "released-by-admin";

    public CallRecord {
        gateways = gateways == null ? List.of() : List.copyOf(gateways);
    }

    /** What a phone's final failure response (RFC 3261 21.4-21.6) means for a call's record. */
    public static String sipRelease(int status) {
        return switch (status) {
            case 486, 600, 603 -> BUSY;
            case 408 -> NO_ANSWER;
            case 480 -> UNAVAILABLE;
            case 404, 484, 604 -> INVALID_NUMBER;
            default -> FAILED;
        };
    }

    /** How long the call was answered (0 when it never was). */
    public long durationMs() { return answer == null ? 0 : Math.max(0, end - answer); }

    /** Whether {@code number} is the caller or the callee. */
    public boolean involves(String number) { return number.equals(caller) || number.equals(callee); }

    /** The record as the admin API and the cluster show it (times in ISO 8601, UTC). */
    @JsonValue
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("call", call);
        m.put("caller", caller);
        m.put("callee", callee);
        m.put("callerKind", callerKind);
        m.put("calleeKind", calleeKind);
        m.put("gateways", gateways);
        m.put("setup", Instant.ofEpochMilli(setup).toString());
        m.put("answer", answer == null ? null : Instant.ofEpochMilli(answer).toString());
        m.put("end", Instant.ofEpochMilli(end).toString());
        m.put("durationMs", durationMs());
        m.put("release", release);
        m.put("cause", cause);
        m.put("migrated", migrated);
        m.put("controller", controller);
        // for searches in the cluster (numbers and epoch ms compare there without parsing)
        m.put("setupMillis", setup);
        m.put("endMillis", end);
        return m;
    }

    /** Reads a record written by {@link #json()} (from the cluster or the spool file). */
    public static CallRecord fromJson(com.fasterxml.jackson.databind.JsonNode n) {
        List<String> gws = new java.util.ArrayList<>();
        if (n.path("gateways").isArray()) n.get("gateways").forEach(g -> gws.add(g.asText()));
        return new CallRecord(text(n, "id"), text(n, "call"), text(n, "caller"), text(n, "callee"),
                text(n, "callerKind"), text(n, "calleeKind"), gws, n.path("setupMillis").asLong(),
                n.hasNonNull("answer") ? Instant.parse(n.get("answer").asText()).toEpochMilli() : null,
                n.path("endMillis").asLong(), text(n, "release"), text(n, "cause"), n.path("migrated").asBoolean(),
                text(n, "controller"));
    }

    private static String text(com.fasterxml.jackson.databind.JsonNode n, String field) {
        com.fasterxml.jackson.databind.JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
