package dev.holdfast.h248.message;

import java.util.List;
import java.util.Objects;

/**
 * A whole H.248 message: {@code [authenticationHeader] MEGACO/version mId messageBody}.
 *
 * @param auth    the optional authentication header ({@code null} when absent)
 * @param version protocol version, 1 to 3
 * @param mid     the sender's message identifier
 * @param body    either a list of transactions or a message-level error
 */
public record Message(AuthenticationHeader auth, int version, MId mid, MessageBody body) {
    public Message {
        Objects.requireNonNull(mid, "mid");
        Objects.requireNonNull(body, "body");
        if (version < 1 || version > 99) throw new IllegalArgumentException("version " + version);
    }

    public static Message of(int version, MId mid, List<? extends Transaction> transactions) {
        return new Message(null, version, mid, new MessageBody.Transactions(List.copyOf(transactions)));
    }

    public static Message of(int version, MId mid, Transaction... transactions) {
        return of(version, mid, List.of(transactions));
    }

    /** The transactions of this message, empty for a message-level error. */
    public List<Transaction> transactions() {
        return body instanceof MessageBody.Transactions t ? t.transactions() : List.of();
    }

    /** {@code AU = SecurityParmIndex:SequenceNum:AuthData}, each kept as the hex text received ("0x..."). */
    public record AuthenticationHeader(String securityParmIndex, String sequenceNum, String authData) {}
}
