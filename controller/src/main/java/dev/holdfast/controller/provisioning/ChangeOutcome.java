package dev.holdfast.controller.provisioning;

/**
 * What became of a {@link ProvisioningChange}: accepted (201 for an addition, 204 for a removal) with the
 * provisioning it led to, or refused with the HTTP status the admin API answers: 400 (a field is missing or bad:
 * {@code field} names it), 404 (no such station, gateway or line), 409 (the number, user, mId, name or termination
 * is already in use, or what is to be removed is in a call).
 *
 * @param result the provisioning after the change; null when refused
 */
public record ChangeOutcome(int status, String field, String message, Provisioning result) {
    public boolean accepted() { return status < 300; }

    static ChangeOutcome accepted(int status, Provisioning result) { return new ChangeOutcome(status, null, "ok", result); }

    public static ChangeOutcome badRequest(String field, String message) { return new ChangeOutcome(400, field, message, null); }

    public static ChangeOutcome notFound(String field, String message) { return new ChangeOutcome(404, field, message, null); }

    public static ChangeOutcome conflict(String field, String message) { return new ChangeOutcome(409, field, message, null); }

    @Override public String toString() { return status + (field != null ? " " + field : "") + ": " + message; }
}
