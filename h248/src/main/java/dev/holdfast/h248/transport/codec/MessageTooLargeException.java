package dev.holdfast.h248.transport.codec;

/** The encoded message does not fit the transport's limit (datagram size, TPKT length). */
public final class MessageTooLargeException extends RuntimeException {
    public MessageTooLargeException(int size, int limit) {
        super("encoded message of " + size + " octets exceeds the limit of " + limit);
    }
}
