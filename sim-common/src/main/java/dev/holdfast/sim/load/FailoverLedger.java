package dev.holdfast.sim.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A load generator's calls as a failover drill sees them. Failed calls fall in two groups: those attempted while
 * one of their endpoints had no working controller (a {@link FailoverWindows} window, or its settle time after):
 * {@code failed_in_failover}, a failure the design allows (the digits or the INVITE went to a dead controller); and
 * all others, which are faults. A call already ringing or talking when the controller was killed ("up at the kill")
 * must go on to its normal end whatever its endpoints went through: when it fails it is one of the others, never
 * excused. Thread-safe (the H.248 load generator's shards share one).
 */
public final class FailoverLedger {
    private record Failure(String reason, long attemptedMillis, long upSinceMillis, long endedMillis, List<String> endpoints) {}

    /**
     * @param failedInFailover      failed calls attempted while an endpoint had no working controller, by reason
     * @param failedOther           every other failed call, by reason (those up at the kill among them)
     * @param killedAtMillis        when the controller was killed (epoch ms), or -1 (no kill, or not known)
     * @param upAtKill              calls ringing or talking at the kill
     * @param upAtKillCompleted     of those, the ones that ended normally
     * @param upAtKillFailed        of those, the ones that failed, by reason
     */
    public record Report(Map<String, Long> failedInFailover, Map<String, Long> failedOther, long killedAtMillis,
                         long upAtKill, long upAtKillCompleted, Map<String, Long> upAtKillFailed) {
        public long failedInFailoverCount() { return sum(failedInFailover); }

        public long failedOtherCount() { return sum(failedOther); }

        public long upAtKillFailedCount() { return sum(upAtKillFailed); }

        private static long sum(Map<String, Long> m) { return m.values().stream().mapToLong(Long::longValue).sum(); }

        /** The report's JSON members (no braces), to go into a load generator's JSON line. */
        public String jsonMembers() {
            return "\"failed_in_failover\":" + failedInFailoverCount()
                    + ",\"failed_in_failover_by_reason\":" + json(failedInFailover)
                    + ",\"failed_other\":" + failedOtherCount()
                    + ",\"failed_other_by_reason\":" + json(failedOther)
                    + ",\"killed_at_ms\":" + killedAtMillis
                    + ",\"up_at_kill\":" + upAtKill
                    + ",\"up_at_kill_completed\":" + upAtKillCompleted
                    + ",\"up_at_kill_failed\":" + upAtKillFailedCount()
                    + ",\"up_at_kill_failed_by_reason\":" + json(upAtKillFailed);
        }

        /** One line for people: "failed in failover N {..}, other failures M {..}[, up at the kill ...]". */
        public String text() {
            return "failed in failover " + failedInFailoverCount() + (failedInFailover.isEmpty() ? "" : " " + failedInFailover)
                    + ", other failures " + failedOtherCount() + (failedOther.isEmpty() ? "" : " " + failedOther)
                    + (killedAtMillis < 0 ? "" : ", up at the kill " + upAtKill + ": completed " + upAtKillCompleted
                    + ", failed " + upAtKillFailedCount() + (upAtKillFailed.isEmpty() ? "" : " " + upAtKillFailed));
        }

        private static String json(Map<String, Long> m) {
            StringBuilder b = new StringBuilder("{");
            m.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append('"')
                    .append(k.replace("\\", "\\\\").replace("\"", "\\\"")).append("\":").append(v));
            return b.append('}').toString();
        }
    }

    private final FailoverWindows windows;
    private final KillMark kill;
    private final List<Failure> failures = new ArrayList<>();
    /** Completed calls that were up (ringing or talking): up-since and end times, pairs; kept only with a kill mark. */
    private long[] completedUp = new long[64];
    private int completedUpLength;

    public FailoverLedger(FailoverWindows windows, KillMark kill) {
        this.windows = windows;
        this.kill = kill;
    }

    /**
     * The ledger a load generator's command line asks for: {@code --failover-settle MS} (default 1000),
     * {@code --failover-journal FILE} (windows shared with the other load generator), {@code --killed-file FILE}.
     */
    public static FailoverLedger fromOptions(dev.holdfast.sim.cli.CommandOptions opt) {
        int settle = opt.integer("failover-settle", 1000);
        if (settle < 0) throw new IllegalArgumentException("--failover-settle is a number of milliseconds, 0 or more");
        java.nio.file.Path journal = opt.has("failover-journal") ? java.nio.file.Path.of(opt.get("failover-journal")) : null;
        java.nio.file.Path killed = opt.has("killed-file") ? java.nio.file.Path.of(opt.get("killed-file")) : null;
        return new FailoverLedger(new FailoverWindows(settle, journal), new KillMark(killed));
    }

    /** The usage lines of the options {@link #fromOptions} reads and of {@code --failover-tolerant}. */
    public static final String USAGE = """
                  failed calls are also reported in two groups: failed_in_failover, attempted while the caller's or the
                    callee's endpoint had no working controller (from when it last heard from its controller before it
                    declared it lost, until registered with the next one, plus --failover-settle MS, default 1000), and
                    the others (a step waiting on the controller while an end of its call has none does not time out);
                    --failover-journal FILE: these windows are appended to FILE, and the other load generator's read
                    from it; --killed-file FILE: the epoch ms at which a drill killed the controller (the drill writes
                    it): calls ringing or talking then are reported apart (up_at_kill, up_at_kill_completed,
                    up_at_kill_failed); --failover-tolerant: only the others (calls up at the kill among them) decide
                    the exit status
            """;

    public FailoverWindows windows() { return windows; }

    /**
     * A call failed.
     *
     * @param upSinceMillis when it was first ringing at the far end (ring-back, 180), or -1 if it never was
     * @param endpoints     the directory numbers of its parties (caller first)
     */
    public synchronized void failed(String reason, long attemptedMillis, long upSinceMillis, long nowMillis,
                                    List<String> endpoints) {
        failures.add(new Failure(reason, attemptedMillis, upSinceMillis, nowMillis, List.copyOf(endpoints)));
    }

    /** A call ended normally; {@code upSinceMillis} as in {@link #failed}. */
    public synchronized void completed(long upSinceMillis, long nowMillis) {
        if (!kill.enabled() || upSinceMillis < 0) return;
        if (completedUpLength + 2 > completedUp.length) completedUp = Arrays.copyOf(completedUp, 2 * completedUp.length);
        completedUp[completedUpLength++] = upSinceMillis;
        completedUp[completedUpLength++] = nowMillis;
    }

    /** The failures classified against the windows and the kill as they stand now. */
    public synchronized Report report() {
        long killedAt = kill.enabled() ? kill.killedAtMillis() : -1;
        Map<String, List<FailoverWindows.Window>> w = windows.snapshot();
        Map<String, Long> inFailover = new TreeMap<>();
        Map<String, Long> other = new TreeMap<>();
        Map<String, Long> upFailed = new TreeMap<>();
        long upAtKill = 0;
        long upCompleted = 0;
        for (Failure f : failures) {
            if (killedAt >= 0 && upAt(f.upSinceMillis, f.endedMillis, killedAt)) {
                upAtKill++;
                upFailed.merge(f.reason, 1L, Long::sum);
                other.merge(f.reason, 1L, Long::sum);
            } else if (FailoverWindows.covers(w, f.endpoints, f.attemptedMillis, windows.settleMillis())) {
                inFailover.merge(f.reason, 1L, Long::sum);
            } else {
                other.merge(f.reason, 1L, Long::sum);
            }
        }
        if (killedAt >= 0) {
            for (int i = 0; i < completedUpLength; i += 2) {
                if (upAt(completedUp[i], completedUp[i + 1], killedAt)) {
                    upAtKill++;
                    upCompleted++;
                }
            }
        }
        return new Report(inFailover, other, killedAt, upAtKill, upCompleted, upFailed);
    }

    private static boolean upAt(long upSince, long ended, long killedAt) {
        return upSince >= 0 && upSince <= killedAt && ended >= killedAt;
    }
}
