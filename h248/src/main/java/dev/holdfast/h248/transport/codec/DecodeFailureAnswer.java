package dev.holdfast.h248.transport.codec;

import dev.holdfast.h248.message.ErrorDescriptor;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.MessageBody;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.text.DecodeResult;

import java.util.List;

/**
 * What to answer to a message that did not decode (H.248.1 section 8 / 7.2.x error handling):
 * <ul>
 *   <li>the ids of the requests in it are known: a TransactionReply with error 403 for each;</li>
 *   <li>else, if it is an H.248 message that is not itself a reply, Pending, ack or error: a message-level
 *       {@code Error = 400};</li>
 *   <li>else nothing: an answer to a response could start an error storm, and octets without an H.248 header
 *       have no one to answer.</li>
 * </ul>
 */
public final class DecodeFailureAnswer {
    private DecodeFailureAnswer() {}

    private static final int MAX_TEXT = 120;

    /** The answer, or null when the message must not or cannot be answered. */
    public static Message answer(DecodeResult.Failed failed, byte[] raw, MId localMid, int defaultVersion) {
        MessageSniffer.Kind kind = MessageSniffer.classify(raw);
        int version = failed.version() != null && failed.version() >= 1 && failed.version() <= 3
                ? failed.version() : defaultVersion;
        String text = errorText(failed);
        if (!failed.requestTransactionIds().isEmpty()) {
            List<Transaction> replies = failed.requestTransactionIds().stream().distinct()
                    .<Transaction>map(id -> Transaction.Reply.error(id,
                            ErrorDescriptor.of(ErrorDescriptor.SYNTAX_ERROR_IN_TRANSACTION, text)))
                    .toList();
            return Message.of(version, localMid, replies);
        }
        if (kind == MessageSniffer.Kind.RESPONSES) return null;
        if (kind == MessageSniffer.Kind.NOT_H248 && failed.version() == null && failed.mid() == null) return null;
        return new Message(null, version, localMid,
                new MessageBody.Error(ErrorDescriptor.of(ErrorDescriptor.BAD_REQUEST, text)));
    }

    /** The syntax error as error text: one line of printable characters, no double quote, bounded length. */
    static String errorText(DecodeResult.Failed failed) {
        String s = "Syntax error: " + failed.error().describe();
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_TEXT));
        for (int i = 0; i < s.length() && b.length() < MAX_TEXT; i++) {
            char c = s.charAt(i);
            b.append(c == '"' ? '\'' : (c < 0x20 || c > 0x7E) ? ' ' : c);
        }
        return b.toString();
    }
}
