package dev.holdfast.h248.message;

import java.util.List;

/**
 * {@code Audit { [auditItem *(, auditItem)] }}: an empty descriptor audits nothing but the termination's
 * existence. Items are the descriptor tokens of H.248.1; v2/v3 individual audit parameters
 * ({@code indAudterminationAudit}) are not modelled yet and are reported as a syntax error.
 */
public record AuditDescriptor(List<Item> items) implements Descriptor {
    public AuditDescriptor { items = List.copyOf(items); }

    public static AuditDescriptor of(Item... items) { return new AuditDescriptor(List.of(items)); }

    public enum Item { MUX, MODEM, MEDIA, SIGNALS, EVENT_BUFFER, DIGIT_MAP, STATISTICS, EVENTS, OBSERVED_EVENTS, PACKAGES }
}
