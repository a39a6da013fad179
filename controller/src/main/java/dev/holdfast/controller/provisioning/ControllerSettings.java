package dev.holdfast.controller.provisioning;

import java.util.List;

/**
 * Where the controller listens, how it names itself, and its place in a primary/alternate pair (docs/migration.md).
 *
 * @param mid        our mId as written in messages, e.g. {@code [127.0.0.1]:2944}; null: {@code [address]:port}
 * @param address    the local address to bind (default 127.0.0.1)
 * @param port       the port for UDP and TCP (default 2944; 0 picks a free one)
 * @param transports {@code udp}, {@code tcp} or both (default both)
 * @param eventLog   file to append the event log to, or null for none
 * @param role       {@code primary} (default) or {@code alternate}
 * @param peer       the other controller of the pair, as its mId ({@code [ip]:port}), or null
 * @param failback   what an alternate does when its primary is back: {@code idle} (default: hand each gateway back
 *                   once it has no call), {@code immediate} (hand every gateway back at once, calls and all: the
 *                   primary rebuilds them from their cookies) or {@code none}
 * @param warmup     whether the controller rehearses a failover's rebuild at start-up on a scratch core of its own, so
 *                   that the code is compiled before a real failover needs it (docs/drill.md, "Session 9"):
 *                   {@code auto} (default: an alternate does, a primary does not), {@code on} or {@code off}; the system
 *                   property {@code controller.warmup} overrides it
 */
public record ControllerSettings(String mid, String address, Integer port, List<String> transports, String eventLog,
                                 String role, String peer, String failback, String warmup) {
    public static final ControllerSettings DEFAULTS = new ControllerSettings(null, null, null, null, null, null, null, null, null);

    public ControllerSettings {
        if (address == null) address = "127.0.0.1";
        if (port == null) port = 2944;
        transports = transports == null ? List.of("udp", "tcp") : List.copyOf(transports);
        if (role == null) role = "primary";
        if (failback == null) failback = "idle";
        if (warmup == null) warmup = "auto";
    }

    public boolean alternate() { return "alternate".equals(role); }

    public ControllerSettings(String mid, String address, Integer port, List<String> transports, String eventLog) {
        this(mid, address, port, transports, eventLog, null, null, null, null);
    }
}
