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
        public Amms { terminationIds = List.copyOf(terminationIds); terminationAudit = List.copyOf(terminationAudit); }
    }

    /**
     * AuditValue / AuditCapability reply. Two forms: {@code = Context { id *(, id) }} or
     * {@code = Context { errorDescriptor }} (contextTerminationAudit, then {@code contextAudit} is true), and
     * {@code = termination [{ terminationAudit }]} (auditOther).
     */
    record Audit(boolean capabilities, boolean contextAudit, List<TerminationId> terminationIds,
                 List<Descriptor> terminationAudit, ErrorDescriptor contextAuditError) implements CommandReply {
        public Audit { terminationIds = List.copyOf(terminationIds); terminationAudit = List.copyOf(terminationAudit); }
    }

    /** {@code Notify = termination [{ errorDescriptor }]}; {@code error} null when absent. */
    record Notify(List<TerminationId> terminationIds, ErrorDescriptor error) implements CommandReply {
        public Notify { terminationIds = List.copyOf(terminationIds); }
    }

    /**
     * {@code ServiceChange = termination [{ errorDescriptor / Services { servChgReplyParm *(, ...) } }]}: at most
     * one of {@code error} and a non-empty {@code parms}.
     */
    record ServiceChange(List<TerminationId> terminationIds, ErrorDescriptor error, List<ServiceChangeParm> parms)
            implements CommandReply {
        public ServiceChange { terminationIds = List.copyOf(terminationIds); parms = List.copyOf(parms); }
    }
}
