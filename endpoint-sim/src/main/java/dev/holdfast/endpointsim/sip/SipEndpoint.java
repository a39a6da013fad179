package dev.holdfast.endpointsim.sip;

import javax.sip.message.Request;
import javax.sip.message.Response;

/** A user agent bound to a {@link SipStackPort}: receives the requests addressed to its user. */
public interface SipEndpoint {
    /**
     * A request for this endpoint. {@code transaction} is null for an ACK (it has none of its own); otherwise it
     * is where the responses go.
     */
    void request(Request request, ServerRef transaction);

    /** A response that matches no client transaction: a retransmitted 2xx for an INVITE whose ACK was lost. */
    default void strayResponse(Response response) {}

    /** A request received in a server transaction: respond through it. */
    interface ServerRef {
        /** Sends {@code response}; false when it could not be sent (the log says why). */
        boolean respond(Response response);

        /**
         * The request was answered outside this transaction ({@link SipStackPort#sendResponseTo}): the transaction is
         * forgotten, with nothing sent.
         */
        default void abandon() {}
    }
}
