package dev.holdfast.h248.message;

import java.util.List;

/** {@code Packages { name-version *(, ...) }}. */
public record PackagesDescriptor(List<Item> packages) implements Descriptor {
    public PackagesDescriptor { packages = List.copyOf(packages); }

    public record Item(String name, int version) {}
}
