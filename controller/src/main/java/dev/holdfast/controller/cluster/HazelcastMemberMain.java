package dev.holdfast.controller.cluster;

import com.hazelcast.core.HazelcastInstance;

/**
 * {@code bin/hazelcast-member --port P [--cluster-name NAME]}: one Hazelcast member as its own process, on loopback
 * only. Prints {@code hazelcast: member up at 127.0.0.1:P} when it is ready; stops on SIGTERM or Ctrl-C.
 */
public final class HazelcastMemberMain {
    private HazelcastMemberMain() {}

    public static void main(String[] args) throws InterruptedException {
        int port = 5701;
        String clusterName = "holdfast";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if ((a.equals("--port") || a.equals("--cluster-name")) && i + 1 >= args.length) usage(a + " needs a value");
            switch (a) {
                case "--port" -> {
                    try {
                        port = Integer.parseInt(args[++i]);
                    } catch (NumberFormatException e) {
                        usage("--port: '" + args[i] + "' is not a port number");
                    }
                    if (port < 1 || port > 65535) usage("--port: " + port + " is not in 1..65535");
                }
                case "--cluster-name" -> clusterName = args[++i];
                case "-h", "--help" -> {
                    System.out.println(USAGE);
                    return;
                }
                default -> usage("unknown argument '" + a + "'");
            }
        }
        HazelcastInstance member;
        try {
            member = HazelcastMember.start(port, clusterName);
        } catch (RuntimeException e) {
            System.err.println("hazelcast: cannot start a member on 127.0.0.1:" + port + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        Thread stop = new Thread(() -> {
            if (member.getLifecycleService().isRunning()) member.getLifecycleService().terminate();
        }, "hazelcast-member-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        System.out.println("hazelcast: member up at 127.0.0.1:" + port);
        System.out.flush();
        while (member.getLifecycleService().isRunning()) Thread.sleep(500);
    }

    private static final String USAGE = "usage: bin/hazelcast-member --port P [--cluster-name NAME]   (default 5701, holdfast)";

    private static void usage(String problem) {
        System.err.println("hazelcast-member: " + problem);
        System.err.println(USAGE);
        System.exit(2);
    }
}
