package dev.holdfast.h248.transport;

import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.text.DecodeOptions;
import dev.holdfast.h248.text.DecodeResult;
import dev.holdfast.h248.text.SyntaxError;
import dev.holdfast.h248.text.TextForm;
import dev.holdfast.h248.transport.codec.MessageCodec;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in wire encoding for testing the transports and the pipeline on their own (not the text codec): a
 * message travels as {@code HFTEST <n>}, the model object kept in a JVM-wide table. Anything else fails to decode.
 */
public final class RegistryCodec implements MessageCodec {
    public static final RegistryCodec INSTANCE = new RegistryCodec();
    private static final Map<Long, Message> MESSAGES = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT = new AtomicLong();

    @Override public DecodeResult decode(byte[] bytes, DecodeOptions options) {
        String s = new String(bytes, StandardCharsets.ISO_8859_1);
        if (s.startsWith("HFTEST ")) {
            try {
                Message m = MESSAGES.get(Long.parseLong(s.substring(7)));
                if (m != null) return new DecodeResult.Decoded(m, List.of());
            } catch (NumberFormatException ignored) {
                // falls through to the syntax error
            }
        }
        return new DecodeResult.Failed(new SyntaxError(0, 1, 1, "not a registered message"), null, null, List.of());
    }

    @Override public byte[] encode(Message message, TextForm form) {
        long n = NEXT.incrementAndGet();
        MESSAGES.put(n, message);
        return ("HFTEST " + n).getBytes(StandardCharsets.ISO_8859_1);
    }

    public static Message decodeOrNull(String wire) {
        return wire != null && wire.startsWith("HFTEST ") ? MESSAGES.get(Long.parseLong(wire.substring(7))) : null;
    }

    public static String encodeToString(Message m) {
        return new String(INSTANCE.encode(m, TextForm.COMPACT), StandardCharsets.ISO_8859_1);
    }
}
