package dev.holdfast.h248.message;

import java.util.List;

/**
 * {@code Events [= RequestID { requestedEvent *(, requestedEvent) }]}. A bare {@code Events} (no request id,
 * no events: clears the events) has {@code requestId == null}.
 */
public record EventsDescriptor(RequestId requestId, List<RequestedEvent> events) implements Descriptor {
    public EventsDescriptor { events = List.copyOf(events); }

    public static EventsDescriptor of(long requestId, RequestedEvent... events) {
        return new EventsDescriptor(RequestId.of(requestId), List.of(events));
    }
}
