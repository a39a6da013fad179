package dev.holdfast.controller;

import dev.holdfast.controller.provisioning.MidText;
import dev.holdfast.controller.provisioning.Provisioning;
import dev.holdfast.controller.provisioning.ProvisioningException;
import dev.holdfast.controller.provisioning.ProvisioningLoader;
import dev.holdfast.controller.provisioning.SipSettings;
import dev.holdfast.h248.transport.EndpointOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code controller --config FILE [--event-log FILE] [--command-log FILE] [--seed N] [--sip-port N] [--admin-port N]}: runs one
 * controller until SIGTERM (or SIGINT). It listens for SIP when the provisioning has a {@code sip:} section or
 * {@code --sip-port} is given (which overrides the section's port; 0 picks a free one); likewise it offers the admin
 * API (docs/admin-api.md) when the provisioning has an {@code admin:} section or {@code --admin-port} is given.
 * {@code controller hash-password} prints a password hash for the {@code admin.users} list.
 * It prints where it listens once it does; exit status 2 for a bad command line or provisioning.
 */
public final class ControllerMain {
    private ControllerMain() {}

    public static void main(String[] args) throws Exception {
        Path config = null;
        Path eventLog = null;
        Path commandLog = null;
        // a fresh seed per start unless given: the ids the core draws (SIP Call-IDs and tags among them) must differ
        // between the two controllers of a pair and between two lives of one controller, or a phone takes the
        // alternate's first SUBSCRIBE for a repeat of the primary's (same Call-ID, same tag) and ignores it; the event
        // log's header keeps the seed for replay
        long seed = new java.security.SecureRandom().nextLong();
        Integer sipPort = null;
        Integer adminPort = null;
        String clusterMembers = null;
        String clusterName = null;
        if (args.length > 0 && args[0].equals("hash-password")) {
            System.exit(HashPasswordMain.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
            return;
        }
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> config = Path.of(value(args, ++i));
                case "--event-log" -> eventLog = Path.of(value(args, ++i));
                case "--command-log" -> commandLog = Path.of(value(args, ++i));
                case "--seed" -> seed = Long.parseLong(value(args, ++i));
                case "--sip-port" -> {
                    sipPort = Integer.parseInt(value(args, ++i));
                    if (sipPort < 0 || sipPort > 65535) { System.err.println("controller: --sip-port out of range"); System.exit(2); }
                }
                case "--admin-port" -> {
                    adminPort = Integer.parseInt(value(args, ++i));
                    if (adminPort < 0 || adminPort > 65535) { System.err.println("controller: --admin-port out of range"); System.exit(2); }
                }
                case "--cluster" -> clusterMembers = value(args, ++i);
                case "--cluster-name" -> clusterName = value(args, ++i);
                case "-h", "--help" -> { usage(); return; }
                default -> { System.err.println("controller: unknown argument " + args[i]); usage(); System.exit(2); }
            }
        }
        if (config == null) { usage(); System.exit(2); }
        if (!Files.isReadable(config)) {
            System.err.println("controller: cannot read " + config);
            System.exit(2);
        }
        Provisioning p;
        try {
            p = ProvisioningLoader.load(config);
        } catch (ProvisioningException e) {
            System.err.println("controller: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (sipPort != null) p = p.withSip((p.sip() != null ? p.sip() : SipSettings.DEFAULTS).withPort(sipPort));
        if (adminPort != null) {
            p = p.withAdmin((p.admin() != null ? p.admin() : dev.holdfast.controller.provisioning.AdminSettings.DEFAULTS)
                    .withPort(adminPort));
        }
        if (clusterMembers != null || clusterName != null) {
            // a cluster: section from the command line (bin/demo): its members, and the rest as provisioned or default
            var c = p.cluster() != null ? p.cluster()
                    : dev.holdfast.controller.provisioning.ClusterConfig.of(null, List.of());
            List<String> members = clusterMembers != null ? List.of(clusterMembers.split(",")) : c.members();
            if (members.isEmpty()) {
                System.err.println("controller: --cluster-name needs --cluster HOST:PORT (or a cluster: section)");
                System.exit(2);
            }
            for (String m : members) {
                if (!m.matches("[^:\\s]+:[0-9]{1,5}") || Integer.parseInt(m.substring(m.lastIndexOf(':') + 1)) > 65535) {
                    System.err.println("controller: --cluster: '" + m + "' is not host:port");
                    System.exit(2);
                }
            }
            p = p.withCluster(new dev.holdfast.controller.provisioning.ClusterConfig(c.name(),
                    clusterName != null ? clusterName : c.clusterName(), members, c.connectTimeoutMs(),
                    c.operationTimeoutMs(), c.heartbeatMs(), c.cdrQueue(), c.cdrSpool()));
        }
        // changes made through the admin API while running: kept next to the file, applied after it
        var journal = dev.holdfast.controller.provisioning.ProvisioningJournal.of(config);
        p = journal.replay(p);
        // the gateways' replies acknowledged (H.248.1 D.1.4), so that they need not keep them for LONG-TIMER
        EndpointOptions h248 = EndpointOptions.DEFAULTS.withTransactions(EndpointOptions.DEFAULTS.transactions().ackingReplies());
        Controller controller = Controller.start(p, eventLog, commandLog, seed, h248, journal);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            controller.close();
            System.out.println("controller: stopped");
            System.out.flush();
            stopped.countDown();
        }, "controller-shutdown"));
        System.out.println("controller: mId " + MidText.written(controller.mid()) + ", " + p.gateways().size()
                + " gateways and " + p.subscribers().size() + " SIP subscribers provisioned, listening on " + String.join(", ", controller.listening()));
        if (controller.admin() != null) {
            System.out.println("controller: admin API " + controller.admin().url() + "/api/status"
                    + (p.admin().users().isEmpty() ? " (no admin users provisioned: only /metrics answers)" : ""));
        }
        if (controller.cluster() != null) {
            System.out.println("controller: cluster client " + p.controllerName() + " of " + p.cluster().clusterName() + " at "
                    + String.join(",", p.cluster().members()) + " (connects in the background: calls never wait for it)");
        }
        System.out.flush();
        stopped.await();
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) { usage(); System.exit(2); }
        return args[i];
    }

    private static void usage() {
        System.err.println("usage: controller --config FILE [--event-log FILE] [--command-log FILE] [--seed N] [--sip-port N]"
                + " [--admin-port N] [--cluster HOST:PORT[,...]] [--cluster-name NAME]\n       controller hash-password [--iterations N]   (reads the password from stdin)");
    }
}
