package dev.holdfast.h248.message;

/** {@code observedEventParameter = eventStream / eventOther} (also {@code eventSpecParameter}). */
public sealed interface ObservedEventParameter permits StreamRef, PropertyParm {}
