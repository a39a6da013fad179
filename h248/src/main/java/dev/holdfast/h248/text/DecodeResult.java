package dev.holdfast.h248.text;

import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.Message;

import java.util.List;

/** The outcome of decoding one message: never an exception for bad input. */
public sealed interface DecodeResult {

    /** Decoded; {@code deviations} lists what the lenient decoder accepted (empty in strict mode). */
    record Decoded(Message message, List<Deviation> deviations) implements DecodeResult {
        public Decoded { deviations = List.copyOf(deviations); }
    }

    /**
     * Not decodable. What the decoder understood before the error, so that a transport can still answer:
     * {@code version} and {@code mid} (null if not reached), and the ids of the transaction requests it had
     * started to read ({@code Transaction = id}), in order.
     */
    record Failed(SyntaxError error, Integer version, MId mid, List<Long> requestTransactionIds)
            implements DecodeResult {
        public Failed { requestTransactionIds = List.copyOf(requestTransactionIds); }
    }
}
