package dev.holdfast.h248.message;

import java.util.List;

/**
 * {@code Events [= RequestID { requestedEvent *(, requestedEvent) }]}. A bare {@code Events} (no request id,
 * no events: clears the events) has {@code requestId == null}.
 */
public record EventsDescriptor(RequestId requestId, List<RequestedEvent> events) implements Descriptor {
    public EventsDescriptor {
        events = List.copyOf(events);
        // eventsDescriptor = EventsToken [EQUAL RequestID LBRKT requestedEvent *(COMMA requestedEvent) RBRKT]
        if ((requestId == null) != events.isEmpty()) {
            throw new IllegalArgumentException(requestId == null
                    ? "an Events descriptor with events needs a RequestID"
                    : "an Events descriptor with a RequestID needs at least one event (an empty one is 'Events')");
        }
    }

    public static EventsDescriptor of(long requestId, RequestedEvent... events) {
        return new EventsDescriptor(RequestId.of(requestId), List.of(events));
    }
}
