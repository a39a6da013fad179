package dev.holdfast.h248.transport.codec;

import dev.holdfast.h248.transport.Peer;

/** One whole H.248 message as octets (a datagram, or a TPKT payload), with where it came from. */
public record InboundFrame(Peer peer, byte[] bytes) {}
