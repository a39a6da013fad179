package dev.holdfast.h248.message;

import java.util.Objects;

/**
 * A package-defined item with a value: {@code propertyParm = pkgdName parmValue}, and the same shape for
 * {@code eventOther}, {@code sigOther}, ServiceChange {@code extension} and context attributes. {@code name}
 * is the pkgdName ({@code package/item}) or, for event/signal parameters, the bare parameter NAME. In an individual
 * audit (v3) a propertyParm selects the terminations whose property matches.
 */
public record PropertyParm(String name, ParmValue value)
        implements LocalParm, TerminationStateParm, EventParameter, SignalParameter, ObservedEventParameter,
        ContextProperty, ServiceChangeParm, IndAuditParameter.LocalParm, IndAuditParameter.TerminationStateParm {
    public PropertyParm {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    public static PropertyParm of(String name, String value) {
        return new PropertyParm(name, ParmValue.of(value));
    }
}
