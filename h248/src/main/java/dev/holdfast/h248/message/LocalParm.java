package dev.holdfast.h248.message;

/** {@code localParm = streamMode / propertyParm / reservedValueMode / reservedGroupMode}. */
public sealed interface LocalParm permits LocalControlDescriptor.StreamMode, LocalControlDescriptor.ReservedValue,
        LocalControlDescriptor.ReservedGroup, PropertyParm {}
