package dev.holdfast.h248.transport.codec;

import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.transport.Peer;

/** A message to encode and send to a peer (for TCP the peer is the channel's remote end). */
public record OutboundMessage(Peer peer, Message message) {}
