package dev.holdfast.endpointsim.sip;

import dev.holdfast.sim.time.SimScheduler;

import javax.sip.SipFactory;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * SIP in virtual time: {@link SipStackPort}s at made-up addresses that exchange real SIP text (encoded by JAIN-SIP,
 * parsed again on arrival) through the time of a {@link SimScheduler}, so that phones run in a deterministic
 * simulation: no sockets, no threads, every run the same. A drop rule loses chosen messages; a port that is
 * {@link Port#down} neither sends nor receives.
 *
 * <p>The transaction layer is RFC 3261 section 17's over UDP, as the JAIN-SIP stack it stands in for runs it, so that
 * a lost message costs what it costs on a real network: a client transaction sends its request again (timer A for
 * an INVITE until a response comes, timer E for others, from T1 doubling up to T2) and times out after 64 x T1
 * ({@link #TRANSACTION_TIMEOUT}, timers B/F; an INVITE only while no provisional response came); it acknowledges a non-2xx final response to an INVITE itself and again
 * for each copy of it (timer D), and absorbs copies of a final response to another request (timer K). A server
 * transaction delivers a request once, answers its copies with the last response sent (or absorbs them before
 * one), sends a non-2xx final response to an INVITE again until its ACK (timers G/H) and absorbs that ACK, and after
 * a 2xx to an INVITE absorbs the INVITE's copies for 64 x T1 (RFC 6026's Accepted state). The 2xx to an INVITE and
 * its ACK are the user agents' own business (RFC 3261 13.3.1.4, 13.2.2.4), as on a real stack. Over TCP nothing is
 * sent again (a connection does not lose messages; a drop rule should not drop them).
 */
public final class VirtualSipNetwork {
    /** RFC 3261 timer values (section 17, table 4). */
    public static final Duration T1 = Duration.ofMillis(500);
    public static final Duration T2 = Duration.ofSeconds(4);
    public static final Duration T4 = Duration.ofSeconds(5);
    public static final Duration TRANSACTION_TIMEOUT = T1.multipliedBy(64);

    private final SimScheduler scheduler;
    private final Duration latency;
    private final MessageFactory messages;
    private final HeaderFactory headers;
    private final AddressFactory addresses;
    private final Map<InetSocketAddress, Port> ports = new HashMap<>();
    private Predicate<String> dropRule = m -> false;
    private long delivered;
    private long dropped;
    private long retransmitted;

    public VirtualSipNetwork(SimScheduler scheduler, Duration latency) {
        this.scheduler = scheduler;
        this.latency = latency;
        try {
            SipFactory f = SipFactory.getInstance();
            f.setPathName("gov.nist");
            messages = f.createMessageFactory();
            headers = f.createHeaderFactory();
            addresses = f.createAddressFactory();
        } catch (javax.sip.PeerUnavailableException e) {
            throw new IllegalStateException("JAIN-SIP RI is on the class path", e);
        }
    }

    /** Messages (their text) for which {@code rule} is true are lost. */
    public void dropWhen(Predicate<String> rule) { this.dropRule = rule; }

    public long delivered() { return delivered; }

    public long dropped() { return dropped; }

    /** Requests and responses the transaction layer sent again (timers A, E, G and copies answered). */
    public long retransmitted() { return retransmitted; }

    /** A stack at {@code address} (UDP and TCP alike). */
    public Port open(InetSocketAddress address) {
        Port p = new Port(address);
        ports.put(address, p);
        return p;
    }

    private static boolean overUdp(javax.sip.message.Message m) {
        ViaHeader via = (ViaHeader) m.getHeader(ViaHeader.NAME);
        return via != null && "UDP".equalsIgnoreCase(via.getTransport());
    }

    private static String key(String branch, String method) { return branch + " " + method; }

    /** A client transaction (RFC 3261 17.1). */
    private static final class Pending {
        final SipStackPort.ResponseHandler handler;
        final Request request;
        final boolean invite;
        SimScheduler.Cancellable timeout;
        SimScheduler.Cancellable resend;
        /** A provisional response came: an INVITE is no longer sent again, another request only every T2. */
        boolean proceeding;

        Pending(SipStackPort.ResponseHandler handler, Request request) {
            this.handler = handler;
            this.request = request;
            this.invite = Request.INVITE.equals(request.getMethod());
        }

        void stopTimers() {
            if (timeout != null) timeout.cancel();
            if (resend != null) resend.cancel();
        }
    }

    /** A server transaction (RFC 3261 17.2): its request, the last response sent through it, its timers. */
    private static final class Served {
        final Request request;
        Response last;
        SimScheduler.Cancellable resend;
        boolean acknowledged;

        Served(Request request) { this.request = request; }
    }

    /** One simulated SIP stack. */
    public final class Port implements SipStackPort {
        private final InetSocketAddress address;
        private final Map<String, SipEndpoint> endpoints = new HashMap<>();
        private final Map<String, Pending> clients = new HashMap<>();
        /** Client transactions completed over UDP, by key: the ACK sent (INVITE) or the request (others). */
        private final Map<String, Request> completed = new HashMap<>();
        /** Server transactions, by Via branch and method. */
        private final Map<String, Served> served = new HashMap<>();
        private SipEndpoint defaultEndpoint;
        private boolean down;

        private Port(InetSocketAddress address) { this.address = address; }

        /** A port that is down drops what it would send and what arrives (a dead host). */
        public void down(boolean d) { this.down = d; }

        public void bindDefault(SipEndpoint e) { this.defaultEndpoint = e; }

        @Override public MessageFactory messages() { return messages; }

        @Override public HeaderFactory headers() { return headers; }

        @Override public AddressFactory addresses() { return addresses; }

        @Override public InetSocketAddress localAddress(String transport) { return address; }

        @Override public void bind(String user, SipEndpoint endpoint) { endpoints.put(user, endpoint); }

        @Override public void unbind(String user) { endpoints.remove(user); }

        @Override public ClientRef send(Request request, ResponseHandler handler) {
            String k = key(((ViaHeader) request.getHeader(ViaHeader.NAME)).getBranch(), request.getMethod());
            InetSocketAddress to = destination(request);
            if (to == null) {
                handler.failed("no route for " + request.getRequestURI());
                return null;
            }
            Pending p = new Pending(handler, request);
            p.timeout = scheduler.schedule(() -> {
                if (clients.remove(k) == p) {
                    p.stopTimers();
                    handler.timeout();
                }
            }, TRANSACTION_TIMEOUT);
            clients.put(k, p);
            String text = request.toString();
            transmit(to, text);
            if (overUdp(request)) resendRequest(k, p, to, text, T1);
            return new Ref(request);
        }

        /** Timers A and E: the request again after {@code interval}, while no (final, for a non-INVITE) response came. */
        private void resendRequest(String k, Pending p, InetSocketAddress to, String text, Duration interval) {
            p.resend = scheduler.schedule(() -> {
                if (clients.get(k) != p || (p.invite && p.proceeding)) return;
                retransmitted++;
                transmit(to, text);
                Duration next = p.proceeding ? T2 : (p.invite ? interval.multipliedBy(2) : min(interval.multipliedBy(2), T2));
                resendRequest(k, p, to, text, next);
            }, interval);
        }

        /** RFC 3261 17.1.1.3: the ACK of a non-2xx final response, sent by the INVITE's client transaction. */
        private Request ackFor(Request invite, Response response) throws java.text.ParseException {
            Request ack = (Request) invite.clone();
            ack.setMethod(Request.ACK);
            ((CSeqHeader) ack.getHeader(CSeqHeader.NAME)).setMethod(Request.ACK);
            ack.setHeader((javax.sip.header.Header) response.getHeader(javax.sip.header.ToHeader.NAME).clone());
            ack.removeContent();
            ack.removeHeader("Content-Type");
            ack.removeHeader("Contact");
            return ack;
        }

        private record Ref(Request invite) implements ClientRef {}

        @Override public void cancel(ClientRef invite, ResponseHandler handler) {
            if (!(invite instanceof Ref ref)) {
                handler.failed("no INVITE to cancel");
                return;
            }
            Request cancel = (Request) ref.invite().clone();
            try {
                cancel.setMethod(Request.CANCEL);
                ((CSeqHeader) cancel.getHeader(CSeqHeader.NAME)).setMethod(Request.CANCEL);
            } catch (java.text.ParseException e) {
                throw new IllegalStateException(e);
            }
            cancel.removeContent();
            cancel.removeHeader("Content-Type");
            send(cancel, handler);
        }

        @Override public boolean sendAck(Request ack) {
            InetSocketAddress to = destination(ack);
            if (to == null) return false;
            transmit(to, ack.toString());
            return true;
        }

        @Override public boolean resendResponse(Response response) {
            ViaHeader via = (ViaHeader) response.getHeader(ViaHeader.NAME);
            transmit(new InetSocketAddress(via.getHost(), via.getPort() < 0 ? 5060 : via.getPort()), response.toString());
            return true;
        }

        @Override public boolean sendResponseTo(Response response, InetSocketAddress to, String transport) {
            transmit(to, response.toString());
            return true;
        }

        @Override public boolean sendCrlfKeepalive(String transport, InetSocketAddress target) {
            Port p = ports.get(target);
            return !down && p != null && !p.down;
        }

        private InetSocketAddress destination(Request r) {
            if (!(r.getRequestURI() instanceof SipURI u)) return null;
            javax.sip.header.RouteHeader route = (javax.sip.header.RouteHeader) r.getHeader("Route");
            if (route != null && route.getAddress().getURI() instanceof SipURI ru) u = ru;
            return new InetSocketAddress(u.getHost(), u.getPort() < 0 ? 5060 : u.getPort());
        }

        private void transmit(InetSocketAddress to, String text) {
            if (down || dropRule.test(text)) {
                dropped++;
                return;
            }
            InetSocketAddress from = address;
            scheduler.schedule(() -> {
                Port target = ports.get(to);
                if (target == null || target.down) {
                    dropped++;
                    return;
                }
                delivered++;
                target.receive(from, text);
            }, latency);
        }

        private void receive(InetSocketAddress from, String text) {
            try {
                if (text.startsWith("SIP/2.0")) receiveResponse(messages.createResponse(text));
                else receiveRequest(messages.createRequest(text));
            } catch (java.text.ParseException e) {
                dropped++; // a message that does not parse is lost, as on a real stack
            }
        }

        private void receiveResponse(Response r) {
            CSeqHeader cs = (CSeqHeader) r.getHeader(CSeqHeader.NAME);
            String k = key(((ViaHeader) r.getHeader(ViaHeader.NAME)).getBranch(), cs.getMethod());
            Request acked = completed.get(k);
            if (acked != null) {
                // a copy of a final response already handled (timers D and K): an INVITE's non-2xx is acknowledged again
                if (r.getStatusCode() >= 300 && Request.INVITE.equals(cs.getMethod()) && acked.getMethod().equals(Request.ACK)) {
                    retransmitted++;
                    sendAck(acked);
                }
                return;
            }
            Pending p = r.getStatusCode() >= 200 ? clients.remove(k) : clients.get(k);
            if (p != null && r.getStatusCode() < 200) {
                // Proceeding: an INVITE waits for its final response as long as it takes (timer B runs in Calling only)
                p.proceeding = true;
                if (p.invite && p.timeout != null) p.timeout.cancel();
            }
            if (p != null && r.getStatusCode() >= 200) complete(k, p, r);
            if (p == null) {
                // no transaction: a retransmitted 2xx, for the user agent that sent the request (From)
                // (else for the port's default endpoint: a controller, whose From users are its callers')
                SipEndpoint e = ((javax.sip.header.FromHeader) r.getHeader("From")).getAddress().getURI() instanceof SipURI u
                        ? endpoints.get(u.getUser()) : null;
                if (e == null) e = defaultEndpoint;
                if (e != null) e.strayResponse(r);
                return;
            }
            p.handler.response(r);
        }

        /** A client transaction's final response: its timers stop; over UDP it stays to absorb copies (timers D, K). */
        private void complete(String k, Pending p, Response r) {
            p.stopTimers();
            if (!overUdp(p.request) || (p.invite && r.getStatusCode() < 300)) return;
            Request remember = p.request;
            if (p.invite) {
                try {
                    remember = ackFor(p.request, r);
                } catch (java.text.ParseException e) {
                    throw new IllegalStateException(e);
                }
                sendAck(remember);
            }
            completed.put(k, remember);
            scheduler.schedule(() -> completed.remove(k), p.invite ? TRANSACTION_TIMEOUT : T4);
        }

        private void receiveRequest(Request r) {
            String user = r.getRequestURI() instanceof SipURI u ? u.getUser() : null;
            SipEndpoint e = user == null ? null : endpoints.get(user);
            if (e == null) e = defaultEndpoint;
            ViaHeader via = (ViaHeader) r.getHeader(ViaHeader.NAME);
            if (Request.ACK.equals(r.getMethod())) {
                Served invite = served.get(key(via.getBranch(), Request.INVITE));
                if (invite != null && invite.last != null && invite.last.getStatusCode() >= 300) {
                    // the ACK of our non-2xx: the transaction's (17.2.1), not the user agent's
                    invite.acknowledged = true;
                    if (invite.resend != null) invite.resend.cancel();
                    return;
                }
                if (e != null) e.request(r, null);
                return;
            }
            InetSocketAddress replyTo = new InetSocketAddress(via.getHost(), via.getPort() < 0 ? 5060 : via.getPort());
            String k = key(via.getBranch(), r.getMethod());
            Served copyOf = served.get(k);
            if (copyOf != null) {
                // a copy of a request being served: answered with the last response, if any, and not delivered again
                if (copyOf.last != null && !(copyOf.last.getStatusCode() / 100 == 2 && Request.INVITE.equals(r.getMethod()))) {
                    retransmitted++;
                    transmit(replyTo, copyOf.last.toString());
                }
                return;
            }
            Served st = new Served(r);
            boolean udp = overUdp(r);
            if (udp) served.put(k, st);
            SipEndpoint.ServerRef tx = resp -> {
                st.last = resp;
                String text = resp.toString();
                transmit(replyTo, text);
                if (udp && resp.getStatusCode() >= 200) served(k, st, replyTo, text);
                return true;
            };
            if (e == null) {
                try {
                    tx.respond(messages.createResponse(Response.NOT_FOUND, r));
                } catch (java.text.ParseException ignored) {
                    // a constant status
                }
                return;
            }
            e.request(r, tx);
        }

        /**
         * A server transaction's final response sent over UDP: a non-INVITE's is kept for copies of the request (timer
         * J), a 2xx to an INVITE absorbs the INVITE's copies (RFC 6026 timer L), a non-2xx goes again until its ACK
         * (timers G and H).
         */
        private void served(String k, Served st, InetSocketAddress replyTo, String text) {
            scheduler.schedule(() -> served.remove(k, st), TRANSACTION_TIMEOUT);
            if (Request.INVITE.equals(st.request.getMethod()) && st.last.getStatusCode() >= 300) resendFinal(st, replyTo, text, T1);
        }

        private void resendFinal(Served st, InetSocketAddress replyTo, String text, Duration interval) {
            st.resend = scheduler.schedule(() -> {
                if (st.acknowledged || served.get(key(((ViaHeader) st.request.getHeader(ViaHeader.NAME)).getBranch(), Request.INVITE)) != st) return;
                retransmitted++;
                transmit(replyTo, text);
                resendFinal(st, replyTo, text, min(interval.multipliedBy(2), T2));
            }, interval);
        }
    }

    private static Duration min(Duration a, Duration b) { return a.compareTo(b) <= 0 ? a : b; }
}
