package dev.holdfast.controller.provisioning;

/**
 * A trunk circuit on a gateway.
 *
 * @param disconnectSupervision true when the far end signals its hang-up on this trunk; without it, a call over
 *                              the trunk is released only when the other party hangs up
 */
public record TrunkConfig(String termination, String group, Boolean disconnectSupervision) {
    public TrunkConfig {
        if (disconnectSupervision == null) disconnectSupervision = true;
    }
}
