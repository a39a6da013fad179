package dev.holdfast.controller.call;

import dev.holdfast.controller.cookie.CallCookie;
import dev.holdfast.controller.cookie.CookiePart;
import dev.holdfast.controller.cookie.CookieParty;
import dev.holdfast.controller.core.H248;
import dev.holdfast.controller.gateway.Gateway;
import dev.holdfast.controller.gateway.GatewayAssociation;
import dev.holdfast.controller.gateway.Line;
import dev.holdfast.controller.sip.ConferenceBridge;
import dev.holdfast.controller.sip.SdpDirection;
import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.LocalControlDescriptor.Mode;
import dev.holdfast.h248.message.MediaDescriptor;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.TerminationStateDescriptor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A conference bridge on one gateway: a context holding one ephemeral RTP termination per member, which the gateway
 * mixes (each member hears all the others). The first Add creates the context ({@code Add = $} in context
 * {@code $}); later ones wait for its id, one transaction at a time so they keep their order.
 * <p>
 * With cookies on, every RTP termination of a phone member carries the conference's call cookie (feature
 * {@code FOCUS}, the members in joining order, part PHONE_RTP naming its own member), rewritten on each change of
 * membership in the transaction that makes it (the Add, the Subtract, the Move of a line); each phone's dialog gets
 * a PHONE_DIALOG cookie naming its termination ({@link Member#dialogCookie}). A line moved in carries its own call's
 * cookies. The alternate controller rebuilds the conference from them (docs/migration.md, "Conferences").
 */
final class GatewayConference implements ConferenceBridge {
    private static final System.Logger LOG = System.getLogger(GatewayConference.class.getName());

    private final long id;
    /** The conference's call key: its cookies' identity across controllers. */
    final long key;
    /** Counts membership changes, as a call's generation does. */
    private int generation;
    private final long since;
    private final Gateway gateway;
    private final GatewayAssociation association;
    private final CallProcessor cp;
    private ContextId context;
    private boolean busy;
    private boolean released;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private final List<Term> members = new ArrayList<>();
    /** Terminations whose cookies did not verify when the conference was rebuilt: left mixing, subtracted at its end. */
    private final List<String> untrusted = new ArrayList<>();
    private Watcher watcher;

    final class Term implements Member {
        final String label;
        /** A phone member's dialog with the focus (Call-ID); null for a line. */
        final String dialog;
        String termination;
        /** A line moved into the context: its own call subtracts it (and gives it its tone) when it leaves. */
        boolean line;
        /**
         * A line on another gateway joined by an RTP pair: that line (its gateway and termination) and where its
         * call's RTP termination is; null for none. Named in the conference's cookies from its next media change.
         */
        Line pairLine;
        ContextId pairContext;
        String pairRtp;
        /** Paired since the cookies were last written: its next media change writes them. */
        boolean unstamped;
        String local;
        String remote;
        boolean gone;

        Term(String label, String dialog) {
            this.label = label;
            this.dialog = dialog;
        }

        @Override public String dialogCookie() {
            CookieStamper stamper = cp.stamper();
            if (stamper == null || termination == null || context == null || !context.isSpecific() || line) return null;
            int i = partyIndex(members, this);
            if (i < 0) return null;
            CallCookie c = cookie(members, new CookiePart.PhoneDialog(i, gateway.name(), context.value(), termination));
            return c == null ? null : stamper.encode(c);
        }

        @Override public void pairedWith(dev.holdfast.controller.sip.LineRouter.LineCall lineCall) {
            Call c = CallProcessor.callOf(lineCall);
            Line l = c == null ? null : c.callee != null ? c.callee : c.caller;
            if (l == null || c.sip == null || c.sip.rtp == null || c.sip.rtp.rtp == null) return;
            paired(l, c.sip.rtp.leg.context, c.sip.rtp.rtp);
            unstamped = true;
        }

        void paired(Line l, ContextId context, String rtp) {
            pairLine = l;
            pairContext = context;
            pairRtp = rtp;
        }

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
                List<dev.holdfast.h248.message.Command> commands = new ArrayList<>();
                TerminationStateDescriptor own = null;
                if (unstamped && cp.stamper() != null) {
                    // a line joined by an RTP pair becomes a party: its cookie on this Modify, the others rewritten
                    unstamped = false;
                    generation++;
                    own = rtpCookie(members, this);
                }
                commands.add(own == null ? H248.modify(termination, stream)
                        : new dev.holdfast.h248.message.Command.Amm(dev.holdfast.h248.message.Command.AmmVerb.MODIFY,
                                List.of(dev.holdfast.h248.message.TerminationId.of(termination)), CookieStamper.withCookie(List.of(stream), own)));
                if (own != null) commands.addAll(restamp(members, this));
                association.send(gateway, List.of(H248.action(context, commands)), o -> {
                    if (o.ok() && remoteSdp != null) remote = remoteSdp;
                    done.accept(o.ok() ? local : null);
                    next();
                });
            });
        }

        @Override public void leave() {
            if (gone) return;
            gone = true;
            if (line) {
                // its own call subtracts the line; the others' cookies no longer list it (a message of its own)
                members.remove(this);
                run(() -> {
                    generation++;
                    List<dev.holdfast.h248.message.Command> stamps = restamp(members, null);
                    if (released || context == null || stamps.isEmpty()) { next(); return; }
                    cp.stamper().extraMessage();
                    association.send(gateway, List.of(H248.action(context, stamps)), o -> next());
                });
                return;
            }
            run(() -> {
                if (released || termination == null) { next(); return; }
                members.remove(this);
                generation++;
                List<dev.holdfast.h248.message.Command> commands = new ArrayList<>();
                commands.add(H248.subtract(termination, true));
                commands.addAll(restamp(members, null));
                association.send(gateway, List.of(H248.action(context, commands)), o -> next());
            });
        }
    }

    GatewayConference(long id, long key, long since, Gateway gateway, GatewayAssociation association, CallProcessor cp) {
        this.id = id;
        this.key = key;
        this.since = since;
        this.gateway = gateway;
        this.association = association;
        this.cp = cp;
    }

    /**
     * A conference rebuilt from its context's cookies after a failover: the context as the gateway has it; members
     * are added with {@link #adopt} and {@link #adoptUntrusted}.
     */
    static GatewayConference adopted(long id, long key, int generation, long since, Gateway gateway, ContextId context,
                                     GatewayAssociation association, CallProcessor cp) {
        GatewayConference c = new GatewayConference(id, key, since, gateway, association, cp);
        c.generation = generation;
        c.context = context;
        return c;
    }

    /** A member found in the audited context: a phone's RTP termination, or a line moved in ({@code line}). */
    Term adopt(String label, String dialog, String termination, String local, String remote, boolean line) {
        Term t = new Term(label, dialog);
        t.termination = termination;
        t.local = local;
        t.remote = remote;
        t.line = line;
        members.add(t);
        return t;
    }

    /** A termination of the context whose cookie did not verify: it keeps mixing, nobody's member; it goes at the end. */
    void adoptUntrusted(String termination) { untrusted.add(termination); }

    long key() { return key; }

    @Override public Member add(String label, String dialog, String remoteSdp, Consumer<String> done) {
        Term t = new Term(label, dialog);
        run(() -> {
            if (released || t.gone) { done.accept(null); next(); return; }
            var stream = remoteSdp == null
                    ? H248.stream(H248.mode(Mode.RECVONLY), H248.local(H248.CHOOSE_SDP))
                    : H248.stream(H248.mode(Mode.SENDRECV), H248.local(H248.CHOOSE_SDP), H248.remote(remoteSdp));
            // the new member's cookie on its Add, the others' rewritten in the same action (they list it now)
            List<Term> then = new ArrayList<>(members);
            then.add(t);
            if (t.dialog != null) generation++;
            List<dev.holdfast.h248.message.Command> commands = new ArrayList<>();
            TerminationStateDescriptor own = t.dialog == null ? null : rtpCookie(then, t);
            commands.add(own == null ? H248.add("$", stream)
                    : new dev.holdfast.h248.message.Command.Amm(dev.holdfast.h248.message.Command.AmmVerb.ADD,
                            List.of(dev.holdfast.h248.message.TerminationId.of("$")), CookieStamper.withCookie(List.of(stream), own)));
            if (context != null && t.dialog != null) commands.addAll(restamp(then, t));
            association.send(gateway, List.of(H248.action(context == null ? ContextId.CHOOSE : context, commands)), o -> {
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
        terms.addAll(untrusted);
        members.clear();
        cp.conferenceEnded(this);
        if (context == null || terms.isEmpty()) return;
        List<dev.holdfast.h248.message.CommandRequest> subtracts = new ArrayList<>();
        for (String t : terms) subtracts.add(new dev.holdfast.h248.message.CommandRequest(H248.subtract(t, true), true, false));
        association.send(gateway, List.of(new dev.holdfast.h248.message.ActionRequest(context, List.of(), List.of(), subtracts)), o -> { });
    }

    @Override public void watch(Watcher w) { this.watcher = w; }

    /**
     * The gateway lost its state, or is gone for good (call processing releases its calls): the conference is over
     * here without a message to the gateway; its context, should the gateway come back with it, is subtracted then
     * (a stale context). The focus is told, so the members are not left talking to nothing.
     */
    void gatewayLost() {
        if (released) return;
        released = true;
        members.clear();
        untrusted.clear();
        if (context != null) gateway.addStaleContext(context);
        cp.conferenceEnded(this);
        LOG.log(System.Logger.Level.WARNING, () -> "conference " + id + " on " + gateway.name() + ": the gateway is lost");
        if (watcher != null) watcher.lost();
    }

    /** The gateway went to the primary with the context (failback): forgotten here, without a message to anyone. */
    void handedBack() {
        if (released) return;
        released = true;
        members.clear();
        untrusted.clear();
        cp.conferenceHandedBack(this);
        LOG.log(System.Logger.Level.INFO, () -> "conference " + id + " handed back with " + gateway.name());
        if (watcher != null) watcher.handedBack();
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
            Term t = new Term(label, null);
            t.termination = line.termination();
            t.line = true;
            List<Term> then = new ArrayList<>(members);
            then.add(t);
            generation++;
            List<dev.holdfast.h248.message.Command> into = new ArrayList<>();
            into.add(H248.move(line.termination(), H248.stream(H248.mode(Mode.SENDRECV))));
            into.addAll(restamp(then, null)); // the phones' cookies list the line from this transaction on
            cp.send(c, gateway, List.of(H248.action(context, into), H248.action(old, H248.subtract(rtp.rtp, true))), o -> {
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
                members.add(t);
                done.accept(t);
                next();
            });
        });
    }

    // ------------------------------------------------------------------------------------------ cookies

    /** The parties of a membership: phones and lines moved in, in joining order (a line joined by RTP pair is none). */
    private List<CookieParty> parties(List<Term> ms) {
        List<CookieParty> out = new ArrayList<>();
        for (Term t : ms) {
            if (t.line) out.add(CookieParty.line(gateway.name(), t.termination, CallStructure.Role.CONFEREE));
            else if (t.dialog != null) out.add(CookieParty.phone(number(t.label), t.dialog, CallStructure.Role.CONFEREE));
            else if (t.pairLine != null) {
                out.add(CookieParty.line(t.pairLine.gateway().name(), t.pairLine.termination(), CallStructure.Role.CONFEREE));
            }
        }
        return out;
    }

    /** A member the cookies name: a phone, a line moved in, a line joined by an RTP pair. */
    private static boolean named(Term t) { return t.line || t.dialog != null || t.pairLine != null; }

    private static int partyIndex(List<Term> ms, Term self) {
        int i = 0;
        for (Term t : ms) {
            if (t == self) return named(t) ? i : -1;
            if (named(t)) i++;
        }
        return -1;
    }

    private static String number(String label) { return label.startsWith("sip:") ? label.substring(4) : label; }

    /**
     * The conference's cookie for membership {@code ms} on {@code part}; null when the members cannot be told in one
     * (more than {@link CallCookie#MAX_PARTIES}, or a Call-ID too long for it): that conference goes without cookies
     * (it would not survive a failover), which is logged, rather than failing the event.
     */
    private CallCookie cookie(List<Term> ms, CookiePart part) {
        try {
            return new CallCookie(key, Math.max(1, generation), since, CallState.CONNECTED, Call.Feature.FOCUS, null,
                    parties(ms), part);
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, () -> "conference " + id + ": no cookie (" + e.getMessage() + ")");
            return null;
        }
    }

    /** The cookie for a phone member's RTP termination in membership {@code ms}; null without cookies. */
    private TerminationStateDescriptor rtpCookie(List<Term> ms, Term t) {
        CookieStamper stamper = cp.stamper();
        if (stamper == null) return null;
        int i = partyIndex(ms, t);
        if (i < 0) return null;
        CookiePart part = t.pairLine == null ? new CookiePart.PhoneRtp(i)
                : new CookiePart.IgcEnd(t.pairLine.gateway().name(),
                        t.pairContext != null && t.pairContext.isSpecific() ? t.pairContext.value() : null, t.pairRtp, i);
        CallCookie c = cookie(ms, part);
        if (c == null) return null;
        String text = stamper.encode(c);
        return new TerminationStateDescriptor(List.of(PropertyParm.of(CookieStamper.PROPERTY, "\"" + text + "\"")));
    }

    /**
     * A new generation of the cookies for membership {@code ms}: a Modify with its cookie for each phone member's
     * termination in the context ({@code except}: the one whose Add carries its own). Empty without cookies.
     */
    private List<dev.holdfast.h248.message.Command> restamp(List<Term> ms, Term except) {
        if (cp.stamper() == null) return List.of();
        List<dev.holdfast.h248.message.Command> out = new ArrayList<>();
        for (Term t : ms) {
            if (t == except || t.line || !named(t) || t.gone || t.termination == null) continue;
            TerminationStateDescriptor ts = rtpCookie(ms, t);
            if (ts != null) out.add(H248.modify(t.termination, MediaDescriptor.of(ts)));
        }
        return out;
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
