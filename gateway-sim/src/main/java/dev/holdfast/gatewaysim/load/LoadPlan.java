package dev.holdfast.gatewaysim.load;

import dev.holdfast.h248.message.MId;

/**
 * The simulated network a load run and its provisioning agree on: gateway {@code g} (1-based) has the mId
 * {@code <gw<g>.loadgen>:2944} and lines A1..A{@code lines}; line {@code l} of gateway {@code g} has the directory
 * number {@code 100000 + (g - 1) * lines + l} (all numbers six digits long for up to 899,999 lines).
 */
public record LoadPlan(int gateways, int lines) {
    public LoadPlan {
        if (gateways < 1 || lines < 1) throw new IllegalArgumentException("--gateways and --lines must be at least 1");
        if ((long) gateways * lines > 899_999) throw new IllegalArgumentException("too many lines for six-digit numbers");
    }

    public String midText(int g) { return "<gw" + g + ".loadgen>:2944"; }

    public MId mid(int g) { return new MId.DomainName("gw" + g + ".loadgen", 2944); }

    public String number(int g, int l) { return Integer.toString(100_000 + (g - 1) * lines + l); }

    /** The controller's provisioning (YAML) for these gateways, with the controller listening on host:port. */
    public String provisioningYaml(String host, int port, int noAnswerSeconds) {
        return provisioningYaml(host, port, noAnswerSeconds, 10_000);
    }

    /** @param inactivityMillis the it/ito mit the controller arms on each gateway (its heartbeat period) */
    public String provisioningYaml(String host, int port, int noAnswerSeconds, int inactivityMillis) {
        StringBuilder y = new StringBuilder();
        y.append("# written by loadgen h248 --write-config: ").append(gateways).append(" gateways x ").append(lines)
         .append(" lines\n");
        y.append("controller:\n  address: ").append(host).append("\n  port: ").append(port)
         .append("\n  transports: [udp, tcp]\n");
        y.append("timers: { noAnswerSeconds: ").append(noAnswerSeconds).append(", inactivityMillis: ").append(inactivityMillis).append(" }\n");
        y.append("gateways:\n");
        for (int g = 1; g <= gateways; g++) {
            y.append("  - name: gw").append(g).append("\n    mid: \"").append(midText(g)).append("\"\n")
             .append("    address: ").append(host).append("\n    lines:\n");
            for (int l = 1; l <= lines; l++) {
                y.append("      - { termination: A").append(l).append(", number: \"").append(number(g, l)).append("\" }\n");
            }
        }
        return y.toString();
    }
}
