package dev.holdfast.tcpha.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.holdfast.tcpha.client.CheckingClient;
import dev.holdfast.tcpha.ha.BackupServer;
import dev.holdfast.tcpha.ha.PrimaryServer;
import dev.holdfast.tcpha.rig.Cmd;
import dev.holdfast.tcpha.rig.IpBatch;
import dev.holdfast.tcpha.rig.NamespaceRig;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One ST-TCP failover under load on a fresh namespace rig: primary and backup servers, a checking client (or a
 * command of the user's), a primary host crash in the middle (its service link cut, then kill -9), the backup's
 * takeover, and the client's verdict. The rig is removed afterwards whatever happens.
 */
public final class Drill {
    public static final int PORT = 7000;
    /** Primary and backup stand for hosts of their own: on a shared machine they run before the client's JVM. */
    static final int SERVER_NICE = -10;
    static final long CLIENT_TIMEOUT_S = Long.getLong("sttcp.clientTimeoutS", 120);

    /** What to run. crashAfterMs: after the client reports all connections open; -1 for no crash. */
    public record Config(String app, int hbMs, int miss, int connections, int messages, int intervalMs, long bulkBytes,
                         long crashAfterMs, String unacked, boolean reprobe, String clientCmd, Crash crash, boolean plainTcp,
                         boolean windowProbe, String backupExtraArgs, int appMaxLagMs, String clientExtraArgs) {
        public Config(String app, int hbMs, int miss, int connections, int messages, int intervalMs, long bulkBytes,
                      long crashAfterMs, String unacked, boolean reprobe, String clientCmd, Crash crash, boolean plainTcp,
                      boolean windowProbe, String backupExtraArgs, int appMaxLagMs) {
            this(app, hbMs, miss, connections, messages, intervalMs, bulkBytes, crashAfterMs, unacked, reprobe, clientCmd, crash, plainTcp, windowProbe, backupExtraArgs, appMaxLagMs, "");
        }

        public Config(String app, int hbMs, int miss, int connections, int messages, int intervalMs, long bulkBytes,
                      long crashAfterMs, String unacked, boolean reprobe, String clientCmd, Crash crash, boolean plainTcp,
                      boolean windowProbe, String backupExtraArgs) {
            this(app, hbMs, miss, connections, messages, intervalMs, bulkBytes, crashAfterMs, unacked, reprobe, clientCmd, crash, plainTcp, windowProbe, backupExtraArgs, 500);
        }

        /** The same with extra CheckingClient options (e.g. "--read-chunk 65536 --read-pause-ms 40": a slow reader). */
        public Config withClientArgs(String extra) {
            return new Config(app, hbMs, miss, connections, messages, intervalMs, bulkBytes, crashAfterMs, unacked, reprobe, clientCmd, crash, plainTcp, windowProbe, backupExtraArgs, appMaxLagMs, extra);
        }

        public Config(String app, int hbMs, int miss, int connections, int messages, int intervalMs, long bulkBytes,
                      long crashAfterMs, String unacked, boolean reprobe, String clientCmd, Crash crash, boolean plainTcp,
                      boolean windowProbe) {
            this(app, hbMs, miss, connections, messages, intervalMs, bulkBytes, crashAfterMs, unacked, reprobe, clientCmd, crash, plainTcp, windowProbe, "");
        }

        /** The same with extra BackupServer options (e.g. "--tap-drop-every 7"). */
        public Config withBackupArgs(String extra) {
            return new Config(app, hbMs, miss, connections, messages, intervalMs, bulkBytes, crashAfterMs, unacked, reprobe, clientCmd, crash, plainTcp, windowProbe, extra, appMaxLagMs, clientExtraArgs);
        }

        /**
         * The same with another AppMaxLagTime (backup) and MaxDelayFIN (primary): how long an application may lag
         * its replica before it is taken for failed. Hundreds of connection threads on a loaded host lag longer
         * than the 500 ms default without having failed.
         */
        public Config withAppMaxLagMs(int ms) {
            return new Config(app, hbMs, miss, connections, messages, intervalMs, bulkBytes, crashAfterMs, unacked, reprobe, clientCmd, crash, plainTcp, windowProbe, backupExtraArgs, ms, clientExtraArgs);
        }

        public Config(String app, int hbMs, int miss, int connections, int messages, int intervalMs, long bulkBytes,
                      long crashAfterMs, String unacked, boolean reprobe, String clientCmd, Crash crash, boolean plainTcp) {
            this(app, hbMs, miss, connections, messages, intervalMs, bulkBytes, crashAfterMs, unacked, reprobe, clientCmd, crash, plainTcp, true);
        }

        public Config(String app, int hbMs, int miss, int connections, int messages, int intervalMs, long bulkBytes,
                      long crashAfterMs, String unacked, boolean reprobe, String clientCmd, Crash crash) {
            this(app, hbMs, miss, connections, messages, intervalMs, bulkBytes, crashAfterMs, unacked, reprobe, clientCmd, crash, false);
        }

        public static Config echo(int hbMs, int connections) {
            return new Config("echo", hbMs, 5, connections, 100, 10, 1 << 20, 400, "write", true, null, Crash.PRIMARY_HOST);
        }

        public Config with(Crash c, long after) {
            return new Config(app, hbMs, miss, connections, messages, intervalMs, bulkBytes, after, unacked, reprobe, clientCmd, c, plainTcp, windowProbe, backupExtraArgs, appMaxLagMs, clientExtraArgs);
        }

        /** The same run on plain TCP: the primary alone, no backup, no crash (the baseline of the thesis's table 3.1). */
        public Config plain() {
            return new Config(app, hbMs, miss, connections, messages, intervalMs, bulkBytes, -1, unacked, reprobe, clientCmd, Crash.NONE, true);
        }
    }

    /** The failure injected. */
    public enum Crash {
        /** No failure: a plain failure-free run. */
        NONE,
        /** The primary host dies: its service link goes dead, then its server process is killed with SIGKILL. */
        PRIMARY_HOST,
        /**
         * The primary's server process stops (SIGSTOP: a JVM stall, a process starved on a loaded host) while its
         * host goes on: its kernel still sends what the application had written and still acknowledges, until the
         * backup, hearing no heartbeats, fences it. The takeover then starts from a client that may hold bytes the
         * primary sent just before the fence, not yet acknowledged.
         */
        PRIMARY_STALL,
        /** The backup host dies: the primary must go on alone. */
        BACKUP_HOST,
        /** One heartbeat link (a NIC or cable) fails: no takeover may follow. */
        HEARTBEAT_LINK,
        /** The primary's service NIC (cable) fails; its process and heartbeat links go on. */
        PRIMARY_NIC,
        /**
         * As {@link #PRIMARY_NIC}, at the worst moment: after the primary's application has read the 40th request and
         * before its reply leaves (the primary's own test hook takes the link down there). The client then sends
         * nothing new, and the primary has read and written as much as the replica: only the reply's absence from
         * the LAN shows the failure (the case behind a full-run hang, session 11).
         */
        PRIMARY_NIC_MID_EXCHANGE,
        /** The primary's application closes a connection (FIN) after 40 requests' worth of input; the replica does not. */
        APP_FIN,
        /** The primary's application hangs (no FIN, no RST) after 40 requests' worth of input; its host goes on. */
        APP_HANG,
        /**
         * The gateway stops answering on the service LAN (its address removed: for the backup, as if its own service
         * link were cut), then the primary's application hangs as in {@link #APP_HANG}. The backup must not take over
         * while it cannot reach the gateway; the drill brings the gateway back once the backup has said so.
         */
        GATEWAY_LOST_THEN_APP_HANG;

        /** Failures the primary's own test hooks bring about (at a point in its input), not the drill's clock. */
        boolean byPrimaryHook() {
            return this == APP_HANG || this == APP_FIN || this == GATEWAY_LOST_THEN_APP_HANG || this == PRIMARY_NIC_MID_EXCHANGE;
        }

        /** Failures after which the backup must take over (the others: the primary goes on). */
        boolean needsTakeover() {
            return this != NONE && this != BACKUP_HOST && this != HEARTBEAT_LINK;
        }
    }

    public static Map<String, Object> run(Config c, Path logDir) throws Exception {
        Files.createDirectories(logDir);
        File primaryLog = logDir.resolve("primary.log").toFile(), backupLog = logDir.resolve("backup.log").toFile();
        File clientLog = logDir.resolve("client.log").toFile();
        Map<String, Object> r = new LinkedHashMap<>();
        try (NamespaceRig rig = NamespaceRig.create()) {
            if (Boolean.getBoolean("sttcp.pinCpus")) {
                // the backup on a CPU of its own, client and primary on the other (bench sttcp --overhead --pin)
                rig.pinCpus(rig.client, "0");
                rig.pinCpus(rig.primary, "0");
                rig.pinCpus(rig.backup, "1");
            }
            List<String> primaryArgs = new ArrayList<>(List.of("--app", c.app(), "--port", "" + PORT, "--hb-ms", "" + c.hbMs(),
                    "--miss", "" + c.miss(), "--max-delay-fin-ms", "" + c.appMaxLagMs()));
            if (c.plainTcp()) primaryArgs.addAll(List.of("--plain", "true"));
            if (Boolean.getBoolean("sttcp.reportCpu")) primaryArgs.addAll(List.of("--report-cpu", "true"));
            if (c.crash() == Crash.APP_HANG || c.crash() == Crash.GATEWAY_LOST_THEN_APP_HANG) primaryArgs.addAll(List.of("--hang-after-bytes", "" + 40 * 150));
            if (c.crash() == Crash.APP_FIN) primaryArgs.addAll(List.of("--fin-after-bytes", "" + 40 * 150));
            if (c.crash() == Crash.PRIMARY_NIC_MID_EXCHANGE) primaryArgs.addAll(List.of("--nic-down-after-bytes", "" + 40 * 150));
            if (System.getenv("STTCP_CAPTURE") != null) {
                // wire times as the client's interface saw them (dumpcap: no dissection while it runs)
                rig.startShell(rig.client, logDir.resolve("capture.log").toFile(),
                        "exec dumpcap -q -i " + NamespaceRig.CLIENT_IF + " -w " + logDir.resolve("client.pcapng"), Map.of());
                Thread.sleep(500);
            }
            Process primary = rig.startJava(rig.primary, primaryLog, SERVER_NICE, PrimaryServer.class.getName(),
                    primaryArgs.toArray(String[]::new));
            waitForLine(primaryLog, "primary ready", 30_000);
            List<String> backupArgs = new ArrayList<>(List.of("--app", c.app(), "--port", "" + PORT, "--hb-ms", "" + c.hbMs(),
                    "--miss", "" + c.miss(), "--app-max-lag-ms", "" + c.appMaxLagMs(), "--unacked", c.unacked(), "--fence-ns", rig.primary, "--fence-links",
                    NamespaceRig.PRIMARY_IF + "," + NamespaceRig.HB1_IF + "," + NamespaceRig.HB2_IF, "--fence-pids", "" + primary.pid()));
            if (!c.reprobe()) backupArgs.add("--no-reprobe");
            if (!c.windowProbe()) backupArgs.add("--no-window-probe");
            if (!c.backupExtraArgs().isBlank()) backupArgs.addAll(List.of(c.backupExtraArgs().trim().split("\\s+")));
            Process backup = null;
            // sttcp.noBackup (a measurement, not a failover): the ST-TCP primary with no backup at all, so its own
            // cost (heartbeats, sync, input log) shows apart from the tap's kernel work on this one-kernel rig
            if (!c.plainTcp() && !Boolean.getBoolean("sttcp.noBackup")) {
                backup = rig.startJava(rig.backup, backupLog, SERVER_NICE, BackupServer.class.getName(), backupArgs.toArray(String[]::new));
                waitForLine(backupLog, "backup ready", 30_000);
            }
            Process client;
            long connectedUs = -1;
            if (c.clientCmd() != null) {
                client = rig.startShell(rig.client, clientLog, c.clientCmd(),
                        Map.of("STTCP_VIP", NamespaceRig.VIP, "STTCP_PORT", "" + PORT));
                Thread.sleep(1000);
            } else {
                List<String> clientArgs = new ArrayList<>(List.of("--server",
                        NamespaceRig.VIP + ":" + PORT, "--app", c.app(), "--connections", "" + c.connections(),
                        "--messages", "" + c.messages(), "--interval-ms", "" + c.intervalMs(), "--bulk-bytes", "" + c.bulkBytes()));
                if (!c.clientExtraArgs().isBlank()) clientArgs.addAll(List.of(c.clientExtraArgs().trim().split("\\s+")));
                client = rig.startJava(rig.client, clientLog, CheckingClient.class.getName(), clientArgs.toArray(new String[0]));
                waitForLine(clientLog, "connected", 120_000);
                java.util.regex.Matcher at = java.util.regex.Pattern.compile("connected \\d+ at_us=(\\d+)").matcher(Files.readString(clientLog.toPath()));
                if (at.find()) connectedUs = Long.parseLong(at.group(1));
            }
            if (System.getenv("STTCP_DEBUG") != null) {
                for (String ns : List.of(rig.client, rig.primary, rig.backup)) {
                    r.put("debug_ss_" + ns, Cmd.tryRun("ip", "netns", "exec", ns, "ss", "-tnp").stdout());
                }
                r.put("debug_pids", Cmd.tryRun("ip", "netns", "identify", "" + primary.pid()).stdout() + "/"
                        + Cmd.tryRun("ip", "netns", "identify", "" + backup.pid()).stdout() + "/"
                        + Cmd.tryRun("ip", "netns", "identify", "" + client.pid()).stdout());
            }
            long crashUs = -1;
            if (c.crash() == Crash.GATEWAY_LOST_THEN_APP_HANG) {
                String gw = NamespaceRig.GATEWAY_IP + "/" + NamespaceRig.LAN_PREFIX;
                Cmd.run("ip", "-n", rig.sw, "addr", "del", gw, "dev", NamespaceRig.BRIDGE);
                r.put("gateway_lost_us", nowUs());
                try {
                    waitForLine(backupLog, "did not answer through", 20_000);
                    Thread.sleep(300); // the backup keeps watching without the gateway for a while
                } finally {
                    Cmd.run("ip", "-n", rig.sw, "addr", "add", gw, "dev", NamespaceRig.BRIDGE);
                    r.put("gateway_back_us", nowUs());
                }
            }
            if (c.crash() != Crash.NONE && !c.crash().byPrimaryHook() && c.crashAfterMs() >= 0) {
                String crashNs = c.crash() == Crash.BACKUP_HOST ? rig.backup : rig.primary;
                try (IpBatch ip = new IpBatch(crashNs)) { // started ahead: the crash itself takes no process start
                    // counted from when the client had every connection open (its own clock line), not from when this
                    // JVM noticed: on a loaded host that can be seconds later, after the client has finished
                    long wait = connectedUs > 0 ? c.crashAfterMs() - (nowUs() - connectedUs) / 1000 : c.crashAfterMs();
                    if (wait > 0) Thread.sleep(wait);
                    crashUs = nowUs();
                    switch (c.crash()) {
                        case PRIMARY_HOST -> {
                            // a host crash sends nothing more: cut the service link first so the kernel's FINs for
                            // the killed process's sockets never reach a client, then SIGKILL the server by pid
                            ip.run("link set dev " + NamespaceRig.PRIMARY_IF + " down");
                            primary.destroyForcibly();
                        }
                        case BACKUP_HOST -> {
                            ip.run("link set dev " + NamespaceRig.BACKUP_IF + " down");
                            if (backup != null) backup.destroyForcibly();
                        }
                        case PRIMARY_STALL -> {
                            // (a primary the backup already fenced, after a false detection on a loaded host, is gone:
                            // said in the result below, not thrown as a rig error that hides what happened)
                            if (Cmd.tryRun("kill", "-STOP", "" + primary.pid()).exitCode() != 0) crashUs = -1;
                        }
                        case HEARTBEAT_LINK -> ip.run("link set dev " + NamespaceRig.HB1_IF + " down");
                        case PRIMARY_NIC -> ip.run("link set dev " + NamespaceRig.PRIMARY_IF + " down");
                        default -> { }
                    }
                }
            }
            String stalled = awaitClient(client, c.crash().needsTakeover() && !c.plainTcp() ? backupLog : null);
            if (stalled != null) {
                client.destroyForcibly().waitFor();
                r.put("error", stalled);
            }
            if (c.crash().byPrimaryHook()) {
                java.util.regex.Matcher hung = java.util.regex.Pattern.compile("(?:application hung \\(test hook\\)|primary withdraws|its reply \\(test hook\\)) at_us=(\\d+)")
                        .matcher(Files.readString(primaryLog.toPath()));
                if (hung.find()) crashUs = Long.parseLong(hung.group(1));
            }
            r.put("client_exit", client.exitValue());
            r.put("crash_us", crashUs);
            r.put("app", c.app());
            r.put("hb_ms", c.hbMs());
            r.put("crash", c.crash().name().toLowerCase());
            r.put("connections", c.connections());
            List<String> lines = Files.readAllLines(clientLog.toPath());
            String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
            if (c.clientCmd() == null && last.startsWith("{")) {
                JsonNode j = new ObjectMapper().readTree(last);
                double gapMs = j.get("max_gap_ms").asDouble();
                // the failover is the longest silence any connection saw that ended after the crash (bytes already
                // in the client's receive buffer may keep it reading for a while after the crash itself) and began
                // before the takeover was done; a silence that begins later is a stall of the new server or the
                // client on a busy host, reported apart
                String bl = Files.exists(backupLog.toPath()) ? Files.readString(backupLog.toPath()) : "";
                java.util.regex.Matcher tm = java.util.regex.Pattern.compile("taking over at_us=(\\d+)").matcher(bl);
                java.util.regex.Matcher dm = java.util.regex.Pattern.compile("reprobed=(\\d+)|arp_announced=(\\d+)").matcher(bl);
                long doneAtUs = -1;
                while (dm.find()) doneAtUs = Long.parseLong(dm.group(1) != null ? dm.group(1) : dm.group(2));
                long takeoverDoneUs = tm.find() && doneAtUs > 0 ? Long.parseLong(tm.group(1)) + doneAtUs : -1;
                double failover = 0, laterStall = 0;
                for (JsonNode g : j.get("gaps_us")) {
                    long from = g.get(0).asLong(), to = g.get(1).asLong();
                    if (crashUs <= 0 || to <= crashUs) continue;
                    if (takeoverDoneUs < 0 || from < takeoverDoneUs) failover = Math.max(failover, (to - from) / 1000.0);
                    else laterStall = Math.max(laterStall, (to - from) / 1000.0);
                }
                r.put("stall_after_takeover_ms", laterStall);
                boolean gapSpansCrash = failover > 0;
                gapMs = failover;
                r.put("failover_ms", crashUs > 0 ? (gapSpansCrash ? gapMs : 0.0) : null);
                r.put("max_gap_ms", j.get("max_gap_ms").asDouble());
                r.put("bytes_lost", j.get("bytes_lost").asLong());
                r.put("bytes_duplicated", j.get("bytes_duplicated").asLong());
                r.put("bytes_ok", j.get("bytes_ok").asLong());
                r.put("bytes_expected", j.get("bytes_expected").asLong());
                r.put("connections_broken", j.get("connections_broken").asLong());
                r.put("total_ms", j.get("total_ms").asDouble());
                r.put("client_start_us", j.get("start_us").asLong());
                long clientEndUs = j.get("start_us").asLong() + (long) (j.get("total_ms").asDouble() * 1000);
                // a crash after the client finished tests nothing: say whether traffic was still flowing
                r.put("crash_during_traffic", crashUs > 0 && crashUs < clientEndUs);
                long failoverEnd = -1, failoverStart = -1;
                for (JsonNode g : j.get("gaps_us")) {
                    if (crashUs > 0 && g.get(1).asLong() > crashUs && (g.get(1).asLong() - g.get(0).asLong()) / 1000.0 == gapMs
                            && (takeoverDoneUs < 0 || g.get(0).asLong() < takeoverDoneUs)) {
                        failoverEnd = g.get(1).asLong();
                        failoverStart = g.get(0).asLong();
                    }
                }
                r.put("failover_end_us", failoverEnd);
                r.put("failover_start_us", failoverStart);
                r.put("client_errors", j.get("errors"));
            } else {
                r.put("failover_ms", null);
                r.put("bytes_lost", null);
                r.put("bytes_duplicated", null);
                r.put("connections_broken", client.exitValue() == 0 ? 0 : null);
            }
            String b = Files.exists(backupLog.toPath()) ? Files.readString(backupLog.toPath()) : "";
            int i = b.indexOf("takeover done:");
            r.put("takeover", i >= 0 ? b.substring(i, b.indexOf('\n', i) < 0 ? b.length() : b.indexOf('\n', i)).strip() : null);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("taking over at_us=(\\d+)").matcher(b);
            long takeoverUs = m.find() ? Long.parseLong(m.group(1)) : -1;
            java.util.regex.Matcher arp = java.util.regex.Pattern.compile("reprobed=(\\d+)|arp_announced=(\\d+)").matcher(b);
            long doneUs = -1;
            while (arp.find()) doneUs = Long.parseLong(arp.group(1) != null ? arp.group(1) : arp.group(2));
            if (takeoverUs > 0 && doneUs > 0 && r.get("failover_end_us") instanceof Long end) {
                // from the end of the takeover (VIP announced, clients prompted) to the client's first byte
                r.put("client_back_after_takeover_ms", (end - takeoverUs - doneUs) / 1000.0);
            }
            java.util.regex.Matcher refused = java.util.regex.Pattern.compile("did not answer through \\S+ in \\d+ ms: .* at_us=(\\d+)").matcher(b);
            r.put("gateway_unanswered_at_us", refused.find() ? Long.parseLong(refused.group(1)) : null);
            r.put("takeover_at_us", takeoverUs > 0 ? takeoverUs : null);
            java.util.regex.Matcher why = java.util.regex.Pattern.compile("(?m)^(.*): taking over at_us=").matcher(b);
            r.put("takeover_reason", why.find() ? why.group(1) : null);
            // per restored connection: bytes the primary had sent past the client's last ACK the tap saw, and what of
            // them the takeover queued as sent (the largest over the connections; see Takeover.queuedAsSent)
            java.util.regex.Matcher sentPast = java.util.regex.Pattern.compile("primary_sent_past_ack=(-?\\d+) queued_as_sent=(\\d+)").matcher(b);
            long maxSentPast = -1, maxQueued = -1;
            while (sentPast.find()) {
                maxSentPast = Math.max(maxSentPast, Long.parseLong(sentPast.group(1)));
                maxQueued = Math.max(maxQueued, Long.parseLong(sentPast.group(2)));
            }
            r.put("primary_sent_past_ack", maxSentPast >= 0 ? maxSentPast : null);
            // restored connections whose client window (as the tap last saw it) was below one segment: the kernel
            // sends such a connection nothing until its persist timer, unless the takeover prompts the client
            java.util.regex.Matcher wnd = java.util.regex.Pattern.compile("(?m)^restored ConnectionState\\[.* mss=(\\d+) .* sndWnd=(\\d+) ").matcher(b);
            long windowFull = 0;
            while (wnd.find()) if (Long.parseLong(wnd.group(2)) < Long.parseLong(wnd.group(1))) windowFull++;
            r.put("restored_window_below_mss", windowFull);
            r.put("queued_as_sent", maxQueued >= 0 ? maxQueued : null);
            r.put("takeover_after_crash_ms", takeoverUs > 0 && crashUs > 0 ? (takeoverUs - crashUs) / 1000.0 : null);
            r.put("phases_ms", crashUs > 0 ? TakeoverPhases.fromCrash(b, crashUs, r.get("failover_start_us") instanceof Long s0 ? s0 : -1,
                    r.get("failover_end_us") instanceof Long e0 ? e0 : -1) : null);
            // a takeover before any crash is a false failure detection (heartbeats late on a busy machine)
            r.put("false_takeover", takeoverUs > 0 && (crashUs < 0 || takeoverUs < crashUs));
            r.put("primary_alone", Files.readString(primaryLog.toPath()).contains("running alone"));
            java.util.regex.Matcher cpu = java.util.regex.Pattern.compile("connection done: process_cpu_ns=(\\d+) thread_cpu_ns=(\\d+)").matcher(Files.readString(primaryLog.toPath()));
            if (cpu.find() && c.connections() == 1) {
                r.put("primary_cpu_ms", Long.parseLong(cpu.group(1)) / 1e6);
                r.put("primary_connection_thread_cpu_ms", Long.parseLong(cpu.group(2)) / 1e6);
            }
            r.put("primary_alive", primary.isAlive());
            r.put("backup_alive", backup != null && backup.isAlive());
            r.put("logs", logDir.toString());
        }
        return r;
    }

    /**
     * How long after the failure the backup may take to start its takeover before the drill gives up on it (s):
     * detection is AppMaxLagTime (0.5-2 s) plus a gateway probe, a few seconds on a loaded host; a backup that has
     * not moved by then will not (the client would only wait out its own timeout, 120 s, and say nothing more).
     */
    static final long TAKEOVER_DEADLINE_S = Long.getLong("sttcp.takeoverDeadlineS", 30);

    /**
     * Waits for the client to finish; null if it did, else why not. With {@code backupLog} (a failure the backup
     * must take over), gives up once {@link #TAKEOVER_DEADLINE_S} pass without "taking over" in it, naming that.
     */
    static String awaitClient(Process client, File backupLog) throws IOException, InterruptedException {
        long start = System.nanoTime();
        while (true) {
            long elapsedS = (System.nanoTime() - start) / 1_000_000_000L;
            if (client.waitFor(1, TimeUnit.SECONDS)) return null;
            if (elapsedS >= CLIENT_TIMEOUT_S) return "client did not finish in " + CLIENT_TIMEOUT_S + " s (a connection stalled)";
            if (backupLog != null && elapsedS >= TAKEOVER_DEADLINE_S
                    && !(backupLog.exists() && Files.readString(backupLog.toPath()).contains("taking over"))) {
                String b = backupLog.exists() ? Files.readString(backupLog.toPath()) : "(no backup log)";
                return "the backup did not take over within " + TAKEOVER_DEADLINE_S + " s of the failure and the client"
                        + " has not finished (the backup did not see the primary fail); backup log tail:\n"
                        + b.substring(Math.max(0, b.length() - 2000));
            }
        }
    }

    static long nowUs() {
        java.time.Instant t = java.time.Instant.now();
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }

    static void waitForLine(File log, String text, long ms) throws IOException, InterruptedException {
        long end = System.currentTimeMillis() + ms;
        while (!(log.exists() && Files.readString(log.toPath()).contains(text))) {
            if (System.currentTimeMillis() > end) {
                throw new IllegalStateException("no '" + text + "' in " + log + " after " + ms + " ms:\n"
                        + (log.exists() ? Files.readString(log.toPath()) : "(no log)"));
            }
            Thread.sleep(20);
        }
    }

    /** Command line: see bin/drill. */
    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new java.util.HashMap<>();
        boolean json = false;
        for (int i = 0; i < argv.length; i++) {
            if (argv[i].equals("--json")) { json = true; continue; }
            if (argv[i].equals("--no-reprobe") || argv[i].equals("--no-window-probe")) { a.put(argv[i], "true"); continue; }
            if (i + 1 >= argv.length) throw new IllegalArgumentException("option " + argv[i] + " needs a value");
            a.put(argv[i], argv[++i]);
        }
        String app = a.getOrDefault("--app", "echo");
        int defaultMessages = app.equals("bulk") ? 1 : 100;
        Config c = new Config(app, Integer.parseInt(a.getOrDefault("--hb", "10")),
                Integer.parseInt(a.getOrDefault("--miss", "5")), Integer.parseInt(a.getOrDefault("--connections", "1")),
                Integer.parseInt(a.getOrDefault("--messages", "" + defaultMessages)),
                Integer.parseInt(a.getOrDefault("--interval-ms", app.equals("echo") ? "10" : "0")),
                Long.parseLong(a.getOrDefault("--bulk-bytes", "" + (20L << 20))),
                Long.parseLong(a.getOrDefault("--crash-after-ms", "400")), a.getOrDefault("--unacked", "write"),
                !a.containsKey("--no-reprobe"), a.get("--client-cmd"),
                Crash.valueOf(a.getOrDefault("--crash", "primary_host").toUpperCase()), false, !a.containsKey("--no-window-probe"),
                a.getOrDefault("--backup-args", ""), Integer.parseInt(a.getOrDefault("--app-max-lag-ms", "500")),
                a.getOrDefault("--client-args", ""));
        Path logs = Path.of(a.getOrDefault("--logs", Files.createTempDirectory("sttcp-drill").toString()));
        Map<String, Object> r = run(c, logs);
        if (!json) r.forEach((k, v) -> System.out.println(k + ": " + v));
        System.out.println(new ObjectMapper().writeValueAsString(r));
        Cmd.tryRun("true");
    }
}
