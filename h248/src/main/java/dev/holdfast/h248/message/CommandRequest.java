package dev.holdfast.h248.message;

/**
 * {@code ["O-"] ["W-"] commandRequest}: a command with its optional ({@code O-}) and wildcard-response
 * ({@code W-}) flags.
 */
public record CommandRequest(Command command, boolean optional, boolean wildcardResponse) {
    public static CommandRequest of(Command command) { return new CommandRequest(command, false, false); }
}
