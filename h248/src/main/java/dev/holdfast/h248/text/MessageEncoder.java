package dev.holdfast.h248.text;

import dev.holdfast.h248.message.Message;

/** Placeholder: the encoder is being written. */
final class MessageEncoder {
    private MessageEncoder() {}

    static String encode(Message message, TextForm form) {
        throw new UnsupportedOperationException("encoder not written yet");
    }
}
