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
        public Amm {
            terminationIds = Checks.nonEmpty(terminationIds, "an Add/Move/Modify's termination id list");
            descriptors = List.copyOf(descriptors);
        }
    }

    /** {@code Subtract = termination [{ auditDescriptor }]}; {@code audit} null when absent. */
    record Subtract(List<TerminationId> terminationIds, AuditDescriptor audit) implements Command {
        public Subtract { terminationIds = Checks.nonEmpty(terminationIds, "a Subtract's termination id list"); }
    }

    /** {@code AuditValue / AuditCapability = termination { auditDescriptor }}. */
    record Audit(boolean capabilities, List<TerminationId> terminationIds, AuditDescriptor audit) implements Command {
        public Audit {
            terminationIds = Checks.nonEmpty(terminationIds, "an AuditValue/AuditCapability's termination id list");
            Checks.present(audit, "the Audit descriptor of an AuditValue/AuditCapability request");
        }
    }

    /** {@code Notify = termination { observedEventsDescriptor [, errorDescriptor] }}. */
    record Notify(List<TerminationId> terminationIds, ObservedEventsDescriptor observedEvents,
                  ErrorDescriptor error) implements Command {
        public Notify { terminationIds = Checks.nonEmpty(terminationIds, "a Notify's termination id list"); }
    }

    /** {@code ServiceChange = termination { Services { serviceChangeParm *(, ...) } }}. */
    record ServiceChange(List<TerminationId> terminationIds, List<ServiceChangeParm> parms) implements Command {
        public ServiceChange {
            terminationIds = Checks.nonEmpty(terminationIds, "a ServiceChange's termination id list");
            parms = Checks.nonEmpty(parms, "a ServiceChange request's Services descriptor");
        }
    }
}
