package dev.holdfast.h248.text;

/** Thrown only by the convenience {@link TextCodec#parse} for callers that prefer an exception. */
public final class H248SyntaxException extends Exception {
    private final transient SyntaxError error;

    public H248SyntaxException(SyntaxError error) {
        super(error.describe());
        this.error = error;
    }

    public SyntaxError error() { return error; }
}
