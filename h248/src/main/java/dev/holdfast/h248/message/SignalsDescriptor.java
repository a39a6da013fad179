package dev.holdfast.h248.message;

import java.util.List;

/** {@code Signals { [signalParm *(, signalParm)] }}: an empty descriptor stops all signals. */
public record SignalsDescriptor(List<SignalParm> signals) implements Descriptor {
    public SignalsDescriptor { signals = List.copyOf(signals); }

    public static SignalsDescriptor of(SignalParm... signals) { return new SignalsDescriptor(List.of(signals)); }
}
