package dev.holdfast.endpointsim.phone;

import dev.holdfast.sim.time.SimScheduler;

import javax.sip.address.Address;
import javax.sip.address.URI;

/**
 * One subscription to the phone's dialog event package, the phone being the notifier (RFC 6665 4.2): the
 * subscription's own dialog (the SUBSCRIBE's Call-ID and From tag, our To tag, the subscriber's Contact as target),
 * the NOTIFY CSeq and document version, and when it expires. Mutated on the phone's thread only.
 */
final class DialogSubscription {
    final String callId;
    final String localTag;
    final String remoteTag;
    final Address localAddress;
    final Address remoteAddress;
    URI remoteTarget;
    long localCSeq;
    long remoteCSeq;
    /** The dialog-info version of the next NOTIFY (RFC 4235 4.1: counts up from 0 per subscription). */
    long version;
    SimScheduler.Cancellable expiry;
    /** Scheduler time when it expires unless refreshed. */
    long expiresAtNanos;
    boolean terminated;

    DialogSubscription(String callId, String localTag, String remoteTag, Address localAddress, Address remoteAddress,
                       URI remoteTarget, long remoteCSeq) {
        this.callId = callId;
        this.localTag = localTag;
        this.remoteTag = remoteTag;
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
        this.remoteTarget = remoteTarget;
        this.remoteCSeq = remoteCSeq;
    }

    String key() { return key(callId, remoteTag); }

    static String key(String callId, String fromTag) { return callId + "\n" + fromTag; }
}
