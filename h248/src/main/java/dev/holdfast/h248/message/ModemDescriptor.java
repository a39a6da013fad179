package dev.holdfast.h248.message;

import java.util.List;

/**
 * Legacy {@code Modem (= type / [type *(, type)]) [{ propertyParm *(, ...) }]}: parsed and re-encoded only.
 * Types are kept as their long token or extension name (e.g. {@code V34}, {@code X-Foo}).
 *
 * @param list true for the bracketed list form
 */
public record ModemDescriptor(List<String> types, boolean list, List<PropertyParm> properties) implements Descriptor {
    public ModemDescriptor {
        types = Checks.nonEmpty(types, "a Modem descriptor's modem types");
        properties = List.copyOf(properties);
    }
}
