package dev.holdfast.h248.message;

/**
 * {@code DigitMap = name}, {@code DigitMap = { value }} or {@code DigitMap = name { value }} (defines a named
 * map). A bare {@code DigitMap} (audit) has both null.
 */
public record DigitMapDescriptor(String name, DigitMapValue value) implements Descriptor {}
