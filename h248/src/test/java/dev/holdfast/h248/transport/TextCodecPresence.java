package dev.holdfast.h248.transport;

import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.text.DecodeOptions;
import dev.holdfast.h248.text.TextCodec;
import dev.holdfast.h248.text.TextForm;
import org.junit.jupiter.api.Assumptions;

/**
 * While the text parser and encoder are being written on their own branches, {@code TextCodec} throws
 * "not written yet": the end-to-end tests that need it are skipped (not failed) until both are merged. Once they
 * are, this check always passes and the tests run.
 */
public final class TextCodecPresence {
    private TextCodecPresence() {}

    public static void assumeTextCodec() {
        boolean present;
        try {
            TextCodec.encode(Message.of(1, MId.ipv4("127.0.0.1", null), new Transaction.Pending(1)), TextForm.COMPACT);
            TextCodec.decode("!/1 [127.0.0.1] PN=1{}", DecodeOptions.LENIENT);
            present = true;
        } catch (UnsupportedOperationException e) {
            present = false;
        }
        Assumptions.assumeTrue(present, "text codec not merged yet");
    }
}
