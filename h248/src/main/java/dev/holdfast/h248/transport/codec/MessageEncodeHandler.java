package dev.holdfast.h248.transport.codec;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageEncoder;

import java.util.List;

/**
 * Encodes an {@link OutboundMessage} with the configured {@link MessageCodec} in the peer's text form: a datagram addressed to the
 * peer (UDP), or a payload for the framing encoder below (TCP). A message over {@code maxSize} fails its write
 * with {@link MessageTooLargeException}; it is never truncated.
 */
@ChannelHandler.Sharable
public final class MessageEncodeHandler extends MessageToMessageEncoder<OutboundMessage> {
    public enum Framing { DATAGRAM, STREAM }

    private final CodecConfig config;
    private final Framing framing;
    private final int maxSize;

    public MessageEncodeHandler(CodecConfig config, Framing framing, int maxSize) {
        this.config = config;
        this.framing = framing;
        this.maxSize = maxSize;
    }

    @Override protected void encode(ChannelHandlerContext ctx, OutboundMessage msg, List<Object> out) {
        byte[] bytes = config.codec().encode(msg.message(), config.textFormFor().apply(msg.peer()));
        if (bytes.length > maxSize) throw new MessageTooLargeException(bytes.length, maxSize);
        config.counters().messagesSent.increment();
        if (framing == Framing.DATAGRAM) {
            out.add(new DatagramPacket(Unpooled.wrappedBuffer(bytes), msg.peer().address()));
        } else {
            out.add(Unpooled.wrappedBuffer(bytes));
        }
    }
}
