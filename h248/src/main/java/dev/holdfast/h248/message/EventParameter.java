package dev.holdfast.h248.message;

/**
 * {@code eventParameter = embedWithSig / embedNoSig / KeepActive / eventDM / eventStream / eventOther /
 * notifyBehaviour / ResetEventsDescriptor}.
 */
public sealed interface EventParameter permits EventParameter.Embed, EventParameter.EventDigitMap,
        EventParameter.NotifyBehaviour, EventParameter.ResetEventsDescriptor, KeepActive, StreamRef, PropertyParm {

    /**
     * {@code Embed { [signalsDescriptor] [, Events [= id { ... }]] }}: signals to play and events to arm when
     * the event occurs. Either part may be null, not both.
     */
    record Embed(SignalsDescriptor signals, EventsDescriptor events) implements EventParameter {}

    /** {@code DigitMap = name} or {@code DigitMap = { value }}: exactly one of the two is non-null. */
    record EventDigitMap(String name, DigitMapValue value) implements EventParameter {}

    enum NotifyBehaviourKind { IMMEDIATE, REGULATED, NEVER }

    /** v3 {@code ImmediateNotify / NeverNotify / RegulatedNotify [{ embed }]}; {@code regulatedEmbed} may be null. */
    record NotifyBehaviour(NotifyBehaviourKind kind, Embed regulatedEmbed) implements EventParameter {}

    /** v3 {@code ResetEventsDescriptor}. */
    record ResetEventsDescriptor() implements EventParameter {}
}
