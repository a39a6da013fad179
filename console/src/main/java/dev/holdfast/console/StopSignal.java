package dev.holdfast.console;

/** How a long-running command (the event stream) learns that the admin wants it to stop (Ctrl-C) or has gone. */
interface StopSignal {
    /** Waits up to {@code millis}; true once the admin asked to stop or the channel closed. */
    boolean awaitStop(long millis) throws InterruptedException;
}
