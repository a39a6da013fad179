package dev.holdfast.h248.transport;

import dev.holdfast.h248.text.DecodeOptions;
import dev.holdfast.h248.text.TextForm;
import dev.holdfast.h248.transaction.TransactionOptions;
import dev.holdfast.h248.transport.codec.MessageCodec;
import dev.holdfast.h248.transport.tcp.Tpkt;
import io.netty.channel.EventLoopGroup;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * How an {@link H248Endpoint} is set up.
 *
 * @param transactions     timers and bounds of the transaction layer
 * @param decodeOptions    how received messages are decoded (LENIENT by default)
 * @param textForm         the text form we send in, unless {@code perPeerTextForm} names the peer
 * @param perPeerTextForm  text form by peer, for peers that need the other one
 * @param maxDatagramSize  largest datagram accepted and sent (UDP)
 * @param maxFrameSize     largest TPKT payload accepted and sent (TCP)
 * @param connectTimeoutMillis TCP client connect timeout
 * @param eventLoopGroup   the Netty group to run on, or null for a private single-thread group closed with the
 *                         endpoint
 * @param random           randomness (initial TransactionID, restart avoidance), or null for a fresh one
 * @param codec            the wire encoding ({@link MessageCodec#TEXT})
 * @param maxErrorAnswersPerSecond error answers to undecodable messages sent per second at most (the rest are
 *                         dropped and counted: the source address of garbage is unverified)
 */
public record EndpointOptions(TransactionOptions transactions, DecodeOptions decodeOptions, TextForm textForm,
                              Map<Peer, TextForm> perPeerTextForm, int maxDatagramSize, int maxFrameSize,
                              int connectTimeoutMillis, EventLoopGroup eventLoopGroup, RandomGenerator random,
                              MessageCodec codec, int maxErrorAnswersPerSecond) {

    public static final EndpointOptions DEFAULTS = new EndpointOptions(TransactionOptions.DEFAULTS,
            DecodeOptions.LENIENT, TextForm.COMPACT, Map.of(), 8192, 8192, 5000, null, null, MessageCodec.TEXT, 100);

    public EndpointOptions {
        Objects.requireNonNull(transactions);
        Objects.requireNonNull(decodeOptions);
        Objects.requireNonNull(textForm);
        Objects.requireNonNull(codec);
        perPeerTextForm = Map.copyOf(perPeerTextForm);
        if (maxErrorAnswersPerSecond < 0) throw new IllegalArgumentException("maxErrorAnswersPerSecond " + maxErrorAnswersPerSecond);
        if (maxDatagramSize < 1) throw new IllegalArgumentException("maxDatagramSize " + maxDatagramSize);
        if (maxFrameSize < 1 || maxFrameSize > Tpkt.MAX_PAYLOAD) throw new IllegalArgumentException("maxFrameSize " + maxFrameSize);
    }

    public Function<Peer, TextForm> textFormFor() {
        return p -> perPeerTextForm.getOrDefault(p, textForm);
    }

    public EndpointOptions withTransactions(TransactionOptions t) {
        return new EndpointOptions(t, decodeOptions, textForm, perPeerTextForm, maxDatagramSize, maxFrameSize,
                connectTimeoutMillis, eventLoopGroup, random, codec, maxErrorAnswersPerSecond);
    }

    public EndpointOptions withDecodeOptions(DecodeOptions d) {
        return new EndpointOptions(transactions, d, textForm, perPeerTextForm, maxDatagramSize, maxFrameSize,
                connectTimeoutMillis, eventLoopGroup, random, codec, maxErrorAnswersPerSecond);
    }

    public EndpointOptions withTextForm(TextForm f) {
        return new EndpointOptions(transactions, decodeOptions, f, perPeerTextForm, maxDatagramSize, maxFrameSize,
                connectTimeoutMillis, eventLoopGroup, random, codec, maxErrorAnswersPerSecond);
    }

    public EndpointOptions withPerPeerTextForm(Map<Peer, TextForm> m) {
        return new EndpointOptions(transactions, decodeOptions, textForm, m, maxDatagramSize, maxFrameSize,
                connectTimeoutMillis, eventLoopGroup, random, codec, maxErrorAnswersPerSecond);
    }

    public EndpointOptions withMaxDatagramSize(int n) {
        return new EndpointOptions(transactions, decodeOptions, textForm, perPeerTextForm, n, maxFrameSize,
                connectTimeoutMillis, eventLoopGroup, random, codec, maxErrorAnswersPerSecond);
    }

    public EndpointOptions withMaxFrameSize(int n) {
        return new EndpointOptions(transactions, decodeOptions, textForm, perPeerTextForm, maxDatagramSize, n,
                connectTimeoutMillis, eventLoopGroup, random, codec, maxErrorAnswersPerSecond);
    }

    public EndpointOptions withEventLoopGroup(EventLoopGroup g) {
        return new EndpointOptions(transactions, decodeOptions, textForm, perPeerTextForm, maxDatagramSize,
                maxFrameSize, connectTimeoutMillis, g, random, codec, maxErrorAnswersPerSecond);
    }

    public EndpointOptions withRandom(RandomGenerator r) {
        return new EndpointOptions(transactions, decodeOptions, textForm, perPeerTextForm, maxDatagramSize,
                maxFrameSize, connectTimeoutMillis, eventLoopGroup, r, codec, maxErrorAnswersPerSecond);
    }

    public EndpointOptions withCodec(MessageCodec c) {
        return new EndpointOptions(transactions, decodeOptions, textForm, perPeerTextForm, maxDatagramSize,
                maxFrameSize, connectTimeoutMillis, eventLoopGroup, random, c, maxErrorAnswersPerSecond);
    }

    public EndpointOptions withMaxErrorAnswersPerSecond(int n) {
        return new EndpointOptions(transactions, decodeOptions, textForm, perPeerTextForm, maxDatagramSize,
                maxFrameSize, connectTimeoutMillis, eventLoopGroup, random, codec, n);
    }
}
