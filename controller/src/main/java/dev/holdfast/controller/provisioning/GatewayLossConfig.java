package dev.holdfast.controller.provisioning;

/**
 * What happens to a lost gateway's calls.
 *
 * @param policy      {@code cleanup}: release them at once (the other parties hear the release);
 *                    {@code hold}: keep them for the gateway's return with its state (ServiceChange Disconnected or
 *                    Failover); a return with Restart (state lost) releases them then
 * @param holdSeconds with {@code hold}: release held calls after this long without the gateway (0: never)
 */
public record GatewayLossConfig(Policy policy, Integer holdSeconds) {
    public static final GatewayLossConfig DEFAULTS = new GatewayLossConfig(null, null);

    public enum Policy { CLEANUP, HOLD }

    public GatewayLossConfig {
        if (policy == null) policy = Policy.CLEANUP;
        if (holdSeconds == null) holdSeconds = 300;
    }
}
