package dev.holdfast.controller.sip;

import dev.holdfast.controller.core.CoreServices;

import dev.holdfast.controller.call.Call;
import dev.holdfast.controller.call.CallState;
import dev.holdfast.controller.call.CallStructure.Role;

import dev.holdfast.controller.cdr.CallRecord;
import dev.holdfast.controller.cdr.CdrRecorder;
import dev.holdfast.controller.cdr.CdrRecorder.Party;

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
    /** A re-INVITE relayed to the other leg, by its token: the call and the handle to answer on the sending leg. */
    private final Map<Long, Reinvite> reinvites = new TreeMap<>();

    /** {@code cookie}: the sender's refreshed cookie, for the Contact of the answer. */
    private record Reinvite(long call, long handle, String sentOn, String cookie) {}
    /** Requests the B2BUA sends on its own (a transfer's INVITE and re-INVITEs), by token: what to do with the responses. */
    private final Map<Long, java.util.function.Consumer<SipResponse>> ownRequests = new TreeMap<>();
    private final dev.holdfast.controller.core.JournalledMap<Long, SipCall> calls = new dev.holdfast.controller.core.JournalledMap<>();
    private long nextCallId = 1;
    /** Call processing's side for calls to analog lines; null: only phones are called. */
    private LineRouter lines;
    private PhoneDialogCookies cookies = PhoneDialogCookies.OFF;
    private MigratedDialogs migrated = MigratedDialogs.NONE;
    /** Calls by call key: the two dialogs of an adopted call meet here, in either order. */
    private final Map<Long, SipCall> byCallKey = new TreeMap<>();
    /**
     * Dialogs adopted in the edge but in no call (their cookie did not verify, or call processing did not take
     * them): talk-path-only. The phone's BYE is answered and nothing else happens; a re-INVITE gets 488.
     */
    private final Set<String> talkPathOnly = new TreeSet<>();
    /**
     * Keys of adopted calls that ended here, with when: a dialog of such a call that arrives later (its phone came back
     * after the other one hung up) is ended at once. Kept {@link #ENDED_KEYS_MILLIS}.
     */
    private final Map<Long, Long> endedKeys = new TreeMap<>();
    private static final long ENDED_KEYS_MILLIS = 10 * 60_000L;

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

    void lines(LineRouter lines) {
        this.lines = lines;
        this.focus = new ConferenceFocus(svc, sip, this, directory, location, lines, counters);
    }

    /** The conferences' focus (a conference factory URI, RFC 4579); null until call processing is there to mix. */
    private ConferenceFocus focus;

    ConferenceFocus focus() { return focus; }

    /** A focus conference rebuilt by call processing after a failover: the focus takes it (none: it ends). */
    void conferenceArrived(MigratedConference m) {
        if (focus == null) { m.bridge().release(); return; }
        focus.arrived(m);
    }

    /** Where phone-to-phone calls (and refused calls to numbers that are no line) are recorded; null: nowhere. */
    void cdrs(CdrRecorder r) { this.cdrs = r; }

    private CdrRecorder cdrs;

    void cookies(PhoneDialogCookies c) { this.cookies = c; }

    void migrated(MigratedDialogs m) { this.migrated = m; }

    boolean knows(String callId) {
        return byCallId.containsKey(callId) || talkPathOnly.contains(callId) || focus != null && focus.owns(callId);
    }

    int talkPathOnlyDialogs() { return talkPathOnly.size(); }

    Collection<SipCall> calls() { return Collections.unmodifiableCollection(calls.values()); }

    /** The calls by id, journalled once asked (the admin API's notices). */
    dev.holdfast.controller.core.JournalledMap<Long, SipCall> register() { return calls; }

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
        if (focus != null && ConferenceFocus.FACTORY_USER.equalsIgnoreCase(target.user())) {
            focus.invite(handle, r, caller != null ? caller.number() : from.user());
            return;
        }
        String number = target.user() != null ? target.user() : SipUri.parse(r.toUri()) == null ? null : SipUri.parse(r.toUri()).user();
        Subscriber callee = directory.byNumber(number);
        if (callee == null) {
            String callerNumber = caller != null ? caller.number() : from.user();
            if (lines != null && number != null && inviteLine(handle, r, callerNumber, number)) return;
            if (cdrs != null) cdrs.refused(Party.phone(callerNumber), new Party(number, null), List.of(), CallRecord.INVALID_NUMBER, null);
            reject(handle, 404, "Not Found");
            return;
        }
        List<Binding> contacts = location.bindings(callee.user(), svc.now());
        if (contacts.isEmpty()) {
            if (cdrs != null) {
                cdrs.refused(Party.phone(caller != null ? caller.number() : from.user()), Party.phone(number), List.of(),
                        CallRecord.UNAVAILABLE, "not registered");
            }
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
        long callKey = svc.random().nextLong();
        String bCookie = stamp(callKey, 1, svc.now(), CallState.SETUP, Call.Feature.NONE, callerNumber, r.callId(),
                number, bCallId, 1);
        long token = sip.send(new SipOutgoingRequest("INVITE", bCallId, to.contact(), to.transport(),
                "sip:" + callerNumber + "@" + sip.domain(), bFromTag, "sip:" + number + "@" + sip.domain(),
                r.contentType(), r.body()).withCookie(bCookie));
        SipCall call = new SipCall(id, r.callId(), handle, aToTag, bCallId, token, callerNumber, number);
        call.aRemoteTag = r.fromTag();
        call.bLocalTag = bFromTag;
        call.callKey = callKey;
        call.stateSince = svc.now();
        call.cdr.setupAt = svc.now();
        byCallKey.put(callKey, call);
        calls.put(id, call);
        byCallId.put(r.callId(), call);
        byCallId.put(bCallId, call);
        byInviteToken.put(token, call);
        call.noAnswerTimer = svc.startTimer(noAnswerMillis, () -> noAnswer(call));
        counters.add("calls.attempted");
        LOG.log(System.Logger.Level.DEBUG, () -> "call " + id + ": " + callerNumber + " -> " + number + " at " + to.contact());
    }

    /**
     * A call from a phone to an analog line: leg A only; the other side is call processing's (an RTP termination
     * with the phone's SDP as Remote, next to the line in a context on its gateway). False when the number is no line.
     */
    private boolean inviteLine(long handle, SipRequest r, String callerNumber, String number) {
        long id = nextCallId++;
        String aToTag = "hfa" + id + "x" + Long.toHexString(svc.random().nextLong() & 0xffffffffL);
        SipCall call = new SipCall(id, r.callId(), handle, aToTag, null, 0, callerNumber, number);
        call.aRemoteTag = r.fromTag();
        call.toLine = true;
        calls.put(id, call);
        byCallId.put(r.callId(), call);
        LineRouter.LineCall line = lines.offer(number, callerNumber, r.callId(), r.body(), new LineParty(call));
        if (line == null) {
            calls.remove(id);
            byCallId.remove(r.callId());
            return false;
        }
        if (call.state != SipCall.State.ENDED) call.line = line;
        counters.add("calls.attempted");
        counters.add("calls.to-line");
        return true;
    }

    /** Call processing's reports on a call to a line, turned into responses and requests on leg A. */
    private final class LineParty implements LineRouter.SipParty {
        private final SipCall call;

        LineParty(SipCall call) { this.call = call; }

        @Override public void ringing() { ringing(null); }

        @Override public void ringing(String cookie) {
            if (call.state != SipCall.State.CALLING) return;
            call.state = SipCall.State.EARLY;
            sip.respond(call.aHandle, new SipReply(180, "Ringing", call.aToTag, List.of(), true, null, null, cookie));
        }

        @Override public void answered(String localSdp) { answered(localSdp, null); }

        @Override public void answered(String localSdp, String cookie) {
            if (call.state != SipCall.State.CALLING && call.state != SipCall.State.EARLY) return;
            call.state = SipCall.State.CONNECTED;
            counters.add("calls.connected");
            sip.respond(call.aHandle, new SipReply(200, "OK", call.aToTag, List.of(), true, "application/sdp", localSdp, cookie));
        }

        @Override public void failed(int status, String reason) {
            if (call.state != SipCall.State.CALLING && call.state != SipCall.State.EARLY) return;
            counters.add("calls.failed." + status);
            sip.respond(call.aHandle, new SipReply(status, reason, call.aToTag, List.of(), false, null, null));
            end(call);
        }

        @Override public void released() {
            if (call.state == SipCall.State.CALLING || call.state == SipCall.State.EARLY) {
                // the line side ended between the line's answer and the phone's 200
                failed(503, "Service Unavailable");
                return;
            }
            if (call.state != SipCall.State.CONNECTED) return;
            counters.add("calls.released-by-callee");
            sip.send(SipOutgoingRequest.inDialog("BYE", call.aCallId));
            end(call);
        }
    }

    /**
     * A line calls a phone: leg B only, an INVITE to the callee's most recently registered contact with the line's
     * RTP termination's Local SDP as offer. Null when {@code number} is no subscriber's.
     */
    PhoneRouter.PhoneCall callPhone(String number, String callerNumber, String offerSdp,
                                    java.util.function.Function<String, String> cookieFor, PhoneRouter.LineParty line) {
        Subscriber callee = directory.byNumber(number);
        if (callee == null) return null;
        counters.add("calls.from-line");
        List<Binding> contacts = location.bindings(callee.user(), svc.now());
        if (contacts.isEmpty()) {
            counters.add("invite.rejected.480");
            line.failed(480);
            return new PhoneRouter.PhoneCall() {
                @Override public String callId() { return null; }
                @Override public void release() { }
            };
        }
        Binding to = contacts.stream().max(Comparator.comparingLong(Binding::registeredAt)).orElseThrow();
        long id = nextCallId++;
        String bCallId = "hf" + id + "x" + Long.toHexString(svc.random().nextLong()) + "@" + sip.domain();
        String bFromTag = "hfb" + id + "x" + Long.toHexString(svc.random().nextLong() & 0xffffffffL);
        String cookie = cookieFor == null ? null : cookieFor.apply(bCallId);
        long token = sip.send(new SipOutgoingRequest("INVITE", bCallId, to.contact(), to.transport(),
                "sip:" + callerNumber + "@" + sip.domain(), bFromTag, "sip:" + number + "@" + sip.domain(),
                "application/sdp", offerSdp).withCookie(cookie));
        SipCall call = new SipCall(id, null, 0, null, bCallId, token, callerNumber, number);
        call.bLocalTag = bFromTag;
        call.fromLine = line;
        calls.put(id, call);
        byCallId.put(bCallId, call);
        byInviteToken.put(token, call);
        counters.add("calls.attempted");
        return new PhoneRouter.PhoneCall() {
            @Override public String callId() { return bCallId; }
            @Override public void release() { lineLeft(call); }
        };
    }

    /** The line left a call to a phone: CANCEL before the answer (the call ends with the INVITE), BYE after. */
    private void lineLeft(SipCall call) {
        if (call.state == SipCall.State.CONNECTED) {
            counters.add("calls.released-by-caller");
            sip.send(SipOutgoingRequest.inDialog("BYE", call.bCallId));
            end(call);
        } else if (call.state == SipCall.State.CALLING || call.state == SipCall.State.EARLY) {
            counters.add("calls.cancelled");
            if (call.adopted) {
                // the INVITE's transaction died with the controller that sent it: nothing to CANCEL (adoptEarly)
                end(call);
                endEarly(call.bCallId, call.bToken);
                return;
            }
            sip.send(SipOutgoingRequest.inDialog("CANCEL", call.bCallId));
            call.state = SipCall.State.CANCELLING;
        }
    }

    /** Leg B's answer to a line's call, for call processing. */
    private void lineCallResponse(SipCall call, long token, SipResponse r) {
        int status = r.status();
        if (status < 200) {
            if ((status == 180 || status == 183) && call.state == SipCall.State.CALLING) {
                call.state = SipCall.State.EARLY;
                call.fromLine.ringing();
            }
            return;
        }
        byInviteToken.remove(token);
        if (status < 300) {
            sip.send(SipOutgoingRequest.inDialog("ACK", call.bCallId));
            if (call.state == SipCall.State.CANCELLING || call.state == SipCall.State.ENDED) {
                sip.send(SipOutgoingRequest.inDialog("BYE", call.bCallId));
                end(call);
                return;
            }
            call.state = SipCall.State.CONNECTED;
            call.bRemoteTag = r.toTag();
            counters.add("calls.connected");
            call.fromLine.answered(r.body());
            return;
        }
        boolean cancelled = call.state == SipCall.State.CANCELLING;
        end(call);
        if (!cancelled) {
            counters.add("calls.failed." + status);
            call.fromLine.failed(status);
        }
    }

    /** The phone left a call to a line: the line side is released, leg A ends. */
    private void leaveLine(SipCall call) {
        LineRouter.LineCall line = call.line;
        end(call);
        if (line != null) line.release();
    }

    /**
     * A call is accepted from a trusted peer, from a contact the calling subscriber has registered, or with digest
     * credentials of the calling subscriber (a 407 challenge asks for them).
     */
    boolean callerAccepted(String source, long handle, SipRequest r, Subscriber caller, SipUri from) {
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
        String fromUser = from != null ? from.user() : null;
        if (c == null) {
            counters.add("invite.challenged");
            sip.respond(handle, SipReply.of(407, "Proxy Authentication Required",
                    new SipHeader("Proxy-Authenticate", auth.challenge(svc.now(), false, fromUser, source))));
            return false;
        }
        DigestAuthenticator.Verdict v = auth.verify("INVITE", r.requestUri(), c, directory.byUser(c.username()), source, svc.now());
        if (v == DigestAuthenticator.Verdict.URI_MISMATCH) {
            counters.add("invite.uri-mismatch", "INVITE from " + source + " for " + r.requestUri()
                    + " answers a digest for " + c.get("uri"));
            sip.respond(handle, SipReply.of(400, "Digest uri does not match the Request-URI"));
            return false;
        }
        if (v == DigestAuthenticator.Verdict.STALE || v == DigestAuthenticator.Verdict.REPLAYED
                || v == DigestAuthenticator.Verdict.UNKNOWN_NONCE) {
            counters.add("invite.challenged");
            sip.respond(handle, SipReply.of(407, "Proxy Authentication Required",
                    new SipHeader("Proxy-Authenticate", auth.challenge(svc.now(), v != DigestAuthenticator.Verdict.UNKNOWN_NONCE, fromUser, source))));
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

    /**
     * A re-INVITE in a connected call (hold, resume, a new media address): relayed to the other leg with its SDP;
     * the answer comes back the same way. Only one at a time per call (RFC 3261 14.2: 491 otherwise).
     */
    void reinvite(long handle, SipRequest r) {
        if (focus != null && focus.owns(r.callId())) { focus.reinvite(handle, r); return; }
        if (talkPathOnly.contains(r.callId())) {
            // no call to offer it to; 488 keeps the session as it was (RFC 3261 14.2), the media untouched
            counters.add("migration.talk-path-only.reinvite");
            sip.respond(handle, SipReply.of(488, "Not Acceptable Here"));
            return;
        }
        SipCall call = byCallId.get(r.callId());
        if (call == null) {
            sip.respond(handle, SipReply.of(481, "Call/Transaction Does Not Exist"));
            return;
        }
        if (call.toLine || call.fromLine != null) {
            lineReinvite(handle, call, r);
            return;
        }
        if (call.state != SipCall.State.CONNECTED || call.transfer != null || reinviting(call)) {
            sip.respond(handle, SipReply.of(491, "Request Pending"));
            return;
        }
        boolean fromA = r.callId().equals(call.aCallId);
        if (!(fromA ? call.bPresent : call.aPresent)) {
            // an adopted call whose other phone has not come back: nobody to offer the new session to
            sip.respond(handle, SipReply.of(480, "Temporarily Unavailable"));
            return;
        }
        String other = fromA ? call.bCallId : call.aCallId;
        // the target refresh carries the call's new state in both directions (hold is a feature of the call)
        call.feature = holds(r.body()) ? Call.Feature.HOLD : Call.Feature.NONE;
        call.generation++;
        long token = sip.send(new SipOutgoingRequest("INVITE", other, null, null, null, null, null, r.contentType(), r.body())
                .withCookie(cookie(call, fromA ? 1 : 0)));
        reinvites.put(token, new Reinvite(call.id, handle, other, cookie(call, fromA ? 0 : 1)));
        counters.add("reinvites.relayed");
    }

    /**
     * A re-INVITE from the phone in a call with a line (hold with sendonly or inactive, resume, a new media address):
     * the gateway's RTP termination takes the phone's SDP as Remote and the mode that mirrors its direction; the
     * answer is the termination's Local SDP with the direction that answers the offer (RFC 3264 6.1, 8.4).
     */
    private void lineReinvite(long handle, SipCall call, SipRequest r) {
        LineRouter.LineCall line = call.toLine ? call.line : call.fromLine.lineCall();
        if (call.state != SipCall.State.CONNECTED || call.transfer != null || call.lineMediaPending) {
            sip.respond(handle, SipReply.of(491, "Request Pending"));
            return;
        }
        if (line == null || r.body() == null || r.body().isBlank()) {
            // no offer (we would have to offer in the 200 and take the answer in the ACK): not served
            counters.add("reinvites.line.refused");
            sip.respond(handle, SipReply.of(488, "Not Acceptable Here"));
            return;
        }
        SdpDirection phone = SdpDirection.of(r.body());
        call.lineMediaPending = true;
        line.media(r.body(), phone, local -> {
            call.lineMediaPending = false;
            if (local == null) {
                counters.add("reinvites.line.refused");
                sip.respond(handle, SipReply.of(488, "Not Acceptable Here"));
                return;
            }
            call.feature = phone == SdpDirection.SENDRECV ? Call.Feature.NONE : Call.Feature.HOLD;
            counters.add(phone == SdpDirection.SENDRECV ? "reinvites.line.resume" : "reinvites.line.hold");
            sip.respond(handle, new SipReply(200, "OK", null, List.of(), true, "application/sdp", phone.answer().applyTo(local),
                    line.cookie()));
        });
    }

    void ack(SipRequest r) {
        SipCall call = byCallId.get(r.callId());
        if (call != null && r.callId().equals(call.aCallId)) counters.add("ack.received");
    }

    void bye(long handle, SipRequest r) {
        if (focus != null && focus.owns(r.callId())) { focus.bye(handle, r); return; }
        if (talkPathOnly.remove(r.callId())) {
            counters.add("migration.talk-path-only.bye");
            sip.respond(handle, SipReply.of(200, "OK"));
            return;
        }
        SipCall call = byCallId.get(r.callId());
        if (call == null) {
            sip.respond(handle, SipReply.of(481, "Call/Transaction Does Not Exist"));
            return;
        }
        sip.respond(handle, SipReply.of(200, "OK"));
        boolean fromA = r.callId().equals(call.aCallId);
        Transfer x = call.transfer;
        if (x != null && !x.done && (r.callId().equals(x.referCallId) || r.callId().equals(x.consultationCallId))) {
            // the transferor hangs up after the 202, before the transfer is done (RFC 5589 allows it): it goes on
            counters.add("transfer.transferor-left-early");
            if (r.callId().equals(x.referCallId)) x.transferorGone = true;
            else x.consultationGone = true;
            if (fromA) call.aPresent = false;
            else call.bPresent = false;
            return;
        }
        counters.add(fromA ? "calls.released-by-caller" : "calls.released-by-callee");
        if (call.fromLine != null) {
            boolean cancelled = call.state == SipCall.State.CANCELLING;
            end(call);
            if (!cancelled) call.fromLine.released();
            return;
        }
        if (call.toLine) {
            if (call.state != SipCall.State.CONNECTED) {
                sip.respond(call.aHandle, new SipReply(487, "Request Terminated", call.aToTag, List.of(), false, null, null));
            }
            leaveLine(call);
            return;
        }
        if (call.state == SipCall.State.CONNECTED) {
            if (fromA ? call.bPresent : call.aPresent) sip.send(SipOutgoingRequest.inDialog("BYE", fromA ? call.bCallId : call.aCallId));
            end(call);
        } else if (fromA) {
            // a BYE on an unanswered call: treat it as a CANCEL of leg B
            cancelB(call, 487, "Request Terminated");
        } else {
            // the callee ended its early dialog: the caller gets a failure
            call.cdr.ending(CallRecord.FAILED, "callee ended its early dialog");
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
        if (call.toLine && (call.state == SipCall.State.CALLING || call.state == SipCall.State.EARLY)) {
            counters.add("calls.cancelled");
            sip.respond(call.aHandle, new SipReply(487, "Request Terminated", call.aToTag, List.of(), false, null, null));
            leaveLine(call);
        } else if (call.state == SipCall.State.CALLING || call.state == SipCall.State.EARLY) {
            counters.add("calls.cancelled");
            cancelB(call, 487, "Request Terminated");
        }
    }

    // ------------------------------------------------------------------------------------------ leg B responses

    void response(long token, SipResponse r) {
        java.util.function.Consumer<SipResponse> own = r.status() >= 200 ? ownRequests.remove(token) : ownRequests.get(token);
        if (own != null) {
            own.accept(r);
            return;
        }
        Reinvite re = reinvites.get(token);
        if (re != null) {
            reinviteAnswered(token, re, r.status(), r.reason(), r.contentType(), r.body());
            return;
        }
        SipCall call = byInviteToken.get(token);
        if (call == null) return; // a response to a BYE or CANCEL: nothing to do
        if (call.fromLine != null) { lineCallResponse(call, token, r); return; }
        int status = r.status();
        if (status < 200) {
            if (status == 100) return;
            if (call.state == SipCall.State.CALLING || call.state == SipCall.State.EARLY) {
                if (call.state == SipCall.State.CALLING) changed(call, SipCall.State.EARLY);
                counters.add("provisional.relayed");
                sip.respond(call.aHandle, new SipReply(status, r.reason(), call.aToTag, List.of(), true,
                        r.contentType(), r.body(), cookie(call, 0)));
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
            call.bRemoteTag = r.toTag();
            if (call.adopted) call.answerSdp = r.body(); // leg A may not be back yet (adoptRingingLeg answers it then)
            changed(call, SipCall.State.CONNECTED);
            counters.add("calls.connected");
            sip.respond(call.aHandle, new SipReply(status, r.reason(), call.aToTag, List.of(), true, r.contentType(), r.body(),
                    cookie(call, 0)));
            return;
        }
        if (call.state == SipCall.State.CALLING || call.state == SipCall.State.EARLY) {
            counters.add("calls.failed." + status);
            call.cdr.ending(CallRecord.sipRelease(status), "SIP " + status);
            sip.respond(call.aHandle, new SipReply(status, r.reason(), call.aToTag, List.of(), false, null, null));
        }
        end(call);
    }

    /** The other leg answered a relayed re-INVITE: acknowledge a 2xx there, give the answer to the sender. */
    private void reinviteAnswered(long token, Reinvite re, int status, String reason, String contentType, String body) {
        if (status < 200) return;
        reinvites.remove(token);
        if (status < 300) sip.send(SipOutgoingRequest.inDialog("ACK", re.sentOn()));
        sip.respond(re.handle(), new SipReply(status, reason, null, List.of(), status < 300, contentType, body,
                status < 300 ? re.cookie() : null));
    }

    void failed(long token, String reason) {
        java.util.function.Consumer<SipResponse> own = ownRequests.remove(token);
        if (own != null) {
            boolean timeout = reason.equals("timeout");
            own.accept(new SipResponse(timeout ? 408 : 503, timeout ? "Request Timeout" : "Service Unavailable", null, null, null, null));
            return;
        }
        Reinvite re = reinvites.get(token);
        if (re != null) {
            reinviteAnswered(token, re, 408, "Request Timeout", null, null);
            return;
        }
        SipCall call = byInviteToken.remove(token);
        if (call == null) return;
        if (call.fromLine != null) {
            boolean cancelled = call.state == SipCall.State.CANCELLING;
            end(call);
            if (!cancelled) {
                counters.add("calls.failed." + reason);
                call.fromLine.failed(reason.equals("timeout") ? 408 : 503);
            }
            return;
        }
        if (call.state == SipCall.State.CALLING || call.state == SipCall.State.EARLY) {
            counters.add("calls.failed." + reason);
            call.cdr.ending(CallRecord.FAILED, "INVITE " + reason);
            boolean timeout = reason.equals("timeout");
            sip.respond(call.aHandle, new SipReply(timeout ? 408 : 503, timeout ? "Request Timeout" : "Service Unavailable",
                    call.aToTag, List.of(), false, null, null));
        }
        end(call);
    }

    /** The stack ended a leg's dialog on its own: a connected call loses that leg, so the other one is hung up. */
    void dialogEnded(String callId) {
        if (focus != null && focus.owns(callId)) { focus.dialogEnded(callId); return; }
        SipCall call = byCallId.get(callId);
        if (call == null || call.state != SipCall.State.CONNECTED) return;
        counters.add("calls.dialog-lost");
        call.cdr.ending(CallRecord.FAILED, "dialog lost");
        if (call.toLine) { leaveLine(call); return; }
        if (call.fromLine != null) { end(call); call.fromLine.released(); return; }
        boolean fromA = callId.equals(call.aCallId);
        if (fromA ? call.bPresent : call.aPresent) sip.send(SipOutgoingRequest.inDialog("BYE", fromA ? call.bCallId : call.aCallId));
        end(call);
    }

    private void noAnswer(SipCall call) {
        call.noAnswerTimer = 0;
        if (call.state == SipCall.State.CALLING || call.state == SipCall.State.EARLY) {
            counters.add("calls.no-answer");
            call.cdr.ending(CallRecord.NO_ANSWER, null);
            cancelB(call, 480, "Temporarily Unavailable");
        }
    }

    /** Answers leg A with a final failure and cancels leg B; the call ends when B's INVITE does. */
    private void cancelB(SipCall call, int status, String reason) {
        svc.cancelTimer(call.noAnswerTimer);
        sip.respond(call.aHandle, new SipReply(status, reason, call.aToTag, List.of(), false, null, null));
        if (call.adopted) {
            // taken over while ringing: no INVITE transaction of ours on leg B to CANCEL (adoptRingingLeg)
            if (call.bPresent) endEarly(call.bCallId, call.bToken);
            end(call);
            return;
        }
        sip.send(SipOutgoingRequest.inDialog("CANCEL", call.bCallId));
        call.state = SipCall.State.CANCELLING;
    }

    private void end(SipCall call) {
        if (call.transfer != null) {
            Transfer x = call.transfer;
            call.transfer = null;
            // the transferee (or, for the consultation, the target) left: the transfer cannot finish
            if (x.call == call) x.transferorGone = true;
            if (!x.done) fail(x, 487, "Request Terminated");
        }
        if (cdrs != null && call.state != SipCall.State.ENDED && call.phoneToPhone()) {
            cdrs.ended(call.callKey, Party.phone(call.caller), Party.phone(call.callee), List.of(), call.cdr.setupAt,
                    call.cdr.answered(), call.cdr.release(false), call.cdr.cause(), call.adopted);
        }
        svc.cancelTimer(call.noAnswerTimer);
        call.state = SipCall.State.ENDED;
        calls.remove(call.id);
        if (call.aCallId != null) byCallId.remove(call.aCallId);
        if (call.bCallId != null) byCallId.remove(call.bCallId);
        byInviteToken.remove(call.bToken);
        byCallKey.remove(call.callKey, call);
        if (call.adopted) {
            long now = svc.now();
            endedKeys.values().removeIf(at -> at < now - ENDED_KEYS_MILLIS);
            endedKeys.put(call.callKey, now);
        }
    }

    // ------------------------------------------------------------------------------------------ transfer (REFER)

    /**
     * REFER in a connected call (RFC 3515): the controller plays the transferee's part for the phone or line on the
     * other side. Blind: it calls the Refer-To target and joins it with the transferee. Attended (Refer-To with
     * Replaces, RFC 3891/5589): it joins the transferee with the other party of the transferor's consultation call,
     * the dialog Replaces names. 202 first, then NOTIFYs with a sipfrag (100, 180, then the final status); on success
     * the transferor's dialogs are ended with BYE. What cannot be accepted at all is answered with a 4xx to the REFER.
     */
    void refer(long handle, SipRequest r) {
        counters.add("refer.received");
        if (focus != null && focus.owns(r.callId())) { focus.refer(handle, r); return; }
        if (r.toTag() == null) {
            // RFC 3515 allows a REFER outside a dialog; we transfer only calls we are in
            refuseRefer(handle, 403, "Forbidden (REFER outside a dialog)", r);
            return;
        }
        SipCall call = byCallId.get(r.callId());
        if (call == null) {
            refuseRefer(handle, 481, "Call/Transaction Does Not Exist", r);
            return;
        }
        boolean inA = r.callId().equals(call.aCallId);
        String ours = inA ? call.aToTag : call.bLocalTag;
        String theirs = inA ? call.aRemoteTag : call.bRemoteTag;
        if (ours != null && !ours.equals(r.toTag()) || theirs != null && !theirs.equals(r.fromTag())) {
            // the Call-ID of one of our dialogs with other tags: not that dialog (RFC 3261 12.2.2)
            refuseRefer(handle, 481, "Call/Transaction Does Not Exist", r);
            return;
        }
        if (call.state != SipCall.State.CONNECTED || call.transfer != null || reinviting(call)) {
            refuseRefer(handle, 491, "Request Pending", r);
            return;
        }
        ReferTarget target = ReferTarget.parse(r.referTo());
        if (target == null) {
            refuseRefer(handle, 400, r.referTo() == null ? "Bad Request (no Refer-To)" : "Bad Request (Refer-To)", r);
            return;
        }
        boolean fromA = r.callId().equals(call.aCallId);
        Transfer.Side transferee = otherSide(call, fromA);
        if (transferee == null) {
            // an adopted call whose other party has not come back: nobody to transfer
            refuseRefer(handle, 480, "Temporarily Unavailable", r);
            return;
        }
        SipCall consultation = target.attended() ? consultation(call, target) : null;
        sip.respond(handle, SipReply.of(202, "Accepted"));
        counters.add("refer.accepted");
        Transfer x = new Transfer(call, r.callId(), transferee, consultation, target.attended() ? target.replaces() : null);
        call.transfer = x;
        LOG.log(System.Logger.Level.DEBUG, () -> "call " + call.id + ": REFER from " + (fromA ? call.caller : call.callee)
                + " to " + r.referTo());
        notifyTransferor(x, 100, "Trying");
        if (target.attended()) attended(x, target);
        else blind(x, target);
    }

    /** The consultation call a Replaces names: connected, not {@code call}, its dialog's tags as they are here; else null. */
    SipCall consultation(SipCall call, ReferTarget t) {
        SipCall k = byCallId.get(t.replaces());
        if (k == null || k == call || k.state != SipCall.State.CONNECTED || k.transfer != null || reinviting(k)) return null;
        boolean legA = t.replaces().equals(k.aCallId);
        String ours = legA ? k.aToTag : k.bLocalTag;
        String theirs = legA ? k.aRemoteTag : k.bRemoteTag;
        if (ours == null || !ours.equals(t.toTag()) || theirs != null && !theirs.equals(t.fromTag())) return null;
        return k;
    }

    private boolean reinviting(SipCall call) {
        for (Reinvite v : reinvites.values()) if (v.call() == call.id) return true;
        return false;
    }

    void refuseRefer(long handle, int status, String reason, SipRequest r) {
        counters.add("refer.rejected." + status);
        LOG.log(System.Logger.Level.INFO, () -> "REFER in " + r.callId() + " from " + r.fromUri() + " refused: " + status + " " + reason);
        sip.respond(handle, SipReply.of(status, reason));
    }

    /** The party of {@code call} that is not the one on leg A ({@code fromA}) or leg B; null when it is not here. */
    Transfer.Side otherSide(SipCall call, boolean fromA) {
        if (call.toLine) return call.line == null ? null : new Transfer.Line(call.callee, call.line);
        if (call.fromLine != null) {
            LineRouter.LineCall l = call.fromLine.lineCall();
            return l == null ? null : new Transfer.Line(call.caller, l);
        }
        if (fromA) return call.bPresent ? new Transfer.Phone(call.callee, call.bCallId, call.bLocalTag, call.bRemoteTag) : null;
        return call.aPresent ? new Transfer.Phone(call.caller, call.aCallId, call.aToTag, call.aRemoteTag) : null;
    }

    private void attended(Transfer x, ReferTarget t) {
        SipCall k = x.consultation;
        if (k == null) {
            counters.add("transfer.replaces-unknown");
            LOG.log(System.Logger.Level.INFO, () -> "call " + x.call.id + ": Replaces names no dialog here: " + t.replaces());
            fail(x, 481, "Call/Transaction Does Not Exist");
            return;
        }
        Transfer.Side target = otherSide(k, t.replaces().equals(k.aCallId));
        if (target == null) { fail(x, 480, "Temporarily Unavailable"); return; }
        x.target = target;
        k.transfer = x;
        if (target instanceof Transfer.Line && x.transferee instanceof Transfer.Line) {
            joinLines(x);
            return;
        }
        x.joined = prepareJoined(x);
        if (target instanceof Transfer.Line l) {
            offerReady(x, l.call().localSdp());
            return;
        }
        // the target phone makes a fresh offer (a re-INVITE without SDP); its 2xx waits for our ACK with the answer
        Transfer.Phone p = (Transfer.Phone) target;
        long token = sip.send(new SipOutgoingRequest("INVITE", p.callId(), null, null, null, null, null, null, null)
                .withCookie(joinedCookie(x, 1)));
        ownRequests.put(token, resp -> {
            if (x.done || resp.status() < 200) return;
            if (resp.status() >= 300 || resp.body() == null) {
                if (resp.status() < 300) sip.send(SipOutgoingRequest.inDialog("ACK", p.callId()));
                fail(x, resp.status() >= 300 ? resp.status() : 488, resp.status() >= 300 ? resp.reason() : "Not Acceptable Here");
                return;
            }
            x.targetAnswered = true;
            offerReady(x, resp.body());
        });
    }

    private void blind(Transfer x, ReferTarget t) {
        String number = t.uri().user();
        Subscriber callee = number == null ? null : directory.byNumber(number);
        if (callee == null) {
            if (lines != null && number != null) {
                x.target = new Transfer.Line(number, null);
                // the line is offered the call on the transferee phone's behalf, in its dialog; for a line transferee
                // by the transferor's phone in the REFER's dialog, until the two lines are joined on answer (a refusal
                // is then recorded as the transferor's call: a line is no SIP party)
                String caller = x.transferee instanceof Transfer.Phone ? x.transferee.number()
                        : x.call.toLine ? x.call.caller : x.call.callee;
                String callId = x.transferee instanceof Transfer.Phone p ? p.callId() : x.referCallId;
                LineRouter.LineCall l = lines.offerWithoutSdp(number, caller, callId, new TargetLine(x));
                if (l != null) {
                    if (!x.done) {
                        x.newTarget = true;
                        x.target = new Transfer.Line(number, l);
                        if (x.transferee instanceof Transfer.Phone) x.joined = prepareJoined(x);
                    }
                    return;
                }
                x.target = null;
            }
            counters.add("transfer.target-unknown");
            fail(x, 404, "Not Found");
            return;
        }
        List<Binding> contacts = location.bindings(callee.user(), svc.now());
        if (contacts.isEmpty()) { fail(x, 480, "Temporarily Unavailable"); return; }
        Binding to = contacts.stream().max(Comparator.comparingLong(Binding::registeredAt)).orElseThrow();
        long id = nextCallId;
        String callId = "hf" + id + "x" + Long.toHexString(svc.random().nextLong()) + "@" + sip.domain();
        String fromTag = "hfb" + id + "x" + Long.toHexString(svc.random().nextLong() & 0xffffffffL);
        Transfer.Phone target = new Transfer.Phone(number, callId, fromTag, null);
        x.target = target;
        x.newTarget = true;
        x.joined = prepareJoined(x);
        // no offer: the target's 2xx carries one, the transferee answers it, our ACK gives the target the answer
        x.inviteToken = sip.send(new SipOutgoingRequest("INVITE", callId, to.contact(), to.transport(),
                "sip:" + x.transferee.number() + "@" + sip.domain(), fromTag, "sip:" + number + "@" + sip.domain(), null, null)
                .withCookie(joinedCookie(x, 1)));
        x.noAnswerTimer = svc.startTimer(noAnswerMillis, () -> {
            x.noAnswerTimer = 0;
            if (x.done || x.targetAnswered) return;
            fail(x, 480, "Temporarily Unavailable"); // cancels the INVITE
        });
        ownRequests.put(x.inviteToken, resp -> targetResponse(x, target, resp));
    }

    /** The target phone's answers to a blind transfer's INVITE. */
    private void targetResponse(Transfer x, Transfer.Phone target, SipResponse r) {
        if (r.status() < 200) {
            if ((r.status() == 180 || r.status() == 183) && !x.done) notifyTransferor(x, 180, "Ringing");
            return;
        }
        x.inviteToken = 0;
        if (r.status() >= 300) {
            if (!x.done) fail(x, r.status(), r.reason());
            return;
        }
        x.target = new Transfer.Phone(target.number(), target.callId(), target.localTag(), r.toTag());
        if (x.done || r.body() == null) {
            // the transfer ended while the target's 200 was on its way, or the 200 has no offer: ACK and leave
            sip.send(SipOutgoingRequest.inDialog("ACK", target.callId()));
            sip.send(SipOutgoingRequest.inDialog("BYE", target.callId()));
            if (!x.done) { x.newTarget = false; fail(x, 488, "Not Acceptable Here"); }
            return;
        }
        x.targetAnswered = true;
        svc.cancelTimer(x.noAnswerTimer);
        offerReady(x, r.body());
    }

    /** A line called by a blind transfer, as call processing reports it. */
    private final class TargetLine implements LineRouter.SipParty {
        private final Transfer x;

        TargetLine(Transfer x) { this.x = x; }

        @Override public void ringing() { if (!x.done) notifyTransferor(x, 180, "Ringing"); }

        @Override public void answered(String localSdp) { answered(localSdp, null); }

        @Override public void answered(String localSdp, String cookie) {
            if (x.done) return;
            x.targetAnswered = true;
            offerReady(x, localSdp);
        }

        @Override public void failed(int status, String reason) {
            x.newTarget = false; // nothing left to release
            if (!x.done) fail(x, status, reason);
        }

        @Override public void released() {
            x.newTarget = false;
            if (!x.done) fail(x, 480, "Temporarily Unavailable");
        }
    }

    /** The target's offer: the transferee answers it (a re-INVITE, or the line's termination takes it as Remote). */
    private void offerReady(Transfer x, String offer) {
        if (x.transferee instanceof Transfer.Line && x.target instanceof Transfer.Line) { joinLines(x); return; }
        if (offer == null) { fail(x, 488, "Not Acceptable Here"); return; }
        if (x.transferee instanceof Transfer.Line l) {
            l.call().media(offer, SdpDirection.of(offer), local -> {
                if (x.done) return;
                if (local == null) { fail(x, 488, "Not Acceptable Here"); return; }
                completeTarget(x, local);
            });
            return;
        }
        Transfer.Phone p = (Transfer.Phone) x.transferee;
        long token = sip.send(new SipOutgoingRequest("INVITE", p.callId(), null, null, null, null, null, "application/sdp", offer)
                .withCookie(joinedCookie(x, 0)));
        ownRequests.put(token, resp -> {
            if (resp.status() < 200) return;
            if (resp.status() < 300) sip.send(SipOutgoingRequest.inDialog("ACK", p.callId()));
            if (x.done) return;
            if (resp.status() >= 300 || resp.body() == null) {
                fail(x, resp.status() >= 300 ? resp.status() : 488, resp.status() >= 300 ? resp.reason() : "Not Acceptable Here");
                return;
            }
            completeTarget(x, resp.body());
        });
    }

    /**
     * A line transferred to a line (blind once the target answered, or attended): call processing joins the two
     * lines into a call of their own; the transferor hears 200 once the gateways did it. Both of the transferor's
     * calls with the lines end here (BYE), as for any transfer.
     */
    private void joinLines(Transfer x) {
        Transfer.Line a = (Transfer.Line) x.transferee;
        Transfer.Line b = (Transfer.Line) x.target;
        boolean started = b.call() != null && a.call().joinLine(b.call(), !x.attended(), ok -> {
            if (x.done) return;
            if (ok) {
                finish(x, 200, "OK");
            } else {
                // the lines' call was released (a gateway refused): nothing is left for the transferor either
                finish(x, 500, "Server Internal Error");
            }
        });
        if (!started) {
            LOG.log(System.Logger.Level.INFO, () -> "call " + x.call.id + ": lines " + a.number() + " and " + b.number()
                    + " cannot be joined");
            fail(x, 500, "Server Internal Error");
        }
    }

    /**
     * The cookie for our Contact in a transfer's request to a phone of the call it makes ({@code party}: 0 the
     * transferee, 1 the target): for two phones the joined B2BUA call's; with a line, the line's call's as it will be
     * once that phone is its SIP side (so the phone has it before a controller failure, not only after its next
     * target refresh). Null without cookies.
     */
    private String joinedCookie(Transfer x, int party) {
        SipCall j = x.joined;
        if (j == null) return null;
        if (!j.toLine) return cookie(j, party);
        Transfer.Side s = party == 0 ? x.transferee : x.target;
        return s instanceof Transfer.Phone p && j.line != null ? j.line.cookieAs(p.number(), p.callId()) : null;
    }

    /** The transferee's answer goes to the target (in our ACK, or as its termination's Remote); the call is joined. */
    private void completeTarget(Transfer x, String answer) {
        if (x.target instanceof Transfer.Phone p) {
            sip.send(SipOutgoingRequest.inDialog("ACK", p.callId(), "application/sdp", answer, List.of()));
        } else if (x.target instanceof Transfer.Line l) {
            l.call().media(answer, SdpDirection.of(answer), local -> {
                if (local == null) LOG.log(System.Logger.Level.WARNING, () -> "call " + x.call.id + ": the target line refused the answer");
            });
        }
        finish(x);
    }

    /**
     * The call the transfer will make, built before the joining's requests go out so that they carry its cookies:
     * for two phones a B2BUA call with the transferee on leg A and the target on leg B; with a line, a call to the line.
     */
    private SipCall prepareJoined(Transfer x) {
        Transfer.Side b = x.transferee;
        Transfer.Side c = x.target;
        long id = nextCallId++;
        SipCall j;
        if (b instanceof Transfer.Phone pb && c instanceof Transfer.Phone pc) {
            j = new SipCall(id, pb.callId(), 0, pb.localTag(), pc.callId(), 0, pb.number(), pc.number());
            j.aRemoteTag = pb.remoteTag();
            j.bLocalTag = pc.localTag();
            j.bRemoteTag = pc.remoteTag();
        } else {
            Transfer.Phone p = (Transfer.Phone) (b instanceof Transfer.Phone ? b : c);
            Transfer.Line l = (Transfer.Line) (b instanceof Transfer.Line ? b : c);
            j = new SipCall(id, p.callId(), 0, p.localTag(), null, 0, p.number(), l.number());
            j.aRemoteTag = p.remoteTag();
            j.toLine = true;
            j.line = l.call();
        }
        j.callKey = svc.random().nextLong();
        j.state = SipCall.State.CONNECTED;
        j.stateSince = svc.now();
        j.cdr.setupAt = svc.now();
        j.cdr.answeredAt = svc.now();
        return j;
    }

    private void finish(Transfer x) { finish(x, 200, "OK"); }

    /**
     * The transferee and the target talk: the joined call replaces the transferor's calls, which end with BYE. Two
     * lines have no joined call here (theirs is call processing's); {@code status} other than 200: their joining
     * failed after the calls with the transferor were given up, which then end all the same.
     */
    private void finish(Transfer x, int status, String reason) {
        x.done = true;
        svc.cancelTimer(x.noAnswerTimer);
        SipCall j = x.joined;
        if (j != null && x.target instanceof Transfer.Phone pc && !j.toLine) j.bRemoteTag = pc.remoteTag();
        if (j != null && x.target instanceof Transfer.Line l && j.line == null) j.line = l.call();
        if (status == 200) counters.add(x.attended() ? "transfer.attended.completed" : "transfer.blind.completed");
        else counters.add("transfer.failed." + status);
        if (j == null) counters.add("transfer.line-to-line." + (status == 200 ? "completed" : "failed"));
        notifyTransferor(x, status, reason);
        x.call.transfer = null;
        x.call.cdr.ending(CallRecord.NORMAL, "transferred");
        end(x.call);
        // the transferor's dialog ends once it has heard the outcome (our BYE after the final NOTIFY's answer)
        x.byeAfterNotify = true;
        if (!x.notifying) nextNotify(x);
        if (x.consultation != null) {
            x.consultation.transfer = null;
            x.consultation.cdr.ending(CallRecord.NORMAL, "transferred");
            end(x.consultation);
            if (!x.consultationGone) sip.send(SipOutgoingRequest.inDialog("BYE", x.consultationCallId));
        }
        counters.add("transfer.transferor-released");
        if (j == null) {
            LOG.log(System.Logger.Level.DEBUG, () -> "call " + x.call.id + " transferred: lines " + x.transferee.number()
                    + " and " + x.target.number() + " joined (" + status + ")");
            return;
        }
        calls.put(j.id, j);
        byCallId.put(j.aCallId, j);
        if (j.bCallId != null) byCallId.put(j.bCallId, j);
        byCallKey.put(j.callKey, j);
        if (j.toLine) {
            Transfer.Phone p = (Transfer.Phone) (x.transferee instanceof Transfer.Phone ? x.transferee : x.target);
            // from now on the line's side reports to the joined call; its cookie rides with the phone's next target refresh
            j.line.rebind(p.number(), p.callId(), new LineParty(j));
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "call " + x.call.id + " transferred: call " + j.id + " " + j.caller + " <-> " + j.callee);
    }

    /** The transfer did not work: the transferor hears why, a target we called is released, the call stays as it was. */
    private void fail(Transfer x, int status, String reason) {
        if (x.done) return;
        x.done = true;
        svc.cancelTimer(x.noAnswerTimer);
        counters.add("transfer.failed." + status);
        LOG.log(System.Logger.Level.INFO, () -> "call " + x.call.id + ": transfer failed: " + status + " " + reason);
        notifyTransferor(x, status, reason);
        if (x.call.transfer == x) x.call.transfer = null;
        if (x.consultation != null && x.consultation.transfer == x) x.consultation.transfer = null;
        if (x.newTarget) {
            if (x.target instanceof Transfer.Phone p) {
                if (x.inviteToken != 0) sip.send(SipOutgoingRequest.inDialog("CANCEL", p.callId()));
                else if (x.targetAnswered) {
                    sip.send(SipOutgoingRequest.inDialog("ACK", p.callId()));
                    sip.send(SipOutgoingRequest.inDialog("BYE", p.callId()));
                }
            } else if (x.target instanceof Transfer.Line l && l.call() != null) {
                l.call().release();
            }
        }
        if (x.transferorGone && x.call.state == SipCall.State.CONNECTED) {
            // the transferor left after the 202: the transferee has nobody to go back to
            x.call.cdr.ending(CallRecord.FAILED, "transfer failed");
            releaseSide(x.transferee);
            end(x.call);
        }
    }

    /** Ends one party's part of a call we leave: BYE to a phone, release of a line. */
    private void releaseSide(Transfer.Side s) {
        if (s instanceof Transfer.Phone p) sip.send(SipOutgoingRequest.inDialog("BYE", p.callId()));
        else if (s instanceof Transfer.Line l && l.call() != null) l.call().release();
    }

    /** Sends a request of the B2BUA's own; {@code then} gets its final response (or a 408/503 when there was none). */
    long sendOwn(SipOutgoingRequest q, java.util.function.Consumer<SipResponse> then) {
        long token = sip.send(q);
        ownRequests.put(token, then);
        return token;
    }

    /** A call some of whose parties a conference took over: it ends here without a word to them. */
    void handedOver(SipCall call) {
        if (call.transfer != null) call.transfer = null;
        call.cdr.ending(CallRecord.NORMAL, "joined a conference");
        end(call);
    }

    /**
     * A NOTIFY of the REFER's implicit subscription (RFC 3515 2.4.4): the status line of the transfer's call. One at a
     * time (RFC 6665 4.2.2): the next goes when the last is answered; a final status makes provisional ones waiting moot.
     */
    void notifyTransferor(Transfer x, int status, String reason) {
        if (x.transferorGone) return;
        counters.add("refer.notify." + status);
        if (status >= 200) x.notifications.clear();
        x.notifications.add("SIP/2.0 " + status + " " + reason);
        if (!x.notifying) nextNotify(x);
    }

    private void nextNotify(Transfer x) {
        String frag = x.notifications.poll();
        if (frag == null || x.transferorGone) {
            x.notifying = false;
            if (x.byeAfterNotify && !x.transferorGone) {
                x.byeAfterNotify = false;
                sip.send(SipOutgoingRequest.inDialog("BYE", x.referCallId));
            }
            return;
        }
        x.notifying = true;
        boolean last = frag.charAt(8) != '1';
        long token = sip.send(SipOutgoingRequest.inDialog("NOTIFY", x.referCallId, "message/sipfrag", frag + "\r\n",
                List.of(new SipHeader("Event", "refer"),
                        new SipHeader("Subscription-State", last ? "terminated;reason=noresource" : "active;expires=60"))));
        ownRequests.put(token, resp -> { if (resp.status() >= 200) nextNotify(x); });
    }

    // ------------------------------------------------------------------------------------------ call cookies

    /** The call moves to {@code s}: a new generation of its cookies. */
    private void changed(SipCall call, SipCall.State s) {
        call.state = s;
        if (s == SipCall.State.CONNECTED && call.cdr.answeredAt == 0) call.cdr.answeredAt = svc.now();
        call.generation++;
        call.stateSince = svc.now();
    }

    /** The cookie of {@code call}'s dialog with party {@code party} (0: caller, leg A; 1: callee, leg B), or null. */
    private String cookie(SipCall call, int party) {
        // a call with a line: call processing stamps the phone's cookie (a phone-to-phone cookie would be wrong)
        if (call.toLine || call.fromLine != null) return null;
        CallState state = switch (call.state) {
            case CONNECTED -> CallState.CONNECTED;
            case EARLY -> CallState.RINGING;
            default -> CallState.SETUP;
        };
        return stamp(call.callKey, call.generation, call.stateSince, state, call.feature, call.caller, call.aCallId,
                call.callee, call.bCallId, party);
    }

    private String stamp(long callKey, int generation, long since, CallState state, Call.Feature feature, String caller,
                         String aCallId, String callee, String bCallId, int party) {
        if (cookies == PhoneDialogCookies.OFF) return null;
        return cookies.stamp(new DialogCookie(callKey, generation, since, state, feature,
                List.of(DialogCookie.Party.phone(caller, aCallId, Role.CALLER), DialogCookie.Party.phone(callee, bCallId, Role.CALLEE)),
                party, null, null, null));
    }

    /** An SDP offer that puts the other side on hold (RFC 3264 8.4: sendonly or inactive). */
    private static boolean holds(String sdp) {
        return sdp != null && (sdp.contains("a=sendonly") || sdp.contains("a=inactive"));
    }

    // ------------------------------------------------------------------------------------------ migration

    /**
     * A phone dialog whose cookie verified, from a phone that registered here after its controller died: the dialog is
     * adopted in the edge already. Phone-to-phone calls are rebuilt here: the two dialogs of a call share its key and
     * meet in either order; a call with one dialog works for that phone until the other one comes. A dialog whose
     * media goes to a gateway is call processing's.
     */
    void adopt(DialogCookie cookie, AdoptedDialog dialog) {
        if (cookie.feature() == dev.holdfast.controller.call.Call.Feature.FOCUS) {
            // a member's dialog with the conference focus
            if (focus == null || !focus.adopt(cookie, dialog)) {
                counters.add("migration.dialog.not-taken");
                talkPathOnly.add(dialog.callId());
            }
            return;
        }
        if (cookie.toGateway()) {
            adoptLineDialog(cookie, dialog);
            return;
        }
        List<DialogCookie.Party> parties = cookie.parties();
        if (parties.size() != 2 || !"PHONE".equals(parties.get(0).kind()) || !"PHONE".equals(parties.get(1).kind())
                || cookie.partyIndex() > 1) {
            // a phone-to-phone call through this B2BUA has exactly caller and callee
            counters.add("migration.dialog.unsupported");
            talkPathOnly.add(dialog.callId());
            return;
        }
        boolean legA = cookie.partyIndex() == 0;
        if (endedKeys.containsKey(cookie.callKey())) {
            // the other party hung up here before this phone came back: its part of the call ends now
            counters.add("migration.dialog.call-ended");
            sip.send(SipOutgoingRequest.inDialog("BYE", dialog.callId()));
            return;
        }
        SipCall call = byCallKey.get(cookie.callKey());
        if (call == null) {
            long id = nextCallId++;
            call = new SipCall(id, parties.get(0).callId(), 0, legA ? dialog.localTag() : null, parties.get(1).callId(), 0,
                    parties.get(0).id(), parties.get(1).id());
            call.adopted = true;
            call.callKey = cookie.callKey();
            call.cdr.setupAt = cookie.stateSince() > 0 ? cookie.stateSince() : svc.now();
            call.cdr.answeredAt = call.cdr.setupAt;
            call.aPresent = false;
            call.bPresent = false;
            call.state = SipCall.State.CONNECTED;
            calls.put(id, call);
            byCallKey.put(call.callKey, call);
            counters.add("migration.calls.rebuilt");
        } else if (legA ? call.aPresent : call.bPresent) {
            counters.add("migration.dialog.duplicate");
            return;
        } else {
            counters.add("migration.calls.merged");
        }
        // of two dialogs of one call the newer cookie says what the call is doing
        if (cookie.generation() >= call.generation) {
            call.generation = cookie.generation();
            call.stateSince = cookie.stateSince();
            call.feature = cookie.feature();
        }
        if (legA) {
            call.aPresent = true;
            call.aToTag = dialog.localTag();
            call.aRemoteTag = dialog.remoteTag();
        } else {
            call.bPresent = true;
            call.bLocalTag = dialog.localTag();
            call.bRemoteTag = dialog.remoteTag();
        }
        byCallId.put(dialog.callId(), call);
        counters.add("migration.dialogs.adopted");
        SipCall c = call;
        LOG.log(System.Logger.Level.INFO, () -> "call " + c.id + " (key " + Long.toHexString(c.callKey) + "): adopted leg "
                + (legA ? "A" : "B") + " of " + c.caller + " -> " + c.callee + (c.aPresent && c.bPresent ? ", both legs here" : ""));
    }

    /** The B2BUA's side of a phone's dialog with a line, adopted from another controller, as its cookie describes it. */
    private static SipCall adoptedLineCall(long id, DialogCookie cookie, AdoptedDialog dialog, long handle, String callee,
                                           SipCall.State state) {
        SipCall call = new SipCall(id, dialog.callId(), handle, dialog.localTag(), null, 0, cookie.self().id(), callee);
        call.adopted = true;
        call.aRemoteTag = dialog.remoteTag();
        call.toLine = true;
        call.callKey = cookie.callKey();
        call.generation = cookie.generation();
        call.stateSince = cookie.stateSince();
        call.state = state;
        return call;
    }

    /** A phone's dialog of a call with a line: call processing rebuilds its side and takes the dialog, or it stays talk-path-only. */
    private void adoptLineDialog(DialogCookie cookie, AdoptedDialog dialog) {
        SipCall call = adoptedLineCall(nextCallId++, cookie, dialog, 0, null, SipCall.State.CONNECTED);
        LineRouter.LineCall line = migrated.dialogArrived(cookie, dialog, new LineParty(call));
        if (line == null && migrated.callEnded(cookie)) {
            // the line hung up (or the call ended otherwise) here before this phone came back: its part ends now
            counters.add("migration.dialog.call-ended");
            sip.send(SipOutgoingRequest.inDialog("BYE", dialog.callId()));
            return;
        }
        if (line == null) {
            counters.add("migration.dialog.not-taken");
            talkPathOnly.add(dialog.callId());
            return;
        }
        call.line = line;
        calls.put(call.id, call);
        byCallId.put(dialog.callId(), call);
        counters.add("migration.dialogs.adopted");
    }

    /**
     * An early dialog of a phone a line's call rings, taken over from a dead controller (docs/migration.md, "Ringing
     * calls"), whose cookie verified: the edge learns it; call processing joins it to the call rebuilt from the
     * gateway's cookies (or from this one), and the phone's final response, which the phone sends here, completes the
     * call as the response to our own INVITE would ({@link #lineCallResponse}). Anything else is released: the phone
     * stops ringing.
     */
    void adoptEarly(DialogCookie cookie, AdoptedDialog dialog) {
        long token = sip.newToken();
        svc.emit(new dev.holdfast.controller.core.Command.SipAdoptEarlyDialog(dialog, token));
        if (phoneToPhone(cookie) && cookie.partyIndex() == 1) {
            adoptRingingLeg(cookie, dialog, token, false);
            return;
        }
        if (!cookie.toGateway() || cookie.self().role() != Role.CALLEE) {
            // a line's call in another role: not taken over
            counters.add("migration.dialog.unsupported");
            endEarly(dialog.callId(), token);
            return;
        }
        long id = nextCallId++;
        String caller = cookie.parties().get(cookie.partyIndex() == 0 ? Math.min(1, cookie.parties().size() - 1) : 0).id();
        SipCall call = new SipCall(id, null, 0, null, dialog.callId(), token, caller, cookie.self().id());
        call.bLocalTag = dialog.localTag();
        call.bRemoteTag = dialog.remoteTag();
        call.adopted = true;
        call.callKey = cookie.callKey();
        call.generation = cookie.generation();
        call.stateSince = cookie.stateSince();
        call.state = SipCall.State.EARLY;
        PhoneRouter.LineParty line = migrated.ringingDialogArrived(cookie, dialog, new PhoneRouter.PhoneCall() {
            @Override public String callId() { return dialog.callId(); }
            @Override public void release() { lineLeft(call); }
        });
        if (line == null) {
            counters.add("migration.dialog.not-taken");
            endEarly(dialog.callId(), token);
            return;
        }
        call.fromLine = line;
        calls.put(id, call);
        byCallId.put(dialog.callId(), call);
        byInviteToken.put(token, call);
        counters.add("migration.dialogs.adopted");
        counters.add("migration.early-dialogs.adopted");
        LOG.log(System.Logger.Level.INFO, () -> "call " + id + " (key " + Long.toHexString(call.callKey)
                + "): adopted the ringing dialog of " + call.callee);
    }

    /**
     * A phone's own INVITE to a line, ringing (180 with its cookie) when the controller it went to died: its early
     * dialog, whose cookie verified, is taken over (docs/migration.md, "Ringing calls"). The edge learns the dialog and
     * the INVITE's Via; call processing joins the dialog to the ringing call rebuilt from the gateway's cookies, and
     * answers the phone's INVITE from here (handle {@code -token}: statelessly, to the phone's Via) when the line
     * answers or the call fails. The phone hanging up sends BYE in the early dialog (RFC 3261 15).
     */
    void adoptEarlyInvite(DialogCookie cookie, AdoptedDialog dialog, String inviteBranch) {
        adoptEarlyInvite(cookie, dialog, inviteBranch, false);
    }

    /**
     * As {@link #adoptEarlyInvite(DialogCookie, AdoptedDialog, String)}; {@code trying}: the phone has heard nothing
     * with a tag (its INVITE was trying: docs/migration.md, "A ringing call whose 180 was lost"), so a call that still
     * rings sends it its 180 now, with our tag and the dialog's cookie ({@code dialog.cookie()}).
     */
    void adoptEarlyInvite(DialogCookie cookie, AdoptedDialog dialog, String inviteBranch, boolean trying) {
        long token = sip.newToken();
        svc.emit(new dev.holdfast.controller.core.Command.SipAdoptEarlyDialog(dialog, token, inviteBranch));
        if (phoneToPhone(cookie) && cookie.partyIndex() == 0) {
            SipCall call = adoptRingingLeg(cookie, dialog, token, true);
            if (trying && call != null) ringTrying(call, -token, dialog.localTag(), cookie(call, 0), 1);
            return;
        }
        if (!cookie.toGateway() || cookie.self().role() != Role.CALLER) {
            // a line's call in another role: not taken over
            counters.add("migration.dialog.unsupported");
            refuseEarly(dialog, token);
            return;
        }
        long id = nextCallId++;
        String callee = cookie.parties().get(cookie.partyIndex() == 0 ? Math.min(1, cookie.parties().size() - 1) : 0).id();
        SipCall call = adoptedLineCall(id, cookie, dialog, -token, callee, SipCall.State.EARLY);
        LineRouter.LineCall line = migrated.dialogArrived(cookie, dialog, new LineParty(call));
        if (line == null) {
            counters.add("migration.dialog.not-taken");
            refuseEarly(dialog, token);
            return;
        }
        call.line = line;
        calls.put(id, call);
        byCallId.put(dialog.callId(), call);
        counters.add("migration.dialogs.adopted");
        counters.add("migration.early-dialogs.adopted");
        LOG.log(System.Logger.Level.INFO, () -> "call " + id + " (key " + Long.toHexString(call.callKey)
                + "): adopted the ringing dialog of " + call.caller);
        // (a line that answered already got its 200 sent by call processing when the dialog arrived)
        if (trying) ringTrying(call, -token, dialog.localTag(), dialog.cookie(), 1);
    }

    /** How many times the 180 to a trying INVITE taken over is sent, at most ({@link #ringTrying}). */
    static final int TRYING_RINGING_COPIES = 5;

    /**
     * The 180 to a phone's trying INVITE taken over (docs/migration.md, "A ringing call whose 180 was lost"): sent
     * now and again at 0.5, 1, 2 and 4 s intervals while the call rings. Without 100rel nothing acknowledges a
     * provisional response, and this one is what gives the phone its early dialog (our tag, the cookie): lost like the
     * dead controller's, the call would be lost again. A UAS may send more than one provisional response; the phone
     * takes the first and ignores the copies (same tag).
     */
    private void ringTrying(SipCall call, long handle, String toTag, String cookie, int copy) {
        if (call.state != SipCall.State.EARLY || call.aHandle != handle) return;
        sip.respond(handle, new SipReply(180, "Ringing", toTag, List.of(), true, null, null, cookie));
        if (copy >= TRYING_RINGING_COPIES) return;
        svc.startTimer(500L << (copy - 1), () -> ringTrying(call, handle, toTag, cookie, copy + 1));
    }

    /**
     * The cookie text a phone's trying INVITE {@code callId} (the phone with number {@code number} calling) would
     * have had in the 180 it never got, made from a call here that names that Call-ID and number as its caller's
     * dialog and was rebuilt from signed cookies: a phone-to-phone call adopted from the callee's early dialog (its
     * leg A not here yet), or, through call processing, a call with a line rebuilt from the gateway's cookies. Null
     * when no such call is here (yet).
     */
    String tryingCookie(String callId, String number) {
        for (SipCall c : byCallKey.values()) {
            if (c.adopted && !c.aPresent && !c.toLine && c.fromLine == null && callId.equals(c.aCallId)
                    && number.equals(c.caller) && (c.state == SipCall.State.EARLY || c.state == SipCall.State.CONNECTED)) {
                return cookie(c, 0);
            }
        }
        return migrated.tryingDialogCookie(callId, number);
    }

    private static boolean phoneToPhone(DialogCookie cookie) {
        List<DialogCookie.Party> p = cookie.parties();
        return !cookie.toGateway() && p.size() == 2 && "PHONE".equals(p.get(0).kind()) && "PHONE".equals(p.get(1).kind());
    }

    /**
     * One leg of a phone-to-phone call ringing when the other controller died (docs/migration.md, "Ringing calls"):
     * leg A is the caller's INVITE (answered from here through the edge: handle {@code -token}), leg B our INVITE to
     * the callee (its answer comes with {@code token}). The two legs meet by call key in either order, as for an
     * answered call; the call rings with what was left of its no-answer time. The callee's answer then connects it
     * as for a call set up here (leg A, if it is not back yet, gets its 200 when it comes); the caller leaving, the
     * callee declining and no answer end it on both legs (BYE in leg B's early dialog: no INVITE of ours to CANCEL).
     */
    /** @return the call the leg joined, or null when it was refused or a duplicate */
    private SipCall adoptRingingLeg(DialogCookie cookie, AdoptedDialog dialog, long token, boolean legA) {
        if (endedKeys.containsKey(cookie.callKey())) {
            counters.add("migration.dialog.call-ended");
            if (legA) refuseEarly(dialog, token);
            else endEarly(dialog.callId(), token);
            return null;
        }
        List<DialogCookie.Party> parties = cookie.parties();
        SipCall call = byCallKey.get(cookie.callKey());
        if (call == null) {
            long id = nextCallId++;
            call = new SipCall(id, parties.get(0).callId(), 0, null, parties.get(1).callId(), 0, parties.get(0).id(),
                    parties.get(1).id());
            call.adopted = true;
            call.callKey = cookie.callKey();
            call.generation = cookie.generation();
            call.stateSince = cookie.stateSince();
            call.cdr.setupAt = cookie.stateSince() > 0 ? cookie.stateSince() : svc.now();
            call.aPresent = false;
            call.bPresent = false;
            call.state = SipCall.State.EARLY;
            calls.put(id, call);
            byCallKey.put(call.callKey, call);
            SipCall c = call;
            long left = noAnswerMillis - (svc.now() - call.cdr.setupAt);
            call.noAnswerTimer = svc.startTimer(Math.max(1000L, left), () -> noAnswer(c));
            counters.add("migration.calls.rebuilt");
        } else if (legA ? call.aPresent : call.bPresent) {
            counters.add("migration.dialog.duplicate");
            return null;
        } else if (call.state != SipCall.State.EARLY && !(legA && call.state == SipCall.State.CONNECTED)) {
            // ended meanwhile (or a leg that cannot join what the call is now)
            counters.add("migration.dialog.call-ended");
            if (legA) refuseEarly(dialog, token);
            else endEarly(dialog.callId(), token);
            return null;
        } else {
            counters.add("migration.calls.merged");
        }
        if (cookie.generation() > call.generation) {
            call.generation = cookie.generation();
            call.stateSince = cookie.stateSince();
        }
        if (legA) {
            call.aPresent = true;
            call.aHandle = -token;
            call.aToTag = dialog.localTag();
            call.aRemoteTag = dialog.remoteTag();
            if (call.state == SipCall.State.CONNECTED) {
                // the callee answered before the caller came back: its 200 now
                sip.respond(call.aHandle, new SipReply(200, "OK", call.aToTag, List.of(), true, "application/sdp",
                        call.answerSdp, cookie(call, 0)));
            }
        } else {
            call.bPresent = true;
            call.bToken = token;
            call.bLocalTag = dialog.localTag();
            call.bRemoteTag = dialog.remoteTag();
            byInviteToken.put(token, call);
        }
        byCallId.put(dialog.callId(), call);
        counters.add("migration.dialogs.adopted");
        counters.add("migration.early-dialogs.adopted");
        SipCall c = call;
        LOG.log(System.Logger.Level.INFO, () -> "call " + c.id + " (key " + Long.toHexString(c.callKey) + "): adopted ringing leg "
                + (legA ? "A" : "B") + " of " + c.caller + " -> " + c.callee + (c.aPresent && c.bPresent ? ", both legs here" : ""));
        return call;
    }

    /** A phone's own INVITE taken over whose cookie was refused: it gets a final failure (the phone stops ring-back). */
    void refuseEarlyInvite(AdoptedDialog dialog, String inviteBranch) {
        long token = sip.newToken();
        svc.emit(new dev.holdfast.controller.core.Command.SipAdoptEarlyDialog(dialog, token, inviteBranch));
        refuseEarly(dialog, token);
    }

    private void refuseEarly(AdoptedDialog dialog, long token) {
        counters.add("migration.early-dialogs.released");
        sip.respond(-token, new SipReply(480, "Temporarily Unavailable", dialog.localTag(), List.of(), false, null, null));
    }

    /** An early dialog taken over whose cookie was refused: the phone stops ringing (and, had it answered, hangs up). */
    void releaseEarly(AdoptedDialog dialog, long token) {
        long t = token != 0 ? token : sip.newToken();
        if (token == 0) svc.emit(new dev.holdfast.controller.core.Command.SipAdoptEarlyDialog(dialog, t));
        counters.add("migration.early-dialogs.released");
        endEarly(dialog.callId(), t);
    }

    /**
     * Ends an early dialog taken over (we are its UAC without the INVITE's transaction): BYE in it (RFC 3261 15), the
     * phone answers the INVITE 487. A 2xx that crosses the BYE is acknowledged and ended with a BYE of its own.
     */
    private void endEarly(String callId, long inviteToken) {
        long bye = sip.send(SipOutgoingRequest.inDialog("BYE", callId));
        ownRequests.put(inviteToken, r -> {
            if (r.status() / 100 != 2) return;
            sip.send(SipOutgoingRequest.inDialog("ACK", callId));
            sip.send(SipOutgoingRequest.inDialog("BYE", callId));
        });
        ownRequests.put(bye, r -> { if (r.status() >= 200) ownRequests.remove(inviteToken); });
    }

    /** A dialog the edge adopted but no call takes (its cookie was refused): talk-path-only. */
    void talkPathOnly(String callId) { talkPathOnly.add(callId); }

    private void reject(long handle, int status, String reason) {
        counters.add("invite.rejected." + status);
        sip.respond(handle, SipReply.of(status, reason));
    }
}
