package dev.holdfast.controller.call;

import dev.holdfast.controller.gateway.Gateway;
import dev.holdfast.controller.gateway.Line;
import dev.holdfast.h248.message.ContextId;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A call: its parties (analog lines or trunk circuits, each with a role), its contexts on the gateways and the
 * inter-gateway connections (IGCs) between them. A basic call has two parties and at most one context per gateway;
 * hold, consultation, transfer and conference (docs/h248-profile.md, "Call features") add a third party, a second
 * context on the host's gateway, and IGCs.
 */
public final class Call {
    /** The call's part in one context of one gateway: the context and the terminations in it. */
    static final class Leg {
        final Gateway gateway;
        ContextId context;
        final LinkedHashSet<String> terminations = new LinkedHashSet<>();
        /** An Add = $ is on its way: the context id is not known yet. */
        boolean adding;
        /** Rebuilt from a far end's cookie (FEGI/FECEI): its gateway has not arrived to confirm it yet. */
        boolean expected;
        /**
         * Migration: local and remote SDP the audit found on terminations here whose cookie was missing or did not
         * verify (an IGC end may be known only later, from its far end's cookie); null when there were none.
         */
        Map<String, String[]> unverifiedSdp;

        Leg(Gateway gateway) { this.gateway = gateway; }

        @Override public String toString() { return gateway.name() + "/" + context + terminations; }
    }

    /** One side of an inter-gateway connection. */
    static final class IgcEnd {
        /** Changes when a Move takes the RTP termination to another context. */
        Leg leg;
        String rtp;
        String local;
        String remote;
        IgcEnd far;

        IgcEnd(Leg leg) { this.leg = leg; }
    }

    /** What the call's features are doing (docs/h248-profile.md, "Call features"). */
    public enum Feature {
        /** A plain two-party call. */
        NONE,
        /** The host put the other party on hold and hears recall dial tone. */
        HOLD,
        /** The host calls (or talks to) a third party while the first is held. */
        CONSULT,
        /** During a consultation the host flashed: both others are held, the host may dial a feature code. */
        CONSULT_RECALL,
        /** The host left during the consultation's ringing: the held party now hears the third party ring. */
        TRANSFER_RINGING,
        /** All three talk in one context on the host's gateway. */
        CONFERENCE,
        /** The host flashed during a conference: the others still talk, the host may dial a feature code. */
        CONFERENCE_RECALL,
        /**
         * Not a line call's: the SIP conference focus's conference mixed on a gateway context (docs/sip.md,
         * "Conference"). Only its cookies carry it, so that the alternate hands those parts to the focus.
         */
        FOCUS
    }

    /**
     * A SIP phone as the calling party: its dialog, its number and how to tell it what happens on the line side.
     * Its media ends in {@code rtp}, an ephemeral RTP termination next to the called line.
     */
    static final class SipParty {
        /** Changes when a transfer gives the call's SIP side to another phone. */
        String number;
        /** The phone's dialog; for a call to the phone, known once the INVITE is sent. */
        String callId;
        /**
         * For a call from the phone: how to tell it what happens; null for a call to it. A call rebuilt after a
         * controller failure gets it (either way round) when the SIP side adopts the phone's dialog.
         */
        dev.holdfast.controller.sip.LineRouter.SipParty phone;
        /** For a call to the phone: the SIP side's call, to release it; null until the INVITE is sent. */
        dev.holdfast.controller.sip.PhoneRouter.PhoneCall outgoing;
        /** CALLER or CALLEE. */
        final CallStructure.Role role;
        IgcEnd rtp;
        /** The phone left: nothing more is reported to it. */
        boolean gone;
        /** The RTP termination's mode set by the phone's last re-INVITE (hold: RECVONLY or INACTIVE), null: as set up. */
        dev.holdfast.h248.message.LocalControlDescriptor.Mode mode;
        /** The answer of a called phone that came before its call's gateway was audited (a call taken over while ringing). */
        String answerWaiting;
                /** What the phone is told if the call fails before answer. */
        int failure = 503;
        String failureReason = "Service Unavailable";

        SipParty(String number, String callId, dev.holdfast.controller.sip.LineRouter.SipParty phone) {
            this.number = number;
            this.callId = callId;
            this.phone = phone;
            this.role = CallStructure.Role.CALLER;
        }

        /** The called phone of a call from a line. */
        SipParty(String number) {
            this.number = number;
            this.phone = null;
            this.role = CallStructure.Role.CALLEE;
        }
    }

    final long id;
    /**
     * The calling line; null when the caller is a SIP phone ({@link #sip}). Set once, but for a call rebuilt from an
     * older cookie that a newer one says is a basic call (CallMerge).
     */
    Line caller;
    /** The called line; null when the callee is a SIP phone ({@link #sip}). Set once, as {@link #caller}. */
    Line callee;
    /** Its legs; the register hears of each leg added, to find a gateway's calls without a scan of every call. */
    final List<Leg> legs = new ArrayList<>() {
        @Override public boolean add(Leg l) {
            super.add(l);
            if (register != null) register.onGateway(l.gateway, Call.this);
            return true;
        }

        @Override public void add(int index, Leg l) {
            super.add(index, l);
            if (register != null) register.onGateway(l.gateway, Call.this);
        }

        @Override public boolean addAll(java.util.Collection<? extends Leg> c) { throw new UnsupportedOperationException("add legs one by one"); }

        @Override public boolean addAll(int index, java.util.Collection<? extends Leg> c) { throw new UnsupportedOperationException("add legs one by one"); }
    };
    /** IGCs, each by its first end (whose {@code far} is the other). */
    final List<IgcEnd> igcs = new ArrayList<>();
    /** The basic call's IGC, caller's side and callee's side. */
    IgcEnd igcA;
    IgcEnd igcB;
    /** Parties in the order they joined, with their roles. */
    final Map<Line, CallStructure.Role> parties = new LinkedHashMap<>();
    /** Set through {@link #state(CallState)} only (the register hears of every change). */
    CallState state = CallState.SETUP;
    long noAnswerTimer;
    /** A party hung up while contexts were being created: release once they exist. */
    boolean releaseWanted;
    String releaseTone;
    /** The called party went off-hook before the call reached RINGING. */
    boolean answeredEarly;
    /** An outgoing trunk call: the digits sent on the trunk. */
    String outpulse;
    /** The calling SIP phone, or null. */
    SipParty sip;

    // ---- features (all on the host's gateway)
    /** A feature was used: events go to {@link CallFeatures}, the caller/callee fields no longer say who is in. */
    boolean featured;
    /** Set through {@link #feature(Feature)} only. */
    Feature feature = Feature.NONE;
    /** The register this call is in (it hears of state and feature changes), or null. */
    CallRegister register;
    /** The gateways under which {@link #register} indexes this call (so that its removal takes it out of each). */
    final List<dev.holdfast.controller.gateway.Gateway> indexedOn = new ArrayList<>(2);

    void state(CallState s) {
        if (state == s) return;
        state = s;
        if (register != null) register.changed(this);
    }

    void feature(Feature f) {
        if (feature == f) return;
        feature = f;
        if (register != null) register.changed(this);
    }
    /** The parties' roles before a hold, given back on retrieve. */
    Map<Line, CallStructure.Role> rolesBeforeHold;
    /** The consultation's no-answer timer. */
    long consultTimer;
    /** The line that holds, consults, transfers or hosts the conference. */
    Line host;
    Line held;
    Line consulted;
    /** The context the held party's side stays in on the host's gateway, and its termination there. */
    Leg heldLeg;
    String heldTerm;
    /** The consultation's context on the host's gateway, and the consulted party's termination there. */
    Leg consultLeg;
    String consultTerm;
    /** Where the consultation is: SETUP, RINGING or CONNECTED. */
    CallState consultState;
    /** The host hung up while the consultation's contexts were being created: transfer once they exist. */
    boolean transferWanted;
    /** Conference members in the order they were added (host excluded). */
    final List<Line> conferees = new ArrayList<>();

    // ---- migration (docs/migration.md)
    /** The call's identity across controllers: kept by an alternate that rebuilds the call. */
    final long key;
    /** Counts the call's cookie-visible state changes; 0 until the first cookie. */
    int generation;
    /** When the call entered its cookie-visible state (epoch ms, core time). */
    long stateSince;
    /** The call-level content of the cookies last written, or null. */
    CallCookies.Content cookieContent;
    /** The cookie last written on each part: a {@link Line}, or an {@link IgcEnd} for an RTP termination. */
    final Map<Object, dev.holdfast.controller.cookie.CallCookie> stamped = new java.util.HashMap<>();
    /**
     * The generation the merge gave the call (of the newest cookie seen); once the call's own changes here have
     * moved past it, a part from before the failover is no longer newer than the call, whatever its number says.
     */
    int mergedGeneration;
    /** The cookie whose call-level content the merge gave the call. */
    dev.holdfast.controller.cookie.CallCookie mergedFrom;
    /** Rebuilt from cookies by this controller after its original controller failed. */
    boolean migrated;
    /**
     * When this controller last put a part of the migrated call back (its first cookie rebuilt it, a gateway's
     * context confirmed a leg, a phone's dialog joined it; the core's clock, epoch ms), 0 for a call set up here: a
     * failover drill measures each call from when its own gateways and phone detected the loss to this.
     */
    long rebuiltAt;

    /** For its call detail record: set-up and answer times, why it ended. */
    final dev.holdfast.controller.cdr.CdrFacts cdr = new dev.holdfast.controller.cdr.CdrFacts();

    Call(long id, Line caller, Line callee) {
        this(id, id, caller, callee);
    }

    Call(long id, long key, Line caller, Line callee) {
        this.id = id;
        this.key = key;
        this.caller = caller;
        this.callee = callee;
        if (caller != null) parties.put(caller, CallStructure.Role.CALLER);
        if (callee != null) parties.put(callee, CallStructure.Role.CALLEE);
    }

    /** The first leg on {@code gw}, created if there is none (a basic call has at most one per gateway). */
    Leg leg(Gateway gw) {
        for (Leg l : legs) if (l.gateway == gw) return l;
        Leg l = new Leg(gw);
        legs.add(l);
        return l;
    }

    /** The leg holding {@code termination} on {@code gw}, or null. */
    Leg legWith(Gateway gw, String termination) {
        for (Leg l : legs) if (l.gateway == gw && l.terminations.contains(termination)) return l;
        return null;
    }

    /** The IGC end that is this termination of this leg, or null. */
    IgcEnd igcEnd(Leg leg, String termination) {
        for (IgcEnd e : igcs) {
            if (e.leg == leg && termination.equals(e.rtp)) return e;
            if (e.far != null && e.far.leg == leg && termination.equals(e.far.rtp)) return e.far;
        }
        return null;
    }

    void addIgc(IgcEnd a, IgcEnd b) {
        a.far = b;
        b.far = a;
        igcs.add(a);
    }

    void removeIgc(IgcEnd e) {
        igcs.remove(e);
        igcs.remove(e.far);
    }

    boolean intraGateway() { return caller != null && callee != null && caller.gateway() == callee.gateway(); }

    private String sipParty() { return "sip:" + sip.number; }

    boolean adding() {
        for (Leg l : legs) if (l.adding) return true;
        return false;
    }

    boolean uses(Gateway gw) {
        for (Leg l : legs) if (l.gateway == gw) return true;
        for (Line l : parties.keySet()) if (l.gateway() == gw) return true;
        return false;
    }

    public long id() { return id; }

    /** The call's identity across controllers (the cookies' callKey). */
    public long key() { return key; }

    /** Rebuilt from cookies after a controller failure. */
    public boolean migrated() { return migrated; }

    /** See {@link #rebuiltAt}: when the last part of this migrated call was put back (epoch ms), 0 if never. */
    public long rebuiltAt() { return rebuiltAt; }

    /** No SIP party, or one this controller can talk to (a migrated call's phone: once its dialog is adopted). */
    public boolean sipPartyPresent() { return sip == null || !sip.gone; }

    public CallState state() { return state; }

    /** What the call's features are doing. */
    public Feature feature() { return feature; }

    public Line caller() { return caller; }

    public Line callee() { return callee; }

    /** The parties now in the call, in the order they joined. */
    public List<Line> parties() { return List.copyOf(parties.keySet()); }

    public CallStructure structure() {
        List<CallStructure.Leg> ls = new ArrayList<>();
        for (Leg l : legs) ls.add(new CallStructure.Leg(l.gateway.name(), l.context, List.copyOf(l.terminations)));
        List<CallStructure.Igc> igcList = new ArrayList<>();
        for (IgcEnd e : igcs) if (e.far != null) igcList.add(new CallStructure.Igc(end(e, e.far), end(e.far, e)));
        // a line moved into a conference's context has no RTP termination of its own for the SIP side
        CallStructure.SipLeg sipLeg = sip == null ? null : sip.rtp == null
                ? new CallStructure.SipLeg(sip.number, sip.callId, null, null, null, null, null)
                : new CallStructure.SipLeg(sip.number, sip.callId,
                sip.rtp.leg.gateway.name(), sip.rtp.leg.context, sip.rtp.rtp, sip.rtp.local, sip.rtp.remote);
        List<String> names = new ArrayList<>();
        List<CallStructure.Party> roles = new ArrayList<>();
        if (sip != null && sip.role == CallStructure.Role.CALLER) {
            // the phone's dialog is the party; its media ends in the RTP termination next to the line
            names.add(sipParty());
            roles.add(new CallStructure.Party(sipParty(), null, sip.callId, null, CallStructure.Role.CALLER));
        }
        for (Map.Entry<Line, CallStructure.Role> p : parties.entrySet()) {
            Line l = p.getKey();
            names.add(party(l));
            Leg in = null;
            for (Leg leg : legs) if (leg.gateway == l.gateway() && leg.terminations.contains(l.termination())) in = leg;
            roles.add(new CallStructure.Party(party(l), l.gateway().name(), l.termination(),
                    in == null ? null : in.context, p.getValue()));
        }
        if (sip != null && sip.role == CallStructure.Role.CALLEE) {
            names.add(sipParty());
            roles.add(new CallStructure.Party(sipParty(), null, sip.callId, null, CallStructure.Role.CALLEE));
        }
        return new CallStructure(id, state, names, ls, igcList, roles, feature.name(), sipLeg);
    }

    /** A line's number, or for a trunk {@code trunk:group/termination}. */
    private String party(Line l) {
        if (!l.trunk()) return l.number();
        return "trunk:" + l.trunkGroup() + "/" + l.termination() + (l == callee && outpulse != null ? ":" + outpulse : "");
    }

    private static CallStructure.IgcEnd end(IgcEnd e, IgcEnd far) {
        return new CallStructure.IgcEnd(e.leg.gateway.name(), e.leg.context, e.rtp, e.local, e.remote,
                far.leg.gateway.name(), far.leg.context);
    }

    @Override public String toString() {
        StringBuilder p = new StringBuilder(sip == null || sip.role != CallStructure.Role.CALLER ? "" : sipParty());
        for (Line l : parties.keySet()) p.append(p.length() == 0 ? "" : ",").append(party(l));
        if (sip != null && sip.role == CallStructure.Role.CALLEE) p.append(',').append(sipParty());
        return "call " + id + " " + p + " " + state + (feature == Feature.NONE ? "" : " " + feature);
    }
}
