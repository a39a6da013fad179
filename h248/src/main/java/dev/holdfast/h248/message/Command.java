package dev.holdfast.h248.message;

import java.util.List;

/**
 * {@code commandRequest = ammRequest / subtractRequest / auditRequest / notifyRequest / serviceChangeRequest}.
 * Termination ids are a list because v3 allows {@code [id, id, ...]}; v1/v2 messages hold exactly one.
 */
public sealed interface Command {
    List<TerminationId> terminationIds();

    enum AmmVerb { ADD, MOVE, MODIFY }

    /** {@code Add / Move / Modify = termination [{ ammParameter *(, ammParameter) }]}. */
    record Amm(AmmVerb verb, List<TerminationId> terminationIds, List<Descriptor> descriptors) implements Command {
        public Amm { terminationIds = List.copyOf(terminationIds); descriptors = List.copyOf(descriptors); }
    }

    /** {@code Subtract = termination [{ auditDescriptor }]}; {@code audit} null when absent. */
    record Subtract(List<TerminationId> terminationIds, AuditDescriptor audit) implements Command {
        public Subtract { terminationIds = List.copyOf(terminationIds); }
    }

    /** {@code AuditValue / AuditCapability = termination { auditDescriptor }}. */
    record Audit(boolean capabilities, List<TerminationId> terminationIds, AuditDescriptor audit) implements Command {
        public Audit { terminationIds = List.copyOf(terminationIds); }
    }

    /** {@code Notify = termination { observedEventsDescriptor [, errorDescriptor] }}. */
    record Notify(List<TerminationId> terminationIds, ObservedEventsDescriptor observedEvents,
                  ErrorDescriptor error) implements Command {
        public Notify { terminationIds = List.copyOf(terminationIds); }
    }

    /** {@code ServiceChange = termination { Services { serviceChangeParm *(, ...) } }}. */
    record ServiceChange(List<TerminationId> terminationIds, List<ServiceChangeParm> parms) implements Command {
        public ServiceChange { terminationIds = List.copyOf(terminationIds); parms = List.copyOf(parms); }
    }
}
