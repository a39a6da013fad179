package dev.holdfast.h248.transaction;

import dev.holdfast.h248.message.ErrorDescriptor;

/** Thrown (or completed exceptionally) by a {@link RequestHandler} to answer with a transaction-level error. */
public final class TransactionErrorException extends RuntimeException {
    private final ErrorDescriptor error;

    public TransactionErrorException(ErrorDescriptor error) {
        super("H.248 error " + error.code() + (error.text() == null ? "" : " " + error.text()));
        this.error = error;
    }

    public ErrorDescriptor error() { return error; }
}
