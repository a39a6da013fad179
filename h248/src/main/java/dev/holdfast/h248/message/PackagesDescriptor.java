package dev.holdfast.h248.message;

import java.util.List;

/** {@code Packages { name-version *(, ...) }}. */
public record PackagesDescriptor(List<Item> packages) implements Descriptor {
    public PackagesDescriptor { packages = Checks.nonEmpty(packages, "a Packages descriptor"); }

    public record Item(String name, int version) {
        public Item { Checks.uint16(version, "package version"); }
    }
}
