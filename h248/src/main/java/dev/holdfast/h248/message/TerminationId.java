package dev.holdfast.h248.message;

import java.util.Objects;

/**
 * {@code TerminationID = "ROOT" / pathNAME / "$" / "*"}, kept as written (pathNAME may hold {@code *} and
 * {@code $} wildcards and an {@code @domain} part).
 */
public record TerminationId(String value) {
    public static final TerminationId ROOT = new TerminationId("ROOT");
    public static final TerminationId CHOOSE = new TerminationId("$");
    public static final TerminationId ALL = new TerminationId("*");

    public TerminationId {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) throw new IllegalArgumentException("empty termination id");
    }

    public static TerminationId of(String value) { return new TerminationId(value); }

    public boolean isRoot() { return value.equalsIgnoreCase("ROOT"); }

    /** True when the id contains a {@code *} (ALL) or {@code $} (CHOOSE) wildcard anywhere. */
    public boolean isWildcard() { return value.indexOf('*') >= 0 || value.indexOf('$') >= 0; }

    @Override public String toString() { return value; }
}
