package dev.holdfast.endpointsim.phone;

/** Where a call stands, from this phone's side. */
public enum CallState {
    /** INVITE sent, no provisional response with a ring yet. */
    CALLING,
    /** The far end rings (180/183 received): ring-back. */
    RINGBACK,
    /** An incoming INVITE: this phone rings. */
    RINGING,
    /** Answered (2xx sent or received): the dialog is up. */
    CONNECTED,
    /** Over: hung up, rejected, cancelled, failed. */
    ENDED
}
