package dev.holdfast.controller.e2e;

import dev.holdfast.controller.Controller;
import dev.holdfast.controller.provisioning.Provisioning;
import dev.holdfast.controller.provisioning.ProvisioningLoader;
import dev.holdfast.gatewaysim.GatewayConfig;
import dev.holdfast.gatewaysim.GatewayRuntime;
import dev.holdfast.gatewaysim.SimulatedGateway;
import dev.holdfast.gatewaysim.control.H248ControlNetwork.Transport;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.transport.EndpointOptions;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real controller and real simulated gateways on 127.0.0.1, over one transport: gateway {@code g} (1-based) has
 * lines A1..An with directory numbers {@code g00k} (gateway 1: 1001, 1002, ...; gateway 2: 2001, ...).
 */
final class E2eNetwork implements AutoCloseable {
    final Controller controller;
    /** The alternate controller (second on every gateway's list), or null. */
    final Controller alternate;
    final GatewayRuntime runtime;
    final List<SimulatedGateway> gateways = new ArrayList<>();

    private E2eNetwork(Controller controller, Controller alternate, GatewayRuntime runtime) {
        this.controller = controller;
        this.alternate = alternate;
        this.runtime = runtime;
    }

    /**
     * A primary and an alternate controller with the same provisioning (and {@code extraYaml}, e.g. the shared
     * cookie keys); every gateway has both on its list, the primary first.
     */
    static E2eNetwork startWithAlternate(Transport transport, int gatewayCount, int linesEach, int noAnswerSeconds,
                                         String extraYaml) throws Exception {
        return startWithAlternate(transport, gatewayCount, linesEach, noAnswerSeconds, java.util.Map.of(), extraYaml,
                extraYaml, java.util.Map.of());
    }

    /**
     * As above, with trunks on gateway 1, the alternate's own extra provisioning, and {@code silentHops}: gateway
     * {@code g} has that many {@link SilentController}s between the primary and the alternate on its list (each
     * delays its failover by its transaction timeout).
     */
    static E2eNetwork startWithAlternate(Transport transport, int gatewayCount, int linesEach, int noAnswerSeconds,
                                         java.util.Map<String, Boolean> trunks, String primaryYaml, String alternateYaml,
                                         java.util.Map<Integer, Integer> silentHops) throws Exception {
        return start(transport, gatewayCount, linesEach, noAnswerSeconds, trunks, primaryYaml, null, null, alternateYaml,
                silentHops);
    }

    private final List<SilentController> silent = new ArrayList<>();
    private Provisioning primary;
    /** A primary started again by {@link #restartPrimary}, or null. */
    Controller restarted;

    /** Starts the primary again with its provisioning (give it a fixed port for the gateways to find it). */
    Controller restartPrimary() throws Exception {
        restarted = Controller.start(primary, null, null, 3, EndpointOptions.DEFAULTS);
        return restarted;
    }

    static E2eNetwork start(Transport transport, int gatewayCount, int linesEach, int noAnswerSeconds) throws Exception {
        return start(transport, gatewayCount, linesEach, noAnswerSeconds, java.util.Map.of());
    }

    /**
     * As above, and gateway 1 has the trunk circuits {@code trunks} (termination -> disconnect supervision), all in
     * group {@code pstn}, reached with access code 9 and four digits. Every gateway keeps the commands it executes.
     */
    static E2eNetwork start(Transport transport, int gatewayCount, int linesEach, int noAnswerSeconds,
                            java.util.Map<String, Boolean> trunks) throws Exception {
        return start(transport, gatewayCount, linesEach, noAnswerSeconds, trunks, "");
    }

    /** As above, with more top-level provisioning ({@code extraYaml}: e.g. a {@code sip:} section and subscribers). */
    static E2eNetwork start(Transport transport, int gatewayCount, int linesEach, int noAnswerSeconds,
                            java.util.Map<String, Boolean> trunks, String extraYaml) throws Exception {
        return start(transport, gatewayCount, linesEach, noAnswerSeconds, trunks, extraYaml, null, null);
    }

    /** As above, the controller writing its event log and command log (for replay) to these files. */
    static E2eNetwork start(Transport transport, int gatewayCount, int linesEach, int noAnswerSeconds,
                            java.util.Map<String, Boolean> trunks, String extraYaml, java.nio.file.Path events,
                            java.nio.file.Path commands) throws Exception {
        return start(transport, gatewayCount, linesEach, noAnswerSeconds, trunks, extraYaml, events, commands, null,
                java.util.Map.of());
    }

    /** {@code alternateYaml}: null for no alternate controller, else its extra provisioning. */
    private static E2eNetwork start(Transport transport, int gatewayCount, int linesEach, int noAnswerSeconds,
                                    java.util.Map<String, Boolean> trunks, String extraYaml, java.nio.file.Path events,
                                    java.nio.file.Path commands, String alternateYaml,
                                    java.util.Map<Integer, Integer> silentHops) throws Exception {
        // UDP gateways are provisioned by their source address and port: reserve the ports first
        // (held until each gateway binds: the controller binds its own port 0 meanwhile and must not get one of them)
        List<Integer> ports = new ArrayList<>();
        List<DatagramSocket> reserved = new ArrayList<>();
        StringBuilder gws = new StringBuilder();
        for (int g = 1; g <= gatewayCount; g++) {
            DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            reserved.add(s);
            int port = s.getLocalPort();
            ports.add(port);
            gws.append("  - name: gw").append(g).append('\n')
               .append("    mid: \"").append(mid(transport, g, port)).append("\"\n")
               .append("    address: \"127.0.0.1").append(transport == Transport.UDP ? ":" + port : "").append("\"\n")
               .append("    lines:\n");
            for (int l = 1; l <= linesEach; l++) {
                gws.append("      - { termination: A").append(l).append(", number: \"").append(number(g, l)).append("\" }\n");
            }
            if (g == 1 && !trunks.isEmpty()) {
                gws.append("    trunks:\n");
                for (var t : new java.util.TreeMap<>(trunks).entrySet()) {
                    gws.append("      - { termination: ").append(t.getKey()).append(", group: pstn, disconnectSupervision: ")
                       .append(t.getValue()).append(" }\n");
                }
            }
        }
        Controller c;
        Controller alt = null;
        Provisioning p = provisioning(noAnswerSeconds, trunks, extraYaml, gws);
        try {
            c = Controller.start(p, events, commands, 1, EndpointOptions.DEFAULTS);
            try {
                if (alternateYaml != null) {
                    alt = Controller.start(provisioning(noAnswerSeconds, trunks, alternateYaml, gws), null, null, 2,
                            EndpointOptions.DEFAULTS);
                }
            } catch (Exception e) {
                c.close();
                throw e;
            }
        } catch (Exception e) {
            reserved.forEach(DatagramSocket::close);
            throw e;
        }
        E2eNetwork n = new E2eNetwork(c, alt, GatewayRuntime.create(1, GatewayRuntime.quickTransactions()));
        n.primary = p;
        try {
            InetSocketAddress ctl = c.address(transport == Transport.UDP ? "udp" : "tcp");
            InetSocketAddress altAddress = alt == null ? null : alt.address(transport == Transport.UDP ? "udp" : "tcp");
            for (int g = 1; g <= gatewayCount; g++) {
                MId mid = transport == Transport.UDP ? MId.ipv4("127.0.0.1", ports.get(g - 1))
                        : new MId.DomainName("gw" + g + ".test", 2944);
                List<InetSocketAddress> list = new ArrayList<>(List.of(ctl));
                if (altAddress != null) {
                    for (int i = 0; i < silentHops.getOrDefault(g, 0); i++) {
                        SilentController s = new SilentController();
                        n.silent.add(s);
                        list.add(s.address());
                    }
                    list.add(altAddress);
                }
                GatewayConfig config = GatewayConfig.of(mid, linesEach, list).withSeed(g);
                if (g == 1 && !trunks.isEmpty()) config = config.withTrunks(new java.util.TreeMap<>(trunks));
                reserved.get(g - 1).close();
                n.gateways.add(n.runtime.start(config, transport,
                        new InetSocketAddress("127.0.0.1", transport == Transport.UDP ? ports.get(g - 1) : 0)));
                n.gateways.get(g - 1).recordCommands();
            }
        } catch (Exception e) {
            n.close();
            throw e;
        } finally {
            reserved.forEach(DatagramSocket::close);
        }
        return n;
    }

    private static Provisioning provisioning(int noAnswerSeconds, java.util.Map<String, Boolean> trunks, String extraYaml,
                                             CharSequence gws) throws Exception {
        // extra provisioning may bring its own controller section (a fixed port, a role in a pair)
        String controller = extraYaml.contains("controller:") ? "" : "controller: { address: 127.0.0.1, port: 0, transports: [udp, tcp] }";
        return ProvisioningLoader.parse(controller + """

                timers: { noAnswerSeconds: %d, inactivityMillis: 10000 }
                %s
                %s
                gateways:
                """.formatted(noAnswerSeconds, trunks.isEmpty() ? ""
                        : "dialPlan: { trunkAccessCodes: [ { code: \"9\", group: pstn, digits: xxxx } ] }", extraYaml) + gws,
                ProvisioningLoader.Format.YAML, "e2e.yaml");
    }

    static String mid(Transport transport, int g, int port) {
        return transport == Transport.UDP ? "[127.0.0.1]:" + port : "<gw" + g + ".test>:2944";
    }

    static String number(int gateway, int line) { return String.format("%d%03d", gateway, line); }

    SimulatedGateway gw(int g) { return gateways.get(g - 1); }

    @Override public void close() {
        for (SimulatedGateway g : gateways) g.close();
        runtime.close();
        controller.close();
        if (alternate != null) alternate.close();
        if (restarted != null) restarted.close();
        for (SilentController s : silent) s.close();
    }

    /** Polls until the condition holds; false after {@code seconds}. */
    static boolean eventually(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
        return SimulatedGateway.await(condition, Duration.ofSeconds(seconds));
    }
}
