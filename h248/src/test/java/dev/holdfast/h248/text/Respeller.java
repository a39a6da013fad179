package dev.holdfast.h248.text;

import java.util.Locale;
import java.util.Random;

/**
 * Rewrites the encoder's text of a message into another spelling that the ABNF gives the same meaning, the way a
 * different peer might write it: LWSP (spaces, tabs, CR, LF, CRLF, comments) around the structural characters
 * {@code { } , =}, tokens in other letter cases and in the other form (long for short and back), leading zeros
 * in the numbers that follow a token's {@code =}.
 *
 * <p>It leaves alone whatever is not a token or where the ABNF allows no white space: the header up to the mId's
 * SEP, quoted strings, the octetStrings of Local and Remote (with their braces: the model holds the exact octets
 * between them), digit map values, everything in square brackets (IP addresses, sublists, ranges, v3 id lists),
 * value alternatives {@code ={a,b}}, and every word that follows {@code =} or is glued to {@code / - :}
 * (VALUEs, names, ids, pkgdNames). The generators never spell a name or id like a token, so a word in a token
 * position that spells a token is one.
 */
final class Respeller {
    private final String in;
    private final Random rnd;
    private final StringBuilder out;
    private int i;
    /** The token just written in a token position, until something other than white space follows it. */
    private Token lastToken;

    private Respeller(String in, Random rnd) {
        this.in = in;
        this.rnd = rnd;
        this.out = new StringBuilder(in.length() * 2);
    }

    static String respell(String text, long seed) {
        return new Respeller(text, new Random(seed)).run();
    }

    private String run() {
        if (rnd.nextInt(3) == 0) out.append(lwsp());
        // the header, through the SEP after the mId, is copied as is
        int megaco = Math.max(in.indexOf("MEGACO/"), in.indexOf("!/"));
        int sep = in.indexOf('\n', Math.max(0, megaco));
        if (sep < 0) return in;
        out.append(in, 0, sep + 1);
        i = sep + 1;
        while (i < in.length()) {
            char c = in.charAt(i);
            if (c == '"') {
                copyThrough(in.indexOf('"', i + 1));
            } else if (c == '[') {
                copyThrough(closing(']', i + 1));
            } else if (isAlpha(c) && wordMayStartHere()) {
                word();
            } else if (c == '=' && nextSignificant(i + 1) == '{') {
                // value alternatives (or a ContextList): copied as they are
                int open = in.indexOf('{', i);
                copyThrough(closing('}', open + 1));
            } else if (c == '{' || c == '}' || c == ',' || c == '=') {
                Token before = lastToken;
                lastToken = null;
                if (rnd.nextInt(4) == 0) out.append(lwsp());
                out.append(c);
                i++;
                if (rnd.nextInt(4) == 0) out.append(lwsp());
                if (c == '=') padNumber(before);
            } else {
                if (c != ' ') lastToken = null;
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private void word() {
        int start = i;
        int end = start;
        while (end < in.length() && isNameChar(in.charAt(end))) end++;
        String w = in.substring(start, end);
        char next = end < in.length() ? in.charAt(end) : ' ';
        Token t = Token.lookup(w);
        char after = nextSignificant(end);
        if (t == Token.LOCAL || t == Token.REMOTE) {
            if (after == '{') {
                // Local/Remote { octetString }: nothing inside, or at the braces, changes
                out.append(respellToken(t, w));
                int close = closingBraceOfOctetString(in.indexOf('{', end));
                out.append(in, end, close + 1);
                i = close + 1;
                return;
            }
        }
        if (t == Token.DIGIT_MAP && after == '=') {
            // DigitMap = name / { value } / name { value }: the value is copied as it is
            out.append(respellToken(t, w));
            int eq = in.indexOf('=', end);
            int j = eq + 1;
            while (j < in.length() && (in.charAt(j) == ' ' || isNameChar(in.charAt(j)))) j++;
            int close = j < in.length() && in.charAt(j) == '{' ? in.indexOf('}', j) : j - 1;
            out.append(in, end, close + 1);
            i = close + 1;
            return;
        }
        boolean tokenPosition = next == '=' || next == '{' || next == ',' || next == '}' || next == ' '
                || next == '\n' || next == '\r' || next == '\t';
        out.append(t != null && tokenPosition ? respellToken(t, w) : w);
        lastToken = tokenPosition ? t : null;
        i = end;
    }

    /**
     * After {@code token =}, a number the model holds as an integer gets leading zeros, up to the most digits
     * its production allows (UINT32 10, UINT16 5, ErrorCode 4, Version 2): {@code T=0000000017}.
     */
    private void padNumber(Token token) {
        if (token == null) return;
        int max = switch (token) {
            case TRANSACTION, REPLY, PENDING, CONTEXT, EVENTS, OBSERVED_EVENTS, REQUEST_ID, DELAY -> 10;
            case STREAM, DURATION, SIGNAL_LIST, PRIORITY, INTSIG_DELAY, SEGMENT, SERVICE_CHANGE_ADDRESS -> 5;
            case ERROR -> 4;
            case VERSION -> 2;
            default -> 0;
        };
        int start = i;
        while (start < in.length() && in.charAt(start) == ' ') start++;
        int end = start;
        while (end < in.length() && in.charAt(end) >= '0' && in.charAt(end) <= '9') end++;
        if (end == start || max <= end - start || rnd.nextInt(3) != 0) return;
        // (a port number after ServiceChangeAddress is not followed by '.' or ':' as an address would be)
        if (end < in.length() && (in.charAt(end) == '.' || in.charAt(end) == ':')) return;
        out.append(in, i, start).append("0".repeat(1 + rnd.nextInt(max - (end - start))));
        i = start;
    }

    /** The same token in a random case and form (or unchanged). */
    private String respellToken(Token t, String w) {
        String spelling = switch (rnd.nextInt(4)) {
            case 0 -> w;
            case 1 -> t.longName;
            case 2 -> t.shortName;
            default -> w;
        };
        return switch (rnd.nextInt(4)) {
            case 0 -> spelling.toLowerCase(Locale.ROOT);
            case 1 -> spelling.toUpperCase(Locale.ROOT);
            case 2 -> mixedCase(spelling);
            default -> spelling;
        };
    }

    private String mixedCase(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            b.append(rnd.nextBoolean() ? Character.toLowerCase(ch) : Character.toUpperCase(ch));
        }
        return b.toString();
    }

    /** A word may start after a structural character or white space (not after '=', '/', '-', ':', ...). */
    private boolean wordMayStartHere() {
        char prev = in.charAt(i - 1);
        return prev == '{' || prev == '}' || prev == ',' || prev == ' ' || prev == '\n' || prev == '\t'
                || prev == '\r';
    }

    private char nextSignificant(int from) {
        int j = from;
        while (j < in.length() && (in.charAt(j) == ' ' || in.charAt(j) == '\t')) j++;
        return j < in.length() ? in.charAt(j) : 0;
    }

    /** The next {@code close} at or after {@code from} that is not inside a quoted string. */
    private int closing(char close, int from) {
        for (int j = from; j < in.length(); j++) {
            char c = in.charAt(j);
            if (c == '"') {
                j = in.indexOf('"', j + 1);
                if (j < 0) return -1;
            } else if (c == close) {
                return j;
            }
        }
        return -1;
    }

    private int closingBraceOfOctetString(int open) {
        for (int j = open + 1; j < in.length(); j++) {
            if (in.charAt(j) == '}' && in.charAt(j - 1) != '\\') return j;
        }
        return in.length() - 1;
    }

    private void copyThrough(int end) {
        int stop = end < 0 ? in.length() - 1 : end;
        out.append(in, i, stop + 1);
        i = stop + 1;
    }

    /** LWSP = *(WSP / COMMENT / EOL): one to three pieces. */
    private String lwsp() {
        StringBuilder b = new StringBuilder();
        int n = 1 + rnd.nextInt(3);
        for (int k = 0; k < n; k++) {
            switch (rnd.nextInt(7)) {
                case 0 -> b.append(' ');
                case 1 -> b.append('\t');
                case 2 -> b.append('\n');
                case 3 -> b.append("\r\n");
                case 4 -> b.append('\r');
                case 5 -> b.append("  ");
                default -> b.append(comment());
            }
        }
        return b.toString();
    }

    /** COMMENT = ";" *(SafeChar / RestChar / WSP / %x22) EOL. */
    private String comment() {
        String chars = MessageArbitraries.QUOTED_CHAR + "\"";
        StringBuilder b = new StringBuilder(";");
        int n = rnd.nextInt(20);
        for (int k = 0; k < n; k++) b.append(chars.charAt(rnd.nextInt(chars.length())));
        b.append(rnd.nextBoolean() ? "\n" : "\r\n");
        return b.toString();
    }

    private static boolean isAlpha(char c) { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'; }

    private static boolean isNameChar(char c) { return isAlpha(c) || c >= '0' && c <= '9' || c == '_'; }
}
