package dev.holdfast.h248.message;

import java.util.Objects;

/**
 * An individual audit item returned in an audit reply's terminationAudit. H.248.1 v2's text ABNF lets an
 * auditReturnParameter be any auditItem, and from v2 on an auditItem may be an indAudterminationAudit item
 * ({@code Media{Stream=1{LocalControl{Mode}}}}, {@code Events{al/on}}); v3 narrowed auditReturnParameter to the
 * bare tokens. Many such items are also valid full descriptors ({@code Packages{al-1}}, {@code Signals{al/ri}}):
 * the decoder reads those as the full descriptor, the same information, and this record only where the text is
 * an individual audit and nothing else.
 */
public record IndAuditReturn(IndAuditParameter parameter) implements Descriptor {
    public IndAuditReturn { Objects.requireNonNull(parameter, "parameter"); }
}
