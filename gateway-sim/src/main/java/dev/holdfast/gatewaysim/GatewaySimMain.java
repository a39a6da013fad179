package dev.holdfast.gatewaysim;

import dev.holdfast.sim.cli.CommandOptions;
import dev.holdfast.gatewaysim.control.H248ControlNetwork;
import dev.holdfast.h248.message.MId;
import dev.holdfast.sim.rtp.ProbeConfig;
import dev.holdfast.sim.script.ScriptRunner;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * Runs one simulated media gateway from the command line:
 * <pre>
 * gateway-sim --controllers HOST:PORT[,HOST:PORT...] [--mid MID] [--lines N] [--trunks N]
 *             [--transport udp|tcp] [--port P] [--media-address IP] [--probe-rate PPS]
 *             [--restart-avoidance MS] [--heartbeat-timeout MS] [--inactivity MS] [--script FILE]
 * </pre>
 * It prints where it listens and each registration, then runs until SIGTERM (ServiceChange Graceful on the way
 * out); with {@code --script} it runs the script once registered and exits 0 if it passed, 1 if not.
 */
public final class GatewaySimMain {
    private GatewaySimMain() {}

    static final String USAGE = """
            usage: gateway-sim --controllers HOST:PORT[,HOST:PORT...] [options]
              --mid MID               the gateway's mId, e.g. [127.0.0.1]:2945 or <gw1.example>:2944
                                      (default: [ADDRESS]:PORT of its H.248 socket)
              --lines N               analog lines A1..AN (default 4)
              --trunks N              trunks T1..TN with disconnect supervision (default 0)
              --transport udp|tcp     H.248 transport (default udp)
              --port P                local H.248 UDP port (default 0: any free port)
              --media-address IP      address of the RTP terminations (default 127.0.0.1)
              --probe-rate PPS        RTP probe packets per second (default 50)
              --restart-avoidance MS  maximum random wait before registering (default 0)
              --heartbeat-timeout MS  controller lost when the it/ito heartbeat is not answered within MS
                                      (default: when the transaction layer gives up, seconds); loss detection
                                      over UDP takes at most the controller's mit + MS (TCP: a close is immediate)
              --inactivity MS         it/ito mit when the controller arms it/ito without one (default 30000)
              --script FILE           run this script once registered, then exit (0: passed)
            """;

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        CommandOptions opt;
        try {
            opt = CommandOptions.parse(args, 0, Set.of());
        } catch (IllegalArgumentException e) {
            err.println("gateway-sim: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        if (opt.has("help")) {
            out.print(USAGE);
            return 0;
        }
        List<InetSocketAddress> controllers = new ArrayList<>();
        int lines, trunkCount, port;
        double rate;
        Duration mwd, heartbeatTimeout, inactivity;
        H248ControlNetwork.Transport transport;
        InetAddress mediaAddress;
        try {
            for (String c : opt.required("controllers").split(",")) controllers.add(CommandOptions.hostPort(c.trim()));
            lines = opt.integer("lines", 4);
            trunkCount = opt.integer("trunks", 0);
            port = opt.integer("port", 0);
            transport = switch (opt.get("transport", "udp").toLowerCase(java.util.Locale.ROOT)) {
                case "udp" -> H248ControlNetwork.Transport.UDP;
                case "tcp" -> H248ControlNetwork.Transport.TCP;
                default -> throw new IllegalArgumentException("--transport is udp or tcp");
            };
            mediaAddress = InetAddress.getByName(opt.get("media-address", "127.0.0.1"));
            rate = opt.decimal("probe-rate", "50");
            mwd = Duration.ofMillis(opt.integer("restart-avoidance", 0));
            heartbeatTimeout = positiveMillis(opt, "heartbeat-timeout");
            inactivity = positiveMillis(opt, "inactivity");
        } catch (IllegalArgumentException | java.net.UnknownHostException e) {
            err.println("gateway-sim: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }

        try (GatewayRuntime rt = GatewayRuntime.create(1, GatewayRuntime.quickTransactions())) {
            if (port == 0 && transport == H248ControlNetwork.Transport.UDP) {
                // the mId names the H.248 socket: pick the free port first (tiny race, fine for a tool)
                try (java.net.DatagramSocket probe = new java.net.DatagramSocket(0, mediaAddress)) {
                    port = probe.getLocalPort();
                }
            }
            InetSocketAddress bind = new InetSocketAddress(mediaAddress, port);
            MId mid = opt.has("mid") ? parseMid(opt.get("mid"))
                    : MId.ipv4(mediaAddress.getHostAddress(), port == 0 ? null : port);
            Map<String, Boolean> trunks = new LinkedHashMap<>();
            for (int i = 1; i <= trunkCount; i++) trunks.put("T" + i, true);
            GatewayConfig config = GatewayConfig.of(mid, lines, controllers).withTrunks(trunks)
                    .withMediaAddress(mediaAddress).withProbe(ProbeConfig.atRate(rate), null, 0)
                    .withRestartAvoidance(mwd).withSeed(System.nanoTime()).withHeartbeatReplyTimeout(heartbeatTimeout);
            if (inactivity != null) config = config.withDefaultInactivity(inactivity);
            SimulatedGateway gw = rt.start(config, transport, bind);
            SimulatedGateway gateway = gw;
            out.println("gateway-sim: " + config.midText() + " with " + lines + " lines" + (trunkCount > 0 ? ", " + trunkCount + " trunks" : "")
                    + " over " + transport.name().toLowerCase() + (gw.localAddress() != null ? " " + gw.localAddress().getAddress().getHostAddress() + ":" + gw.localAddress().getPort() : "")
                    + "; controllers " + opt.get("controllers"));
            out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                out.println("gateway-sim: stopping (ServiceChange Graceful)");
                gateway.shutdown(Duration.ZERO);
                stop.countDown();
            });
            Runtime.getRuntime().addShutdownHook(hook);
            boolean announced = false;
            while (stop.getCount() > 0) {
                boolean reg = gateway.registered();
                if (reg && !announced) {
                    out.println("gateway-sim: registered with " + gateway.currentController() + " " + gateway.registrationHistory());
                    out.flush();
                    if (opt.has("script")) {
                        ScriptRunner.Result r = gateway.runScript(Path.of(opt.get("script")));
                        r.log().forEach(l -> out.println("  " + l));
                        out.println("gateway-sim: " + r);
                        Runtime.getRuntime().removeShutdownHook(hook);
                        gateway.shutdown(Duration.ZERO);
                        return r.ok() ? 0 : 1;
                    }
                }
                if (!reg && announced) out.println("gateway-sim: lost the controller; failing over");
                announced = reg;
                if (stop.await(100, java.util.concurrent.TimeUnit.MILLISECONDS)) break;
            }
            return 0;
        }
    }


    /** A positive number of milliseconds given as {@code --name MS}, or null when absent. */
    static Duration positiveMillis(CommandOptions opt, String name) {
        if (!opt.has(name)) return null;
        int ms = opt.integer(name, null);
        if (ms <= 0) throw new IllegalArgumentException("--" + name + " is a positive number of milliseconds");
        return Duration.ofMillis(ms);
    }

    /** {@code [1.2.3.4]:p}, {@code <name>:p} or a device name. */
    static MId parseMid(String s) {
        String t = s.trim();
        Integer port = null;
        int close = Math.max(t.lastIndexOf(']'), t.lastIndexOf('>'));
        if (close >= 0 && close + 1 < t.length() && t.charAt(close + 1) == ':') {
            port = Integer.parseInt(t.substring(close + 2));
            t = t.substring(0, close + 1);
        }
        if (t.startsWith("[") && t.endsWith("]")) return MId.ipv4(t.substring(1, t.length() - 1), port);
        if (t.startsWith("<") && t.endsWith(">")) return new MId.DomainName(t.substring(1, t.length() - 1), port);
        return new MId.DeviceName(t);
    }
}
