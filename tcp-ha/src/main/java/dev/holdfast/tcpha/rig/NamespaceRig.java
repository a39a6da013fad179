package dev.holdfast.tcpha.rig;

import java.io.File;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ST-TCP test network in Linux network namespaces: a client, a primary and a backup server on one Ethernet
 * segment (a bridge in a switch namespace, made a hub with ageing_time 0 so the backup's port sees every frame,
 * like the thesis's Ethernet hub), the service address (VIP) on the primary, and two separate veth links between
 * primary and backup for heartbeats (the thesis's IP link and serial link). Addresses come from 198.18.0.0/15.
 * Every namespace name starts with a prefix unique to this run (pid and counter), so {@link #sweepLeftovers()}
 * can remove what a killed run left behind; {@link #close()} removes everything and ends the processes it started.
 */
public final class NamespaceRig implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NamespaceRig.class.getName());
    private static final String PREFIX = "sttcp";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    public static final String CLIENT_IP = "198.18.0.1";
    public static final String PRIMARY_IP = "198.18.0.2";
    public static final String BACKUP_IP = "198.18.0.3";
    public static final String VIP = "198.18.0.100";
    public static final String GATEWAY_IP = "198.18.0.254";
    public static final int LAN_PREFIX = 24;
    /** Heartbeat link 1 (the thesis's IP link) and link 2 (its serial link): primary and backup ends. */
    public static final String HB1_PRIMARY = "198.18.1.1", HB1_BACKUP = "198.18.1.2";
    public static final String HB2_PRIMARY = "198.18.1.5", HB2_BACKUP = "198.18.1.6";

    /** Interface names inside the namespaces. */
    public static final String CLIENT_IF = "c0", PRIMARY_IF = "p0", BACKUP_IF = "b0", HB1_IF = "hb1", HB2_IF = "hb2";
    public static final String BRIDGE = "br0";

    private final String prefix;
    public final String client, primary, backup, sw;
    private final List<String> created = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    private NamespaceRig(String prefix) {
        this.prefix = prefix;
        this.client = prefix + "cl";
        this.primary = prefix + "pr";
        this.backup = prefix + "bk";
        this.sw = prefix + "sw";
    }

    /** Builds the whole rig; on any failure removes what it had made and rethrows. */
    public static NamespaceRig create() {
        sweepLeftovers();
        NamespaceRig rig = new NamespaceRig(PREFIX + ProcessHandle.current().pid() + "x" + COUNTER.incrementAndGet() + "-");
        try {
            rig.build();
            return rig;
        } catch (RuntimeException e) {
            rig.close();
            throw e;
        }
    }

    private void build() {
        for (String ns : List.of(sw, client, primary, backup)) {
            Cmd.run("ip", "netns", "add", ns);
            created.add(ns);
            Cmd.run("ip", "-n", ns, "link", "set", "lo", "up");
            // no IPv6 on the rig: its router solicitations and DAD would only add noise to the tap
            Cmd.tryRun("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
        }
        Cmd.run("ip", "-n", sw, "link", "add", BRIDGE, "type", "bridge", "ageing_time", "0", "stp_state", "0",
                "forward_delay", "0");
        Cmd.run("ip", "-n", sw, "addr", "add", GATEWAY_IP + "/" + LAN_PREFIX, "dev", BRIDGE);
        Cmd.run("ip", "-n", sw, "link", "set", BRIDGE, "up");
        plugIntoSwitch(client, CLIENT_IF, "sw-cl", CLIENT_IP);
        plugIntoSwitch(primary, PRIMARY_IF, "sw-pr", PRIMARY_IP);
        plugIntoSwitch(backup, BACKUP_IF, "sw-bk", BACKUP_IP);
        // the backup's tap reads frames addressed to the primary's MAC: its port must accept them
        Cmd.run("ip", "-n", backup, "link", "set", BACKUP_IF, "promisc", "on");
        Cmd.run("ip", "-n", primary, "addr", "add", VIP + "/" + LAN_PREFIX, "dev", PRIMARY_IF);
        heartbeatLink(HB1_IF, HB1_PRIMARY, HB1_BACKUP);
        heartbeatLink(HB2_IF, HB2_PRIMARY, HB2_BACKUP);
    }

    private void plugIntoSwitch(String ns, String ifName, String switchPort, String ip) {
        Cmd.run("ip", "-n", ns, "link", "add", ifName, "type", "veth", "peer", "name", switchPort, "netns", sw);
        Cmd.run("ip", "-n", sw, "link", "set", switchPort, "master", BRIDGE);
        Cmd.run("ip", "-n", sw, "link", "set", switchPort, "up");
        Cmd.run("ip", "-n", ns, "addr", "add", ip + "/" + LAN_PREFIX, "dev", ifName);
        Cmd.run("ip", "-n", ns, "link", "set", ifName, "up");
    }

    private void heartbeatLink(String ifName, String primaryIp, String backupIp) {
        Cmd.run("ip", "-n", primary, "link", "add", ifName, "type", "veth", "peer", "name", ifName, "netns", backup);
        Cmd.run("ip", "-n", primary, "addr", "add", primaryIp + "/30", "dev", ifName);
        Cmd.run("ip", "-n", backup, "addr", "add", backupIp + "/30", "dev", ifName);
        Cmd.run("ip", "-n", primary, "link", "set", ifName, "up");
        Cmd.run("ip", "-n", backup, "link", "set", ifName, "up");
    }

    /** Runs a command inside a namespace and returns its stdout. */
    public String exec(String ns, String... argv) {
        String[] full = new String[argv.length + 4];
        full[0] = "ip"; full[1] = "netns"; full[2] = "exec"; full[3] = ns;
        System.arraycopy(argv, 0, full, 4, argv.length);
        return Cmd.run(full);
    }

    /**
     * Starts {@code java -cp <this JVM's class path> mainClass args} inside a namespace, stdout and stderr to logFile.
     * {@code ip netns exec} execs the command, so the returned process's pid is the JVM's own.
     */
    public Process startJava(String ns, File logFile, String mainClass, String... args) {
        return startJava(ns, logFile, 0, mainClass, args);
    }

    /**
     * JVMs started in namespace {@code ns} from now on run only on these CPUs ({@code taskset -c} list): the rig's
     * hosts share one machine, and a measurement may want the backup off the CPU the primary and client use, as
     * if it were a machine of its own.
     */
    public synchronized void pinCpus(String ns, String cpuList) { pinned.put(ns, cpuList); }

    private final java.util.Map<String, String> pinned = new java.util.HashMap<>();

    /**
     * JVMs started from now on get these options too (after the rig's own). For a measurement: the overhead bench
     * pre-touches every JVM's heap ({@code -XX:+AlwaysPreTouch}), see PairedOverhead.
     */
    public synchronized void addJvmOptions(String... options) { jvmOptions.addAll(List.of(options)); }

    private final List<String> jvmOptions = new ArrayList<>();

    /**
     * As {@link #startJava(String, File, String, String...)} at a nice level: the servers of the rig stand for hosts
     * of their own, so on a shared machine they may be given priority over the client (nice execs, pid unchanged).
     */
    public synchronized Process startJava(String ns, File logFile, int nice, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "nice", "-n", Integer.toString(nice)));
        if (pinned.containsKey(ns)) cmd.addAll(List.of("taskset", "-c", pinned.get(ns))); // (execs: the pid stays the JVM's)
        cmd.addAll(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                // a young generation large enough that a drill sees few collections: a serial GC stops every thread,
                // heartbeats included, and with hundreds of connection threads a pause lasts hundreds of ms
                "-Xmn400m",
                // no "Cleanup" safepoint every second: it stops every thread, the real-time heartbeat threads too,
                // until the last Java thread reaches it, and on a loaded host a preempted thread took up to 94 ms
                // to get there (-Xlog:safepoint): twice a 10 ms x 5 detector's deadline, a false takeover
                "-XX:+UnlockDiagnosticVMOptions", "-XX:GuaranteedSafepointInterval=0"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile)).start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new RigException("cannot start " + mainClass + " in " + ns + ": " + e.getMessage(), e);
        }
    }

    /** Starts a shell command in a namespace (for --client-cmd), with extra environment variables. */
    public synchronized Process startShell(String ns, File logFile, String command, java.util.Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", ns, "bash", "-c", command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile));
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new RigException("cannot start '" + command + "' in " + ns + ": " + e.getMessage(), e);
        }
    }

    /** The shell command a backup runs to fence the primary: kill its processes by pid, take its interfaces down. */
    public String fenceCommand(long... primaryPids) {
        StringBuilder sb = new StringBuilder();
        for (long pid : primaryPids) sb.append("kill -9 ").append(pid).append(" 2>/dev/null; ");
        // one ip process for all three links (each process start costs milliseconds on a busy machine)
        sb.append("printf 'link set ").append(PRIMARY_IF).append(" down\\nlink set ").append(HB1_IF)
                .append(" down\\nlink set ").append(HB2_IF).append(" down\\n' | ip -n ").append(primary).append(" -force -batch -; true");
        return sb.toString();
    }

    public String prefix() { return prefix; }

    /** Ends the processes this rig started (by pid) and deletes its namespaces (which removes their links). */
    @Override
    public synchronized void close() {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly();
                try { p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            }
        }
        processes.clear();
        for (int i = created.size() - 1; i >= 0; i--) deleteNamespace(created.get(i));
        created.clear();
    }

    private static void deleteNamespace(String ns) {
        // processes still inside would keep it alive: end them by pid (only ours: the name carries our prefix)
        Cmd.Result pids = Cmd.tryRun("ip", "netns", "pids", ns);
        if (pids.exitCode() == 0) {
            for (String pid : pids.stdout().split("\\s+")) {
                if (!pid.isBlank()) Cmd.tryRun("kill", "-9", pid.strip());
            }
        }
        Cmd.Result r = Cmd.tryRun("ip", "netns", "del", ns);
        if (r.exitCode() != 0 && !r.stderr().contains("No such file")) {
            LOG.log(Level.WARNING, "could not delete namespace {0}: {1}", ns, r.stderr().strip());
        }
    }

    /** Removes namespaces left by earlier runs of this rig whose JVM is gone (their pid is in the name). */
    public static void sweepLeftovers() {
        Cmd.Result list = Cmd.tryRun("ip", "netns", "list");
        if (list.exitCode() != 0) return;
        for (String line : list.stdout().split("\n")) {
            String ns = line.strip().split("\\s+")[0];
            if (!ns.startsWith(PREFIX)) continue;
            String rest = ns.substring(PREFIX.length());
            int x = rest.indexOf('x');
            if (x <= 0) continue;
            long pid;
            try { pid = Long.parseLong(rest.substring(0, x)); } catch (NumberFormatException e) { continue; }
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) continue;
            LOG.log(Level.INFO, "removing leftover namespace {0}", ns);
            deleteNamespace(ns);
        }
    }
}
