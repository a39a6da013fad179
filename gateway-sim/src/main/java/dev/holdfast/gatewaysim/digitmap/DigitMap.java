package dev.holdfast.gatewaysim.digitmap;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * A compiled H.248.1 digit map (7.1.14.3): alternatives of event positions, each a set of symbols ("0"-"9",
 * "A"-"K"; "x" is 0-9, "[...]" a set or range), optionally repeated ("."), optionally requiring a long-duration
 * event ("Z"), with the inter-event timing specifiers "S" and "L" between positions. A "T" (allowed by later
 * versions of the ABNF) is accepted and ignored.
 */
public final class DigitMap {
    /** The symbols a digit map position can hold, as bit indexes. */
    static final String SYMBOLS = "0123456789ABCDEFGHIJK";

    /** One position: which symbols satisfy it, whether it repeats, whether it needs a long-duration event. */
    record Position(BitSet symbols, boolean repeated, boolean longDuration) {
        boolean accepts(char symbol) {
            int i = SYMBOLS.indexOf(symbol);
            return i >= 0 && symbols.get(i);
        }
    }

    /**
     * One alternative: its positions, and for each position index (0..n, n meaning "after the last") the timing
     * specifier in effect there ('S', 'L' or 0 for none): the last specifier written at or before that index.
     */
    record Alternative(String text, List<Position> positions, char[] timingAt) {
        int size() { return positions.size(); }
    }

    private final String text;
    private final List<Alternative> alternatives;
    /**
     * Maps compiled lately, by their text: a controller sends the same dial plan with every dial tone, and compiling
     * it again for each call was a visible share of a load generator's CPU. A compiled map is never changed, so one
     * instance serves every termination and thread. Bounded: emptied when it grows past {@link #CACHED_MAPS}.
     */
    private static final java.util.concurrent.ConcurrentHashMap<String, DigitMap> COMPILED =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final int CACHED_MAPS = 256;

    private DigitMap(String text, List<Alternative> alternatives) {
        this.text = text;
        this.alternatives = List.copyOf(alternatives);
    }

    public String text() { return text; }

    List<Alternative> alternatives() { return alternatives; }

    /**
     * Compiles a digit map such as {@code (0S|00S|[1-7]xLxx|8Lxxxxxxx|#xxxxxxx|*xx|9L1xxxxxxxxxx|9L011x.S)}.
     *
     * @throws IllegalArgumentException with the position of the problem when it is not a digit map
     */
    public static DigitMap compile(String map) {
        DigitMap known = COMPILED.get(map);
        if (known != null) return known;
        DigitMap compiled = compileAnew(map); // throws for a bad map: nothing cached
        if (COMPILED.size() >= CACHED_MAPS) COMPILED.clear();
        COMPILED.put(map, compiled);
        return compiled;
    }

    private static DigitMap compileAnew(String map) {
        String s = map.replaceAll("\\s+", "");
        String body = s;
        if (body.startsWith("(")) {
            if (!body.endsWith(")")) throw new IllegalArgumentException("digit map '" + map + "': missing ')'");
            body = body.substring(1, body.length() - 1);
        }
        if (body.isEmpty()) throw new IllegalArgumentException("empty digit map");
        List<Alternative> alts = new ArrayList<>();
        for (String alt : body.split("\\|", -1)) {
            if (alt.isEmpty()) throw new IllegalArgumentException("digit map '" + map + "': empty alternative");
            alts.add(alternative(map, alt));
        }
        return new DigitMap(s, alts);
    }

    private static Alternative alternative(String map, String alt) {
        List<Position> positions = new ArrayList<>();
        boolean pendingLong = false;
        List<Character> markers = new ArrayList<>();
        List<Integer> markerIndex = new ArrayList<>();
        int i = 0;
        while (i < alt.length()) {
            char c = Character.toUpperCase(alt.charAt(i));
            if (c == 'S' || c == 'L') {
                markers.add(c);
                markerIndex.add(positions.size());
                i++;
                continue;
            }
            if (c == 'T') { // later ABNF versions allow it; no defined effect on matching here
                i++;
                continue;
            }
            if (c == 'Z') {
                pendingLong = true;
                i++;
                continue;
            }
            if (c == '.') {
                if (positions.isEmpty()) throw bad(map, alt, "'.' with nothing before it");
                Position last = positions.remove(positions.size() - 1);
                if (last.repeated()) throw bad(map, alt, "'..'");
                positions.add(new Position(last.symbols(), true, last.longDuration()));
                i++;
                continue;
            }
            BitSet set = new BitSet();
            if (c == 'X') {
                set.set(0, 10);
                i++;
            } else if (c == '[') {
                int close = alt.indexOf(']', i);
                if (close < 0) throw bad(map, alt, "missing ']'");
                String in = alt.substring(i + 1, close).toUpperCase(Locale.ROOT);
                for (int k = 0; k < in.length(); k++) {
                    char a = in.charAt(k);
                    if (k + 2 < in.length() && in.charAt(k + 1) == '-' && Character.isDigit(a)
                            && Character.isDigit(in.charAt(k + 2))) {
                        char b = in.charAt(k + 2);
                        if (b < a) throw bad(map, alt, "range " + a + "-" + b);
                        set.set(a - '0', b - '0' + 1);
                        k += 2;
                    } else if (a == 'X') {
                        set.set(0, 10);
                    } else if (SYMBOLS.indexOf(a) >= 0) {
                        set.set(SYMBOLS.indexOf(a));
                    } else if (a != 'S' && a != 'L' && a != 'Z' && a != 'T') {
                        throw bad(map, alt, "'" + a + "' in a range");
                    }
                }
                if (set.isEmpty()) throw bad(map, alt, "empty range");
                i = close + 1;
            } else if (SYMBOLS.indexOf(c) >= 0) {
                set.set(SYMBOLS.indexOf(c));
                i++;
            } else {
                throw bad(map, alt, "'" + alt.charAt(i) + "'");
            }
            positions.add(new Position(set, false, pendingLong));
            pendingLong = false;
        }
        if (pendingLong) throw bad(map, alt, "'Z' at the end");
        if (positions.isEmpty()) throw bad(map, alt, "no event positions");
        char[] timingAt = new char[positions.size() + 1];
        char current = 0;
        int m = 0;
        for (int p = 0; p <= positions.size(); p++) {
            while (m < markers.size() && markerIndex.get(m) <= p) current = markers.get(m++);
            timingAt[p] = current;
        }
        return new Alternative(alt, List.copyOf(positions), timingAt);
    }

    private static IllegalArgumentException bad(String map, String alt, String what) {
        return new IllegalArgumentException("digit map '" + map + "', alternative '" + alt + "': unexpected " + what);
    }

    @Override public String toString() { return text; }
}
