package dev.holdfast.h248.transport.codec;

import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.text.DecodeOptions;
import dev.holdfast.h248.text.DecodeResult;
import dev.holdfast.h248.text.TextCodec;
import dev.holdfast.h248.text.TextForm;

/**
 * The encoding used on the wire, separate from the transport. {@link #TEXT} (H.248.1 Annex B) is the one in use;
 * the seam is here for the binary encoding and for testing the transports on their own.
 */
public interface MessageCodec {
    /** Decodes one whole message; never throws for bad input. */
    DecodeResult decode(byte[] bytes, DecodeOptions options);

    byte[] encode(Message message, TextForm form);

    MessageCodec TEXT = new MessageCodec() {
        @Override public DecodeResult decode(byte[] bytes, DecodeOptions options) {
            return TextCodec.decode(bytes, options);
        }

        @Override public byte[] encode(Message message, TextForm form) {
            return TextCodec.encodeToBytes(message, form);
        }

        @Override public String toString() { return "text"; }
    };
}
