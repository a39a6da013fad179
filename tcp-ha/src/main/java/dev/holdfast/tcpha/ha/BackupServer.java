package dev.holdfast.tcpha.ha;

import dev.holdfast.tcpha.app.StreamApplication;
import dev.holdfast.tcpha.posix.Sockets;
import dev.holdfast.tcpha.repair.LocalKernel;
import dev.holdfast.tcpha.repair.TcpRepair;
import dev.holdfast.tcpha.rig.NamespaceRig;
import dev.holdfast.tcpha.tap.TcpTap;

import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;

/**
 * The backup: taps the client traffic into replicas, exchanges heartbeats with the primary over both links, and
 * takes over when the primary is silent on both for {@code miss} intervals. Silence on one link only is a link or
 * NIC failure: logged, no takeover. While the tap holds no connection, the silence must last {@code --idle-dead-ms}
 * (default 1000, at least {@code hb-ms x miss}): such a takeover would save no client and fence a healthy primary,
 * and on a loaded host heartbeats are sometimes delayed between the servers for longer than a fast deadline.
 * Usage: {@code BackupServer --app echo --port 7000 --hb-ms 10 --miss 3 --fence-cmd CMD [--unacked write|queue|write-all]
 * [--idle-dead-ms 1000]
 * [--no-reprobe] [--no-window-probe] [--confirm-us 1000] [--gateway IP|none] [--source-ip IP] [--gateway-timeout-ms 20]
 * [--hold-before-arp-ms MS (test hook)]}
 */
public final class BackupServer {
    private static final System.Logger LOG = System.getLogger(BackupServer.class.getName());

    /**
     * Application failure without FIN/RST (thesis: AppMaxLagBytes, AppMaxLagTime), or a primary whose output does not
     * reach the LAN (its service NIC or cable failed), while the primary itself still heartbeats. On some connection,
     * for longer than maxLagNanos with no progress of the primary's: the replica has client bytes the primary's
     * application has not read; or the replica has answered and the primary's application has not; or the primary's
     * application wrote output that never appeared on the LAN although the client's window had room for it. The
     * last is the only sign when the NIC fails between a request the primary read and its reply: the client then
     * waits and sends nothing new, and the primary has read and written exactly what the replica has (a full test
     * run hung on it, session 11). Returns a description, or null.
     */
    static String appLag(TcpTap tap, long maxLagBytes, long maxLagNanos) {
        return appLag(tap.connections(), maxLagBytes, maxLagNanos, System.nanoTime());
    }

    static String appLag(java.util.Collection<dev.holdfast.tcpha.tap.ReplicaConnection> connections, long maxLagBytes,
                         long maxLagNanos, long now) {
        for (dev.holdfast.tcpha.tap.ReplicaConnection c : connections) {
            if (c.primaryWritten < 0 || c.primaryRead < 0) continue;
            // input: the replica has client bytes the primary's application has not read; output: the replica has
            // answered and the primary has not (counted only while the replica is not itself held back by the
            // client: in a bulk transfer the replica's output buffer is larger than the primary's socket buffer)
            long inputLag = c.delivered() - c.primaryRead;
            long outputLag = c.output.waitingForAcks() ? 0 : c.output.produced() - c.primaryWritten;
            long notOnLan = c.primaryOutputNotOnLan(c.primaryWritten);
            long lag = Math.max(Math.max(inputLag, outputLag), notOnLan);
            long onLan = c.lanProgress();
            boolean progressed = c.primaryRead != c.lagPrimaryRead || c.primaryWritten != c.lagPrimaryWritten
                    || onLan != c.lagOnLan;
            // lagging and not moving is a failure; lagging while moving (a bulk sender held back by its socket buffer
            // while the replica's is larger) is not
            if (lag <= maxLagBytes || (c.lagSinceNanos != 0 && progressed)) c.lagSinceNanos = 0;
            if (lag <= maxLagBytes) continue;
            // a silent sync channel proves nothing: no verdict on a stale report, but no new start of the clock
            // either (a sync thread starved for over a quarter of the limit once in the limit used to restart it, so
            // on a loaded host the verdict came late or never); progress in a later report still resets it
            boolean fresh = now - c.primaryReportNanos < maxLagNanos / 4;
            if (!fresh) continue;
            if (c.lagSinceNanos == 0) {
                c.lagSinceNanos = now;
                c.lagPrimaryRead = c.primaryRead;
                c.lagPrimaryWritten = c.primaryWritten;
                c.lagOnLan = onLan;
                continue;
            }
            if (now - c.lagSinceNanos > maxLagNanos) {
                String what = notOnLan == lag && inputLag < lag && outputLag < lag
                        ? notOnLan + " bytes the primary wrote never seen on the LAN (client window open)"
                        : "replica " + lag + " bytes ahead";
                return "connection from port " + c.clientPort + ": " + what + " for " + (now - c.lagSinceNanos) / 1_000_000 + " ms";
            }
        }
        return null;
    }

    public static void main(String[] argv) throws Exception {
        Args a = new Args(argv);
        StreamApplication app = StreamApplication.named(a.get("app", "echo"));
        Inet4Address vip = (Inet4Address) InetAddress.getByName(a.get("vip", NamespaceRig.VIP));
        int port = a.getInt("port", 7000);
        int hbMs = a.getInt("hb-ms", 10);
        int miss = a.getInt("miss", 3);
        String ifName = a.get("if", NamespaceRig.BACKUP_IF);
        Fence fence = a.get("fence-cmd", null) != null ? Fence.command(a.get("fence-cmd", null))
                : new IsolatingFence(a.need("fence-ns"), List.of(a.need("fence-links").split(",")),
                        java.util.Arrays.stream(a.need("fence-pids").split(",")).map(Long::valueOf).toList());
        boolean vipOnLo = !a.get("vip-on-takeover", "false").equals("true");
        if (vipOnLo) VipOnLoopback.configure(vip, ifName);
        Takeover.Options opts = new Takeover.Options(ifName, vip, port,
                switch (a.get("unacked", "write")) {
                    case "queue" -> TcpRepair.UnackedOutput.REPAIR_SEND_QUEUE;
                    case "write-all" -> TcpRepair.UnackedOutput.WRITE_ALL_AFTER_REPAIR;
                    default -> TcpRepair.UnackedOutput.WRITE_AFTER_REPAIR;
                },
                !a.get("no-window-probe", "false").equals("true"), !a.get("no-reprobe", "false").equals("true"),
                LocalKernel.serverWindowScale(), vipOnLo, a.getInt("hold-before-arp-ms", 0));
        TcpRepair.warmUp();
        dev.holdfast.tcpha.posix.GratuitousArp.warmUp(ifName, vip);
        // --tap-server-headers false: a measurement knob only (bench sttcp --overhead --backup-args ...)
        TcpTap tap = new TcpTap(ifName, vip, port, app, 8 * 1024 * 1024, !a.get("tap-server-headers", "true").equals("false"));
        tap.dropEvery(a.getInt("tap-drop-every", 0), a.getInt("tap-drop-limit", Integer.MAX_VALUE));
        SyncClient sync = new SyncClient(tap, a.getInt("sync-ms", 20));
        sync.start(NamespaceRig.HB1_PRIMARY, NamespaceRig.HB2_PRIMARY);
        Heartbeats hb = new Heartbeats(List.of(new String[] {NamespaceRig.HB1_BACKUP, NamespaceRig.HB1_PRIMARY},
                new String[] {NamespaceRig.HB2_BACKUP, NamespaceRig.HB2_PRIMARY}), hbMs,
                () -> "backup conns=" + tap.connections().size() + " packets=" + tap.packets.get());
        // (at_us: the clock the takeover lines use is loaded now, not at the failure)
        System.out.println("backup ready pid=" + ProcessHandle.current().pid() + " at_us=" + dev.holdfast.tcpha.client.CheckingClient.nowUs());
        System.out.flush();
        long deadMs = (long) hbMs * miss;
        long appMaxLagBytes = a.getInt("app-max-lag-bytes", 0);
        long appMaxLagNanos = a.getInt("app-max-lag-ms", 500) * 1_000_000L;
        // the failure detector and the takeover run on this thread: real-time, so a busy machine cannot delay them
        dev.holdfast.tcpha.posix.RealtimeThread.elevate(10);
        Takeover t = new Takeover(opts);
        GatewayCheck gateway = GatewayCheck.from(a, ifName);
        boolean[] linkDown = new boolean[hb.links()];
        long detectedNanos, lastHeardNanos;
        long deadNanos = deadMs * 1_000_000L;
        long idleDeadNanos = Math.max(deadMs, a.getInt("idle-dead-ms", 1000)) * 1_000_000L;
        boolean idleWaitLogged = false;
        // the lag check's tick: once per heartbeat interval (it was half an interval: 200 wake-ups a second at 10 ms,
        // about 20 ms of CPU per second on a VM, for a check whose limits are hundreds of milliseconds)
        long tickNanos = Math.max(1, hbMs) * 1_000_000L;
        long confirmNanos = a.getInt("confirm-us", 1000) * 1000L;
        String cause;
        while (true) {
            long before = System.nanoTime();
            // wake when both links pass the deadline (not on the next tick after it: at 10 ms x 5 the tick alone was
            // up to 5 ms of the failover), and at least once an interval for the lag check
            long lastHeard = Math.max(hb.lastHeardNanos(0), hb.lastHeardNanos(1));
            long wait = Math.min(tickNanos, Math.max(100_000, lastHeard + deadNanos + 100_000 - before));
            java.util.concurrent.locks.LockSupport.parkNanos(wait);
            long slept = System.nanoTime() - before;
            if (slept > wait + deadNanos / 2) {
                // this JVM itself was stopped (a GC or safepoint pause): the heartbeat receivers were too, and the
                // silence is ours, not the primary's; let them read what queued up before judging again
                System.out.println("detector paused " + slept / 1_000_000 + " ms: not judging this round");
                continue;
            }
            long s1 = hb.silentMillis(0), s2 = hb.silentMillis(1);
            String appFailure = appLag(tap, appMaxLagBytes, appMaxLagNanos);
            // the primary heartbeats but does not serve: before fencing it, make sure our own service link works
            // (thesis: a NIC failure is decided with a ping of the gateway); if not, we could not serve either (the
            // heartbeat check below still runs: a primary that dies meanwhile is still taken over)
            if (appFailure != null && gateway.answers("primary application failed? (" + appFailure + ")")) {
                detectedNanos = System.nanoTime();
                lastHeardNanos = Math.max(hb.lastHeardNanos(0), hb.lastHeardNanos(1));
                cause = "app_lag";
                System.out.println("primary application failed (" + appFailure + "): taking over at_us="
                        + dev.holdfast.tcpha.client.CheckingClient.nowUs());
                break;
            }
            long now = System.nanoTime();
            if (now - hb.lastHeardNanos(0) > deadNanos && now - hb.lastHeardNanos(1) > deadNanos
                    && tap.connections().isEmpty() && (now - hb.lastHeardNanos(0) <= idleDeadNanos
                            || now - hb.lastHeardNanos(1) <= idleDeadNanos)) {
                // nothing at stake: a delayed heartbeat (seen at load 15+, both JVMs running on time) must not fence
                // a healthy primary; a primary that is really gone is taken over at the idle deadline
                if (!idleWaitLogged) {
                    System.out.println("heartbeats late (" + s1 + "/" + s2 + " ms) with no connection: waiting up to "
                            + idleDeadNanos / 1_000_000 + " ms before taking over");
                    idleWaitLogged = true;
                }
                continue;
            }
            idleWaitLogged = false;
            if (now - hb.lastHeardNanos(0) > deadNanos && now - hb.lastHeardNanos(1) > deadNanos) {
                // confirm briefly: a heartbeat queued behind a stall on our side is read at once by the receivers
                // (real-time, above this thread); the sync channel answering within the deadline also means alive
                java.util.concurrent.locks.LockSupport.parkNanos(confirmNanos);
                now = System.nanoTime();
                if (now - hb.lastHeardNanos(0) <= deadNanos || now - hb.lastHeardNanos(1) <= deadNanos
                        || (!tap.connections().isEmpty() && sync.silentMillis() <= deadMs)) {
                    System.out.println("heartbeats late (" + s1 + "/" + s2 + " ms) but back: no takeover");
                    continue;
                }
                detectedNanos = now;
                lastHeardNanos = Math.max(hb.lastHeardNanos(0), hb.lastHeardNanos(1));
                cause = "heartbeats";
                // (a StringBuilder: a '+' concatenation site is linked on its first run, milliseconds on a busy host)
                System.out.println(new StringBuilder("primary silent on both links (").append(s1).append('/').append(s2)
                        .append(" ms): taking over at_us=").append(dev.holdfast.tcpha.client.CheckingClient.nowUs()));
                break;
            }
            for (int l = 0; l < hb.links(); l++) {
                boolean down = hb.silentMillis(l) > deadMs;
                if (down != linkDown[l]) {
                    LOG.log(Level.WARNING, "heartbeat link {0} {1}", l + 1, down ? "silent while the other is not: link/NIC failure, no takeover" : "back");
                    System.out.println("link " + (l + 1) + (down ? " down" : " up"));
                    // which side: if the gateway answers, our own service side works (logged; the lag check decides
                    // whether the primary still serves)
                    if (down) gateway.answers("heartbeat link " + (l + 1) + " silent");
                    linkDown[l] = down;
                }
            }
        }
        sync.stop();
        long detectedUs = dev.holdfast.tcpha.client.CheckingClient.nowUs() - (System.nanoTime() - detectedNanos) / 1000;
        t.run(fence, tap, detectedNanos);
        hb.close(); // (after: closing sockets and stopping threads is no work for the clients to wait on)
        // the phases of this takeover on the wall clock (other processes' clocks compare: the drill's crash, the
        // client's first byte): the last heartbeat heard, the detection, then each step from the detection
        String phases = "takeover phases: cause=" + cause + " last_heard_at_us=" + (detectedUs - (detectedNanos - lastHeardNanos) / 1000)
                + " detected_at_us=" + detectedUs + " silence_at_detection_us=" + (detectedNanos - lastHeardNanos) / 1000
                + " after_detection_us=" + t.timingsUs;
        LOG.log(Level.INFO, phases);
        System.out.println(phases);
        System.out.println("takeover done: restored=" + t.restored + " skipped=" + t.skipped + " failed=" + t.failed
                + " reset_missing_input=" + t.resetForMissingInput
                + " tap_dropped=" + tap.dropped.get() + " fetched_from_primary=" + sync.fetchedBytes.get() + " fetches=" + sync.fetches.get()
                + " fetch_empty=" + sync.emptyReplies.get() + " " + tap.counters() + " timings_us=" + t.timingsUs);
        System.out.flush();
        // new connections from now on are served here with ordinary sockets
        int lfd = t.listenFd;
        PrimaryServer server = new PrimaryServer();
        while (true) {
            int fd = Sockets.accept(lfd);
            Thread th = new Thread(() -> server.serve(fd, app.open()), "conn-" + fd);
            th.setDaemon(true);
            th.start();
        }
    }
}
