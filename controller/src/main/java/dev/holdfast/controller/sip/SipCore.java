package dev.holdfast.controller.sip;

import dev.holdfast.controller.core.Command;
import dev.holdfast.controller.core.CoreServices;
import dev.holdfast.controller.core.Event;
import dev.holdfast.controller.provisioning.Provisioning;
import dev.holdfast.controller.provisioning.SipSettings;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The SIP side of the deterministic core: routes each SIP event to the registrar or the back-to-back user agent,
 * answers OPTIONS, and refuses methods it does not serve (405 for SIP methods it knows, 501 for the rest). It reads
 * no clock and no socket: requests come in as events, responses and requests go out as commands.
 */
public final class SipCore implements PhoneRouter {
    /** What a phone may send us. */
    static final String ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, NOTIFY, REFER";
    private static final Set<String> SERVED = Set.of("INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "REGISTER", "NOTIFY", "REFER");
    /** SIP methods defined by RFCs that the controller does not serve (405, with Allow); others get 501. */
    private static final Set<String> KNOWN_NOT_ALLOWED = Set.of("SUBSCRIBE", "PUBLISH", "MESSAGE", "INFO",
            "UPDATE", "PRACK");

    private final CoreServices svc;
    private final String domain;
    private final SipCounters counters = new SipCounters();
    private final SubscriberDirectory directory;
    private final LocationService location = new LocationService();
    private final Registrar registrar;
    private final B2bua b2bua;
    private final DialogAdoption adoption;
    private final PhoneHandback handback;
    private final long conferencePartMissingMillis;
    private long nextToken = 1;

    /**
     * @param domain    the host name or address the controller puts in the URIs it makes
     * @param nonceKey  the key digest nonces are signed with when the provisioning has no shared key ring ({@code cookies:})
     */
    public SipCore(CoreServices svc, Provisioning p, String domain, byte[] nonceKey) {
        this.svc = svc;
        this.domain = domain;
        SipSettings s = p.sip() != null ? p.sip() : SipSettings.DEFAULTS;
        // with a key ring shared with the other controller, nonces it accepts too: a phone failing over is let in on its
        // first REGISTER; without, nonces of our own (docs/migration.md, "Digest nonces across a failover")
        DigestAuthenticator auth = p.cookieKeyRing()
                .map(ring -> new DigestAuthenticator(s.realm(), s.nonceSeconds(), ring))
                .orElseGet(() -> new DigestAuthenticator(s.realm(), s.nonceSeconds(), nonceKey));
        this.directory = new SubscriberDirectory(p.subscribers());
        this.registrar = new Registrar(s, auth, directory, location, counters);
        this.b2bua = new B2bua(svc, this, directory, location, auth, s.trustedPeers(),
                p.timers().noAnswerSeconds() * 1000L, counters);
        this.adoption = new DialogAdoption(svc, this, b2bua, directory, counters);
        registrar.onNewBinding(adoption::newBinding);
        this.handback = new PhoneHandback(directory, location, counters);
        this.conferencePartMissingMillis = s.conferencePartMissingSeconds() * 1000L;
    }

    /** Phones sent to the other controller of the pair with a conference handed back (failback): {@link PhoneHandback}. */
    void handBack(List<String> numbers) { handback.send(numbers, svc.now()); }

    /** Whether {@code user} is being sent to the other controller (thread-safe: the edge asks, to leave its keepalives to us). */
    public boolean sentAway(String user) { return handback.away(user); }

    /**
     * The call cookies of phone dialogs: stamped into our Contact, verified when a phone brings its dialogs from
     * another controller. {@link PhoneDialogCookies#OFF} (the default): no cookies, no adoption.
     */
    public void cookies(PhoneDialogCookies cookies) {
        b2bua.cookies(cookies);
        adoption.cookies(cookies);
    }

    /** Call processing's side of adopted phone dialogs whose media goes to a gateway (default: none taken). */
    public void migratedDialogs(MigratedDialogs m) { b2bua.migrated(m); }

    /** Adopted dialogs in no call (their cookie was refused): the phone's BYE is answered, nothing relayed. */
    public int talkPathOnlyDialogs() { return b2bua.talkPathOnlyDialogs(); }

    /** Call processing's side for calls from phones to analog lines. */
    public void lines(LineRouter lines) {
        b2bua.lines(lines);
        if (b2bua.focus() != null) b2bua.focus().partMissingMillis(conferencePartMissingMillis);
    }

    /** Records phone-to-phone calls, and calls refused for numbers that are no line or phone, when they end. */
    public void cdrs(dev.holdfast.controller.cdr.CdrRecorder r) { b2bua.cdrs(r); }

    @Override public boolean isPhone(String number) { return directory.byNumber(number) != null; }

    @Override public void conferenceArrived(MigratedConference conference) { b2bua.conferenceArrived(conference); }

    @Override public void migratedCallsRebuilt() { adoption.retryTrying(); }

    @Override public PhoneCall call(String number, String callerNumber, String offerSdp, LineParty line) {
        return b2bua.callPhone(number, callerNumber, offerSdp, null, line);
    }

    @Override public PhoneCall call(String number, String callerNumber, String offerSdp,
                                    java.util.function.Function<String, String> cookie, LineParty line) {
        return b2bua.callPhone(number, callerNumber, offerSdp, cookie, line);
    }

    public String domain() { return domain; }

    public LocationService location() { return location; }

    public SubscriberDirectory directory() { return directory; }

    public SipCounters counters() { return counters; }

    public Collection<SipCall> calls() { return b2bua.calls(); }

    /** The B2BUA's calls by id, journalled once asked (the admin API's notices); read only. */
    public dev.holdfast.controller.core.JournalledMap<Long, SipCall> callRegister() { return b2bua.register(); }

    /** The call with this id, or null. */
    public SipCall call(long id) { return b2bua.register().get(id); }

    // ------------------------------------------------------------------------------------------ events

    public void request(Event.SipRequestReceived e) {
        SipRequest r = e.request();
        String method = r.method();
        counters.add("requests." + (KNOWN_NOT_ALLOWED.contains(method) || SERVED.contains(method) ? method : "other"));
        SipReply away = handback.refusal(r);
        if (away != null) { respond(e.handle(), away); return; }
        switch (method) {
            case "REGISTER" -> {
                respond(e.handle(), registrar.register(e.source(), r, svc.now()));
                adoption.flush();
            }
            case "NOTIFY" -> adoption.notify(e.handle(), r);
            case "INVITE" -> {
                if (r.toTag() == null) b2bua.invite(e.source(), e.handle(), r);
                else b2bua.reinvite(e.handle(), r);
            }
            case "ACK" -> b2bua.ack(r);
            case "BYE" -> b2bua.bye(e.handle(), r);
            case "CANCEL" -> b2bua.cancel(e.handle(), r);
            case "REFER" -> b2bua.refer(e.handle(), r);
            case "OPTIONS" -> respond(e.handle(), SipReply.of(200, "OK", new SipHeader("Allow", ALLOW),
                    new SipHeader("Accept", "application/sdp")));
            default -> {
                if (KNOWN_NOT_ALLOWED.contains(method)) {
                    respond(e.handle(), SipReply.of(405, "Method Not Allowed", new SipHeader("Allow", ALLOW)));
                } else {
                    respond(e.handle(), SipReply.of(501, "Not Implemented", new SipHeader("Allow", ALLOW)));
                }
            }
        }
    }

    public void response(Event.SipResponseReceived e) {
        if (!adoption.response(e.token(), e.response())) b2bua.response(e.token(), e.response());
    }

    public void failed(Event.SipRequestFailed e) {
        if (!adoption.failed(e.token())) b2bua.failed(e.token(), e.reason());
    }

    public void dialogEnded(Event.SipDialogEnded e) { b2bua.dialogEnded(e.callId()); }

    // ------------------------------------------------------------------------------------------ commands

    void respond(long handle, SipReply reply) {
        if (handle == 0) return; // an ACK has nothing to answer
        counters.add("responses." + reply.status() / 100 + "xx");
        svc.emit(new Command.SipRespond(handle, reply));
    }

    /** A token for responses that come without a request of ours (an early dialog taken over: {@link Command.SipAdoptEarlyDialog}). */
    long newToken() { return nextToken++; }

        /** Sends a request; its responses come back with the token returned. */
    long send(SipOutgoingRequest request) {
        long token = request.method().equals("ACK") ? 0 : nextToken++;
        svc.emit(new Command.SipSend(token, request));
        return token;
    }
}
