package dev.holdfast.controller.provisioning;

import java.util.List;

/**
 * What a controller is told by its provisioning file: the gateways it controls (and nothing else), their lines and
 * trunks, the dial plan, the timers and what to do with calls when a gateway is lost. Load with
 * {@link ProvisioningLoader}; a loaded instance has been validated.
 */
public record Provisioning(ControllerSettings controller, List<GatewayConfig> gateways, DialPlanConfig dialPlan,
                           TimerConfig timers, GatewayLossConfig gatewayLoss) {
    public Provisioning {
        if (controller == null) controller = ControllerSettings.DEFAULTS;
        gateways = gateways == null ? List.of() : List.copyOf(gateways);
        if (dialPlan == null) dialPlan = DialPlanConfig.DEFAULTS;
        if (timers == null) timers = TimerConfig.DEFAULTS;
        if (gatewayLoss == null) gatewayLoss = GatewayLossConfig.DEFAULTS;
    }

    /** The gateway provisioned under {@code name}, or null. */
    public GatewayConfig gateway(String name) {
        for (GatewayConfig g : gateways) if (g.name().equals(name)) return g;
        return null;
    }
}
