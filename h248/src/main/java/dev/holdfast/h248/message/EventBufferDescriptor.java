package dev.holdfast.h248.message;

import java.util.List;

/** {@code EventBuffer [{ eventSpec *(, eventSpec) }]}. */
public record EventBufferDescriptor(List<EventSpec> events) implements Descriptor {
    public EventBufferDescriptor { events = List.copyOf(events); }

    /** {@code eventSpec = pkgdName [{ eventSpecParameter *(, ...) }]}: parameters are StreamRef or PropertyParm. */
    public record EventSpec(String name, List<ObservedEventParameter> parameters) {
        public EventSpec { parameters = List.copyOf(parameters); }
    }
}
