package dev.holdfast.endpointsim.phone;

import dev.holdfast.endpointsim.sip.SipEndpoint;
import dev.holdfast.endpointsim.sip.SipStackPort;
import dev.holdfast.sim.media.MediaNetwork;
import dev.holdfast.sim.rtp.TalkPathProbe;
import dev.holdfast.sim.time.SimScheduler;

import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.AuthenticationInfoHeader;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ProxyAuthenticateHeader;
import javax.sip.header.ProxyAuthorizationHeader;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.ReferToHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A SIP phone: registers (digest, refresh before expiry, keepalive, failover along its ordered list of
 * controllers), places and receives calls, answers, rejects, cancels, hangs up, holds and resumes by re-INVITE,
 * transfers blind (REFER) and attended (REFER with Replaces), and accepts REFER and Replaces itself. Each call's
 * RTP goes through the shared {@link TalkPathProbe}.
 * <p>
 * All logic runs on one {@link SimScheduler} thread and takes its time from it; the SIP stack is behind
 * {@link SipStackPort}. Public methods may be called from any thread: they hand the work to the scheduler.
 */
public final class Phone implements SipEndpoint {
    private static final System.Logger LOG = System.getLogger(Phone.class.getName());
    private static final String ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, REFER, NOTIFY, SUBSCRIBE";
    /** The longest dialog-package subscription granted (RFC 4235 3.4: 3600 s is also the default). */
    private static final int MAX_SUBSCRIPTION_SECONDS = 3600;

    private final PhoneConfig config;
    private final SimScheduler scheduler;
    private final SipStackPort sip;
    private final MediaNetwork media;
    private final RandomGenerator random;
    private final HeaderFactory hf;
    private final AddressFactory af;
    private final MessageFactory mf;
    private final List<PhoneListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, Call> calls = new LinkedHashMap<>();
    private final List<Call> callView = new CopyOnWriteArrayList<>();
    /** Subscriptions to our dialog event package (RFC 4235), by Call-ID and the subscriber's tag. */
    private final Map<String, DialogSubscription> subscriptions = new LinkedHashMap<>();
    /** What the last NOTIFY said, to send one only when the dialogs changed. */
    private String lastDialogState = "";
    private volatile long dialogNotifies;
    /**
     * Calls hung up whose BYE has not reached a controller: sent while no controller answered, or in flight when the
     * controller died. Their dialogs are still listed to the next controller (a BYE ends a dialog only once it is
     * delivered), and the BYE goes again once that controller has heard of them: the hang-up is an event that
     * happened while no controller was reachable, reported on arrival.
     */
    private final Map<String, Call> pendingByes = new LinkedHashMap<>();
    /**
     * Calls hung up before any response with a To-tag while another controller could take their INVITE over (a CANCEL
     * follows the INVITE to the controller it went to, which may be dead): listed as {@code trying} to the next
     * controller, and a tagged response from it gets BYE at once. Kept 64*T1 (the INVITE's timer B) at most.
     */
    private final Map<String, Call> abandonedTrying = new LinkedHashMap<>();
    /** BYEs sent through a controller and not answered yet. */
    private final Map<String, Call> byesInFlight = new LinkedHashMap<>();
    /** Whether the current controller knows our dialogs: false from a failover until it fetched them (or did not ask). */
    private boolean dialogsReported = true;
    /** Whether the current controller asked for our dialogs since the failover (its SUBSCRIBE came). */
    private boolean dialogsFetched;
    private volatile long byesDeferred;
    private volatile long subscriptionsRefused;

    // registration (phone thread)
    private volatile boolean started;
    private volatile boolean registered;
    private volatile int controllerIndex;
    private String regCallId;
    private String regFromTag;
    private long regCSeq;
    private int regAttempt;
    private boolean regAuthRetried;
    private int regStaleRetries;
    /**
     * The registrar's last digest nonce (from its challenge, or the {@code nextnonce} of its last 200) and how often we
     * used it: every REGISTER carries credentials on it at once (nonce count one up), to this controller or, after a
     * failover, to the alternate, which accepts the nonces of the primary when they share a key (docs/migration.md,
     * "Digest nonces across a failover"). Null before the first challenge.
     */
    private RegisterNonce regNonce;
    private long regNonceCount;
    /** Set by a failover, cleared by the next 2xx to a REGISTER: that registration is a failover's. */
    private boolean regAfterFailover;
    /** When the last failover happened (the scheduler's nanoTime) and how many REGISTERs went out since: its registration's cost. */
    private long failedOverAtNanos;
    private int registersSinceFailover;
    private volatile long registersWithCredentials;
    private volatile long registerRoundTripsSaved;
    private volatile long failoverRegistrations;
    private volatile long failoverRegistrationsAtOnce;

    /** What a digest challenge gave us to answer with (RFC 2617 3.2.1). */
    private record RegisterNonce(String realm, String nonce, String qop, String opaque) {}
    private SimScheduler.Cancellable regTimer;
    private SimScheduler.Cancellable keepaliveTimer;
    /** When a request or response last arrived (from any controller: the phone talks to one at a time). */
    private volatile long lastHeardNanos;
    private volatile String registrationError = "";
    private volatile long registrations;
    private volatile long failovers;
    private volatile long messages;
    private volatile long refusedRequests;

    public Phone(PhoneConfig config, SimScheduler scheduler, SipStackPort sip, MediaNetwork media, RandomGenerator random) {
        this.config = Objects.requireNonNull(config);
        this.scheduler = scheduler;
        this.sip = sip;
        this.media = media;
        this.random = random;
        this.hf = sip.headers();
        this.af = sip.addresses();
        this.mf = sip.messages();
    }

    public PhoneConfig config() { return config; }

    public String user() { return config.user(); }

    public void addListener(PhoneListener l) { listeners.add(l); }

    /** Every call this phone has had (ended ones too, until {@link #forgetEndedCalls()}). */
    public List<Call> calls() { return List.copyOf(callView); }

    public boolean registered() { return registered; }

    /** When a request or response last arrived from a controller (the scheduler's nanoTime). */
    public long lastHeardNanos() { return lastHeardNanos; }

    /** The controller it registers with now (null with none configured). */
    public InetSocketAddress controller() {
        return config.controllers().isEmpty() ? null : config.controllers().get(controllerIndex);
    }

    public String registrationError() { return registrationError; }

    public long registrations() { return registrations; }

    public long failovers() { return failovers; }

    // keepalive loss detection (phone thread) and what it saw
    private int keepaliveMissesInRow;
    private volatile long keepaliveProbes;
    private volatile long keepaliveAnswers;
    private volatile long keepaliveMissed;
    private volatile long keepalivesLate;
    private volatile long lateKeepaliveAnswers;
    private volatile long ownStallGraces;
    private volatile long keepaliveRttMaxNanos;
    private volatile long keepaliveOwnDelayMaxNanos;

    /** Keepalive OPTIONS sent. */
    public long keepaliveProbes() { return keepaliveProbes; }

    /** Keepalive probes unanswered within the probe timeout (misses; {@code keepaliveMisses} in a row is a failover). */
    public long keepaliveMisses() { return keepaliveMissed; }

    /** Keepalive answers later than half a second, or after the phone had given up on them. */
    public long keepalivesLate() { return keepalivesLate; }

    /** Keepalive answers that came after the phone had failed over: the controller was slow, not dead. */
    public long lateKeepaliveAnswers() { return lateKeepaliveAnswers; }

    /** Keepalive deadlines that ran late (this process stalled) and looked again instead of deciding. */
    public long ownStallGraces() { return ownStallGraces; }

    /** The longest keepalive round trip seen (ms). */
    public double keepaliveRttMaxMillis() { return keepaliveRttMaxNanos / 1e6; }

    /** The longest time a keepalive answer spent in this process after our stack parsed it (ms; 0 when unknown). */
    public double keepaliveOwnDelayMaxMillis() { return keepaliveOwnDelayMaxNanos / 1e6; }

    /** REGISTERs sent with credentials on the last nonce before any challenge (refreshes, failovers, removals). */
    public long registersWithCredentials() { return registersWithCredentials; }

    /** Of those, the ones answered 2xx at once: each saved the round trip of a 401 challenge. */
    public long registerRoundTripsSaved() { return registerRoundTripsSaved; }

    /** Registrations completed after a failover (with the next controller on the list). */
    public long failoverRegistrations() { return failoverRegistrations; }

    /** Of those, the ones whose first REGISTER was answered 2xx: one round trip, no challenge. */
    public long failoverRegistrationsAtOnce() { return failoverRegistrationsAtOnce; }

    /** REGISTERs given up on (no final answer within the register timeout): each made the phone fail over. */
    private volatile long registerTimeouts;
    /** Final answers to REGISTERs already given up on: the controller was slow, not silent. */
    private volatile long lateRegisterAnswers;

    public long registerTimeouts() { return registerTimeouts; }

    public long lateRegisterAnswers() { return lateRegisterAnswers; }

    /** Requests answered with a protocol error (481, 488, 405, 501, 400, 500): bad or stale input. */
    public long refusedRequests() { return refusedRequests; }

    /** NOTIFYs of the dialog event package sent (RFC 4235). */
    public long dialogNotifies() { return dialogNotifies; }

    /** BYEs held back during a failover and sent again through the next controller. */
    public long byesDeferred() { return byesDeferred; }

    /** SUBSCRIBEs to the dialog package refused (not from the current controller, wrong event). */
    public long subscriptionsRefused() { return subscriptionsRefused; }

    /** SIP messages this phone sent and received (requests, responses, ACKs; not retransmissions). */
    public long messages() { return messages; }

    /** The address other phones call directly: sip:user@host:port (with ;transport=tcp over TCP). */
    public String directUri() {
        InetSocketAddress a = sip.localAddress(config.transport());
        return "sip:" + config.user() + "@" + a.getAddress().getHostAddress() + ":" + a.getPort()
                + (config.transport().equals("tcp") ? ";transport=tcp" : "");
    }

    // ============================================================================================ public actions

    /** Binds to the stack and, with controllers configured, registers. */
    public void start() {
        sip.bind(config.user(), this);
        scheduler.run(() -> {
            started = true;
            if (!config.controllers().isEmpty() && config.register()) register();
        });
    }

    /** Ends every call, unregisters (best effort), releases the user binding. */
    public void stop() {
        scheduler.run(() -> {
            for (Call c : new ArrayList<>(calls.values())) hangUpNow(c);
            for (DialogSubscription s : new ArrayList<>(subscriptions.values())) endSubscription(s, "noresource");
            if (registered) sendRegister(0);
            started = false;
            registered = false;
            cancel(regTimer);
            cancel(keepaliveTimer);
            regTimer = keepaliveTimer = null;
            sip.unbind(config.user());
        });
    }

    /** (Re-)registers with the current controller now. */
    public void register() {
        scheduler.run(() -> {
            regAuthRetried = false;
            sendRegister(config.registerExpires().toSeconds());
        });
    }

    public void unregister() {
        scheduler.run(() -> {
            registered = false;
            cancel(regTimer);
            sendRegister(0);
        });
    }

    /**
     * Calls {@code target}: a number or user (sent to the current controller) or a full {@code sip:} URI (sent
     * straight there). The call object is returned at once; its state follows.
     */
    public Call call(String target) {
        Call c;
        try {
            Address to = targetAddress(target);
            c = new Call(newId() + "@" + config.user(), true, newTag(), localAor(), to, CallState.CALLING, sessionId());
        } catch (java.text.ParseException e) {
            throw new IllegalArgumentException("not a call target: " + target);
        }
        scheduler.run(() -> placeCall(c, null, null));
        return c;
    }

    public void answer(Call c) { scheduler.run(() -> answerNow(c)); }

    /** Rejects a ringing call: 486 Busy Here, 603 Decline, or another final status. */
    public void reject(Call c, int status) {
        scheduler.run(() -> {
            if (c.state() != CallState.RINGING) return;
            refuseInvite(c, status);
            end(c, String.valueOf(status), status);
        });
    }

    /** Cancels a call placed and not yet answered. */
    public void cancelCall(Call c) { scheduler.run(() -> cancelNow(c)); }

    /** Hangs up whatever the state: BYE when connected, CANCEL when calling, 603 when ringing. */
    public void hangUp(Call c) { scheduler.run(() -> hangUpNow(c)); }

    /** Puts the call on hold: re-INVITE offering sendonly (or inactive). */
    public void hold(Call c, boolean inactive) {
        scheduler.run(() -> offerDirection(c, inactive ? MediaDirection.INACTIVE : MediaDirection.SENDONLY));
    }

    public void resume(Call c) { scheduler.run(() -> offerDirection(c, MediaDirection.SENDRECV)); }

    /** Blind transfer: asks the far end of {@code c} (REFER) to call {@code target}; hangs up when it has. */
    public void transfer(Call c, String target) { transfer(c, target, true); }

    /**
     * Blind transfer; {@code hangUpAfter} false: on the final NOTIFY this phone waits for the far end (a B2BUA) to
     * end the call with BYE instead of sending one itself.
     */
    public void transfer(Call c, String target, boolean hangUpAfter) {
        scheduler.run(() -> {
            c.referHangsUp = hangUpAfter;
            try {
                sendRefer(c, targetAddress(target));
            } catch (java.text.ParseException e) {
                LOG.log(System.Logger.Level.WARNING, "transfer target " + target + ": " + e.getMessage());
            }
        });
    }

    /**
     * Attended transfer: asks the far end of {@code transferee} to call the far end of {@code target} with Replaces,
     * so that it takes {@code target}'s place; this phone then hangs up {@code transferee}, and the far end of
     * {@code target} hangs up the replaced call.
     */
    public void transferAttended(Call transferee, Call target) { transferAttended(transferee, target, true); }

    /** Attended transfer; {@code hangUpAfter} false: both calls are left for the far end to end (BYE from a B2BUA). */
    public void transferAttended(Call transferee, Call target, boolean hangUpAfter) {
        scheduler.run(() -> {
            transferee.referHangsUp = hangUpAfter;
            Address referTo = replacingReferTo(target);
            if (referTo != null) sendRefer(transferee, referTo);
        });
    }

    /**
     * Joins {@code parties} (calls of this phone) in a conference hosted by a focus (RFC 4579 5.5): calls the
     * focus (a conference factory URI or number) and, once it answers, asks it (REFER, Refer-To with Replaces) to
     * take over each party's call; each party then replaces its call with us by a call with the focus. The call to
     * the focus is returned; the parties' calls with this phone end as they are replaced.
     */
    public Call conference(String focus, List<Call> parties) {
        Call c;
        try {
            c = new Call(newId() + "@" + config.user(), true, newTag(), localAor(), targetAddress(focus), CallState.CALLING, sessionId());
        } catch (java.text.ParseException e) {
            throw new IllegalArgumentException("not a conference focus: " + focus);
        }
        c.referHangsUp = false;
        c.joinWhenConnected = List.copyOf(parties);
        scheduler.run(() -> placeCall(c, null, null));
        return c;
    }

    /** Refer-To for a call that is to take {@code target}'s place: its far end's address with Replaces (RFC 3891). */
    private Address replacingReferTo(Call target) {
        if (target.state() != CallState.CONNECTED || target.remoteTarget == null) return null;
        String replaces = target.callId + ";to-tag=" + target.remoteTag + ";from-tag=" + target.localTag;
        String uri = target.remoteTarget.toString();
        int q = uri.indexOf('?');
        if (q >= 0) uri = uri.substring(0, q);
        try {
            return af.createAddress(uri + "?Replaces=" + URLEncoder.encode(replaces, StandardCharsets.UTF_8));
        } catch (java.text.ParseException e) {
            LOG.log(System.Logger.Level.WARNING, "Refer-To with Replaces: " + e.getMessage());
            return null;
        }
    }

    /** Drops the calls that are over from {@link #calls()}. */
    public void forgetEndedCalls() { callView.removeIf(c -> c.state() == CallState.ENDED); }

    // ============================================================================================ registration

    private void sendRegister(long expires) {
        InetSocketAddress ctl = controller();
        if (ctl == null) return;
        cancel(regTimer);
        int attempt = ++regAttempt;
        try {
            if (regCallId == null) {
                regCallId = newId() + "@" + config.user();
                regFromTag = newTag();
                regCSeq = 0;
            }
            Request r = newRequest(Request.REGISTER, controllerUri(null), regCallId, ++regCSeq, localAor(), regFromTag,
                    localAor(), null, List.of());
            ContactHeader contact = (ContactHeader) r.getHeader(ContactHeader.NAME);
            contact.setExpires((int) expires);
            r.addHeader(hf.createExpiresHeader((int) expires));
            // the registrar may fetch our dialogs (call migration): say that we serve the package (RFC 6665 7.2.2)
            r.addHeader(hf.createAllowEventsHeader("dialog"));
            RegisterNonce n = regNonce;
            if (n != null && config.password() != null) {
                // the last nonce, counted on: no challenge round trip when the registrar (or its alternate) takes it
                addCredentials(r, false, n.realm(), n.nonce(), n.qop(), n.opaque(), ++regNonceCount);
                registersWithCredentials++;
            }
            sendRegisterRequest(r, expires, attempt);
        } catch (Exception e) {
            registrationError = "cannot build REGISTER: " + e;
            LOG.log(System.Logger.Level.WARNING, config.user() + ": " + registrationError);
        }
    }

    private void sendRegisterRequest(Request r, long expires, int attempt) {
        InetSocketAddress ctl = controller();
        if (regAfterFailover) registersSinceFailover++;
        // the phone's own deadline (its clock, not the stack's timer F): a silent controller is dead after it
        regTimer = scheduler.schedule(() -> {
            if (attempt != regAttempt) return;
            registerTimeouts++;
            controllerDead("REGISTER timed out");
        }, config.registrationTimeout());
        send(r, resp -> {
            if (attempt != regAttempt) {
                if (resp.getStatusCode() >= 200) lateRegisterAnswers++;
                return;
            }
            int code = resp.getStatusCode();
            if (code < 200) return;
            cancel(regTimer);
            if (code == 401 || code == 407) {
                // one answer per challenge; a second challenge only when it says our nonce was stale (RFC 2617 3.2.1);
                // credentials sent on our own last nonce are no answer to a challenge: this one is answered (stale or not)
                boolean staleRetry = regAuthRetried && staleNonce(resp) && regStaleRetries++ < 2;
                Request again = regAuthRetried && !staleRetry ? null : withCredentials(r, resp);
                if (again == null) {
                    registrationFailed(ctl, code + " (credentials refused)");
                    return;
                }
                regAuthRetried = true;
                regCSeq = ((CSeqHeader) again.getHeader(CSeqHeader.NAME)).getSeqNumber();
                sendRegisterRequest(again, expires, attempt);
                return;
            }
            if (code == 423 && resp.getHeader("Min-Expires") != null) {
                long min = parseLong(headerValue(resp.getHeader("Min-Expires")), expires);
                regAuthRetried = false;
                sendRegister(Math.max(min, expires));
                return;
            }
            if (sendsUsOn(resp)) {
                controllerDead("REGISTER 503 without Retry-After");
                return;
            }
            if (code >= 300) {
                registrationFailed(ctl, String.valueOf(code));
                return;
            }
            if (!regAuthRetried && r.getHeader(AuthorizationHeader.NAME) != null) registerRoundTripsSaved++;
            if (regAfterFailover) {
                failoverRegistrations++;
                boolean atOnce = !regAuthRetried && r.getHeader(AuthorizationHeader.NAME) != null;
                if (atOnce) failoverRegistrationsAtOnce++;
                regAfterFailover = false;
                long ms = (scheduler.nanoTime() - failedOverAtNanos) / 1_000_000;
                int sent = registersSinceFailover;
                // one line per failover: what the registration with the next controller cost (the drills read it)
                LOG.log(System.Logger.Level.INFO, () -> config.user() + ": registered with " + ctl + " " + ms
                        + " ms after the failover, " + sent + " REGISTER" + (sent == 1 ? "" : "s")
                        + (atOnce ? " (on the last nonce: no challenge)" : ""));
            }
            takeNextNonce(resp);
            regAuthRetried = false;
            regStaleRetries = 0;
            if (expires == 0) {
                registered = false;
                return;
            }
            long granted = grantedExpires(resp, expires);
            registered = true;
            registrations++;
            registrationError = "";
            // re-REGISTER before the binding expires: half way for short ones, 30 s ahead for long ones
            long refresh = Math.max(1, Math.max(granted / 2, granted - 30));
            regTimer = scheduler.schedule(() -> {
                if (started) register();
            }, Duration.ofSeconds(refresh));
            scheduleKeepalive();
            for (PhoneListener l : listeners) l.registered(this, ctl);
            if (!dialogsReported) {
                // a controller that does not fetch our dialogs: held-back BYEs go to it after a while all the same (one
                // that fetched them releases them with its answer to our NOTIFY, however long that takes)
                scheduler.schedule(() -> {
                    if (registered && ctl.equals(controller()) && !dialogsFetched) dialogsReportedNow();
                }, config.requestTimeout());
            } else if (!pendingByes.isEmpty()) {
                // it fetched our dialogs before its 200 reached us (it sends the SUBSCRIBE right after the 200, from
                // another thread, and that can overtake it): the BYEs wait for no more than this
                dialogsReportedNow();
            }
        }, why -> {
            if (attempt != regAttempt) return;
            cancel(regTimer);
            controllerDead("REGISTER " + why);
        });
    }

    private long grantedExpires(Response resp, long asked) {
        InetSocketAddress local = sip.localAddress(config.transport());
        for (Headers it = new Headers(resp.getHeaders(ContactHeader.NAME)); it.hasNext(); ) {
            ContactHeader ch = (ContactHeader) it.next();
            if (ch.getAddress().getURI() instanceof SipURI u && config.user().equals(u.getUser())
                    && u.getPort() == local.getPort() && ch.getExpires() >= 0) {
                return ch.getExpires();
            }
        }
        ExpiresHeader e = (ExpiresHeader) resp.getHeader(ExpiresHeader.NAME);
        return e != null && e.getExpires() > 0 ? e.getExpires() : asked;
    }

    private void registrationFailed(InetSocketAddress ctl, String reason) {
        registered = false;
        registrationError = reason;
        LOG.log(System.Logger.Level.INFO, () -> config.user() + ": registration with " + ctl + " failed: " + reason);
        for (PhoneListener l : listeners) l.registrationFailed(this, ctl, reason);
    }

    /**
     * A 503 without Retry-After from the controller: it is unavailable to us, try the next server (RFC 3263 4.3; a
     * controller that hands its conferences back to the primary says so). With Retry-After (an overloaded controller's
     * flood guard) it is only busy: we stay. Only with another controller on the list.
     */
    private boolean sendsUsOn(Response resp) {
        return resp.getStatusCode() == 503 && resp.getHeader("Retry-After") == null && config.controllers().size() > 1;
    }

    /** The current controller did not answer: move to the next one in the list (or try the only one again). */
    private void controllerDead(String reason) {
        if (!started || config.controllers().isEmpty()) return;
        InetSocketAddress from = controller();
        registered = false;
        registrationError = reason;
        failovers++;
        controllerIndex = (controllerIndex + 1) % config.controllers().size();
        InetSocketAddress next = controller();
        regCallId = null; // a fresh binding with the new registrar
        regAfterFailover = true; // regNonce stays: the alternate may take it (a shared key) and spare us its challenge
        failedOverAtNanos = scheduler.nanoTime();
        registersSinceFailover = 0;
        // BYEs in flight went to the dead controller: they count as not sent, the next one gets them
        dialogsReported = false;
        dialogsFetched = false;
        byesDeferred += byesInFlight.size();
        pendingByes.putAll(byesInFlight);
        byesInFlight.clear();
        regAuthRetried = false;
        cancel(keepaliveTimer);
        keepaliveTimer = null;
        keepaliveMissesInRow = 0;
        LOG.log(System.Logger.Level.INFO, () -> config.user() + ": " + from + " " + reason + "; registering with " + next);
        for (PhoneListener l : listeners) l.failedOver(this, from, next, reason);
        // with one controller, or a refused connection, do not spin: a short pause before trying again
        scheduler.schedule(() -> {
            if (started) sendRegister(config.registerExpires().toSeconds());
        }, from.equals(next) ? config.requestTimeout() : Duration.ZERO);
    }

    private void scheduleKeepalive() {
        if (config.keepaliveInterval().isZero() || keepaliveTimer != null) return;
        keepaliveTimer = scheduler.schedule(this::keepalive, config.keepaliveInterval());
    }

    /**
     * One keepalive probe: an out-of-dialog OPTIONS (a non-INVITE transaction; over UDP the stack retransmits it on
     * RFC 3261 timer E). It counts as a miss when nothing at all came from the controller within the probe timeout;
     * {@code keepaliveMisses} misses in a row make the controller dead. After a miss the next probe goes at once, and
     * the earlier ones stay open: an answer to any of them, however late, clears the count. So one slow or lost
     * answer costs a probe, not the controller (a real phone waits for timer F, 32 s, before it gives up on one).
     * A deadline that itself ran late (this process stalled: a pause, a starved event loop) looks again after the
     * stall's length instead of deciding: the answer may be waiting behind it in our own stack.
     */
    private void keepalive() {
        keepaliveTimer = null;
        if (!started || !registered) return;
        InetSocketAddress ctl = controller();
        if (config.transport().equals("tcp") && !sip.sendCrlfKeepalive("tcp", ctl)) {
            controllerDead("TCP keepalive failed");
            return;
        }
        int attempt = regAttempt;
        try {
            Request options = newRequest(Request.OPTIONS, controllerUri(null), newId() + "@" + config.user(), 1,
                    localAor(), newTag(), localAor(), null, List.of());
            boolean[] answered = {false};
            long sentAt = scheduler.nanoTime();
            keepaliveProbes++;
            long timeout = config.keepaliveProbeTimeout().toNanos();
            Runnable[] check = {null};
            long[] due = {sentAt + timeout};
            boolean[] graced = {false}; // one look again per probe: a phone whose own process is stuck still decides
            SimScheduler.Cancellable[] deadline = {null};
            check[0] = () -> {
                deadline[0] = null;
                if (answered[0] || attempt != regAttempt || !registered) return;
                long now = scheduler.nanoTime();
                if (lastHeardNanos > sentAt) {
                    // late, but the controller spoke to us meanwhile (a busy one, or our own stack ran late): alive
                    keepaliveMissesInRow = 0;
                    scheduleKeepalive();
                    return;
                }
                long ranLate = now - due[0];
                if (ranLate > OWN_STALL_NANOS && !graced[0]) {
                    graced[0] = true;
                    // this timer ran late: the phones' own process stalled, and an answer may be in our stack behind it
                    ownStallGraces++;
                    LOG.log(System.Logger.Level.WARNING, () -> config.user() + ": OPTIONS keepalive to " + ctl
                            + " unanswered after " + (now - sentAt) / 1_000_000 + " ms, but its deadline ran " + ranLate / 1_000_000
                            + " ms late (this process stalled): looking again in " + Math.min(ranLate, timeout) / 1_000_000 + " ms");
                    due[0] = now + Math.min(ranLate, timeout);
                    deadline[0] = scheduler.schedule(check[0], Duration.ofNanos(Math.min(ranLate, timeout)));
                    return;
                }
                keepaliveMissed++;
                int misses = ++keepaliveMissesInRow;
                LOG.log(System.Logger.Level.WARNING, () -> config.user() + ": OPTIONS keepalive to " + ctl + " unanswered after "
                        + (now - sentAt) / 1_000_000 + " ms (its deadline ran " + Math.max(0, ranLate) / 1_000_000
                        + " ms late; last heard from a controller " + (now - lastHeardNanos) / 1_000_000 + " ms ago): miss "
                        + misses + " of " + config.keepaliveMisses());
                if (misses >= config.keepaliveMisses()) {
                    controllerDead("OPTIONS keepalive timed out" + (misses > 1 ? " (" + misses + " probes in a row)" : ""));
                    return;
                }
                keepalive(); // the next probe at once; this one may still be answered
            };
            deadline[0] = scheduler.schedule(check[0], Duration.ofNanos(timeout));
            send(options, resp -> {
                if (resp.getStatusCode() < 200 || answered[0]) return;
                answered[0] = true; // any final response shows the controller is alive
                if (deadline[0] != null) deadline[0].cancel();
                keepaliveAnswered(ctl, resp, sentAt, attempt != regAttempt);
                if (attempt != regAttempt) return;
                keepaliveMissesInRow = 0;
                if (sendsUsOn(resp)) { controllerDead("OPTIONS keepalive 503 without Retry-After"); return; }
                scheduleKeepalive();
            }, why -> {
                if (answered[0]) return;
                answered[0] = true;
                if (deadline[0] != null) deadline[0].cancel();
                // the stack's own timer F (32 s) comes long after our deadline decided; a transport failure decides now
                if (attempt == regAttempt && !why.equals("timeout")) controllerDead("OPTIONS keepalive " + why);
            });
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, config.user() + ": cannot build OPTIONS: " + e);
        }
    }

    /** A deadline later than this is taken as a stall of our own process (see {@link #keepalive()}). */
    static final long OWN_STALL_NANOS = 200_000_000L;
    /** A keepalive answer later than this is logged, with where the time went. */
    static final long LATE_KEEPALIVE_NANOS = 500_000_000L;

    /** Records a keepalive's round trip, split at its arrival in our stack; logs a late one and one answered after we gave up. */
    private void keepaliveAnswered(InetSocketAddress ctl, Response resp, long sentAt, boolean gaveUp) {
        long now = scheduler.nanoTime();
        long rtt = now - sentAt;
        keepaliveAnswers++;
        if (rtt > keepaliveRttMaxNanos) keepaliveRttMaxNanos = rtt;
        long arrived = sip.arrivalNanos(resp);
        long own = arrived == 0 ? 0 : Math.max(0, now - arrived);
        if (own > keepaliveOwnDelayMaxNanos) keepaliveOwnDelayMaxNanos = own;
        if (gaveUp) lateKeepaliveAnswers++;
        if (rtt < LATE_KEEPALIVE_NANOS && !gaveUp) return;
        keepalivesLate++;
        String split = arrived == 0 ? "" : ": " + Math.max(0, arrived - sentAt) / 1_000_000 + " ms until our stack parsed the answer"
                + " (the controller and the wire), " + own / 1_000_000 + " ms in this process after that (the stack's listener, the phone's event loop)";
        LOG.log(System.Logger.Level.WARNING, () -> config.user() + ": OPTIONS keepalive to " + ctl + " answered "
                + resp.getStatusCode() + " " + rtt / 1_000_000 + " ms after it was sent" + split
                + (gaveUp ? "; the phone had given up on it and left that controller" : ""));
    }

    // ============================================================================================ calls: UAC side

    private void placeCall(Call c, Header replaces, String referredBy) {
        calls.put(c.callId, c);
        callView.add(c);
        try {
            openProbe(c);
            URI ruri = requestUriFor(c.remoteAddress.getURI());
            Request invite = newRequest(Request.INVITE, ruri, c.callId, ++c.localCSeq, c.localAddress, c.localTag,
                    c.remoteAddress, null, List.of());
            invite.setContent(localSdp(c, c.wanted), sdpType());
            if (config.sessionExpires() != null) {
                invite.addHeader(hf.createSupportedHeader("timer"));
                invite.addHeader(hf.createHeader("Session-Expires", config.sessionExpires().toSeconds() + ";refresher=uac"));
            }
            if (replaces != null) invite.addHeader(replaces);
            if (referredBy != null) invite.addHeader(hf.createHeader("Referred-By", referredBy));
            c.invite = invite;
            c.startedNanos = scheduler.nanoTime();
            sendInvite(c, invite);
            notifyState(c);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, config.user() + ": cannot place " + c + ": " + e);
            end(c, "local-error", 0);
        }
    }

    private void sendInvite(Call c, Request invite) {
        c.inviteRef = send(invite, resp -> inviteResponse(c, invite, resp), why -> {
            if (c.state() == CallState.ENDED || c.invite != invite) return;
            end(c, why.startsWith("timeout") ? "timeout" : "transport-error", 0);
        });
    }

    private void inviteResponse(Call c, Request invite, Response resp) {
        if (c.invite != invite) return; // a response to an INVITE we have replaced (auth retry)
        int code = resp.getStatusCode();
        String toTag = ((ToHeader) resp.getHeader(ToHeader.NAME)).getTag();
        if (code < 200) {
            c.provisionalSeen = true;
            if (toTag != null && c.state() == CallState.ENDED && sentToFormerController(invite)
                    && abandonedTrying.remove(c.callId, c)) {
                // the user gave up while the INVITE was trying at a controller we failed over from; the one we use
                // now took it over and rings: end that early dialog (BYE, RFC 3261 15), through that controller
                // (a CANCEL would follow the INVITE to the one it went to)
                c.cancelWanted = false;
                c.remoteTag = toTag;
                learnTarget(c, resp, true);
                sendBye(c);
                return;
            }
            if (c.cancelWanted) {
                c.cancelWanted = false;
                sendCancel(c);
                return;
            }
            if ((code == 180 || code == 183) && c.state() == CallState.CALLING) {
                if (toTag != null) {
                    c.remoteTag = toTag;
                    // the early dialog's remote target (RFC 3261 12.1.2): a controller's Contact with the call cookie
                    learnTarget(c, resp, true);
                }
                c.ringingNanos = scheduler.nanoTime();
                c.state(CallState.RINGBACK);
                notifyState(c);
            }
            return;
        }
        abandonedTrying.remove(c.callId, c); // a final response ends the INVITE: nothing left to take over
        if (code < 300) {
            c.remoteTag = toTag;
            learnTarget(c, resp, true);
            Request ack = ackFor(c, invite);
            c.lastAck = ack;
            if (ack != null) sendAck(ack);
            if (c.state() == CallState.ENDED) { // cancelled or hung up while the answer was on its way
                sendBye(c);
                return;
            }
            c.finalStatus(code);
            takeAnswer(c, resp);
            c.answeredNanos = scheduler.nanoTime();
            if (c.ringingNanos < 0) c.ringingNanos = c.answeredNanos;
            sessionTimerFromAnswer(c, resp);
            c.state(CallState.CONNECTED);
            applyMedia(c);
            notifyState(c);
            afterConnected(c);
            return;
        }
        if ((code == 401 || code == 407) && (!c.authRetried || staleNonce(resp) && c.staleRetries++ < 2)
                && c.state() != CallState.ENDED) {
            Request again = withCredentials(invite, resp);
            if (again != null) {
                c.authRetried = true;
                c.localCSeq = ((CSeqHeader) again.getHeader(CSeqHeader.NAME)).getSeqNumber();
                c.invite = again;
                c.provisionalSeen = false;
                sendInvite(c, again);
                return;
            }
        }
        if (c.state() != CallState.ENDED) end(c, code == 487 ? "cancelled" : String.valueOf(code), code);
        else c.finalStatus(code);
        reportReferOutcome(c, code, reasonPhrase(resp));
    }

    private void takeAnswer(Call c, Response resp) {
        Sdp answer = sdpOf(resp.getRawContent());
        if (answer == null) return;
        c.remoteSdp = answer;
        c.negotiated = c.wanted.and(answer.direction().mirrored());
    }

    private Request ackFor(Call c, Request invite) {
        try {
            long cseq = ((CSeqHeader) invite.getHeader(CSeqHeader.NAME)).getSeqNumber();
            Request ack = newRequest(Request.ACK, c.remoteTarget, c.callId, cseq, c.localAddress, c.localTag,
                    c.remoteAddress, c.remoteTag, routes(c));
            ack.removeHeader(ContactHeader.NAME);
            return ack;
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "cannot build ACK: " + e);
            return null;
        }
    }

    private void cancelNow(Call c) {
        if (!c.outgoing || (c.state() != CallState.CALLING && c.state() != CallState.RINGBACK)) return;
        if (c.state() == CallState.RINGBACK && c.remoteTag != null && sentToFormerController(c.invite)) {
            // our INVITE went to a controller we failed over from: a CANCEL would follow it there. The controller we
            // use now took the early dialog over; BYE in it (RFC 3261 15), through that controller
            end(c, "cancelled", 0);
            sendBye(c);
            return;
        }
        end(c, "cancelled", 0);
        if (c.state() == CallState.ENDED && c.remoteTag == null && config.controllers().size() > 1) {
            // our INVITE may be trying at a controller that is dead (or dies before our CANCEL gets there): the one
            // we fail over to may take it over (docs/migration.md, "A ringing call whose 180 was lost") and ring the
            // far end; until a final response ends the INVITE, it is listed as trying and ended when taken over.
            // Not for ever: as long as the INVITE's timer B (64*T1) after the hang-up
            abandonedTrying.put(c.callId, c);
            scheduler.schedule(() -> abandonedTrying.remove(c.callId, c), T1.multipliedBy(64));
        }
        if (c.provisionalSeen) sendCancel(c);
        else c.cancelWanted = true; // RFC 3261 9.1: not before a provisional response
    }

    private void sendCancel(Call c) {
        sip.cancel(c.inviteRef, handler(resp -> {}, why -> {}));
    }

    private void hangUpNow(Call c) {
        switch (c.state()) {
            case CONNECTED -> {
                end(c, "hangup", 0);
                sendBye(c);
            }
            case CALLING, RINGBACK -> cancelNow(c);
            case RINGING -> {
                refuseInvite(c, Response.DECLINE);
                end(c, "603", Response.DECLINE);
            }
            default -> { }
        }
    }

    private void sendBye(Call c) {
        boolean viaController = viaController(c) && config.controllers().size() > 1;
        if (viaController && (!registered || !dialogsReported)) {
            byesDeferred++;
            pendingByes.put(c.callId, c); // no controller to take it now: after the failover
            return;
        }
        try {
            Request bye = inDialog(c, Request.BYE);
            if (viaController) byesInFlight.put(c.callId, c);
            // the answer to our BYE tells whether the controller still knew the dialog (481 if not): a drill checks it
            send(bye, resp -> {
                byesInFlight.remove(c.callId, c);
                if (resp.getStatusCode() >= 200) c.byeStatus = resp.getStatusCode();
            }, why -> {
                // lost with its controller: again through the next one (unless the failover took it over already)
                if (byesInFlight.remove(c.callId, c)) {
                    byesDeferred++;
                    pendingByes.put(c.callId, c);
                    if (registered && dialogsReported) dialogsReportedNow();
                } else {
                    c.byeStatus = -1;
                }
            });
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "cannot build BYE: " + e);
        }
    }

    /**
     * The current controller has our dialogs (it fetched them, or did not ask): held-back BYEs go now, or with its
     * 200 to our REGISTER when its fetch overtook that.
     */
    private void dialogsReportedNow() {
        dialogsReported = true;
        if (!registered) return;
        List<Call> byes = new ArrayList<>(pendingByes.values());
        pendingByes.clear();
        for (Call c : byes) sendBye(c);
    }

    /** Whether the dialog's remote target is one of our controllers (a call through a B2BUA, not a direct one). */
    private boolean viaController(Call c) {
        if (!(c.remoteTarget instanceof SipURI t)) return false;
        for (InetSocketAddress ctl : config.controllers()) if (sameAddress(t, ctl)) return true;
        return false;
    }

    /** Offers {@code d} by re-INVITE (hold: sendonly/inactive; resume: sendrecv). */
    private void offerDirection(Call c, MediaDirection d) {
        if (c.state() != CallState.CONNECTED) return;
        c.wanted = d;
        if (c.reinviteOutstanding) return; // sent when the one in progress completes
        sendReinvite(c);
    }

    private void sendReinvite(Call c) {
        try {
            MediaDirection offered = c.wanted;
            Request re = inDialog(c, Request.INVITE);
            re.setContent(localSdp(c, offered), sdpType());
            if (c.sessionSeconds > 0) {
                re.addHeader(hf.createSupportedHeader("timer"));
                re.addHeader(hf.createHeader("Session-Expires", c.sessionSeconds + ";refresher=" + (c.weRefresh ? "uac" : "uas")));
            }
            c.reinviteOutstanding = true;
            send(re, resp -> {
                int code = resp.getStatusCode();
                if (code < 200) return;
                c.reinviteOutstanding = false;
                if (code < 300) {
                    c.agreedWish = offered;
                    learnTarget(c, resp, true); // a target refresh (RFC 3261 12.2.1.2): new Contact, new cookie
                    sessionTimerFromAnswer(c, resp);
                    Request ack = ackFor(c, re);
                    if (ack != null) sendAck(ack);
                    c.lastAck = ack;
                    Sdp answer = sdpOf(resp.getRawContent());
                    if (answer != null) {
                        c.remoteSdp = answer;
                        c.negotiated = offered.and(answer.direction().mirrored());
                    }
                    applyMedia(c);
                    notifyState(c);
                } else if (code == 491) {
                    // glare (RFC 3261 14.1): try again after a random 2.1-4 s
                    scheduler.schedule(() -> {
                        if (c.state() == CallState.CONNECTED && !c.reinviteOutstanding) sendReinvite(c);
                    }, Duration.ofMillis(2100 + random.nextInt(1900)));
                    return;
                } else if (code == 481 || code == 408) {
                    end(c, "re-INVITE " + code, 0);
                    return;
                } else {
                    // refused (488, 501...): the session stays as it was (RFC 3261 14.1), and so does our wish
                    LOG.log(System.Logger.Level.INFO, () -> config.user() + ": re-INVITE (" + offered.attribute() + ") refused with " + code);
                    if (c.wanted == offered) c.wanted = c.agreedWish;
                    notifyState(c);
                    return;
                }
                if (c.wanted != offered && c.state() == CallState.CONNECTED) sendReinvite(c);
            }, why -> {
                c.reinviteOutstanding = false;
                end(c, "re-INVITE " + why, 0);
                sendBye(c);
            });
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "cannot build re-INVITE: " + e);
        }
    }

    private void sendRefer(Call c, Address referTo) {
        if (c.state() != CallState.CONNECTED) return;
        try {
            Request refer = inDialog(c, Request.REFER);
            refer.addHeader(hf.createReferToHeader(referTo));
            refer.addHeader(hf.createHeader("Referred-By", "<" + c.localAddress.getURI() + ">"));
            c.transferStatus = "pending";
            send(refer, resp -> {
                int code = resp.getStatusCode();
                if (code >= 300) c.transferStatus = "REFER " + code;
            }, why -> c.transferStatus = "REFER " + why);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "cannot build REFER: " + e);
        }
    }

    // ============================================================================================ incoming requests

    @Override public void request(Request request, ServerRef tx) {
        lastHeardNanos = scheduler.nanoTime();
        scheduler.execute(() -> {
            messages++;
            try {
                handle(request, tx);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, config.user() + ": " + request.getMethod() + " failed: " + e);
                if (tx != null) refuse(tx, request, Response.SERVER_INTERNAL_ERROR, null);
            }
        });
    }

    @Override public void strayResponse(Response response) {
        scheduler.execute(() -> {
            // a 2xx for the INVITE retransmitted: our ACK was lost, send it again
            CSeqHeader cs = (CSeqHeader) response.getHeader(CSeqHeader.NAME);
            Call c = calls.get(((CallIdHeader) response.getHeader(CallIdHeader.NAME)).getCallId());
            if (c != null && cs != null && Request.INVITE.equals(cs.getMethod()) && response.getStatusCode() / 100 == 2
                    && c.lastAck != null
                    && ((CSeqHeader) c.lastAck.getHeader(CSeqHeader.NAME)).getSeqNumber() == cs.getSeqNumber()) {
                sendAck(c.lastAck);
            }
        });
    }

    private void handle(Request r, ServerRef tx) {
        String method = r.getMethod();
        String callId = ((CallIdHeader) r.getHeader(CallIdHeader.NAME)).getCallId();
        String toTag = ((ToHeader) r.getHeader(ToHeader.NAME)).getTag();
        Call c = calls.get(callId);
        switch (method) {
            case Request.INVITE -> {
                if (toTag == null) incomingInvite(r, tx);
                else if (c == null || c.state() == CallState.ENDED) refuse(tx, r, 481, null);
                else incomingReinvite(c, r, tx);
            }
            case Request.ACK -> {
                if (c == null) return;
                acked(c, ((CSeqHeader) r.getHeader(CSeqHeader.NAME)).getSeqNumber());
                Sdp late = sdpOf(r.getRawContent()); // the answer to an offer we put in the 2xx
                if (late != null) {
                    c.remoteSdp = late;
                    c.negotiated = c.wanted.and(late.direction().mirrored());
                    applyMedia(c);
                }
            }
            case Request.CANCEL -> {
                if (c == null) refuse(tx, r, 481, null);
                else respond(tx, r, 200, null, false);
                if (c != null && c.state() == CallState.RINGING) {
                    respond(c.inviteServer, c.invite, Response.REQUEST_TERMINATED, c, false);
                    end(c, "cancelled", Response.REQUEST_TERMINATED);
                }
            }
            case Request.BYE -> {
                if (c == null || !inDialog(c, r)) {
                    refuse(tx, r, 481, null);
                    return;
                }
                respond(tx, r, 200, null, false);
                if (c.state() == CallState.RINGING) {
                    // the caller ended the early dialog (RFC 3261 15: a controller that took it over from a dead one
                    // has no INVITE transaction to CANCEL); its INVITE gets 487 (15.1.2)
                    refuseInvite(c, Response.REQUEST_TERMINATED);
                    end(c, "cancelled", Response.REQUEST_TERMINATED);
                } else if (c.state() != CallState.ENDED) {
                    end(c, "remote-hangup", 0);
                }
            }
            case Request.OPTIONS -> {
                Response ok = response(r, 200, null, false);
                if (ok == null) return;
                try {
                    ok.addHeader(hf.createAllowHeader(ALLOW));
                } catch (java.text.ParseException ignored) {
                    // a constant that parses
                }
                reply(tx, ok);
            }
            case Request.REFER -> incomingRefer(c, r, tx);
            case Request.NOTIFY -> incomingNotify(c, r, tx);
            case Request.SUBSCRIBE -> incomingSubscribe(r, tx);
            case Request.REGISTER, Request.PRACK, Request.UPDATE, Request.INFO, Request.MESSAGE -> {
                Response no = response(r, Response.METHOD_NOT_ALLOWED, null, false);
                if (no == null) return;
                refused(r, Response.METHOD_NOT_ALLOWED);
                try {
                    no.addHeader(hf.createAllowHeader(ALLOW));
                } catch (java.text.ParseException ignored) {
                    // a constant that parses
                }
                reply(tx, no);
            }
            default -> refuse(tx, r, Response.NOT_IMPLEMENTED, null);
        }
    }

    private boolean inDialog(Call c, Request r) {
        String fromTag = ((FromHeader) r.getHeader(FromHeader.NAME)).getTag();
        return c.remoteTag == null || c.remoteTag.equals(fromTag);
    }

    private void incomingInvite(Request r, ServerRef tx) {
        String callId = ((CallIdHeader) r.getHeader(CallIdHeader.NAME)).getCallId();
        if (calls.containsKey(callId)) return; // a retransmission that the stack did not absorb
        FromHeader from = (FromHeader) r.getHeader(FromHeader.NAME);
        Sdp offer = null;
        if (r.getRawContent() != null && r.getRawContent().length > 0) {
            offer = sdpOf(r.getRawContent());
            if (offer == null || !offer.offersPcmu()) {
                refuse(tx, r, 488, null); // Not Acceptable Here: no audio we can take
                return;
            }
        }
        Call replaced = null;
        Header replacesHeader = r.getHeader("Replaces");
        if (replacesHeader != null) {
            replaced = findReplaced(headerValue(replacesHeader));
            if (replaced == null) {
                refuse(tx, r, 481, null);
                return;
            }
        }
        Address localAddress = (Address) ((ToHeader) r.getHeader(ToHeader.NAME)).getAddress().clone();
        Call c = new Call(callId, false, newTag(), localAddress, (Address) from.getAddress().clone(),
                CallState.RINGING, sessionId());
        c.remoteTag = from.getTag();
        c.remoteCSeq = ((CSeqHeader) r.getHeader(CSeqHeader.NAME)).getSeqNumber();
        c.invite = r;
        c.inviteServer = tx;
        c.startedNanos = scheduler.nanoTime();
        c.remoteSdp = offer;
        if (offer != null) c.negotiated = c.wanted.and(offer.direction().mirrored());
        learnTarget(c, r, false);
        calls.put(callId, c);
        callView.add(c);
        if (replaced != null) {
            // RFC 3891: the new call takes the replaced one's place at once, and the replaced one is hung up
            c.replaces = replaced;
            answerNow(c);
            hangUpNow(replaced);
            return;
        }
        respond(tx, r, Response.RINGING, c, false);
        c.ringingNanos = scheduler.nanoTime();
        notifyState(c);
        if (config.autoAnswerAfter() != null) scheduler.schedule(() -> answerNow(c), config.autoAnswerAfter());
    }

    private Call findReplaced(String value) {
        String[] parts = value.split(";");
        String callId = parts[0].strip();
        String to = null;
        String from = null;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            int eq = p.indexOf('=');
            if (eq < 0) continue;
            String k = p.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            if (k.equals("to-tag")) to = p.substring(eq + 1).strip();
            if (k.equals("from-tag")) from = p.substring(eq + 1).strip();
        }
        Call c = calls.get(callId);
        // RFC 3891 3: to-tag is the recipient's local tag, from-tag its remote tag
        if (c == null || c.state() == CallState.ENDED || !c.localTag.equals(to) || !Objects.equals(c.remoteTag, from)) return null;
        return c;
    }

    private void answerNow(Call c) {
        if (c.state() != CallState.RINGING) return;
        try {
            openProbe(c);
        } catch (IOException e) {
            refuseInvite(c, Response.SERVER_INTERNAL_ERROR);
            end(c, "no-media-port", 500);
            return;
        }
        if (!respondOk(c, c.inviteServer, c.invite)) {
            end(c, "transport-error", 0);
            return;
        }
        c.finalStatus(200);
        c.answeredNanos = scheduler.nanoTime();
        c.state(CallState.CONNECTED);
        applyMedia(c);
        notifyState(c);
        afterConnected(c);
    }

    /**
     * Where a final response to {@code request} goes instead of the address of its Via: the controller we use now,
     * when the request came from another controller of ours (we failed over since it arrived). Standard SIP has no
     * way to move an INVITE transaction to another proxy; the controller that took our dialogs over knows the early
     * dialog from our dialog-package NOTIFY and takes the response there (docs/migration.md, "Phones"). Null: the
     * response goes as usual, through the transaction.
     */
    private InetSocketAddress answerThrough(javax.sip.message.Message request) {
        InetSocketAddress now = controller();
        if (now == null || config.controllers().size() < 2 || request == null) return null;
        ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
        if (via == null || via.getHost() == null) return null;
        int port = via.getPort() > 0 ? via.getPort() : 5060;
        boolean ours = false;
        for (InetSocketAddress ctl : config.controllers()) ours |= sameAddress(via.getHost(), port, ctl);
        return ours && !sameAddress(via.getHost(), port, now) ? now : null;
    }

    /** Whether {@code request} went to one of our controllers other than the one we use now (we failed over since). */
    private boolean sentToFormerController(Request request) {
        InetSocketAddress now = controller();
        if (now == null || config.controllers().size() < 2 || request == null) return false;
        if (!(request.getRequestURI() instanceof SipURI u)) return false;
        int port = u.getPort() > 0 ? u.getPort() : 5060;
        boolean ours = false;
        for (InetSocketAddress ctl : config.controllers()) ours |= sameAddress(u.getHost(), port, ctl);
        return ours && !sameAddress(u.getHost(), port, now);
    }

    /** A final non-2xx response to the INVITE of {@code c} (refused, declined, terminated), wherever it must go. */
    private void refuseInvite(Call c, int status) {
        InetSocketAddress elsewhere = answerThrough(c.invite);
        if (elsewhere == null) {
            respond(c.inviteServer, c.invite, status, c, false);
            return;
        }
        Response resp = response(c.invite, status, c, false);
        if (resp == null) return;
        messages++;
        // once: without the INVITE's transaction nobody acknowledges it (over UDP a loss leaves the controller's
        // no-answer timer to end the call)
        sip.sendResponseTo(resp, elsewhere, config.transport());
        if (c.inviteServer != null) c.inviteServer.abandon();
    }

    /** RFC 3261 T1 and T2: the 2xx retransmission starts at T1 and doubles up to T2. */
    private static final Duration T1 = Duration.ofMillis(500);
    private static final Duration T2 = Duration.ofSeconds(4);

    /** Sends our 2xx (with SDP) for an INVITE and, over UDP, retransmits it until the ACK comes (RFC 3261 13.3.1.4). */
    private boolean respondOk(Call c, ServerRef tx, Request invite) {
        Response ok = response(invite, Response.OK, c, true);
        if (ok == null) return false;
        sessionTimerFromOffer(c, invite, ok);
        InetSocketAddress elsewhere = answerThrough(invite);
        if (elsewhere != null) {
            messages++;
            if (!sip.sendResponseTo(ok, elsewhere, config.transport())) return false;
            tx.abandon();
            c.answeredElsewhere = true;
            LOG.log(System.Logger.Level.INFO, () -> config.user() + ": answered " + c.callId + " through " + elsewhere
                    + " (its INVITE came from a controller we failed over from)");
        } else if (!reply(tx, ok)) {
            return false;
        }
        cancel(c.okTimer);
        c.unackedOk = ok;
        if (config.transport().equals("udp")) retransmitOk(c, ok, T1, 0);
        return true;
    }

    private void retransmitOk(Call c, Response ok, Duration interval, long waitedMillis) {
        long delay = Math.min(interval.toMillis(), 64 * T1.toMillis() - waitedMillis);
        c.okTimer = scheduler.schedule(() -> {
            if (c.unackedOk != ok || c.state() == CallState.ENDED) return;
            long waited = waitedMillis + delay;
            if (waited >= 64 * T1.toMillis()) {
                // no ACK in 64*T1: the dialog is dead (RFC 3261 13.3.1.4)
                c.unackedOk = null;
                end(c, "no-ack", 0);
                sendBye(c);
                return;
            }
            messages++;
            // answered just before a failover: the retransmissions go to the controller we moved to
            InetSocketAddress elsewhere = answerThrough(ok); // its Via is the INVITE's
            if (elsewhere != null) {
                c.answeredElsewhere = true;
                sip.sendResponseTo(ok, elsewhere, config.transport());
            } else {
                sip.resendResponse(ok);
            }
            Duration next = interval.multipliedBy(2).compareTo(T2) > 0 ? T2 : interval.multipliedBy(2);
            retransmitOk(c, ok, next, waited);
        }, Duration.ofMillis(delay));
    }

    /** RFC 4028 as the UAS of an INVITE: take the asked interval, name the refresher in our 2xx, arm the timer. */
    private void sessionTimerFromOffer(Call c, Request invite, Response ok) {
        Header se = invite.getHeader("Session-Expires");
        if (se == null) return;
        String[] v = headerValue(se).split(";");
        long secs = parseLong(v[0], 0);
        if (secs <= 0) return;
        String refresher = "uac";
        for (int i = 1; i < v.length; i++) {
            String p = v[i].strip().toLowerCase(Locale.ROOT);
            if (p.equals("refresher=uas")) refresher = "uas";
        }
        try {
            ok.addHeader(hf.createHeader("Session-Expires", secs + ";refresher=" + refresher));
            ok.addHeader(hf.createRequireHeader("timer"));
        } catch (java.text.ParseException e) {
            return;
        }
        c.sessionSeconds = secs;
        c.weRefresh = refresher.equals("uas");
        armSessionTimer(c);
    }

    /** RFC 4028 as the UAC of an INVITE: the 2xx says the interval and who refreshes; none, no session timer. */
    private void sessionTimerFromAnswer(Call c, Response ok) {
        Header se = ok.getHeader("Session-Expires");
        if (se == null) {
            c.sessionSeconds = 0;
            cancel(c.sessionTimer);
            return;
        }
        String[] v = headerValue(se).split(";");
        long secs = parseLong(v[0], 0);
        if (secs <= 0) return;
        boolean uas = false;
        for (int i = 1; i < v.length; i++) if (v[i].strip().equalsIgnoreCase("refresher=uas")) uas = true;
        c.sessionSeconds = secs;
        c.weRefresh = !uas;
        armSessionTimer(c);
    }

    /** The refresher re-INVITEs half way; the other side hangs up when no refresh came in time (RFC 4028 10). */
    private void armSessionTimer(Call c) {
        cancel(c.sessionTimer);
        if (c.sessionSeconds <= 0 || c.state() == CallState.ENDED) return;
        if (c.weRefresh) {
            c.sessionTimer = scheduler.schedule(() -> {
                if (c.state() == CallState.CONNECTED && !c.reinviteOutstanding) sendReinvite(c);
            }, Duration.ofSeconds(Math.max(1, c.sessionSeconds / 2)));
        } else {
            long expiry = c.sessionSeconds - Math.min(32, c.sessionSeconds / 3);
            c.sessionTimer = scheduler.schedule(() -> {
                if (c.state() != CallState.CONNECTED) return;
                end(c, "session-expired", 0);
                sendBye(c);
            }, Duration.ofSeconds(expiry));
        }
    }

    private void acked(Call c, long cseq) {
        if (c.unackedOk != null && ((CSeqHeader) c.unackedOk.getHeader(CSeqHeader.NAME)).getSeqNumber() == cseq) {
            c.unackedOk = null;
            cancel(c.okTimer);
            c.okTimer = null;
        }
    }

    private void incomingReinvite(Call c, Request r, ServerRef tx) {
        long cseq = ((CSeqHeader) r.getHeader(CSeqHeader.NAME)).getSeqNumber();
        if (cseq <= c.remoteCSeq) {
            refuse(tx, r, Response.SERVER_INTERNAL_ERROR, c); // out of order (RFC 3261 12.2.2)
            return;
        }
        c.remoteCSeq = cseq;
        if (c.reinviteOutstanding) {
            respond(tx, r, 491, c, false); // Request Pending: glare
            return;
        }
        learnTarget(c, r, false);
        byte[] body = r.getRawContent();
        if (body != null && body.length > 0) {
            Sdp offer = sdpOf(body);
            if (offer == null) {
                refuse(tx, r, 488, c);
                return;
            }
            c.remoteSdp = offer;
            c.negotiated = c.wanted.and(offer.direction().mirrored());
        }
        respondOk(c, tx, r);
        applyMedia(c);
        notifyState(c);
    }

    private void incomingRefer(Call c, Request r, ServerRef tx) {
        if (c == null || c.state() != CallState.CONNECTED) {
            refuse(tx, r, 481, null);
            return;
        }
        ReferToHeader referTo = (ReferToHeader) r.getHeader(ReferToHeader.NAME);
        if (referTo == null) {
            refuse(tx, r, Response.BAD_REQUEST, c);
            return;
        }
        respond(tx, r, Response.ACCEPTED, c, false);
        String uri = referTo.getAddress().getURI().toString();
        Header replaces = null;
        int q = uri.indexOf('?');
        try {
            if (q >= 0) {
                for (String h : uri.substring(q + 1).split("&")) {
                    int eq = h.indexOf('=');
                    if (eq > 0 && h.substring(0, eq).equalsIgnoreCase("Replaces")) {
                        String v = URLDecoder.decode(h.substring(eq + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
                        replaces = hf.createHeader("Replaces", v);
                    }
                }
                uri = uri.substring(0, q);
            }
            Address target = af.createAddress(uri);
            Call next = new Call(newId() + "@" + config.user(), true, newTag(), localAor(), target, CallState.CALLING, sessionId());
            next.referredBy = c;
            sendReferNotify(c, "SIP/2.0 100 Trying", false);
            Header referredBy = r.getHeader("Referred-By");
            placeCall(next, replaces, referredBy == null ? null : headerValue(referredBy));
        } catch (java.text.ParseException e) {
            sendReferNotify(c, "SIP/2.0 400 Bad Request", true);
        }
    }

    /** The progress of a call placed because of a REFER goes back to the referrer as NOTIFY (RFC 3515 2.4.4). */
    private void reportReferOutcome(Call placed, int code, String reason) {
        if (placed.referredBy == null) return;
        Call referrer = placed.referredBy;
        placed.referredBy = null;
        sendReferNotify(referrer, "SIP/2.0 " + code + " " + reason, true);
    }

    private void afterConnected(Call c) {
        if (c.referredBy != null) reportReferOutcome(c, 200, "OK");
        for (Call party : c.joinWhenConnected) {
            Address referTo = replacingReferTo(party);
            if (referTo != null) sendRefer(c, referTo);
        }
        c.joinWhenConnected = List.of();
    }

    private void sendReferNotify(Call c, String sipfrag, boolean last) {
        if (c.state() == CallState.ENDED) return;
        try {
            Request notify = inDialog(c, Request.NOTIFY);
            notify.addHeader(hf.createEventHeader("refer"));
            notify.addHeader(hf.createSubscriptionStateHeader(last ? "terminated;reason=noresource" : "active;expires=60"));
            notify.setContent(sipfrag + "\r\n", hf.createContentTypeHeader("message", "sipfrag;version=2.0"));
            send(notify, resp -> {}, why -> {});
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "cannot build NOTIFY: " + e);
        }
    }

    private void incomingNotify(Call c, Request r, ServerRef tx) {
        if (c == null) {
            refuse(tx, r, 481, null);
            return;
        }
        respond(tx, r, 200, c, false);
        byte[] body = r.getRawContent();
        if (body == null) return;
        String frag = new String(body, StandardCharsets.UTF_8).strip();
        int eol = frag.indexOf('\n');
        String status = (eol < 0 ? frag : frag.substring(0, eol)).strip();
        c.transferStatus = status;
        String[] f = status.split(" ");
        if (f.length >= 2 && f[1].startsWith("2") && c.state() == CallState.CONNECTED && c.referHangsUp) {
            hangUpNow(c); // the transfer worked: our part is done (RFC 5589)
        }
        notifyState(c);
    }

    // ============================================================================================ dialog package

    /**
     * A SUBSCRIBE to our dialog event package (RFC 4235; notifier side of RFC 6665). Only the controller we are
     * registered with now may see our dialogs (they carry call cookies): anyone else gets 403. A new subscription
     * or a refresh gets 200 and a full-state NOTIFY; Expires: 0 ends it (a fetch, when it is the first SUBSCRIBE)
     * with a last NOTIFY saying terminated.
     */
    private void incomingSubscribe(Request r, ServerRef tx) {
        Header event = r.getHeader("Event");
        String pkg = event == null ? "" : headerValue(event).split(";")[0].strip();
        if (!pkg.equalsIgnoreCase("dialog")) {
            subscriptionsRefused++;
            Response no = response(r, 489, null, false); // Bad Event (RFC 6665 8.3.1)
            if (no == null) return;
            refused(r, 489);
            try {
                no.addHeader(hf.createHeader("Allow-Events", "dialog"));
            } catch (java.text.ParseException ignored) {
                // a constant that parses
            }
            reply(tx, no);
            return;
        }
        ContactHeader contact = (ContactHeader) r.getHeader(ContactHeader.NAME);
        InetSocketAddress ctl = controller();
        if (contact == null || ctl == null || !(contact.getAddress().getURI() instanceof SipURI from) || !sameAddress(from, ctl)) {
            subscriptionsRefused++;
            refuse(tx, r, Response.FORBIDDEN, null);
            return;
        }
        String callId = ((CallIdHeader) r.getHeader(CallIdHeader.NAME)).getCallId();
        String fromTag = ((FromHeader) r.getHeader(FromHeader.NAME)).getTag();
        String toTag = ((ToHeader) r.getHeader(ToHeader.NAME)).getTag();
        long cseq = ((CSeqHeader) r.getHeader(CSeqHeader.NAME)).getSeqNumber();
        ExpiresHeader eh = r.getExpires();
        int expires = Math.min(eh == null ? MAX_SUBSCRIPTION_SECONDS : eh.getExpires(), MAX_SUBSCRIPTION_SECONDS);
        DialogSubscription s = subscriptions.get(DialogSubscription.key(callId, fromTag));
        if (toTag != null) {
            if (s == null || !s.localTag.equals(toTag)) {
                refuse(tx, r, 481, null);
                return;
            }
            if (cseq <= s.remoteCSeq) {
                refuse(tx, r, Response.SERVER_INTERNAL_ERROR, null);
                return;
            }
            s.remoteCSeq = cseq;
            s.remoteTarget = (URI) contact.getAddress().getURI().clone();
        } else {
            if (s != null) return; // a retransmission that the stack did not absorb
            s = new DialogSubscription(callId, newTag(), fromTag,
                    (Address) ((ToHeader) r.getHeader(ToHeader.NAME)).getAddress().clone(),
                    (Address) ((FromHeader) r.getHeader(FromHeader.NAME)).getAddress().clone(),
                    (URI) contact.getAddress().getURI().clone(), cseq);
            subscriptions.put(s.key(), s);
        }
        Response ok = response(r, Response.OK, null, false);
        if (ok == null) return;
        try {
            ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag(s.localTag);
            ok.addHeader(contactHeader());
            ok.addHeader(hf.createExpiresHeader(expires));
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "cannot build the 200 for SUBSCRIBE: " + e);
            return;
        }
        reply(tx, ok);
        dialogsFetched = true; // only the current controller gets this far
        cancel(s.expiry);
        if (expires == 0) {
            endSubscription(s, "timeout");
            return;
        }
        DialogSubscription sub = s;
        s.expiresAtNanos = scheduler.nanoTime() + expires * 1_000_000_000L;
        s.expiry = scheduler.schedule(() -> endSubscription(sub, "timeout"), Duration.ofSeconds(expires));
        sendDialogNotify(s, "active;expires=" + expires);
    }

    /** The dialogs changed: every subscriber hears the new full state. */
    private void dialogsChanged() {
        String state = dialogState();
        if (state.equals(lastDialogState)) return;
        for (DialogSubscription s : new ArrayList<>(subscriptions.values())) sendDialogNotify(s, null);
    }

    private void endSubscription(DialogSubscription s, String reason) {
        cancel(s.expiry);
        subscriptions.remove(s.key());
        if (!s.terminated) sendDialogNotify(s, "terminated;reason=" + reason);
        s.terminated = true;
    }

    private List<DialogInfo.Entry> dialogEntries() {
        String target;
        try {
            target = contactHeader().getAddress().getURI().toString();
        } catch (java.text.ParseException e) {
            target = null;
        }
        List<DialogInfo.Entry> out = new ArrayList<>();
        for (Call c : calls.values()) {
            // a 2xx not acknowledged yet for an INVITE of a controller we failed over from: early for the one we use now
            if (c.unackedOk != null && answerThrough(c.unackedOk) != null) c.answeredElsewhere = true;
            DialogInfo.Entry e = DialogInfo.entry(c, target);
            // our INVITE to a controller we failed over from, answered by nothing with a tag (its 180 was lost, or
            // not sent yet): trying; the one we use now may take it over. To the controller it went to, it is its own.
            // One abandoned meanwhile too (its CANCEL went there): taken over, it is ended at once (inviteResponse)
            if (e == null && c.outgoing && c.remoteTag == null && c.state() == CallState.CALLING
                    && sentToFormerController(c.invite)) e = DialogInfo.trying(c, target);
            if (e != null) out.add(e);
        }
        for (Call c : abandonedTrying.values()) {
            DialogInfo.Entry e = sentToFormerController(c.invite) ? DialogInfo.trying(c, target) : null;
            if (e != null) out.add(e);
        }
        // hung up here, but no controller has had the BYE: the dialog lasts until one has (its BYE follows)
        for (Call c : pendingByes.values()) {
            DialogInfo.Entry e = DialogInfo.entry(c, target, "confirmed");
            if (e != null) out.add(e);
        }
        return out;
    }

    private String dialogState() {
        StringBuilder b = new StringBuilder();
        for (DialogInfo.Entry e : dialogEntries()) b.append(e.callId()).append(' ').append(e.state()).append(' ').append(e.remoteTarget()).append('\n');
        return b.toString();
    }

    /** A full-state NOTIFY; {@code subscriptionState} null: active with the time left. */
    private void sendDialogNotify(DialogSubscription s, String subscriptionState) {
        try {
            List<DialogInfo.Entry> entries = dialogEntries();
            lastDialogState = dialogState();
            Request notify = newRequest(Request.NOTIFY, (URI) s.remoteTarget.clone(), s.callId, ++s.localCSeq,
                    s.localAddress, s.localTag, s.remoteAddress, s.remoteTag, List.of());
            notify.addHeader(hf.createEventHeader("dialog"));
            notify.addHeader(hf.createSubscriptionStateHeader(subscriptionState != null ? subscriptionState
                    : "active;expires=" + Math.max(1, (s.expiresAtNanos - scheduler.nanoTime()) / 1_000_000_000L)));
            notify.setContent(DialogInfo.document(localAor().getURI().toString(), s.version++, entries),
                    hf.createContentTypeHeader(DialogInfo.CONTENT_TYPE, DialogInfo.CONTENT_SUBTYPE));
            dialogNotifies++;
            send(notify, resp -> {
                int code = resp.getStatusCode();
                if (code < 200) return;
                // the current controller has our dialogs now; any other answer: they go unreported, BYEs all the same
                if (fromCurrentController(s) && !dialogsReported) dialogsReportedNow();
                // the subscriber is gone (RFC 6665 4.2.2): no more NOTIFYs for it
                if (code == 481 || code == 408) endQuietly(s);
            }, why -> {
                if (fromCurrentController(s) && !dialogsReported) dialogsReportedNow();
                endQuietly(s);
            });
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, config.user() + ": cannot build a dialog NOTIFY: " + e);
        }
    }

    private boolean fromCurrentController(DialogSubscription s) {
        return s.remoteTarget instanceof SipURI t && controller() != null && sameAddress(t, controller());
    }

    private void endQuietly(DialogSubscription s) {
        s.terminated = true;
        cancel(s.expiry);
        subscriptions.remove(s.key());
    }

    // ============================================================================================ media

    private void openProbe(Call c) throws IOException {
        if (c.probe != null) return;
        c.probe = TalkPathProbe.open(media, config.mediaAddress(), config.probe(), Sdp.PCMU, new SplittableRandom(random.nextLong()));
        c.probe.setSending(false);
    }

    private String localSdp(Call c, MediaDirection d) {
        InetSocketAddress rtp = c.probe.localAddress();
        return new Sdp(rtp.getAddress().getHostAddress(), rtp.getPort(), List.of(Sdp.PCMU), d)
                .text(config.user(), c.sdpSession, c.sdpVersion++);
    }

    /** Points the probe at the peer's RTP address and lets media flow the ways both sides agreed. */
    private void applyMedia(Call c) {
        if (c.probe == null) return;
        Sdp r = c.remoteSdp;
        InetSocketAddress to = r == null ? null : r.rtpAddress();
        boolean up = c.state() == CallState.CONNECTED && to != null;
        MediaDirection remote = r == null ? MediaDirection.INACTIVE : r.direction();
        c.probe.setRemote(to);
        c.probe.setSending(up && c.negotiated.sends() && remote.receives());
        c.probe.setHearing(up && c.negotiated.receives() && remote.sends());
    }

    private Sdp sdpOf(byte[] body) {
        if (body == null || body.length == 0) return null;
        try {
            return Sdp.parse(new String(body, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.INFO, () -> config.user() + ": unusable SDP: " + e.getMessage());
            return null;
        }
    }

    // ============================================================================================ helpers

    private void end(Call c, String reason, int status) {
        if (c.state() == CallState.ENDED) return;
        c.ended(reason, status);
        cancel(c.okTimer);
        cancel(c.sessionTimer);
        c.unackedOk = null;
        if (c.probe != null) c.probe.close();
        calls.remove(c.callId);
        notifyState(c);
        if (c.referredBy != null) reportReferOutcome(c, status == 0 ? 500 : status, reason);
    }

    private void notifyState(Call c) {
        CallState s = c.state();
        for (PhoneListener l : listeners) l.callStateChanged(this, c, s);
        if (!subscriptions.isEmpty()) dialogsChanged();
    }

    /** Remembers the far end's Contact (remote target) and, for a new dialog, the route set (Record-Route). */
    private void learnTarget(Call c, javax.sip.message.Message m, boolean uac) {
        ContactHeader contact = (ContactHeader) m.getHeader(ContactHeader.NAME);
        if (contact != null) {
            URI u = (URI) contact.getAddress().getURI().clone();
            if (u instanceof SipURI s && config.transport().equals("tcp") && s.getTransportParam() == null) {
                try {
                    s.setTransportParam("tcp"); // a phone configured for TCP keeps to it
                } catch (java.text.ParseException ignored) {
                    // "tcp" parses
                }
            }
            c.remoteTarget = u;
        } else if (c.remoteTarget == null) {
            c.remoteTarget = requestUriFor(c.remoteAddress.getURI());
        }
        if (c.state() == CallState.CONNECTED) return; // the route set is fixed when the dialog starts
        List<Address> routes = new ArrayList<>();
        for (Headers it = new Headers(m.getHeaders(RecordRouteHeader.NAME)); it.hasNext(); ) {
            routes.add((Address) ((RecordRouteHeader) it.next()).getAddress().clone());
        }
        if (uac) Collections.reverse(routes);
        c.routeSet = routes;
    }

    private Request inDialog(Call c, String method) throws Exception {
        URI target = c.remoteTarget != null ? c.remoteTarget : requestUriFor(c.remoteAddress.getURI());
        return newRequest(method, (URI) target.clone(), c.callId, ++c.localCSeq, c.localAddress, c.localTag,
                c.remoteAddress, c.remoteTag, routes(c));
    }

    /**
     * The Route set of an in-dialog request. A dialog whose remote target is one of our controllers but not the one
     * we use now (we failed over since it was set up) goes through the current one as outbound proxy: a pre-loaded
     * Route to it, the Request-URI staying the remote target with its cookie (RFC 3261 8.1.2, 12.2.1.1). The
     * controller that adopted the dialog then gets it; its next target refresh puts its own Contact in.
     */
    private List<Address> routes(Call c) {
        InetSocketAddress now = controller();
        if (!c.routeSet.isEmpty() || now == null || !(c.remoteTarget instanceof SipURI t)) return c.routeSet;
        if (!viaController(c) || sameAddress(t, now)) return c.routeSet;
        try {
            SipURI proxy = controllerUri(null);
            proxy.setLrParam();
            return List.of(af.createAddress(proxy));
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean sameAddress(SipURI u, InetSocketAddress a) {
        return sameAddress(u.getHost(), u.getPort() > 0 ? u.getPort() : 5060, a);
    }

    private static boolean sameAddress(String host, int port, InetSocketAddress a) {
        return port == a.getPort() && (host.equalsIgnoreCase(a.getHostString())
                || a.getAddress() != null && host.equals(a.getAddress().getHostAddress()));
    }

    private Request newRequest(String method, URI requestUri, String callId, long cseq, Address from, String fromTag,
                               Address to, String toTag, List<Address> routes) throws Exception {
        InetSocketAddress local = sip.localAddress(config.transport());
        ViaHeader via = hf.createViaHeader(local.getAddress().getHostAddress(), local.getPort(), config.transport(), branch());
        Request r = mf.createRequest(requestUri, method, hf.createCallIdHeader(callId), hf.createCSeqHeader(cseq, method),
                hf.createFromHeader((Address) from.clone(), fromTag), hf.createToHeader((Address) to.clone(), toTag),
                new ArrayList<>(List.of(via)), hf.createMaxForwardsHeader(70));
        for (Address a : routes) r.addLast(hf.createRouteHeader((Address) a.clone()));
        r.addHeader(contactHeader());
        r.addHeader(hf.createUserAgentHeader(List.of("holdfast-endpoint-sim")));
        return r;
    }

    private ContactHeader contactHeader() throws java.text.ParseException {
        InetSocketAddress local = sip.localAddress(config.transport());
        SipURI u = af.createSipURI(config.user(), local.getAddress().getHostAddress() + ":" + local.getPort());
        if (config.transport().equals("tcp")) u.setTransportParam("tcp");
        return hf.createContactHeader(af.createAddress(u));
    }

    private ContentTypeHeader sdpType() throws java.text.ParseException {
        return hf.createContentTypeHeader("application", "sdp");
    }

    /** Responds to {@code r}; with a call, the To tag and Contact are the call's; {@code withSdp} adds our SDP. */
    private boolean respond(ServerRef tx, Request r, int status, Call c, boolean withSdp) {
        if (tx == null) return false;
        Response resp = response(r, status, c, withSdp);
        return resp != null && reply(tx, resp);
    }

    /** A request we cannot take (no such dialog, unusable SDP, unknown method): an error response, a log line, a count. */
    private void refuse(ServerRef tx, Request r, int status, Call c) {
        refused(r, status);
        respond(tx, r, status, c, false);
    }

    private void refused(Request r, int status) {
        refusedRequests++;
        LOG.log(System.Logger.Level.INFO, () -> config.user() + ": " + r.getMethod() + " refused with " + status);
    }

    private boolean reply(ServerRef tx, Response r) {
        messages++;
        return tx.respond(r);
    }

    private void sendAck(Request ack) {
        messages++;
        sip.sendAck(ack);
    }

    private Response response(Request r, int status, Call c, boolean withSdp) {
        try {
            Response resp = mf.createResponse(status, r);
            ToHeader to = (ToHeader) resp.getHeader(ToHeader.NAME);
            if (to.getTag() == null && status != 100) to.setTag(c != null ? c.localTag : newTag());
            if (c != null && status < 300 && status > 100) resp.addHeader(contactHeader());
            if (withSdp && c != null && c.probe != null) resp.setContent(localSdp(c, c.negotiated), sdpType());
            return resp;
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "cannot build a " + status + " response: " + e);
            return null;
        }
    }

    private static boolean staleNonce(Response challenge) {
        Header h = challenge.getHeader(challenge.getStatusCode() == 407 ? ProxyAuthenticateHeader.NAME : WWWAuthenticateHeader.NAME);
        return h instanceof WWWAuthenticateHeader w && w.isStale();
    }

    /** The request again with digest credentials for {@code challenge} (401 or 407), or null when we have none. */
    private Request withCredentials(Request sent, Response challenge) {
        boolean proxy = challenge.getStatusCode() == 407;
        WWWAuthenticateHeader ch = (WWWAuthenticateHeader) challenge.getHeader(
                proxy ? ProxyAuthenticateHeader.NAME : WWWAuthenticateHeader.NAME);
        if (ch == null || config.password() == null || ch.getNonce() == null) return null;
        if (ch.getAlgorithm() != null && !ch.getAlgorithm().equalsIgnoreCase("MD5")) return null;
        try {
            Request r = (Request) sent.clone();
            ((ViaHeader) r.getHeader(ViaHeader.NAME)).setBranch(branch());
            CSeqHeader cs = (CSeqHeader) r.getHeader(CSeqHeader.NAME);
            cs.setSeqNumber(cs.getSeqNumber() + 1);
            String qop = null;
            if (ch.getQop() != null) {
                for (String q : ch.getQop().split(",")) if (q.strip().equalsIgnoreCase("auth")) qop = "auth";
                if (qop == null) return null; // auth-int only: not for a phone simulator
            }
            if (!proxy && Request.REGISTER.equals(r.getMethod())) {
                regNonce = new RegisterNonce(ch.getRealm(), ch.getNonce(), qop, ch.getOpaque());
                regNonceCount = 0;
            }
            long nc = !proxy && Request.REGISTER.equals(r.getMethod()) ? ++regNonceCount : 1;
            addCredentials(r, proxy, ch.getRealm(), ch.getNonce(), qop, ch.getOpaque(), nc);
            return r;
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, config.user() + ": cannot answer the challenge: " + e);
            return null;
        }
    }

    /**
     * Puts digest credentials for {@code nonce} (nonce count {@code nc}) on {@code r}, in place of any it had: the
     * request-digest of RFC 2617 3.2.2 with a fresh client nonce.
     */
    private void addCredentials(Request r, boolean proxy, String realm, String nonce, String qop, String opaque, long nc)
            throws java.text.ParseException, javax.sip.InvalidArgumentException {
        String cnonce = HexFormat.of().toHexDigits(random.nextLong());
        String uri = r.getRequestURI().toString();
        String digest = DigestCredentials.response(config.user(), realm, config.password(), r.getMethod(),
                uri, nonce, qop, String.format("%08x", nc), cnonce);
        AuthorizationHeader a = proxy ? hf.createProxyAuthorizationHeader("Digest") : hf.createAuthorizationHeader("Digest");
        a.setUsername(config.user());
        a.setRealm(realm);
        a.setNonce(nonce);
        a.setURI(r.getRequestURI());
        a.setResponse(digest);
        a.setAlgorithm("MD5");
        if (opaque != null) a.setOpaque(opaque);
        if (qop != null) {
            a.setQop(qop);
            a.setCNonce(cnonce);
            a.setNonceCount((int) nc);
        }
        r.removeHeader(proxy ? ProxyAuthorizationHeader.NAME : AuthorizationHeader.NAME);
        r.addHeader(a);
    }

    /** The registrar's {@code nextnonce} (Authentication-Info of its 2xx, RFC 2617 3.2.3): our next REGISTER uses it. */
    private void takeNextNonce(Response resp) {
        Header h = resp.getHeader(AuthenticationInfoHeader.NAME);
        RegisterNonce n = regNonce;
        if (n == null || !(h instanceof AuthenticationInfoHeader info) || info.getNextNonce() == null) return;
        regNonce = new RegisterNonce(n.realm(), info.getNextNonce(), n.qop(), n.opaque());
        regNonceCount = 0;
    }

    /** A number or user goes to sip:NUMBER@domain; a sip: URI is taken as it is. */
    private Address targetAddress(String target) throws java.text.ParseException {
        if (target.regionMatches(true, 0, "sip:", 0, 4)) return af.createAddress(target);
        return af.createAddress(af.createSipURI(target, config.domain()));
    }

    /** Where a request for {@code aor} is sent: to the current controller when it is in our domain, else straight. */
    private URI requestUriFor(URI aor) {
        if (aor instanceof SipURI s && controller() != null && s.getHost().equalsIgnoreCase(config.domain())) {
            try {
                return controllerUri(s.getUser());
            } catch (java.text.ParseException e) {
                throw new IllegalStateException(e);
            }
        }
        return (URI) aor.clone();
    }

    private SipURI controllerUri(String user) throws java.text.ParseException {
        InetSocketAddress ctl = controller();
        SipURI u = af.createSipURI(user, ctl.getHostString() + ":" + ctl.getPort());
        if (config.transport().equals("tcp")) u.setTransportParam("tcp");
        return u;
    }

    private Address localAor() throws java.text.ParseException {
        return af.createAddress(af.createSipURI(config.user(), config.domain()));
    }

    private SipStackPort.ClientRef send(Request r, Consumer<Response> onResponse, Consumer<String> onFailure) {
        messages++;
        return sip.send(r, handler(onResponse, onFailure));
    }

    /** Moves a client transaction's outcome onto the phone's thread. */
    private SipStackPort.ResponseHandler handler(Consumer<Response> onResponse, Consumer<String> onFailure) {
        return new SipStackPort.ResponseHandler() {
            @Override public void response(Response response) {
                lastHeardNanos = scheduler.nanoTime(); // as it arrives, not when the phone's thread gets to it
                scheduler.execute(() -> {
                    messages++;
                    onResponse.accept(response);
                });
            }

            @Override public void timeout() { scheduler.execute(() -> onFailure.accept("timeout")); }

            @Override public void failed(String why) { scheduler.execute(() -> onFailure.accept("failed: " + why)); }
        };
    }

    private synchronized String newId() { return HexFormat.of().toHexDigits(random.nextLong()); }

    private synchronized String newTag() { return HexFormat.of().toHexDigits(random.nextInt()); }

    private synchronized long sessionId() { return random.nextLong(1, Long.MAX_VALUE / 2); }

    private synchronized String branch() { return "z9hG4bK" + HexFormat.of().toHexDigits(random.nextLong()); }

    private static void cancel(SimScheduler.Cancellable c) {
        if (c != null) c.cancel();
    }

    private static String headerValue(Header h) {
        String s = h.toString();
        int colon = s.indexOf(':');
        return (colon >= 0 ? s.substring(colon + 1) : s).strip();
    }

    private static String reasonPhrase(Response r) {
        return r.getReasonPhrase() == null ? "" : r.getReasonPhrase();
    }

    private static long parseLong(String s, long dflt) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    /** JAIN-SIP hands header lists out as raw ListIterators. */
    private static final class Headers {
        private final ListIterator<?> it;

        Headers(ListIterator<?> it) { this.it = it; }

        boolean hasNext() { return it != null && it.hasNext(); }

        Object next() { return it.next(); }
    }

    @Override public String toString() { return "phone " + config.user(); }
}
