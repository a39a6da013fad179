package dev.holdfast.controller.core;

import java.util.List;

/** A deterministic state machine: the same events in the same order give the same commands. */
public interface Core {
    /** Applies one event and returns the commands it caused, in order. */
    List<Command> handle(Event event);

    /** The notices the last event caused (none unless the core was asked to give them); they are handed out once. */
    default List<Notice> drainNotices() { return List.of(); }
}
