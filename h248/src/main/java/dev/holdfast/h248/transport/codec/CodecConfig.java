package dev.holdfast.h248.transport.codec;

import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.text.DecodeOptions;
import dev.holdfast.h248.text.TextForm;
import dev.holdfast.h248.transport.H248Counters;
import dev.holdfast.h248.transport.Peer;

import java.util.Objects;
import java.util.function.Function;

/**
 * What the codec handlers of one endpoint share.
 *
 * @param localMid       our mId, written in error answers to undecodable messages
 * @param version        version of such answers when the bad message's own version could not be read
 * @param decodeOptions  how received messages are decoded
 * @param textFormFor    pretty or compact, per peer
 * @param codec          the wire encoding
 * @param maxErrorAnswersPerSecond cap on error answers to undecodable messages
 */
public record CodecConfig(MId localMid, int version, DecodeOptions decodeOptions,
                          Function<Peer, TextForm> textFormFor, H248Counters counters, MessageCodec codec,
                          int maxErrorAnswersPerSecond) {
    public CodecConfig {
        Objects.requireNonNull(codec);
        Objects.requireNonNull(localMid);
        Objects.requireNonNull(decodeOptions);
        Objects.requireNonNull(textFormFor);
        Objects.requireNonNull(counters);
    }
}
