package dev.holdfast.h248.transport.codec;

import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.text.DecodeResult;
import dev.holdfast.h248.text.SyntaxError;
import dev.holdfast.h248.transport.LogLimiter;
import dev.holdfast.h248.transport.PerSecondQuota;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

import java.util.List;

/**
 * Decodes each whole message ({@link InboundFrame}) with the configured {@link MessageCodec} into an {@link InboundMessage}.
 * A message that does not decode is logged with the syntax error's position, counted, and answered as
 * {@link DecodeFailureAnswer} says; it never raises an exception into the pipeline.
 */
@ChannelHandler.Sharable
public final class MessageDecodeHandler extends SimpleChannelInboundHandler<InboundFrame> {
    private static final System.Logger LOG = System.getLogger(MessageDecodeHandler.class.getName());
    private static final int LOGGED_PREFIX = 80;

    private final CodecConfig config;
    private final LogLimiter badInputLog = new LogLimiter(LOG, 20);
    /** Error answers go to a source address nobody verified: cap them so garbage cannot be reflected at volume. */
    private final PerSecondQuota errorAnswers;

    public MessageDecodeHandler(CodecConfig config) {
        this.config = config;
        this.errorAnswers = new PerSecondQuota(config.maxErrorAnswersPerSecond());
    }

    @Override protected void channelRead0(ChannelHandlerContext ctx, InboundFrame frame) {
        config.counters().messagesReceived.increment();
        DecodeResult result;
        try {
            result = config.codec().decode(frame.bytes(), config.decodeOptions());
        } catch (RuntimeException e) {
            // The decoder promises not to throw; if it does anyway, the message is still just undecodable.
            LOG.log(System.Logger.Level.ERROR, "decoder threw on a message from " + frame.peer(), e);
            result = new DecodeResult.Failed(new SyntaxError(0, 1, 1, "decoder failure"), null, null, List.of());
        }
        if (result instanceof DecodeResult.Decoded d) {
            if (!d.deviations().isEmpty()) {
                LOG.log(System.Logger.Level.DEBUG, () -> "accepted from " + frame.peer() + ": " + d.deviations());
            }
            ctx.fireChannelRead(new InboundMessage(frame.peer(), d.message()));
            return;
        }
        DecodeResult.Failed failed = (DecodeResult.Failed) result;
        config.counters().decodeErrors.increment();
        Message answer = DecodeFailureAnswer.answer(failed, frame.bytes(), config.localMid(), config.version());
        badInputLog.log(System.Logger.Level.WARNING, () -> "undecodable message of " + frame.bytes().length + " octets from "
                + frame.peer() + " at " + failed.error().describe() + " [" + prefix(frame.bytes()) + "]"
                + (answer == null ? ", dropped" : ", answered with an error"));
        if (answer != null && !errorAnswers.tryAcquire()) {
            config.counters().errorRepliesSuppressed.increment();
        } else if (answer != null) {
            config.counters().errorRepliesSent.increment();
            ctx.writeAndFlush(new OutboundMessage(frame.peer(), answer))
                    .addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        }
    }

    private static String prefix(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < b.length && i < LOGGED_PREFIX; i++) {
            char c = (char) (b[i] & 0xFF);
            s.append(c == '\n' ? "\\n" : c == '\r' ? "\\r" : (c < 0x20 || c > 0x7E) ? "." : String.valueOf(c));
        }
        return s.toString();
    }
}
