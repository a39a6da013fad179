package dev.holdfast.h248.message;

import java.util.List;

/**
 * {@code contextProperty = topologyDescriptor / priority / EmergencyToken / EmergencyOffToken / iepsValue /
 * contextAttrDescriptor}. A v3 context attribute ({@code pkgdName parmValue}) is a {@link PropertyParm}; a v3
 * {@code ContextAttr { ContextList = { id *(, id) } }} is a {@link ContextList}. On the wire, consecutive
 * PropertyParm attributes share one {@code ContextAttr { ... }}; a ContextList has one of its own.
 */
public sealed interface ContextProperty permits ContextProperty.Priority, ContextProperty.Emergency,
        ContextProperty.Ieps, ContextProperty.ContextList, TopologyDescriptor, PropertyParm {
    /** {@code Priority = 0..15}. */
    record Priority(int value) implements ContextProperty {
        public Priority { Checks.uint16(value, "context priority"); }
    }

    /** {@code Emergency} (on) or {@code EmergencyOff} (v2). */
    record Emergency(boolean on) implements ContextProperty {}

    /** {@code IEPSCall = ON / OFF} (v2). */
    record Ieps(boolean on) implements ContextProperty {}

    /** v3 {@code contextIdList = ContextList = { ContextID *(, ContextID) }} inside ContextAttr. */
    record ContextList(List<ContextId> ids) implements ContextProperty {
        public ContextList { ids = Checks.nonEmpty(ids, "a ContextList"); }
    }

    static List<ContextProperty> none() { return List.of(); }
}
