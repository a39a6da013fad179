package dev.holdfast.controller.provisioning;

import java.util.List;

/**
 * Where the controller listens and how it names itself.
 *
 * @param mid        our mId as written in messages, e.g. {@code [127.0.0.1]:2944}; null: {@code [address]:port}
 * @param address    the local address to bind (default 127.0.0.1)
 * @param port       the port for UDP and TCP (default 2944; 0 picks a free one)
 * @param transports {@code udp}, {@code tcp} or both (default both)
 * @param eventLog   file to append the event log to, or null for none
 * @param role       {@code primary} or {@code alternate}: what this controller is to its gateways and phones
 *                   (default primary); the admin API reports it
 */
public record ControllerSettings(String mid, String address, Integer port, List<String> transports, String eventLog,
                                 String role) {
    public static final ControllerSettings DEFAULTS = new ControllerSettings(null, null, null, null, null, null);

    @com.fasterxml.jackson.annotation.JsonCreator
    public ControllerSettings {
        if (address == null) address = "127.0.0.1";
        if (role == null) role = "primary";
        if (port == null) port = 2944;
        transports = transports == null ? List.of("udp", "tcp") : List.copyOf(transports);
    }

    public ControllerSettings(String mid, String address, Integer port, List<String> transports, String eventLog) {
        this(mid, address, port, transports, eventLog, null);
    }
}
