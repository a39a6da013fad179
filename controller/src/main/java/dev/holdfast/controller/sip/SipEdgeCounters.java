package dev.holdfast.controller.sip;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the SIP edge counted: messages it refused or dropped before the core saw them (malformed, oversized,
 * flooding), and its own failures to send. Thread-safe: the SIP stack's threads count here.
 */
public final class SipEdgeCounters {
    public static final String MALFORMED = "malformed";
    public static final String OVERSIZED = "oversized-dropped";
    public static final String FLOOD = "flood-rejected";
    public static final String REQUESTS = "requests-in";
    public static final String RETRANSMISSIONS = "retransmissions-absorbed";
    public static final String SEND_FAILED = "send-failed";
    public static final String IO_ERRORS = "io-errors";
    /** Out-of-dialog OPTIONS answered by the edge while the core progresses (not queued behind the core's work). */
    public static final String KEEPALIVES_AT_EDGE = "keepalives-answered-at-edge";
    /** Responses no client transaction matched (mostly retransmitted 2xx: ACKed again), dropped at the valve. */
    public static final String STRAY_RESPONSES = "stray-responses";
    /** Dialogs of other controllers made known to the stack (call migration). */
    public static final String DIALOGS_ADOPTED = "dialogs-adopted";
    /** Final responses to the INVITE of an early dialog taken over from a dead controller (a ringing phone answered). */
    public static final String EARLY_ANSWERS = "early-dialog-answers";
    /**
     * REGISTERs whose final answer left more than {@link SipEdge#LATE_REGISTER_NANOS} after they arrived: a phone
     * gives up on a silent registrar and fails over, so these are what make phones leave a live controller.
     */
    public static final String REGISTERS_ANSWERED_LATE = "registers-answered-late";
    /**
     * OPTIONS (a phone's keepalive) whose answer left more than {@link KeepaliveTimes#LATE_NANOS} after the stack
     * parsed them: a phone that hears nothing for its timeout takes us for dead, so these say when and where we were
     * slow (each logged at WARNING with the split).
     */
    public static final String KEEPALIVES_ANSWERED_LATE = "keepalives-answered-late";

    private static final System.Logger LOG = System.getLogger(SipEdgeCounters.class.getName());
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    /** Counts one case and logs it: every case at DEBUG, the 1st, 2nd, 4th, 8th... at WARNING, so a flood of bad
     * messages cannot flood the log too. */
    void count(String name, String detail) {
        LongAdder a = counts.computeIfAbsent(name, n -> new LongAdder());
        a.increment();
        if (detail != null) logSparsely(name, a.sum(), detail);
    }

    /** Logs the {@code n}th case of {@code name}: at WARNING when n is a power of two, else at DEBUG. */
    static void logSparsely(String name, long n, String detail) {
        System.Logger.Level level = (n & (n - 1)) == 0 ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG;
        if (LOG.isLoggable(level)) LOG.log(level, "SIP " + name + " (" + n + " so far): " + detail);
    }

    void count(String name) { counts.computeIfAbsent(name, n -> new LongAdder()).increment(); }

    public long get(String name) {
        LongAdder a = counts.get(name);
        return a == null ? 0 : a.sum();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
