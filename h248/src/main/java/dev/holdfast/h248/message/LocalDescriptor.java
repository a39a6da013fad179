package dev.holdfast.h248.message;

/**
 * {@code Local { octetString }}: the local session description (SDP, possibly several alternatives), kept
 * verbatim as received so that it re-encodes byte for byte; parse it with {@link Sdp#parse}.
 */
public record LocalDescriptor(String sdp) implements StreamParm {}
