package dev.holdfast.h248.text;

/**
 * A well-known deviation from the ABNF that the lenient decoder accepted, with where it was. The kinds are the
 * ones real gateways (and the RFC 3525 examples) produce.
 */
public record Deviation(Kind kind, int offset, int line, int column, String detail) {
    public enum Kind {
        /** {@code dd/ce(DigitMap=x)} instead of {@code dd/ce{DigitMap=x}}. */
        PARENTHESISED_PARAMETERS,
        /** a comma before a closing brace: {@code {a, b,}}. */
        TRAILING_COMMA,
        /** white space or a line break inside a digit map. */
        WHITESPACE_IN_DIGIT_MAP,
        /** a ServiceChange request with no Reason (mandatory in H.248.1). */
        MISSING_SERVICE_CHANGE_REASON,
        /** any other accepted deviation; {@code detail} says which. */
        OTHER
    }

    public String describe() { return "line " + line + ", column " + column + ": " + kind + ": " + detail; }
}
