package dev.holdfast.controller.gateway;

/** Where a line is in call processing. */
public enum LineState {
    /** Nothing armed on the gateway (not registered yet, or lost): the line is not usable. */
    UNARMED,
    /** On-hook, off-hook detection ({@code al/of}) armed. */
    IDLE,
    /** Off-hook, dial tone, collecting digits. */
    DIALING,
    /** Part of a call (calling, ringing or talking). */
    IN_CALL,
    /** Off-hook, hearing a tone (busy, reorder, announcement) until it hangs up. */
    LOCKOUT,
    /** Taken out of service by the gateway (ServiceChange on the termination). */
    OUT_OF_SERVICE
}
