package dev.holdfast.h248.transport.udp;

import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.transaction.MessageSender;
import dev.holdfast.h248.transport.Peer;
import dev.holdfast.h248.transport.TransactionDispatchHandler;
import dev.holdfast.h248.transport.TransportListener;
import dev.holdfast.h248.transport.codec.CodecConfig;
import dev.holdfast.h248.transport.codec.MessageDecodeHandler;
import dev.holdfast.h248.transport.codec.MessageEncodeHandler;
import dev.holdfast.h248.transport.codec.OutboundMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * H.248 over UDP with application-level framing (Annex D.1): one socket, one datagram per message, any number
 * of peers. Unreliable: the transaction layer retransmits and detects duplicates.
 */
public final class UdpTransport implements MessageSender, AutoCloseable {
    /** The largest UDP payload over IPv4. */
    public static final int MAX_UDP_PAYLOAD = 65_507;
    /** Socket receive and send buffer asked for (the kernel grants at most net.core.rmem_max / wmem_max). */
    static final int SOCKET_BUFFER_BYTES = 4 << 20;
    /**
     * Largest datagram a batch of several transactions is packed into: one frame on a 1500-octet Ethernet MTU with
     * IPv6 and UDP headers (1452) and some room for tunnels, so that batching never makes a message be fragmented.
     * A single transaction may still be larger (up to the endpoint's maximum datagram size).
     */
    public static final int BATCH_DATAGRAM_LIMIT = 1400;

    private final Channel channel;

    private UdpTransport(Channel channel) {
        this.channel = channel;
    }

    /**
     * The pipeline of the H.248 UDP socket, in one place. Inbound top to bottom, outbound bottom to top:
     * <pre>
     *   datagram-filter       DatagramPacket -> InboundFrame; empty/oversized dropped     (inbound)
     *   message-encoder       OutboundMessage -> DatagramPacket to the peer               (outbound)
     *   message-decoder       InboundFrame -> InboundMessage, errors answered             (inbound)
     *   transaction-dispatch  InboundMessage -> transaction layer                         (inbound)
     * </pre>
     */
    static void composePipeline(ChannelPipeline p, CodecConfig codec, int maxDatagramSize,
                                TransportListener listener) {
        p.addLast("datagram-filter", new DatagramFilter(maxDatagramSize, codec.counters()));
        p.addLast("message-encoder", new MessageEncodeHandler(codec, MessageEncodeHandler.Framing.DATAGRAM,
                maxDatagramSize, BATCH_DATAGRAM_LIMIT));
        p.addLast("message-decoder", new MessageDecodeHandler(codec));
        p.addLast("transaction-dispatch", new TransactionDispatchHandler(listener));
    }

    public static UdpTransport bind(EventLoopGroup group, InetSocketAddress bind, CodecConfig codec,
                                    int maxDatagramSize, TransportListener listener) throws InterruptedException {
        if (maxDatagramSize < 1 || maxDatagramSize > MAX_UDP_PAYLOAD) {
            throw new IllegalArgumentException("maxDatagramSize " + maxDatagramSize);
        }
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                // One socket carries every gateway's (or every controller's) transactions: with the kernel's default
                // ~200 KB a burst (a registration's audits, a retransmission wave) overflows it and the drops turn
                // into retransmissions. The kernel caps this at net.core.rmem_max / wmem_max.
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
                // One more than the limit, so that an oversized datagram is seen as such, not silently cut.
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(
                        Math.min(maxDatagramSize + 1, MAX_UDP_PAYLOAD + 1)))
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override protected void initChannel(DatagramChannel ch) {
                        composePipeline(ch.pipeline(), codec, maxDatagramSize, listener);
                    }
                });
        return new UdpTransport(b.bind(bind).sync().channel());
    }

    @Override public CompletionStage<Void> send(Peer peer, Message message) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        channel.writeAndFlush(new OutboundMessage(peer, message)).addListener(f -> {
            if (f.isSuccess()) result.complete(null);
            else result.completeExceptionally(f.cause());
        });
        return result;
    }

    @Override public boolean reliable() { return false; }

    public InetSocketAddress localAddress() { return (InetSocketAddress) channel.localAddress(); }

    @Override public void close() {
        channel.close().syncUninterruptibly();
    }
}
