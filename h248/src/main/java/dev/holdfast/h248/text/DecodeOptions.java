package dev.holdfast.h248.text;

/**
 * How the decoder treats input. Limits protect the receiver: a message over a limit is a syntax error at the
 * position where the limit was crossed, never an exception or a hang.
 *
 * @param strictness        LENIENT accepts well-known deviations from the ABNF (and reports each as a
 *                          {@link Deviation}); STRICT rejects the first one as a {@link SyntaxError}
 * @param maxMessageBytes   largest message accepted
 * @param maxDepth          deepest nesting of braces accepted
 * @param maxTransactions   most transactions in one message
 * @param maxActions        most actions (contexts) in one transaction
 * @param maxCommands       most commands in one action
 */
public record DecodeOptions(Strictness strictness, int maxMessageBytes, int maxDepth, int maxTransactions,
                            int maxActions, int maxCommands) {
    public enum Strictness { LENIENT, STRICT }

    /** The default for received messages. */
    public static final DecodeOptions LENIENT = new DecodeOptions(Strictness.LENIENT, 65_536, 32, 256, 256, 1024);
    public static final DecodeOptions STRICT = LENIENT.withStrictness(Strictness.STRICT);

    public DecodeOptions withStrictness(Strictness s) {
        return new DecodeOptions(s, maxMessageBytes, maxDepth, maxTransactions, maxActions, maxCommands);
    }

    public DecodeOptions withMaxMessageBytes(int n) {
        return new DecodeOptions(strictness, n, maxDepth, maxTransactions, maxActions, maxCommands);
    }

    public boolean lenient() { return strictness == Strictness.LENIENT; }
}
