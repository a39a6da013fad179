package dev.holdfast.controller.call;

import dev.holdfast.h248.message.ContextId;

import java.util.List;

/**
 * What a call is made of, as an immutable snapshot: on which gateways it has a context, which terminations are in
 * each, and the inter-gateway connections (IGCs) between them with the far end of each side (far-end gateway id
 * and context id). Call migration reads calls this way; so do tests and the admin API.
 *
 * @param parties the directory numbers of the parties, caller first
 */
public record CallStructure(long callId, CallState state, List<String> parties, List<Leg> legs, List<Igc> igcs) {
    public CallStructure {
        parties = List.copyOf(parties);
        legs = List.copyOf(legs);
        igcs = List.copyOf(igcs);
    }

    /**
     * The call's part on one gateway.
     *
     * @param context null while the context is being created
     */
    public record Leg(String gateway, ContextId context, List<String> terminations) {
        public Leg { terminations = List.copyOf(terminations); }
    }

    /** An inter-gateway connection: one RTP termination on each side, each pointing at the other. */
    public record Igc(IgcEnd a, IgcEnd b) {}

    /**
     * One side of an IGC.
     *
     * @param termination the ephemeral RTP termination the gateway chose, null until known
     * @param localSdp    the SDP the gateway chose for it
     * @param remoteSdp   the far side's Local SDP given to it, null until given
     */
    public record IgcEnd(String gateway, ContextId context, String termination, String localSdp, String remoteSdp,
                         String farGateway, ContextId farContext) {}

    /** The leg on {@code gateway}, or null. */
    public Leg leg(String gateway) {
        for (Leg l : legs) if (l.gateway().equals(gateway)) return l;
        return null;
    }
}
