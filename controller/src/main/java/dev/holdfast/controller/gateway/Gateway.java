package dev.holdfast.controller.gateway;

import dev.holdfast.controller.provisioning.GatewayConfig;
import dev.holdfast.controller.provisioning.LineConfig;
import dev.holdfast.h248.message.ContextId;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A provisioned media gateway and what the controller knows of it. */
public final class Gateway {
    private GatewayConfig config;
    private final Map<String, Line> lines = new LinkedHashMap<>();
    GatewayState state = GatewayState.UNREGISTERED;
    String peer;
    long lastHeard;
    long watchdogTimer;
    long holdTimer;
    long drainTimer;
    boolean drainWhenIdle;
    int registrations;
    /** When its last ServiceChange on ROOT registering it was handled (core clock, ms): its failover's timeline starts there. */
    long registeringSince;
    String lastServiceChange;
    final List<String> packages = new ArrayList<>();
    /** Contexts of released calls that the gateway may still hold (it was unreachable when they ended). */
    final List<ContextId> staleContexts = new ArrayList<>();
    /** Hand it back to the primary once its last call has ended. */
    boolean handBackWhenIdle;
    /**
     * Physical terminations of Add = $ requests that got no reply: the gateway may have created a context holding
     * them whose id the controller never learned. Subtracted with ContextID ALL when it returns with its state.
     */
    final java.util.LinkedHashSet<String> orphanTerminations = new java.util.LinkedHashSet<>();

    public Gateway(GatewayConfig config) {
        this.config = config;
        for (LineConfig l : config.lines()) {
            lines.put(l.termination().toUpperCase(Locale.ROOT), new Line(this, l.termination(), l.number()));
        }
        for (var t : config.trunks()) {
            lines.put(t.termination().toUpperCase(Locale.ROOT),
                    new Line(this, t.termination(), null, t.group(), t.disconnectSupervision()));
        }
    }

    public String name() { return config.name(); }

    /** A line provisioned while the controller runs; it is unarmed until call processing arms it. */
    Line addLine(dev.holdfast.controller.provisioning.LineConfig l) {
        List<LineConfig> ls = new ArrayList<>(config.lines());
        ls.add(l);
        config = new GatewayConfig(config.name(), config.mid(), config.address(), ls, config.trunks());
        Line line = new Line(this, l.termination(), l.number());
        lines.put(l.termination().toUpperCase(Locale.ROOT), line);
        return line;
    }

    /** A line no longer provisioned: the controller forgets it (the gateway's next message about it gets 430). */
    Line removeLine(String termination) {
        Line line = lines.remove(termination.toUpperCase(Locale.ROOT));
        if (line == null) return null;
        List<LineConfig> ls = new ArrayList<>(config.lines());
        ls.removeIf(c -> c.termination().equalsIgnoreCase(termination));
        config = new GatewayConfig(config.name(), config.mid(), config.address(), ls, config.trunks());
        return line;
    }

    public GatewayConfig config() { return config; }

    public GatewayState state() { return state; }

    /** When its last registration (a ServiceChange on ROOT) was handled, core clock (ms); 0 if never. */
    public long registeringSince() { return registeringSince; }

    /** Where it registered from ({@code udp:host:port} / {@code tcp:host:port}), or null. */
    public String peer() { return peer; }

    /** The line with this termination id (any case), or null. */
    public Line line(String termination) { return lines.get(termination.toUpperCase(Locale.ROOT)); }

    /** Lines and trunk circuits, in provisioning order (lines first). */
    public Collection<Line> lines() { return Collections.unmodifiableCollection(lines.values()); }

    public int registrations() { return registrations; }

    /** Method and reason of the last ServiceChange it sent, e.g. {@code RESTART 901}. */
    public String lastServiceChange() { return lastServiceChange; }

    /** Packages its ROOT audit reported. */
    public List<String> packages() { return List.copyOf(packages); }

    public void addStaleContext(ContextId c) { if (c != null && c.isSpecific()) staleContexts.add(c); }

    public List<ContextId> takeStaleContexts() {
        List<ContextId> out = List.copyOf(staleContexts);
        staleContexts.clear();
        return out;
    }

    public void addOrphanTerminations(Collection<String> terminations) { orphanTerminations.addAll(terminations); }

    public List<String> takeOrphanTerminations() {
        List<String> out = List.copyOf(orphanTerminations);
        orphanTerminations.clear();
        return out;
    }

    @Override public String toString() { return name() + "[" + state + "]"; }
}
