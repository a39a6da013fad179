package dev.holdfast.controller.call;

import dev.holdfast.controller.cdr.CallRecord;
import dev.holdfast.controller.cdr.CdrRecorder;
import dev.holdfast.controller.core.CoreServices;
import dev.holdfast.controller.core.H248;
import dev.holdfast.controller.core.Outcome;
import dev.holdfast.controller.dialplan.DialPlan;
import dev.holdfast.controller.dialplan.Route;
import dev.holdfast.controller.gateway.Gateway;
import dev.holdfast.controller.gateway.GatewayAssociation;
import dev.holdfast.controller.gateway.GatewayListener;
import dev.holdfast.controller.gateway.GatewayState;
import dev.holdfast.controller.gateway.Line;
import dev.holdfast.controller.gateway.LineState;
import dev.holdfast.controller.provisioning.DialPlanConfig;
import dev.holdfast.controller.provisioning.Provisioning;
import dev.holdfast.controller.provisioning.TimerConfig;
import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.CommandRequest;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.LocalControlDescriptor.Mode;
import dev.holdfast.h248.message.ObservedEventsDescriptor.ObservedEvent;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.SignalParm;
import dev.holdfast.h248.message.SignalsDescriptor;
import dev.holdfast.h248.message.TerminationId;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Basic call processing for analog lines: off-hook, dial tone and digit collection, routing, ringing and ring-back,
 * answer, release; busy, no answer, invalid number, abandon. A call on one gateway puts both lines in one
 * context; a call between gateways adds an ephemeral RTP termination on each and exchanges their SDP.
 */
public final class CallProcessor implements GatewayListener, dev.holdfast.controller.sip.LineRouter,
        dev.holdfast.controller.sip.MigratedDialogs {
    private static final System.Logger LOG = System.getLogger(CallProcessor.class.getName());
    static final String DIAL_TONE = "cg/dt";
    static final String RING_BACK = "cg/rt";
    static final String BUSY = "cg/bt";
    static final String REORDER = "cg/ct";
    static final String RINGING = "al/ri";
    static final String OFF_HOOK = "al/of";
    static final String ON_HOOK = "al/on";
    static final String FLASH = "al/fl";
    static final String DIGITS = "dd/ce";

    final CoreServices svc;
    final GatewayAssociation association;
    final DialPlan dialPlan;
    final TimerConfig timers;
    private final DialPlanConfig.InvalidNumber invalidNumber;
    private final CallRegister calls = CallRegister.create(); // admin API hook: journals calls added and removed
    final Map<Line, Call> callOf = new LinkedHashMap<>();
    private final CallFeatures features;
    /** Joins two lines a SIP phone transfers to each other. */
    private final LineJoin joins;
    private long nextCallId = 1;
    /** The SIP side, for calls from lines to phones; null: no SIP. */
    private dev.holdfast.controller.sip.PhoneRouter phones;
    private long completedCalls;
    /** Lines that reported off-hook while their gateway was registering, in the order reported. */
    private final java.util.Set<Line> offHookWhileRegistering = new java.util.LinkedHashSet<>();
    /** Line events of gateways registering or being reconstructed: served once their calls are known. */
    private final Map<Gateway, List<Map.Entry<Line, ObservedEvent>>> heldEvents = new LinkedHashMap<>();
    /** Gateways whose contexts are being audited for call cookies. */
    private final java.util.Set<Gateway> reconstructing = new java.util.LinkedHashSet<>();
    /** Context audits started per gateway: a retry of an older one stops when the gateway registered again. */
    private final Map<Gateway, Long> auditRounds = new java.util.HashMap<>();
    /** Live calls by their cross-controller key. */
    private final Map<Long, Call> byKey = new java.util.HashMap<>();
    /** Calls this event sent something for, or heard back about: their cookies are checked after the event. */
    private final java.util.Set<Call> touched = new java.util.LinkedHashSet<>();
    /** Writes call cookies; null when no cookie keys are configured. */
    private CookieStamper stamper;
    /** Rebuilds calls from cookies; null when no cookie keys are configured. */
    private CallMerge merge;
    /** The high half of our call keys: distinct per controller and start (docs/migration.md). */
    private long keyPrefix;
    /** Where ended calls are recorded (call detail records); null: none. */
    private CdrRecorder cdrs;

    public CallProcessor(CoreServices svc, GatewayAssociation association, Provisioning provisioning) {
        this.svc = svc;
        this.association = association;
        this.dialPlan = new DialPlan(provisioning);
        this.timers = provisioning.timers();
        this.invalidNumber = provisioning.dialPlan().invalidNumber();
        this.features = new CallFeatures(this);
        this.joins = new LineJoin(this);
        this.mid = provisioning.controller().mid() != null ? provisioning.controller().mid()
                : provisioning.controller().address() + ":" + provisioning.controller().port();
    }

    private final String mid;

    /** Turns call cookies on: written on every call part, read back from gateways that arrive with their state. */
    public void cookies(dev.holdfast.controller.cookie.CookieKeyRing keys) {
        this.stamper = keys == null ? null : new CookieStamper(this, keys);
        this.merge = keys == null ? null : new CallMerge(this, keys);
    }

    /**
     * When the last call was rebuilt from cookies here (core clock: epoch ms on a live controller), 0 for never: a
     * failover drill reads when the last call came back from the alternate's own clock, not from when its poll saw it.
     */
    public long lastCallRebuiltAt() { return merge == null ? 0 : merge.lastRebuiltAt(); }

    /** When a phone's adopted dialog last joined its call with a line here (core clock), 0 for never. */
    private long lastDialogJoinedAt;

    /** See {@link #lastDialogJoinedAt}: a phone-to-line call is whole again after a failover from then on. */
    public long lastDialogJoinedAt() { return lastDialogJoinedAt; }

    /** Cookie and merge counters (cookies written, piggy-backed, extra messages, sizes; rebuilt calls, rejections). */
    public Map<String, Long> migrationCounters() {
        Map<String, Long> out = new TreeMap<>();
        if (stamper != null) {
            out.put("cookie.written", stamper.stamped());
            out.put("cookie.piggybacked", stamper.piggyBacked());
            out.put("cookie.extra_messages", stamper.extraMessages());
            out.put("cookie.size_avg", stamper.averageSize());
            out.put("cookie.size_max", (long) stamper.largest());
        }
        if (merge != null) out.putAll(merge.counters());
        return out;
    }

    /** Called by the core after each event, before its commands leave: cookies of the calls it touched. */
    public void afterEvent() {
        if (stamper != null && !touched.isEmpty()) stamper.afterEvent(touched);
        touched.clear();
    }

    /** The cookie of the phone's dialog in call {@code c} (docs/migration.md, PHONE_DIALOG), or null without cookies. */
    String phoneCookie(Call c) {
        if (stamper == null || c.sip == null) return null;
        CallCookies.Content k = CallCookies.refresh(c, svc.now());
        return stamper.encode(CallCookies.cookie(c, k, phoneDialogPart(c)));
    }

    /** What a phone dialog's cookie sits on: the RTP termination its media goes to. */
    private static dev.holdfast.controller.cookie.CookiePart phoneDialogPart(Call c) {
        Call.IgcEnd e = c.sip.rtp;
        ContextId ctx = e == null ? null : e.leg.context;
        return new dev.holdfast.controller.cookie.CookiePart.PhoneDialog(CallCookies.sipIndex(c),
                e == null ? null : e.leg.gateway.name(), ctx != null && ctx.isSpecific() ? ctx.value() : null,
                e == null ? null : e.rtp);
    }

    /**
     * The cookie the phone's dialog in call {@code c} will carry once {@code number} in {@code callId} is its SIP side
     * (a transfer: {@link SipLine#rebind}), or null without cookies. Nothing of the call changes: the generation is
     * the one the rebind's cookie refresh will give, so the cookie the phone gets now is the one the gateway's parts
     * get then (unless something else of the call changes in between; a later target refresh then brings it up to date).
     */
    String phoneCookieAs(Call c, String number, String callId) {
        if (stamper == null || c.sip == null) return null;
        long now = svc.now();
        CallCookies.Content current = CallCookies.content(c);
        int generation = c.generation;
        long since = c.stateSince;
        if (!current.equals(c.cookieContent)) {
            if (c.cookieContent == null || c.cookieContent.state() != current.state()) since = now;
            generation++;
        }
        String oldNumber = c.sip.number;
        String oldCallId = c.sip.callId;
        c.sip.number = number;
        c.sip.callId = callId;
        CallCookies.Content then;
        try {
            then = CallCookies.content(c);
        } finally {
            c.sip.number = oldNumber;
            c.sip.callId = oldCallId;
        }
        if (!then.equals(current)) generation++;
        return stamper.encode(new dev.holdfast.controller.cookie.CallCookie(c.key, Math.max(1, generation), since,
                then.state(), then.feature(), then.consultState(), then.parties(), phoneDialogPart(c)));
    }

    /**
     * A phone's dialog adopted from another controller, whose media goes to a gateway: it joins the call with its
     * key, rebuilt from the gateway's cookies or, when the gateway has not arrived yet, from the dialog's cookie
     * (the gateway's context expected where the cookie says). From then on the phone is told what happens as if
     * this controller had set the call up.
     */
    @Override public LineCall dialogArrived(dev.holdfast.controller.sip.DialogCookie cookie,
                                            dev.holdfast.controller.sip.AdoptedDialog dialog,
                                            dev.holdfast.controller.sip.LineRouter.SipParty party) {
        if (merge == null) return null;
        Call c = byKey.get(cookie.callKey());
        if (c == null) c = merge.fromDialog(cookie);
        if (c == null || c.sip == null || c.state == CallState.RELEASED) return null;
        Call call = c;
        call.sip.phone = party;
        call.sip.outgoing = null;
        call.sip.gone = false;
        if (call.sip.callId == null) call.sip.callId = dialog.callId();
        lastDialogJoinedAt = svc.now();
        if (call.migrated) call.rebuiltAt = lastDialogJoinedAt;
        LOG.log(System.Logger.Level.DEBUG, () -> call + ": phone dialog " + dialog.callId() + " adopted");
        if (call.state == CallState.CONNECTED && call.sip.role == CallStructure.Role.CALLER && call.sip.rtp != null
                && call.sip.rtp.local != null) {
            // the line answered while the calling phone's ringing dialog was not here yet: its INVITE gets the 200 now
            // (the SIP side takes it only for a dialog still early: docs/migration.md "Ringing calls")
            party.answered(call.sip.rtp.local, phoneCookie(call));
        }
        return new SipLine(call);
    }

    /**
     * A phone's INVITE still trying when the other controller died (its 180 lost): the cookie for its dialog when a
     * call rebuilt here from the gateway's signed cookies names this phone as caller with this Call-ID and has not
     * been joined by the phone's dialog yet. The phone's own report is unsigned: only this call vouches for it.
     */
    @Override public String tryingDialogCookie(String callId, String number) {
        if (merge == null || stamper == null) return null;
        for (Call c : calls.values()) {
            // (its RTP termination known: the phone's dialog part names it, and the answer's SDP comes from it)
            if (c.migrated && c.sip != null && c.sip.role == CallStructure.Role.CALLER && c.sip.phone == null
                    && c.sip.rtp != null && c.state != CallState.RELEASED && callId.equals(c.sip.callId) && number.equals(c.sip.number)) {
                return phoneCookie(c);
            }
        }
        return null;
    }

    @Override public boolean callEnded(dev.holdfast.controller.sip.DialogCookie cookie) {
        if (merge == null) return false;
        Call c = byKey.get(cookie.callKey());
        return c == null ? merge.endedBeforeDialog(cookie) : c.state == CallState.RELEASED;
    }

    /**
     * A phone's early dialog of a line's call to it, taken over while the phone rings (docs/migration.md, "Ringing
     * calls"): it joins the ringing call with its key (rebuilt from the gateway's cookies, or from the dialog's when
     * the gateway has not arrived yet). The phone's answer then connects it as if this controller's INVITE had got it,
     * and the call's release ends the ringing through {@code phone}.
     */
    @Override public dev.holdfast.controller.sip.PhoneRouter.LineParty ringingDialogArrived(
            dev.holdfast.controller.sip.DialogCookie cookie, dev.holdfast.controller.sip.AdoptedDialog dialog,
            dev.holdfast.controller.sip.PhoneRouter.PhoneCall phone) {
        if (merge == null) return null;
        Call c = byKey.get(cookie.callKey());
        if (c == null) c = merge.fromDialog(cookie);
        // SETUP: rebuilt from this dialog's cookie, ringing again once its gateway's parts confirm it (ringingRestored)
        if (c == null || c.sip == null || c.sip.role != CallStructure.Role.CALLEE
                || c.state != CallState.RINGING && !(c.state == CallState.SETUP && c.migrated)) return null;
        Call call = c;
        call.sip.outgoing = phone;
        call.sip.phone = null;
        call.sip.gone = false;
        if (call.sip.callId == null) call.sip.callId = dialog.callId();
        LOG.log(System.Logger.Level.DEBUG, () -> call + ": ringing phone dialog " + dialog.callId() + " adopted");
        PhoneSide side = new PhoneSide(call);
        // the phone rings (its dialog is early): the line hears ring-back, also when the phone's 180 never reached the
        // dead controller (the line then heard nothing); a line that hears it already gets the same signal again
        if (call.state == CallState.RINGING && call.sip.rtp != null && !call.sip.rtp.leg.expected) side.ringing();
        return side;
    }

        /** Sends a request for call {@code c}: the call's cookies are looked at after this event and after the reply's. */
    void send(Call c, Gateway gw, List<ActionRequest> actions, java.util.function.Consumer<Outcome> then) {
        touched.add(c);
        association.send(gw, actions, o -> {
            touched.add(c);
            then.accept(o);
        });
    }

    Call newCall(Line caller, Line callee) {
        long id = nextCallId++;
        Call c = new Call(id, keyPrefix() | (id & 0xFFFFFFFFL), caller, callee);
        c.cdr.setupAt = svc.now();
        byKey.put(c.key, c);
        return c;
    }

    private long keyPrefix() {
        if (keyPrefix == 0) {
            // our mId and the time of our first call: two controllers, or two starts of one, do not share keys
            long h = mid.hashCode() * 0x9E3779B97F4A7C15L ^ svc.now() * 0xC2B2AE3D27D4EB4FL;
            keyPrefix = (h ^ (h >>> 29)) & 0xFFFFFFFF00000000L;
            if (keyPrefix == 0) keyPrefix = 1L << 32;
        }
        return keyPrefix;
    }

    /** A call rebuilt from cookies: a new id here, the key it had. */
    Call newMigratedCall(long key, Line caller, Line callee) {
        return new Call(nextCallId++, key, caller, callee);
    }

    /** Makes a rebuilt call live: by id, by key, and as the call of each of its lines. */
    void register(Call c) {
        // a rebuilt call's times are those its cookies tell: when the state they describe began
        if (c.cdr.setupAt == 0) c.cdr.setupAt = c.stateSince > 0 ? c.stateSince : svc.now();
        if (c.cdr.answeredAt == 0 && c.state == CallState.CONNECTED) c.cdr.answeredAt = c.cdr.setupAt;
        calls.put(c.id, c);
        byKey.put(c.key, c);
        for (Line l : c.parties.keySet()) callOf.put(l, c);
    }

    Call callByKey(long key) { return byKey.get(key); }

    /** Records each call (and refused attempt) when it ends: call detail records. */
    public void cdrs(CdrRecorder r) { this.cdrs = r; }

    /** A refused attempt from a line: recorded when CDRs are on. */
    private void refused(Line caller, CdrRecorder.Party callee, String release, String cause) {
        if (cdrs != null) CallRecords.refused(cdrs, caller, callee, release, cause);
    }

    /** Lets lines call SIP phones through {@code phones}. */
    public void phones(dev.holdfast.controller.sip.PhoneRouter phones) { this.phones = phones; }

    public Collection<Call> calls() { return Collections.unmodifiableCollection(calls.values()); }

    /** Calls the register indexes by gateway, counted once per gateway (an ended call must not stay: tests). */
    public int callsIndexedByGateway() { return calls.indexedCalls(); }

    public Call call(long id) { return calls.get(id); }

    /** The call a line is in, or null. */
    public Call callOf(Line line) { return callOf.get(line); }

    /** Calls that reached CONNECTED and have been released since start. */
    public long completedCalls() { return completedCalls; }

    // ------------------------------------------------------------------------------------------ line events

    /** An event a gateway observed on a line (its Notify has been answered already). */
    public void lineEvent(Line line, ObservedEvent event) {
        String name = H248.name(event);
        if (name.equals(OFF_HOOK)) line.offHook(true);
        else if (name.equals(ON_HOOK)) line.offHook(false);
        Gateway gw = line.gateway();
        if (reconstructing.contains(gw) || merge != null && gw.state() == GatewayState.REGISTERING) {
            // queued by the gateway while it had no controller (H.248.1 11.5): served once its calls are rebuilt
            heldEvents.computeIfAbsent(gw, g -> new ArrayList<>()).add(Map.entry(line, event));
            if (name.equals(OFF_HOOK)) offHookWhileRegistering.add(line);
            else if (name.equals(ON_HOOK)) offHookWhileRegistering.remove(line);
            return;
        }
        if (merge != null && merge.untrusted(line)) {
            if (name.equals(ON_HOOK)) merge.untrustedOnHook(line);
            return;
        }
        Call call = callOf.get(line);
        if (call != null) { callEvent(call, line, name, event); return; }
        switch (line.state()) {
            case IDLE, UNARMED -> {
                if (name.equals(OFF_HOOK) && line.gateway().state() == GatewayState.IN_SERVICE) {
                    if (line.trunk()) seized(line); else startDialing(line);
                } else if (name.equals(OFF_HOOK) && line.gateway().state() == GatewayState.DRAINING) {
                    tone(line, REORDER);
                } else if (line.gateway().state() == GatewayState.REGISTERING) {
                    // the gateway queued it while it had no controller (H.248.1 11.5) and sends it as soon as the
                    // ServiceChange is answered, before our audit ends: remembered, served once in service
                    if (name.equals(OFF_HOOK)) offHookWhileRegistering.add(line);
                    else if (name.equals(ON_HOOK)) offHookWhileRegistering.remove(line);
                }
            }
            case DIALING -> {
                if (name.equals(DIGITS)) digits(line, H248.parameter(event, "ds"));
                else if (name.equals(ON_HOOK)) armIdle(line);
            }
            case LOCKOUT -> {
                if (name.equals(ON_HOOK)) {
                    armIdle(line);
                    association.checkDrained(line.gateway()); // its gateway may be waiting for idleness
                }
            }
            default -> { }
        }
    }

    private void startDialing(Line line) {
        line.state(LineState.DIALING);
        send(line.gateway(), H248.action(ContextId.NULL, H248.modify(line.termination(),
                H248.signals(DIAL_TONE),
                H248.events(svc.requestId(), ON_HOOK, DIGITS),
                H248.digitMap(timers.digitMapStart(), timers.digitMapShort(), timers.digitMapLong(), dialPlan.digitMap()))));
    }

    /** An incoming seizure on a trunk: collect the called number the far end sends (no dial tone on a trunk). */
    private void seized(Line trunk) {
        trunk.state(LineState.DIALING);
        send(trunk.gateway(), H248.action(ContextId.NULL, H248.modify(trunk.termination(),
                H248.events(svc.requestId(), ON_HOOK, DIGITS),
                H248.digitMap(timers.digitMapStart(), timers.digitMapShort(), timers.digitMapLong(), dialPlan.digitMap()))));
    }

    private void digits(Line line, String digits) {
        Route route = dialPlan.route(digits);
        if (line.trunk() && !(route instanceof Route.Extension)) {
            // no tandem switching: a trunk call must be for one of our lines
            refused(line, new CdrRecorder.Party(digits, null), CallRecord.INVALID_NUMBER,
                    "no tandem switching");
            trunkTreatment(line, REORDER);
            return;
        }
        if (route instanceof Route.Extension e) {
            Gateway gw = association.gateway(e.gateway());
            Line callee = gw == null ? null : gw.line(e.termination());
            if (callee == null || callee == line || callee.state() != LineState.IDLE || callOf.containsKey(callee)
                    || gw.state() != GatewayState.IN_SERVICE) {
                LOG.log(System.Logger.Level.DEBUG, () -> line + " dialled " + digits + ": busy");
                refused(line, callee == null ? CdrRecorder.Party.line(digits) : CallRecords.party(callee, null),
                        callee == null || gw.state() != GatewayState.IN_SERVICE
                                || callee.state() == LineState.OUT_OF_SERVICE || callee.state() == LineState.UNARMED
                                ? CallRecord.UNAVAILABLE : CallRecord.BUSY, null);
                if (line.trunk()) trunkTreatment(line, BUSY); else tone(line, BUSY);
            } else {
                setup(line, callee, null);
            }
        } else if (route instanceof Route.Phone ph && !line.trunk() && phones != null) {
            setupToPhone(line, ph.number());
        } else if (route instanceof Route.Trunk t) {
            Line trunk = association.freeTrunk(t.group(), line.gateway(), l -> !callOf.containsKey(l));
            if (trunk == null) {
                LOG.log(System.Logger.Level.DEBUG, () -> line + " dialled " + digits + ": all trunks of " + t.group() + " busy");
                refused(line, CdrRecorder.Party.trunk(t.digits()), CallRecord.BUSY,
                        "all trunks of " + t.group() + " busy");
                tone(line, REORDER);
            } else {
                setup(line, trunk, t.digits());
            }
        } else {
            LOG.log(System.Logger.Level.DEBUG, () -> line + " dialled " + digits + ": invalid number");
            refused(line, new CdrRecorder.Party(digits, null), CallRecord.INVALID_NUMBER, null);
            if (invalidNumber.treatment() == DialPlanConfig.Treatment.ANNOUNCEMENT) {
                toneSignal(line, SignalParm.Request.of("an/apf", PropertyParm.of("an", invalidNumber.announcement())));
            } else {
                tone(line, REORDER);
            }
        }
    }

    /**
     * A trunk caller that cannot be connected hears the tone; the circuit is freed when the far end releases it,
     * or after 10 s in any case (without disconnect supervision we would never learn of it).
     */
    private void trunkTreatment(Line trunk, String signal) {
        tone(trunk, signal);
        svc.startTimer(10_000, () -> {
            if (trunk.state() == LineState.LOCKOUT && !callOf.containsKey(trunk)) armIdle(trunk);
        });
    }

    /** The line hears a tone until it hangs up. */
    private void tone(Line line, String signal) { toneSignal(line, SignalParm.Request.of(signal)); }

    private void toneSignal(Line line, SignalParm.Request signal) {
        line.state(LineState.LOCKOUT);
        send(line.gateway(), H248.action(ContextId.NULL, lockoutCommand(line, signal)));
    }

    Command lockoutCommand(Line line, SignalParm.Request signal) {
        return H248.modify(line.termination(), H248.signal(signal), H248.events(svc.requestId(), ON_HOOK));
    }

    Command idleCommand(Line line) {
        return H248.modify(line.termination(), H248.noSignals(), H248.events(svc.requestId(), OFF_HOOK));
    }

    private void armIdle(Line line) {
        line.state(LineState.IDLE);
        send(line.gateway(), H248.action(ContextId.NULL, idleCommand(line)));
    }

    // ------------------------------------------------------------------------------------------ call set-up

    /** @param outpulse for an outgoing trunk call: the digits to send on the trunk */
    private void setup(Line caller, Line callee, String outpulse) {
        Call c = newCall(caller, callee);
        c.outpulse = outpulse;
        calls.put(c.id, c);
        callOf.put(caller, c);
        callOf.put(callee, c);
        caller.state(LineState.IN_CALL);
        callee.state(LineState.IN_CALL);
        LOG.log(System.Logger.Level.DEBUG, () -> c + ": set-up");
        if (c.intraGateway()) setupIntra(c);
        else setupInter(c);
    }

    private Command addCaller(Call c) {
        if (c.callee.trunk()) {
            // no ring-back: the far network plays its own progress tones through the talk path
            return H248.add(c.caller.termination(), H248.noSignals(), H248.events(svc.requestId(), ON_HOOK, FLASH),
                    H248.stream(H248.mode(Mode.SENDRECV)));
        }
        return H248.add(c.caller.termination(), H248.signals(RING_BACK),
                c.caller.trunk() ? H248.events(svc.requestId(), ON_HOOK) : H248.events(svc.requestId(), ON_HOOK, FLASH),
                H248.stream(H248.mode(Mode.SENDRECV)));
    }

    private Command addCallee(Call c) {
        return addCallee(c.callee, c.outpulse);
    }

    /** Adds a called line ringing (a trunk circuit seized and sent {@code outpulse}). */
    Command addCallee(Line callee, String outpulseDigits) {
        if (callee.trunk()) {
            // seize the circuit and send the number; our analog trunks give no answer signal: connected at once
            return H248.add(callee.termination(), outpulse(outpulseDigits), H248.events(svc.requestId(), ON_HOOK),
                    H248.stream(H248.mode(Mode.SENDRECV)));
        }
        return H248.add(callee.termination(), H248.signals(RINGING), H248.events(svc.requestId(), OFF_HOOK),
                H248.stream(H248.mode(Mode.SENDRECV)));
    }

    /** {@code Signals{SignalList=1{dg/d9,dg/d5,...}}}: DTMF digits (dg package; * is ds, # is do). */
    private static SignalsDescriptor outpulse(String digits) {
        List<SignalParm.Request> tones = new ArrayList<>();
        for (char d : (digits == null ? "" : digits).toCharArray()) {
            String name = d == '*' ? "ds" : d == '#' ? "do" : "d" + Character.toLowerCase(d);
            tones.add(SignalParm.Request.of("dg/" + name));
        }
        return tones.isEmpty() ? H248.noSignals() : new SignalsDescriptor(List.of(new SignalParm.SignalList(1, tones)));
    }

    private void setupIntra(Call c) {
        Call.Leg leg = c.leg(c.caller.gateway());
        leg.adding = true;
        leg.terminations.add(c.caller.termination());
        leg.terminations.add(c.callee.termination());
        send(c, leg.gateway, List.of(H248.action(ContextId.CHOOSE, addCaller(c), addCallee(c))), o -> {
            leg.adding = false;
            if (!o.ok() || o.reply().actions().isEmpty() || !o.reply().actions().get(0).contextId().isSpecific()) {
                setupFailed(c, leg, o);
                return;
            }
            leg.context = o.reply().actions().get(0).contextId();
            setupComplete(c);
        });
    }

    Command addRtp(String remoteSdp) {
        return remoteSdp == null
                ? H248.add("$", H248.stream(H248.mode(Mode.RECVONLY), H248.local(H248.CHOOSE_SDP)))
                : H248.add("$", H248.stream(H248.mode(Mode.RECVONLY), H248.local(H248.CHOOSE_SDP), H248.remote(remoteSdp)));
    }

    /**
     * Caller's gateway first: the caller and an RTP termination; then the called gateway: the called line and an
     * RTP termination that gets the caller side's SDP as Remote; then the caller side gets the called side's SDP.
     */
    private void setupInter(Call c) {
        Call.Leg a = c.leg(c.caller.gateway());
        Call.Leg b = c.leg(c.callee.gateway());
        a.adding = true;
        b.adding = true;
        a.terminations.add(c.caller.termination());
        b.terminations.add(c.callee.termination());
        c.igcA = new Call.IgcEnd(a);
        c.igcB = new Call.IgcEnd(b);
        c.addIgc(c.igcA, c.igcB);
        send(c, a.gateway, List.of(H248.action(ContextId.CHOOSE, addCaller(c), addRtp(null))), oa -> {
            a.adding = false;
            if (!rtpAdded(c, a, c.igcA, oa, 1)) { b.adding = false; setupFailed(c, a, oa); return; }
            if (c.releaseWanted) { b.adding = false; release(c, c.releaseTone, null); return; }
            send(c, b.gateway, List.of(H248.action(ContextId.CHOOSE, addCallee(c), addRtp(c.igcA.local))), ob -> {
                b.adding = false;
                if (!rtpAdded(c, b, c.igcB, ob, 1)) { setupFailed(c, b, ob); return; }
                c.igcB.remote = c.igcA.local;
                if (c.releaseWanted) { release(c, c.releaseTone, null); return; }
                c.igcA.remote = c.igcB.local;
                send(c, a.gateway, List.of(H248.action(a.context, H248.modify(c.igcA.rtp,
                        H248.stream(H248.remote(c.igcB.local))))), om -> {
                    if (!om.ok() && c.state != CallState.RELEASED) {
                        LOG.log(System.Logger.Level.WARNING, () -> c + ": remote SDP refused: " + om);
                        c.cdr.ending(CallRecord.FAILED, "remote SDP refused: " + om);
                        release(c, REORDER, null);
                    }
                });
                setupComplete(c);
            });
        });
    }

    /** Reads the context, the chosen RTP termination and its Local SDP from an {@code Add = $} reply ({@code index}: its command). */
    static boolean rtpAdded(Call c, Call.Leg leg, Call.IgcEnd end, Outcome o, int index) {
        if (!o.ok() || o.reply().actions().isEmpty()) return false;
        ActionReply ar = o.reply().actions().get(0);
        if (!ar.contextId().isSpecific()) return false;
        leg.context = ar.contextId();
        if (ar.replies().size() <= index || !(ar.replies().get(index) instanceof CommandReply.Amms rtp)
                || rtp.terminationIds().isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, () -> c + ": no RTP termination in the Add reply");
            return false;
        }
        end.rtp = rtp.terminationIds().get(0).value();
        end.local = H248.localSdp(rtp.terminationAudit());
        leg.terminations.add(end.rtp);
        if (end.local == null) {
            LOG.log(System.Logger.Level.WARNING, () -> c + ": no Local SDP for " + end.rtp);
            return false;
        }
        return true;
    }

    private void setupFailed(Call c, Call.Leg leg, Outcome o) {
        LOG.log(System.Logger.Level.INFO, () -> c + ": set-up failed on " + leg.gateway.name() + ": " + o);
        c.cdr.ending(CallRecord.FAILED, "set-up failed on " + leg.gateway.name() + ": " + o);
        if (leg.context == null || !leg.context.isSpecific()) {
            leg.context = null;
            // no reply at all: the gateway may have created the context anyway; it is cleaned up on its return
            if (o.failed()) {
                List<String> physical = new ArrayList<>();
                for (String t : leg.terminations) if (leg.gateway.line(t) != null) physical.add(t);
                leg.gateway.addOrphanTerminations(physical);
            }
        }
        release(c, c.releaseWanted ? c.releaseTone : REORDER, o.failed() ? leg.gateway : null);
    }

    private void setupComplete(Call c) {
        if (c.state == CallState.RELEASED) return;
        if (c.releaseWanted) { release(c, c.releaseTone, null); return; }
        c.state(CallState.RINGING);
        if (c.callee.trunk()) { answer(c); return; }
        c.noAnswerTimer = svc.startTimer(timers.noAnswerSeconds() * 1000L, () -> {
            c.noAnswerTimer = 0;
            LOG.log(System.Logger.Level.DEBUG, () -> c + ": no answer");
            c.cdr.ending(CallRecord.NO_ANSWER, null);
            if (c.sip != null) { c.sip.failure = 480; c.sip.failureReason = "Temporarily Unavailable"; }
            release(c, REORDER, null);
        });
        if (c.answeredEarly) answer(c);
    }

    // ------------------------------------------------------------------------------------------ SIP phone to a line

    /**
     * A SIP phone calls a line: one transaction on the line's gateway adds the line ringing and an ephemeral RTP
     * termination with the phone's SDP as Remote (receive-only until answer) in a new context. The phone hears of
     * ringing, answer, failure and release through {@code phone}.
     */
    @Override public LineCall offer(String number, String callerNumber, String callId, String offerSdp, SipParty phone) {
        return offer(number, callerNumber, callId, offerSdp, phone, false);
    }

    @Override public LineCall offerWithoutSdp(String number, String callerNumber, String callId, SipParty phone) {
        return offer(number, callerNumber, callId, null, phone, true);
    }

    private LineCall offer(String number, String callerNumber, String callId, String offerSdp, SipParty phone, boolean lateOffer) {
        if (!(dialPlan.route(number) instanceof Route.Extension e)) return null;
        Gateway gw = association.gateway(e.gateway());
        Line callee = gw == null ? null : gw.line(e.termination());
        if (callee == null) return null;
        if (callee.trunk() || gw.state() != GatewayState.IN_SERVICE || callee.state() == LineState.OUT_OF_SERVICE
                || callee.state() == LineState.UNARMED) {
            LOG.log(System.Logger.Level.DEBUG, () -> "sip:" + callerNumber + " called " + number + ": unavailable");
            if (cdrs != null) CallRecords.refused(cdrs, callerNumber, callee, CallRecord.UNAVAILABLE, null);
            phone.failed(480, "Temporarily Unavailable");
            return () -> { };
        }
        if (callee.state() != LineState.IDLE || callOf.containsKey(callee)) {
            LOG.log(System.Logger.Level.DEBUG, () -> "sip:" + callerNumber + " called " + number + ": busy");
            if (cdrs != null) CallRecords.refused(cdrs, callerNumber, callee, CallRecord.BUSY, null);
            phone.failed(486, "Busy Here");
            return () -> { };
        }
        if (!lateOffer && (offerSdp == null || offerSdp.isBlank())) {
            // no offer in the INVITE (offer in the 200, answer in the ACK) is not served
            if (cdrs != null) CallRecords.refused(cdrs, callerNumber, callee, CallRecord.FAILED, "no SDP offer");
            phone.failed(488, "Not Acceptable Here");
            return () -> { };
        }
        Call c = newCall(null, callee);
        c.sip = new Call.SipParty(callerNumber, callId, phone);
        calls.put(c.id, c);
        callOf.put(callee, c);
        callee.state(LineState.IN_CALL);
        Call.Leg leg = c.leg(gw);
        leg.adding = true;
        leg.terminations.add(callee.termination());
        Call.IgcEnd rtp = new Call.IgcEnd(leg);
        c.sip.rtp = rtp;
        c.igcB = rtp;
        c.igcs.add(rtp); // an end without a far end: released (with statistics) like an IGC's, not listed as one
        LOG.log(System.Logger.Level.DEBUG, () -> c + ": set-up from SIP");
        send(c, gw, List.of(H248.action(ContextId.CHOOSE, addCallee(callee, null), addRtp(offerSdp))), o -> {
            leg.adding = false;
            if (!rtpAdded(c, leg, rtp, o, 1)) { setupFailed(c, leg, o); return; }
            rtp.remote = offerSdp;
            if (c.state == CallState.RELEASED) return;
            if (c.releaseWanted) { release(c, c.releaseTone, null); return; }
            // the 180 carries the dialog's cookie: a phone that fails over while it hears ring-back reports it
            if (!c.sip.gone) c.sip.phone.ringing(phoneCookie(c));
            setupComplete(c);
        });
        return new SipLine(c);
    }

    private final List<GatewayConference> conferences = new ArrayList<>();
    private long nextConferenceId = 1;

    /**
     * A conference bridge for SIP phones (and lines joined to it by RTP): on the first gateway in service, by name.
     * Null when no gateway is in service.
     */
    @Override public dev.holdfast.controller.sip.ConferenceBridge openConference() {
        Gateway gw = association.gateways().stream().filter(g -> g.state() == GatewayState.IN_SERVICE)
                .min(java.util.Comparator.comparing(Gateway::name)).orElse(null);
        if (gw == null) return null;
        long id = nextConferenceId++;
        // keys of conferences: this controller's prefix, the low half's top bit set (calls count from 1 below it)
        GatewayConference c = new GatewayConference(id, keyPrefix() | 0x80000000L | (id & 0x7FFFFFFFL), svc.now(), gw, association, this);
        conferences.add(c);
        return c;
    }

    @Override public boolean gatewayAudited(String gateway) {
        Gateway g = gateway == null ? null : association.gateway(gateway);
        return g != null && arrived(g);
    }

    void conferenceEnded(GatewayConference c) {
        conferences.remove(c);
        if (merge != null) merge.conferenceReleased(c.key());
        // its gateway may wait for idleness (failback, drain): checked once the conference's Subtracts are on their way
        Gateway gw = c.gateway();
        if (gw.state().reachable()) svc.startTimer(0, () -> { if (gw.state().reachable()) association.checkDrained(gw); });
    }

    /** A conference went to the primary with its gateway: forgotten here, its key not ended (the primary runs it). */
    void conferenceHandedBack(GatewayConference c) { conferences.remove(c); }

    CookieStamper stamper() { return stamper; }

    /** The call behind the SIP side's handle on a line's call; null for another kind of handle. */
    static Call callOf(LineCall lc) { return lc instanceof SipLine s ? s.c : null; }

    /**
     * Lines of rebuilt conferences joined by an RTP pair whose gateway had not been audited here when the conference
     * was: bound to the conference when it is ({@link #conferenceLinesAudited}).
     */
    private final Map<Line, PendingConferenceLine> pendingConferenceLines = new java.util.LinkedHashMap<>();

    /** A conference's line on a gateway not audited yet: its call, when rebuilt, reports to {@code party}. */
    private final class PendingConferenceLine implements LineCall {
        final Line line;
        final SipParty party;
        final GatewayConference.Term term;
        Call bound;
        boolean releaseWanted;

        PendingConferenceLine(Line line, SipParty party, GatewayConference.Term term) {
            this.line = line;
            this.party = party;
            this.term = term;
        }

        @Override public void release() {
            if (bound != null) sipLeft(bound);
            else releaseWanted = true;
        }
    }

    /** The call of a line that a conference's cookies name as joined by an RTP pair, bound to the focus's member. */
    private boolean bindConferenceLine(Call lc, SipParty party, GatewayConference.Term term) {
        if (lc == null || lc.sip == null || lc.state == CallState.RELEASED || lc.sip.rtp == null) return false;
        lc.sip.phone = party;
        lc.sip.outgoing = null;
        lc.sip.gone = false;
        Line l = lc.callee != null ? lc.callee : lc.caller;
        term.paired(l, lc.sip.rtp.leg.context, lc.sip.rtp.rtp);
        return true;
    }

    /** Gateway {@code gw} was audited: conference lines waiting for it are bound, or, not there, have left. */
    private void conferenceLinesAudited(Gateway gw) {
        for (PendingConferenceLine p : List.copyOf(pendingConferenceLines.values())) {
            if (p.line.gateway() != gw) continue;
            pendingConferenceLines.remove(p.line);
            Call lc = callOf.get(p.line);
            if (!bindConferenceLine(lc, p.party, p.term)) {
                LOG.log(System.Logger.Level.INFO, () -> gw.name() + ": " + p.line + " of a rebuilt conference is not here: it left");
                p.party.released();
                continue;
            }
            p.bound = lc;
            if (p.releaseWanted) sipLeft(lc);
        }
    }

    /**
     * A context whose verified cookies say it is a focus conference (feature {@code FOCUS}), from the audit of a
     * gateway that failed over to us: the conference is adopted as the gateway has it and handed to the SIP focus,
     * which joins it with its members' dialogs (docs/migration.md, "Conferences"). The members are the phone
     * terminations whose own cookie verified (each names its member) and the lines in the context the newest cookie
     * lists (each in its own call, rebuilt from its own cookies); terminations whose cookies did not verify keep
     * mixing, nobody's, and go with the conference.
     *
     * @param parts    terminations with verified conference cookies, and their cookies
     * @param untrusted terminations of the context that are no line and whose cookies did not verify
     */
    void conferenceArrived(Gateway gw, ContextId ctx, List<Map.Entry<String[], dev.holdfast.controller.cookie.CallCookie>> parts,
                           List<String> untrusted) {
        dev.holdfast.controller.cookie.CallCookie newest = parts.get(0).getValue();
        for (var p : parts) if (p.getValue().generation() > newest.generation()) newest = p.getValue();
        for (GatewayConference g : conferences) {
            if (g.key() == newest.callKey()) return; // ours, or adopted already (a second audit)
        }
        GatewayConference conf = GatewayConference.adopted(nextConferenceId++, newest.callKey(), newest.generation(),
                newest.stateSince(), gw, ctx, association, this);
        conferences.add(conf);
        List<dev.holdfast.controller.sip.MigratedConference.Member> members = new ArrayList<>();
        // joining order: as the newest cookie lists the parties
        for (dev.holdfast.controller.cookie.CookieParty party : newest.parties()) {
            if (party.kind() == dev.holdfast.controller.cookie.CookieParty.Kind.PHONE) {
                for (var p : parts) {
                    var c = p.getValue();
                    if (!(c.part() instanceof dev.holdfast.controller.cookie.CookiePart.PhoneRtp r)) continue;
                    var self = c.parties().get(r.party());
                    if (!java.util.Objects.equals(self.extra(), party.extra())) continue;
                    String[] t = p.getKey();
                    members.add(new dev.holdfast.controller.sip.MigratedConference.Member(true, self.termination(), self.extra(),
                            conf.adopt("sip:" + self.termination(), self.extra(), t[0], t[1], t[2], false), null));
                }
            } else if (party.kind() == dev.holdfast.controller.cookie.CookieParty.Kind.LINE && !gw.name().equals(party.gateway())) {
                // a line on another gateway, joined by an RTP pair: the termination whose IGC-end cookie leads to it
                Gateway lg = association.gateway(party.gateway());
                Line l = lg == null ? null : lg.line(party.termination());
                if (l == null) continue;
                for (var p : parts) {
                    var c = p.getValue();
                    if (!(c.part() instanceof dev.holdfast.controller.cookie.CookiePart.IgcEnd e) || e.party() < 0) continue;
                    var self = c.parties().get(e.party());
                    if (!party.gateway().equals(self.gateway()) || !party.termination().equals(self.termination())) continue;
                    String[] t = p.getKey();
                    GatewayConference.Term term = conf.adopt("line:" + l.number(), null, t[0], t[1], t[2], false);
                    term.paired(l, e.farContext() == null ? null : ContextId.of(e.farContext()), e.farTermination());
                    members.add(new dev.holdfast.controller.sip.MigratedConference.Member(false, l.number(), null, term, party2 -> {
                        if (bindConferenceLine(callOf.get(l), party2, term)) return new SipLine(callOf.get(l));
                        if (arrived(lg)) return null; // its gateway is here without it: it left
                        PendingConferenceLine pending = new PendingConferenceLine(l, party2, term);
                        pendingConferenceLines.put(l, pending);
                        return pending;
                    }));
                }
            } else if (party.kind() == dev.holdfast.controller.cookie.CookieParty.Kind.LINE && gw.name().equals(party.gateway())) {
                Line l = gw.line(party.termination());
                Call lc = l == null ? null : callOf.get(l);
                if (lc == null || lc.sip == null || lc.legs.stream().noneMatch(leg -> leg.gateway == gw && ctx.equals(leg.context))) {
                    continue; // not in the context (it left before the kill), or its call's cookies did not verify
                }
                members.add(new dev.holdfast.controller.sip.MigratedConference.Member(false, l.number(), null,
                        conf.adopt("line:" + l.number(), null, l.termination(), null, null, true), party2 -> {
                            if (lc.state == CallState.RELEASED) return null;
                            lc.sip.phone = party2;
                            lc.sip.outgoing = null;
                            lc.sip.gone = false;
                            return new SipLine(lc);
                        }));
            }
        }
        for (String t : untrusted) conf.adoptUntrusted(t);
        LOG.log(System.Logger.Level.INFO, () -> gw.name() + " context " + ctx + ": conference (key "
                + Long.toHexString(conf.key()) + ") rebuilt with " + members.size() + " members from cookies");
        if (phones != null) phones.conferenceArrived(new dev.holdfast.controller.sip.MigratedConference(conf.key(), conf, members));
    }

    /** The conferences mixed on gateways for SIP phones, as call structures. */
    public List<CallStructure> conferences() {
        List<CallStructure> out = new ArrayList<>();
        for (GatewayConference c : conferences) out.add(c.structure());
        return out;
    }

    /** The line's side of a call with a SIP phone, for the SIP side: release, media changes, a transfer's new phone. */
    private final class SipLine implements LineCall {
        private final Call c;

        SipLine(Call c) { this.c = c; }

        @Override public void release() { sipLeft(c); }

        @Override public String localSdp() { return c.sip == null || c.sip.rtp == null ? null : c.sip.rtp.local; }

        @Override public void media(String remoteSdp, dev.holdfast.controller.sip.SdpDirection phone,
                                    java.util.function.Consumer<String> done) {
            Call.IgcEnd rtp = c.sip == null ? null : c.sip.rtp;
            if (c.state != CallState.CONNECTED || rtp == null || rtp.rtp == null || rtp.leg.context == null) {
                done.accept(null);
                return;
            }
            // the termination's mode is the mirror of the phone's direction: a phone that only sends is only received
            Mode mode = switch (phone) {
                case SENDRECV -> Mode.SENDRECV;
                case SENDONLY -> Mode.RECVONLY;
                case RECVONLY -> Mode.SENDONLY;
                case INACTIVE -> Mode.INACTIVE;
            };
            var stream = remoteSdp == null ? H248.stream(H248.mode(mode)) : H248.stream(H248.mode(mode), H248.remote(remoteSdp));
            send(c, rtp.leg.gateway, List.of(H248.action(rtp.leg.context, H248.modify(rtp.rtp, stream))), o -> {
                if (!o.ok() || c.state != CallState.CONNECTED) {
                    LOG.log(System.Logger.Level.INFO, () -> c + ": media change refused: " + o);
                    done.accept(null);
                    return;
                }
                if (remoteSdp != null) rtp.remote = remoteSdp;
                c.sip.mode = mode;
                done.accept(rtp.local);
            });
        }

        @Override public String cookie() { return c.state == CallState.RELEASED ? null : phoneCookie(c); }

        @Override public void moveInto(dev.holdfast.controller.sip.ConferenceBridge conference, String label,
                                       java.util.function.Consumer<dev.holdfast.controller.sip.ConferenceBridge.Member> done) {
            Line l = c.callee != null ? c.callee : c.caller;
            if (!(conference instanceof GatewayConference g) || l == null || l.trunk() || c.featured) {
                done.accept(null);
                return;
            }
            g.moveLine(c, l, label, done);
        }

        @Override public boolean joinLine(LineCall target, boolean targetForTransfer, java.util.function.Consumer<Boolean> done) {
            return target instanceof SipLine t && joins.join(c, t.c, targetForTransfer, done);
        }

        @Override public String cookieAs(String number, String callId) {
            return c.state == CallState.RELEASED ? null : phoneCookieAs(c, number, callId);
        }

        @Override public String rebind(String number, String callId, SipParty party) {
            if (c.sip == null || c.state == CallState.RELEASED) return null;
            c.sip.number = number;
            c.sip.callId = callId;
            c.sip.phone = party;
            c.sip.outgoing = null;
            c.sip.gone = false;
            touched.add(c); // the parts' cookies name the new phone
            LOG.log(System.Logger.Level.DEBUG, () -> c + ": the SIP side is now sip:" + number + " in " + callId);
            return phoneCookie(c);
        }
    }

    /** The phone left (CANCEL, BYE, lost dialog): the line stops ringing or, off-hook, hears busy. */
    private void sipLeft(Call c) {
        if (c.state == CallState.RELEASED) return;
        c.sip.gone = true;
        if (c.adding()) { c.releaseWanted = true; c.releaseTone = BUSY; return; }
        release(c, BUSY, null);
    }

    // ------------------------------------------------------------------------------------------ a line to a SIP phone

    /**
     * A line dials a phone: the line and an ephemeral RTP termination (receive-only) in a new context on its
     * gateway; the termination's Local SDP is the offer of the INVITE to the phone. 180 gives ring-back; the
     * answer's SDP becomes the termination's Remote, both go send-receive.
     */
    private void setupToPhone(Line line, String number) {
        Call c = newCall(line, null);
        c.sip = new Call.SipParty(number);
        calls.put(c.id, c);
        callOf.put(line, c);
        line.state(LineState.IN_CALL);
        Call.Leg leg = c.leg(line.gateway());
        leg.adding = true;
        leg.terminations.add(line.termination());
        Call.IgcEnd rtp = new Call.IgcEnd(leg);
        c.sip.rtp = rtp;
        c.igcA = rtp;
        c.igcs.add(rtp);
        LOG.log(System.Logger.Level.DEBUG, () -> c + ": set-up to SIP");
        send(c, line.gateway(), List.of(H248.action(ContextId.CHOOSE,
                H248.add(line.termination(), H248.noSignals(), H248.events(svc.requestId(), ON_HOOK),
                        H248.stream(H248.mode(Mode.SENDRECV))),
                addRtp(null))), o -> {
            leg.adding = false;
            if (!rtpAdded(c, leg, rtp, o, 1)) { setupFailed(c, leg, o); return; }
            if (c.state == CallState.RELEASED) return;
            if (c.releaseWanted) { release(c, c.releaseTone, null); return; }
            c.state(CallState.RINGING);
            c.sip.outgoing = phones.call(number, line.number(), rtp.local, callId -> {
                c.sip.callId = callId; // the cookie names the dialog it rides with
                return phoneCookie(c);
            }, new PhoneSide(c));
            if (c.sip.outgoing == null) { c.cdr.ending(CallRecord.INVALID_NUMBER, null); release(c, REORDER, null); return; }
            c.sip.callId = c.sip.outgoing.callId();
            if (c.state != CallState.RINGING) return; // failed at once (not registered)
            c.noAnswerTimer = svc.startTimer(timers.noAnswerSeconds() * 1000L, () -> {
                c.noAnswerTimer = 0;
                LOG.log(System.Logger.Level.DEBUG, () -> c + ": no answer");
                c.cdr.ending(CallRecord.NO_ANSWER, null);
                release(c, REORDER, null);
            });
        });
    }

    /** The SIP side's reports on a line's call to a phone. */
    private final class PhoneSide implements dev.holdfast.controller.sip.PhoneRouter.LineParty {
        private final Call c;

        PhoneSide(Call c) { this.c = c; }

        @Override public void ringing() {
            if (c.state != CallState.RINGING) return;
            Call.Leg leg = c.sip.rtp.leg;
            send(leg.gateway, H248.action(leg.context, H248.modify(c.caller.termination(), H248.signals(RING_BACK),
                    H248.events(svc.requestId(), ON_HOOK))));
        }

        @Override public void answered(String answerSdp) {
            if (c.state == CallState.SETUP && c.migrated) {
                // a ringing call taken over whose gateway has not been audited yet: connected once it has
                c.sip.answerWaiting = answerSdp;
                return;
            }
            if (c.state != CallState.RINGING) return;
            svc.cancelTimer(c.noAnswerTimer);
            c.noAnswerTimer = 0;
            c.state(CallState.CONNECTED);
            c.cdr.answeredAt = svc.now();
            Call.IgcEnd rtp = c.sip.rtp;
            rtp.remote = answerSdp;
            LOG.log(System.Logger.Level.DEBUG, () -> c + ": answered");
            send(c, rtp.leg.gateway, List.of(H248.action(rtp.leg.context,
                    H248.modify(c.caller.termination(), H248.noSignals(), H248.events(svc.requestId(), ON_HOOK)),
                    H248.modify(rtp.rtp, H248.stream(H248.mode(Mode.SENDRECV), H248.remote(answerSdp))))), o -> {
                if (!o.ok() && c.state == CallState.CONNECTED) {
                    LOG.log(System.Logger.Level.WARNING, () -> c + ": connect refused: " + o);
                    c.cdr.ending(CallRecord.FAILED, "connect refused: " + o);
                    release(c, REORDER, o.failed() ? rtp.leg.gateway : null);
                }
            });
        }

        @Override public void failed(int status) {
            c.sip.gone = true;
            if (c.state == CallState.RELEASED) return;
            svc.cancelTimer(c.noAnswerTimer);
            c.noAnswerTimer = 0;
            c.cdr.ending(CallRecord.sipRelease(status), "SIP " + status);
            release(c, status == 486 || status == 600 ? BUSY : REORDER, null);
        }

        @Override public void released() {
            c.sip.gone = true;
            if (c.state == CallState.RELEASED) return;
            release(c, BUSY, null);
        }

        @Override public LineCall lineCall() { return new SipLine(c); }
    }

    /** Tells the phone how its call ended, unless it left first. */
    private void tellPhone(Call c, CallState was) {
        if (c.sip == null || c.sip.gone) return;
        c.sip.gone = true;
        if (c.sip.outgoing != null) { c.sip.outgoing.release(); return; }
        if (c.sip.phone == null) return;
        if (was == CallState.CONNECTED) c.sip.phone.released();
        else c.sip.phone.failed(c.sip.failure, c.sip.failureReason);
    }

    // ------------------------------------------------------------------------------------------ in a call

    private void callEvent(Call c, Line line, String name, ObservedEvent event) {
        if (line.trunk() && name.equals(ON_HOOK) && !line.disconnectSupervision()) {
            // a trunk without disconnect supervision says nothing reliable about the far end: only our side ends it
            return;
        }
        if (c.sip != null && name.equals(FLASH)) return; // features need two lines: none with a SIP party yet
        if (c.featured || (c.state == CallState.CONNECTED && name.equals(FLASH))) {
            features.event(c, line, name, event);
            return;
        }
        if (line == c.caller) {
            if (name.equals(ON_HOOK)) hangUp(c);
        } else if (line == c.callee) {
            if (name.equals(OFF_HOOK)) {
                if (c.state == CallState.RINGING) answer(c);
                else if (c.state == CallState.SETUP) c.answeredEarly = true;
            } else if (name.equals(ON_HOOK)) {
                if (c.state == CallState.CONNECTED) hangUp(c);
                else c.answeredEarly = false;
            }
        }
    }

    private void hangUp(Call c) {
        // a call setting up ends once its set-up has; a migrated one has no set-up running here to wait for
        if (c.state == CallState.SETUP && !c.migrated || c.adding()) {
            c.releaseWanted = true;
            c.releaseTone = BUSY;
        } else {
            release(c, BUSY, null);
        }
    }

    private void answer(Call c) {
        svc.cancelTimer(c.noAnswerTimer);
        c.noAnswerTimer = 0;
        c.state(CallState.CONNECTED);
        c.cdr.answeredAt = svc.now();
        LOG.log(System.Logger.Level.DEBUG, () -> c + ": answered");
        for (Call.Leg leg : c.legs) {
            List<Command> commands = new ArrayList<>();
            List<Line> lines = new ArrayList<>(List.of(c.callee));
            if (c.caller != null) lines.add(c.caller);
            for (Line l : lines) {
                if (l.gateway() != leg.gateway) continue;
                if (l.trunk()) {
                    // an outgoing circuit may still be sending the number: its signals are left alone
                    commands.add(l == c.callee ? H248.modify(l.termination(), H248.events(svc.requestId(), ON_HOOK))
                            : H248.modify(l.termination(), H248.noSignals(), H248.events(svc.requestId(), ON_HOOK)));
                } else {
                    commands.add(H248.modify(l.termination(), H248.noSignals(), H248.events(svc.requestId(), ON_HOOK, FLASH)));
                }
            }
            Call.IgcEnd end = c.igcA != null && c.igcA.leg == leg ? c.igcA : c.igcB != null && c.igcB.leg == leg ? c.igcB : null;
            if (end != null) commands.add(H248.modify(end.rtp, H248.stream(H248.mode(Mode.SENDRECV))));
            send(c, leg.gateway, List.of(H248.action(leg.context, commands)), o -> {
                if (o.ok() && c.sip != null && end == c.sip.rtp && !c.sip.gone && c.state == CallState.CONNECTED) {
                    // the phone gets its 200 once the termination sends: its media then flows both ways
                    c.sip.phone.answered(end.local, phoneCookie(c));
                }
                if (!o.ok() && c.state == CallState.CONNECTED) {
                    LOG.log(System.Logger.Level.WARNING, () -> c + ": connect refused by " + leg.gateway.name() + ": " + o);
                    c.cdr.ending(CallRecord.FAILED, "connect refused by " + leg.gateway.name() + ": " + o);
                    release(c, REORDER, o.failed() ? leg.gateway : null);
                }
            });
        }
    }

    // ------------------------------------------------------------------------------------------ release

    /**
     * Ends a call: on each gateway that still holds its context, one transaction subtracts the call's terminations
     * (statistics of RTP terminations returned) and, in the null context, sets each of the call's lines there back
     * to idle (on-hook) or to {@code tone} (still off-hook). Gateways that lost the context ({@code gone}, or not
     * reachable) get nothing; their lines wait for the gateway's return.
     */
    void release(Call c, String tone, Gateway gone) {
        if (c.state == CallState.RELEASED) return;
        if (c.adding()) {
            c.releaseWanted = true;
            c.releaseTone = tone;
            return;
        }
        CallState was = c.state;
        c.state(CallState.RELEASED);
        svc.cancelTimer(c.noAnswerTimer);
        c.noAnswerTimer = 0;
        calls.remove(c.id);
        byKey.remove(c.key, c);
        if (merge != null) merge.released(c);
        for (Line l : c.parties.keySet()) callOf.remove(l, c);
        features.ended(c);
        tellPhone(c, was);
        if (was == CallState.CONNECTED) completedCalls++;
        if (cdrs != null) CallRecords.ended(cdrs, c, was);
        LOG.log(System.Logger.Level.DEBUG, () -> c + ": released");
        // every gateway of a party or a context, parties' gateways first (a basic call: caller's, then callee's)
        Map<Gateway, List<Line>> linesByGateway = new LinkedHashMap<>();
        for (Line l : c.parties.keySet()) linesByGateway.computeIfAbsent(l.gateway(), g -> new ArrayList<>()).add(l);
        for (Call.Leg leg : c.legs) linesByGateway.computeIfAbsent(leg.gateway, g -> new ArrayList<>());
        for (Map.Entry<Gateway, List<Line>> e : linesByGateway.entrySet()) {
            Gateway gw = e.getKey();
            boolean reachable = gw != gone && gw.state().reachable();
            if (!reachable) {
                // if the gateway comes back with its state, the context is still there: it is subtracted then
                for (Call.Leg leg : c.legs) if (leg.gateway == gw && leg.context != null) gw.addStaleContext(leg.context);
                for (Line l : e.getValue()) if (l.state() != LineState.OUT_OF_SERVICE) l.state(LineState.UNARMED);
                continue;
            }
            List<ActionRequest> actions = new ArrayList<>();
            List<ContextId> released = new ArrayList<>();
            for (Call.Leg leg : c.legs) {
                if (leg.gateway != gw || leg.context == null || !leg.context.isSpecific()) continue;
                List<CommandRequest> subtracts = new ArrayList<>();
                for (String t : leg.terminations) {
                    boolean rtp = c.igcEnd(leg, t) != null;
                    // optional: a termination already gone must not keep the others in the context
                    subtracts.add(new CommandRequest(H248.subtract(t, rtp), true, false));
                }
                if (subtracts.isEmpty()) continue;
                actions.add(new ActionRequest(leg.context, List.of(), List.of(), subtracts));
                released.add(leg.context);
            }
            List<Command> nulls = new ArrayList<>();
            for (Line l : e.getValue()) {
                if (l.state() == LineState.OUT_OF_SERVICE) continue;
                if (!l.trunk() && l.offHook()) {
                    l.state(LineState.LOCKOUT);
                    nulls.add(lockoutCommand(l, SignalParm.Request.of(tone)));
                } else {
                    l.state(LineState.IDLE);
                    nulls.add(idleCommand(l));
                }
            }
            if (!nulls.isEmpty()) actions.add(H248.action(ContextId.NULL, nulls));
            if (!actions.isEmpty()) send(c, gw, actions, o -> {
                // no answer: the gateway may still hold the contexts when it comes back with its state
                if (o.failed()) for (ContextId r : released) gw.addStaleContext(r);
                else if (!o.ok()) LOG.log(System.Logger.Level.INFO, () -> c + ": release on " + gw.name() + ": " + o);
            });
        }
        for (Gateway gw : linesByGateway.keySet()) association.checkDrained(gw);
    }

    /**
     * A call with a SIP phone that a transfer replaced ({@link LineJoin}): gone from here as at release, but its
     * terminations stay where they are (the new call holds them) and the phone is told nothing (the B2BUA ends
     * its dialog). {@code record}: written as a call ended by the transfer (a normal release).
     */
    void retire(Call c, boolean record) {
        if (c.state == CallState.RELEASED) return;
        CallState was = c.state;
        svc.cancelTimer(c.noAnswerTimer);
        c.noAnswerTimer = 0;
        features.ended(c);
        calls.remove(c.id);
        byKey.remove(c.key, c);
        if (merge != null) merge.released(c);
        for (Line l : c.parties.keySet()) callOf.remove(l, c);
        if (c.sip != null) c.sip.gone = true;
        c.state(CallState.RELEASED);
        if (was == CallState.CONNECTED) completedCalls++;
        if (record && cdrs != null) {
            c.cdr.ending(CallRecord.NORMAL, "transferred");
            CallRecords.ended(cdrs, c, was);
        }
        LOG.log(System.Logger.Level.DEBUG, () -> c + ": replaced by a transfer");
    }

    /** Provisioning changed while the controller runs: digits are routed by the new dial plan from now on. */
    public void provisioningChanged(Provisioning p) { dialPlan.reload(p); }

    /** A line is no longer provisioned (it is in no call): forget what was kept about it. */
    public void lineRemoved(Line l) {
        offHookWhileRegistering.remove(l);
        if (merge != null) merge.forget(l);
    }

    /** A gateway is no longer provisioned (it has no call): forget what was kept about it. */
    public void gatewayRemoved(Gateway gw) {
        heldEvents.remove(gw);
        reconstructing.remove(gw);
        for (Line l : gw.lines()) lineRemoved(l);
    }

    /** Releases a call by operator command; false when there is no such call. */
    public boolean releaseByOperator(long id) {
        Call c = calls.get(id);
        if (c == null) return false;
        c.cdr.ending(CallRecord.RELEASED_BY_ADMIN, null);
        if (c.adding()) { c.releaseWanted = true; c.releaseTone = REORDER; }
        else release(c, REORDER, null);
        return true;
    }

    // ------------------------------------------------------------------------------------------ gateways

    /** A gateway that kept its state registers: its context ids are asked with its setup (see {@link CallMerge#registering}). */
    @Override public void gatewayRegistering(Gateway gw, boolean statePreserved) {
        if (merge != null && statePreserved) merge.registering(gw);
    }

    @Override public void gatewayInService(Gateway gw, boolean statePreserved) {
        if (merge == null) { inService(gw, statePreserved); return; }
        if (!statePreserved) {
            merge.arrivedWithoutState(gw);
            inService(gw, false);
            replayHeldEvents(gw);
            return;
        }
        reconstructing.add(gw);
        auditForMerge(gw, auditRounds.merge(gw, 1L, Long::sum), 1);
    }

    /** Context audits of a gateway that failed are asked again this many times, a second more apart each time. */
    static final int MERGE_AUDIT_ATTEMPTS = 5;

    /**
     * Audits the gateway's contexts and rebuilds their calls. An audit that fails (unanswered, or refused as a whole:
     * 504 from a gateway that went to another controller for a while) says nothing about what the gateway holds:
     * its calls are neither declared gone nor is the gateway taken as arrived (a far end naming it would then find
     * its leg missing); the audit is asked again while the gateway stays, up to {@link #MERGE_AUDIT_ATTEMPTS}.
     */
    private void auditForMerge(Gateway gw, long round, int attempt) {
        merge.audit(gw, ok -> {
            if (auditRounds.getOrDefault(gw, 0L) != round) return; // it registered again: a newer audit runs
            if (!ok && gw.state().reachable() && attempt < MERGE_AUDIT_ATTEMPTS) {
                LOG.log(System.Logger.Level.WARNING, () -> gw.name() + ": context audit failed (attempt " + attempt
                        + "); asking again in " + attempt + " s");
                svc.startTimer(attempt * 1000L, () -> {
                    if (auditRounds.getOrDefault(gw, 0L) == round && reconstructing.contains(gw) && gw.state().reachable()) {
                        auditForMerge(gw, round, attempt + 1);
                    }
                });
                return;
            }
            reconstructing.remove(gw);
            conferenceLinesAudited(gw);
            if (gw.state() != GatewayState.IN_SERVICE) { heldEvents.remove(gw); return; }
            inService(gw, true);
            replayHeldEvents(gw);
            // a phone's INVITE still trying (its 180 lost) may be vouched for by a call rebuilt now
            if (phones != null) phones.migratedCallsRebuilt();
        });
    }

    /** Events held while the gateway registered: those of lines in calls (or kept talk-path-only), in order. */
    private void replayHeldEvents(Gateway gw) {
        List<Map.Entry<Line, ObservedEvent>> held = heldEvents.remove(gw);
        if (held == null) return;
        for (Map.Entry<Line, ObservedEvent> e : held) {
            Line l = e.getKey();
            if (callOf.containsKey(l) || merge.untrusted(l)) {
                offHookWhileRegistering.remove(l);
                lineEvent(l, e.getValue());
            }
        }
    }

    /** The gateway's contexts are being audited for cookies (its calls are being rebuilt). */
    public boolean reconstructing(Gateway gw) { return reconstructing.contains(gw); }

    /** The gateway is registered here and past its context audit: a leg expected there and not found is gone. */
    boolean arrived(Gateway gw) { return gw.state() == GatewayState.IN_SERVICE && !reconstructing.contains(gw); }

    /** Contexts on {@code gw} that calls here hold (a migrated call's expected legs excepted). */
    java.util.Set<ContextId> ownedContexts(Gateway gw) {
        java.util.Set<ContextId> out = new java.util.HashSet<>();
        for (Call c : calls.on(gw)) {
            for (Call.Leg leg : c.legs) if (leg.gateway == gw && leg.context != null && !leg.expected) out.add(leg.context);
        }
        return out;
    }

    /** A rebuilt call found all its legs while ringing: the no-answer timer goes on with what was left of it. */
    void ringingRestored(Call c) {
        if (c.state != CallState.SETUP) return;
        if (c.callee != null && c.callee.trunk()) { c.state(CallState.RINGING); answer(c); return; }
        c.state(CallState.RINGING);
        restoreNoAnswer(c);
        if (c.sip != null && c.sip.answerWaiting != null && !c.sip.gone && c.sip.role == CallStructure.Role.CALLEE) {
            // the phone answered (through the SIP side) before the gateway's parts were here
            String sdp = c.sip.answerWaiting;
            c.sip.answerWaiting = null;
            new PhoneSide(c).answered(sdp);
        } else if (c.sip != null && c.sip.outgoing != null && !c.sip.gone && c.sip.role == CallStructure.Role.CALLEE) {
            new PhoneSide(c).ringing(); // its ringing dialog came first: the line hears ring-back now
        }
    }

    /**
     * A rebuilt call not answered yet: its no-answer timer goes on with what was left of it, whether or not all its
     * legs have arrived (a gateway that never returns must not leave the other side ringing for ever).
     */
    void restoreNoAnswer(Call c) {
        if (c.noAnswerTimer != 0 || c.state != CallState.SETUP && c.state != CallState.RINGING) return;
        long left = timers.noAnswerSeconds() * 1000L - (svc.now() - c.stateSince);
        c.noAnswerTimer = svc.startTimer(Math.max(1000L, left), () -> {
            c.noAnswerTimer = 0;
            LOG.log(System.Logger.Level.DEBUG, () -> c + ": no answer");
            c.cdr.ending(CallRecord.NO_ANSWER, null);
            release(c, REORDER, null);
        });
    }

    /** A rebuilt call's ringing consultation: its no-answer timer goes on ({@link CallFeatures#restoreConsultTimer}). */
    void restoreConsultNoAnswer(Call c) { features.restoreConsultTimer(c); }

    /** A rebuilt call's cookies are checked (and written where they changed) at the end of this event. */
    void touch(Call c) { touched.add(c); }

    /** A party's gateway came back without the party's context: for the call, that party hung up. */
    void partyLost(Call c, Line l) {
        if (c.state == CallState.RELEASED) return;
        if (c.featured) { features.event(c, l, ON_HOOK, null); return; }
        release(c, BUSY, l.gateway());
    }

    /** Subtracts everything in a context nobody's call holds (a leftover of a call released while its gateway was away). */
    void subtractContext(Gateway gw, ContextId ctx) {
        send(gw, new ActionRequest(ctx, List.of(), List.of(),
                List.of(new CommandRequest(new Command.Subtract(List.of(TerminationId.ALL), null), true, false))));
    }

    /** A line of a talk-path-only context hung up: out of the context (the context's last line takes it along), idle. */
    void leaveUntrusted(Line l, ContextId ctx, boolean last) {
        List<ActionRequest> actions = new ArrayList<>();
        Command out = last ? new Command.Subtract(List.of(TerminationId.ALL), null) : H248.subtract(l.termination(), false);
        actions.add(new ActionRequest(ctx, List.of(), List.of(), List.of(new CommandRequest(out, true, false))));
        l.state(LineState.IDLE);
        actions.add(H248.action(ContextId.NULL, idleCommand(l)));
        send(l.gateway(), actions);
    }

    private void inService(Gateway gw, boolean statePreserved) {
        List<ContextId> stale = gw.takeStaleContexts();
        // a request must fit a datagram: after an outage hundreds of contexts can be stale
        for (int i = 0; statePreserved && i < stale.size(); i += 64) {
            List<ActionRequest> actions = new ArrayList<>();
            for (ContextId ctx : stale.subList(i, Math.min(stale.size(), i + 64))) {
                actions.add(new ActionRequest(ctx, List.of(), List.of(),
                        List.of(new CommandRequest(new Command.Subtract(List.of(TerminationId.ALL), null), true, false))));
            }
            send(gw, actions);
        }
        List<String> orphans = statePreserved ? gw.takeOrphanTerminations() : List.of();
        if (!statePreserved) gw.takeOrphanTerminations();
        // a line still in an orphan context is armed once it is out of it (a NULL-context Modify would fail before)
        List<Line> afterOrphans = new ArrayList<>();
        for (String t : orphans) {
            Line l = gw.line(t);
            if (l != null && l.state() != LineState.OUT_OF_SERVICE && !callOf.containsKey(l)
                    && !offHookWhileRegistering.contains(l)) afterOrphans.add(l);
        }
        if (!orphans.isEmpty()) subtractOrphans(gw, orphans, afterOrphans);
        List<Line> toArm = new ArrayList<>();
        List<Line> offHook = new ArrayList<>();
        for (Line l : gw.lines()) {
            if (l.state() == LineState.OUT_OF_SERVICE || callOf.containsKey(l) || afterOrphans.contains(l)
                    || merge != null && (merge.untrusted(l) || merge.leaving(l))) continue;
            if (offHookWhileRegistering.remove(l)) offHook.add(l);
            else toArm.add(l);
        }
        for (int i = 0; i < toArm.size(); i += 16) {
            List<Command> commands = new ArrayList<>();
            for (Line l : toArm.subList(i, Math.min(toArm.size(), i + 16))) {
                l.state(LineState.IDLE);
                l.offHook(false);
                commands.add(idleCommand(l));
            }
            send(gw, H248.action(ContextId.NULL, commands));
        }
        // an off-hook reported while registering would be lost by arming al/of on a handset already lifted
        for (Line l : offHook) {
            l.state(LineState.IDLE);
            if (l.trunk()) seized(l); else startDialing(l);
        }
    }

    /**
     * Subtracts the terminations of unanswered Add = $ requests from whatever context holds them (ContextID ALL; the
     * gateway answers once per context), then subtracts what is left in each such context (the RTP termination of
     * the lost Add), unless a live call has since been given that context.
     */
    private void subtractOrphans(Gateway gw, List<String> orphans, List<Line> toArm) {
        List<CommandRequest> subtracts = new ArrayList<>();
        for (String t : orphans) subtracts.add(new CommandRequest(H248.subtract(t, false), true, false));
        LOG.log(System.Logger.Level.INFO, () -> gw.name() + ": subtracting orphaned " + orphans);
        association.send(gw, List.of(new ActionRequest(ContextId.ALL, List.of(), List.of(), subtracts)), o -> {
            if (o.reply() == null) return;
            for (Line l : toArm) {
                if (!callOf.containsKey(l) && l.state() != LineState.OUT_OF_SERVICE && gw.state() == GatewayState.IN_SERVICE) armIdle(l);
            }
            List<ActionRequest> rest = new ArrayList<>();
            for (ActionReply a : o.reply().actions()) {
                ContextId ctx = a.contextId();
                if (!ctx.isSpecific() || contextInUse(gw, ctx)) continue;
                rest.add(new ActionRequest(ctx, List.of(), List.of(),
                        List.of(new CommandRequest(new Command.Subtract(List.of(TerminationId.ALL), null), true, false))));
            }
            if (!rest.isEmpty()) send(gw, rest);
        });
    }

    /** A live call has this context on this gateway, or is adding one there (its id is not known yet). */
    private boolean contextInUse(Gateway gw, ContextId ctx) {
        for (Call c : calls.on(gw)) {
            for (Call.Leg leg : c.legs) {
                if (leg.gateway == gw && (leg.adding || ctx.equals(leg.context))) return true;
            }
        }
        return false;
    }

    @Override public void gatewayStateLost(Gateway gw) {
        // conferences first: the focus hears of it before the lines moved into their contexts leave with their calls
        for (GatewayConference g : List.copyOf(conferences)) if (g.gateway() == gw) g.gatewayLost();
        for (Call c : new ArrayList<>(calls.values())) {
            if (!c.uses(gw)) continue;
            c.cdr.ending(CallRecord.FAILED, "gateway " + gw.name() + " lost");
            release(c, REORDER, gw);
        }
        for (Line l : gw.lines()) if (l.state() != LineState.OUT_OF_SERVICE) l.state(LineState.UNARMED);
    }

    @Override public void lineOutOfService(Line line) {
        Call c = callOf.get(line);
        line.state(LineState.OUT_OF_SERVICE);
        if (c != null) {
            c.cdr.ending(CallRecord.FAILED, line + " out of service");
            release(c, REORDER, null);
        }
    }

    @Override public void lineInService(Line line) {
        if (line.state() == LineState.OUT_OF_SERVICE || line.state() == LineState.UNARMED) {
            line.offHook(false);
            if (line.gateway().state() == GatewayState.IN_SERVICE) armIdle(line);
        }
    }

    /**
     * The gateway went to the primary with its calls (failback, docs/migration.md): they are the primary's now.
     * Each call on it is forgotten here, timers and all, without a message; its other gateways are being handed
     * back too (immediate failback hands back every gateway), so nothing of it is left to serve.
     */
    @Override public void gatewayHandedOff(Gateway gw) {
        for (GatewayConference g : List.copyOf(conferences)) if (g.gateway() == gw) g.handedBack();
        for (Call c : new ArrayList<>(calls.values())) {
            if (!c.uses(gw)) continue;
            svc.cancelTimer(c.noAnswerTimer);
            c.noAnswerTimer = 0;
            features.ended(c);
            calls.remove(c.id);
            byKey.remove(c.key, c);
            for (Line l : c.parties.keySet()) callOf.remove(l, c);
            c.state(CallState.RELEASED);
            LOG.log(System.Logger.Level.INFO, () -> c + ": handed back with " + gw.name());
        }
        for (Line l : gw.lines()) if (l.state() != LineState.OUT_OF_SERVICE) l.state(LineState.UNARMED);
        if (merge != null) for (Line l : gw.lines()) merge.forget(l);
    }

    @Override public int callsOn(Gateway gw) {
        int n = 0;
        for (Call c : calls.values()) if (c.uses(gw)) n++;
        // a focus conference mixed there is a call too (a gateway is idle, or drained, only once it has ended)
        for (GatewayConference g : conferences) if (g.gateway() == gw) n++;
        return n;
    }

    private void send(Gateway gw, ActionRequest action) { send(gw, List.of(action)); }

    private void send(Gateway gw, List<ActionRequest> actions) {
        association.send(gw, actions, o -> {
            if (!o.ok() && !o.failed()) LOG.log(System.Logger.Level.INFO, () -> gw.name() + ": " + o);
        });
    }

}
