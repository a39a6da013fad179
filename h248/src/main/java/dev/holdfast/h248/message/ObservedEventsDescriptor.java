package dev.holdfast.h248.message;

import java.util.List;

/** {@code ObservedEvents = RequestID { observedEvent *(, observedEvent) }}. */
public record ObservedEventsDescriptor(RequestId requestId, List<ObservedEvent> events) implements Descriptor {
    public ObservedEventsDescriptor {
        Checks.present(requestId, "the RequestID of an ObservedEvents descriptor");
        events = Checks.nonEmpty(events, "an ObservedEvents descriptor");
    }

    /** {@code [TimeStamp :] pkgdName [{ observedEventParameter *(, ...) }]}; {@code timeStamp} may be null. */
    public record ObservedEvent(TimeStamp timeStamp, String name, List<ObservedEventParameter> parameters) {
        public ObservedEvent { parameters = List.copyOf(parameters); }

        public static ObservedEvent of(String name, ObservedEventParameter... parameters) {
            return new ObservedEvent(null, name, List.of(parameters));
        }
    }
}
