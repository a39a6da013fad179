package dev.holdfast.controller.gateway;

/** What call processing is told about gateways by the association. */
public interface GatewayListener {
    /**
     * Registered: the association's setup requests (ROOT and line audits, the inactivity timer) were just sent, and
     * what call processing sends now goes in the same message ({@code statePreserved}: it kept its contexts).
     */
    default void gatewayRegistering(Gateway gw, boolean statePreserved) { }

    /** Registered and set up; {@code statePreserved}: it kept its contexts (Disconnected, Failover, back from loss). */
    void gatewayInService(Gateway gw, boolean statePreserved);

    /** Its contexts are gone (restart, forced out of service, cleanup after loss): release calls that use it. */
    void gatewayStateLost(Gateway gw);

    /** The gateway took one line out of service. */
    void lineOutOfService(Line line);

    /** The gateway put one line back in service. */
    void lineInService(Line line);

    /** Calls that have a part on this gateway. */
    int callsOn(Gateway gw);

    /** The gateway was handed to another controller with its calls: forget them, without a message to anyone. */
    void gatewayHandedOff(Gateway gw);
}
