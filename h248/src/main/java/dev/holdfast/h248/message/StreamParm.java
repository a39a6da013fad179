package dev.holdfast.h248.message;

/** {@code streamParm = localDescriptor / remoteDescriptor / localControlDescriptor / statisticsDescriptor}. */
public sealed interface StreamParm extends MediaParm
        permits LocalControlDescriptor, LocalDescriptor, RemoteDescriptor, StatisticsDescriptor {}
