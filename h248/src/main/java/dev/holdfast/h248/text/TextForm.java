package dev.holdfast.h248.text;

/** The two spellings of the H.248.1 text encoding. */
public enum TextForm {
    /** Long tokens, indented, one element per line: for people. */
    PRETTY,
    /** Short tokens, no optional white space: for the wire. */
    COMPACT
}
