package dev.holdfast.h248.text;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Octet-level reading of one H.248.1 text message (Annex B): the position, the white space and comment rules
 * ({@code LWSP}, {@code SEP}, {@code COMMENT}), the character classes, brace depth, and the bookkeeping of
 * errors and accepted deviations. Reads the octets in place (ISO-8859-1: one octet is one character, 0-255);
 * allocates nothing on the path of a valid message except the strings the model keeps.
 */
final class TextScanner {
    static final int EOF = -1;

    /**
     * Recursion in the grammar only happens through braces, so the brace depth bounds the decoder's stack. Even a
     * caller asking for more is held to this many levels (H.248 itself needs about 15).
     */
    static final int HARD_MAX_DEPTH = 256;

    /** The message is {@code b[0, end)}. */
    byte[] b;
    int end;
    DecodeOptions options;
    private boolean lenient;
    private int maxDepth;
    int pos;
    int depth;
    private List<Deviation> deviations;

    TextScanner(byte[] b, int end, DecodeOptions options) {
        start(b, end, options);
    }

    /** Not reading anything yet: see {@link #start}. */
    TextScanner() {}

    /** Starts reading the message {@code b[0, end)}, forgetting the previous one: a scanner is reused per thread. */
    final void start(byte[] b, int end, DecodeOptions options) {
        this.b = b;
        this.end = end;
        if (this.options != options) this.options = options; // no reference store (G1 fence) when unchanged
        this.lenient = options.lenient();
        this.maxDepth = Math.min(options.maxDepth(), HARD_MAX_DEPTH);
        pos = 0;
        depth = 0;
        deviations = null;
        countedTo = 0;
        countedLine = 1;
        countedLineStart = 0;
    }

    /** Lets go of the message. */
    final void finish() {
        b = null;
        deviations = null;
    }

    /** For tests: {@code text} must be ISO-8859-1. */
    TextScanner(String text, DecodeOptions options) {
        this(text.getBytes(StandardCharsets.ISO_8859_1), text.length(), options);
    }

    // ---------------------------------------------------------------- characters

    int peek() { return pos < end ? b[pos] & 0xFF : EOF; }

    int charAt(int p) { return p < end ? b[p] & 0xFF : EOF; }

    /** The octet at {@code p}, which the caller knows is before {@code end}. */
    int at(int p) { return b[p] & 0xFF; }

    /** The first {@code c} at or after {@code from}, or -1. */
    int indexOf(char c, int from) {
        for (int p = from; p < end; p++) {
            if (b[p] == c) return p;
        }
        return -1;
    }

    /** Appends {@code [from, to)} to {@code sb}. */
    void appendTo(StringBuilder sb, int from, int to) {
        for (int p = from; p < to; p++) sb.append((char) (b[p] & 0xFF));
    }

    /**
     * {@code [from, to)} as a String (ISO-8859-1). Through the deprecated high-byte constructor: with a high byte of
     * 0 it is exactly ISO-8859-1 (each octet becomes the character of that value) and, being small, the JIT
     * inlines it; the Charset constructor is too big to inline at the decoder's many call sites.
     */
    @SuppressWarnings("deprecation")
    String string(int from, int to) { return new String(b, 0, from, to - from); }

    /** Values made before from the same octets: see {@link RecentValues}. */
    final RecentValues recent = new RecentValues();

    /**
     * {@code [from, to)} as a String, the one made before for the same octets if there is one: for names a peer
     * repeats (package items, parameter names), not for text that changes from message to message.
     */
    String name(int from, int to) {
        int n = to - from;
        if (n <= 0 || n > RecentValues.MAX_OCTETS) return string(from, to);
        Object v = recent.find(b, from, to, RecentValues.STRING);
        return v != null ? (String) v : recent.keep(string(from, to));
    }

    /** {@code port} boxed: a peer sends the same port in every message, so the last one is kept. */
    Integer port(int port) {
        Integer last = lastPort;
        if (last != null && last == port) return last;
        return lastPort = port;
    }

    private Integer lastPort;

    static boolean isAlpha(int c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

    static boolean isDigit(int c) { return c >= '0' && c <= '9'; }

    static boolean isHex(int c) { return isDigit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); }

    /** {@code NAME = ALPHA *63(ALPHA / DIGIT / "_")}: the characters after the first. */
    static boolean isNameChar(int c) { return isAlpha(c) || isDigit(c) || c == '_'; }

    private static final boolean[] SAFE = new boolean[128];

    static {
        for (int c = '0'; c <= '9'; c++) SAFE[c] = true;
        for (int c = 'A'; c <= 'Z'; c++) SAFE[c] = true;
        for (int c = 'a'; c <= 'z'; c++) SAFE[c] = true;
        for (char c : "+-&!_/'?@^`~*$\\()%|.".toCharArray()) SAFE[c] = true;
    }

    /** {@code SafeChar}, plus the octets %x80-FF that v3 allows in a VALUE. */
    static boolean isValueChar(int c) { return c < 128 ? c >= 0 && SAFE[c] : c <= 0xFF; }

    private static final boolean[] VALUE_OCTET = new boolean[256];

    static {
        for (int c = 0; c < 256; c++) VALUE_OCTET[c] = isValueChar(c);
    }

    /** {@link #isValueChar} of an octet, by table. */
    static boolean isValueOctet(byte o) { return VALUE_OCTET[o & 0xFF]; }

    static boolean isWhite(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

    /** End of the NAME characters starting at {@code p}. */
    int nameEnd(int p) {
        final byte[] b = this.b;
        final int e = end;
        // eight octets at a time, without a branch per octet: keywords and names vary in length, and a loop's exit
        // branch taken after a different number of octets each time is mispredicted
        while (p + 8 <= b.length) {
            long stop = notNameOctets((long) LONG.get(b, p));
            if (stop != 0) return Math.min(p + (Long.numberOfTrailingZeros(stop) >>> 3), e);
            p += 8;
            if (p >= e) return e;
        }
        while (p < e && NAME_CHAR[b[p] & 0xFF]) p++;
        return p;
    }

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH = 0x8080808080808080L;

    /**
     * The high bit of each octet of {@code w} that is not a NAME character (ALPHA, DIGIT, "_"), all others 0. SWAR:
     * for octets below 0x80, {@code x + (0x80 - lo)} sets the high bit when {@code x >= lo} and carries into no
     * other octet; case folding ({@code & 0xDF}) brings a-z onto A-Z and nothing else there.
     */
    static long notNameOctets(long w) {
        long y = w & ~HIGH;
        long z = y & 0x5F5F5F5F5F5F5F5FL;
        long digit = (y + (0x80 - '0') * ONES) & ~(y + (0x7F - '9') * ONES);
        long letter = (z + (0x80 - 'A') * ONES) & ~(z + (0x7F - 'Z') * ONES);
        long underscore = (y + (0x80 - '_') * ONES) & ~(y + (0x7F - '_') * ONES);
        return (~(digit | letter | underscore) | w) & HIGH;
    }

    private static final boolean[] NAME_CHAR = new boolean[256];

    static {
        for (int c = 0; c < 256; c++) NAME_CHAR[c] = isNameChar(c);
    }

    /** {@link #isNameChar} of an octet, by table. */
    static boolean isNameOctet(byte o) { return NAME_CHAR[o & 0xFF]; }

    /** True when {@code text[p, e)} is {@code word}, ignoring ASCII case. */
    boolean wordIs(int p, int e, String word) {
        if (e - p != word.length()) return false;
        for (int i = 0; i < word.length(); i++) {
            int c = b[p + i] & 0xFF;
            if (c >= 'a' && c <= 'z') c -= 32;
            if (c != word.charAt(i)) return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- white space and comments

    /** {@code LWSP = *(WSP / COMMENT / EOL)}. Small, so that the JIT inlines the common case (nothing to skip). */
    void skipLwsp() {
        int p = pos;
        if (p < end) {
            int c = b[p];
            if (c > ' ' && c != ';') return; // nothing to skip, as before every token of compact text
            if (c == ' ' && p + 1 < end) {
                // one space, as in pretty text's " = " and " {": done here unless more white space follows
                c = b[++p];
                pos = p;
            }
            if (c == '\n') {
                // pretty text's line break and indentation (4 spaces a level, up to 24 and more): 8 octets a read
                int q = p + 1;
                while (q + 8 <= end) {
                    long x = (long) LONG.get(b, q) ^ EIGHT_SPACES;
                    if (x != 0) {
                        q += Long.numberOfTrailingZeros(x) >>> 3;
                        c = b[q];
                        if (c > ' ' && c != ';') { // no more white space: done (0x80-0xFF are negative: the long way)
                            pos = q;
                            return;
                        }
                        break;
                    }
                    q += 8;
                }
            }
            if (c <= ' ' || c == ';') skipLwspRun(); // also octets 0x80-0xFF (negative): the run stops at once
        }
    }

    /** Eight octets at a time, little-endian: the indentation of pretty text is long runs of spaces. */
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long EIGHT_SPACES = 0x2020202020202020L;

    private void skipLwspRun() {
        pos = skipWhite(pos, true);
    }

    /**
     * The end of the white space, line breaks and comments from {@code p}; {@code report} says whether deviations
     * in comments are reported (once, when the parser moves past them) or not (when only looking ahead).
     */
    private int skipWhite(int p, boolean report) {
        final int e = end;
        final byte[] b = this.b;
        while (p < e) {
            int c = b[p];
            if (c == ' ') {
                if (p + 8 <= e) {
                    // skip the spaces of the next eight octets at once: up to the first other octet
                    long x = (long) LONG.get(b, p) ^ EIGHT_SPACES;
                    p += x == 0 ? 8 : Long.numberOfTrailingZeros(x) >>> 3;
                } else {
                    p++;
                }
            } else if (c == '\n' || c == '\r' || c == '\t') {
                p++;
            } else if (c == ';') {
                p = report ? comment(p) : commentEnd(p);
            } else {
                break;
            }
        }
        return p;
    }

    /** {@code SEP = (WSP / EOL / COMMENT) LWSP}: true when at least one element was there. */
    boolean skipSep() {
        int before = pos;
        skipLwsp();
        return pos > before;
    }

    /** Where the LWSP starting at {@code p} ends; reads only (no deviations are reported). */
    int lwspEnd(int p) {
        return skipWhite(p, false);
    }

    /** Where the COMMENT starting at {@code p} ends (after its line break), without checking its octets. */
    private int commentEnd(int p) {
        while (p < end && b[p] != '\n' && b[p] != '\r') p++;
        return p;
    }

    /** The first significant character at or after {@code p}. */
    int nextSignificant(int p) {
        if (p < end) {
            int c = b[p];
            if (c > ' ' && c != ';') return c; // nothing to skip (0x80-0xFF are negative here: the long way)
        }
        return charAt(lwspEnd(p));
    }

    /** The octets a COMMENT may hold: SafeChar, RestChar, WSP and DQUOTE, i.e. HTAB and %x20-7E. */
    private static final boolean[] COMMENT_CHAR = new boolean[128];

    static {
        COMMENT_CHAR['\t'] = true;
        for (int c = 0x20; c < 0x7F; c++) COMMENT_CHAR[c] = true;
    }

    /** {@code COMMENT = ";" *(SafeChar / RestChar / WSP / %x22) EOL}, from its ';'; returns the end. */
    private int comment(int p) {
        int start = p++;
        int bad = -1;
        while (p < end) {
            int c = b[p];
            if (c >= 0 && COMMENT_CHAR[c]) {
                p++;
                continue;
            }
            if (c == '\n' || c == '\r') break;
            if (bad < 0) bad = p;
            p++;
        }
        if (bad >= 0) {
            deviation(Deviation.Kind.OTHER, bad, String.format("octet 0x%02X is not allowed in a comment",
                    at(bad)));
        }
        if (p >= end) {
            deviation(Deviation.Kind.OTHER, start, "comment at the end of the message is not ended by a line break");
            return p;
        }
        if (b[p] == '\r' && p + 1 < end && b[p + 1] == '\n') return p + 2;
        return p + 1;
    }

    // ---------------------------------------------------------------- braces

    /** Consumes the '{' (or lenient '(') at {@code pos}, counting the nesting depth against the limit. */
    void open() {
        if (++depth > maxDepth) {
            throw fail(pos, "braces nested deeper than " + maxDepth + " levels");
        }
        pos++;
    }

    /** Consumes the '}' (or ')') at {@code pos}. */
    void close() {
        depth--;
        pos++;
    }

    // ---------------------------------------------------------------- errors and deviations

    ParseFailure fail(int offset, String reason) {
        return new ParseFailure(Math.min(Math.max(offset, 0), end), reason);
    }

    /**
     * "expected X after 'what came before' but found Y", at the next significant character. {@code start} is where
     * the construct being read began: its text so far is the "after".
     */
    ParseFailure expected(String what, int start) {
        int at = lwspEnd(pos);
        String after = excerpt(start, pos);
        return fail(at, "expected " + what + (after.isEmpty() ? "" : " after '" + after + "'") + " but found "
                + found(at));
    }

    /** Records an accepted deviation, or in strict mode fails with {@code detail} as the reason. */
    void deviation(Deviation.Kind kind, int offset, String detail) {
        if (!lenient) throw fail(offset, detail);
        int[] lc = lineColumn(offset);
        if (deviations == null) deviations = new ArrayList<>(2);
        deviations.add(new Deviation(kind, offset, lc[0], lc[1], detail));
    }

    List<Deviation> deviations() { return deviations == null ? List.of() : deviations; }

    /** How many deviations were recorded so far: see {@link #forgetDeviationsFrom}. */
    int deviationCount() { return deviations == null ? 0 : deviations.size(); }

    /** Drops the deviations recorded since {@code count}, when the parser backs out of what it tried. */
    void forgetDeviationsFrom(int count) {
        if (deviations != null) while (deviations.size() > count) deviations.remove(deviations.size() - 1);
    }

    /** What is at {@code offset}, for "but found ...". */
    String found(int offset) {
        if (offset >= end) return "the end of the message";
        char c = (char) at(offset);
        if (isNameChar(c)) return "'" + word(offset) + "'";
        if (c == '\n' || c == '\r') return "a line break";
        if (c == '\t') return "a tab";
        if (c < 0x20 || c >= 0x7F) return String.format("octet 0x%02X", (int) c);
        return "'" + c + "'";
    }

    /** The word at {@code offset} (name characters and the path characters around them), for messages. */
    String word(int offset) {
        int e = offset;
        while (e < end && e - offset < 40) {
            int c = at(e);
            if (isNameChar(c) || c == '/' || c == '-' || c == '.' || c == '*' || c == '$' || c == '@') e++;
            else break;
        }
        if (e == offset && offset < end) e++;
        return string(offset, e) + (e - offset == 40 ? "..." : "");
    }

    /** {@code text[start, e)} with comments dropped and white space collapsed, shortened from the left. */
    String excerpt(int start, int e) {
        if (start < 0 || e <= start) return "";
        StringBuilder sb = new StringBuilder(Math.min(e - start, 80));
        boolean space = false;
        boolean quoted = false;
        for (int i = start; i < e && i < end; i++) {
            char c = (char) at(i);
            if (!quoted && c == ';') {
                while (i + 1 < e && b[i + 1] != '\n' && b[i + 1] != '\r') i++;
                space = true;
                continue;
            }
            if (c == '"') quoted = !quoted;
            if (isWhite(c)) {
                space = true;
                continue;
            }
            if (space && sb.length() > 0) sb.append(' ');
            space = false;
            sb.append(c);
        }
        if (sb.length() > 60) return "..." + sb.substring(sb.length() - 57);
        return sb.toString();
    }

    /** Where the last {@link #lineColumn} stopped: deviations come in order, so counting resumes from there. */
    private int countedTo;
    private int countedLine = 1;
    private int countedLineStart;

    /** 1-based line and column of {@code offset}; a line ends at CR LF, CR or LF. */
    int[] lineColumn(int offset) {
        int limit = Math.min(offset, end);
        if (limit < countedTo) {
            countedTo = 0;
            countedLine = 1;
            countedLineStart = 0;
        }
        int line = countedLine;
        int lineStart = countedLineStart;
        for (int i = countedTo; i < limit; i++) {
            byte c = b[i];
            if (c == '\n') {
                line++;
                lineStart = i + 1;
            } else if (c == '\r') {
                if (i + 1 < end && b[i + 1] == '\n') continue;
                line++;
                lineStart = i + 1;
            }
        }
        countedTo = limit;
        countedLine = line;
        countedLineStart = lineStart;
        return new int[] {line, offset - lineStart + 1};
    }
}
