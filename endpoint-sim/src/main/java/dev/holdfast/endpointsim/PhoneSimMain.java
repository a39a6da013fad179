package dev.holdfast.endpointsim;

import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;
import dev.holdfast.endpointsim.script.PhoneScriptTarget;
import dev.holdfast.sim.script.Script;
import dev.holdfast.sim.script.ScriptRunner;
import dev.holdfast.sim.script.ScriptSyntaxException;
import dev.holdfast.sim.script.Scripts;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Simulated phones from the command line, driven by a script file:
 * <pre>
 * phones --phone USER[:PASSWORD] [--phone ...] [--controller HOST:PORT[,HOST:PORT...]] [--transport udp|tcp]
 *        [--bind ADDRESS] [--port PORT] [--auto-answer DURATION] [--session-expires DURATION] --script FILE
 * </pre>
 * The controllers are the phones' outbound proxy and its alternates, in order; without one, phones call each other
 * straight ({@code call alice bob} dials bob's address). Exits 0 when the script ran to its end, 1 when a step
 * failed (the log says which), 2 for a bad command line or script.
 */
public final class PhoneSimMain {
    private PhoneSimMain() {}

    static final String USAGE = """
            usage: phones --phone USER[:PASSWORD] [--phone ...] [--controller HOST:PORT[,HOST:PORT...]]
                          [--transport udp|tcp] [--bind ADDRESS] [--port PORT] [--auto-answer DURATION]
                          [--session-expires DURATION] --script FILE
            """;

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        List<String> phoneSpecs = new ArrayList<>();
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) { out.print(USAGE); return 0; }
            if (!a.startsWith("--") || i + 1 >= args.length) {
                err.println("phones: bad argument '" + a + "'");
                err.print(USAGE);
                return 2;
            }
            if (a.equals("--phone")) phoneSpecs.add(args[++i]);
            else opt.put(a.substring(2), args[++i]);
        }
        if (phoneSpecs.isEmpty() || !opt.containsKey("script")) {
            err.print(USAGE);
            return 2;
        }
        Script script;
        try {
            script = Scripts.parse(Path.of(opt.get("script")));
        } catch (ScriptSyntaxException e) {
            err.println("phones: " + e.getMessage());
            return 2;
        }
        List<InetSocketAddress> controllers = new ArrayList<>();
        if (opt.containsKey("controller")) {
            for (String hp : opt.get("controller").split(",")) {
                int colon = hp.lastIndexOf(':');
                controllers.add(new InetSocketAddress(hp.substring(0, colon), Integer.parseInt(hp.substring(colon + 1))));
            }
        }
        String transport = opt.getOrDefault("transport", "udp");
        Duration autoAnswer = opt.containsKey("auto-answer") ? Scripts.parseDuration(opt.get("auto-answer")) : null;
        InetAddress bind = InetAddress.getByName(opt.getOrDefault("bind", "127.0.0.1"));
        try (PhoneRuntime rt = PhoneRuntime.start(bind, Integer.parseInt(opt.getOrDefault("port", "0")), System.nanoTime())) {
            Map<String, Phone> phones = new LinkedHashMap<>();
            for (String spec : phoneSpecs) {
                int colon = spec.indexOf(':');
                String user = colon < 0 ? spec : spec.substring(0, colon);
                String password = colon < 0 ? null : spec.substring(colon + 1);
                PhoneConfig c = PhoneConfig.of(user, password, controllers).withTransport(transport).withMediaAddress(bind)
                        .withAutoAnswer(autoAnswer)
                        .withSessionExpires(opt.containsKey("session-expires") ? Scripts.parseDuration(opt.get("session-expires")) : null);
                phones.put(user, rt.phone(c));
            }
            out.println("phones: " + phones.keySet() + " on " + rt.sip().localAddress(transport) + " (" + transport + ")"
                    + (controllers.isEmpty() ? ", no controller" : ", controllers " + controllers));
            ScriptRunner.Result r = ScriptRunner.realTime(new PhoneScriptTarget(phones)).run(script);
            r.log().forEach(l -> out.println("  " + l));
            out.println("phones: " + r);
            return r.ok() ? 0 : 1;
        }
    }
}
