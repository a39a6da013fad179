package dev.holdfast.controller.sim;

import dev.holdfast.controller.core.Command;
import dev.holdfast.controller.core.Event;
import dev.holdfast.controller.sip.AdoptedDialog;
import dev.holdfast.controller.sip.SipMessageMapping;
import dev.holdfast.controller.sip.SipOutgoingRequest;
import dev.holdfast.controller.sip.SipReply;
import dev.holdfast.controller.sip.SipRequest;
import dev.holdfast.endpointsim.sip.SipEndpoint;
import dev.holdfast.endpointsim.sip.SipStackPort;
import dev.holdfast.endpointsim.sip.VirtualSipNetwork;

import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The controller's SIP edge in the simulation: a {@link VirtualSipNetwork} port in place of the JAIN-SIP stack.
 * Received requests and responses become the same core events {@link dev.holdfast.controller.sip.SipEdge} submits,
 * converted by the same {@link SipMessageMapping}; the core's SIP commands become messages built by it. What the
 * real edge gets from JAIN-SIP's transaction and dialog layers is redone here, as little as the core needs: server
 * transactions by handle, client transactions by token (the network times them out), dialogs by Call-ID (tags,
 * targets, CSeqs; adopted ones from {@link Command.SipAdoptDialog}), early dialogs taken over
 * ({@link Command.SipAdoptEarlyDialog}: the phone's INVITE rebuilt for our answers, or the phone's answer to an INVITE
 * we never sent taken as a stray response), each as the real edge does it. Like the real edge it answers 100 Trying to an
 * INVITE at once and answers phones' keepalives (out-of-dialog OPTIONS) itself while the core runs.
 *
 * <p>What JAIN-SIP's dialog layer does for the real edge over UDP is done here too, so that the simulation may lose
 * SIP messages: our 2xx to an INVITE goes again from T1, doubling up to T2, until its ACK comes (RFC 3261 13.3.1.4;
 * given up after 64 x T1 and counted in {@link #unacknowledged}), and a copy of a 2xx we acknowledged gets the same ACK
 * again (13.2.2.4). The network's transaction layer does the rest ({@link VirtualSipNetwork}).
 *
 * <p>Not reproduced: the valve (floods, oversized messages: the simulation sends none), the registration lane
 * (events never queue here: each is handled at once in virtual time), route sets (phones talk to us directly: a
 * route set is counted in {@link #unsupported}).
 */
final class SimSipPort implements SipEndpoint {
    /** A dialog as the real edge's JAIN-SIP dialog keeps it, from the controller's side. */
    private static final class Dialog {
        String localTag, remoteTag, localUri, remoteUri, remoteTarget, transport = "udp";
        long localCSeq, answeredCSeq = -1;
        /** Our last ACK in this dialog, sent again for a copy of the 2xx it acknowledged. */
        Request lastAck;
    }

    /** Our 2xx to an INVITE, by Call-ID and CSeq, sent again until its ACK comes. */
    private final Map<String, dev.holdfast.sim.time.SimScheduler.Cancellable> unacknowledgedOks = new TreeMap<>();

    private final SimControllerNode node;
    private final VirtualSipNetwork.Port port;
    private final String host;
    private final int sipPort;
    private final MessageFactory messages;
    private final HeaderFactory headers;
    private final AddressFactory addresses;
    private final SipMessageMapping mapping;
    private final Map<Long, Incoming> serverTransactions = new TreeMap<>();
    private final Map<String, Dialog> dialogs = new TreeMap<>();
    private final Map<String, SipStackPort.ClientRef> invites = new TreeMap<>();
    /** Sees (and may alter) every request as it arrives, before it is read: the wire between the phones and us. */
    java.util.function.Consumer<Request> onArrival = r -> { };
    private long nextHandle = 1;
    private long branches;
    /** Core commands this port cannot carry out (see the class comment), and messages it could not build or send. */
    long unsupported;
    long sendFailed;
    long keepalivesAtEdge;
    /** Our 2xx to INVITEs never acknowledged in 64 x T1, and 2xx sent again. */
    long unacknowledged;
    long oksAgain;

    private record Incoming(Request request, ServerRef tx) {}

    /** An early dialog taken over in which we are the UAC: the phone's final response comes outside any transaction. */
    private record EarlyDialog(String localTag, String remoteTag, long inviteCSeq, long token) {}

    private final Map<String, EarlyDialog> earlyDialogs = new TreeMap<>();
    /** Phones' INVITEs taken over (we are the UAS of their early dialogs), rebuilt, by token. */
    private final Map<Long, Request> earlyInvites = new TreeMap<>();

    SimSipPort(SimControllerNode node, VirtualSipNetwork.Port port) {
        this.node = node;
        this.port = port;
        this.host = port.localAddress("udp").getHostString();
        this.sipPort = port.localAddress("udp").getPort();
        this.messages = port.messages();
        this.headers = port.headers();
        this.addresses = port.addresses();
        this.mapping = new SipMessageMapping(messages, headers, addresses);
        port.bindDefault(this);
    }

    /** The controller died: nothing more goes out or comes in. */
    void kill() { port.down(true); }

    // ------------------------------------------------------------------------------------------ in

    @Override public void request(Request req, ServerRef tx) {
        if (!node.alive()) return;
        onArrival.accept(req);
        String method = req.getMethod();
        String transport = SipMessageMapping.transportOf(req);
        ViaHeader via = (ViaHeader) req.getHeader(ViaHeader.NAME);
        String source = transport + ":" + via.getHost() + ":" + (via.getPort() < 0 ? 5060 : via.getPort());
        SipRequest converted;
        try {
            converted = SipMessageMapping.toCore(req, transport);
        } catch (RuntimeException e) {
            if (tx != null) respondDirectly(req, tx, 400, "Bad Request (" + e.getMessage() + ")");
            return;
        }
        if (Request.ACK.equals(method)) {
            var again = unacknowledgedOks.remove(okKey(converted.callId(), ((CSeqHeader) req.getHeader(CSeqHeader.NAME)).getSeqNumber()));
            if (again != null) again.cancel();
            node.submit(now -> new Event.SipRequestReceived(now, source, 0, converted));
            return;
        }
        if (Request.INVITE.equals(method)) {
            respondDirectly(req, tx, 100, "Trying");
            Dialog d = dialogs.get(converted.callId());
            if (d != null && converted.toTag() != null) {
                // a re-INVITE: a target refresh (RFC 3261 12.2.2)
                ContactHeader c = (ContactHeader) req.getHeader(ContactHeader.NAME);
                if (c != null) d.remoteTarget = c.getAddress().getURI().toString();
            }
        }
        boolean answered = Request.OPTIONS.equals(method) && converted.toTag() == null && !sentAway(converted)
                && answerKeepalive(req, tx);
        node.submit(now -> {
            long handle = nextHandle++;
            if (!answered) serverTransactions.put(handle, new Incoming(req, tx));
            return new Event.SipRequestReceived(now, source, handle, converted);
        });
    }

    private boolean sentAway(SipRequest r) {
        dev.holdfast.controller.sip.SipUri from = r.fromUri() == null ? null : dev.holdfast.controller.sip.SipUri.parse(r.fromUri());
        return from != null && from.user() != null && node.core.sip().sentAway(from.user());
    }

    /** As the real edge: a running core's keepalive answer given at once (the core's own is then dropped). */
    private boolean answerKeepalive(Request req, ServerRef tx) {
        keepalivesAtEdge++;
        respond(req, tx, SipMessageMapping.keepaliveReply());
        return true;
    }

    private void respondDirectly(Request req, ServerRef tx, int status, String reason) {
        try {
            Response r = messages.createResponse(status, req);
            r.setReasonPhrase(reason);
            tx.respond(r);
        } catch (java.text.ParseException e) {
            sendFailed++;
        }
    }

    /** The handler of one client transaction: its outcome goes to the core with the request's token. */
    private SipStackPort.ResponseHandler outcome(long token, Request sent) {
        return new SipStackPort.ResponseHandler() {
            @Override public void response(Response resp) {
                if (!node.alive()) return;
                CSeqHeader cseq = (CSeqHeader) resp.getHeader(CSeqHeader.NAME);
                String callId = ((CallIdHeader) resp.getHeader(CallIdHeader.NAME)).getCallId();
                int status = resp.getStatusCode();
                String method = cseq.getMethod();
                if ((Request.INVITE.equals(method) || Request.SUBSCRIBE.equals(method)) && status >= 200 && status < 300) {
                    Dialog d = dialogs.computeIfAbsent(callId, k -> uacDialog(sent));
                    d.remoteTag = ((ToHeader) resp.getHeader(ToHeader.NAME)).getTag();
                    ContactHeader c = (ContactHeader) resp.getHeader(ContactHeader.NAME);
                    if (c != null) d.remoteTarget = c.getAddress().getURI().toString();
                    if (Request.INVITE.equals(method)) d.answeredCSeq = cseq.getSeqNumber();
                }
                if (Request.INVITE.equals(method) && status >= 200) invites.remove(callId);
                if (Request.BYE.equals(method) && status >= 200 && dialogs.remove(callId) != null) dialogEnded(callId);
                if (token == 0) return;
                var r = SipMessageMapping.toCore(resp);
                node.submit(now -> new Event.SipResponseReceived(now, token, r));
            }

            @Override public void timeout() { failed("timeout"); }

            @Override public void failed(String why) {
                if (!node.alive() || token == 0) return;
                node.submit(now -> new Event.SipRequestFailed(now, token, why.equals("timeout") ? "timeout" : "not-sent"));
            }
        };
    }

    private void dialogEnded(String callId) {
        // a dialog ended by BYE needs no ACK any more: our 2xx in it stop going again (as JAIN-SIP's dialog does)
        unacknowledgedOks.entrySet().removeIf(e -> {
            if (!e.getKey().startsWith(callId + " ")) return false;
            e.getValue().cancel();
            return true;
        });
        node.submit(now -> new Event.SipDialogEnded(now, callId));
    }

    private Dialog uacDialog(Request sent) {
        Dialog d = new Dialog();
        d.localTag = ((FromHeader) sent.getHeader(FromHeader.NAME)).getTag();
        d.localUri = ((FromHeader) sent.getHeader(FromHeader.NAME)).getAddress().getURI().toString();
        d.remoteUri = ((ToHeader) sent.getHeader(ToHeader.NAME)).getAddress().getURI().toString();
        d.localCSeq = ((CSeqHeader) sent.getHeader(CSeqHeader.NAME)).getSeqNumber();
        d.transport = SipMessageMapping.transportOf(sent);
        return d;
    }

    // ------------------------------------------------------------------------------------------ out

    /** Carries out the core's SIP commands, in order (others are the H.248 side's). */
    void execute(List<Command> commands) {
        for (Command c : commands) {
            if (c instanceof Command.SipRespond r && r.handle() < 0) {
                // the answer to a phone's INVITE taken over from a dead controller: statelessly, to its Via
                Request invite = r.reply().status() >= 200 ? earlyInvites.remove(-r.handle()) : earlyInvites.get(-r.handle());
                if (invite != null) respondEarly(invite, r.reply());
            } else if (c instanceof Command.SipRespond r) {
                Incoming in = r.reply().status() >= 200 ? serverTransactions.remove(r.handle()) : serverTransactions.get(r.handle());
                if (in != null) respond(in.request(), in.tx(), r.reply());
            } else if (c instanceof Command.SipSend s) {
                send(s);
            } else if (c instanceof Command.SipAdoptDialog a) {
                adopt(a.dialog());
            } else if (c instanceof Command.SipAdoptEarlyDialog a && a.inviteBranch() != null) {
                adopt(a.dialog());
                try {
                    earlyInvites.put(a.token(), mapping.takenOverInvite(a.dialog(), a.inviteBranch()));
                } catch (Exception e) {
                    sendFailed++;
                }
            } else if (c instanceof Command.SipAdoptEarlyDialog a) {
                // we are the UAC: as if our INVITE (CSeq localCSeq) had been answered; the answer goes to the token
                AdoptedDialog d = a.dialog();
                adopt(d);
                dialogs.get(d.callId()).answeredCSeq = d.localCSeq();
                earlyDialogs.put(d.callId(), new EarlyDialog(d.localTag(), d.remoteTag(), d.localCSeq(), a.token()));
            }
        }
    }

    private void respond(Request req, ServerRef tx, SipReply reply) {
        try {
            String transport = SipMessageMapping.transportOf(req);
            Response resp = mapping.response(req, reply, reply.contact() ? mapping.contact(host, sipPort, transport, reply.cookie()) : null);
            String callId = ((CallIdHeader) req.getHeader(CallIdHeader.NAME)).getCallId();
            String method = req.getMethod();
            int status = reply.status();
            if (Request.INVITE.equals(method) && status >= 200 && status < 300 && !dialogs.containsKey(callId)) {
                dialogs.put(callId, uasDialog(req, resp));
            }
            if (Request.BYE.equals(method) && status >= 200 && dialogs.remove(callId) != null) {
                tx.respond(resp);
                dialogEnded(callId);
                return;
            }
            tx.respond(resp);
            if (Request.INVITE.equals(method) && status / 100 == 2) untilAcknowledged(resp, transport);
        } catch (Exception e) {
            sendFailed++;
        }
    }

    private static String okKey(String callId, long cseq) { return callId + " " + cseq; }

    /** RFC 3261 13.3.1.4 over UDP: our 2xx to an INVITE again from T1, doubling up to T2, until the ACK; 64 x T1 at most. */
    private void untilAcknowledged(Response ok, String transport) {
        if (!"udp".equalsIgnoreCase(transport)) return;
        String key = okKey(((CallIdHeader) ok.getHeader(CallIdHeader.NAME)).getCallId(), ((CSeqHeader) ok.getHeader(CSeqHeader.NAME)).getSeqNumber());
        var previous = unacknowledgedOks.remove(key);
        if (previous != null) previous.cancel();
        sendAgain(key, ok, VirtualSipNetwork.T1, 0);
    }

    private void sendAgain(String key, Response ok, java.time.Duration interval, long waitedMillis) {
        long delay = Math.min(interval.toMillis(), VirtualSipNetwork.TRANSACTION_TIMEOUT.toMillis() - waitedMillis);
        unacknowledgedOks.put(key, node.time().schedule(() -> {
            if (!node.alive()) return;
            long waited = waitedMillis + delay;
            if (waited >= VirtualSipNetwork.TRANSACTION_TIMEOUT.toMillis()) {
                unacknowledgedOks.remove(key);
                unacknowledged++;
                return;
            }
            oksAgain++;
            port.resendResponse(ok);
            java.time.Duration next = interval.multipliedBy(2);
            sendAgain(key, ok, next.compareTo(VirtualSipNetwork.T2) > 0 ? VirtualSipNetwork.T2 : next, waited);
        }, java.time.Duration.ofMillis(delay)));
    }

    private void respondEarly(Request invite, SipReply reply) {
        try {
            Response resp = mapping.response(invite, reply,
                    reply.contact() ? mapping.contact(host, sipPort, SipMessageMapping.transportOf(invite), reply.cookie()) : null);
            if (!port.resendResponse(resp)) sendFailed++;
            else if (reply.status() / 100 == 2) untilAcknowledged(resp, SipMessageMapping.transportOf(invite));
        } catch (Exception e) {
            sendFailed++;
        }
    }

    /** A response no client transaction matched: the phone's final answer in an early dialog we took over (as the edge's valve). */
    @Override public void strayResponse(Response resp) {
        if (!node.alive()) return;
        String callId = ((CallIdHeader) resp.getHeader(CallIdHeader.NAME)).getCallId();
        CSeqHeader copied = (CSeqHeader) resp.getHeader(CSeqHeader.NAME);
        Dialog acked = dialogs.get(callId);
        if (resp.getStatusCode() / 100 == 2 && Request.INVITE.equals(copied.getMethod()) && acked != null && acked.lastAck != null
                && ((CSeqHeader) acked.lastAck.getHeader(CSeqHeader.NAME)).getSeqNumber() == copied.getSeqNumber()) {
            // a copy of a 2xx we acknowledged: our ACK was lost (RFC 3261 13.2.2.4)
            port.sendAck(acked.lastAck);
            return;
        }
        EarlyDialog e = earlyDialogs.get(callId);
        if (e == null) return;
        CSeqHeader cseq = (CSeqHeader) resp.getHeader(CSeqHeader.NAME);
        if (!Request.INVITE.equals(cseq.getMethod()) || cseq.getSeqNumber() != e.inviteCSeq()
                || !e.localTag().equals(((FromHeader) resp.getHeader(FromHeader.NAME)).getTag())
                || !e.remoteTag().equals(((ToHeader) resp.getHeader(ToHeader.NAME)).getTag())) return;
        if (resp.getStatusCode() < 200) return;
        earlyDialogs.remove(callId);
        var r = SipMessageMapping.toCore(resp);
        node.submit(now -> new Event.SipResponseReceived(now, e.token(), r));
    }

    private Dialog uasDialog(Request req, Response resp) {
        Dialog d = new Dialog();
        d.localTag = ((ToHeader) resp.getHeader(ToHeader.NAME)).getTag();
        d.localUri = ((ToHeader) req.getHeader(ToHeader.NAME)).getAddress().getURI().toString();
        d.remoteTag = ((FromHeader) req.getHeader(FromHeader.NAME)).getTag();
        d.remoteUri = ((FromHeader) req.getHeader(FromHeader.NAME)).getAddress().getURI().toString();
        ContactHeader c = (ContactHeader) req.getHeader(ContactHeader.NAME);
        d.remoteTarget = c == null ? req.getRequestURI().toString() : c.getAddress().getURI().toString();
        d.transport = SipMessageMapping.transportOf(req);
        return d;
    }

    private void adopt(AdoptedDialog a) {
        Dialog d = new Dialog();
        d.localTag = a.localTag();
        d.remoteTag = a.remoteTag();
        d.localUri = a.localUri();
        d.remoteUri = a.remoteUri();
        d.remoteTarget = a.remoteTarget();
        d.transport = a.transport() == null ? "udp" : a.transport();
        d.localCSeq = Math.max(0, a.localCSeq());
        if (!a.routeSet().isEmpty()) unsupported++;
        dialogs.put(a.callId(), d);
    }

    private ViaHeader via(String transport) throws Exception {
        return headers.createViaHeader(host, sipPort, transport, "z9hG4bKsim" + (++branches) + "x" + node.name);
    }

    private void send(Command.SipSend s) {
        SipOutgoingRequest q = s.request();
        try {
            if (q.requestUri() != null && (Request.INVITE.equals(q.method()) || Request.SUBSCRIBE.equals(q.method()))) {
                String transport = mapping.transportTo(q);
                Request req = mapping.dialogStarting(q, via(transport), mapping.contact(host, sipPort, transport, q.cookie()));
                SipStackPort.ClientRef ref = port.send(req, outcome(s.token(), req));
                if (Request.INVITE.equals(q.method()) && ref != null) invites.put(q.callId(), ref);
                return;
            }
            if (Request.CANCEL.equals(q.method())) {
                SipStackPort.ClientRef invite = invites.get(q.callId());
                if (invite == null) throw new IllegalStateException("no INVITE to cancel in " + q.callId());
                port.cancel(invite, outcome(s.token(), null));
                return;
            }
            Dialog d = dialogs.get(q.callId());
            if (d == null || (Request.ACK.equals(q.method()) && d.answeredCSeq < 0)) throw new IllegalStateException("no dialog " + q.callId());
            long cseq = Request.ACK.equals(q.method()) ? d.answeredCSeq : ++d.localCSeq;
            Request req = inDialog(d, q.callId(), q.method(), cseq);
            if (Request.INVITE.equals(q.method())) req.setHeader(mapping.contact(host, sipPort, d.transport, q.cookie()));
            if (Request.ACK.equals(q.method())) {
                if (q.body() != null) req.setContent(q.body(), mapping.contentType(q.contentType()));
                if (!port.sendAck(req)) throw new IllegalStateException("ACK not sent");
                d.lastAck = req;
                return;
            }
            mapping.fillInDialog(req, q);
            port.send(req, outcome(s.token(), req));
        } catch (Exception e) {
            sendFailed++;
            if (s.token() != 0) node.submit(now -> new Event.SipRequestFailed(now, s.token(), "not-sent"));
        }
    }

    /** A request in dialog {@code d} (RFC 3261 12.2.1.1): to its remote target, our tag in From, the peer's in To. */
    private Request inDialog(Dialog d, String callId, String method, long cseq) throws Exception {
        Address from = addresses.createAddress(d.localUri);
        Address to = addresses.createAddress(d.remoteUri);
        return messages.createRequest(addresses.createURI(d.remoteTarget), method, headers.createCallIdHeader(callId),
                headers.createCSeqHeader(cseq, method), headers.createFromHeader(from, d.localTag),
                headers.createToHeader(to, d.remoteTag), new ArrayList<>(List.of(via(d.transport))),
                headers.createMaxForwardsHeader(70));
    }
}
