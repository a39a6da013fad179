package dev.holdfast.h248.message;

/** {@code mediaParm = streamParm / streamDescriptor / terminationStateDescriptor}. */
public sealed interface MediaParm permits StreamParm, StreamDescriptor, TerminationStateDescriptor {}
