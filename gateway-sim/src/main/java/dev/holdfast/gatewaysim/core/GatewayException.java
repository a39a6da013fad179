package dev.holdfast.gatewaysim.core;

import dev.holdfast.h248.message.ErrorDescriptor;

/** A command that fails with an H.248 error; the command's reply carries {@link #error()}. */
public final class GatewayException extends Exception {
    private final ErrorDescriptor error;

    public GatewayException(int code, String text) {
        super(code + " " + text);
        this.error = ErrorDescriptor.of(code, text.replace('"', '\''));
    }

    public ErrorDescriptor error() { return error; }
}
