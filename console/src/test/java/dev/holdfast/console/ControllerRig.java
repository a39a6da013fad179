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
 * A real controller with its admin API on 127.0.0.1 and one real simulated gateway (UDP) with lines A1..A6
 * (numbers 1001..1006), as the console's tests need them. Admin API users: {@code admin}, {@code operator},
 * {@code viewer} (each with the role of its name) and {@code console} (the console's service account, admin); every
 * password is the user's name + "-secret".
 */
final class ControllerRig implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final int LINES = 6;

    final Controller controller;
    final GatewayRuntime runtime;
    final SimulatedGateway gw;

    static String password(String user) { return user + "-secret"; }

    private ControllerRig(Controller controller, GatewayRuntime runtime, SimulatedGateway gw) {
        this.controller = controller;
        this.runtime = runtime;
        this.gw = gw;
    }

    static ControllerRig start(Path dir) throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
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
        y.append("gateways:\n  - name: gw1\n    mid: \"[127.0.0.1]:").append(port).append("\"\n    address: \"127.0.0.1:")
         .append(port).append("\"\n    lines:\n");
        for (int l = 1; l <= LINES; l++) y.append("      - { termination: A").append(l).append(", number: \"100").append(l).append("\" }\n");
        Provisioning p = ProvisioningLoader.parse(y.toString(), ProvisioningLoader.Format.YAML, "console-test.yaml");
        Controller c = Controller.start(p, null, null, 1, EndpointOptions.DEFAULTS);
        GatewayRuntime runtime = GatewayRuntime.create(1, GatewayRuntime.quickTransactions());
        try {
            GatewayConfig config = GatewayConfig.of(MId.ipv4("127.0.0.1", port), LINES, List.of(c.address("udp"))).withSeed(1);
            SimulatedGateway gw = runtime.start(config, Transport.UDP, new InetSocketAddress("127.0.0.1", port));
            ControllerRig rig = new ControllerRig(c, runtime, gw);
            if (!gw.awaitRegistered(WAIT)) throw new AssertionError("gw1 did not register");
            for (int l = 1; l <= LINES; l++) {
                String line = "A" + l;
                if (!SimulatedGateway.await(() -> gw.armedEvents(line).contains("al/of"), WAIT)) {
                    throw new AssertionError(line + " not armed");
                }
            }
            return rig;
        } catch (Exception | AssertionError e) {
            runtime.close();
            c.close();
            throw e;
        }
    }

    String adminUrl() { return controller.admin().url(); }

    /** Line {@code from} calls line {@code to} (1..6) and {@code to} answers: the call is connected. */
    void connectedCall(int from, int to) throws Exception {
        String a = "A" + from;
        String b = "A" + to;
        gw.offHook(a);
        await(() -> gw.signals(a).contains("cg/dt"), a + " hears dial tone");
        gw.dial(a, "100" + to);
        await(() -> gw.signals(b).contains("al/ri"), b + " rings");
        if (!gw.answer(b)) throw new AssertionError(b + " could not answer");
        await(() -> gw.talkPathUp(a) && gw.talkPathUp(b), "talk path " + a + "-" + b);
    }

    void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        if (!SimulatedGateway.await(condition, WAIT)) throw new AssertionError("not within " + WAIT + ": " + what);
    }

    @Override public void close() {
        gw.close();
        runtime.close();
        controller.close();
    }
}
