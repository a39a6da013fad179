package dev.holdfast.gatewaysim.core;

import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.AuditDescriptor;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.CommandRequest;
import dev.holdfast.h248.message.ContextAuditItem;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.ContextProperty;
import dev.holdfast.h248.message.Descriptor;
import dev.holdfast.h248.message.DigitMapDescriptor;
import dev.holdfast.h248.message.DigitMapValue;
import dev.holdfast.h248.message.ErrorDescriptor;
import dev.holdfast.h248.message.EventBufferDescriptor;
import dev.holdfast.h248.message.EventsDescriptor;
import dev.holdfast.h248.message.LocalControlDescriptor;
import dev.holdfast.h248.message.LocalDescriptor;
import dev.holdfast.h248.message.LocalParm;
import dev.holdfast.h248.message.MediaDescriptor;
import dev.holdfast.h248.message.MediaParm;
import dev.holdfast.h248.message.ModemDescriptor;
import dev.holdfast.h248.message.MuxDescriptor;
import dev.holdfast.h248.message.ObservedEventsDescriptor;
import dev.holdfast.h248.message.PackagesDescriptor;
import dev.holdfast.h248.message.ParmValue;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.RemoteDescriptor;
import dev.holdfast.h248.message.RequestId;
import dev.holdfast.h248.message.RequestedEvent;
import dev.holdfast.h248.message.Sdp;
import dev.holdfast.h248.message.ServiceChangeParm;
import dev.holdfast.h248.message.SignalParm;
import dev.holdfast.h248.message.SignalsDescriptor;
import dev.holdfast.h248.message.StatisticsDescriptor;
import dev.holdfast.h248.message.StreamDescriptor;
import dev.holdfast.h248.message.StreamParm;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.TerminationStateDescriptor;
import dev.holdfast.h248.message.TerminationStateParm;
import dev.holdfast.h248.message.TopologyDescriptor;
import dev.holdfast.sim.rtp.ProbeStats;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Executes actions (H.248.1 section 7.2 and 8): Add, Move, Modify, Subtract, AuditValue, AuditCapabilities and
 * ServiceChange, with context properties and context audits, on specific, CHOOSE, NULL and ALL contexts, with
 * specific and wildcarded termination ids. Each command is validated before it changes anything, so a failing
 * command leaves the state as it was (8: "restore the state that existed prior"), and is answered with its
 * H.248.8 error in the command's reply.
 */
final class CommandExecutor {
    private final MediaGatewayCore gw;

    CommandExecutor(MediaGatewayCore gw) {
        this.gw = gw;
    }

    /** The context an action works on: given, or created by its first Add on CHOOSE. */
    private static final class ActionState {
        final ContextId requested;
        GatewayContext ctx;
        boolean created;

        ActionState(ContextId requested, GatewayContext ctx) {
            this.requested = requested;
            this.ctx = ctx;
        }

        boolean nullContext() { return requested.equals(ContextId.NULL); }

        boolean choose() { return requested.equals(ContextId.CHOOSE); }
    }

    /** Executes one action, adding its reply (or replies, for ContextID ALL); false when a command failed. */
    boolean execute(ActionRequest a, List<ActionReply> out) {
        ContextId cid = a.contextId();
        if (cid.equals(ContextId.ALL)) return executeAll(a, out);
        GatewayContext ctx = null;
        if (cid.isSpecific()) {
            ctx = gw.contexts.get(cid.value());
            if (ctx == null) {
                out.add(new ActionReply(cid, List.of(), List.of(),
                        ErrorDescriptor.of(ErrorDescriptor.UNKNOWN_CONTEXT_ID, "unknown context " + cid.value())));
                return false;
            }
        }
        ActionState st = new ActionState(cid, ctx);
        List<CommandReply> replies = new ArrayList<>();
        boolean ok = true;
        for (CommandRequest cr : a.commands()) {
            try {
                replies.addAll(command(st, cr.command(), cr.wildcardResponse()));
            } catch (GatewayException e) {
                replies.add(errorReply(cr.command(), e.error()));
                if (!cr.optional()) {
                    ok = false;
                    break;
                }
            }
        }
        ErrorDescriptor actionError = null;
        if (ok && !a.contextProperties().isEmpty()) {
            try {
                contextProperties(st, a.contextProperties());
            } catch (GatewayException e) {
                actionError = e.error();
                ok = false;
            }
        }
        if (st.ctx != null && st.ctx.terminations.isEmpty() && st.created) {
            gw.contexts.remove(st.ctx.id); // created by an Add that then failed
            st.ctx = null;
        }
        ContextId replyId = st.ctx != null ? ContextId.of(st.ctx.id) : cid;
        List<ContextProperty> props = st.ctx != null && !a.contextAudit().isEmpty()
                ? contextAudit(st.ctx, a.contextAudit()) : List.of();
        if (replies.isEmpty() && actionError == null && props.isEmpty() && st.ctx != null) {
            props = contextAudit(st.ctx, List.of(new ContextAuditItem.Token(ContextAuditItem.Kind.TOPOLOGY)));
        }
        out.add(new ActionReply(replyId, props, replies, actionError));
        return ok;
    }

    // ------------------------------------------------------------------------------------------------ commands

    private List<CommandReply> command(ActionState st, Command c, boolean wildcardResponse) throws GatewayException {
        if (c instanceof Command.Amm amm) {
            List<CommandReply> out = new ArrayList<>();
            for (TerminationId id : amm.terminationIds()) {
                switch (amm.verb()) {
                    case ADD -> out.add(add(st, id, amm.descriptors()));
                    case MOVE -> out.add(move(st, id, amm.descriptors()));
                    case MODIFY -> out.addAll(modify(st, id, amm.descriptors(), wildcardResponse));
                }
            }
            return out;
        }
        if (c instanceof Command.Subtract s) {
            List<CommandReply> out = new ArrayList<>();
            for (TerminationId id : s.terminationIds()) out.addAll(subtract(st, id, s.audit(), wildcardResponse));
            return out;
        }
        if (c instanceof Command.Audit au) {
            List<CommandReply> out = new ArrayList<>();
            for (TerminationId id : au.terminationIds()) out.addAll(audit(st, id, au, wildcardResponse));
            return out;
        }
        if (c instanceof Command.ServiceChange sc) return List.of(serviceChange(st, sc));
        throw new GatewayException(ErrorDescriptor.UNKNOWN_COMMAND, "an MG does not accept " + c.getClass().getSimpleName());
    }

    private CommandReply add(ActionState st, TerminationId id, List<Descriptor> ds) throws GatewayException {
        if (st.nullContext()) throw new GatewayException(ErrorDescriptor.ILLEGAL_ACTION, "Add to the NULL context");
        if (id.isRoot()) throw new GatewayException(ErrorDescriptor.INCORRECT_IDENTIFIER, "Add of ROOT");
        Termination t;
        boolean createdTermination = false;
        String v = id.value();
        if (v.equals("$") || v.equalsIgnoreCase("R$")) {
            t = null;
        } else if (id.isWildcard()) {
            throw new GatewayException(ErrorDescriptor.NOT_IMPLEMENTED, "wildcarded Add");
        } else {
            t = gw.terminations.get(MediaGatewayCore.key(v));
            if (t == null && !v.matches("[Rr][0-9]+")) throw new GatewayException(ErrorDescriptor.UNKNOWN_TERMINATION_ID, "no termination " + v);
            if (t != null && t.context != null) throw new GatewayException(ErrorDescriptor.TERMINATION_ID_ALREADY_IN_CONTEXT, v + " is in context " + t.context.id);
            if (t != null && t.serviceState == TerminationStateDescriptor.ServiceState.OUT_OF_SERVICE) {
                throw new GatewayException(ErrorDescriptor.COMMAND_NOT_ALLOWED, v + " is out of service");
            }
        }
        if (st.ctx != null && st.ctx.terminations.size() >= gw.config().maxTerminationsPerContext()) {
            throw new GatewayException(ErrorDescriptor.MAX_TERMINATIONS_IN_CONTEXT_EXCEEDED, "context " + st.ctx.id + " is full");
        }
        // validate against a termination of the right kind before creating anything
        Change change = prepare(t != null ? t : new Termination("$", Termination.Kind.RTP, true, null), ds, st);
        if (t == null) {
            t = gw.newRtp(v.contains("$") ? null : v);
            createdTermination = true;
        }
        if (st.ctx == null) {
            st.ctx = gw.newContext();
            st.created = true;
        }
        gw.joinContext(t, st.ctx);
        List<Descriptor> returned = change.commit(t);
        gw.paths().update(st.ctx);
        return new CommandReply.Amms(CommandReply.AmmsVerb.ADD, List.of(TerminationId.of(t.id)),
                createdTermination || !returned.isEmpty() ? returned : List.of());
    }

    private CommandReply move(ActionState st, TerminationId id, List<Descriptor> ds) throws GatewayException {
        if (st.nullContext()) throw new GatewayException(ErrorDescriptor.COMMAND_NOT_ALLOWED, "Move to the NULL context");
        Termination t = specific(id);
        if (t.context == null) throw new GatewayException(ErrorDescriptor.COMMAND_NOT_ALLOWED, "Move from the NULL context");
        if (st.ctx != null && st.ctx.terminations.size() >= gw.config().maxTerminationsPerContext()) {
            throw new GatewayException(ErrorDescriptor.MAX_TERMINATIONS_IN_CONTEXT_EXCEEDED, "context " + st.ctx.id + " is full");
        }
        Change change = prepare(t, ds, st);
        if (st.ctx == null) {
            st.ctx = gw.newContext();
            st.created = true;
        }
        List<Descriptor> statistics = change.audit != null && audited(change.audit).contains(AuditDescriptor.Item.STATISTICS)
                ? statisticsReturned(t) : List.of();
        if (t.context != st.ctx) {
            gw.leaveContext(t);
            gw.joinContext(t, st.ctx);
        }
        List<Descriptor> returned = new ArrayList<>(change.commit(t));
        returned.removeIf(d -> d instanceof StatisticsDescriptor);
        returned.addAll(statistics);
        gw.paths().update(st.ctx);
        return new CommandReply.Amms(CommandReply.AmmsVerb.MOVE, List.of(TerminationId.of(t.id)), returned);
    }

    private List<CommandReply> modify(ActionState st, TerminationId id, List<Descriptor> ds, boolean wildcardResponse)
            throws GatewayException {
        if (st.choose() && st.ctx == null) throw new GatewayException(ErrorDescriptor.ILLEGAL_ACTION, "Modify in a context not yet created");
        List<Termination> targets = resolve(st, id);
        List<Change> changes = new ArrayList<>();
        for (Termination t : targets) changes.add(prepare(t, ds, st));
        List<CommandReply> out = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            Termination t = targets.get(i);
            List<Descriptor> returned = changes.get(i).commit(t);
            if (t.context != null) gw.paths().update(t.context);
            if (t == gw.root) gw.rootEventsSetByController();
            out.add(new CommandReply.Amms(CommandReply.AmmsVerb.MODIFY, List.of(TerminationId.of(t.id)), returned));
        }
        if (wildcardResponse && id.isWildcard()) {
            return List.of(new CommandReply.Amms(CommandReply.AmmsVerb.MODIFY, List.of(id), List.of()));
        }
        return out;
    }

    private List<CommandReply> subtract(ActionState st, TerminationId id, AuditDescriptor audit, boolean wildcardResponse)
            throws GatewayException {
        if (st.nullContext()) throw new GatewayException(ErrorDescriptor.COMMAND_NOT_ALLOWED, "Subtract from the NULL context");
        if (st.ctx == null) throw new GatewayException(ErrorDescriptor.ILLEGAL_ACTION, "Subtract in a context not yet created");
        if (id.isRoot()) throw new GatewayException(ErrorDescriptor.INCORRECT_IDENTIFIER, "Subtract of ROOT");
        List<Termination> targets = resolve(st, id);
        List<CommandReply> out = new ArrayList<>();
        for (Termination t : targets) {
            // by default the statistics are returned; an Audit descriptor says exactly what (7.2.3)
            List<Descriptor> returned = audit == null ? statisticsReturned(t) : auditValue(t, audit);
            gw.subtract(t);
            out.add(new CommandReply.Amms(CommandReply.AmmsVerb.SUBTRACT, List.of(TerminationId.of(t.id)), returned));
        }
        if (wildcardResponse && id.isWildcard()) {
            return List.of(new CommandReply.Amms(CommandReply.AmmsVerb.SUBTRACT, List.of(id), List.of()));
        }
        return out;
    }

    private List<CommandReply> audit(ActionState st, TerminationId id, Command.Audit au, boolean wildcardResponse)
            throws GatewayException {
        if (st.choose()) throw new GatewayException(ErrorDescriptor.ILLEGAL_ACTION, "audit with CHOOSE");
        List<Termination> targets = id.isRoot() ? List.of(gw.root) : resolve(st, id);
        List<CommandReply> out = new ArrayList<>();
        List<Descriptor> union = new ArrayList<>();
        for (Termination t : targets) {
            List<Descriptor> d = au.capabilities() ? auditCapabilities(t, au.audit()) : auditValue(t, au.audit());
            union.addAll(d);
            out.add(new CommandReply.Audit(au.capabilities(), false, List.of(TerminationId.of(t.id)), d, null));
        }
        if (wildcardResponse && id.isWildcard()) {
            return List.of(new CommandReply.Audit(au.capabilities(), false, List.of(id), union, null));
        }
        return out;
    }

    private CommandReply serviceChange(ActionState st, Command.ServiceChange sc) throws GatewayException {
        ServiceChangeParm.MethodKind method = null;
        InetSocketAddress mgcIdToTry = null;
        for (ServiceChangeParm p : sc.parms()) {
            if (p instanceof ServiceChangeParm.Method m) method = m.kind();
            if (p instanceof ServiceChangeParm.MgcIdToTry m) mgcIdToTry = Association.addressOf(m.mid());
        }
        if (method == null) throw new GatewayException(ErrorDescriptor.MISSING_PARAMETER, "ServiceChange without a Method");
        for (TerminationId id : sc.terminationIds()) {
            if (id.isRoot()) {
                if (method == ServiceChangeParm.MethodKind.HANDOFF) {
                    if (mgcIdToTry == null) throw new GatewayException(ErrorDescriptor.MISSING_PARAMETER, "Handoff without MgcIdToTry");
                    InetSocketAddress target = mgcIdToTry;
                    gw.scheduler().execute(() -> gw.association().handoff(target)); // after our reply has gone
                }
                continue;
            }
            for (Termination t : resolve(st.nullContext() || st.ctx != null ? st
                    : new ActionState(ContextId.NULL, null), id)) {
                switch (method) {
                    case FORCED, GRACEFUL -> t.serviceState = TerminationStateDescriptor.ServiceState.OUT_OF_SERVICE;
                    case RESTART -> t.serviceState = TerminationStateDescriptor.ServiceState.IN_SERVICE;
                    default -> { }
                }
            }
        }
        return new CommandReply.ServiceChange(sc.terminationIds(), null, List.of());
    }

    // ------------------------------------------------------------------------------------------------ ALL

    /** ContextID ALL: the command runs in every context holding a matching termination; one reply per context. */
    private boolean executeAll(ActionRequest a, List<ActionReply> out) {
        Map<Long, List<CommandReply>> byContext = new LinkedHashMap<>();
        for (CommandRequest cr : a.commands()) {
            Command c = cr.command();
            try {
                if (c instanceof Command.Audit au && au.terminationIds().size() == 1 && au.terminationIds().get(0).isRoot()) {
                    // "All, Root: list of all ContextIds", one action reply each
                    for (Long id : gw.contexts.keySet()) {
                        byContext.computeIfAbsent(id, k -> new ArrayList<>()).add(new CommandReply.Audit(
                                au.capabilities(), false, List.of(TerminationId.ROOT), List.of(), null));
                    }
                    continue;
                }
                if (!(c instanceof Command.Audit || c instanceof Command.Subtract
                        || (c instanceof Command.Amm amm && amm.verb() == Command.AmmVerb.MODIFY))) {
                    throw new GatewayException(ErrorDescriptor.ILLEGAL_ACTION, "only audits, Modify and Subtract apply to all contexts");
                }
                boolean matched = false;
                for (GatewayContext ctx : new ArrayList<>(gw.contexts.values())) {
                    ActionState st = new ActionState(ContextId.of(ctx.id), ctx);
                    List<Termination> inCtx = new ArrayList<>();
                    for (TerminationId id : c.terminationIds()) inCtx.addAll(matchIn(ctx.terminations, id));
                    if (inCtx.isEmpty()) continue;
                    matched = true;
                    for (TerminationId id : c.terminationIds()) {
                        if (matchIn(ctx.terminations, id).isEmpty()) continue;
                        byContext.computeIfAbsent(ctx.id, k -> new ArrayList<>())
                                .addAll(command(st, c instanceof Command.Subtract s
                                        ? new Command.Subtract(List.of(id), s.audit())
                                        : c instanceof Command.Audit au2 ? new Command.Audit(au2.capabilities(), List.of(id), au2.audit())
                                        : new Command.Amm(Command.AmmVerb.MODIFY, List.of(id), ((Command.Amm) c).descriptors()),
                                        cr.wildcardResponse()));
                    }
                }
                if (!matched) {
                    TerminationId id = c.terminationIds().get(0);
                    throw id.isWildcard() ? new GatewayException(ErrorDescriptor.NO_TERMINATION_ID_MATCHED_WILDCARD, "no termination " + id + " in a context")
                            : gw.terminations.containsKey(MediaGatewayCore.key(id.value()))
                            ? new GatewayException(ErrorDescriptor.NO_TERMINATION_ID_MATCHED_WILDCARD, id + " is in no context")
                            : new GatewayException(ErrorDescriptor.UNKNOWN_TERMINATION_ID, "no termination " + id);
                }
            } catch (GatewayException e) {
                for (Map.Entry<Long, List<CommandReply>> en : byContext.entrySet()) {
                    out.add(new ActionReply(ContextId.of(en.getKey()), List.of(), en.getValue(), null));
                }
                out.add(new ActionReply(ContextId.ALL, List.of(), List.of(errorReply(c, e.error())), null));
                return cr.optional();
            }
        }
        for (Map.Entry<Long, List<CommandReply>> en : byContext.entrySet()) {
            out.add(new ActionReply(ContextId.of(en.getKey()), List.of(), en.getValue(), null));
        }
        if (byContext.isEmpty()) {
            // no context at all: an empty answer for the ALL context
            List<CommandReply> none = new ArrayList<>();
            for (CommandRequest cr : a.commands()) {
                if (cr.command() instanceof Command.Audit au) {
                    none.add(new CommandReply.Audit(au.capabilities(), false, au.terminationIds(), List.of(), null));
                }
            }
            if (!none.isEmpty()) out.add(new ActionReply(ContextId.ALL, List.of(), none, null));
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------------ resolution

    private Termination specific(TerminationId id) throws GatewayException {
        if (id.isRoot()) throw new GatewayException(ErrorDescriptor.INCORRECT_IDENTIFIER, "ROOT not allowed here");
        if (id.isWildcard()) throw new GatewayException(ErrorDescriptor.NOT_IMPLEMENTED, "wildcard not allowed here");
        Termination t = gw.terminations.get(MediaGatewayCore.key(id.value()));
        if (t == null) throw new GatewayException(ErrorDescriptor.UNKNOWN_TERMINATION_ID, "no termination " + id);
        return t;
    }

    /** The terminations an id names in the action's context (NULL: those in no context; ROOT in NULL only). */
    private List<Termination> resolve(ActionState st, TerminationId id) throws GatewayException {
        if (id.isRoot()) {
            if (!st.nullContext()) throw new GatewayException(ErrorDescriptor.INCORRECT_IDENTIFIER, "ROOT is in the NULL context");
            return List.of(gw.root);
        }
        if (id.value().contains("$")) throw new GatewayException(ErrorDescriptor.ILLEGAL_ACTION, "CHOOSE only in Add");
        if (!id.isWildcard()) {
            // a specific id names at most one termination: look it up instead of matching every termination of the
            // NULL context (a load generator's gateway has hundreds of idle lines, and most commands name one)
            Termination t = gw.terminations.get(MediaGatewayCore.key(id.value()));
            if (t == null) throw new GatewayException(ErrorDescriptor.UNKNOWN_TERMINATION_ID, "no termination " + id);
            boolean here = st.nullContext() ? t.context == null : st.ctx != null && st.ctx.terminations.contains(t);
            if (here) return List.of(t);
            throw new GatewayException(ErrorDescriptor.NOT_IN_SPECIFIED_CONTEXT, id + " is in context "
                    + (t.context == null ? "-" : Long.toString(t.context.id)));
        }
        List<Termination> pool = new ArrayList<>();
        if (st.nullContext()) {
            for (Termination t : gw.terminations.values()) if (t.context == null) pool.add(t);
        } else if (st.ctx != null) {
            pool.addAll(st.ctx.terminations);
        }
        List<Termination> found = matchIn(pool, id);
        if (!found.isEmpty()) return found;
        if (id.isWildcard()) throw new GatewayException(ErrorDescriptor.NO_TERMINATION_ID_MATCHED_WILDCARD, "no termination matches " + id);
        Termination t = gw.terminations.get(MediaGatewayCore.key(id.value()));
        if (t == null) throw new GatewayException(ErrorDescriptor.UNKNOWN_TERMINATION_ID, "no termination " + id);
        throw new GatewayException(ErrorDescriptor.NOT_IN_SPECIFIED_CONTEXT, id + " is in context "
                + (t.context == null ? "-" : Long.toString(t.context.id)));
    }

    private static List<Termination> matchIn(List<Termination> pool, TerminationId id) {
        String v = id.value();
        List<Termination> out = new ArrayList<>();
        for (Termination t : pool) {
            if (v.equals("*") || v.equalsIgnoreCase(t.id)
                    || (v.endsWith("*") && !v.isEmpty() && t.id.regionMatches(true, 0, v, 0, v.length() - 1))) out.add(t);
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ descriptors

    /** A validated set of descriptors for one termination, applied by {@link #commit}. */
    private final class Change {
        MediaChange media;
        Termination.ActiveEventsPlan events;
        boolean eventsGiven;
        List<SignalParm> signals;
        final Map<String, DigitMapValue> digitMaps = new LinkedHashMap<>();
        EventBufferDescriptor eventBuffer;
        AuditDescriptor audit;

        List<Descriptor> commit(Termination t) {
            for (Map.Entry<String, DigitMapValue> dm : digitMaps.entrySet()) {
                if (dm.getValue() == null || dm.getValue().digitMap().isEmpty()) t.digitMaps.remove(dm.getKey());
                else t.digitMaps.put(dm.getKey(), dm.getValue());
            }
            List<Descriptor> out = new ArrayList<>();
            if (media != null) {
                MediaDescriptor answer = media.commit(t);
                if (answer != null) out.add(answer);
            }
            if (eventBuffer != null) t.eventBuffer = eventBuffer;
            if (eventsGiven) gw.events().installEvents(t, events);
            if (signals != null) gw.events().installSignals(t, signals);
            if (audit != null && !audit.items().isEmpty()) {
                List<Descriptor> audited = auditValue(t, audit);
                if (audited(audit).contains(AuditDescriptor.Item.MEDIA)) out.removeIf(d -> d instanceof MediaDescriptor);
                out.addAll(audited);
            }
            return out;
        }
    }

    private Change prepare(Termination t, List<Descriptor> ds, ActionState st) throws GatewayException {
        Change c = new Change();
        for (Descriptor d : ds) {
            if (d instanceof DigitMapDescriptor dm && dm.name() != null) {
                c.digitMaps.put(dm.name().toLowerCase(Locale.ROOT), dm.value());
            }
        }
        for (Descriptor d : ds) {
            if (d instanceof MediaDescriptor m) {
                if (c.media != null) throw new GatewayException(448, "Media appears twice");
                c.media = prepareMedia(t, m);
            } else if (d instanceof EventsDescriptor e) {
                if (c.eventsGiven) throw new GatewayException(448, "Events appears twice");
                c.eventsGiven = true;
                c.events = gw.events().prepareEvents(t, e, c.digitMaps, false);
            } else if (d instanceof SignalsDescriptor s) {
                if (t.kind == Termination.Kind.ROOT && !s.signals().isEmpty()) {
                    throw new GatewayException(ErrorDescriptor.INCORRECT_IDENTIFIER, "no signals on ROOT");
                }
                c.signals = gw.events().prepareSignals(t, s);
            } else if (d instanceof DigitMapDescriptor dm) {
                if (dm.name() == null) throw new GatewayException(ErrorDescriptor.UNSUPPORTED_VALUE, "a DigitMap descriptor needs a name");
                if (dm.value() != null && !dm.value().digitMap().isEmpty()) {
                    try {
                        dev.holdfast.gatewaysim.digitmap.DigitMap.compile(dm.value().digitMap());
                    } catch (IllegalArgumentException e) {
                        throw new GatewayException(ErrorDescriptor.UNSUPPORTED_VALUE, e.getMessage());
                    }
                }
            } else if (d instanceof EventBufferDescriptor eb) {
                c.eventBuffer = eb;
            } else if (d instanceof AuditDescriptor a) {
                c.audit = a;
            } else if (d instanceof ModemDescriptor || d instanceof MuxDescriptor) {
                throw new GatewayException(ErrorDescriptor.UNKNOWN_DESCRIPTOR, "Modem and Mux are not supported");
            } else {
                throw new GatewayException(ErrorDescriptor.DESCRIPTOR_NOT_LEGAL, d.getClass().getSimpleName() + " in a command");
            }
        }
        return c;
    }

    /** A validated Media descriptor. */
    private final class MediaChange {
        LocalControlDescriptor localControl;
        String local;
        String remote;
        InetSocketAddress remoteAddress;
        boolean remoteGiven;
        int payloadType = -1;
        TerminationStateDescriptor state;
        boolean streamForm;

        MediaDescriptor commit(Termination t) {
            if (streamForm) t.streamForm = true;
            if (state != null) {
                for (TerminationStateParm p : state.parms()) {
                    if (p instanceof TerminationStateDescriptor.ServiceStates s) t.serviceState = s.state();
                    if (p instanceof PropertyParm pp) t.terminationState.put(pp.name().toLowerCase(Locale.ROOT), pp);
                }
            }
            if (localControl != null) {
                Map<String, PropertyParm> props = new LinkedHashMap<>();
                for (LocalParm p : localControl.parms()) {
                    if (p instanceof LocalControlDescriptor.StreamMode m) t.mode = m.mode();
                    if (p instanceof LocalControlDescriptor.ReservedValue r) t.reserveValue = r.on();
                    if (p instanceof LocalControlDescriptor.ReservedGroup r) t.reserveGroup = r.on();
                    if (p instanceof PropertyParm pp) props.put(pp.name().toLowerCase(Locale.ROOT), pp);
                }
                t.localControl = props; // 7.1.7: a new LocalControl replaces the previous one
            }
            List<StreamParm> answer = new ArrayList<>();
            if (local != null) {
                if (t.probe != null) {
                    t.localSdp = answerSdp(t);
                    answer.add(new LocalDescriptor(t.localSdp));
                } else {
                    t.localSdp = local;
                }
            }
            if (remoteGiven) {
                t.remoteSdp = remote;
                if (t.probe != null) {
                    if (payloadType >= 0) t.probe.setPayloadType(payloadType);
                    t.probe.setRemote(remoteAddress);
                }
            }
            if (answer.isEmpty()) return null;
            return new MediaDescriptor(t.streamForm ? List.of(new StreamDescriptor(1, answer)) : List.copyOf(answer));
        }

        private String answerSdp(Termination t) {
            InetSocketAddress a = t.probe.localAddress();
            int pt = payloadType >= 0 ? payloadType : 0;
            if (pt != payloadType) t.probe.setPayloadType(pt);
            String ip = a.getAddress().getHostAddress();
            return "\nv=0\no=- " + Math.abs((long) t.id.hashCode()) + " 1 IN IP4 " + ip + "\ns=-\nc=IN IP4 " + ip
                    + "\nt=0 0\nm=audio " + a.getPort() + " RTP/AVP " + pt + "\n";
        }
    }

    private MediaChange prepareMedia(Termination t, MediaDescriptor m) throws GatewayException {
        MediaChange c = new MediaChange();
        List<StreamParm> streamParms = new ArrayList<>();
        for (MediaParm p : m.parms()) {
            if (p instanceof StreamDescriptor s) {
                if (s.streamId() != 1) throw new GatewayException(ErrorDescriptor.NOT_IMPLEMENTED, "only stream 1");
                c.streamForm = true;
                streamParms.addAll(s.parms());
            } else if (p instanceof TerminationStateDescriptor ts) {
                for (TerminationStateParm sp : ts.parms()) {
                    if (sp instanceof TerminationStateDescriptor.EventBufferControl b && b.lockStep()) {
                        throw new GatewayException(ErrorDescriptor.NOT_IMPLEMENTED, "EventBufferControl LockStep");
                    }
                    if (sp instanceof PropertyParm pp) Packages.checkProperty(pp.name());
                }
                c.state = ts;
            } else if (p instanceof StreamParm sp) {
                streamParms.add(sp);
            }
        }
        for (StreamParm sp : streamParms) {
            if (t.kind == Termination.Kind.ROOT) {
                throw new GatewayException(ErrorDescriptor.INCORRECT_IDENTIFIER, "ROOT has no streams");
            }
            if (sp instanceof LocalControlDescriptor lc) {
                for (LocalParm lp : lc.parms()) if (lp instanceof PropertyParm pp) Packages.checkProperty(pp.name());
                c.localControl = lc;
            } else if (sp instanceof LocalDescriptor l) {
                c.local = l.sdp();
                if (t.kind == Termination.Kind.RTP) c.payloadType = offeredPayloadType(Sdp.parse(l.sdp()), true);
            } else if (sp instanceof RemoteDescriptor r) {
                c.remoteGiven = true;
                c.remote = r.sdp();
                if (t.kind == Termination.Kind.RTP) {
                    Sdp remote = Sdp.parse(r.sdp()); // once for both
                    c.remoteAddress = remoteAddress(remote);
                    int pt = offeredPayloadType(remote, false);
                    if (pt >= 0 && c.payloadType < 0) c.payloadType = pt;
                }
            } else if (sp instanceof StatisticsDescriptor) {
                throw new GatewayException(ErrorDescriptor.DESCRIPTOR_NOT_LEGAL, "Statistics in a command");
            }
        }
        return c;
    }

    private static final java.util.regex.Pattern SPACES = java.util.regex.Pattern.compile("\\s+");

    /** The first payload type of the first alternative's m= line; $ or none gives -1. */
    private static int offeredPayloadType(Sdp parsed, boolean local) throws GatewayException {
        if (parsed.sessions().isEmpty()) return -1; // empty: release
        String mLine = parsed.sessions().get(0).first('m');
        if (mLine == null) {
            if (local) return -1;
            throw new GatewayException(ErrorDescriptor.UNSUPPORTED_VALUE, "SDP without an m= line");
        }
        String[] f = SPACES.split(mLine.trim());
        if (!f[0].equalsIgnoreCase("audio")) throw new GatewayException(ErrorDescriptor.UNSUPPORTED_MEDIA_TYPE, "media " + f[0]);
        if (f.length < 4 || f[3].equals("$")) return -1;
        try {
            int pt = Integer.parseInt(f[3]);
            if (pt < 0 || pt > 127) throw new NumberFormatException();
            return pt;
        } catch (NumberFormatException e) {
            throw new GatewayException(ErrorDescriptor.UNSUPPORTED_VALUE, "payload type " + f[3]);
        }
    }

    /** Where to send RTP, from Remote SDP; null for an empty Remote (release). */
    private static InetSocketAddress remoteAddress(Sdp parsed) throws GatewayException {
        if (parsed.sessions().isEmpty()) return null;
        Sdp.Session s = parsed.sessions().get(0);
        String addr = s.connectionAddress();
        int port = s.mediaPort();
        if (addr == null || addr.equals("$") || port <= 0 || port > 65535) {
            throw new GatewayException(ErrorDescriptor.UNSUPPORTED_VALUE, "Remote SDP needs c= and m= with an address and a port");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(addr), port);
        } catch (java.net.UnknownHostException e) {
            throw new GatewayException(ErrorDescriptor.UNSUPPORTED_VALUE, "address " + addr);
        }
    }

    // ------------------------------------------------------------------------------------------------ context

    private void contextProperties(ActionState st, List<ContextProperty> props) throws GatewayException {
        GatewayContext ctx = st.ctx;
        if (ctx == null) throw new GatewayException(ErrorDescriptor.ILLEGAL_ACTION, "context properties without a context");
        for (ContextProperty p : props) {
            if (p instanceof TopologyDescriptor td) {
                ctx.topology.addAll(td.triples());
            } else if (p instanceof ContextProperty.Priority pr) {
                ctx.priority = pr.value();
            } else if (p instanceof ContextProperty.Emergency e) {
                ctx.emergency = e.on();
            } else if (p instanceof PropertyParm pp) {
                ctx.attributes.put(pp.name().toLowerCase(Locale.ROOT), pp);
            } else {
                ctx.attributes.put(p.getClass().getSimpleName(), p);
            }
        }
        gw.paths().update(ctx);
    }

    private static List<ContextProperty> contextAudit(GatewayContext ctx, List<ContextAuditItem> items) {
        List<ContextProperty> out = new ArrayList<>();
        for (ContextAuditItem i : items) {
            if (i instanceof ContextAuditItem.Token tok) {
                switch (tok.kind()) {
                    case TOPOLOGY -> { if (!ctx.topology.isEmpty()) out.add(new TopologyDescriptor(ctx.topology)); }
                    case PRIORITY -> { if (ctx.priority != null) out.add(new ContextProperty.Priority(ctx.priority)); }
                    case EMERGENCY -> { if (ctx.emergency != null) out.add(new ContextProperty.Emergency(ctx.emergency)); }
                    default -> { }
                }
            } else if (i instanceof ContextAuditItem.PackageProperty pp) {
                ContextProperty v = ctx.attributes.get(pp.pkgdName().toLowerCase(Locale.ROOT));
                if (v != null) out.add(v);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ audits

    /**
     * The descriptors an Audit asks for, once each, in order. An individual audit (v2/v3: one property, event,
     * signal, statistic or package) is answered with the whole descriptor it belongs to.
     */
    private static Set<AuditDescriptor.Item> audited(AuditDescriptor audit) {
        Set<AuditDescriptor.Item> items = new LinkedHashSet<>();
        for (AuditDescriptor.AuditItem i : audit.items()) items.add(i.descriptor());
        return items;
    }

    List<Descriptor> auditValue(Termination t, AuditDescriptor audit) {
        List<Descriptor> out = new ArrayList<>();
        if (audit == null) return out;
        for (AuditDescriptor.Item item : audited(audit)) {
            switch (item) {
                case MEDIA -> out.add(media(t));
                case EVENTS -> out.add(t.events == null ? new EventsDescriptor(null, List.of())
                        : new EventsDescriptor(t.events.requestId, t.events.events));
                case SIGNALS -> {
                    List<SignalParm> playing = new ArrayList<>();
                    for (Termination.SignalTrack s : t.signals) playing.add(s.origin);
                    out.add(new SignalsDescriptor(playing));
                }
                case DIGIT_MAP -> {
                    Map<String, DigitMapValue> maps = t == gw.root ? gw.root.digitMaps : t.digitMaps;
                    for (Map.Entry<String, DigitMapValue> m : maps.entrySet()) out.add(new DigitMapDescriptor(m.getKey(), m.getValue()));
                }
                case STATISTICS -> {
                    out.addAll(statisticsReturned(t));
                }
                case PACKAGES -> out.add(new PackagesDescriptor(Packages.realized(t.kind)));
                case OBSERVED_EVENTS -> {
                    String ds = EventEngine.currentDialString(t);
                    if (ds != null) {
                        out.add(new ObservedEventsDescriptor(t.events.requestId, List.of(
                                ObservedEventsDescriptor.ObservedEvent.of("dd/ce", PropertyParm.of("ds", "\"" + ds + "\"")))));
                    }
                }
                case EVENT_BUFFER -> { if (t.eventBuffer != null) out.add(t.eventBuffer); }
                default -> { }
            }
        }
        return out;
    }

    /** The termination's media: TerminationState, then LocalControl, Local and Remote. */
    private static MediaDescriptor media(Termination t) {
        List<TerminationStateParm> state = new ArrayList<>();
        state.add(new TerminationStateDescriptor.ServiceStates(t.serviceState));
        state.addAll(t.terminationState.values());
        List<MediaParm> parms = new ArrayList<>();
        parms.add(new TerminationStateDescriptor(state));
        if (t.kind != Termination.Kind.ROOT) {
            List<StreamParm> stream = new ArrayList<>();
            List<LocalParm> lc = new ArrayList<>();
            if (t.mode != null) lc.add(new LocalControlDescriptor.StreamMode(t.mode));
            if (t.reserveValue != null) lc.add(new LocalControlDescriptor.ReservedValue(t.reserveValue));
            if (t.reserveGroup != null) lc.add(new LocalControlDescriptor.ReservedGroup(t.reserveGroup));
            lc.addAll(t.localControl.values());
            if (!lc.isEmpty()) stream.add(new LocalControlDescriptor(lc));
            if (t.localSdp != null) stream.add(new LocalDescriptor(t.localSdp));
            if (t.remoteSdp != null) stream.add(new RemoteDescriptor(t.remoteSdp));
            if (t.streamForm) parms.add(new StreamDescriptor(1, stream));
            else parms.addAll(stream);
        }
        return new MediaDescriptor(parms);
    }

    private List<Descriptor> auditCapabilities(Termination t, AuditDescriptor audit) {
        List<Descriptor> out = new ArrayList<>();
        if (audit == null) return out;
        for (AuditDescriptor.Item item : audited(audit)) {
            switch (item) {
                case MEDIA -> {
                    List<MediaParm> parms = new ArrayList<>();
                    List<TerminationStateParm> state = new ArrayList<>();
                    state.add(new TerminationStateDescriptor.ServiceStates(t.serviceState));
                    if (t.kind == Termination.Kind.ROOT) {
                        state.add(new PropertyParm("root/maxTerminationsPerContext",
                                ParmValue.of(Integer.toString(gw.config().maxTerminationsPerContext()))));
                        state.add(new PropertyParm("it/mit", new ParmValue.Range("0", "4294967295")));
                    }
                    parms.add(new TerminationStateDescriptor(state));
                    if (t.physical()) {
                        parms.add(new LocalControlDescriptor(List.of(
                                new PropertyParm("tdmc/ec", new ParmValue.OneOf(List.of("on", "off"))),
                                new PropertyParm("tdmc/gain", new ParmValue.Range("-12", "12")))));
                    } else if (t.kind == Termination.Kind.RTP) {
                        parms.add(new LocalControlDescriptor(List.of(
                                new PropertyParm("nt/jit", new ParmValue.Range("0", "200")))));
                    }
                    out.add(new MediaDescriptor(parms));
                }
                case EVENTS -> out.add(new EventsDescriptor(RequestId.of(0),
                        Packages.events(t.kind).stream().map(e -> new RequestedEvent(e, List.of())).toList()));
                case SIGNALS -> out.add(new SignalsDescriptor(
                        Packages.signals(t.kind).stream().map(s -> (SignalParm) SignalParm.Request.of(s)).toList()));
                case STATISTICS -> {
                    List<StatisticsDescriptor.Statistic> names = statisticNames(t).stream()
                            .map(n -> new StatisticsDescriptor.Statistic(n, null)).toList();
                    if (!names.isEmpty()) out.add(new StatisticsDescriptor(names));
                }
                case OBSERVED_EVENTS -> { // names of the active events
                    if (t.events != null) {
                        out.add(new ObservedEventsDescriptor(t.events.requestId, t.events.events.stream()
                                .map(e -> ObservedEventsDescriptor.ObservedEvent.of(e.name())).toList()));
                    }
                }
                default -> { }
            }
        }
        return out;
    }

    private static List<String> statisticNames(Termination t) {
        return switch (t.kind) {
            case RTP -> List.of("rtp/ps", "rtp/pr", "rtp/pl", "rtp/jit", "rtp/delay", "nt/os", "nt/or", "nt/dur");
            case LINE, TRUNK -> List.of("nt/dur");
            case ROOT -> List.of();
        };
    }

    /**
     * The Statistics descriptor to return for a termination, or nothing where it has no statistics (ROOT): the ABNF
     * has no empty Statistics descriptor, so none is written rather than an invalid one.
     */
    private List<Descriptor> statisticsReturned(Termination t) {
        return t.kind == Termination.Kind.ROOT ? List.of() : List.of(statistics(t));
    }

    /** The statistics of the termination's time in its context: real packet counts from its probe (not for ROOT). */
    StatisticsDescriptor statistics(Termination t) {
        List<StatisticsDescriptor.Statistic> s = new ArrayList<>();
        if (t.probe != null) {
            ProbeStats p = t.probe.stats();
            s.add(stat("rtp/ps", p.packetsSent()));
            s.add(stat("rtp/pr", p.packetsReceived()));
            // no loss is the common case: its text without a Formatter (one per Subtract of an RTP termination)
            String loss = p.lost() == 0 ? "0.00" : String.format(Locale.ROOT, "%.2f", p.lossPercent());
            s.add(new StatisticsDescriptor.Statistic("rtp/pl", ParmValue.of(loss)));
            s.add(stat("rtp/jit", Math.round(p.jitterMillis())));
            s.add(stat("rtp/delay", 0));
            s.add(stat("nt/os", p.octetsSent()));
            s.add(stat("nt/or", p.octetsReceived()));
        }
        long durMillis = t.context == null ? 0 : (gw.scheduler().nanoTime() - t.joinedContextNanos) / 1_000_000;
        s.add(stat("nt/dur", durMillis));
        return new StatisticsDescriptor(s);
    }

    private static StatisticsDescriptor.Statistic stat(String name, long v) {
        return new StatisticsDescriptor.Statistic(name, ParmValue.of(Long.toString(v)));
    }

    // ------------------------------------------------------------------------------------------------ errors

    static CommandReply errorReply(Command c, ErrorDescriptor e) {
        List<Descriptor> err = List.of(e);
        if (c instanceof Command.Amm amm) {
            return new CommandReply.Amms(CommandReply.AmmsVerb.valueOf(amm.verb().name()), amm.terminationIds(), err);
        }
        if (c instanceof Command.Subtract s) return new CommandReply.Amms(CommandReply.AmmsVerb.SUBTRACT, s.terminationIds(), err);
        if (c instanceof Command.Audit a) return new CommandReply.Audit(a.capabilities(), false, a.terminationIds(), err, null);
        if (c instanceof Command.Notify n) return new CommandReply.Notify(n.terminationIds(), e);
        return new CommandReply.ServiceChange(c.terminationIds(), e, List.of());
    }
}
