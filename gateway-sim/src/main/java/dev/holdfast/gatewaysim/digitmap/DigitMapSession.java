package dev.holdfast.gatewaysim.digitmap;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * One activation of a digit map on a termination: the procedure of H.248.1 7.1.14.5, free of time. The owner
 * feeds it events ({@link #event}) and timer expiries ({@link #timeout}); each step says what to do next: wait
 * with a given timer, or report completion (the {@code dd/ce} event with {@code ds} and {@code Meth}).
 *
 * <p>Matching keeps, per alternative, the set of positions that the current dial string can have reached (a
 * repeated position stays reachable; a repeated position can be skipped). An alternative is a candidate while
 * that set is not empty; it is fully matched when the end is in the set; it can extend while some position
 * before the end is in it.
 */
public final class DigitMapSession {
    /** {@code Meth} of the completion event (package dd, E.6.2). */
    public enum Method { UM, PM, FM }

    /** The timer to wait with; {@code duration} null means wait for ever (start timer disabled). */
    public enum TimerKind { START, SHORT, LONG }

    /** What happens next. */
    public sealed interface Step {}

    public record Wait(TimerKind timer, Duration duration) implements Step {}

    /**
     * The digit map completed.
     *
     * @param digitString the {@code ds} to report: digit map symbols, "Z" before a long-duration event
     * @param unmatched   the symbol that made any match impossible (removed from the dial string, to be
     *                    processed as an ordinary event afterwards), or null
     */
    public record Complete(String digitString, Method method, Character unmatched) implements Step {}

    private final DigitMap map;
    private final DigitMapTimers timers;
    private final List<BitSet> states = new ArrayList<>(); // per alternative; empty = no longer a candidate
    private final StringBuilder dialString = new StringBuilder();
    private boolean completed;

    public DigitMapSession(DigitMap map, DigitMapTimers timers) {
        this.map = map;
        this.timers = timers;
        for (DigitMap.Alternative a : map.alternatives()) {
            BitSet s = new BitSet();
            s.set(0);
            states.add(closure(a, s));
        }
    }

    /** The first step: wait for the first event with the start timer. */
    public Step start() {
        Duration t = timers.start();
        return new Wait(TimerKind.START, t.isZero() ? null : t);
    }

    public String dialString() { return dialString.toString(); }

    public boolean completed() { return completed; }

    /**
     * One detected event, as its digit map symbol ({@code '0'}-{@code '9'}, {@code 'A'}-{@code 'K'}; {@code *} is
     * {@code 'E'}, {@code #} is {@code 'F'}).
     */
    public Step event(char symbol, boolean longDuration) {
        if (completed) throw new IllegalStateException("digit map completed");
        char sym = Character.toUpperCase(symbol);
        boolean anyFullBefore = anyFullMatch(states);
        // rule 4: a long event matching a position that wants one discards the alternatives that do not
        List<BitSet> viaLong = longDuration ? advance(sym, true) : null;
        boolean useLong = viaLong != null && viaLong.stream().anyMatch(b -> !b.isEmpty());
        List<BitSet> next = useLong ? viaLong : advance(sym, false);
        if (next.stream().allMatch(BitSet::isEmpty)) {
            completed = true;
            return new Complete(dialString.toString(), anyFullBefore ? Method.FM : Method.PM, sym);
        }
        states.clear();
        states.addAll(next);
        if (useLong) dialString.append('Z');
        dialString.append(sym);
        if (!anyCanExtend(states)) {
            completed = true;
            return new Complete(dialString.toString(), Method.UM, null);
        }
        return new Wait(interEventTimer(), interEventDuration());
    }

    /** The running timer expired: completion with full or partial match. */
    public Complete timeout() {
        if (completed) throw new IllegalStateException("digit map completed");
        completed = true;
        return new Complete(dialString.toString(), anyFullMatch(states) ? Method.FM : Method.PM, null);
    }

    private List<BitSet> advance(char sym, boolean viaLongPositions) {
        List<BitSet> next = new ArrayList<>();
        List<DigitMap.Alternative> alts = map.alternatives();
        for (int a = 0; a < alts.size(); a++) {
            DigitMap.Alternative alt = alts.get(a);
            BitSet from = states.get(a);
            BitSet to = new BitSet();
            for (int p = from.nextSetBit(0); p >= 0 && p < alt.size(); p = from.nextSetBit(p + 1)) {
                DigitMap.Position pos = alt.positions().get(p);
                if (pos.longDuration() != viaLongPositions || !pos.accepts(sym)) continue;
                to.set(pos.repeated() ? p : p + 1);
            }
            next.add(to.isEmpty() ? to : closure(alt, to));
        }
        return next;
    }

    /** Adds the positions reachable by skipping repeated positions (zero repetitions). */
    private static BitSet closure(DigitMap.Alternative alt, BitSet s) {
        BitSet r = (BitSet) s.clone();
        for (int p = 0; p < alt.size(); p++) {
            if (r.get(p) && alt.positions().get(p).repeated()) r.set(p + 1);
        }
        return r;
    }

    private boolean anyFullMatch(List<BitSet> st) {
        List<DigitMap.Alternative> alts = map.alternatives();
        for (int a = 0; a < alts.size(); a++) if (st.get(a).get(alts.get(a).size())) return true;
        return false;
    }

    private boolean anyCanExtend(List<BitSet> st) {
        List<DigitMap.Alternative> alts = map.alternatives();
        for (int a = 0; a < alts.size(); a++) {
            int first = st.get(a).nextSetBit(0);
            if (first >= 0 && first < alts.get(a).size()) return true;
        }
        return false;
    }

    /**
     * 7.1.14.2/3: an explicit S or L in effect in the candidates wins (L when they conflict); otherwise S when
     * some candidate is already fully matched (more digits could still match another), else L.
     */
    private TimerKind interEventTimer() {
        boolean explicitS = false;
        boolean explicitL = false;
        List<DigitMap.Alternative> alts = map.alternatives();
        for (int a = 0; a < alts.size(); a++) {
            BitSet s = states.get(a);
            if (s.isEmpty()) continue;
            char t = alts.get(a).timingAt()[s.length() - 1]; // at the furthest position reached
            if (t == 'S') explicitS = true;
            if (t == 'L') explicitL = true;
        }
        if (explicitL) return TimerKind.LONG;
        if (explicitS) return TimerKind.SHORT;
        return anyFullMatch(states) ? TimerKind.SHORT : TimerKind.LONG;
    }

    private Duration interEventDuration() {
        return interEventTimer() == TimerKind.SHORT ? timers.shortTimer() : timers.longTimer();
    }
}
