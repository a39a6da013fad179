package dev.holdfast.h248.text;

/**
 * Why and where a message could not be decoded. {@code offset} is the 0-based character offset into the
 * message; {@code line} and {@code column} are 1-based.
 */
public record SyntaxError(int offset, int line, int column, String reason) {
    /** "line 3, column 17: expected '}' but found ','" */
    public String describe() { return "line " + line + ", column " + column + ": " + reason; }

    @Override public String toString() { return describe(); }
}
