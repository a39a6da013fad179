package dev.holdfast.h248.message;

import java.util.List;

/** {@code commandReplys = serviceChangeReply / auditReply / ammsReply / notifyReply}. */
public sealed interface CommandReply {

    enum AmmsVerb { ADD, MOVE, MODIFY, SUBTRACT }

    /**
     * {@code Add / Move / Modify / Subtract = termination [{ terminationAudit }]}: {@code terminationAudit} holds
     * the returned descriptors (Media with the chosen SDP, Statistics on Subtract, an Error, ...), empty when
     * absent.
     */
    record Amms(AmmsVerb verb, List<TerminationId> terminationIds, List<Descriptor> terminationAudit)
            implements CommandReply {
        public Amms {
            terminationIds = Checks.nonEmpty(terminationIds, "an Add/Move/Modify/Subtract reply's termination id list");
            terminationAudit = List.copyOf(terminationAudit);
        }
    }

    /**
     * AuditValue / AuditCapability reply. Two forms: {@code = Context { id *(, id) }} or
     * {@code = Context { errorDescriptor }} (contextTerminationAudit, then {@code contextAudit} is true), and
     * {@code = termination [{ terminationAudit }]} (auditOther).
     */
    record Audit(boolean capabilities, boolean contextAudit, List<TerminationId> terminationIds,
                 List<Descriptor> terminationAudit, ErrorDescriptor contextAuditError) implements CommandReply {
        public Audit {
            terminationIds = List.copyOf(terminationIds);
            terminationAudit = List.copyOf(terminationAudit);
            if (contextAudit) {
                // contextTerminationAudit = EQUAL CtxToken (terminationIDList / LBRKT errorDescriptor RBRKT)
                if (!terminationAudit.isEmpty()) {
                    throw new IllegalArgumentException("a context audit reply (= Context {...}) carries no"
                            + " termination audit");
                }
                if ((contextAuditError == null) == terminationIds.isEmpty()) {
                    throw new IllegalArgumentException("a context audit reply (= Context {...}) holds either"
                            + " termination ids or an Error descriptor, exactly one of them");
                }
            } else {
                if (contextAuditError != null) {
                    throw new IllegalArgumentException("an Error descriptor in place of the ids is only for a context"
                            + " audit reply (= Context {...}); put it in the termination audit");
                }
                if (terminationIds.isEmpty()) {
                    throw new IllegalArgumentException("an AuditValue/AuditCapability reply's termination id list"
                            + " needs at least one item (the ABNF has 'item *(COMMA item)')");
                }
            }
        }
    }

    /** {@code Notify = termination [{ errorDescriptor }]}; {@code error} null when absent. */
    record Notify(List<TerminationId> terminationIds, ErrorDescriptor error) implements CommandReply {
        public Notify { terminationIds = Checks.nonEmpty(terminationIds, "a Notify reply's termination id list"); }
    }

    /**
     * {@code ServiceChange = termination [{ errorDescriptor / Services { servChgReplyParm *(, ...) } }]}: at most
     * one of {@code error} and a non-empty {@code parms}.
     */
    record ServiceChange(List<TerminationId> terminationIds, ErrorDescriptor error, List<ServiceChangeParm> parms)
            implements CommandReply {
        public ServiceChange {
            terminationIds = Checks.nonEmpty(terminationIds, "a ServiceChange reply's termination id list");
            parms = List.copyOf(parms);
            if (error != null && !parms.isEmpty()) {
                throw new IllegalArgumentException("a ServiceChange reply holds an Error descriptor or Services, not"
                        + " both: the ABNF has (errorDescriptor / serviceChangeReplyDescriptor)");
            }
        }
    }
}
