package dev.holdfast.h248.message;

/** {@code terminationStateParm = propertyParm / serviceStates / eventBufferControl}. */
public sealed interface TerminationStateParm permits TerminationStateDescriptor.ServiceStates,
        TerminationStateDescriptor.EventBufferControl, PropertyParm {}
