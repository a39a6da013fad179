package dev.holdfast.tcpha.rig;

/** A namespace rig command that failed; the message names the command and what it printed. */
public final class RigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RigException(String message) { super(message); }

    public RigException(String message, Throwable cause) { super(message, cause); }
}
