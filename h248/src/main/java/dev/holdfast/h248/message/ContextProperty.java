package dev.holdfast.h248.message;

import java.util.List;

/**
 * {@code contextProperty = topologyDescriptor / priority / EmergencyToken / EmergencyOffToken / iepsValue /
 * contextAttrDescriptor}. A v3 context attribute ({@code pkgdName parmValue}) is a {@link PropertyParm}.
 */
public sealed interface ContextProperty permits ContextProperty.Priority, ContextProperty.Emergency,
        ContextProperty.Ieps, TopologyDescriptor, PropertyParm {
    /** {@code Priority = 0..15}. */
    record Priority(int value) implements ContextProperty {}

    /** {@code Emergency} (on) or {@code EmergencyOff} (v2). */
    record Emergency(boolean on) implements ContextProperty {}

    /** {@code IEPSCall = ON / OFF} (v2). */
    record Ieps(boolean on) implements ContextProperty {}

    static List<ContextProperty> none() { return List.of(); }
}
