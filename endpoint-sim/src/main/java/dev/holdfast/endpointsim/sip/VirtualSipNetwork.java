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
 * simulation: no sockets, no threads, every run the same. Transactions are reduced to what a lossless network
 * needs: responses are matched to requests by Via branch and method, a request with no final response in
 * {@link #TRANSACTION_TIMEOUT} times out (RFC 3261 timer B/F, 64 x T1). A drop rule loses chosen messages; a
 * port that is {@link Port#down} neither sends nor receives.
 */
public final class VirtualSipNetwork {
    public static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(32);

    private final SimScheduler scheduler;
    private final Duration latency;
    private final MessageFactory messages;
    private final HeaderFactory headers;
    private final AddressFactory addresses;
    private final Map<InetSocketAddress, Port> ports = new HashMap<>();
    private Predicate<String> dropRule = m -> false;
    private long delivered;
    private long dropped;

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

    /** A stack at {@code address} (UDP and TCP alike). */
    public Port open(InetSocketAddress address) {
        Port p = new Port(address);
        ports.put(address, p);
        return p;
    }

    private record Pending(SipStackPort.ResponseHandler handler, SimScheduler.Cancellable timer, Request request) {}

    /** One simulated SIP stack. */
    public final class Port implements SipStackPort {
        private final InetSocketAddress address;
        private final Map<String, SipEndpoint> endpoints = new HashMap<>();
        private final Map<String, Pending> clients = new HashMap<>();
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

        private static String key(String branch, String method) { return branch + " " + method; }

        @Override public ClientRef send(Request request, ResponseHandler handler) {
            String k = key(((ViaHeader) request.getHeader(ViaHeader.NAME)).getBranch(), request.getMethod());
            SimScheduler.Cancellable timer = scheduler.schedule(() -> {
                if (clients.remove(k) != null) handler.timeout();
            }, TRANSACTION_TIMEOUT);
            clients.put(k, new Pending(handler, timer, request));
            InetSocketAddress to = destination(request);
            if (to == null) {
                clients.remove(k);
                timer.cancel();
                handler.failed("no route for " + request.getRequestURI());
                return null;
            }
            transmit(to, request.toString());
            return new Ref(request);
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
            Pending p = r.getStatusCode() >= 200 ? clients.remove(k) : clients.get(k);
            if (p == null) {
                // no transaction: a retransmitted 2xx, for the user agent that sent the request (From)
                // (else for the port's default endpoint: a controller, whose From users are its callers')
                SipEndpoint e = ((javax.sip.header.FromHeader) r.getHeader("From")).getAddress().getURI() instanceof SipURI u
                        ? endpoints.get(u.getUser()) : null;
                if (e == null) e = defaultEndpoint;
                if (e != null) e.strayResponse(r);
                return;
            }
            if (r.getStatusCode() >= 200) p.timer().cancel();
            p.handler().response(r);
        }

        private void receiveRequest(Request r) {
            String user = r.getRequestURI() instanceof SipURI u ? u.getUser() : null;
            SipEndpoint e = user == null ? null : endpoints.get(user);
            if (e == null) e = defaultEndpoint;
            if (Request.ACK.equals(r.getMethod())) {
                if (e != null) e.request(r, null);
                return;
            }
            ViaHeader via = (ViaHeader) r.getHeader(ViaHeader.NAME);
            InetSocketAddress replyTo = new InetSocketAddress(via.getHost(), via.getPort() < 0 ? 5060 : via.getPort());
            SipEndpoint.ServerRef tx = resp -> {
                transmit(replyTo, resp.toString());
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
    }
}
