package dev.holdfast.h248.transport.codec;

import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.transport.Peer;

/** A decoded message and its sender. */
public record InboundMessage(Peer peer, Message message) {}
