package dev.holdfast.h248.text;

import dev.holdfast.h248.message.ParmValue;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.RequestId;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.TimeStamp;

import java.util.List;

import static dev.holdfast.h248.text.TextScanner.isAlpha;
import static dev.holdfast.h248.text.TextScanner.isDigit;

/**
 * The lexical layer of the H.248.1 text grammar that every production uses: keywords (through {@link Token}), the
 * punctuation with the LWSP the ABNF wraps around it ({@code EQUAL}, {@code LBRKT}, {@code RBRKT}, {@code COMMA}),
 * comma-separated lists with their closing bracket, numbers, {@code VALUE} and {@code parmValue}, {@code pkgdName},
 * time stamps and termination ids. Errors are thrown as {@link ParseFailure} with the position and a readable reason.
 */
abstract class GrammarReader {
    final TextScanner s;
    DecodeOptions options;
    /** End of the word read by the last {@link #peekToken()}. */
    int tokenEnd;
    /** The last word looked up (position, end, token): peeking at the same position again costs nothing. */
    private int peekedAt = -1;
    private int peekedEnd;
    /**
     * The token found there, as its ordinal (-1: none). An int, not a Token reference: this reader lives long (one
     * per thread), and with G1 every reference stored into an old object pays a card-marking barrier with a
     * StoreLoad fence, once per word looked up.
     */
    private int peekedToken = -1;
    /** Above 0 inside a lenient "( ... )" parameter list: a VALUE then ends at an unbalanced ')'. */
    int parenDepth;

    GrammarReader(TextScanner s) {
        this.s = s;
    }

    /** Starts on a new message (the reader is reused per thread): see {@link TextScanner#start}. */
    void start(byte[] b, int end, DecodeOptions options) {
        s.start(b, end, options);
        if (this.options != options) this.options = options; // no reference store (G1 fence) when unchanged
        tokenEnd = 0;
        peekedAt = -1;
        peekedToken = -1;
        parenDepth = 0;
    }

    // ================================================================ lists

    /*
     * The items of every list being read sit on one stack (lists nest: an action's commands hold descriptors that
     * hold parameters): a list starts at a mark, each item is pushed as it is read, and the list is made once,
     * at its end, with List.of, which the model's List.copyOf then keeps as it is. No ArrayList, no copy.
     */

    private static final int KEPT_STACK = 4096;

    /** Slots at and above {@code top} are null. */
    Object[] stack = new Object[64];
    int top;

    /** Where a new list starts. */
    final int mark() { return top; }

    final void push(Object item) {
        // small enough (under C2's MaxInlineSize of 35 bytecodes) to be inlined at every call site, hot or not
        int t = top;
        if (t == stack.length) grow();
        stack[t] = item;
        top = t + 1;
    }

    private void grow() { stack = java.util.Arrays.copyOf(stack, stack.length * 2); }

    /**
     * The items pushed since {@code mark}, as an immutable list; pops them. Most lists hold one item (a message's
     * transaction, a transaction's action, a stream's descriptors...) or none: those two are made here, in a
     * method small enough for the JIT to inline; longer lists in {@link #popLonger}.
     */
    @SuppressWarnings("unchecked")
    final <T> List<T> popList(int mark) {
        int n = top - mark;
        if (n == 1) {
            Object[] st = stack;
            Object only = st[mark];
            st[mark] = null;
            top = mark;
            return (List<T>) List.of(only);
        }
        if (n == 0) return List.of();
        return popLonger(mark);
    }

    @SuppressWarnings("unchecked")
    private <T> List<T> popLonger(int mark) {
        Object[] st = stack;
        int n = top - mark;
        List<Object> list = switch (n) {
            case 2 -> List.of(st[mark], st[mark + 1]);
            case 3 -> List.of(st[mark], st[mark + 1], st[mark + 2]);
            case 4 -> List.of(st[mark], st[mark + 1], st[mark + 2], st[mark + 3]);
            case 5 -> List.of(st[mark], st[mark + 1], st[mark + 2], st[mark + 3], st[mark + 4]);
            case 6 -> List.of(st[mark], st[mark + 1], st[mark + 2], st[mark + 3], st[mark + 4], st[mark + 5]);
            case 7 -> List.of(st[mark], st[mark + 1], st[mark + 2], st[mark + 3], st[mark + 4], st[mark + 5],
                    st[mark + 6]);
            case 8 -> List.of(st[mark], st[mark + 1], st[mark + 2], st[mark + 3], st[mark + 4], st[mark + 5],
                    st[mark + 6], st[mark + 7]);
            case 9 -> List.of(st[mark], st[mark + 1], st[mark + 2], st[mark + 3], st[mark + 4], st[mark + 5],
                    st[mark + 6], st[mark + 7], st[mark + 8]);
            case 10 -> List.of(st[mark], st[mark + 1], st[mark + 2], st[mark + 3], st[mark + 4], st[mark + 5],
                    st[mark + 6], st[mark + 7], st[mark + 8], st[mark + 9]);
            default -> List.of(java.util.Arrays.copyOfRange(st, mark, top)); // copied once more by List.of
        };
        for (int i = mark; i < top; i++) st[i] = null;
        top = mark;
        return (List<T>) list;
    }

    /** Empties the stack (after a failure items are left on it) and lets go of the message. */
    final void finish() {
        for (int i = 0; i < top; i++) stack[i] = null;
        top = 0;
        if (stack.length > KEPT_STACK) stack = new Object[64];
        s.finish();
    }

    // ================================================================ lexical helpers

    /** The token spelled by the NAME at {@code pos} (not consumed; see {@link #take()}), or null. */
    Token peekToken() {
        int p = s.pos;
        if (p == peekedAt) {
            // the same word again (e.g. "Context" after checking for ImmAckRequired and Error): text is immutable
            tokenEnd = peekedEnd;
            int k = peekedToken;
            return k < 0 ? null : Token.BY_ORDINAL[k];
        }
        byte[] b = s.b;
        int end = s.end;
        if (p >= end || !isAlpha(b[p])) {
            tokenEnd = p;
            return null;
        }
        int e = s.nameEnd(p);
        Token t = Token.lookup(b, p, e);
        tokenEnd = e;
        peekedAt = p;
        peekedEnd = e;
        peekedToken = t == null ? -1 : t.ordinal();
        return t;
    }

    /** The token at {@code p}, without touching the parser state. */
    Token tokenAt(int p) {
        if (!isAlpha(s.charAt(p))) return null;
        return Token.lookup(s.b, p, s.nameEnd(p));
    }

    /** Consumes the word of the last {@link #peekToken()}. */
    void take() { s.pos = tokenEnd; }

    /** The first significant character after the last peeked word. */
    int afterToken() { return s.nextSignificant(tokenEnd); }

    static boolean isRelation(int c) { return c == '=' || c == '>' || c == '<' || c == '#'; }

    /** EQUAL = LWSP "=" LWSP. */
    void equal(int start) {
        s.skipLwsp();
        if (s.peek() != '=') throw s.expected("'='", start);
        s.pos++;
        s.skipLwsp();
    }

    /** LBRKT = LWSP "{" LWSP. */
    void lbrkt(int start) {
        s.skipLwsp();
        if (s.peek() != '{') throw s.expected("'{'", start);
        s.open();
        s.skipLwsp();
    }

    /** RBRKT = LWSP "}" LWSP. */
    void rbrkt(int start) {
        s.skipLwsp();
        if (s.peek() != '}') throw s.expected("'}'", start);
        s.close();
        s.skipLwsp();
    }

    /** COMMA = LWSP "," LWSP. */
    void comma(int start) {
        s.skipLwsp();
        if (s.peek() != ',') throw s.expected("','", start);
        s.pos++;
        s.skipLwsp();
    }

    /** True (after the LWSP) when the next significant character is {@code c}; consumes only LWSP. */
    boolean nextIs(char c) {
        s.skipLwsp();
        return s.peek() == c;
    }

    /**
     * After one item of {@code item *(COMMA item) closer}: consumes a COMMA and returns true, or consumes the closer
     * and returns false. A comma right before the closer is a {@link Deviation.Kind#TRAILING_COMMA}.
     */
    boolean more(int itemStart, char closer) {
        s.skipLwsp();
        int c = s.peek();
        if (c == ',') {
            int commaAt = s.pos;
            s.pos++;
            s.skipLwsp();
            if (s.peek() != closer) return true;
            s.deviation(Deviation.Kind.TRAILING_COMMA, commaAt,
                    "comma before the closing '" + closer + "' after '" + s.excerpt(itemStart, commaAt) + "'");
        } else if (c != closer) {
            throw s.expected("',' or '" + closer + "'", itemStart);
        }
        if (closer == ']') s.pos++;
        else s.close();
        s.skipLwsp();
        return false;
    }

    /** "{ }" where the ABNF wants at least one item: accepted leniently, then nothing is returned. */
    void emptyBraces(int start) {
        s.deviation(Deviation.Kind.OTHER, s.pos, "empty '{ }' after '" + s.excerpt(start, s.pos)
                + "': the ABNF requires at least one item inside the braces");
        s.close();
        s.skipLwsp();
    }

    /** "unknown descriptor 'Medai' in Modify", or an "expected" when what follows is not a word. */
    ParseFailure unknown(String kind, String where, int at) {
        if (isAlpha(s.charAt(at))) return s.fail(at, "unknown " + kind + " '" + s.word(at) + "' in " + where);
        return s.fail(at, "expected " + kind + " in " + where + " but found " + s.found(at));
    }

    /** 1*maxDigits DIGIT with a value of at most {@code max}. */
    long number(int maxDigits, long max, String what, int start) {
        int p = s.pos;
        long v = 0;
        while (p < s.end && isDigit(s.at(p))) {
            if (p - s.pos >= maxDigits) {
                throw s.fail(s.pos, what + " " + s.word(s.pos) + " is out of range (0.." + max + ")");
            }
            v = v * 10 + (s.at(p) - '0');
            p++;
        }
        if (p == s.pos) throw s.expected(what, start);
        if (v > max) throw s.fail(s.pos, what + " " + v + " is out of range (0.." + max + ")");
        s.pos = p;
        return v;
    }

    long uint32(String what, int start) { return number(10, 0xFFFFFFFFL, what, start); }

    int uint16(String what, int start) { return (int) number(5, 0xFFFF, what, start); }

    /** "ON" / "OFF". */
    boolean onOff(int start) {
        s.skipLwsp();
        int e = s.nameEnd(s.pos);
        if (s.wordIs(s.pos, e, "ON")) {
            s.pos = e;
            return true;
        }
        if (s.wordIs(s.pos, e, "OFF")) {
            s.pos = e;
            return false;
        }
        throw s.expected("ON or OFF", start);
    }

    // ================================================================ values

    /**
     * VALUE = quotedString / 1*(SafeChar / %x80-FF), kept as written. An unquoted one is looked up among the
     * values read before (parameter values come from small sets: on, off, state, a gain...).
     */
    String value(int start) {
        return value(start, true);
    }

    /** VALUE; {@code recent}: false for a value that changes from message to message, such as a statistic. */
    String value(int start, boolean recent) {
        int v = s.pos;
        int c = s.peek();
        if (c == '"') return quotedString();
        int p = v;
        final byte[] b = s.b;
        final int end = s.end;
        if (parenDepth == 0) {
            while (p < end && TextScanner.isValueOctet(b[p])) p++;
        } else {
            int balance = 0;
            while (p < end) {
                int ch = b[p] & 0xFF;
                if (!TextScanner.isValueChar(ch)) break;
                if (ch == '(') balance++;
                else if (ch == ')' && balance-- == 0) break;
                p++;
            }
        }
        if (p == v) throw s.expected("a value", start);
        s.pos = p;
        return recent ? s.name(v, p) : s.string(v, p);
    }

    /** quotedString = DQUOTE *(SafeChar / RestChar / WSP / EOL / %x80-FF) DQUOTE, with its quotes. */
    String quotedString() {
        int q = s.pos;
        int p = q + 1;
        while (true) {
            if (p >= s.end) throw s.fail(q, "the quoted string starting here is never closed");
            int ch = s.at(p);
            if (ch == '"') break;
            if ((ch < 0x20 && ch != '\t' && ch != '\r' && ch != '\n') || ch == 0x7F || ch > 0xFF) {
                throw s.fail(p, String.format("octet 0x%02X is not allowed in a quoted string", (int) ch));
            }
            p++;
        }
        s.pos = p + 1;
        return s.string(q, p + 1);
    }

    /**
     * parmValue = (EQUAL alternativeValue) / (INEQUAL VALUE);
     * alternativeValue = VALUE / LSBRKT VALUE *(COMMA VALUE) RSBRKT / LBRKT VALUE *(COMMA VALUE) RBRKT /
     * LSBRKT VALUE COLON VALUE RSBRKT.
     */
    ParmValue parmValue(int start) {
        s.skipLwsp();
        int c = s.peek();
        ParmValue.Relation relation;
        switch (c) {
            case '=' -> relation = ParmValue.Relation.EQUAL;
            case '>' -> relation = ParmValue.Relation.GREATER;
            case '<' -> relation = ParmValue.Relation.LESS;
            case '#' -> relation = ParmValue.Relation.NOT_EQUAL;
            default -> throw s.expected("'=', '>', '<' or '#'", start);
        }
        s.pos++;
        s.skipLwsp();
        if (relation != ParmValue.Relation.EQUAL) return new ParmValue.Single(relation, value(start));
        c = s.peek();
        if (c == '[') {
            s.pos++;
            s.skipLwsp();
            int itemStart = s.pos;
            String first = value(start);
            int afterFirst = s.pos;
            int colon = s.lwspEnd(afterFirst);
            if (s.charAt(colon) == ':') {
                // COLON has no LWSP around it
                if (colon != afterFirst || TextScanner.isWhite(s.charAt(colon + 1)) || s.charAt(colon + 1) == ';') {
                    s.deviation(Deviation.Kind.OTHER, afterFirst, "white space around ':' in the range '"
                            + s.excerpt(itemStart, s.lwspEnd(colon + 1) + 1) + "...'");
                }
                s.pos = colon + 1;
                s.skipLwsp();
                String second = value(start);
                s.skipLwsp();
                if (s.peek() != ']') throw s.expected("']'", start);
                s.pos++;
                s.skipLwsp();
                return new ParmValue.Range(first, second);
            }
            int valuesMark = mark();
            push(first);
            while (more(itemStart, ']')) {
                itemStart = s.pos;
                push(value(start));
            }
            return new ParmValue.AllOf(popList(valuesMark));
        }
        if (c == '{') {
            s.open();
            s.skipLwsp();
            int valuesMark = mark();
            int itemStart;
            do {
                itemStart = s.pos;
                push(value(start));
            } while (more(itemStart, '}'));
            return new ParmValue.OneOf(popList(valuesMark));
        }
        return new ParmValue.Single(relation, value(start));
    }

    /** pkgdName = (PackageName SLASH ItemID) / (PackageName SLASH "*") / ("*" SLASH "*"). */
    String pkgdName(String what, int start) {
        int p = s.pos;
        int c = s.peek();
        if (c == '*') {
            if (s.charAt(p + 1) != '/' || s.charAt(p + 2) != '*') throw s.expected(what + " (package/item)", start);
            s.pos = p + 3;
            return "*/*";
        }
        if (!isAlpha(c)) throw s.expected(what + " (package/item)", start);
        int e = p == peekedAt ? peekedEnd : s.nameEnd(p);
        if (s.charAt(e) != '/') {
            throw s.fail(e, "expected '/' after the package name '" + s.string(p, e) + "' but found "
                    + s.found(e));
        }
        e++;
        if (s.charAt(e) == '*') e++;
        else if (isAlpha(s.charAt(e))) e = s.nameEnd(e);
        else throw s.fail(e, "expected an item name or '*' after '" + s.string(p, e) + "' but found "
                    + s.found(e));
        s.pos = e;
        return s.name(p, e);
    }

    /** True when a pkgdName starts at {@code pos} (a NAME followed by '/', or "*&#47;"). */
    boolean atPkgdName() {
        int c = s.peek();
        if (c == '*') return s.charAt(s.pos + 1) == '/';
        if (!isAlpha(c)) return false;
        peekToken(); // reads the NAME once for this and for the token or pkgdName that the caller reads next
        return s.charAt(tokenEnd) == '/';
    }

    /** propertyParm = pkgdName parmValue. */
    PropertyParm propertyParm() {
        int start = s.pos;
        String name = pkgdName("a property", start);
        return parameter(name, start, start);
    }

    /**
     * The parmValue after {@code name} (which starts at {@code nameAt}; errors name what was read from
     * {@code start}) and the PropertyParm of both. Written the usual
     * way, {@code name=value} without white space, the parameter made for the same octets before is handed back
     * from {@link RecentValues} (a peer sets the same parameters again and again: {@code strict=state},
     * {@code tdmc/ec=on}).
     */
    private PropertyParm parameter(String name, int nameAt, int start) {
        int eq = s.pos;
        if (s.charAt(eq) == '=' && TextScanner.isValueChar(s.charAt(eq + 1))) {
            // EQUAL and a plain VALUE (not a list, not a quoted string): what parmValue reads as a Single
            s.pos = eq + 1;
            String value = value(start);
            int end = s.pos;
            if (end - nameAt > RecentValues.MAX_OCTETS) {
                return new PropertyParm(name, new ParmValue.Single(ParmValue.Relation.EQUAL, value));
            }
            Object v = s.recent.find(s.b, nameAt, end, RecentValues.PARAMETER);
            return v != null ? (PropertyParm) v
                    : s.recent.keep(new PropertyParm(name, new ParmValue.Single(ParmValue.Relation.EQUAL, value)));
        }
        return new PropertyParm(name, parmValue(start));
    }

    /** NAME parmValue: eventOther, sigOther (the parameter NAME has no package); {@code owner} names the event/signal. */
    PropertyParm otherParameter(String ownerKind, String owner, int start) {
        if (!isAlpha(s.peek())) throw s.expected("a parameter of the " + ownerKind + " '" + owner + "'", start);
        int nameAt = s.pos;
        int e = s.nameEnd(nameAt);
        String name = s.name(nameAt, e);
        s.pos = e;
        return parameter(name, nameAt, start);
    }

    /** extensionParameter = "X" ("-" / "+") 1*6(ALPHA / DIGIT). */
    boolean atExtension() {
        int c = s.peek();
        int d = s.charAt(s.pos + 1);
        return (c == 'X' || c == 'x') && (d == '-' || d == '+');
    }

    String extensionParameter(int start) {
        int p = s.pos + 2;
        int q = p;
        while (isAlpha(s.charAt(q)) || isDigit(s.charAt(q))) q++;
        if (q == p) throw s.fail(p, "expected the name of the extension after '" + s.string(s.pos, p)
                + "' but found " + s.found(p));
        if (q - p > 6) {
            s.deviation(Deviation.Kind.OTHER, s.pos, "extension name '" + s.string(s.pos, q)
                    + "' is longer than X- and 6 characters");
        }
        String name = s.string(s.pos, q);
        s.pos = q;
        return name;
    }

    /** TimeStamp = Date "T" Time, 8 digits each. */
    TimeStamp timeStamp() {
        int p = s.pos;
        for (int i = 0; i < 8; i++) {
            if (!isDigit(s.charAt(p + i))) throw s.fail(p, "a time stamp is yyyymmddThhmmssss; found " + s.found(p));
        }
        int t = s.charAt(p + 8);
        if (t != 'T' && t != 't') throw s.fail(p + 8, "expected 'T' after the 8 digits of the date but found "
                + s.found(p + 8));
        for (int i = 9; i < 17; i++) {
            if (!isDigit(s.charAt(p + i))) throw s.fail(p + 9, "a time stamp is yyyymmddThhmmssss; found "
                    + s.found(p + 9));
        }
        if (isDigit(s.charAt(p + 17))) throw s.fail(p + 9, "the time of a time stamp has 8 digits (hhmmssss)");
        s.pos = p + 17;
        return new TimeStamp(s.string(p, p + 8), s.string(p + 9, p + 17));
    }

    /** RequestID = UINT32 / "*". */
    RequestId requestId(int start) {
        if (s.peek() == '*') {
            s.pos++;
            return RequestId.ALL;
        }
        int p = s.pos;
        long id = uint32("a request id", start);
        // an Events descriptor's id comes back in the Notify of its events: the one made before
        Object v = s.recent.find(s.b, p, s.pos, RecentValues.REQUEST_ID);
        return v != null ? (RequestId) v : s.recent.keep(RequestId.of(id));
    }

    /** Version = 1*2(DIGIT). */
    int versionNumber(int start) { return (int) number(2, 99, "a version number", start); }

    // ================================================================ termination ids

    /**
     * termIDList = TerminationID / LSBRKT TerminationID 1*(COMMA TerminationID) RSBRKT (v3).
     */
    List<TerminationId> termIdList(int start) {
        if (s.peek() != '[') return oneTerminationId(start);
        s.pos++;
        s.skipLwsp();
        int idsMark = mark();
        int itemStart;
        do {
            itemStart = s.pos;
            push(terminationId(start));
        } while (more(itemStart, ']'));
        if ((top - idsMark) == 1) {
            s.deviation(Deviation.Kind.OTHER, start, "a '[ ]' termination id list with a single id in '"
                    + s.excerpt(start, s.pos) + "' (termIDList needs two or more)");
        }
        return popList(idsMark);
    }

    /** TerminationID = "ROOT" / pathNAME / "$" / "*". */
    TerminationId terminationId(int start) {
        int p = s.pos;
        int e = terminationIdEnd(start);
        if (e < 0) return e == CHOOSE ? TerminationId.CHOOSE : TerminationId.ALL;
        if (e - p > RecentValues.MAX_OCTETS) return new TerminationId(s.string(p, e));
        Object v = s.recent.find(s.b, p, e, RecentValues.TERMINATION_ID);
        return v != null ? (TerminationId) v : s.recent.keep(new TerminationId(s.string(p, e)));
    }

    private static final List<TerminationId> CHOOSE_LIST = List.of(TerminationId.CHOOSE);
    private static final List<TerminationId> ALL_LIST = List.of(TerminationId.ALL);

    /**
     * One TerminationID as the one-id list a command holds: the list made for the same octets before when there
     * is one (a command names one termination, and a peer names the same ones again and again).
     */
    @SuppressWarnings("unchecked")
    List<TerminationId> oneTerminationId(int start) {
        int p = s.pos;
        int e = terminationIdEnd(start);
        if (e < 0) return e == CHOOSE ? CHOOSE_LIST : ALL_LIST;
        if (e - p > RecentValues.MAX_OCTETS) return List.of(new TerminationId(s.string(p, e)));
        Object v = s.recent.find(s.b, p, e, RecentValues.TERMINATION_ID_LIST);
        return v != null ? (List<TerminationId>) v
                : s.recent.keep(List.of(new TerminationId(s.string(p, e))));
    }

    private static final int CHOOSE = -1;
    private static final int ALL = -2;

    /** Reads a TerminationID: its end, or {@link #CHOOSE} for "$", {@link #ALL} for "*". */
    private int terminationIdEnd(int start) {
        int p = s.pos;
        int c = s.peek();
        if (c == '$') {
            s.pos++;
            return CHOOSE;
        }
        if (c == '*' && !isAlpha(s.charAt(p + 1))) {
            s.pos++;
            return ALL;
        }
        if (!(isAlpha(c) || c == '*' || isDigit(c))) throw s.expected("a termination id", start);
        int e = MIdReader.pathNameEnd(s, p, "termination id"); // reports the deviations, every time
        s.pos = e;
        return e;
    }

    /** terminationIDList = LBRKT TerminationID *(COMMA TerminationID) RBRKT. */
    List<TerminationId> terminationIdBraces(int start) {
        lbrkt(start);
        int idsMark = mark();
        int itemStart;
        do {
            itemStart = s.pos;
            push(terminationId(start));
        } while (more(itemStart, '}'));
        return popList(idsMark);
    }
}
