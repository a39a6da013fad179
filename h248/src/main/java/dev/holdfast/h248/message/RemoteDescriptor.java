package dev.holdfast.h248.message;

/** {@code Remote { octetString }}: the remote session description, verbatim; see {@link LocalDescriptor}. */
public record RemoteDescriptor(String sdp) implements StreamParm {}
