package dev.holdfast.h248.transport.udp;

import dev.holdfast.h248.transport.H248Counters;
import dev.holdfast.h248.transport.LogLimiter;
import dev.holdfast.h248.transport.Peer;
import dev.holdfast.h248.transport.codec.InboundFrame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

/**
 * Annex D.1 framing: one datagram is one message. Empty datagrams and datagrams over the configured maximum are
 * dropped with a log line and a counter; the rest go on as {@link InboundFrame}s.
 */
public final class DatagramFilter extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final System.Logger LOG = System.getLogger(DatagramFilter.class.getName());

    private final int maxDatagramSize;
    private final H248Counters counters;
    private final LogLimiter badInputLog = new LogLimiter(LOG, 20);

    public DatagramFilter(int maxDatagramSize, H248Counters counters) {
        this.maxDatagramSize = maxDatagramSize;
        this.counters = counters;
    }

    @Override protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        ByteBuf content = packet.content();
        int n = content.readableBytes();
        Peer peer = Peer.of(packet.sender());
        if (n == 0) {
            counters.malformedFrames.increment();
            badInputLog.log(System.Logger.Level.WARNING, () -> "empty datagram from " + peer + " dropped");
            return;
        }
        if (n > maxDatagramSize) {
            counters.oversized.increment();
            badInputLog.log(System.Logger.Level.WARNING, () -> "datagram of " + n + " octets from " + peer
                    + " exceeds the limit of " + maxDatagramSize + ", dropped");
            return;
        }
        byte[] bytes = new byte[n];
        content.getBytes(content.readerIndex(), bytes);
        ctx.fireChannelRead(new InboundFrame(peer, bytes));
    }
}
