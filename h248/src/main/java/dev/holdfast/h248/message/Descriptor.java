package dev.holdfast.h248.message;

/**
 * A descriptor as it appears in a command ({@code ammParameter}) or a reply ({@code auditReturnParameter}).
 * Which descriptors a command may carry is the ABNF's business and is checked by the decoder.
 */
public sealed interface Descriptor permits MediaDescriptor, ModemDescriptor, MuxDescriptor, EventsDescriptor,
        SignalsDescriptor, DigitMapDescriptor, EventBufferDescriptor, AuditDescriptor, StatisticsDescriptor,
        ObservedEventsDescriptor, PackagesDescriptor, ErrorDescriptor, AuditReturnItem, IndAuditReturn {
}
