package dev.holdfast.console;

import dev.holdfast.controller.Controller;
import dev.holdfast.controller.admin.PasswordHash;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real controller with its admin API on 127.0.0.1 and real simulated gateways (UDP): gw1 with lines A1..A6
 * (numbers 1001..1006) and gw2 with A1, A2 (2001, 2002), as the console's tests need them. Admin API users: {@code admin}, {@code operator},
 * {@code viewer} (each with the role of its name) and {@code console} (the console's service account, admin); every
 * password is the user's name + "-secret".
 */
public final class ControllerRig implements AutoCloseable {
    public static final Duration WAIT = Duration.ofSeconds(15);
    static final int LINES = 6;

    public final Controller controller;
    public final GatewayRuntime runtime;
    public final SimulatedGateway gw;
    /** A second gateway, gw2, with lines A1 and A2 (numbers 2001, 2002), for calls between gateways. */
    public SimulatedGateway gw2;

    public static String password(String user) { return user + "-secret"; }

    private ControllerRig(Controller controller, GatewayRuntime runtime, SimulatedGateway gw) {
        this.controller = controller;
        this.runtime = runtime;
        this.gw = gw;
    }

    public static ControllerRig start(Path dir) throws Exception {
        return start(dir, "");
    }

    /** As above, with more top-level provisioning (e.g. a {@code sip:} section). */
    public static ControllerRig start(Path dir, String extraYaml) throws Exception {
        int port = freeUdpPort();
        int port2 = freeUdpPort();
        StringBuilder y = new StringBuilder("""
                controller: { address: 127.0.0.1, port: 0, transports: [udp] }
                timers: { noAnswerSeconds: 60, inactivityMillis: 10000 }
                admin:
                  port: 0
                  auditLog: "%s"
                  loginFailureLimit: 50
                  users:
                """.formatted(dir.resolve("audit.log")));
        for (String[] u : List.of(new String[]{"admin", "admin"}, new String[]{"operator", "operator"},
                new String[]{"viewer", "viewer"}, new String[]{"console", "admin"})) {
            y.append("    - { user: ").append(u[0]).append(", role: ").append(u[1]).append(", password: \"")
             .append(PasswordHash.hash(password(u[0]).toCharArray(), 1000)).append("\" }\n");
        }
        y.append(extraYaml);
        y.append("gateways:\n  - name: gw1\n    mid: \"[127.0.0.1]:").append(port).append("\"\n    address: \"127.0.0.1:")
         .append(port).append("\"\n    lines:\n");
        for (int l = 1; l <= LINES; l++) y.append("      - { termination: A").append(l).append(", number: \"100").append(l).append("\" }\n");
        y.append("  - name: gw2\n    mid: \"[127.0.0.1]:").append(port2).append("\"\n    address: \"127.0.0.1:")
         .append(port2).append("\"\n    lines:\n      - { termination: A1, number: \"2001\" }\n      - { termination: A2, number: \"2002\" }\n");
        Provisioning p = ProvisioningLoader.parse(y.toString(), ProvisioningLoader.Format.YAML, "console-test.yaml");
        Controller c = Controller.start(p, null, null, 1, EndpointOptions.DEFAULTS);
        GatewayRuntime runtime = GatewayRuntime.create(1, GatewayRuntime.quickTransactions());
        try {
            GatewayConfig config = GatewayConfig.of(MId.ipv4("127.0.0.1", port), LINES, List.of(c.address("udp"))).withSeed(1);
            SimulatedGateway gw = runtime.start(config, Transport.UDP, new InetSocketAddress("127.0.0.1", port));
            ControllerRig rig = new ControllerRig(c, runtime, gw);
            rig.gw2 = runtime.start(GatewayConfig.of(MId.ipv4("127.0.0.1", port2), 2, List.of(c.address("udp"))).withSeed(2),
                    Transport.UDP, new InetSocketAddress("127.0.0.1", port2));
            for (SimulatedGateway g : List.of(gw, rig.gw2)) {
                if (!g.awaitRegistered(WAIT)) throw new AssertionError(g.config().midText() + " did not register");
                for (String line : g.config().lines()) {
                    if (!SimulatedGateway.await(() -> g.armedEvents(line).contains("al/of"), WAIT)) {
                        throw new AssertionError(line + " not armed");
                    }
                }
            }
            return rig;
        } catch (Exception | AssertionError e) {
            runtime.close();
            c.close();
            throw e;
        }
    }

    private static int freeUdpPort() throws java.net.SocketException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** gw1's line A{from} calls gw2's line A{to}, which answers. */
    public void interGatewayCall(int from, int to) throws Exception {
        String a = "A" + from;
        String b = "A" + to;
        gw.offHook(a);
        await(() -> gw.signals(a).contains("cg/dt"), a + " hears dial tone");
        gw.dial(a, "200" + to);
        await(() -> gw2.signals(b).contains("al/ri"), "gw2 " + b + " rings");
        if (!gw2.answer(b)) throw new AssertionError(b + " could not answer");
        await(() -> gw.talkPathUp(a) && gw2.talkPathUp(b), "talk path gw1 " + a + " - gw2 " + b);
    }

    public String adminUrl() { return controller.admin().url(); }

    /** Line {@code from} calls line {@code to} (1..6) and {@code to} answers: the call is connected. */
    public void connectedCall(int from, int to) throws Exception {
        String a = "A" + from;
        String b = "A" + to;
        gw.offHook(a);
        await(() -> gw.signals(a).contains("cg/dt"), a + " hears dial tone");
        gw.dial(a, "100" + to);
        await(() -> gw.signals(b).contains("al/ri"), b + " rings");
        if (!gw.answer(b)) throw new AssertionError(b + " could not answer");
        await(() -> gw.talkPathUp(a) && gw.talkPathUp(b), "talk path " + a + "-" + b);
    }

    public void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        if (!SimulatedGateway.await(condition, WAIT)) throw new AssertionError("not within " + WAIT + ": " + what);
    }

    @Override public void close() {
        gw.close();
        if (gw2 != null) gw2.close();
        runtime.close();
        controller.close();
    }
}
