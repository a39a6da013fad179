package dev.holdfast.controller.call;

import dev.holdfast.controller.cookie.CallCookie;
import dev.holdfast.controller.cookie.CookieCodec;
import dev.holdfast.controller.cookie.CookieKeyRing;
import dev.holdfast.controller.cookie.CookiePart;
import dev.holdfast.controller.core.Command;
import dev.holdfast.controller.core.H248;
import dev.holdfast.controller.gateway.Gateway;
import dev.holdfast.controller.gateway.Line;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.CommandRequest;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.Descriptor;
import dev.holdfast.h248.message.MediaDescriptor;
import dev.holdfast.h248.message.MediaParm;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.TerminationStateDescriptor;
import dev.holdfast.h248.message.TerminationStateParm;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the call cookies (docs/migration.md) at the end of each core event, when the call's state is final for
 * that event. For every call the event touched, each part whose cookie would change gets the new one: piggy-backed
 * as {@code TerminationState{hfck/c=...}} on an Add, Modify or Move of that termination already queued; else as a
 * Modify added to a request already queued for its gateway; else, once the call is not waiting for an Add, in a
 * request of its own (an <i>extra message</i>, counted). An {@code Add = $} in a queued request gets the cookie of
 * the IGC end it creates. Cookies go with the terminations: a Subtract takes them off, so release costs nothing.
 */
final class CookieStamper {
    private static final System.Logger LOG = System.getLogger(CookieStamper.class.getName());
    /** The controller-defined package's property (docs/h248-profile.md): stored, never understood, by gateways. */
    static final String PROPERTY = "hfck/c";

    private final CallProcessor cp;
    private final CookieKeyRing keys;
    private long stamped;
    private long piggyBacked;
    private long extraMessages;
    private long encodedBytes;
    private int largest;

    CookieStamper(CallProcessor cp, CookieKeyRing keys) {
        this.cp = cp;
        this.keys = keys;
    }

    long stamped() { return stamped; }

    /** A request sent only for cookies by something other than a call (a conference's line member left). */
    void extraMessage() { extraMessages++; }

    long extraMessages() { return extraMessages; }

    long piggyBacked() { return piggyBacked; }

    int largest() { return largest; }

    long averageSize() { return stamped == 0 ? 0 : encodedBytes / stamped; }

    /** One cookie to write: on a known termination, or (termination null) on the {@code Add = $} of an IGC end. */
    private record Stamp(Call call, Object partKey, Call.Leg leg, String termination, CallCookie cookie) {}

    void afterEvent(Collection<Call> touched) {
        if (touched.isEmpty()) return;
        long now = cp.svc.now();
        Map<Gateway, Map<String, Stamp>> needed = new LinkedHashMap<>();
        Map<Gateway, List<Stamp>> choose = new LinkedHashMap<>();
        for (Call c : touched) {
            if (c.state == CallState.RELEASED) continue;
            CallCookies.Content k = CallCookies.refresh(c, now);
            Set<Object> present = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            for (Call.Leg leg : c.legs) {
                for (String t : leg.terminations) {
                    Object key = partKey(c, leg, t);
                    if (key == null) continue;
                    present.add(key);
                    CookiePart part = CallCookies.part(c, key);
                    if (part == null) continue;
                    CallCookie cookie = CallCookies.cookie(c, k, part);
                    if (cookie.equals(c.stamped.get(key))) continue;
                    needed.computeIfAbsent(leg.gateway, g -> new LinkedHashMap<>())
                            .put(H248.key(TerminationId.of(t)), new Stamp(c, key, leg, t, cookie));
                }
            }
            for (Call.IgcEnd e : c.igcs) addChoose(c, k, e, choose, present);
            for (Call.IgcEnd e : c.igcs) if (e.far != null) addChoose(c, k, e.far, choose, present);
            c.stamped.keySet().retainAll(present);
        }
        if (needed.isEmpty() && choose.isEmpty()) return;
        for (Command.SendRequest r : cp.svc.queuedRequests()) {
            Gateway gw = cp.association.gatewayAt(r.peer());
            if (gw == null) continue;
            Map<String, Stamp> forGw = needed.getOrDefault(gw, Map.of());
            List<Stamp> dollars = choose.getOrDefault(gw, List.of());
            if (forGw.isEmpty() && dollars.isEmpty()) continue;
            List<ActionRequest> actions = piggyBack(gw, r.actions(), forGw, dollars);
            if (actions != r.actions()) cp.svc.replaceQueued(r, actions);
        }
        // what no queued command carried: a Modify in a request already going to the gateway, or one of its own
        for (Map.Entry<Gateway, Map<String, Stamp>> e : needed.entrySet()) {
            Gateway gw = e.getKey();
            Map<ContextId, List<dev.holdfast.h248.message.Command>> byContext = new LinkedHashMap<>();
            for (Stamp s : e.getValue().values()) {
                if (s.call.adding() || s.leg.context == null || !s.leg.context.isSpecific()) continue; // its flow goes on
                byContext.computeIfAbsent(s.leg.context, x -> new ArrayList<>())
                        .add(H248.modify(s.termination, MediaDescriptor.of(state(s))));
                written(s);
            }
            if (byContext.isEmpty()) continue;
            List<ActionRequest> extra = new ArrayList<>();
            for (Map.Entry<ContextId, List<dev.holdfast.h248.message.Command>> a : byContext.entrySet()) {
                extra.add(H248.action(a.getKey(), a.getValue()));
            }
            Command.SendRequest going = null;
            for (Command.SendRequest r : cp.svc.queuedRequests()) if (gw.peer() != null && gw.peer().equals(r.peer())) going = r;
            int from = 0;
            if (going != null && extra.size() <= CONTEXTS_PER_REQUEST) {
                List<ActionRequest> all = new ArrayList<>(going.actions());
                all.addAll(extra);
                cp.svc.replaceQueued(going, all);
                from = extra.size();
            }
            // the rest in requests of their own, a few contexts each: one event can change the cookies of hundreds
            // of calls on a gateway, and a request must fit a datagram (8 KiB) or it is never sent
            for (; from < extra.size(); from += CONTEXTS_PER_REQUEST) {
                extraMessages++;
                cp.association.send(gw, List.copyOf(extra.subList(from, Math.min(extra.size(), from + CONTEXTS_PER_REQUEST))), o -> {
                    if (!o.ok() && !o.failed()) LOG.log(System.Logger.Level.INFO, () -> gw.name() + ": cookie refused: " + o);
                });
            }
        }
    }

    /**
     * Contexts per request that carries only cookies (or a few more on a request already going): a cookie Modify is
     * about 200 octets, a conference's context has up to four of them, so five contexts stay well inside a datagram.
     */
    static final int CONTEXTS_PER_REQUEST = 5;

    /** The part key of a termination of the call: its line, or its IGC end; null for neither. */
    private static Object partKey(Call c, Call.Leg leg, String t) {
        Line l = leg.gateway.line(t);
        if (l != null) return c.parties.containsKey(l) ? l : null;
        return c.igcEnd(leg, t);
    }

    /** An IGC end whose {@code Add = $} may be queued now: its cookie goes in that Add. */
    private static void addChoose(Call c, CallCookies.Content k, Call.IgcEnd e, Map<Gateway, List<Stamp>> choose,
                                  Set<Object> present) {
        if (e.rtp != null || !e.leg.adding && e.leg.context != null) return;
        present.add(e);
        CookiePart part = CallCookies.part(c, e);
        if (part == null) return;
        CallCookie cookie = CallCookies.cookie(c, k, part);
        if (cookie.equals(c.stamped.get(e))) return;
        choose.computeIfAbsent(e.leg.gateway, g -> new ArrayList<>()).add(new Stamp(c, e, e.leg, null, cookie));
    }

    private List<ActionRequest> piggyBack(Gateway gw, List<ActionRequest> actions, Map<String, Stamp> forGw,
                                          List<Stamp> dollars) {
        List<ActionRequest> out = null;
        for (int i = 0; i < actions.size(); i++) {
            ActionRequest a = actions.get(i);
            if (a.contextId().equals(ContextId.NULL) || a.contextId().equals(ContextId.ALL)) continue;
            List<CommandRequest> commands = null;
            for (int j = 0; j < a.commands().size(); j++) {
                CommandRequest cr = a.commands().get(j);
                if (!(cr.command() instanceof dev.holdfast.h248.message.Command.Amm amm) || amm.terminationIds().size() != 1) continue;
                TerminationId tid = amm.terminationIds().get(0);
                Stamp s = tid.value().equals("$") ? dollarFor(gw, a, dollars) : forGw.remove(H248.key(tid));
                if (s == null) continue;
                if (commands == null) commands = new ArrayList<>(a.commands());
                commands.set(j, new CommandRequest(new dev.holdfast.h248.message.Command.Amm(amm.verb(),
                        amm.terminationIds(), withCookie(amm.descriptors(), state(s))), cr.optional(), cr.wildcardResponse()));
                if (s.termination == null) dollars.remove(s);
                written(s);
                piggyBacked++;
            }
            if (commands == null) continue;
            if (out == null) out = new ArrayList<>(actions);
            out.set(i, new ActionRequest(a.contextId(), a.contextProperties(), a.contextAudit(), commands));
        }
        return out == null ? actions : out;
    }

    /** The IGC end an {@code Add = $} in this action creates: of the call whose leg the action is about. */
    private static Stamp dollarFor(Gateway gw, ActionRequest a, List<Stamp> dollars) {
        for (Stamp s : dollars) {
            if (a.contextId().isSpecific() ? a.contextId().equals(s.leg.context) : s.leg.context == null
                    && mentionsLeg(gw, a, s.leg)) return s;
        }
        return null;
    }

    /** A CHOOSE action with a physical termination of this leg: the Add that creates the leg's context. */
    private static boolean mentionsLeg(Gateway gw, ActionRequest a, Call.Leg leg) {
        for (CommandRequest cr : a.commands()) {
            for (TerminationId t : cr.command().terminationIds()) {
                if (!t.value().equals("$") && leg.terminations.contains(t.value()) && gw.line(t.value()) != null) return true;
            }
        }
        return false;
    }

    private void written(Stamp s) {
        s.call.stamped.put(s.partKey, s.cookie);
    }

    /** A cookie as text, signed with the current key (and counted). */
    String encode(CallCookie cookie) {
        String text = CookieCodec.encode(cookie, keys.current());
        stamped++;
        encodedBytes += text.length();
        largest = Math.max(largest, text.length());
        return text;
    }

    private TerminationStateDescriptor state(Stamp s) {
        String text = encode(s.cookie);
        return new TerminationStateDescriptor(List.of(PropertyParm.of(PROPERTY, "\"" + text + "\"")));
    }

    /** The descriptors with the cookie in their Media descriptor's TerminationState (one is made if none). */
    static List<Descriptor> withCookie(List<Descriptor> descriptors, TerminationStateDescriptor cookie) {
        List<Descriptor> out = new ArrayList<>(descriptors);
        for (int i = 0; i < out.size(); i++) {
            if (!(out.get(i) instanceof MediaDescriptor m)) continue;
            List<MediaParm> parms = new ArrayList<>();
            boolean merged = false;
            for (MediaParm p : m.parms()) {
                if (p instanceof TerminationStateDescriptor ts && !merged) {
                    List<TerminationStateParm> tsp = new ArrayList<>();
                    for (TerminationStateParm x : ts.parms()) {
                        if (!(x instanceof PropertyParm pp && pp.name().equalsIgnoreCase(PROPERTY))) tsp.add(x);
                    }
                    tsp.addAll(cookie.parms());
                    parms.add(new TerminationStateDescriptor(tsp));
                    merged = true;
                } else {
                    parms.add(p);
                }
            }
            if (!merged) parms.add(0, cookie);
            out.set(i, new MediaDescriptor(parms));
            return out;
        }
        out.add(MediaDescriptor.of(cookie));
        return out;
    }
}
