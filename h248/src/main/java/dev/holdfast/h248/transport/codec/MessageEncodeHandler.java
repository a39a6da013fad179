package dev.holdfast.h248.transport.codec;

import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.MessageBody;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.transport.Peer;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageEncoder;

import java.util.List;

/**
 * Encodes an {@link OutboundMessage} with the configured {@link MessageCodec} in the peer's text form: a datagram addressed to the
 * peer (UDP), or a payload for the framing encoder below (TCP). A message of several transactions (the
 * transaction layer's batch of one turn) that encodes larger than {@code batchLimit} goes as several messages,
 * split at transaction boundaries, in order; a message of one transaction over {@code maxSize} fails its write with
 * {@link MessageTooLargeException} (one such transaction inside a batch is dropped alone, logged and counted).
 * Nothing is ever truncated.
 */
@ChannelHandler.Sharable
public final class MessageEncodeHandler extends MessageToMessageEncoder<OutboundMessage> {
    public enum Framing { DATAGRAM, STREAM }

    private static final System.Logger LOG = System.getLogger(MessageEncodeHandler.class.getName());

    private final CodecConfig config;
    private final Framing framing;
    private final int maxSize;
    private final int batchLimit;

    public MessageEncodeHandler(CodecConfig config, Framing framing, int maxSize) {
        this(config, framing, maxSize, maxSize);
    }

    /** @param batchLimit largest encoding of a message of several transactions (at most {@code maxSize}) */
    public MessageEncodeHandler(CodecConfig config, Framing framing, int maxSize, int batchLimit) {
        this.config = config;
        this.framing = framing;
        this.maxSize = maxSize;
        this.batchLimit = Math.min(maxSize, batchLimit);
    }

    @Override protected void encode(ChannelHandlerContext ctx, OutboundMessage msg, List<Object> out) {
        encodeWithin(msg.peer(), msg.message(), out, false);
    }

    /** Encodes {@code message}; when it holds several transactions and is too large, each half on its own. */
    private void encodeWithin(Peer peer, Message message, List<Object> out, boolean partOfBatch) {
        byte[] bytes = config.codec().encode(message, config.textFormFor().apply(peer));
        List<Transaction> ts = message.transactions();
        if (bytes.length > batchLimit && ts.size() > 1) {
            config.counters().batchesSplit.increment();
            int half = ts.size() / 2;
            encodeWithin(peer, withTransactions(message, ts.subList(0, half)), out, true);
            encodeWithin(peer, withTransactions(message, ts.subList(half, ts.size())), out, true);
            return;
        }
        if (bytes.length > maxSize) {
            if (!partOfBatch) throw new MessageTooLargeException(bytes.length, maxSize);
            // one oversized transaction must not fail its batch-mates: it alone is dropped; a request's
            // retransmission then goes alone and fails as too large, so its sender still learns of it
            config.counters().sendFailures.increment();
            LOG.log(System.Logger.Level.WARNING, () -> "a " + ts.get(0).getClass().getSimpleName() + " to " + peer
                    + " dropped from its batch: " + bytes.length + " octets, the limit is " + maxSize);
            return;
        }
        config.counters().messagesSent.increment();
        if (framing == Framing.DATAGRAM) {
            out.add(new DatagramPacket(Unpooled.wrappedBuffer(bytes), peer.address()));
        } else {
            out.add(Unpooled.wrappedBuffer(bytes));
        }
    }

    private static Message withTransactions(Message m, List<Transaction> ts) {
        return new Message(m.auth(), m.version(), m.mid(), new MessageBody.Transactions(List.copyOf(ts)));
    }
}
