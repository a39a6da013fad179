package dev.holdfast.controller.core;

import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.Transaction;

import java.util.List;

/**
 * An input of the core. Everything the core learns from the outside world is an event, stamped by the edge with
 * the time it happened ({@link #time()}, epoch milliseconds of the edge's clock): the core reads no clock of its
 * own, so a log of events is a complete record of a run.
 */
public sealed interface Event {
    long time();

    /**
     * A transaction request from a gateway.
     *
     * @param peer   where it came from: {@code udp:host:port} or {@code tcp:host:port}
     * @param handle the edge's number for this request; the core answers it with a reply command naming it
     */
    record RequestReceived(long time, String peer, int version, MId mid, long handle, Transaction.Request request)
            implements Event {}

    /** The reply to the request the core sent with correlation token {@code token}. */
    record ReplyReceived(long time, long token, Transaction.Reply reply) implements Event {}

    /** The request with token {@code token} got no reply: {@code timeout}, {@code peer-lost}, {@code not-sent}. */
    record RequestFailed(long time, long token, String reason) implements Event {}

    /** A timer the core started has run out. */
    record TimerFired(long time, long timer) implements Event {}

    /** The transport lost the peer (TCP connection closed). */
    record PeerLost(long time, String peer) implements Event {}

    /** An operator's command, e.g. {@code release-call 7}. */
    record Admin(long time, String verb, List<String> args) implements Event {
        public Admin { args = List.copyOf(args); }
    }

    // ------------------------------------------------------------------------------------------ SIP

    /**
     * A SIP request from a phone. {@code source} is {@code udp:host:port} or {@code tcp:host:port}; the core
     * answers it with {@link Command.SipRespond} naming {@code handle} (0 for an ACK, which has no transaction).
     */
    record SipRequestReceived(long time, String source, long handle, dev.holdfast.controller.sip.SipRequest request)
            implements Event {}

    /** A response to the SIP request the core sent with {@code token}. */
    record SipResponseReceived(long time, long token, dev.holdfast.controller.sip.SipResponse response)
            implements Event {}

    /** The SIP request with {@code token} got no final response: {@code timeout} or {@code not-sent}. */
    record SipRequestFailed(long time, long token, String reason) implements Event {}

    /**
     * The SIP stack ended the dialog with Call-ID {@code callId} by itself (e.g. no ACK came for a 2xx, and it sent
     * BYE); dialogs the core ended itself are reported too, and ignored.
     */
    record SipDialogEnded(long time, String callId) implements Event {}
}
