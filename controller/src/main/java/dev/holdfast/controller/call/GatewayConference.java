package dev.holdfast.controller.call;

import dev.holdfast.controller.core.H248;
import dev.holdfast.controller.gateway.Gateway;
import dev.holdfast.controller.gateway.GatewayAssociation;
import dev.holdfast.controller.sip.ConferenceBridge;
import dev.holdfast.controller.sip.SdpDirection;
import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.LocalControlDescriptor.Mode;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A conference bridge on one gateway: a context holding one ephemeral RTP termination per member, which the gateway
 * mixes (each member hears all the others). The first Add creates the context ({@code Add = $} in context
 * {@code $}); later ones wait for its id, one transaction at a time so they keep their order.
 */
final class GatewayConference implements ConferenceBridge {
    private static final System.Logger LOG = System.getLogger(GatewayConference.class.getName());

    private final long id;
    private final Gateway gateway;
    private final GatewayAssociation association;
    private final CallProcessor cp;
    private ContextId context;
    private boolean busy;
    private boolean released;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private final List<Term> members = new ArrayList<>();

    private final class Term implements Member {
        final String label;
        String termination;
        /** A line moved into the context: its own call subtracts it (and gives it its tone) when it leaves. */
        boolean line;
        String local;
        String remote;
        boolean gone;

        Term(String label) { this.label = label; }

        @Override public void media(String remoteSdp, SdpDirection member, Consumer<String> done) {
            run(() -> {
                if (released || gone || termination == null || line) { done.accept(null); next(); return; }
                Mode mode = switch (member) {
                    case SENDRECV -> Mode.SENDRECV;
                    case SENDONLY -> Mode.RECVONLY;
                    case RECVONLY -> Mode.SENDONLY;
                    case INACTIVE -> Mode.INACTIVE;
                };
                var stream = remoteSdp == null ? H248.stream(H248.mode(mode)) : H248.stream(H248.mode(mode), H248.remote(remoteSdp));
                association.send(gateway, List.of(H248.action(context, H248.modify(termination, stream))), o -> {
                    if (o.ok() && remoteSdp != null) remote = remoteSdp;
                    done.accept(o.ok() ? local : null);
                    next();
                });
            });
        }

        @Override public void leave() {
            if (gone) return;
            gone = true;
            if (line) { members.remove(this); return; }
            run(() -> {
                if (released || termination == null) { next(); return; }
                association.send(gateway, List.of(H248.action(context, H248.subtract(termination, true))), o -> next());
                members.remove(this);
            });
        }
    }

    GatewayConference(long id, Gateway gateway, GatewayAssociation association, CallProcessor cp) {
        this.id = id;
        this.gateway = gateway;
        this.association = association;
        this.cp = cp;
    }

    @Override public Member add(String label, String remoteSdp, Consumer<String> done) {
        Term t = new Term(label);
        run(() -> {
            if (released || t.gone) { done.accept(null); next(); return; }
            var add = remoteSdp == null
                    ? H248.add("$", H248.stream(H248.mode(Mode.RECVONLY), H248.local(H248.CHOOSE_SDP)))
                    : H248.add("$", H248.stream(H248.mode(Mode.SENDRECV), H248.local(H248.CHOOSE_SDP), H248.remote(remoteSdp)));
            association.send(gateway, List.of(H248.action(context == null ? ContextId.CHOOSE : context, add)), o -> {
                if (!o.ok() || o.reply().actions().isEmpty()) {
                    LOG.log(System.Logger.Level.INFO, () -> "conference " + id + ": " + label + " not added: " + o);
                    done.accept(null);
                    next();
                    return;
                }
                ActionReply ar = o.reply().actions().get(0);
                if (context == null && ar.contextId().isSpecific()) context = ar.contextId();
                if (!(ar.replies().get(0) instanceof dev.holdfast.h248.message.CommandReply.Amms rtp) || rtp.terminationIds().isEmpty()) {
                    done.accept(null);
                    next();
                    return;
                }
                t.termination = rtp.terminationIds().get(0).value();
                t.local = H248.localSdp(rtp.terminationAudit());
                t.remote = remoteSdp;
                members.add(t);
                if (released || t.gone) {
                    // ended while the Add was on its way
                    association.send(gateway, List.of(H248.action(context, H248.subtract(t.termination, true))), x -> { });
                    members.remove(t);
                    done.accept(null);
                } else {
                    done.accept(t.local);
                }
                next();
            });
        });
        return t;
    }

    @Override public void release() {
        if (released) return;
        released = true;
        List<String> terms = new ArrayList<>();
        for (Term t : members) if (t.termination != null && !t.line) terms.add(t.termination);
        members.clear();
        cp.conferenceEnded(this);
        if (context == null || terms.isEmpty()) return;
        List<dev.holdfast.h248.message.CommandRequest> subtracts = new ArrayList<>();
        for (String t : terms) subtracts.add(new dev.holdfast.h248.message.CommandRequest(H248.subtract(t, true), true, false));
        association.send(gateway, List.of(new dev.holdfast.h248.message.ActionRequest(context, List.of(), List.of(), subtracts)), o -> { });
    }

    @Override public CallStructure structure() {
        List<String> terms = new ArrayList<>();
        List<String> parties = new ArrayList<>();
        List<CallStructure.Party> roles = new ArrayList<>();
        for (Term t : members) {
            terms.add(t.termination);
            parties.add(t.label);
            roles.add(new CallStructure.Party(t.label, gateway.name(), t.termination, context, CallStructure.Role.CONFEREE));
        }
        return new CallStructure(id, CallState.CONNECTED, parties, List.of(new CallStructure.Leg(gateway.name(), context, terms)),
                List.of(), roles, Call.Feature.CONFERENCE.name());
    }

    Gateway gateway() { return gateway; }

    /**
     * Moves {@code line}, the line of call {@code c} with a SIP side, into the conference's context and subtracts
     * the call's RTP termination from the line's old context (one transaction: the old context goes with its last
     * termination). The call keeps the line and its leg (now the conference's context): its release subtracts the
     * line from there and gives it its tone, as for any call. {@code done} gets the line's member, or null.
     */
    void moveLine(Call c, dev.holdfast.controller.gateway.Line line, String label, Consumer<Member> done) {
        run(() -> {
            Call.IgcEnd rtp = c.sip == null ? null : c.sip.rtp;
            if (released || context == null || rtp == null || rtp.rtp == null || rtp.leg.context == null
                    || !rtp.leg.context.isSpecific() || line.gateway() != gateway || c.state != CallState.CONNECTED) {
                done.accept(null);
                next();
                return;
            }
            ContextId old = rtp.leg.context;
            cp.send(c, gateway, List.of(
                    H248.action(context, H248.move(line.termination(), H248.stream(H248.mode(Mode.SENDRECV)))),
                    H248.action(old, H248.subtract(rtp.rtp, true))), o -> {
                if (!o.ok() || c.state != CallState.CONNECTED) {
                    LOG.log(System.Logger.Level.INFO, () -> "conference " + id + ": " + label + " not moved in: " + o);
                    done.accept(null);
                    next();
                    return;
                }
                Call.Leg leg = rtp.leg;
                leg.context = context;
                leg.terminations.remove(rtp.rtp);
                c.igcs.remove(rtp);
                if (c.igcA == rtp) c.igcA = null;
                if (c.igcB == rtp) c.igcB = null;
                c.sip.rtp = null;
                Term t = new Term(label);
                t.termination = line.termination();
                t.line = true;
                members.add(t);
                done.accept(t);
                next();
            });
        });
    }

    /** One transaction at a time: the context id of the first Add is needed by the next. */
    private void run(Runnable r) {
        if (busy) { waiting.add(r); return; }
        busy = true;
        r.run();
    }

    private void next() {
        Runnable r = waiting.poll();
        if (r == null) { busy = false; return; }
        r.run();
    }
}
