package dev.holdfast.endpointsim.sip;

import gov.nist.javax.sip.ListeningPointExt;

import javax.sip.ClientTransaction;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.PeerUnavailableException;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@link SipStackPort} over the JAIN-SIP reference implementation: ONE SipStack with one UDP and one TCP listening
 * point on the same port, shared by every phone bound to it (a thousand phones cost one port pair and one stack,
 * not a thousand). Incoming requests are routed to a phone by the user part of the Request-URI, which is the user
 * part of the Contact each phone registers. JAIN-SIP's own dialog layer is off: the phones keep their dialogs
 * themselves, so that their logic does not depend on the stack.
 */
public final class JainSipStack implements SipStackPort, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(JainSipStack.class.getName());
    private static final AtomicInteger STACKS = new AtomicInteger();

    /** SO_RCVBUF asked for on the SIP UDP socket (see the constructor). */
    static final int UDP_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

    private final SipStack stack;
    private final SipProvider provider;
    private final MessageFactory messages;
    private final HeaderFactory headers;
    private final AddressFactory addresses;
    private final Map<String, ListeningPoint> listeningPoints = new ConcurrentHashMap<>();
    private final Map<String, SipEndpoint> endpoints = new ConcurrentHashMap<>();
    private final LongAdder unroutable = new LongAdder();
    private volatile SipEndpoint defaultEndpoint;
    private final LongAdder ioErrors = new LongAdder();

    private JainSipStack(InetAddress address, int port) throws IOException {
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", "endpoint-sim-" + STACKS.incrementAndGet() + "-" + port);
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
        p.setProperty("gov.nist.javax.sip.AUTOMATIC_DIALOG_ERROR_HANDLING", "false");
        // NOTIFYs for REFER subscriptions reach the phone, which keeps its subscriptions itself
        p.setProperty("gov.nist.javax.sip.DELIVER_UNSOLICITED_NOTIFY", "true");
        p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "4");
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", "65536");
        p.setProperty("gov.nist.javax.sip.MAX_SERVER_TRANSACTIONS", "100000");
        p.setProperty("gov.nist.javax.sip.MAX_CLIENT_TRANSACTIONS", "100000");
        // The RI sets SO_RCVBUF to 64 KB by default: about a hundred datagrams for a thousand phones, so a stall of
        // this process of a few hundred ms (a collection, a starved machine) overflowed it and the kernel dropped the
        // controllers' answers (59 drops by the kill in a 2,000-call drill at load 26, docs/drill.md session 9). The
        // kernel caps this at net.core.rmem_max.
        p.setProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", String.valueOf(UDP_RECEIVE_BUFFER_BYTES));
        // stamps each response with when the stack parsed it (ArrivalStamp): how long the phone then took is its own delay
        p.setProperty("gov.nist.javax.sip.SIP_MESSAGE_VALVE", ArrivalStamp.class.getName());
        try {
            stack = factory.createSipStack(p);
            messages = factory.createMessageFactory();
            headers = factory.createHeaderFactory();
            addresses = factory.createAddressFactory();
            String host = address.getHostAddress();
            ListeningPoint udp = stack.createListeningPoint(host, port, ListeningPoint.UDP);
            ListeningPoint tcp = stack.createListeningPoint(host, port, ListeningPoint.TCP);
            listeningPoints.put("udp", udp);
            listeningPoints.put("tcp", tcp);
            provider = stack.createSipProvider(udp);
            provider.addListeningPoint(tcp);
            provider.addSipListener(new Listener());
            stack.start();
        } catch (PeerUnavailableException | javax.sip.InvalidArgumentException | javax.sip.TransportNotSupportedException
                 | javax.sip.ObjectInUseException | java.util.TooManyListenersException e) {
            throw new IOException("cannot start a SIP stack on " + address.getHostAddress() + ":" + port + ": " + e, e);
        } catch (SipException e) {
            throw new IOException("cannot start a SIP stack on " + address.getHostAddress() + ":" + port + ": " + e, e);
        }
    }

    /** A stack listening on UDP and TCP port {@code port} of {@code address} (0: a port free for both). */
    public static JainSipStack start(InetAddress address, int port) throws IOException {
        return new JainSipStack(address, port == 0 ? freePort(address) : port);
    }

    /** A port free on {@code address} for both UDP and TCP right now. */
    public static int freePort(InetAddress address) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, address)) {
                int port = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(address, port))) {
                    return port;
                } catch (IOException busy) {
                    // the UDP port is taken: try another
                }
            }
        }
        throw new IOException("no port free for both UDP and TCP on " + address);
    }

    @Override public MessageFactory messages() { return messages; }

    @Override public HeaderFactory headers() { return headers; }

    @Override public AddressFactory addresses() { return addresses; }

    @Override public InetSocketAddress localAddress(String transport) {
        ListeningPoint lp = listeningPoints.get(transport.toLowerCase(Locale.ROOT));
        if (lp == null) throw new IllegalArgumentException("transport " + transport);
        return new InetSocketAddress(lp.getIPAddress(), lp.getPort());
    }

    @Override public void bind(String user, SipEndpoint endpoint) {
        if (endpoints.putIfAbsent(user, endpoint) != null) throw new IllegalStateException("user " + user + " is bound already");
    }

    @Override public void unbind(String user) { endpoints.remove(user); }

    /** Where requests for no bound user go (a registrar's REGISTERs, a server's OPTIONS); null: answered 404. */
    public void bindDefault(SipEndpoint endpoint) { this.defaultEndpoint = endpoint; }

    /** Requests for no bound user (answered 404). */
    public long unroutable() { return unroutable.sum(); }

    /** Transport errors the stack reported. */
    public long ioErrors() { return ioErrors.sum(); }

    private record Client(ClientTransaction transaction) implements ClientRef {}

    @Override public ClientRef send(Request request, ResponseHandler handler) {
        try {
            ClientTransaction ct = provider.getNewClientTransaction(request);
            ct.setApplicationData(handler);
            ct.sendRequest();
            return new Client(ct);
        } catch (SipException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "cannot send " + request.getMethod() + ": " + e);
            handler.failed(String.valueOf(e.getMessage()));
            return null;
        }
    }

    @Override public void cancel(ClientRef invite, ResponseHandler handler) {
        if (!(invite instanceof Client c)) {
            handler.failed("no INVITE transaction to cancel");
            return;
        }
        try {
            send(c.transaction().createCancel(), handler);
        } catch (SipException | RuntimeException e) {
            handler.failed(String.valueOf(e.getMessage()));
        }
    }

    @Override public boolean sendAck(Request ack) {
        try {
            provider.sendRequest(ack);
            return true;
        } catch (SipException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "cannot send ACK: " + e);
            return false;
        }
    }

    @Override public boolean resendResponse(Response response) {
        try {
            provider.sendResponse(response);
            return true;
        } catch (SipException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "cannot resend " + response.getStatusCode() + ": " + e);
            return false;
        }
    }

    /**
     * Through the stack's own transport layer (the RI's raw message channel, as its stateless
     * {@code SipProvider.sendResponse} uses, but to the address given rather than the Via's): from the listening
     * point's socket over UDP, on the stack's cached connection to {@code to} over TCP.
     */
    @Override public boolean sendResponseTo(Response response, InetSocketAddress to, String transport) {
        ListeningPoint lp = listeningPoints.get(transport.toLowerCase(Locale.ROOT));
        if (lp == null || !(response instanceof gov.nist.javax.sip.message.SIPResponse r)) return false;
        try {
            gov.nist.javax.sip.stack.MessageChannel ch = ((gov.nist.javax.sip.stack.SIPTransactionStack) stack)
                    .createRawMessageChannel(lp.getIPAddress(), lp.getPort(),
                            new gov.nist.javax.sip.stack.HopImpl(to.getAddress().getHostAddress(), to.getPort(), lp.getTransport()));
            if (ch == null) return false;
            ch.sendMessage(r);
            return true;
        } catch (IOException | RuntimeException e) {
            ioErrors.increment();
            LOG.log(System.Logger.Level.DEBUG, () -> "cannot send " + response.getStatusCode() + " to " + to + ": " + e);
            return false;
        }
    }

    @Override public boolean sendCrlfKeepalive(String transport, InetSocketAddress target) {
        ListeningPoint lp = listeningPoints.get(transport.toLowerCase(Locale.ROOT));
        if (!(lp instanceof ListeningPointExt ext) || transport.equalsIgnoreCase("udp")) return false;
        try {
            ext.sendHeartbeat(target.getAddress().getHostAddress(), target.getPort());
            return true;
        } catch (IOException | RuntimeException e) {
            ioErrors.increment();
            return false;
        }
    }

    private final class Server implements SipEndpoint.ServerRef {
        private final ServerTransaction transaction;

        Server(ServerTransaction transaction) { this.transaction = transaction; }

        @Override public boolean respond(Response response) {
            java.util.function.Predicate<Response> lose = loseSent;
            if (lose != null && lose.test(response)) {
                responsesLost.increment();
                return true; // sent, as far as the phone knows, and lost on the wire
            }
            try {
                transaction.sendResponse(response);
                return true;
            } catch (SipException | javax.sip.InvalidArgumentException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "cannot send " + response.getStatusCode() + ": " + e);
                return false;
            }
        }

        @Override public void abandon() {
            try {
                transaction.terminate();
            } catch (javax.sip.ObjectInUseException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "cannot end a server transaction: " + e);
            }
        }
    }

    private static String user(URI uri) {
        return uri instanceof SipURI s ? s.getUser() : null;
    }

    private final class Listener implements SipListener {
        @Override public void processRequest(RequestEvent event) {
            Request request = event.getRequest();
            String user = user(request.getRequestURI());
            SipEndpoint bound = user == null ? null : endpoints.get(user);
            SipEndpoint endpoint = bound != null ? bound : defaultEndpoint;
            try {
                if (Request.ACK.equals(request.getMethod())) {
                    if (endpoint != null) endpoint.request(request, null);
                    return;
                }
                ServerTransaction st = event.getServerTransaction();
                if (st == null) {
                    try {
                        st = provider.getNewServerTransaction(request);
                    } catch (TransactionAlreadyExistsException retransmission) {
                        return; // the transaction that exists answers it
                    }
                }
                if (endpoint == null) {
                    unroutable.increment();
                    LOG.log(System.Logger.Level.DEBUG, () -> request.getMethod() + " for unknown user " + user + ": 404");
                    st.sendResponse(messages.createResponse(Response.NOT_FOUND, request));
                    return;
                }
                endpoint.request(request, new Server(st));
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "cannot handle " + request.getMethod() + " for " + user + ": " + e);
            }
        }

        @Override public void processResponse(ResponseEvent event) {
            ClientTransaction ct = event.getClientTransaction();
            Response response = event.getResponse();
            if (ct != null && ct.getApplicationData() instanceof ResponseHandler h) {
                h.response(response);
                return;
            }
            String user = user(((FromHeader) response.getHeader(FromHeader.NAME)).getAddress().getURI());
            SipEndpoint endpoint = user == null ? null : endpoints.get(user);
            if (endpoint != null) endpoint.strayResponse(response);
        }

        @Override public void processTimeout(TimeoutEvent event) {
            if (event.isServerTransaction()) return;
            ClientTransaction ct = event.getClientTransaction();
            if (ct != null && ct.getApplicationData() instanceof ResponseHandler h) h.timeout();
        }

        @Override public void processIOException(IOExceptionEvent event) {
            ioErrors.increment();
            LOG.log(System.Logger.Level.DEBUG, () -> "SIP transport error towards " + event.getHost() + ":" + event.getPort()
                    + "/" + event.getTransport());
        }

        @Override public void processTransactionTerminated(TransactionTerminatedEvent event) {}

        @Override public void processDialogTerminated(DialogTerminatedEvent event) {}
    }

    @Override public long arrivalNanos(Response response) { return ArrivalStamp.of(response); }

    /**
     * Fault injection for tests: responses matching {@code lose} are dropped as they come off the wire, as if their
     * datagram had been lost (the stack and the phones never see them); null: none lost. Each one lost is counted.
     */
    public void loseResponses(java.util.function.Predicate<Response> lose) {
        if (lose == null) {
            ArrivalStamp.LOSS.remove(stack.getStackName());
            return;
        }
        ArrivalStamp.LOSS.put(stack.getStackName(), r -> {
            if (!lose.test(r)) return false;
            responsesLost.increment();
            return true;
        });
    }

    /**
     * Fault injection for tests: responses a phone sends in a server transaction that match {@code lose} are not
     * sent, as if their datagram had been lost on the way (the phone believes them sent); null: none lost.
     */
    public void loseSentResponses(java.util.function.Predicate<Response> lose) { this.loseSent = lose; }

    private volatile java.util.function.Predicate<Response> loseSent;

    /** Responses dropped by {@link #loseResponses} and {@link #loseSentResponses}. */
    public long responsesLost() { return responsesLost.sum(); }

    private final LongAdder responsesLost = new LongAdder();

    @Override public long udpDrops() {
        return dev.holdfast.sim.net.UdpDrops.of(localAddress("udp").getPort());
    }

    @Override public void close() {
        try {
            for (ListeningPoint lp : listeningPoints.values()) {
                try {
                    provider.removeListeningPoint(lp);
                } catch (Exception ignored) {
                    // stopping anyway
                }
            }
            stack.deleteSipProvider(provider);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "stopping the SIP stack: " + e);
        }
        stack.stop();
        ArrivalStamp.LOSS.remove(stack.getStackName());
    }
}
