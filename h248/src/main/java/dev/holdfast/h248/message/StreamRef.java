package dev.holdfast.h248.message;

/** {@code Stream = StreamID} as an event, signal or observed-event parameter. */
public record StreamRef(int streamId) implements EventParameter, SignalParameter, ObservedEventParameter {
    public StreamRef { Checks.uint16(streamId, "StreamID"); }
}
