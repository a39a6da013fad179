package dev.holdfast.controller.call;

import dev.holdfast.controller.core.H248;
import dev.holdfast.controller.gateway.Gateway;
import dev.holdfast.controller.gateway.GatewayState;
import dev.holdfast.controller.gateway.Line;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.Descriptor;
import dev.holdfast.h248.message.LocalControlDescriptor.Mode;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static dev.holdfast.controller.call.CallProcessor.FLASH;
import static dev.holdfast.controller.call.CallProcessor.ON_HOOK;
import static dev.holdfast.controller.call.CallProcessor.REORDER;

/**
 * Two calls of one SIP phone with analog lines (or trunks) become one call between the two lines: the phone
 * transferred one line to the other by REFER (docs/sip.md, "Transfer"). Done as the hook-flash transfer's short-cut
 * ({@link CallFeatures}) does it: on one gateway the transferee's line is moved (H.248 Move) into the target's
 * context and both RTP terminations toward the phone are subtracted (the transferee's context goes with its last
 * termination); on two gateways those two RTP terminations stay and are given each other's Local SDP as Remote,
 * an inter-gateway connection. One transaction per gateway.
 * <p>
 * The result is a basic call, the transferee's line as caller and the target's as callee, with a key of its own
 * (its cookies ride on the same requests). The phone's two calls end here without a word to the phone (the B2BUA
 * ends its dialogs): each is recorded as a call that was transferred, except the target's call of a blind
 * transfer, which was made for the transfer: the new call takes over its set-up and answer times.
 */
final class LineJoin {
    private static final System.Logger LOG = System.getLogger(LineJoin.class.getName());

    private final CallProcessor cp;

    LineJoin(CallProcessor cp) { this.cp = cp; }

    /**
     * Joins the line of {@code a} (the transferee) with the line of {@code b} (the target).
     *
     * @param bForTransfer {@code b} was set up by the transfer (blind): the new call continues it
     * @param done         told, once every gateway answered, whether they all did what was asked; when one refused,
     *                     the new call is released (reorder)
     * @return false when the two cannot be joined (a call not connected or busy with something else, a line moved
     *         into a conference, a gateway not in service): nothing changed and {@code done} is not called
     */
    boolean join(Call a, Call b, boolean bForTransfer, Consumer<Boolean> done) {
        Line la = line(a);
        Line lb = line(b);
        if (a == b || la == null || lb == null || la == lb || !joinable(a) || !joinable(b)) return false;
        Call.IgcEnd ra = a.sip.rtp;
        Call.IgcEnd rb = b.sip.rtp;
        Call j = cp.newCall(la, lb);
        j.state(CallState.CONNECTED);
        long now = cp.svc.now();
        if (bForTransfer) {
            j.cdr.setupAt = b.cdr.setupAt;
            j.cdr.answeredAt = b.cdr.answeredAt != 0 ? b.cdr.answeredAt : now;
        } else {
            j.cdr.answeredAt = now;
        }
        CallFeatures.Batch batch = new CallFeatures.Batch();
        Runnable refused = () -> { };
        if (la.gateway() == lb.gateway()) {
            Gateway gw = la.gateway();
            Call.Leg leg = new Call.Leg(gw);
            leg.context = rb.leg.context;
            leg.terminations.add(lb.termination());
            leg.terminations.add(la.termination());
            j.legs.add(leg);
            batch.optional(gw, ra.leg.context, H248.subtract(ra.rtp, true));
            batch.add(gw, leg.context, H248.move(la.termination(), talking(la, true)));
            batch.add(gw, leg.context, H248.modify(lb.termination(), talking(lb, false)));
            batch.optional(gw, leg.context, H248.subtract(rb.rtp, true));
            // a refused transaction stops at the refused command (H.248.1): the release that follows subtracts
            // whatever either context may still hold, each optionally
            refused = () -> {
                Call.Leg old = new Call.Leg(gw);
                old.context = ra.leg.context;
                old.terminations.add(la.termination());
                old.terminations.add(ra.rtp);
                j.legs.add(0, old);
                leg.terminations.add(rb.rtp);
            };
        } else {
            j.igcA = end(j, la, ra, rb);
            j.igcB = end(j, lb, rb, ra);
            j.addIgc(j.igcA, j.igcB);
            for (Call.IgcEnd e : List.of(j.igcA, j.igcB)) {
                Line l = e == j.igcA ? la : lb;
                batch.add(e.leg.gateway, e.leg.context, H248.modify(l.termination(), talking(l, false)));
                batch.add(e.leg.gateway, e.leg.context, H248.modify(e.rtp,
                        H248.stream(H248.mode(Mode.SENDRECV), H248.remote(e.remote))));
            }
        }
        cp.retire(a, true);
        cp.retire(b, !bForTransfer);
        cp.register(j);
        LOG.log(System.Logger.Level.DEBUG, () -> j + ": " + la + " joined with " + lb + " (calls " + a.id + " and " + b.id + ")");
        send(j, batch, refused, done);
        return true;
    }

    /** The line of a call with a SIP phone (it has one). */
    private static Line line(Call c) { return c.callee != null ? c.callee : c.caller; }

    private static boolean joinable(Call c) {
        Call.IgcEnd r = c.sip == null ? null : c.sip.rtp;
        return c.state == CallState.CONNECTED && !c.featured && !c.adding() && r != null && r.rtp != null
                && r.local != null && r.leg.context != null && r.leg.context.isSpecific()
                && r.leg.gateway.state() == GatewayState.IN_SERVICE;
    }

    /** One side of the new call's IGC: {@code l} and its RTP termination {@code r} (new leg objects, same context). */
    private static Call.IgcEnd end(Call j, Line l, Call.IgcEnd r, Call.IgcEnd far) {
        Call.Leg leg = new Call.Leg(l.gateway());
        leg.context = r.leg.context;
        leg.terminations.add(l.termination());
        leg.terminations.add(r.rtp);
        j.legs.add(leg);
        Call.IgcEnd e = new Call.IgcEnd(leg);
        e.rtp = r.rtp;
        e.local = r.local;
        e.remote = far.local;
        return e;
    }

    /** A talking party as the basic call has it after answer: no signal, on-hook (and flash on a line) armed. */
    private Descriptor[] talking(Line l, boolean stream) {
        Descriptor events = l.trunk() ? H248.events(cp.svc.requestId(), ON_HOOK) : H248.events(cp.svc.requestId(), ON_HOOK, FLASH);
        // a trunk may still be sending digits: its signals are left alone
        if (l.trunk()) return stream ? new Descriptor[] {events, H248.stream(H248.mode(Mode.SENDRECV))} : new Descriptor[] {events};
        return stream ? new Descriptor[] {H248.noSignals(), events, H248.stream(H248.mode(Mode.SENDRECV))}
                : new Descriptor[] {H248.noSignals(), events};
    }

    /**
     * A transaction per gateway; {@code done} hears once all are answered. A refusal releases the call, after
     * {@code refused} has given it back what the join may have left behind.
     */
    private void send(Call j, CallFeatures.Batch batch, Runnable refused, Consumer<Boolean> done) {
        Map<Gateway, List<ActionRequest>> all = batch.actions();
        int[] left = {all.size()};
        boolean[] ok = {true};
        for (Map.Entry<Gateway, List<ActionRequest>> e : all.entrySet()) {
            Gateway gw = e.getKey();
            List<ActionRequest> actions = e.getValue();
            cp.send(j, gw, actions, o -> {
                if (o.failed() || !o.ok() && CallFeatures.mandatoryFailed(actions, o)) {
                    ok[0] = false;
                    LOG.log(System.Logger.Level.WARNING, () -> j + ": " + gw.name() + " did not join the lines: " + o);
                    if (j.state != CallState.RELEASED) {
                        refused.run();
                        j.cdr.ending(dev.holdfast.controller.cdr.CallRecord.FAILED, "join refused by " + gw.name() + ": " + o);
                        cp.release(j, REORDER, o.failed() ? gw : null);
                    }
                }
                if (--left[0] == 0) done.accept(ok[0]);
            });
        }
    }
}
