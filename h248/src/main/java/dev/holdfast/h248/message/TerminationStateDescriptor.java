package dev.holdfast.h248.message;

import java.util.List;

/** {@code TerminationState { terminationStateParm *(, ...) }}. */
public record TerminationStateDescriptor(List<TerminationStateParm> parms) implements MediaParm {
    public TerminationStateDescriptor { parms = Checks.nonEmpty(parms, "a TerminationState descriptor"); }

    public enum ServiceState { TEST, OUT_OF_SERVICE, IN_SERVICE }

    /** {@code ServiceStates = Test / OutOfService / InService}. */
    public record ServiceStates(ServiceState state) implements TerminationStateParm {}

    /** {@code Buffer = OFF / LockStep}. */
    public record EventBufferControl(boolean lockStep) implements TerminationStateParm {}
}
