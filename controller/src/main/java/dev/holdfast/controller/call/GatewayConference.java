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
        String local;
        String remote;
        boolean gone;

        Term(String label) { this.label = label; }

        @Override public void media(String remoteSdp, SdpDirection member, Consumer<String> done) {
            run(() -> {
                if (released || gone || termination == null) { done.accept(null); next(); return; }
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
        for (Term t : members) if (t.termination != null) terms.add(t.termination);
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
