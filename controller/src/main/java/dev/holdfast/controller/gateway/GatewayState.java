package dev.holdfast.controller.gateway;

/** The association of the controller with one provisioned gateway. */
public enum GatewayState {
    /** Never registered (or refused). */
    UNREGISTERED,
    /** ServiceChange accepted; the controller is auditing it and setting it up. */
    REGISTERING,
    /** Registered and set up: calls are placed through it. */
    IN_SERVICE,
    /** Going out of service gracefully: its calls continue, no new ones. */
    DRAINING,
    /** Stopped answering (or its connection closed); its calls are cleaned up or held per policy. */
    LOST,
    /** Took itself out of service (ServiceChange Forced, or Graceful run out). */
    OUT_OF_SERVICE,
    /** Handed back to the primary controller (ServiceChange Handoff): its calls are the primary's now. */
    HANDED_OFF;

    /** Whether requests can be sent to it and its contexts are real. */
    public boolean reachable() { return this == REGISTERING || this == IN_SERVICE || this == DRAINING; }
}
