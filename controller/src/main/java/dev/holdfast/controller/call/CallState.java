package dev.holdfast.controller.call;

/** Where a call is. */
public enum CallState {
    /** Contexts are being created on the gateways. */
    SETUP,
    /** The called line rings, the caller hears ring-back. */
    RINGING,
    /** Answered: talk path up. */
    CONNECTED,
    /** Over: its contexts have been (or are being) subtracted. */
    RELEASED
}
