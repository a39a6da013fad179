package dev.holdfast.h248.message;

import java.util.List;

/**
 * {@code parmValue = (EQUAL alternativeValue) / (INEQUAL VALUE)}. Each VALUE is kept as written: a quoted
 * string keeps its double quotes.
 */
public sealed interface ParmValue {
    /** {@code name = v}, or with a relation {@code name > v}, {@code name < v}, {@code name # v}. */
    record Single(Relation relation, String value) implements ParmValue {}

    /** {@code name = [a, b, ...]}: all of these (a sublist). */
    record AllOf(List<String> values) implements ParmValue {
        public AllOf { values = List.copyOf(values); }
    }

    /** {@code name = {a, b, ...}}: one of these (alternatives). */
    record OneOf(List<String> values) implements ParmValue {
        public OneOf { values = List.copyOf(values); }
    }

    /** {@code name = [low : high]}: a range. */
    record Range(String low, String high) implements ParmValue {}

    enum Relation { EQUAL, GREATER, LESS, NOT_EQUAL }

    static ParmValue of(String value) { return new Single(Relation.EQUAL, value); }

    /** The content of a VALUE: a quoted string without its quotes, any other value unchanged. */
    static String unquote(String value) {
        return value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"'
                ? value.substring(1, value.length() - 1) : value;
    }
}
