package dev.holdfast.controller.provisioning;

/** An analog line (FXS) on a gateway: its termination id (e.g. {@code A1}) and its directory number. */
public record LineConfig(String termination, String number) {}
