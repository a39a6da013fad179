package dev.holdfast.h248.transport.tcp;

import dev.holdfast.h248.transport.H248Counters;
import dev.holdfast.h248.transport.Peer;
import dev.holdfast.h248.transport.codec.InboundFrame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Splits a TCP byte stream into H.248 messages by their TPKT headers (Annex D.2). A header with a version other
 * than 3, a length shorter than the header, or a payload over {@code maxPayload} means the stream cannot be
 * trusted any more: the frame is logged and counted and the connection closed, without reading or allocating the
 * claimed length. A frame with an empty payload is dropped and counted.
 */
public final class TpktFrameDecoder extends ByteToMessageDecoder {
    private static final System.Logger LOG = System.getLogger(TpktFrameDecoder.class.getName());

    private final int maxPayload;
    private final H248Counters counters;
    private Peer peer;
    private boolean broken;

    public TpktFrameDecoder(int maxPayload, H248Counters counters) {
        if (maxPayload < 1 || maxPayload > Tpkt.MAX_PAYLOAD) throw new IllegalArgumentException("maxPayload " + maxPayload);
        this.maxPayload = maxPayload;
        this.counters = counters;
    }

    @Override protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (broken) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.readableBytes() >= Tpkt.HEADER_LENGTH) {
            int at = in.readerIndex();
            int version = in.getUnsignedByte(at);
            int length = in.getUnsignedShort(at + 2);
            if (version != Tpkt.VERSION) {
                counters.malformedFrames.increment();
                fail(ctx, in, "TPKT version " + version + " (expected 3)");
                return;
            }
            if (length < Tpkt.HEADER_LENGTH) {
                counters.malformedFrames.increment();
                fail(ctx, in, "TPKT length " + length + " shorter than its header");
                return;
            }
            int payload = length - Tpkt.HEADER_LENGTH;
            if (payload > maxPayload) {
                counters.oversized.increment();
                fail(ctx, in, "TPKT frame of " + payload + " octets exceeds the limit of " + maxPayload);
                return;
            }
            if (in.readableBytes() < length) return; // wait for the rest of the frame
            in.skipBytes(Tpkt.HEADER_LENGTH);
            if (payload == 0) {
                counters.malformedFrames.increment();
                LOG.log(System.Logger.Level.WARNING, () -> "empty TPKT frame from " + peer(ctx) + " dropped");
                continue;
            }
            byte[] bytes = new byte[payload];
            in.readBytes(bytes);
            out.add(new InboundFrame(peer(ctx), bytes));
        }
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, String why) {
        broken = true;
        in.skipBytes(in.readableBytes());
        LOG.log(System.Logger.Level.WARNING, () -> "closing connection from " + peer(ctx) + ": " + why);
        ctx.close();
    }

    private Peer peer(ChannelHandlerContext ctx) {
        if (peer == null) peer = Peer.of(ctx.channel().remoteAddress());
        return peer;
    }
}
