package dev.holdfast.h248.message;

/**
 * One item of {@code ContextAudit { ... }}: a token naming a context property to audit, a package property
 * name, or (v3) a selection condition ({@code Priority = 3}, {@code Emergency}, ...).
 */
public sealed interface ContextAuditItem {
    enum Kind { TOPOLOGY, EMERGENCY, PRIORITY, IEPS }

    record Token(Kind kind) implements ContextAuditItem {}

    /** A context attribute to audit, by pkgdName. */
    record PackageProperty(String pkgdName) implements ContextAuditItem {}

    /** v3 contextAuditSelect: audit the contexts that match this property. */
    record Select(ContextProperty property) implements ContextAuditItem {}

    /** v3 logic for combining selections: {@code AndLgc} / {@code OrLgc}. */
    record Logic(boolean and) implements ContextAuditItem {}
}
