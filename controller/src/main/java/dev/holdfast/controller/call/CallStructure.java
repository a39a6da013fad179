package dev.holdfast.controller.call;

import dev.holdfast.h248.message.ContextId;

import java.util.List;

/**
 * What a call is made of, as an immutable snapshot: on which gateways it has a context, which terminations are in
 * each, and the inter-gateway connections (IGCs) between them with the far end of each side (far-end gateway id
 * and context id). Call migration reads calls this way; so do tests and the admin API.
 *
 * @param parties the directory numbers of the parties, in the order they joined (caller first)
 * @param roles   each party with where it is and its role
 * @param sip     the calling SIP phone's part (parties shows it as {@code sip:number}, its role's termination is the
 *                dialog's Call-ID), or null
 * @param feature what the call's features are doing: NONE, HOLD, CONSULT, CONSULT_RECALL, TRANSFER_RINGING,
 *                CONFERENCE, CONFERENCE_RECALL (docs/h248-profile.md, "Call features")
 */
public record CallStructure(long callId, CallState state, List<String> parties, List<Leg> legs, List<Igc> igcs,
                            List<Party> roles, String feature, SipLeg sip) {
    public CallStructure {
        parties = List.copyOf(parties);
        legs = List.copyOf(legs);
        igcs = List.copyOf(igcs);
        roles = List.copyOf(roles);
    }

    public CallStructure(long callId, CallState state, List<String> parties, List<Leg> legs, List<Igc> igcs,
                         List<Party> roles, String feature) {
        this(callId, state, parties, legs, igcs, roles, feature, null);
    }

    /**
     * A SIP phone's part of the call: its dialog, and the ephemeral RTP termination on a gateway its media goes to.
     *
     * @param number    the phone's directory number
     * @param callId    the phone's dialog (Call-ID)
     * @param localSdp  the termination's Local SDP (what the phone got in the 200)
     * @param remoteSdp the phone's SDP, given to the termination as Remote
     */
    public record SipLeg(String number, String callId, String gateway, ContextId context, String termination,
                         String localSdp, String remoteSdp) {}

    /** A basic call's structure: no roles given. */
    public CallStructure(long callId, CallState state, List<String> parties, List<Leg> legs, List<Igc> igcs) {
        this(callId, state, parties, legs, igcs, List.of(), "NONE");
    }

    /** What a party is to the call. */
    public enum Role {
        /** Placed the basic call. */
        CALLER,
        /** Was called. */
        CALLEE,
        /** Holds, consults, transfers or hosts the conference (the line that flashed). */
        HOST,
        /** On hold: its side of the call is inactive in its context on the host's gateway. */
        HELD,
        /** Called by the host while another party is held. */
        CONSULTED,
        /** A member of the host's three-party conference. */
        CONFEREE,
        /** A party of a two-party call that a transfer or a conference left behind. */
        PARTY
    }

    /**
     * One party.
     *
     * @param context the context its termination is in, null while being created
     */
    public record Party(String party, String gateway, String termination, ContextId context, Role role) {}

    /** The party in this role, or null (the first when several). */
    public Party party(Role role) {
        for (Party p : roles) if (p.role() == role) return p;
        return null;
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
