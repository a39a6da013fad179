package dev.holdfast.h248.message;

/** {@code KeepActive}: the event or signal does not stop active signals. */
public record KeepActive() implements EventParameter, SignalParameter {
    public static final KeepActive INSTANCE = new KeepActive();
}
