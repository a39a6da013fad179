package dev.holdfast.h248.transport;

import dev.holdfast.h248.transport.codec.InboundMessage;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

/**
 * Last inbound handler: hands each decoded message to the transaction layer. Catches what reaches the end of the
 * pipeline so that nothing escapes it.
 */
@ChannelHandler.Sharable
public final class TransactionDispatchHandler extends SimpleChannelInboundHandler<InboundMessage> {
    private static final System.Logger LOG = System.getLogger(TransactionDispatchHandler.class.getName());
    private final TransportListener listener;

    public TransactionDispatchHandler(TransportListener listener) {
        this.listener = listener;
    }

    @Override protected void channelRead0(ChannelHandlerContext ctx, InboundMessage msg) {
        try {
            listener.onMessage(msg.peer(), msg.message());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "transaction layer rejected a message from " + msg.peer(), e);
        }
    }

    @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // I/O errors (connection reset, ICMP unreachable on UDP) end up here; a TCP channel closes by itself.
        LOG.log(System.Logger.Level.DEBUG, () -> "channel " + ctx.channel() + ": " + cause);
    }
}
