package dev.holdfast.controller;

/** Steps several tests share. */
final class CallScenarios {
    private CallScenarios() {}

    /** gw1/A1 (1001) calls gw2/A1 (2001), which answers. */
    static void interGatewayCallConnected(SimGateway gw1, SimGateway gw2) {
        gw1.offHook("A1");
        gw1.dial("A1", "2001");
        gw2.offHook("A1");
    }
}
