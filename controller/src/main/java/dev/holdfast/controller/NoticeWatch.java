package dev.holdfast.controller;

import dev.holdfast.controller.call.Call;
import dev.holdfast.controller.call.CallProcessor;
import dev.holdfast.controller.call.CallRegister;
import dev.holdfast.controller.call.CallState;
import dev.holdfast.controller.core.Notice;
import dev.holdfast.controller.gateway.Gateway;
import dev.holdfast.controller.gateway.GatewayAssociation;
import dev.holdfast.controller.gateway.GatewayState;
import dev.holdfast.controller.sip.SipCall;
import dev.holdfast.controller.sip.SipCore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns what an event changed into {@link Notice}s, after the event, on the core's thread, from core state alone (so
 * a replay gives the same notices). It looks only at what may have changed: calls added and removed (the
 * {@link CallRegister}'s journal), calls still being set up or using a feature, calls of lines the event reported
 * on, each gateway's state, and the subscribers whose bindings a REGISTER changed.
 */
final class NoticeWatch {
    /** What was last reported of a call. */
    private static final class Seen {
        CallState state;
        Call.Feature feature;
        final long createdAt;
        boolean setUp;

        /** The call itself, so that looking for changes needs no lookup. */
        final Call call;

        Seen(Call call, CallState state, Call.Feature feature, long createdAt) {
            this.call = call;
            this.state = state;
            this.feature = feature;
            this.createdAt = createdAt;
        }
    }

    private final CallProcessor calls;
    private final CallRegister register;
    private final GatewayAssociation association;
    private final SipCore sip;
    private final Map<Long, Seen> seen = new HashMap<>();
    private final Set<Long> touched = new LinkedHashSet<>();
    private final Map<Gateway, GatewayState> gateways = new LinkedHashMap<>();
    private final Set<String> users = new LinkedHashSet<>();
    /** Phone-to-phone calls not yet connected, and the state last reported of each such call. */
    private final Map<Long, SipCall.State> phoneCalls = new HashMap<>();
    private final Set<Long> unsettledPhoneCalls = new TreeSet<>();
    private final Map<String, Integer> contacts = new HashMap<>();
    /** When each registered user's next contact lapses, to notice a registration that runs out without a REGISTER. */
    private final Map<String, Long> expiryOf = new HashMap<>();
    private final java.util.TreeMap<Long, Set<String>> byExpiry = new java.util.TreeMap<>();
    private final List<Notice> out = new ArrayList<>();

    NoticeWatch(CallProcessor calls, CallRegister register, GatewayAssociation association, SipCore sip, long now) {
        this.calls = calls;
        this.register = register;
        this.association = association;
        this.sip = sip;
        // what is there now is the baseline: reported from here on are changes
        register.journal();
        for (Call c : calls.calls()) track(c, now);
        sip.callRegister().journal();
        for (SipCall c : sip.calls()) if (c.phoneToPhone()) trackPhoneCall(c);
        for (Gateway g : association.gateways()) gateways.put(g, g.state());
        sip.location().live(now).forEach((user, b) -> {
            contacts.put(user, b.size());
            expires(user, sip.location().nextExpiry(user, now));
        });
        sip.location().onChange(users::add);
    }

    /** The event reported on a line of this call (a hook, a flash, digits). */
    void touched(Call c) { if (c != null) touched.add(c.id()); }

    /** After each event: the notices it caused. */
    List<Notice> after(long now) {
        for (Call c : register.takeAdded()) {
            track(c, now);
            Seen s = seen.get(c.id());
            Map<String, Object> f = callFields(c);
            if (reachedSetUp(s)) f.put("setupMillis", 0L);
            out.add(new Notice(now, "call-started", f));
        }
        // only the calls whose state or feature changed (the register hears of each change): walking every call not
        // settled (a held call or a conference stays so for its life) after every event was a third of the
        // alternate's core thread while it rebuilt 10,000 calls (JFR), growing with calls times events
        List<Long> check = new ArrayList<>();
        for (Call c : register.takeChanged()) {
            Seen s = seen.get(c.id());
            if (s != null && changed(s)) check.add(c.id());
        }
        if (check.size() > 1) java.util.Collections.sort(check);
        for (Long id : touched) {
            if (check.contains(id)) continue;
            Seen s = seen.get(id);
            if (s != null && changed(s)) check.add(id);
        }
        touched.clear();
        for (Long id : check) {
            Call c = calls.call(id);
            Seen s = seen.get(id);
            if (c == null || s == null || c != s.call) continue; // removed: reported below
            Map<String, Object> f = callFields(c);
            f.put("previousState", s.state.name());
            f.put("previousFeature", s.feature.name());
            s.state = c.state();
            s.feature = c.feature();
            if (reachedSetUp(s)) f.put("setupMillis", now - s.createdAt);
            out.add(new Notice(now, "call-state", f));
        }
        for (Call c : register.takeRemoved()) {
            Seen s = seen.remove(c.id());
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("callId", c.id());
            f.put("lastState", s == null ? null : s.state.name());
            f.put("answered", s != null && s.state == CallState.CONNECTED);
            f.put("durationMillis", s == null ? null : now - s.createdAt);
            out.add(new Notice(now, "call-released", f));
        }
        phoneCalls(now);
        if (association.takeGatewaysChanged()) gatewayNotices(now);
        while (!byExpiry.isEmpty() && byExpiry.firstKey() <= now) {
            users.addAll(byExpiry.pollFirstEntry().getValue()); // a contact lapsed: look at the user again
        }
        for (String user : users) {
            int n = sip.location().liveCount(user, now);
            expires(user, sip.location().nextExpiry(user, now));
            Integer was = contacts.get(user);
            int before = was == null ? 0 : was;
            if (n == 0) contacts.remove(user);
            else contacts.put(user, n);
            if ((n > 0) == (before > 0)) continue;
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("user", user);
            var sub = sip.directory().byUser(user);
            f.put("number", sub == null ? null : sub.number());
            f.put("contacts", n);
            out.add(new Notice(now, n > 0 ? "phone-registered" : "phone-unregistered", f));
        }
        users.clear();
        if (out.isEmpty()) return List.of();
        List<Notice> n = List.copyOf(out);
        out.clear();
        return n;
    }

    /** Files {@code user} under the time its next contact lapses (0: none live). */
    private void expires(String user, long at) {
        Long was = expiryOf.remove(user);
        if (was != null) {
            Set<String> s = byExpiry.get(was);
            if (s != null) {
                s.remove(user);
                if (s.isEmpty()) byExpiry.remove(was);
            }
        }
        if (at > 0) {
            expiryOf.put(user, at);
            byExpiry.computeIfAbsent(at, t -> new java.util.TreeSet<>()).add(user);
        }
    }

    /** Calls between two phones (the B2BUA's, no gateway part): started, state changes, released. */
    /** Each gateway whose state changed since last reported (gateways provisioned while running from their first state). */
    private void gatewayNotices(long now) {
        for (Gateway g : association.gateways()) gateways.putIfAbsent(g, GatewayState.UNREGISTERED);
        for (Map.Entry<Gateway, GatewayState> e : gateways.entrySet()) {
            Gateway g = e.getKey();
            GatewayState was = e.getValue();
            if (g.state() == was) continue;
            e.setValue(g.state());
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("gateway", g.name());
            f.put("state", g.state().name());
            f.put("previousState", was.name());
            f.put("peer", g.peer());
            f.put("serviceChange", g.lastServiceChange());
            String kind = g.state() == GatewayState.IN_SERVICE ? "gateway-registered"
                    : was.reachable() && !g.state().reachable() ? "gateway-lost" : "gateway-state";
            out.add(new Notice(now, kind, f));
        }
        if (gateways.size() > association.gateways().size()) {
            gateways.keySet().removeIf(g -> association.gateway(g.name()) != g);
        }
    }

    private void phoneCalls(long now) {
        for (SipCall c : sip.callRegister().takeAdded()) {
            if (!c.phoneToPhone()) continue;
            trackPhoneCall(c);
            out.add(new Notice(now, "phone-call-started", phoneCallFields(c)));
        }
        for (Long id : new ArrayList<>(unsettledPhoneCalls)) {
            SipCall c = sip.call(id);
            if (c == null) continue;
            SipCall.State was = phoneCalls.get(id);
            if (c.state() == was) continue;
            Map<String, Object> f = phoneCallFields(c);
            f.put("previousState", was.name());
            trackPhoneCall(c);
            out.add(new Notice(now, "phone-call-state", f));
        }
        for (SipCall c : sip.callRegister().takeRemoved()) {
            SipCall.State was = phoneCalls.remove(c.id());
            unsettledPhoneCalls.remove(c.id());
            if (was == null) continue; // not a phone-to-phone call
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("phoneCallId", c.id());
            f.put("lastState", was.name());
            f.put("answered", was == SipCall.State.CONNECTED);
            out.add(new Notice(now, "phone-call-released", f));
        }
    }

    private void trackPhoneCall(SipCall c) {
        phoneCalls.put(c.id(), c.state());
        if (c.state() == SipCall.State.CONNECTED) unsettledPhoneCalls.remove(c.id());
        else unsettledPhoneCalls.add(c.id());
    }

    private static Map<String, Object> phoneCallFields(SipCall c) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("phoneCallId", c.id());
        f.put("state", c.state().name());
        f.put("caller", c.caller());
        f.put("callee", c.callee());
        f.put("migrated", c.adopted());
        return f;
    }

    private static boolean changed(Seen s) { return s.call.state() != s.state || s.call.feature() != s.feature; }

    private void track(Call c, long now) {
        Seen s = new Seen(c, c.state(), c.feature(), now);
        s.setUp = c.migrated(); // a call rebuilt from cookies was set up elsewhere: no set-up time here
        seen.put(c.id(), s);
    }

    /** Whether this is the first time the call is seen ringing or answered (the end of its set-up). */
    private static boolean reachedSetUp(Seen s) {
        if (s.setUp || (s.state != CallState.RINGING && s.state != CallState.CONNECTED)) return false;
        s.setUp = true;
        return true;
    }

    private static Map<String, Object> callFields(Call c) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("callId", c.id());
        f.put("state", c.state().name());
        f.put("feature", c.feature().name());
        f.put("migrated", c.migrated());
        f.put("call", c.structure());
        return f;
    }
}
