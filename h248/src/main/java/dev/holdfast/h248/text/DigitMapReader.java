package dev.holdfast.h248.text;

import dev.holdfast.h248.message.DigitMapValue;

/**
 * Reads {@code LBRKT digitMapValue RBRKT}:
 * <pre>
 * digitMapValue   = ["T" COLON Timer COMMA] ["S" COLON Timer COMMA] ["L" COLON Timer COMMA]
 *                   ["Z" COLON Timer COMMA] digitMap
 * digitMap        = digitString / LWSP "(" LWSP digitStringList LWSP ")" LWSP
 * digitStringList = digitString *( LWSP "|" LWSP digitString )
 * digitString     = 1*(digitPosition [DOT])
 * digitPosition   = digitMapLetter / digitMapRange
 * digitMapRange   = "x" / (LWSP "[" LWSP digitLetter LWSP "]" LWSP)
 * digitLetter     = *((DIGIT "-" DIGIT) / digitMapLetter)
 * digitMapLetter  = DIGIT / %x41-4B / %x61-6B / "L" / "S" / "T" / "Z"
 * </pre>
 * The map is returned with all white space and comments removed. White space where the ABNF allows none (inside
 * a digit string or a range, as in the RFC 3525 example {@code [1-}, line break, {@code 7]}) is a
 * {@link Deviation.Kind#WHITESPACE_IN_DIGIT_MAP}.
 */
final class DigitMapReader {
    private DigitMapReader() {}

    /** Reads from the '{' at {@code s.pos} through the matching '}' and the LWSP after it. */
    static DigitMapValue read(TextScanner s) {
        int open = s.pos;
        s.open();
        s.skipLwsp();
        Integer[] timers = new Integer[4];
        int order = 0;
        while (true) {
            int c = s.peek();
            if (s.charAt(s.pos + 1) != ':') break;
            int which = switch (c) {
                case 'T', 't' -> 1;
                case 'S', 's' -> 2;
                case 'L', 'l' -> 3;
                case 'Z', 'z' -> 4;
                default -> 0;
            };
            if (which == 0) break;
            if (which <= order) {
                throw s.fail(s.pos, "digit map timer '" + (char) c + ":' is repeated or out of order (T, S, L, Z)");
            }
            order = which;
            int timerStart = s.pos;
            s.pos += 2;
            int p = s.pos;
            int v = 0;
            while (TextScanner.isDigit(s.charAt(p)) && p - s.pos < 2) v = v * 10 + (s.charAt(p++) - '0');
            if (p == s.pos) throw s.expected("a timer value (1 or 2 digits)", timerStart);
            if (TextScanner.isDigit(s.charAt(p))) throw s.fail(s.pos, "digit map timer value has more than 2 digits");
            s.pos = p;
            timers[which - 1] = v;
            s.skipLwsp();
            if (s.peek() != ',') throw s.expected("',' after the digit map timer", timerStart);
            s.pos++;
            s.skipLwsp();
        }
        String map = body(s, open);
        s.close();
        s.skipLwsp();
        return new DigitMapValue(timers[0], timers[1], timers[2], timers[3], map);
    }

    /** digitMapLetter, plus the '*' and '#' of old examples (a deviation, reported by the caller). */
    private static boolean isLetter(int c) {
        return TextScanner.isDigit(c) || c == '*' || c == '#' || (c >= 'A' && c <= 'K') || (c >= 'a' && c <= 'k')
                || c == 'L' || c == 'l' || c == 'S' || c == 's' || c == 'T' || c == 't' || c == 'Z' || c == 'z';
    }

    /** The digit map up to (not including) the closing '}', white space removed. */
    private static String body(TextScanner s, int open) {
        final int bodyStart = s.pos;
        StringBuilder sb = null;
        int runStart = bodyStart;
        boolean whitespaceReported = false;
        boolean starReported = false;
        boolean parens = false;
        boolean closed = false;
        boolean inRange = false;
        boolean dash = false;          // inside a range, after "DIGIT -"
        boolean rangeEnd = false;      // inside a range, the previous digit ended "DIGIT - DIGIT"
        int prev = '{';
        while (true) {
            if (s.pos >= s.end) throw s.fail(open, "the '{' of this digit map is never closed");
            char c = (char) s.at(s.pos);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';') {
                int wsStart = s.pos;
                if (sb == null) sb = new StringBuilder(64);
                s.appendTo(sb, runStart, wsStart);
                s.skipLwsp();
                runStart = s.pos;
                int next = s.peek();
                boolean allowed = prev == '{' || prev == '(' || prev == '|' || prev == ')' || prev == '['
                        || prev == ']' || next == '}' || next == '(' || next == '|' || next == ')' || next == '['
                        || next == ']';
                if (!allowed && !whitespaceReported) {
                    whitespaceReported = true;
                    s.deviation(Deviation.Kind.WHITESPACE_IN_DIGIT_MAP, wsStart,
                            "white space or a line break inside the digit map, between '" + (char) prev + "' and "
                                    + s.found(s.pos));
                }
                continue;
            }
            if (c == '}') break;
            if ((c == '#' || c == '*') && !starReported) {
                // RFC 3015-era examples (and OTP's test suite) write the DTMF keys themselves
                starReported = true;
                s.deviation(Deviation.Kind.OTHER, s.pos, "'" + c + "' in a digit map: H.248.1 writes the DTMF"
                        + " keys * and # as E and F");
            }
            if (inRange) {
                if (c == ']') {
                    if (dash) throw s.fail(s.pos, "expected a digit after '-' in the digit map range but found ']'");
                    inRange = false;
                } else if (c == '-') {
                    if (!TextScanner.isDigit(prev) || rangeEnd) {
                        throw s.fail(s.pos, "'-' in a digit map range must come between two digits");
                    }
                    dash = true;
                } else if (isLetter(c)) {
                    if (dash && !TextScanner.isDigit(c)) {
                        throw s.fail(s.pos, "expected a digit after '-' in the digit map range but found '" + c + "'");
                    }
                    rangeEnd = dash;
                    dash = false;
                } else {
                    throw s.fail(s.pos, "'" + c + "' is not allowed in a digit map range");
                }
            } else if (closed) {
                throw s.fail(s.pos, "expected '}' after the ')' that ends the digit map but found " + s.found(s.pos));
            } else if (c == '(') {
                if (prev != '{') throw s.fail(s.pos, "'(' is only allowed at the start of a digit map");
                parens = true;
            } else if (c == ')' || c == '|') {
                if (!parens) throw s.fail(s.pos, "'" + c + "' outside '( )' in a digit map");
                if (prev == '(' || prev == '|') throw s.fail(s.pos, "empty digit string before '" + c + "' in a digit map");
                closed = c == ')';
            } else if (c == '[') {
                inRange = true;
                dash = false;
                rangeEnd = false;
            } else if (c == '.') {
                if (!(isLetter(prev) || prev == 'x' || prev == 'X' || prev == ']')) {
                    throw s.fail(s.pos, "'.' in a digit map must follow a digit position");
                }
            } else if (!(isLetter(c) || c == 'x' || c == 'X')) {
                throw s.fail(s.pos, "'" + c + "' is not allowed in a digit map");
            }
            prev = c;
            s.pos++;
        }
        if (prev == '{') throw s.fail(s.pos, "empty digit map");
        if (inRange) throw s.fail(s.pos, "digit map range '[' is not closed with ']'");
        if (parens && !closed) throw s.fail(s.pos, "digit map '(' is not closed with ')'");
        if (sb == null) return s.string(bodyStart, s.pos);
        s.appendTo(sb, runStart, s.pos);
        return sb.toString();
    }
}
