package dev.holdfast.controller.sip;

import dev.holdfast.controller.core.CoreServices;

import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Phone-to-phone calls as a back-to-back user agent. An INVITE from a phone to a directory number is answered on
 * leg A by relaying what leg B, a new INVITE to the callee's registered contact, gets: provisional responses (ring
 * back, early media SDP), the answer (acknowledged on B at once, then sent to A with B's SDP) or the failure. CANCEL,
 * BYE from either side and the no-answer timer end the call on both legs. SDP passes through unchanged: the media
 * flows between the phones.
 */
final class B2bua {
    private static final System.Logger LOG = System.getLogger(B2bua.class.getName());

    private final CoreServices svc;
    private final SipCore sip;
    private final SubscriberDirectory directory;
    private final LocationService location;
    private final DigestAuthenticator auth;
    private final Set<String> trustedPeers;
    private final long noAnswerMillis;
    private final SipCounters counters;
    private final Map<String, SipCall> byCallId = new TreeMap<>();
    private final Map<Long, SipCall> byInviteToken = new TreeMap<>();
    private final Map<Long, SipCall> calls = new TreeMap<>();
    private long nextCallId = 1;

    B2bua(CoreServices svc, SipCore sip, SubscriberDirectory directory, LocationService location, DigestAuthenticator auth,
          List<String> trustedPeers, long noAnswerMillis, SipCounters counters) {
        this.svc = svc;
        this.sip = sip;
        this.directory = directory;
        this.location = location;
        this.auth = auth;
        this.trustedPeers = new TreeSet<>(trustedPeers);
        this.noAnswerMillis = noAnswerMillis;
        this.counters = counters;
    }

    Collection<SipCall> calls() { return Collections.unmodifiableCollection(calls.values()); }

    SipCall byCallId(String callId) { return byCallId.get(callId); }

    // ------------------------------------------------------------------------------------------ leg A requests

    void invite(String source, long handle, SipRequest r) {
        counters.add("invite.received");
        if (byCallId.containsKey(r.callId())) {
            // a second INVITE outside the dialog with a Call-ID in use (a loop or a confused phone)
            reject(handle, 482, "Loop Detected");
            return;
        }
        SipUri from = SipUri.parse(r.fromUri());
        SipUri target = SipUri.parse(r.requestUri());
        if (from == null || target == null) {
            reject(handle, 400, "From or Request-URI is not a sip URI");
            return;
        }
        Subscriber caller = directory.byUser(from.user());
        if (!callerAccepted(source, handle, r, caller, from)) return;
        String number = target.user() != null ? target.user() : SipUri.parse(r.toUri()) == null ? null : SipUri.parse(r.toUri()).user();
        Subscriber callee = directory.byNumber(number);
        if (callee == null) {
            reject(handle, 404, "Not Found");
            return;
        }
        List<Binding> contacts = location.bindings(callee.user(), svc.now());
        if (contacts.isEmpty()) {
            reject(handle, 480, "Temporarily Unavailable");
            return;
        }
        // the most recently registered contact takes the call (no forking)
        Binding to = contacts.stream().max(Comparator.comparingLong(Binding::registeredAt)).orElseThrow();
        long id = nextCallId++;
        String aToTag = "hfa" + id + "x" + Long.toHexString(svc.random().nextLong() & 0xffffffffL);
        String bCallId = "hf" + id + "x" + Long.toHexString(svc.random().nextLong()) + "@" + sip.domain();
        String bFromTag = "hfb" + id + "x" + Long.toHexString(svc.random().nextLong() & 0xffffffffL);
        String callerNumber = caller != null ? caller.number() : from.user();
        long token = sip.send(new SipOutgoingRequest("INVITE", bCallId, to.contact(), to.transport(),
                "sip:" + callerNumber + "@" + sip.domain(), bFromTag, "sip:" + number + "@" + sip.domain(),
                r.contentType(), r.body()));
        SipCall call = new SipCall(id, r.callId(), handle, aToTag, bCallId, token, callerNumber, number);
        calls.put(id, call);
        byCallId.put(r.callId(), call);
        byCallId.put(bCallId, call);
        byInviteToken.put(token, call);
        call.noAnswerTimer = svc.startTimer(noAnswerMillis, () -> noAnswer(call));
        counters.add("calls.attempted");
        LOG.log(System.Logger.Level.DEBUG, () -> "call " + id + ": " + callerNumber + " -> " + number + " at " + to.contact());
    }

    /**
     * A call is accepted from a trusted peer, from a contact the calling subscriber has registered, or with digest
     * credentials of the calling subscriber (a 407 challenge asks for them).
     */
    private boolean callerAccepted(String source, long handle, SipRequest r, Subscriber caller, SipUri from) {
        if (trustedPeers.contains(host(source))) return true;
        if (caller != null && !r.contacts().isEmpty()) {
            SipUri contact = SipUri.parse(r.contacts().get(0).uri());
            if (contact != null) {
                for (Binding b : location.bindings(caller.user(), svc.now())) {
                    SipUri bound = SipUri.parse(b.contact());
                    if (bound != null && bound.hostPort().equals(contact.hostPort())) return true;
                }
            }
        }
        DigestCredentials c = DigestCredentials.parse(r.proxyAuthorization());
        if (c == null) {
            counters.add("invite.challenged");
            sip.respond(handle, SipReply.of(407, "Proxy Authentication Required",
                    new SipHeader("Proxy-Authenticate", auth.challenge(svc.now(), false))));
            return false;
        }
        DigestAuthenticator.Verdict v = auth.verify("INVITE", c, directory.byUser(c.username()), svc.now());
        if (v == DigestAuthenticator.Verdict.STALE) {
            counters.add("invite.challenged");
            sip.respond(handle, SipReply.of(407, "Proxy Authentication Required",
                    new SipHeader("Proxy-Authenticate", auth.challenge(svc.now(), true))));
            return false;
        }
        if (v != DigestAuthenticator.Verdict.OK || caller == null || !caller.user().equals(c.username())) {
            counters.add("invite.forbidden");
            sip.respond(handle, SipReply.of(403, "Forbidden"));
            return false;
        }
        return true;
    }

    private static String host(String source) {
        int first = source.indexOf(':');
        int last = source.lastIndexOf(':');
        return first < 0 || last <= first ? source : source.substring(first + 1, last);
    }

    void ack(SipRequest r) {
        SipCall call = byCallId.get(r.callId());
        if (call != null && r.callId().equals(call.aCallId)) counters.add("ack.received");
    }

    void bye(long handle, SipRequest r) {
        SipCall call = byCallId.get(r.callId());
        if (call == null) {
            sip.respond(handle, SipReply.of(481, "Call/Transaction Does Not Exist"));
            return;
        }
        sip.respond(handle, SipReply.of(200, "OK"));
        boolean fromA = r.callId().equals(call.aCallId);
        counters.add(fromA ? "calls.released-by-caller" : "calls.released-by-callee");
        if (call.state == SipCall.State.CONNECTED) {
            sip.send(SipOutgoingRequest.inDialog("BYE", fromA ? call.bCallId : call.aCallId));
            end(call);
        } else if (fromA) {
            // a BYE on an unanswered call: treat it as a CANCEL of leg B
            cancelB(call, 487, "Request Terminated");
        } else {
            // the callee ended its early dialog: the caller gets a failure
            sip.respond(call.aHandle, new SipReply(480, "Temporarily Unavailable", call.aToTag, List.of(), false, null, null));
            end(call);
        }
    }

    void cancel(long handle, SipRequest r) {
        SipCall call = byCallId.get(r.callId());
        if (call == null || !r.callId().equals(call.aCallId)) {
            sip.respond(handle, SipReply.of(481, "Call/Transaction Does Not Exist"));
            return;
        }
        sip.respond(handle, SipReply.of(200, "OK"));
        if (call.state == SipCall.State.CALLING || call.state == SipCall.State.EARLY) {
            counters.add("calls.cancelled");
            cancelB(call, 487, "Request Terminated");
        }
    }

    // ------------------------------------------------------------------------------------------ leg B responses

    void response(long token, SipResponse r) {
        SipCall call = byInviteToken.get(token);
        if (call == null) return; // a response to a BYE or CANCEL: nothing to do
        int status = r.status();
        if (status < 200) {
            if (status == 100) return;
            if (call.state == SipCall.State.CALLING || call.state == SipCall.State.EARLY) {
                call.state = SipCall.State.EARLY;
                counters.add("provisional.relayed");
                sip.respond(call.aHandle, new SipReply(status, r.reason(), call.aToTag, List.of(), true,
                        r.contentType(), r.body()));
            }
            return;
        }
        byInviteToken.remove(token);
        if (status < 300) {
            sip.send(SipOutgoingRequest.inDialog("ACK", call.bCallId));
            if (call.state == SipCall.State.CANCELLING || call.state == SipCall.State.ENDED) {
                // the answer crossed our CANCEL: the caller is gone, end leg B
                sip.send(SipOutgoingRequest.inDialog("BYE", call.bCallId));
                end(call);
                return;
            }
            svc.cancelTimer(call.noAnswerTimer);
            call.state = SipCall.State.CONNECTED;
            counters.add("calls.connected");
            sip.respond(call.aHandle, new SipReply(status, r.reason(), call.aToTag, List.of(), true, r.contentType(), r.body()));
            return;
        }
        if (call.state == SipCall.State.CALLING || call.state == SipCall.State.EARLY) {
            counters.add("calls.failed." + status);
            sip.respond(call.aHandle, new SipReply(status, r.reason(), call.aToTag, List.of(), false, null, null));
        }
        end(call);
    }

    void failed(long token, String reason) {
        SipCall call = byInviteToken.remove(token);
        if (call == null) return;
        if (call.state == SipCall.State.CALLING || call.state == SipCall.State.EARLY) {
            counters.add("calls.failed." + reason);
            boolean timeout = reason.equals("timeout");
            sip.respond(call.aHandle, new SipReply(timeout ? 408 : 503, timeout ? "Request Timeout" : "Service Unavailable",
                    call.aToTag, List.of(), false, null, null));
        }
        end(call);
    }

    /** The stack ended a leg's dialog on its own: a connected call loses that leg, so the other one is hung up. */
    void dialogEnded(String callId) {
        SipCall call = byCallId.get(callId);
        if (call == null || call.state != SipCall.State.CONNECTED) return;
        counters.add("calls.dialog-lost");
        sip.send(SipOutgoingRequest.inDialog("BYE", callId.equals(call.aCallId) ? call.bCallId : call.aCallId));
        end(call);
    }

    private void noAnswer(SipCall call) {
        call.noAnswerTimer = 0;
        if (call.state == SipCall.State.CALLING || call.state == SipCall.State.EARLY) {
            counters.add("calls.no-answer");
            cancelB(call, 480, "Temporarily Unavailable");
        }
    }

    /** Answers leg A with a final failure and cancels leg B; the call ends when B's INVITE does. */
    private void cancelB(SipCall call, int status, String reason) {
        svc.cancelTimer(call.noAnswerTimer);
        sip.respond(call.aHandle, new SipReply(status, reason, call.aToTag, List.of(), false, null, null));
        sip.send(SipOutgoingRequest.inDialog("CANCEL", call.bCallId));
        call.state = SipCall.State.CANCELLING;
    }

    private void end(SipCall call) {
        svc.cancelTimer(call.noAnswerTimer);
        call.state = SipCall.State.ENDED;
        calls.remove(call.id);
        byCallId.remove(call.aCallId);
        byCallId.remove(call.bCallId);
        byInviteToken.remove(call.bToken);
    }

    private void reject(long handle, int status, String reason) {
        counters.add("invite.rejected." + status);
        sip.respond(handle, SipReply.of(status, reason));
    }
}
