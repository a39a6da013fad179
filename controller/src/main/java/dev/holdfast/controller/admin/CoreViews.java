package dev.holdfast.controller.admin;

import dev.holdfast.controller.ControllerCore;
import dev.holdfast.controller.call.Call;
import dev.holdfast.controller.call.CallStructure;
import dev.holdfast.controller.gateway.Gateway;
import dev.holdfast.controller.gateway.GatewayState;
import dev.holdfast.controller.gateway.Line;
import dev.holdfast.controller.sip.Binding;
import dev.holdfast.controller.sip.SipCall;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Read-only snapshots of core state, taken on the core's thread ({@link dev.holdfast.controller.mgc.CoreRunner#query})
 * and serialized elsewhere: every one is an immutable record, none changes the core (lapsed SIP bindings are
 * skipped, not dropped).
 */
final class CoreViews {
    private CoreViews() {}

    /**
     * What the status page counts. {@code lastCallRebuiltAt}: when the last call was rebuilt from cookies (epoch ms, 0
     * for never); {@code lastDialogJoinedAt}: when a phone's adopted dialog last joined its call with a line.
     */
    record Counts(int gatewaysProvisioned, int gatewaysInService, int registeredPhones, int registeredContacts,
                  int activeCalls, int activePhoneCalls, long completedCalls, long eventsHandled, long coreFailures,
                  long migratedCalls, long cookiesRejected, long lastCallRebuiltAt, long lastDialogJoinedAt) {}

    /** A call between two SIP phones through the back-to-back user agent (its own id space). */
    record PhoneCall(long id, String state, String caller, String callee, String callerCallId, String calleeCallId) {}

    /**
     * A call's structure, whether it was rebuilt from cookies after a controller failure, and when its last part was
     * put back then (epoch ms, 0 for a call set up here).
     */
    record CallView(CallStructure structure, boolean migrated, long rebuiltAt) {
        CallView(Call c) { this(c.structure(), c.migrated(), c.rebuiltAt()); }
    }


    /**
     * A gateway as the controller knows it.
     *
     * @param address  the provisioned source address (null: any)
     * @param peer     where it registered from, {@code udp:host:port} or {@code tcp:host:port}; null if never
     * @param transport the transport of {@code peer}
     * @param calls    calls one of its lines is in
     */
    record GatewayView(String name, String mid, GatewayState state, String address, String peer, String transport,
                       int registrations, String lastServiceChange, List<String> packages, int calls,
                       List<LineView> lines) {}

    /** @param call the call the line is in, or null */
    record LineView(String termination, String number, String trunkGroup, String kind, String state, boolean offHook,
                    Long call) {}

    /** @param expiresInSeconds what it has left at the time of the query */
    record ContactView(String contact, String source, String transport, long registeredAt, long expiresAt,
                       long expiresInSeconds) {}

    /** A provisioned subscriber and its live contacts (none: not registered). */
    record PhoneView(String user, String number, boolean registered, List<ContactView> contacts) {}

    static Counts counts(ControllerCore core, long now) {
        int inService = 0;
        for (Gateway g : core.association().gateways()) if (g.state() == GatewayState.IN_SERVICE) inService++;
        int[] live = core.sip().location().liveCounts(now); // counted, not copied: polled during failovers
        int phoneCalls = 0;
        for (SipCall c : core.sip().calls()) if (c.phoneToPhone()) phoneCalls++;
        int migrated = 0;
        for (Call c : core.calls().calls()) if (c.migrated()) migrated++;
        long rejected = 0;
        for (Map.Entry<String, Long> e : core.calls().migrationCounters().entrySet()) {
            if (e.getKey().startsWith("cookie.rejected.")) rejected += e.getValue();
        }
        return new Counts(core.association().gateways().size(), inService, live[0], live[1],
                core.calls().calls().size(), phoneCalls, core.calls().completedCalls(), core.eventsHandled(),
                core.failures(), migrated, rejected, core.calls().lastCallRebuiltAt(), core.calls().lastDialogJoinedAt());
    }

    /**
     * Calls whose structures one query builds: a listing of 10,000 calls in one query held the core thread for
     * seconds (no call processing meanwhile, and no heartbeat answered at the edge); in pages the core gets on with
     * its events between them. Each call's structure is consistent; the listing as a whole is not one instant.
     */
    static final int CALLS_PER_QUERY = 200;

    /** The ids of the calls now, in id order (cheap: the first step of a paged listing). */
    static List<Long> callIds(ControllerCore core) {
        List<Long> ids = new ArrayList<>();
        for (Call c : core.calls().calls()) ids.add(c.id());
        return ids;
    }

    /** The structures of those of {@code ids} that are still calls. */
    static List<CallView> calls(ControllerCore core, List<Long> ids) {
        List<CallView> out = new ArrayList<>(ids.size());
        for (Long id : ids) {
            Call c = core.calls().call(id);
            if (c != null) out.add(new CallView(c));
        }
        return out;
    }

    static List<PhoneCall> phoneCalls(ControllerCore core) {
        List<PhoneCall> phoneCalls = new ArrayList<>();
        for (SipCall c : core.sip().calls()) if (c.phoneToPhone()) phoneCalls.add(phoneCall(c));
        return phoneCalls;
    }

    static CallView call(ControllerCore core, long id) {
        Call c = core.calls().call(id);
        return c == null ? null : new CallView(c);
    }

    static PhoneCall phoneCall(SipCall c) {
        return new PhoneCall(c.id(), c.state().name(), c.caller(), c.callee(), c.aCallId(), c.bCallId());
    }

    static List<GatewayView> gateways(ControllerCore core) {
        List<GatewayView> out = new ArrayList<>();
        for (Gateway g : core.association().gateways()) {
            List<LineView> lines = new ArrayList<>();
            Set<Long> calls = new LinkedHashSet<>();
            for (Line l : g.lines()) {
                Call c = core.calls().callOf(l);
                if (c != null) calls.add(c.id());
                lines.add(new LineView(l.termination(), l.number(), l.trunkGroup(), l.trunk() ? "trunk" : "line",
                        l.state().name(), l.offHook(), c == null ? null : c.id()));
            }
            String peer = g.peer();
            String transport = peer == null ? null : peer.substring(0, Math.max(0, peer.indexOf(':')));
            out.add(new GatewayView(g.name(), g.config().mid(), g.state(), g.config().address(), peer, transport,
                    g.registrations(), g.lastServiceChange(), g.packages(), calls.size(), lines));
        }
        return out;
    }

    static List<PhoneView> phones(ControllerCore core, long now) {
        Map<String, List<Binding>> live = core.sip().location().live(now);
        List<PhoneView> out = new ArrayList<>();
        for (var sub : core.sip().directory().all()) {
            List<ContactView> contacts = new ArrayList<>();
            for (Binding b : live.getOrDefault(sub.user(), List.of())) {
                contacts.add(new ContactView(b.contact(), b.source(), b.transport(), b.registeredAt(), b.expiresAt(),
                        Math.max(0, (b.expiresAt() - now) / 1000)));
            }
            out.add(new PhoneView(sub.user(), sub.number(), !contacts.isEmpty(), contacts));
        }
        return out;
    }
}
