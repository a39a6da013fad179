package dev.holdfast.gatewaysim.core;

import dev.holdfast.h248.message.LocalControlDescriptor.Mode;

/**
 * Who hears whom inside a context, from the terminations' modes (7.1.7: send and receive are with respect to the
 * outside of the context) and the context's topology (7.1.18); and from that, when an RTP termination's probe
 * may send (something in the context feeds it) and when it passes on what it hears (something takes it).
 */
final class MediaPaths {
    static boolean sends(Mode m) { return m == Mode.SENDONLY || m == Mode.SENDRECV; }

    static boolean receives(Mode m) { return m == Mode.RECVONLY || m == Mode.SENDRECV; }

    /** Media from {@code a}'s outside reaches {@code b}'s outside. */
    static boolean path(GatewayContext c, Termination a, Termination b) {
        return a != b && receives(a.mode) && sends(b.mode) && c.flows(a, b);
    }

    /** Recomputes the probes of the context's RTP terminations after a change to the context. */
    void update(GatewayContext c) {
        for (Termination r : c.terminations) {
            if (r.probe == null) continue;
            boolean feeds = false;
            boolean takes = false;
            for (Termination o : c.terminations) {
                if (path(c, o, r)) feeds = true;
                if (path(c, r, o)) takes = true;
            }
            r.probe.setSending(feeds);
            r.probe.setHearing(takes);
        }
    }

    /** Probes of an RTP termination outside any context neither send nor pass anything on. */
    void isolate(Termination r) {
        if (r.probe == null) return;
        r.probe.setSending(false);
        r.probe.setHearing(false);
    }

    /**
     * A line's talk path: media both ways between it and another termination of its context, which is either a
     * line (switched inside the gateway) or an RTP termination whose probe sees packets both ways.
     */
    boolean talkPathUp(Termination t) {
        GatewayContext c = t.context;
        if (c == null) return false;
        for (Termination o : c.terminations) {
            if (o == t || !path(c, t, o) || !path(c, o, t)) continue;
            if (o.physical()) return true;
            if (o.probe != null && o.probe.talkPathUp()) return true;
        }
        return false;
    }
}
