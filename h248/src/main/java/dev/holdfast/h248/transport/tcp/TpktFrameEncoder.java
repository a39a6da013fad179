package dev.holdfast.h248.transport.tcp;

import dev.holdfast.h248.transport.codec.MessageTooLargeException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;

import java.util.List;

/** Puts a TPKT header (version 3, reserved 0, length incl. header) in front of each encoded message. */
@ChannelHandler.Sharable
public final class TpktFrameEncoder extends MessageToMessageEncoder<ByteBuf> {
    @Override protected void encode(ChannelHandlerContext ctx, ByteBuf payload, List<Object> out) {
        int n = payload.readableBytes();
        if (n > Tpkt.MAX_PAYLOAD) throw new MessageTooLargeException(n, Tpkt.MAX_PAYLOAD);
        ByteBuf header = ctx.alloc().buffer(Tpkt.HEADER_LENGTH);
        header.writeByte(Tpkt.VERSION).writeByte(0).writeShort(n + Tpkt.HEADER_LENGTH);
        out.add(header);
        out.add(payload.retain());
    }
}
