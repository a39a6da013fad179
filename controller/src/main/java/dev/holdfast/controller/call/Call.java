package dev.holdfast.controller.call;

import dev.holdfast.controller.gateway.Gateway;
import dev.holdfast.controller.gateway.Line;
import dev.holdfast.h248.message.ContextId;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** A basic call between two analog lines, on one gateway or across two joined by an IGC. */
public final class Call {
    /** The call's part on one gateway: its context and the terminations in it. */
    static final class Leg {
        final Gateway gateway;
        ContextId context;
        final LinkedHashSet<String> terminations = new LinkedHashSet<>();
        /** An Add = $ is on its way: the context id is not known yet. */
        boolean adding;

        Leg(Gateway gateway) { this.gateway = gateway; }
    }

    /** One side of an inter-gateway connection. */
    static final class IgcEnd {
        final Leg leg;
        String rtp;
        String local;
        String remote;

        IgcEnd(Leg leg) { this.leg = leg; }
    }

    final long id;
    final Line caller;
    final Line callee;
    final Map<String, Leg> legs = new LinkedHashMap<>();
    IgcEnd igcA;
    IgcEnd igcB;
    CallState state = CallState.SETUP;
    long noAnswerTimer;
    /** A party hung up while contexts were being created: release once they exist. */
    boolean releaseWanted;
    String releaseTone;
    /** The called party went off-hook before the call reached RINGING. */
    boolean answeredEarly;
    /** An outgoing trunk call: the digits sent on the trunk. */
    String outpulse;

    Call(long id, Line caller, Line callee) {
        this.id = id;
        this.caller = caller;
        this.callee = callee;
    }

    Leg leg(Gateway gw) { return legs.computeIfAbsent(gw.name(), n -> new Leg(gw)); }

    boolean intraGateway() { return caller.gateway() == callee.gateway(); }

    boolean adding() {
        for (Leg l : legs.values()) if (l.adding) return true;
        return false;
    }

    boolean uses(Gateway gw) { return legs.containsKey(gw.name()) || caller.gateway() == gw || callee.gateway() == gw; }

    public long id() { return id; }

    public CallState state() { return state; }

    public Line caller() { return caller; }

    public Line callee() { return callee; }

    public CallStructure structure() {
        List<CallStructure.Leg> ls = new ArrayList<>();
        for (Leg l : legs.values()) ls.add(new CallStructure.Leg(l.gateway.name(), l.context, List.copyOf(l.terminations)));
        List<CallStructure.Igc> igcs = new ArrayList<>();
        if (igcA != null && igcB != null) igcs.add(new CallStructure.Igc(end(igcA, igcB), end(igcB, igcA)));
        return new CallStructure(id, state, List.of(party(caller), party(callee)), ls, igcs);
    }

    /** A line's number, or for a trunk {@code trunk:group/termination}. */
    private String party(Line l) {
        if (!l.trunk()) return l.number();
        return "trunk:" + l.trunkGroup() + "/" + l.termination() + (l == callee && outpulse != null ? ":" + outpulse : "");
    }

    private static CallStructure.IgcEnd end(IgcEnd e, IgcEnd far) {
        return new CallStructure.IgcEnd(e.leg.gateway.name(), e.leg.context, e.rtp, e.local, e.remote,
                far.leg.gateway.name(), far.leg.context);
    }

    @Override public String toString() { return "call " + id + " " + party(caller) + "->" + party(callee) + " " + state; }
}
