package dev.holdfast.controller.provisioning;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.holdfast.controller.cookie.CookieKeyRing;

import java.util.List;
import java.util.Optional;

/**
 * What a controller is told by its provisioning file: the gateways it controls (and nothing else), their lines and
 * trunks, the dial plan, the timers and what to do with calls when a gateway is lost; the SIP side's settings and
 * its subscribers (IP phones). Load with {@link ProvisioningLoader}; a loaded instance has been validated.
 *
 * @param sip         the SIP side, or null when the controller does not listen for SIP
 * @param subscribers the SIP subscribers (phones) that may register and call
 * @param cookies     the call-cookie key ring, or null when cookies are off
 * @param admin       the admin API, or null when the controller offers none
 * @param cluster     the Hazelcast cluster this controller is a client of, or null: none (docs/cluster.md)
 */
public record Provisioning(ControllerSettings controller, List<GatewayConfig> gateways, DialPlanConfig dialPlan,
                           TimerConfig timers, GatewayLossConfig gatewayLoss, SipSettings sip,
                           List<SubscriberConfig> subscribers, CookiesConfig cookies, AdminSettings admin,
                           ClusterConfig cluster) {
    @JsonCreator
    public Provisioning {
        if (controller == null) controller = ControllerSettings.DEFAULTS;
        gateways = gateways == null ? List.of() : List.copyOf(gateways);
        if (dialPlan == null) dialPlan = DialPlanConfig.DEFAULTS;
        if (timers == null) timers = TimerConfig.DEFAULTS;
        if (gatewayLoss == null) gatewayLoss = GatewayLossConfig.DEFAULTS;
        subscribers = subscribers == null ? List.of() : List.copyOf(subscribers);
    }

    /** A provisioning without a cluster. */
    public Provisioning(ControllerSettings controller, List<GatewayConfig> gateways, DialPlanConfig dialPlan,
                        TimerConfig timers, GatewayLossConfig gatewayLoss, SipSettings sip,
                        List<SubscriberConfig> subscribers, CookiesConfig cookies, AdminSettings admin) {
        this(controller, gateways, dialPlan, timers, gatewayLoss, sip, subscribers, cookies, admin, null);
    }

    /** A provisioning without an admin API. */
    public Provisioning(ControllerSettings controller, List<GatewayConfig> gateways, DialPlanConfig dialPlan,
                        TimerConfig timers, GatewayLossConfig gatewayLoss, SipSettings sip,
                        List<SubscriberConfig> subscribers, CookiesConfig cookies) {
        this(controller, gateways, dialPlan, timers, gatewayLoss, sip, subscribers, cookies, null);
    }

    /** A provisioning without call cookies or admin API. */
    public Provisioning(ControllerSettings controller, List<GatewayConfig> gateways, DialPlanConfig dialPlan,
                        TimerConfig timers, GatewayLossConfig gatewayLoss, SipSettings sip,
                        List<SubscriberConfig> subscribers) {
        this(controller, gateways, dialPlan, timers, gatewayLoss, sip, subscribers, null, null);
    }

    /** A provisioning without a SIP side. */
    public Provisioning(ControllerSettings controller, List<GatewayConfig> gateways, DialPlanConfig dialPlan,
                        TimerConfig timers, GatewayLossConfig gatewayLoss) {
        this(controller, gateways, dialPlan, timers, gatewayLoss, null, null, null, null);
    }

    /** The gateway provisioned under {@code name}, or null. */
    public GatewayConfig gateway(String name) {
        for (GatewayConfig g : gateways) if (g.name().equals(name)) return g;
        return null;
    }

    /** The same provisioning with these SIP settings. */
    public Provisioning withSip(SipSettings sip) {
        return new Provisioning(controller, gateways, dialPlan, timers, gatewayLoss, sip, subscribers, cookies, admin, cluster);
    }

    /** The same provisioning with this cookie section (null: cookies off). */
    public Provisioning withCookies(CookiesConfig cookies) {
        return new Provisioning(controller, gateways, dialPlan, timers, gatewayLoss, sip, subscribers, cookies, admin, cluster);
    }

    /** The same provisioning with these gateways (a change made at run time: {@link ProvisioningEdits}). */
    public Provisioning withGateways(List<GatewayConfig> gateways) {
        return new Provisioning(controller, gateways, dialPlan, timers, gatewayLoss, sip, subscribers, cookies, admin, cluster);
    }

    /** The same provisioning with these SIP subscribers (stations). */
    public Provisioning withSubscribers(List<SubscriberConfig> subscribers) {
        return new Provisioning(controller, gateways, dialPlan, timers, gatewayLoss, sip, subscribers, cookies, admin, cluster);
    }

    /** The same provisioning with these admin API settings. */
    public Provisioning withAdmin(AdminSettings admin) {
        return new Provisioning(controller, gateways, dialPlan, timers, gatewayLoss, sip, subscribers, cookies, admin, cluster);
    }

    /** The same provisioning with this cluster section (null: no cluster). */
    public Provisioning withCluster(ClusterConfig cluster) {
        return new Provisioning(controller, gateways, dialPlan, timers, gatewayLoss, sip, subscribers, cookies, admin, cluster);
    }

    /**
     * This controller's name in its CDRs and in the cluster: the cluster section's {@code name}, or its mId as
     * written ({@code address:port} when none is provisioned).
     */
    public String controllerName() {
        if (cluster != null && cluster.name() != null) return cluster.name();
        return controller.mid() != null ? controller.mid() : controller.address() + ":" + controller.port();
    }

    /** The key ring that signs and verifies call cookies; empty when cookies are off. */
    public Optional<CookieKeyRing> cookieKeyRing() {
        return cookies == null ? Optional.empty() : Optional.of(cookies.keyRing());
    }
}
