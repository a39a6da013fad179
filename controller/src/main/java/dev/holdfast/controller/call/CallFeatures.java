package dev.holdfast.controller.call;

import dev.holdfast.controller.core.H248;
import dev.holdfast.controller.dialplan.Route;
import dev.holdfast.controller.gateway.Gateway;
import dev.holdfast.controller.gateway.GatewayState;
import dev.holdfast.controller.gateway.Line;
import dev.holdfast.controller.gateway.LineState;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.CommandRequest;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.Descriptor;
import dev.holdfast.h248.message.DigitMapDescriptor;
import dev.holdfast.h248.message.DigitMapValue;
import dev.holdfast.h248.message.EventParameter;
import dev.holdfast.h248.message.LocalControlDescriptor.Mode;
import dev.holdfast.h248.message.ObservedEventsDescriptor.ObservedEvent;
import dev.holdfast.h248.message.RequestedEvent;
import dev.holdfast.h248.message.SignalParm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.holdfast.controller.call.CallProcessor.BUSY;
import static dev.holdfast.controller.call.CallProcessor.DIAL_TONE;
import static dev.holdfast.controller.call.CallProcessor.DIGITS;
import static dev.holdfast.controller.call.CallProcessor.FLASH;
import static dev.holdfast.controller.call.CallProcessor.OFF_HOOK;
import static dev.holdfast.controller.call.CallProcessor.ON_HOOK;
import static dev.holdfast.controller.call.CallProcessor.REORDER;
import static dev.holdfast.controller.call.CallProcessor.RING_BACK;

/**
 * Hook-flash features of analog lines (docs/h248-profile.md, "Call features"): hold and retrieve, consultation,
 * transfer (attended, and during the consultation's ringing), three-party conference on the host's gateway and
 * dropping a party. Everything is done on the host's gateway: the held side stays in its context there with
 * {@code Mode=Inactive}; the host is moved (H.248 Move) into the consultation's context; a transfer or a
 * conference moves the held side's termination into that context. A party leaving takes its branch with it
 * (its line, and the RTP terminations that only led to it).
 */
final class CallFeatures {
    private static final System.Logger LOG = System.getLogger(CallFeatures.class.getName());
    /** The digit map armed after a flash in a consultation or conference: one feature digit. */
    static final String FEATURE_MAP = "features";
    static final String FEATURE_MAP_VALUE = "(x|E|F)";
    /** After a flash during a consultation: all three in one conference. */
    static final String CONFERENCE_CODE = "3";
    /** After a flash during a conference: drop the party added last. */
    static final String DROP_LAST_CODE = "2";

    private final CallProcessor cp;

    CallFeatures(CallProcessor cp) { this.cp = cp; }

    /** An event from a party of a call that is connected and flashed, or already uses features. */
    void event(Call c, Line line, String name, ObservedEvent e) {
        if (c.state == CallState.RELEASED) return;
        switch (name) {
            case FLASH -> flash(c, line);
            case ON_HOOK -> onHook(c, line);
            case OFF_HOOK -> offHook(c, line);
            case DIGITS -> { if (line == c.host) digits(c, H248.parameter(e, "ds")); }
            default -> { }
        }
    }

    /** The call is being released: its feature timer goes. */
    void ended(Call c) {
        cp.svc.cancelTimer(c.consultTimer);
        c.consultTimer = 0;
    }

    // ------------------------------------------------------------------------------------------ dispatch

    private void flash(Call c, Line line) {
        if (line.trunk() || c.adding()) return;
        switch (c.feature) {
            case NONE -> { if (c.state == CallState.CONNECTED && c.parties.size() == 2) hold(c, line); }
            case HOLD -> { if (line == c.host) retrieve(c); }
            case CONSULT -> {
                if (line != c.host) return;
                if (c.consultState == CallState.CONNECTED) consultRecall(c);
                else if (c.consultState == CallState.RINGING && c.held != null) consultEnded(c, false);
            }
            case CONSULT_RECALL -> { if (line == c.host) consultEnded(c, true); }
            case CONFERENCE -> { if (line == c.host) conferenceRecall(c); }
            case CONFERENCE_RECALL -> { if (line == c.host) backToConference(c); }
            default -> { }
        }
    }

    private void onHook(Call c, Line line) {
        if (!c.parties.containsKey(line)) return;
        if (c.adding()) {
            if (line == c.host && c.feature == Call.Feature.CONSULT) c.transferWanted = true;
            else { c.releaseWanted = true; c.releaseTone = BUSY; }
            return;
        }
        switch (c.feature) {
            case NONE, HOLD, TRANSFER_RINGING -> cp.release(c, BUSY, null);
            case CONSULT, CONSULT_RECALL -> {
                if (line == c.host) transfer(c);
                else if (line == c.held) heldLeft(c);
                else if (line == c.consulted) consultEnded(c, false);
            }
            case CONFERENCE, CONFERENCE_RECALL -> leaveConference(c, line);
        }
    }

    private void offHook(Call c, Line line) {
        if (line != c.consulted) return;
        if (c.feature != Call.Feature.CONSULT && c.feature != Call.Feature.TRANSFER_RINGING) return;
        if (c.consultState == CallState.RINGING) consultAnswered(c);
        else if (c.consultState == CallState.SETUP) c.answeredEarly = true;
    }

    private void digits(Call c, String ds) {
        switch (c.feature) {
            case HOLD -> consultDial(c, ds);
            case CONSULT_RECALL -> { if (CONFERENCE_CODE.equals(ds)) conference(c); else backToConsult(c); }
            case CONFERENCE_RECALL -> { if (DROP_LAST_CODE.equals(ds)) dropLast(c); else backToConference(c); }
            default -> { }
        }
    }

    // ------------------------------------------------------------------------------------------ hold and retrieve

    /** The other party's termination in the host's context goes Inactive; the host hears recall dial tone. */
    private void hold(Call c, Line host) {
        Call.Leg leg = c.legWith(host.gateway(), host.termination());
        if (leg == null || leg.context == null || !leg.context.isSpecific()) return;
        String other = null;
        for (String t : leg.terminations) {
            if (t.equals(host.termination())) continue;
            if (other != null) return; // not a two-party context
            other = t;
        }
        Line held = null;
        for (Line l : c.parties.keySet()) if (l != host) held = l;
        if (other == null || held == null) return;
        c.featured = true;
        c.feature(Call.Feature.HOLD);
        c.host = host;
        c.held = held;
        c.heldLeg = leg;
        c.heldTerm = other;
        c.rolesBeforeHold = new LinkedHashMap<>(c.parties);
        c.parties.put(host, CallStructure.Role.HOST);
        c.parties.put(held, CallStructure.Role.HELD);
        Line heldParty = held;
        LOG.log(System.Logger.Level.DEBUG, () -> c + ": " + heldParty + " held");
        Batch b = new Batch();
        b.add(leg.gateway, leg.context, H248.modify(other, H248.stream(H248.mode(Mode.INACTIVE))));
        b.add(leg.gateway, leg.context, H248.modify(host.termination(), recall(false)));
        send(c, b);
    }

    private void retrieve(Call c) {
        Batch b = new Batch();
        b.add(c.heldLeg.gateway, c.heldLeg.context, H248.modify(c.heldTerm, H248.stream(H248.mode(Mode.SENDRECV))));
        b.add(c.heldLeg.gateway, c.heldLeg.context, connected(c.host));
        LOG.log(System.Logger.Level.DEBUG, () -> c + ": retrieved");
        backToTwoParty(c, true);
        send(c, b);
    }

    /** The host's recall: (recall) dial tone, flash and on-hook armed, digits collected by the dial plan or feature map. */
    private Descriptor[] recall(boolean featureCodes) {
        var t = cp.timers;
        if (!featureCodes) {
            return new Descriptor[] {H248.signals(DIAL_TONE), H248.events(cp.svc.requestId(), ON_HOOK, FLASH, DIGITS),
                    H248.digitMap(t.digitMapStart(), t.digitMapShort(), t.digitMapLong(), cp.dialPlan.digitMap())};
        }
        return new Descriptor[] {H248.signals(DIAL_TONE),
                H248.events(cp.svc.requestId(), RequestedEvent.of(ON_HOOK), RequestedEvent.of(FLASH),
                        RequestedEvent.of(DIGITS, new EventParameter.EventDigitMap(FEATURE_MAP, null))),
                new DigitMapDescriptor(FEATURE_MAP, new DigitMapValue(t.digitMapStart(), t.digitMapShort(),
                        t.digitMapLong(), null, FEATURE_MAP_VALUE))};
    }

    /** A talking party: no signal, on-hook (and flash on a line) armed. */
    private Command connected(Line l) {
        return H248.modify(l.termination(), H248.noSignals(),
                l.trunk() ? H248.events(cp.svc.requestId(), ON_HOOK) : H248.events(cp.svc.requestId(), ON_HOOK, FLASH));
    }

    // ------------------------------------------------------------------------------------------ consultation

    private void consultDial(Call c, String ds) {
        if (ds == null || ds.isEmpty()) {
            sendHost(c, c.heldLeg, H248.modify(c.host.termination(), recall(false)));
            return;
        }
        Route r = cp.dialPlan.route(ds);
        if (r instanceof Route.Trunk tr) {
            // an outside number: a free circuit, the number outpulsed, connected at once (no answer signal)
            Line trunk = cp.association.freeTrunk(tr.group(), c.host.gateway(), l -> !cp.callOf.containsKey(l));
            if (trunk == null) {
                sendHost(c, c.heldLeg, H248.modify(c.host.termination(), H248.signals(REORDER),
                        H248.events(cp.svc.requestId(), ON_HOOK, FLASH)));
            } else {
                consult(c, trunk, tr.digits());
            }
            return;
        }
        if (!(r instanceof Route.Extension e)) {
            sendHost(c, c.heldLeg, H248.modify(c.host.termination(), H248.signals(REORDER),
                    H248.events(cp.svc.requestId(), ON_HOOK, FLASH)));
            return;
        }
        Gateway gw = cp.association.gateway(e.gateway());
        Line target = gw == null ? null : gw.line(e.termination());
        if (target == null || target == c.host || target.state() != LineState.IDLE || cp.callOf.containsKey(target)
                || gw.state() != GatewayState.IN_SERVICE) {
            sendHost(c, c.heldLeg, H248.modify(c.host.termination(), H248.signals(BUSY),
                    H248.events(cp.svc.requestId(), ON_HOOK, FLASH)));
            return;
        }
        consult(c, target, null);
    }

    /**
     * A new context on the host's gateway: the called line rings there (same gateway) or an RTP termination leads
     * to it (other gateway, where the line and an RTP termination get a context of their own); the host is moved
     * in and hears ring-back. The held side stays behind, inactive.
     */
    private void consult(Call c, Line target, String outpulse) {
        Line host = c.host;
        Gateway hg = host.gateway();
        c.feature(Call.Feature.CONSULT);
        c.consulted = target;
        c.consultState = CallState.SETUP;
        c.parties.put(target, CallStructure.Role.CONSULTED);
        cp.callOf.put(target, c);
        target.state(LineState.IN_CALL);
        Call.Leg cl = new Call.Leg(hg);
        cl.adding = true;
        c.legs.add(cl);
        c.consultLeg = cl;
        LOG.log(System.Logger.Level.DEBUG, () -> c + ": consultation with " + target);
        // a trunk gives no ring-back of ours: the far network's tones come through the talk path
        Command moveHost = H248.move(host.termination(), target.trunk() ? H248.noSignals() : H248.signals(RING_BACK),
                H248.events(cp.svc.requestId(), ON_HOOK, FLASH), H248.stream(H248.mode(Mode.SENDRECV)));
        if (target.gateway() == hg) {
            cp.send(c, hg, List.of(H248.action(ContextId.CHOOSE, cp.addCallee(target, outpulse), moveHost)), o -> {
                cl.adding = false;
                if (!o.ok() || o.reply().actions().isEmpty() || !o.reply().actions().get(0).contextId().isSpecific()) {
                    consultFailed(c, o);
                    return;
                }
                cl.context = o.reply().actions().get(0).contextId();
                cl.terminations.add(target.termination());
                hostMoved(c, cl);
                c.consultTerm = target.termination();
                consultRinging(c);
            });
            return;
        }
        Call.Leg fl = new Call.Leg(target.gateway());
        fl.adding = true;
        c.legs.add(fl);
        Call.IgcEnd near = new Call.IgcEnd(cl);
        Call.IgcEnd far = new Call.IgcEnd(fl);
        cp.send(c, hg, List.of(H248.action(ContextId.CHOOSE, cp.addRtp(null), moveHost)), oa -> {
            cl.adding = false;
            if (!CallProcessor.rtpAdded(c, cl, near, oa, 0)) { fl.adding = false; consultFailed(c, oa); return; }
            hostMoved(c, cl);
            c.consultTerm = near.rtp;
            c.addIgc(near, far);
            if (c.releaseWanted) { fl.adding = false; cp.release(c, c.releaseTone, null); return; }
            fl.terminations.add(target.termination());
            cp.send(c, fl.gateway, List.of(H248.action(ContextId.CHOOSE, cp.addCallee(target, outpulse),
                    cp.addRtp(near.local))), ob -> {
                fl.adding = false;
                if (!CallProcessor.rtpAdded(c, fl, far, ob, 1)) { consultFailed(c, ob); return; }
                far.remote = near.local;
                near.remote = far.local;
                if (c.releaseWanted) { cp.release(c, c.releaseTone, null); return; }
                sendHost(c, cl, H248.modify(near.rtp, H248.stream(H248.remote(far.local))));
                consultRinging(c);
            });
        });
    }

    private static void hostMoved(Call c, Call.Leg to) {
        c.heldLeg.terminations.remove(c.host.termination());
        to.terminations.add(c.host.termination());
    }

    private void consultFailed(Call c, dev.holdfast.controller.core.Outcome o) {
        LOG.log(System.Logger.Level.INFO, () -> c + ": consultation set-up failed: " + o);
        c.releaseWanted = false;
        cp.release(c, REORDER, null);
    }

    private void consultRinging(Call c) {
        if (c.releaseWanted) { cp.release(c, c.releaseTone, null); return; }
        c.consultState = CallState.RINGING;
        c.consultTimer = cp.svc.startTimer(cp.timers.noAnswerSeconds() * 1000L, () -> consultNoAnswer(c));
        if (c.consulted.trunk()) c.answeredEarly = true; // no answer signal on our trunks
        if (c.transferWanted) { c.transferWanted = false; transfer(c); }
        if (c.answeredEarly) { c.answeredEarly = false; consultAnswered(c); }
    }

    private void consultNoAnswer(Call c) {
        c.consultTimer = 0;
        if (c.feature == Call.Feature.TRANSFER_RINGING) cp.release(c, REORDER, null);
        else if (c.feature == Call.Feature.CONSULT && c.held != null) consultEnded(c, false);
        else if (c.feature == Call.Feature.CONSULT) cp.release(c, REORDER, null);
    }

    /**
     * A call rebuilt after a migration whose consultation (or transfer during ringing) was still ringing: its
     * no-answer timer goes on with what was left of it, whether or not every gateway has come back (a host whose
     * gateway never returns must not leave the consulted party ringing for ever).
     */
    void restoreConsultTimer(Call c) {
        if (c.consultTimer != 0 || c.consulted == null) return;
        boolean ringing = c.feature == Call.Feature.TRANSFER_RINGING
                || c.consultState != null && c.consultState != CallState.CONNECTED;
        if (!ringing) return;
        long left = cp.timers.noAnswerSeconds() * 1000L - (cp.svc.now() - c.stateSince);
        c.consultTimer = cp.svc.startTimer(Math.max(1000L, left), () -> consultNoAnswer(c));
    }

    /** The consulted party answered: talk path up between it and the host (or, after a transfer, the held party). */
    private void consultAnswered(Call c) {
        cp.svc.cancelTimer(c.consultTimer);
        c.consultTimer = 0;
        c.consultState = CallState.CONNECTED;
        Batch b = new Batch();
        Call.Leg cl = c.consultLeg;
        Call.IgcEnd near = c.igcEnd(cl, c.consultTerm);
        // an outgoing circuit may still be outpulsing: its signals are left alone
        Command consulted = c.consulted.trunk()
                ? H248.modify(c.consulted.termination(), H248.events(cp.svc.requestId(), ON_HOOK)) : connected(c.consulted);
        if (near == null) {
            b.add(cl.gateway, cl.context, consulted);
        } else {
            b.add(near.far.leg.gateway, near.far.leg.context, consulted);
            b.add(near.far.leg.gateway, near.far.leg.context, H248.modify(near.far.rtp, H248.stream(H248.mode(Mode.SENDRECV))));
            b.add(cl.gateway, cl.context, H248.modify(near.rtp, H248.stream(H248.mode(Mode.SENDRECV))));
        }
        if (c.feature == Call.Feature.TRANSFER_RINGING) {
            Call.Leg bl = c.legWith(c.held.gateway(), c.held.termination());
            if (bl != null) b.add(bl.gateway, bl.context, connected(c.held));
            c.state(CallState.CONNECTED);
            LOG.log(System.Logger.Level.DEBUG, () -> c + ": transferred call answered");
            clearFeature(c);
        } else {
            b.add(cl.gateway, cl.context, connected(c.host));
            if (c.held == null) clearFeature(c); // the held party left meanwhile: a plain call now
        }
        send(c, b);
    }

    /** Flash while talking to the consulted party: it is held too, the host may dial a feature code. */
    private void consultRecall(Call c) {
        c.feature(Call.Feature.CONSULT_RECALL);
        Batch b = new Batch();
        b.add(c.consultLeg.gateway, c.consultLeg.context, H248.modify(c.consultTerm, H248.stream(H248.mode(Mode.INACTIVE))));
        b.add(c.consultLeg.gateway, c.consultLeg.context, H248.modify(c.host.termination(), recall(true)));
        send(c, b);
    }

    private void backToConsult(Call c) {
        c.feature(Call.Feature.CONSULT);
        Batch b = new Batch();
        b.add(c.consultLeg.gateway, c.consultLeg.context, H248.modify(c.consultTerm, H248.stream(H248.mode(Mode.SENDRECV))));
        b.add(c.consultLeg.gateway, c.consultLeg.context, connected(c.host));
        send(c, b);
    }

    /**
     * The consultation ends (the consulted party hung up, did not answer, or the host flashed): its branch is
     * released and the host is moved back into the held context, to recall dial tone ({@code retrieve} false) or
     * talking to the held party again ({@code retrieve} true).
     */
    private void consultEnded(Call c, boolean retrieve) {
        cp.svc.cancelTimer(c.consultTimer);
        c.consultTimer = 0;
        Batch b = new Batch();
        dropBranch(c, c.consulted, b, BUSY);
        Call.Leg hl = c.heldLeg;
        Line host = c.host;
        if (retrieve) {
            b.add(hl.gateway, hl.context, H248.move(host.termination(), H248.noSignals(),
                    H248.events(cp.svc.requestId(), ON_HOOK, FLASH), H248.stream(H248.mode(Mode.SENDRECV))));
            b.add(hl.gateway, hl.context, H248.modify(c.heldTerm, H248.stream(H248.mode(Mode.SENDRECV))));
        } else {
            List<Descriptor> d = new ArrayList<>(List.of(recall(false)));
            d.add(H248.stream(H248.mode(Mode.SENDRECV)));
            b.add(hl.gateway, hl.context, H248.move(host.termination(), d.toArray(new Descriptor[0])));
        }
        c.consultLeg.terminations.remove(host.termination());
        if (c.consultLeg.terminations.isEmpty()) c.legs.remove(c.consultLeg);
        hl.terminations.add(host.termination());
        c.consultLeg = null;
        c.consultTerm = null;
        c.consulted = null;
        c.consultState = null;
        LOG.log(System.Logger.Level.DEBUG, () -> c + ": consultation ended" + (retrieve ? ", back to the held party" : ""));
        if (retrieve) backToTwoParty(c, true);
        else c.feature(Call.Feature.HOLD);
        send(c, b);
    }

    /** The held party hung up during the consultation: its branch goes; the host keeps the consulted party. */
    private void heldLeft(Call c) {
        Batch b = new Batch();
        dropBranch(c, c.held, b, BUSY);
        c.held = null;
        c.heldLeg = null;
        c.heldTerm = null;
        if (c.consultState == CallState.CONNECTED) {
            if (c.feature == Call.Feature.CONSULT_RECALL) {
                b.add(c.consultLeg.gateway, c.consultLeg.context, H248.modify(c.consultTerm, H248.stream(H248.mode(Mode.SENDRECV))));
                b.add(c.consultLeg.gateway, c.consultLeg.context, connected(c.host));
            }
            clearFeature(c);
        }
        send(c, b);
    }

    // ------------------------------------------------------------------------------------------ transfer and conference

    /**
     * The host hung up during the consultation: the held side's termination is moved from the held context into
     * the consultation's context, the host is subtracted. During ringing the held party hears ring-back until
     * the consulted party answers.
     */
    private void transfer(Call c) {
        if (c.held == null) { cp.release(c, BUSY, null); return; }
        cp.svc.cancelTimer(c.consultTimer);
        if (c.consultState == CallState.CONNECTED) {
            Call.IgcEnd toHeld = c.igcEnd(c.heldLeg, c.heldTerm);
            Call.IgcEnd toConsulted = c.igcEnd(c.consultLeg, c.consultTerm);
            // the short-cut needs both far ends' SDP (an end rebuilt from its far end's cookie has none until its
            // gateway arrives)
            if (toHeld != null && toConsulted != null && toHeld.far.rtp != null && toConsulted.far.rtp != null
                    && toHeld.far.local != null && toConsulted.far.local != null) {
                shortCut(c, toHeld, toConsulted);
                return;
            }
        }
        boolean ringing = c.consultState != CallState.CONNECTED;
        Line host = c.host;
        Line held = c.held;
        Call.Leg cl = c.consultLeg;
        Batch b = new Batch();
        List<Descriptor> d = new ArrayList<>();
        if (c.heldTerm.equals(held.termination())) {
            d.add(ringing ? H248.signals(RING_BACK) : H248.noSignals());
            d.add(held.trunk() ? H248.events(cp.svc.requestId(), ON_HOOK) : H248.events(cp.svc.requestId(), ON_HOOK, FLASH));
        }
        d.add(H248.stream(H248.mode(Mode.SENDRECV)));
        b.add(cl.gateway, cl.context, H248.move(c.heldTerm, d.toArray(new Descriptor[0])));
        if (c.feature == Call.Feature.CONSULT_RECALL) {
            b.add(cl.gateway, cl.context, H248.modify(c.consultTerm, H248.stream(H248.mode(Mode.SENDRECV))));
        }
        leave(c, host, cl, b);
        if (ringing && !c.heldTerm.equals(held.termination())) {
            Call.Leg bl = c.legWith(held.gateway(), held.termination());
            if (bl != null) b.add(bl.gateway, bl.context, H248.modify(held.termination(), H248.signals(RING_BACK),
                    H248.events(cp.svc.requestId(), ON_HOOK, FLASH)));
        }
        heldMovedInto(c, cl);
        c.parties.put(held, CallStructure.Role.PARTY);
        c.parties.put(c.consulted, ringing ? CallStructure.Role.CALLEE : CallStructure.Role.PARTY);
        c.host = null;
        LOG.log(System.Logger.Level.DEBUG, () -> c + ": transferred" + (ringing ? " during ringing" : ""));
        if (ringing) {
            c.feature(Call.Feature.TRANSFER_RINGING);
            c.state(CallState.RINGING);
            c.parties.put(held, CallStructure.Role.CALLER);
            c.consultTimer = cp.svc.startTimer(cp.timers.noAnswerSeconds() * 1000L, () -> {
                c.consultTimer = 0;
                cp.release(c, REORDER, null);
            });
        } else {
            clearFeature(c);
        }
        send(c, b);
    }

    /**
     * A transfer between two parties that both reach the host's gateway over IGCs: rather than relay their media
     * through two RTP terminations there, the host's gateway lets go of both; on one gateway the held line is moved
     * into the consulted line's context (their RTP terminations subtracted), on two gateways their RTP
     * terminations are pointed at each other (new Remote SDP on each): one IGC instead of two.
     */
    private void shortCut(Call c, Call.IgcEnd toHeld, Call.IgcEnd toConsulted) {
        Line held = c.held;
        Call.Leg cl = c.consultLeg;
        Batch b = new Batch();
        b.optional(c.heldLeg.gateway, c.heldLeg.context, H248.subtract(toHeld.rtp, true));
        b.optional(cl.gateway, cl.context, H248.subtract(toConsulted.rtp, true));
        leave(c, c.host, cl, b);
        c.legs.remove(c.heldLeg);
        c.legs.remove(cl);
        c.removeIgc(toHeld);
        c.removeIgc(toConsulted);
        Call.IgcEnd bEnd = toHeld.far;
        Call.IgcEnd kEnd = toConsulted.far;
        if (bEnd.leg.gateway == kEnd.leg.gateway) {
            Call.Leg bl = bEnd.leg;
            Call.Leg kl = kEnd.leg;
            b.optional(bl.gateway, bl.context, H248.subtract(bEnd.rtp, true));
            b.add(kl.gateway, kl.context, H248.move(held.termination()));
            b.optional(kl.gateway, kl.context, H248.subtract(kEnd.rtp, true));
            bl.terminations.clear();
            c.legs.remove(bl);
            kl.terminations.remove(kEnd.rtp);
            kl.terminations.add(held.termination());
        } else {
            b.add(bEnd.leg.gateway, bEnd.leg.context, H248.modify(bEnd.rtp, H248.stream(H248.remote(kEnd.local))));
            b.add(kEnd.leg.gateway, kEnd.leg.context, H248.modify(kEnd.rtp, H248.stream(H248.remote(bEnd.local))));
            bEnd.remote = kEnd.local;
            kEnd.remote = bEnd.local;
            c.addIgc(bEnd, kEnd);
        }
        c.host = null;
        LOG.log(System.Logger.Level.DEBUG, () -> c + ": transferred, the host's gateway left out");
        clearFeature(c);
        send(c, b);
    }

    /** Flash, then the conference code, during a consultation: the held side is moved into the consultation's context. */
    private void conference(Call c) {
        Call.Leg cl = c.consultLeg;
        Batch b = new Batch();
        b.add(cl.gateway, cl.context, H248.move(c.heldTerm, H248.stream(H248.mode(Mode.SENDRECV))));
        b.add(cl.gateway, cl.context, H248.modify(c.consultTerm, H248.stream(H248.mode(Mode.SENDRECV))));
        b.add(cl.gateway, cl.context, connected(c.host));
        heldMovedInto(c, cl);
        c.feature(Call.Feature.CONFERENCE);
        c.conferees.clear();
        c.conferees.add(c.held);
        c.conferees.add(c.consulted);
        c.parties.put(c.held, CallStructure.Role.CONFEREE);
        c.parties.put(c.consulted, CallStructure.Role.CONFEREE);
        LOG.log(System.Logger.Level.DEBUG, () -> c + ": conference");
        send(c, b);
    }

    private void conferenceRecall(Call c) {
        c.feature(Call.Feature.CONFERENCE_RECALL);
        sendHost(c, c.consultLeg, H248.modify(c.host.termination(), recall(true)));
    }

    private void backToConference(Call c) {
        c.feature(Call.Feature.CONFERENCE);
        sendHost(c, c.consultLeg, connected(c.host));
    }

    /** The host's feature code: the party added last leaves; host and the other go on as a two-party call. */
    private void dropLast(Call c) {
        Line last = c.conferees.get(c.conferees.size() - 1);
        Batch b = new Batch();
        dropBranch(c, last, b, BUSY);
        b.add(c.consultLeg.gateway, c.consultLeg.context, connected(c.host));
        LOG.log(System.Logger.Level.DEBUG, () -> c + ": " + last + " dropped from the conference");
        clearFeature(c);
        send(c, b);
    }

    /** A conference party hung up: the other two go on (through the host's context when the host left). */
    private void leaveConference(Call c, Line line) {
        Batch b = new Batch();
        Call.Leg cl = c.consultLeg;
        if (line == c.host) {
            leave(c, line, cl, b);
            c.host = null;
        } else {
            dropBranch(c, line, b, BUSY);
            if (c.feature == Call.Feature.CONFERENCE_RECALL) b.add(cl.gateway, cl.context, connected(c.host));
        }
        LOG.log(System.Logger.Level.DEBUG, () -> c + ": " + line + " left the conference");
        send(c, b);
        if (c.parties.size() < 2) cp.release(c, BUSY, null);
        else clearFeature(c);
    }

    // ------------------------------------------------------------------------------------------ model

    /** The held side's termination moved into {@code to}; the held context, now empty, is gone. */
    private static void heldMovedInto(Call c, Call.Leg to) {
        Call.IgcEnd e = c.igcEnd(c.heldLeg, c.heldTerm);
        if (e != null) e.leg = to;
        c.heldLeg.terminations.remove(c.heldTerm);
        to.terminations.add(c.heldTerm);
        if (c.heldLeg.terminations.isEmpty()) c.legs.remove(c.heldLeg);
        c.heldLeg = null;
        c.heldTerm = null;
    }

    /** A party's line is subtracted from {@code leg} and, hung up, armed idle in the null context. */
    private void leave(Call c, Line l, Call.Leg leg, Batch b) {
        b.optional(leg.gateway, leg.context, H248.subtract(l.termination(), false));
        leg.terminations.remove(l.termination());
        c.parties.remove(l);
        cp.callOf.remove(l, c);
        nullContext(l, b, BUSY);
    }

    private void nullContext(Line l, Batch b, String tone) {
        if (l.state() == LineState.OUT_OF_SERVICE) return;
        if (!l.trunk() && l.offHook()) {
            l.state(LineState.LOCKOUT);
            b.add(l.gateway(), ContextId.NULL, cp.lockoutCommand(l, SignalParm.Request.of(tone)));
        } else {
            l.state(LineState.IDLE);
            b.add(l.gateway(), ContextId.NULL, cp.idleCommand(l));
        }
    }

    /**
     * A party leaves: its line is subtracted, then every RTP termination left alone in a context (it only led to
     * that party) is subtracted with its far end, context by context toward the rest of the call.
     */
    private void dropBranch(Call c, Line line, Batch b, String tone) {
        Call.Leg leg = c.legWith(line.gateway(), line.termination());
        if (leg != null && leg.context != null && leg.context.isSpecific()) {
            b.optional(leg.gateway, leg.context, H248.subtract(line.termination(), false));
            leg.terminations.remove(line.termination());
            prune(c, leg, b);
        }
        c.parties.remove(line);
        cp.callOf.remove(line, c);
        nullContext(line, b, tone);
    }

    /**
     * A leg that lost a termination: gone when empty; when only an IGC end is left (it led to the party that left)
     * that end goes, and its far end, and so on toward the rest of the call. A far end on a leg still expected (a
     * migrated call whose gateway has not arrived) is only forgotten: no command goes to a gateway not audited, and
     * its leg is subtracted with the call should the gateway come back. Also used by {@link CallMerge}.
     */
    static void prune(Call c, Call.Leg leg, Batch b) {
        if (leg.terminations.isEmpty()) { c.legs.remove(leg); return; }
        if (leg.terminations.size() != 1) return;
        String t = leg.terminations.iterator().next();
        Call.IgcEnd e = c.igcEnd(leg, t);
        if (e == null) return;
        b.optional(leg.gateway, leg.context, H248.subtract(t, true));
        leg.terminations.clear();
        c.legs.remove(leg);
        c.removeIgc(e);
        Call.IgcEnd f = e.far;
        if (f == null || f.rtp == null || f.leg.context == null || !f.leg.context.isSpecific()) return;
        f.far = null;
        f.leg.terminations.remove(f.rtp);
        if (f.leg.expected) {
            if (f.leg.terminations.isEmpty()) c.legs.remove(f.leg);
            return;
        }
        b.optional(f.leg.gateway, f.leg.context, H248.subtract(f.rtp, true));
        prune(c, f.leg, b);
    }

    /** Back to a plain two-party call; {@code restoreRoles}: the roles from before the hold. */
    private static void backToTwoParty(Call c, boolean restoreRoles) {
        Map<Line, CallStructure.Role> before = c.rolesBeforeHold;
        c.host = null;
        c.held = null;
        c.heldLeg = null;
        c.heldTerm = null;
        c.feature(Call.Feature.NONE);
        for (Line l : c.parties.keySet()) {
            CallStructure.Role r = restoreRoles && before != null ? before.get(l) : null;
            c.parties.put(l, r != null ? r : CallStructure.Role.PARTY);
        }
        c.rolesBeforeHold = null;
    }

    /** Whatever the features were, the call is now a plain two-party call. */
    private static void clearFeature(Call c) {
        c.feature(Call.Feature.NONE);
        c.host = null;
        c.held = null;
        c.heldLeg = null;
        c.heldTerm = null;
        c.consulted = null;
        c.consultLeg = null;
        c.consultTerm = null;
        c.consultState = null;
        c.conferees.clear();
        c.rolesBeforeHold = null;
        for (Line l : c.parties.keySet()) c.parties.put(l, CallStructure.Role.PARTY);
    }

    // ------------------------------------------------------------------------------------------ sending

    private void sendHost(Call c, Call.Leg leg, Command command) {
        Batch b = new Batch();
        b.add(leg.gateway, leg.context, command);
        send(c, b);
    }

    /**
     * One transaction per gateway. A refused command that was not optional means the call is no longer what we
     * think it is: it is released (reorder). A gateway that does not answer is the association's business.
     */
    private void send(Call c, Batch b) {
        for (Map.Entry<Gateway, List<ActionRequest>> e : b.actions().entrySet()) {
            Gateway gw = e.getKey();
            List<ActionRequest> actions = e.getValue();
            cp.send(c, gw, actions, o -> {
                if (o.ok() || o.failed()) return;
                LOG.log(System.Logger.Level.WARNING, () -> c + ": " + gw.name() + " refused: " + o);
                if (mandatoryFailed(actions, o) && c.state != CallState.RELEASED) cp.release(c, REORDER, null);
            });
        }
    }

    /** Whether the reply carries an error of the transaction, an action, or a command not sent as optional. */
    static boolean mandatoryFailed(List<ActionRequest> actions, dev.holdfast.controller.core.Outcome o) {
        if (o.reply().error() != null) return true;
        for (int i = 0; i < o.reply().actions().size(); i++) {
            var ar = o.reply().actions().get(i);
            if (ar.error() != null) return true;
            List<CommandRequest> sent = i < actions.size() ? actions.get(i).commands() : List.of();
            for (int j = 0; j < ar.replies().size(); j++) {
                if (H248.error(ar.replies().get(j)) == null) continue;
                if (j >= sent.size() || !sent.get(j).optional()) return true;
            }
        }
        return false;
    }

    /** Commands collected per gateway, consecutive ones for one context in one action. */
    static final class Batch {
        private final Map<Gateway, List<Map.Entry<ContextId, List<CommandRequest>>>> byGateway = new LinkedHashMap<>();

        void add(Gateway gw, ContextId ctx, Command command) { add(gw, ctx, CommandRequest.of(command)); }

        /** An optional command ({@code O-}): its failure does not stop the others. */
        void optional(Gateway gw, ContextId ctx, Command command) { add(gw, ctx, new CommandRequest(command, true, false)); }

        private void add(Gateway gw, ContextId ctx, CommandRequest cr) {
            var list = byGateway.computeIfAbsent(gw, g -> new ArrayList<>());
            if (list.isEmpty() || !list.get(list.size() - 1).getKey().equals(ctx)) list.add(Map.entry(ctx, new ArrayList<>()));
            list.get(list.size() - 1).getValue().add(cr);
        }

        Map<Gateway, List<ActionRequest>> actions() {
            Map<Gateway, List<ActionRequest>> out = new LinkedHashMap<>();
            for (var e : byGateway.entrySet()) {
                List<ActionRequest> actions = new ArrayList<>();
                for (var a : e.getValue()) actions.add(new ActionRequest(a.getKey(), List.of(), List.of(), a.getValue()));
                out.put(e.getKey(), actions);
            }
            return out;
        }
    }
}
