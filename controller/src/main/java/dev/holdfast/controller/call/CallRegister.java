package dev.holdfast.controller.call;

import dev.holdfast.controller.core.JournalledMap;

/**
 * Call processing's calls by id (ordered, as before), journalled for the admin API's notices (see
 * {@link JournalledMap}).
 */
public final class CallRegister extends JournalledMap<Long, Call> {
    /** The register made last on this thread: the one a CallProcessor just constructed made (see {@link #take()}). */
    private static final ThreadLocal<CallRegister> MADE = new ThreadLocal<>();

    private CallRegister() {}

    /** Calls whose state or feature changed since {@link #takeChanged()} was last called (while journalling). */
    private final java.util.LinkedHashSet<Call> changed = new java.util.LinkedHashSet<>();

    @Override public Call put(Long key, Call value) {
        value.register = this;
        for (Call.Leg l : value.legs) onGateway(l.gateway, value);
        return super.put(key, value);
    }

    /**
     * A call removed leaves the gateways' sets at once: they were cleaned only when read ({@link #on}, an audit), so
     * on a controller whose gateways are never audited every call ever made stayed reachable (at 1,000 calls/s, tens
     * of thousands of ended calls copied by each young collection: issue 3's growing tail).
     */
    @Override public Call remove(Object key) {
        Call c = super.remove(key);
        if (c != null && c.register == this) {
            for (dev.holdfast.controller.gateway.Gateway gw : c.indexedOn) {
                java.util.Set<Call> known = byGateway.get(gw);
                if (known != null && known.remove(c) && known.isEmpty()) byGateway.remove(gw);
            }
            c.indexedOn.clear();
        }
        return c;
    }

    /**
     * The calls that have (or had) a leg on each gateway, while they are in the register: a superset (a call whose
     * leg there is gone), cleaned as it is read ({@link #on}). Looking at a gateway's calls was a scan of every call
     * (each gateway's audit after a failover: gateways x calls).
     */
    private final java.util.Map<dev.holdfast.controller.gateway.Gateway, java.util.Set<Call>> byGateway = new java.util.HashMap<>();

    /** {@code c} has a leg on {@code gw} (from {@link Call}'s legs, and when a call is put). */
    void onGateway(dev.holdfast.controller.gateway.Gateway gw, Call c) {
        if (byGateway.computeIfAbsent(gw, k -> new java.util.LinkedHashSet<>()).add(c) && !c.indexedOn.contains(gw))
            c.indexedOn.add(gw);
    }

    /** Calls indexed by gateway, over every gateway (a call with legs on two gateways counts twice): for tests. */
    int indexedCalls() {
        int n = 0;
        for (java.util.Set<Call> s : byGateway.values()) n += s.size();
        return n;
    }

    /** The calls here with a leg on {@code gw}, in no particular order. */
    java.util.List<Call> on(dev.holdfast.controller.gateway.Gateway gw) {
        java.util.Set<Call> known = byGateway.get(gw);
        if (known == null) return java.util.List.of();
        java.util.List<Call> out = new java.util.ArrayList<>();
        for (java.util.Iterator<Call> it = known.iterator(); it.hasNext(); ) {
            Call c = it.next();
            if (get(c.id()) == c && c.uses(gw)) out.add(c);
            else {
                it.remove(); // released, or its legs there are gone
                c.indexedOn.remove(gw);
            }
        }
        if (known.isEmpty()) byGateway.remove(gw);
        return out;
    }

    /** A call's state or feature changed (from {@link Call}). */
    void changed(Call c) {
        if (journalling()) changed.add(c);
    }

    /** The calls whose state or feature changed since the last call, in the order they first changed. */
    public java.util.List<Call> takeChanged() {
        if (changed.isEmpty()) return java.util.List.of();
        java.util.List<Call> out = java.util.List.copyOf(changed);
        changed.clear();
        return out;
    }

    /** For call processing's field; {@link #take()} hands the same register to whoever built the processor. */
    static CallRegister create() {
        CallRegister r = new CallRegister();
        MADE.set(r);
        return r;
    }

    /** The register of the CallProcessor this thread constructed last (once; null if none since). */
    public static CallRegister take() {
        CallRegister r = MADE.get();
        MADE.remove();
        return r;
    }
}
