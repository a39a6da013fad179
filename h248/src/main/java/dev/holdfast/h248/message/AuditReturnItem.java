package dev.holdfast.h248.message;

/** v2 {@code auditReturnItem}: a bare descriptor token in an audit reply (e.g. {@code Media} with no content). */
public record AuditReturnItem(AuditDescriptor.Item item) implements Descriptor {}
