package dev.holdfast.h248.transport.tcp;

import dev.holdfast.h248.transport.Peer;
import dev.holdfast.h248.transport.TransportListener;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the open connection of each peer, so that a message for a peer finds its channel, and reports a closed
 * connection as the loss of the peer (its outstanding transactions fail at once).
 */
@ChannelHandler.Sharable
public final class ConnectionRegistry extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(ConnectionRegistry.class.getName());

    private final Map<Peer, Channel> channels = new ConcurrentHashMap<>();
    private final TransportListener listener;

    public ConnectionRegistry(TransportListener listener) {
        this.listener = listener;
    }

    @Override public void channelActive(ChannelHandlerContext ctx) throws Exception {
        Peer peer = Peer.of(ctx.channel().remoteAddress());
        Channel old = channels.put(peer, ctx.channel());
        if (old != null && old != ctx.channel()) old.close();
        LOG.log(System.Logger.Level.DEBUG, () -> "connection from " + peer);
        listener.onPeerConnected(peer);
        super.channelActive(ctx);
    }

    @Override public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        Peer peer = Peer.of(ctx.channel().remoteAddress());
        if (channels.remove(peer, ctx.channel())) {
            LOG.log(System.Logger.Level.INFO, () -> "connection to " + peer + " closed");
            try {
                listener.onPeerLost(peer);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "peer-loss handling failed for " + peer, e);
            }
        }
        super.channelInactive(ctx);
    }

    public Channel channel(Peer peer) { return channels.get(peer); }

    public Set<Peer> peers() { return Set.copyOf(channels.keySet()); }

    int size() { return channels.size(); }
}
