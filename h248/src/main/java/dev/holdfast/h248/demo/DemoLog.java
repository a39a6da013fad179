package dev.holdfast.h248.demo;

import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.text.DecodeOptions;
import dev.holdfast.h248.text.DecodeResult;
import dev.holdfast.h248.transport.codec.MessageCodec;

import java.nio.charset.StandardCharsets;

/**
 * Prints the demo's H.248 traffic exactly as it crossed the wire: a codec that wraps the text codec and shows
 * each message it decodes, indented under an arrow line (the receiver prints, so each message shows once).
 */
final class DemoLog implements MessageCodec {
    private final String self;
    private final String peer;

    DemoLog(String self, String peer) {
        this.self = self;
        this.peer = peer;
    }

    void say(String line) {
        synchronized (System.out) {
            System.out.println("[" + self + "] " + line);
            System.out.flush();
        }
    }

    @Override public DecodeResult decode(byte[] bytes, DecodeOptions options) {
        DecodeResult r = MessageCodec.TEXT.decode(bytes, options);
        print(peer + " -> " + self, bytes);
        if (r instanceof DecodeResult.Failed f) say("  (could not decode: " + f.error().describe() + ")");
        return r;
    }

    @Override public byte[] encode(Message message, dev.holdfast.h248.text.TextForm form) {
        return MessageCodec.TEXT.encode(message, form); // the receiver prints it: each message once
    }

    private void print(String arrow, byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        sb.append('[').append(self).append("] ").append(arrow).append('\n');
        for (String line : new String(bytes, StandardCharsets.ISO_8859_1).split("\r?\n")) {
            sb.append('[').append(self).append("]     ").append(line).append('\n');
        }
        synchronized (System.out) {
            System.out.print(sb);
            System.out.flush();
        }
    }
}
