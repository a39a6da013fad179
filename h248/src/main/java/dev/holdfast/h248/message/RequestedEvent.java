package dev.holdfast.h248.message;

import java.util.List;

/**
 * {@code requestedEvent = pkgdName [{ eventParameter *(, ...) }]}; also used for the events of an embedded
 * Events descriptor ({@code secondRequestedEvent}), whose parameters the decoder restricts.
 */
public record RequestedEvent(String name, List<EventParameter> parameters) {
    public RequestedEvent { parameters = List.copyOf(parameters); }

    public static RequestedEvent of(String name, EventParameter... parameters) {
        return new RequestedEvent(name, List.of(parameters));
    }
}
