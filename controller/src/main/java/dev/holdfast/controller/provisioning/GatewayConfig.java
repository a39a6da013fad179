package dev.holdfast.controller.provisioning;

import java.util.List;

/**
 * One media gateway the controller accepts.
 *
 * @param name    the gateway's name inside the controller (default: its mId); also its gateway id in call structures
 * @param mid     the mId it registers with, e.g. {@code [127.0.0.1]:2945} or {@code <mg1.example.net>:2944}
 * @param address the source address its messages must come from: {@code host} or {@code host:port}; null: any
 */
public record GatewayConfig(String name, String mid, String address, List<LineConfig> lines,
                            List<TrunkConfig> trunks) {
    public GatewayConfig {
        if (name == null) name = mid;
        lines = lines == null ? List.of() : List.copyOf(lines);
        trunks = trunks == null ? List.of() : List.copyOf(trunks);
    }

    /** The expected source host, or null when any is accepted. */
    public String expectedHost() {
        if (address == null) return null;
        int colon = address.lastIndexOf(':');
        return colon > 0 && address.indexOf(':') == colon ? address.substring(0, colon) : address;
    }

    /** The expected source port, or null when any port is accepted. */
    public Integer expectedPort() {
        if (address == null) return null;
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || address.indexOf(':') != colon) return null;
        return Integer.valueOf(address.substring(colon + 1));
    }
}
