package dev.holdfast.h248.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Character-level reading of one H.248.1 text message (Annex B): the position, the white space and comment rules
 * ({@code LWSP}, {@code SEP}, {@code COMMENT}), the character classes, brace depth, and the bookkeeping of
 * errors and accepted deviations. Reads the text by index; allocates nothing on the path of a valid message.
 */
final class TextScanner {
    static final int EOF = -1;

    /**
     * Recursion in the grammar only happens through braces, so the brace depth bounds the decoder's stack. Even a
     * caller asking for more is held to this many levels (H.248 itself needs about 15).
     */
    static final int HARD_MAX_DEPTH = 256;

    final String text;
    final int end;
    final DecodeOptions options;
    private final boolean lenient;
    private final int maxDepth;
    int pos;
    int depth;
    private List<Deviation> deviations;

    TextScanner(String text, DecodeOptions options) {
        this.text = text;
        this.end = text.length();
        this.options = options;
        this.lenient = options.lenient();
        this.maxDepth = Math.min(options.maxDepth(), HARD_MAX_DEPTH);
    }

    // ---------------------------------------------------------------- characters

    int peek() { return pos < end ? text.charAt(pos) : EOF; }

    int charAt(int p) { return p < end ? text.charAt(p) : EOF; }

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

    static boolean isWhite(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

    /** End of the NAME characters starting at {@code p}. */
    int nameEnd(int p) {
        while (p < end && isNameChar(text.charAt(p))) p++;
        return p;
    }

    /** True when {@code text[p, e)} is {@code word}, ignoring ASCII case. */
    boolean wordIs(int p, int e, String word) {
        if (e - p != word.length()) return false;
        for (int i = 0; i < word.length(); i++) {
            int c = text.charAt(p + i);
            if (c >= 'a' && c <= 'z') c -= 32;
            if (c != word.charAt(i)) return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- white space and comments

    /** SP, HTAB, CR, LF and the ';' that starts a COMMENT. */
    private static final boolean[] LWSP = new boolean[128];

    static {
        LWSP[' '] = LWSP['\t'] = LWSP['\r'] = LWSP['\n'] = LWSP[';'] = true;
    }

    /** {@code LWSP = *(WSP / COMMENT / EOL)}. Small, so that the JIT inlines the common case (nothing to skip). */
    void skipLwsp() {
        if (pos < end) {
            char c = text.charAt(pos);
            if (c < 128 && LWSP[c]) skipLwspRun();
        }
    }

    private void skipLwspRun() {
        int p = pos;
        while (p < end) {
            char c = text.charAt(p);
            if (c >= 128 || !LWSP[c]) break;
            if (c == ';') p = comment(p);
            else p++;
        }
        pos = p;
    }

    /** {@code SEP = (WSP / EOL / COMMENT) LWSP}: true when at least one element was there. */
    boolean skipSep() {
        int before = pos;
        skipLwsp();
        return pos > before;
    }

    /** Where the LWSP starting at {@code p} ends; reads only (no deviations are reported). */
    int lwspEnd(int p) {
        while (p < end) {
            char c = text.charAt(p);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') p++;
            else if (c == ';') {
                while (p < end && text.charAt(p) != '\n' && text.charAt(p) != '\r') p++;
            } else break;
        }
        return p;
    }

    /** The first significant character at or after {@code p}. */
    int nextSignificant(int p) { return charAt(lwspEnd(p)); }

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
            char c = text.charAt(p);
            if (c < 128 && COMMENT_CHAR[c]) {
                p++;
                continue;
            }
            if (c == '\n' || c == '\r') break;
            if (bad < 0) bad = p;
            p++;
        }
        if (bad >= 0) {
            deviation(Deviation.Kind.OTHER, bad, String.format("octet 0x%02X is not allowed in a comment",
                    (int) text.charAt(bad)));
        }
        if (p >= end) {
            deviation(Deviation.Kind.OTHER, start, "comment at the end of the message is not ended by a line break");
            return p;
        }
        if (text.charAt(p) == '\r' && p + 1 < end && text.charAt(p + 1) == '\n') return p + 2;
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

    /** What is at {@code offset}, for "but found ...". */
    String found(int offset) {
        if (offset >= end) return "the end of the message";
        char c = text.charAt(offset);
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
            char c = text.charAt(e);
            if (isNameChar(c) || c == '/' || c == '-' || c == '.' || c == '*' || c == '$' || c == '@') e++;
            else break;
        }
        if (e == offset && offset < end) e++;
        return text.substring(offset, e) + (e - offset == 40 ? "..." : "");
    }

    /** {@code text[start, e)} with comments dropped and white space collapsed, shortened from the left. */
    String excerpt(int start, int e) {
        if (start < 0 || e <= start) return "";
        StringBuilder sb = new StringBuilder(Math.min(e - start, 80));
        boolean space = false;
        boolean quoted = false;
        for (int i = start; i < e && i < end; i++) {
            char c = text.charAt(i);
            if (!quoted && c == ';') {
                while (i + 1 < e && text.charAt(i + 1) != '\n' && text.charAt(i + 1) != '\r') i++;
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
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
                lineStart = i + 1;
            } else if (c == '\r') {
                if (i + 1 < end && text.charAt(i + 1) == '\n') continue;
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
