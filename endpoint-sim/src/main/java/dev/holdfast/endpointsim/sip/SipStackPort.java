package dev.holdfast.endpointsim.sip;

import javax.sip.address.AddressFactory;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.net.InetSocketAddress;

/**
 * What a phone needs from a SIP stack, and nothing more: build messages (JAIN-SIP's factories are plain objects,
 * no I/O), send a request in a client transaction, send an ACK for a 2xx, cancel an INVITE, and receive requests
 * addressed to its user. The JAIN-SIP adapter ({@link JainSipStack}) implements it over real sockets; a simulation
 * can implement it in virtual time. Callbacks may come on any thread: the phone moves them onto its own.
 */
public interface SipStackPort {
    MessageFactory messages();

    HeaderFactory headers();

    AddressFactory addresses();

    /** The address this stack receives {@code transport} ("udp" or "tcp") on: for Via and Contact. */
    InetSocketAddress localAddress(String transport);

    /** Requests whose Request-URI user part is {@code user} go to {@code endpoint} (one endpoint per user). */
    void bind(String user, SipEndpoint endpoint);

    void unbind(String user);

    /** Sends {@code request} in a new client transaction; its responses, timeout or failure go to {@code handler}. */
    ClientRef send(Request request, ResponseHandler handler);

    /** Cancels the INVITE sent as {@code invite}; the CANCEL's own responses go to {@code handler}. */
    void cancel(ClientRef invite, ResponseHandler handler);

    /**
     * Sends a response again outside any transaction: a UAS retransmits its 2xx for an INVITE itself until the ACK
     * comes (RFC 3261 13.3.1.4), after the server transaction is gone. False when it could not be sent.
     */
    boolean resendResponse(Response response);

    /**
     * Sends a response outside any transaction to {@code to} over {@code transport}, not where its Via says: a phone
     * answering an INVITE of a controller it has failed over from answers through the controller it uses now
     * (docs/migration.md, "Phones"). False when it could not be sent.
     */
    boolean sendResponseTo(Response response, InetSocketAddress to, String transport);

    /** Sends an ACK for a 2xx (outside any transaction, RFC 3261 13.2.2.4); returns false when it could not be sent. */
    boolean sendAck(Request ack);

    /**
     * Sends a CRLF keepalive (RFC 5626 4.4.1) on the connection to {@code target} over a connection-oriented
     * transport; false when there is no working connection.
     */
    boolean sendCrlfKeepalive(String transport, InetSocketAddress target);

    /**
     * When the stack took {@code response} off the wire and parsed it (System.nanoTime, the clock of a real-time
     * scheduler), or 0 when it does not know (a virtual network: arrival is delivery there). The time from this to the
     * phone handling it is the phone process's own delay.
     */
    default long arrivalNanos(Response response) { return 0; }

    /** Datagrams the kernel dropped on this stack's UDP socket for want of buffer space; -1: unknown. */
    default long udpDrops() { return -1; }

    /** A request sent in a client transaction (opaque to the phone). */
    interface ClientRef {}

    /** Where a client transaction's outcome goes. Exactly one of {@link #timeout()} or {@link #failed} ends it, or a final response. */
    interface ResponseHandler {
        void response(Response response);

        /** No final response in time (RFC 3261 timer B/F). */
        void timeout();

        /** The request could not be sent (no route, connection refused). */
        void failed(String why);
    }
}
