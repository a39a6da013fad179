package dev.holdfast.endpointsim.phone;

import dev.holdfast.endpointsim.sip.SipEndpoint;
import dev.holdfast.endpointsim.sip.SipStackPort;
import dev.holdfast.sim.rtp.ProbeStats;
import dev.holdfast.sim.rtp.TalkPathProbe;

import javax.sip.address.Address;
import javax.sip.address.URI;
import javax.sip.message.Request;
import java.util.ArrayList;
import java.util.List;

/**
 * One call of a {@link Phone}: its dialog (Call-ID, tags, CSeq, remote target, route set), its SDP state and its
 * talk-path probe. Mutated only on the phone's thread; the public getters may be read from any thread.
 */
public final class Call {
    final String callId;
    final boolean outgoing;
    final String localTag;
    final Address localAddress;
    Address remoteAddress;
    String remoteTag;
    volatile URI remoteTarget;
    List<Address> routeSet = new ArrayList<>();
    long localCSeq;
    long remoteCSeq = -1;

    // the initial INVITE
    Request invite;
    SipStackPort.ClientRef inviteRef;
    SipEndpoint.ServerRef inviteServer;
    Request lastAck;
    /** Our 2xx for an INVITE that has had no ACK yet (retransmitted over UDP), and its timer. */
    javax.sip.message.Response unackedOk;
    dev.holdfast.sim.time.SimScheduler.Cancellable okTimer;
    /**
     * Our 2xx to the INVITE went to the controller we use now, not to the one that sent the INVITE (we failed over
     * since: docs/migration.md, "Phones"); its retransmissions follow the current controller. Until it is
     * acknowledged the dialog is still early for that controller.
     */
    boolean answeredElsewhere;
    boolean provisionalSeen;
    boolean cancelWanted;
    boolean authRetried;
    int staleRetries;

    /** The final status of the BYE this phone sent, -1 if it got none, 0 before one was answered. */
    volatile int byeStatus;

    // media
    TalkPathProbe probe;
    Sdp remoteSdp;
    MediaDirection wanted = MediaDirection.SENDRECV;
    /** The last {@link #wanted} the far end accepted: what a refused re-INVITE falls back to. */
    MediaDirection agreedWish = MediaDirection.SENDRECV;
    MediaDirection negotiated = MediaDirection.SENDRECV;
    final long sdpSession;
    long sdpVersion;
    boolean reinviteOutstanding;

    // session timer (RFC 4028): 0 when the call has none
    long sessionSeconds;
    boolean weRefresh;
    dev.holdfast.sim.time.SimScheduler.Cancellable sessionTimer;

    // transfer
    /** A call this one replaces (incoming INVITE with Replaces). */
    Call replaces;
    /** The call whose peer asked us (REFER) to place this one: it gets NOTIFYs about this call's progress. */
    Call referredBy;
    /** After a NOTIFY says our REFER succeeded, hang up this call (a transfer); not for a conference focus. */
    boolean referHangsUp = true;
    /** Calls to hand to this call's far end (a conference focus) by REFER with Replaces once it answers. */
    List<Call> joinWhenConnected = List.of();
    /** The outcome of a REFER we sent on this call: null, "pending", or the sipfrag status line of the last NOTIFY. */
    volatile String transferStatus;

    private volatile CallState state;
    private volatile String endReason = "";
    private volatile int finalStatus;
    volatile long startedNanos;
    volatile long ringingNanos = -1;
    volatile long answeredNanos = -1;
    private final String remoteUser;

    Call(String callId, boolean outgoing, String localTag, Address localAddress, Address remoteAddress, CallState initial,
         long sdpSession) {
        this.callId = callId;
        this.outgoing = outgoing;
        this.localTag = localTag;
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
        this.state = initial;
        this.sdpSession = sdpSession;
        URI u = remoteAddress.getURI();
        this.remoteUser = u instanceof javax.sip.address.SipURI s ? s.getUser() : u.toString();
    }

    public String callId() { return callId; }

    /** The dialog's remote target (the far end's last Contact URI: a controller's call cookie rides in it), or null. */
    public String remoteTarget() {
        URI t = remoteTarget;
        return t == null ? null : t.toString();
    }

    public boolean outgoing() { return outgoing; }

    public CallState state() { return state; }

    /** The user part of the far end's address (To for calls placed, From for calls received). */
    public String remoteUser() { return remoteUser; }

    /** Why the call ended ("" while it lasts): "hangup", "remote-hangup", "cancelled", "486", "timeout", ... */
    public String endReason() { return endReason; }

    /** The final response the INVITE got or was given (0: none yet). */
    public int finalStatus() { return finalStatus; }

    /** True while this phone holds the call (it offered sendonly or inactive). */
    public boolean onHold() { return wanted != MediaDirection.SENDRECV; }

    /** The media direction agreed last, from this phone's side. */
    public MediaDirection mediaDirection() { return negotiated; }

    public String transferStatus() { return transferStatus; }

    /** Nanos (scheduler time) from INVITE to the first ring, -1 if it never rang. */
    public long inviteToRingNanos() { return ringingNanos < 0 ? -1 : ringingNanos - startedNanos; }

    /** Nanos (scheduler time) from INVITE to the answer, -1 if never answered. */
    public long inviteToAnswerNanos() { return answeredNanos < 0 ? -1 : answeredNanos - startedNanos; }

    /** Media flows both ways right now (the shared talk-path probe says so); never once the call is over. */
    public boolean talkPathUp() {
        TalkPathProbe p = probe;
        return p != null && state != CallState.ENDED && p.talkPathUp();
    }

    /** The final status of this phone's BYE: 0 while none was answered (or none sent), -1 when it failed (timeout). */
    public int byeStatus() { return byeStatus; }

    /** Starts a new RTP gap and loss window on the call's talk-path probe (a failover drill's mark); false if none. */
    public boolean markTalkPath() {
        TalkPathProbe p = probe;
        if (p == null) return false;
        p.mark();
        return true;
    }

    public ProbeStats probeStats() {
        TalkPathProbe p = probe;
        return p == null ? null : p.stats();
    }

    void state(CallState s) { this.state = s; }

    void ended(String reason, int status) {
        this.endReason = reason;
        if (status != 0) this.finalStatus = status;
        this.state = CallState.ENDED;
    }

    void finalStatus(int status) { this.finalStatus = status; }

    @Override public String toString() {
        return (outgoing ? "call to " : "call from ") + remoteUser + " [" + callId + "] " + state
                + (endReason.isEmpty() ? "" : " (" + endReason + ")");
    }
}
