package dev.holdfast.console;

/** A command that cannot be done, with the text the admin sees after {@code error: }. */
final class CliError extends Exception {
    final int exitStatus;

    CliError(String message) { this(message, 1); }

    CliError(String message, int exitStatus) {
        super(message, null, false, false);
        this.exitStatus = exitStatus;
    }

    /** Bad words or arguments: exit status 2, as shells use for usage errors. */
    static CliError usage(String message) { return new CliError(message, 2); }
}
