package dev.holdfast.h248.text;

import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.AuditDescriptor;
import dev.holdfast.h248.message.AuditReturnItem;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.CommandRequest;
import dev.holdfast.h248.message.ContextAuditItem;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.ContextProperty;
import dev.holdfast.h248.message.Descriptor;
import dev.holdfast.h248.message.DigitMapDescriptor;
import dev.holdfast.h248.message.DigitMapValue;
import dev.holdfast.h248.message.ErrorDescriptor;
import dev.holdfast.h248.message.EventBufferDescriptor;
import dev.holdfast.h248.message.EventParameter;
import dev.holdfast.h248.message.EventsDescriptor;
import dev.holdfast.h248.message.KeepActive;
import dev.holdfast.h248.message.LocalControlDescriptor;
import dev.holdfast.h248.message.LocalDescriptor;
import dev.holdfast.h248.message.LocalParm;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.MediaDescriptor;
import dev.holdfast.h248.message.MediaParm;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.MessageBody;
import dev.holdfast.h248.message.ModemDescriptor;
import dev.holdfast.h248.message.MuxDescriptor;
import dev.holdfast.h248.message.ObservedEventParameter;
import dev.holdfast.h248.message.ObservedEventsDescriptor;
import dev.holdfast.h248.message.PackagesDescriptor;
import dev.holdfast.h248.message.ParmValue;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.RemoteDescriptor;
import dev.holdfast.h248.message.RequestId;
import dev.holdfast.h248.message.RequestedEvent;
import dev.holdfast.h248.message.ServiceChangeParm;
import dev.holdfast.h248.message.SignalParameter;
import dev.holdfast.h248.message.SignalParm;
import dev.holdfast.h248.message.SignalsDescriptor;
import dev.holdfast.h248.message.StatisticsDescriptor;
import dev.holdfast.h248.message.StreamDescriptor;
import dev.holdfast.h248.message.StreamParm;
import dev.holdfast.h248.message.StreamRef;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.TerminationStateDescriptor;
import dev.holdfast.h248.message.TerminationStateParm;
import dev.holdfast.h248.message.TimeStamp;
import dev.holdfast.h248.message.TopologyDescriptor;
import dev.holdfast.h248.message.Transaction;

import java.util.ArrayList;
import java.util.List;

import static dev.holdfast.h248.text.TextScanner.isAlpha;
import static dev.holdfast.h248.text.TextScanner.isDigit;

/**
 * The H.248.1 text decoder: a recursive-descent reading of the Annex B ABNF (RFC 3525 for v1, with the v2 and v3
 * additions), one method per production, producing the {@code message} model.
 *
 * <p>Versions: the decoder accepts the union of the v1, v2 and v3 grammars whatever the version in the header
 * (e.g. a bare {@code Signals} (v3) and {@code Signals { }} (v1) are both accepted); only what no version allows is
 * an error or, in lenient mode, a {@link Deviation}.
 *
 * <p>Restrictions the ABNF states only in comments are not enforced, except: a ServiceChange request needs a
 * Method and a Reason ("serviceChangeMethod and serviceChangeReason are REQUIRED"; B.2 Note 1 says such
 * restrictions are part of the protocol), and the Reason "MUST be encoded using the quotedString form". These are
 * deviations, so strict mode rejects them and lenient mode reports them.
 *
 * <p>Mapping choices where the model has more than one way to hold the wire form:
 * <ul>
 *   <li>a bare descriptor token in a reply's terminationAudit ({@code Media}, {@code Events}, {@code Signals},
 *       {@code DigitMap}, ...) is an {@link AuditReturnItem}; in a request, a bare {@code Events},
 *       {@code EventBuffer} or {@code Signals} is the empty descriptor;</li>
 *   <li>{@code ContextAttr { a, b }} becomes one context property per attribute, in order;</li>
 *   <li>a v3 {@code [id, id]} termination list and a single id are both a list of ids.</li>
 * </ul>
 */
final class MessageParser {
    private static final SignalsDescriptor NO_SIGNALS = new SignalsDescriptor(List.of());
    private static final EventBufferDescriptor NO_EVENT_BUFFER = new EventBufferDescriptor(List.of());
    private static final EventsDescriptor NO_EVENTS = new EventsDescriptor(null, List.of());
    private static final EventParameter RESET_EVENTS = new EventParameter.ResetEventsDescriptor();
    private static final AuditReturnItem[] RETURN_ITEMS = new AuditReturnItem[AuditDescriptor.Item.values().length];
    private static final LocalControlDescriptor.StreamMode[] MODES =
            new LocalControlDescriptor.StreamMode[LocalControlDescriptor.Mode.values().length];

    static {
        for (AuditDescriptor.Item i : AuditDescriptor.Item.values()) RETURN_ITEMS[i.ordinal()] = new AuditReturnItem(i);
        for (LocalControlDescriptor.Mode m : LocalControlDescriptor.Mode.values()) {
            MODES[m.ordinal()] = new LocalControlDescriptor.StreamMode(m);
        }
    }

    private final TextScanner s;
    private final DecodeOptions options;
    private Integer version;
    private MId mid;
    private final List<Long> requestIds = new ArrayList<>(2);
    /** End of the word read by the last {@link #peekToken()}. */
    private int tokenEnd;
    /** Above 0 inside a lenient "( ... )" parameter list: a VALUE then ends at an unbalanced ')'. */
    private int parenDepth;

    private MessageParser(String text, DecodeOptions options) {
        this.s = new TextScanner(text, options);
        this.options = options;
    }

    /** Decodes one message; never throws for any input. */
    static DecodeResult parse(CharSequence text, DecodeOptions options) {
        String str = text == null ? "" : text.toString();
        MessageParser p = new MessageParser(str, options);
        if (str.length() > options.maxMessageBytes()) {
            return p.failed(options.maxMessageBytes(), "message of " + str.length()
                    + " octets exceeds the limit of " + options.maxMessageBytes());
        }
        try {
            Message m = p.message();
            return new DecodeResult.Decoded(m, p.s.deviations());
        } catch (ParseFailure f) {
            return p.failed(f.offset, f.reason);
        } catch (RuntimeException | StackOverflowError e) {
            // Last resort: a decoder bug must not escape to the transport.
            return p.failed(Math.min(p.s.pos, str.length()), "internal decoder error: " + e);
        }
    }

    private DecodeResult.Failed failed(int offset, String reason) {
        int[] lc = s.lineColumn(offset);
        return new DecodeResult.Failed(new SyntaxError(offset, lc[0], lc[1], reason), version, mid, requestIds);
    }

    // ================================================================ lexical helpers

    /** The token spelled by the NAME at {@code pos} (not consumed; see {@link #take()}), or null. */
    private Token peekToken() {
        int p = s.pos;
        if (!isAlpha(s.charAt(p))) {
            tokenEnd = p;
            return null;
        }
        int e = s.nameEnd(p);
        tokenEnd = e;
        return Token.lookup(s.text, p, e);
    }

    /** The token at {@code p}, without touching the parser state. */
    private Token tokenAt(int p) {
        if (!isAlpha(s.charAt(p))) return null;
        return Token.lookup(s.text, p, s.nameEnd(p));
    }

    /** Consumes the word of the last {@link #peekToken()}. */
    private void take() { s.pos = tokenEnd; }

    /** The first significant character after the last peeked word. */
    private int afterToken() { return s.nextSignificant(tokenEnd); }

    private static boolean isRelation(int c) { return c == '=' || c == '>' || c == '<' || c == '#'; }

    /** EQUAL = LWSP "=" LWSP. */
    private void equal(int start) {
        s.skipLwsp();
        if (s.peek() != '=') throw s.expected("'='", start);
        s.pos++;
        s.skipLwsp();
    }

    /** LBRKT = LWSP "{" LWSP. */
    private void lbrkt(int start) {
        s.skipLwsp();
        if (s.peek() != '{') throw s.expected("'{'", start);
        s.open();
        s.skipLwsp();
    }

    /** RBRKT = LWSP "}" LWSP. */
    private void rbrkt(int start) {
        s.skipLwsp();
        if (s.peek() != '}') throw s.expected("'}'", start);
        s.close();
        s.skipLwsp();
    }

    /** COMMA = LWSP "," LWSP. */
    private void comma(int start) {
        s.skipLwsp();
        if (s.peek() != ',') throw s.expected("','", start);
        s.pos++;
        s.skipLwsp();
    }

    /** True (after the LWSP) when the next significant character is {@code c}; consumes only LWSP. */
    private boolean nextIs(char c) {
        s.skipLwsp();
        return s.peek() == c;
    }

    /**
     * After one item of {@code item *(COMMA item) closer}: consumes a COMMA and returns true, or consumes the closer
     * and returns false. A comma right before the closer is a {@link Deviation.Kind#TRAILING_COMMA}.
     */
    private boolean more(int itemStart, char closer) {
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
    private void emptyBraces(int start) {
        s.deviation(Deviation.Kind.OTHER, s.pos, "empty '{ }' after '" + s.excerpt(start, s.pos)
                + "': the ABNF requires at least one item inside the braces");
        s.close();
        s.skipLwsp();
    }

    /** "unknown descriptor 'Medai' in Modify", or an "expected" when what follows is not a word. */
    private ParseFailure unknown(String kind, String where, int at) {
        if (isAlpha(s.charAt(at))) return s.fail(at, "unknown " + kind + " '" + s.word(at) + "' in " + where);
        return s.fail(at, "expected " + kind + " in " + where + " but found " + s.found(at));
    }

    /** 1*maxDigits DIGIT with a value of at most {@code max}. */
    private long number(int maxDigits, long max, String what, int start) {
        int p = s.pos;
        long v = 0;
        while (p < s.end && isDigit(s.text.charAt(p))) {
            if (p - s.pos >= maxDigits) {
                throw s.fail(s.pos, what + " " + s.word(s.pos) + " is out of range (0.." + max + ")");
            }
            v = v * 10 + (s.text.charAt(p) - '0');
            p++;
        }
        if (p == s.pos) throw s.expected(what, start);
        if (v > max) throw s.fail(s.pos, what + " " + v + " is out of range (0.." + max + ")");
        s.pos = p;
        return v;
    }

    private long uint32(String what, int start) { return number(10, 0xFFFFFFFFL, what, start); }

    private int uint16(String what, int start) { return (int) number(5, 0xFFFF, what, start); }

    /** "ON" / "OFF". */
    private boolean onOff(int start) {
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

    /** VALUE = quotedString / 1*(SafeChar / %x80-FF), kept as written. */
    private String value(int start) {
        int v = s.pos;
        int c = s.peek();
        if (c == '"') return quotedString();
        int p = v;
        int balance = 0;
        while (p < s.end) {
            char ch = s.text.charAt(p);
            if (!TextScanner.isValueChar(ch)) break;
            if (parenDepth > 0) {
                if (ch == '(') balance++;
                else if (ch == ')' && balance-- == 0) break;
            }
            p++;
        }
        if (p == v) throw s.expected("a value", start);
        s.pos = p;
        return s.text.substring(v, p);
    }

    /** quotedString = DQUOTE *(SafeChar / RestChar / WSP / EOL / %x80-FF) DQUOTE, with its quotes. */
    private String quotedString() {
        int q = s.pos;
        int p = q + 1;
        while (true) {
            if (p >= s.end) throw s.fail(q, "the quoted string starting here is never closed");
            char ch = s.text.charAt(p);
            if (ch == '"') break;
            if ((ch < 0x20 && ch != '\t' && ch != '\r' && ch != '\n') || ch == 0x7F || ch > 0xFF) {
                throw s.fail(p, String.format("octet 0x%02X is not allowed in a quoted string", (int) ch));
            }
            p++;
        }
        s.pos = p + 1;
        return s.text.substring(q, p + 1);
    }

    /**
     * parmValue = (EQUAL alternativeValue) / (INEQUAL VALUE);
     * alternativeValue = VALUE / LSBRKT VALUE *(COMMA VALUE) RSBRKT / LBRKT VALUE *(COMMA VALUE) RBRKT /
     * LSBRKT VALUE COLON VALUE RSBRKT.
     */
    private ParmValue parmValue(int start) {
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
            List<String> values = new ArrayList<>(4);
            values.add(first);
            while (more(itemStart, ']')) {
                itemStart = s.pos;
                values.add(value(start));
            }
            return new ParmValue.AllOf(values);
        }
        if (c == '{') {
            s.open();
            s.skipLwsp();
            List<String> values = new ArrayList<>(4);
            int itemStart;
            do {
                itemStart = s.pos;
                values.add(value(start));
            } while (more(itemStart, '}'));
            return new ParmValue.OneOf(values);
        }
        return new ParmValue.Single(relation, value(start));
    }

    /** pkgdName = (PackageName SLASH ItemID) / (PackageName SLASH "*") / ("*" SLASH "*"). */
    private String pkgdName(String what, int start) {
        int p = s.pos;
        int c = s.peek();
        if (c == '*') {
            if (s.charAt(p + 1) != '/' || s.charAt(p + 2) != '*') throw s.expected(what + " (package/item)", start);
            s.pos = p + 3;
            return "*/*";
        }
        if (!isAlpha(c)) throw s.expected(what + " (package/item)", start);
        int e = s.nameEnd(p);
        if (s.charAt(e) != '/') {
            throw s.fail(e, "expected '/' after the package name '" + s.text.substring(p, e) + "' but found "
                    + s.found(e));
        }
        e++;
        if (s.charAt(e) == '*') e++;
        else if (isAlpha(s.charAt(e))) e = s.nameEnd(e);
        else throw s.fail(e, "expected an item name or '*' after '" + s.text.substring(p, e) + "' but found "
                    + s.found(e));
        s.pos = e;
        return s.text.substring(p, e);
    }

    /** True when a pkgdName starts at {@code pos} (a NAME followed by '/', or "*&#47;"). */
    private boolean atPkgdName() {
        int c = s.peek();
        if (c == '*') return s.charAt(s.pos + 1) == '/';
        return isAlpha(c) && s.charAt(s.nameEnd(s.pos)) == '/';
    }

    /** propertyParm = pkgdName parmValue. */
    private PropertyParm propertyParm() {
        int start = s.pos;
        String name = pkgdName("a property", start);
        return new PropertyParm(name, parmValue(start));
    }

    /** NAME parmValue: eventOther, sigOther (the parameter NAME has no package). */
    private PropertyParm otherParameter(String what, int start) {
        if (!isAlpha(s.peek())) throw s.expected(what, start);
        int e = s.nameEnd(s.pos);
        String name = s.text.substring(s.pos, e);
        s.pos = e;
        return new PropertyParm(name, parmValue(start));
    }

    /** extensionParameter = "X" ("-" / "+") 1*6(ALPHA / DIGIT). */
    private boolean atExtension() {
        int c = s.peek();
        int d = s.charAt(s.pos + 1);
        return (c == 'X' || c == 'x') && (d == '-' || d == '+');
    }

    private String extensionParameter(int start) {
        int p = s.pos + 2;
        int q = p;
        while (isAlpha(s.charAt(q)) || isDigit(s.charAt(q))) q++;
        if (q == p) throw s.fail(p, "expected the name of the extension after '" + s.text.substring(s.pos, p)
                + "' but found " + s.found(p));
        if (q - p > 6) {
            s.deviation(Deviation.Kind.OTHER, s.pos, "extension name '" + s.text.substring(s.pos, q)
                    + "' is longer than X- and 6 characters");
        }
        String name = s.text.substring(s.pos, q);
        s.pos = q;
        return name;
    }

    /** TimeStamp = Date "T" Time, 8 digits each. */
    private TimeStamp timeStamp() {
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
        return new TimeStamp(s.text.substring(p, p + 8), s.text.substring(p + 9, p + 17));
    }

    /** RequestID = UINT32 / "*". */
    private RequestId requestId(int start) {
        if (s.peek() == '*') {
            s.pos++;
            return RequestId.ALL;
        }
        return RequestId.of(uint32("a request id", start));
    }

    /** Version = 1*2(DIGIT). */
    private int versionNumber(int start) { return (int) number(2, 99, "a version number", start); }

    // ================================================================ message

    /** megacoMessage = LWSP [authenticationHeader SEP] message; message = MegacopToken SLASH Version SEP mId SEP messageBody. */
    private Message message() {
        s.skipLwsp();
        int start = s.pos;
        Message.AuthenticationHeader auth = null;
        if (peekToken() == Token.AUTHENTICATION) {
            auth = authenticationHeader();
            if (!s.skipSep()) throw s.expected("white space after the authentication header", start);
            start = s.pos;
        }
        if (s.peek() == '!') {
            s.pos++;
        } else if (peekToken() == Token.MEGACOP) {
            take();
        } else {
            throw s.fail(start, "expected 'MEGACO/' or '!/' at the start of the message but found " + s.found(start));
        }
        if (s.peek() != '/') throw s.expected("'/' and the protocol version", start);
        s.pos++;
        int versionAt = s.pos;
        int v = versionNumber(start);
        if (v == 0) throw s.fail(versionAt, "protocol version 0 does not exist");
        version = v;
        if (!s.skipSep()) throw s.expected("white space before the mId", start);
        int midStart = s.pos;
        mid = MIdReader.read(s, midStart);
        int afterMid = s.pos;
        if (!s.skipSep()) {
            if (!isAlpha(s.peek())) throw s.expected("white space after the mId", midStart);
            s.deviation(Deviation.Kind.OTHER, afterMid, "no white space between the mId '"
                    + s.excerpt(midStart, afterMid) + "' and the message body");
        }
        return new Message(auth, v, mid, messageBody());
    }

    /** authenticationHeader = AuthToken EQUAL SecurityParmIndex COLON SequenceNum COLON AuthData. */
    private Message.AuthenticationHeader authenticationHeader() {
        int start = s.pos;
        take();
        equal(start);
        String spi = hexField(8, 8, "SecurityParmIndex", start);
        colon(start);
        String seq = hexField(8, 8, "SequenceNum", start);
        colon(start);
        String data = hexField(24, 64, "AuthData", start);
        return new Message.AuthenticationHeader(spi, seq, data);
    }

    private void colon(int start) {
        if (s.peek() != ':') throw s.expected("':'", start);
        s.pos++;
    }

    /** "0x" min*max(HEXDIG), kept as written. */
    private String hexField(int min, int max, String what, int start) {
        int p = s.pos;
        if (s.charAt(p) != '0' || (s.charAt(p + 1) != 'x' && s.charAt(p + 1) != 'X')) {
            throw s.expected(what + " (0x and hex digits)", start);
        }
        int q = p + 2;
        while (TextScanner.isHex(s.charAt(q))) q++;
        int n = q - p - 2;
        if (n < min || n > max) {
            throw s.fail(p, what + " has " + n + " hex digits; it needs " + (min == max ? "" + min : min + " to " + max));
        }
        s.pos = q;
        return s.text.substring(p, q);
    }

    /** messageBody = errorDescriptor / transactionList. */
    private MessageBody messageBody() {
        if (peekToken() == Token.ERROR) {
            ErrorDescriptor error = errorDescriptor();
            s.skipLwsp();
            if (s.pos < s.end && !trailingNuls()) {
                throw s.fail(s.pos, "expected the end of the message after its Error descriptor but found "
                        + s.found(s.pos));
            }
            return new MessageBody.Error(error);
        }
        List<Transaction> transactions = new ArrayList<>(1);
        while (true) {
            int start = s.pos;
            if (transactions.size() == options.maxTransactions()) {
                throw s.fail(start, "more than " + options.maxTransactions() + " transactions in one message");
            }
            Token t = peekToken();
            Transaction tx;
            if (t == Token.TRANSACTION) tx = transactionRequest(start);
            else if (t == Token.REPLY) tx = transactionReply(start);
            else if (t == Token.PENDING) tx = transactionPending(start);
            else if (t == Token.RESPONSE_ACK) tx = transactionResponseAck(start);
            else if (t == Token.SEGMENT) tx = segmentReply(start);
            else if (transactions.isEmpty()) {
                throw s.fail(start, "expected a transaction (Transaction, Reply, Pending, TransactionResponseAck or"
                        + " Segment) or an Error descriptor but found " + s.found(start));
            } else {
                throw s.fail(start, "expected another transaction or the end of the message but found "
                        + s.found(start));
            }
            transactions.add(tx);
            s.skipLwsp();
            if (s.pos >= s.end || trailingNuls()) break;
        }
        return new MessageBody.Transactions(transactions);
    }

    /** NUL padding after the message, as some UDP stacks send: a deviation, then the end. */
    private boolean trailingNuls() {
        for (int p = s.pos; p < s.end; p++) {
            if (s.text.charAt(p) != 0) return false;
        }
        s.deviation(Deviation.Kind.OTHER, s.pos, (s.end - s.pos) + " NUL octet(s) after the end of the message");
        s.pos = s.end;
        return true;
    }

    // ================================================================ transactions

    /** transactionRequest = TransToken EQUAL TransactionID LBRKT actionRequest *(COMMA actionRequest) RBRKT. */
    private Transaction.Request transactionRequest(int start) {
        take();
        equal(start);
        long id = uint32("a transaction id", start);
        requestIds.add(id);
        lbrkt(start);
        List<ActionRequest> actions = new ArrayList<>(1);
        int itemStart;
        do {
            itemStart = s.pos;
            if (actions.size() == options.maxActions()) {
                throw s.fail(itemStart, "more than " + options.maxActions() + " actions in transaction " + id);
            }
            actions.add(actionRequest(start));
        } while (more(itemStart, '}'));
        return new Transaction.Request(id, actions);
    }

    /**
     * transactionReply = ReplyToken EQUAL TransactionID [SLASH segmentNumber [SLASH SegmentationCompleteToken]]
     * LBRKT [ImmAckRequiredToken COMMA] (errorDescriptor / actionReplyList) RBRKT.
     */
    private Transaction.Reply transactionReply(int start) {
        take();
        equal(start);
        long id = uint32("a transaction id", start);
        Integer segment = null;
        boolean complete = false;
        if (s.peek() == '/') {
            s.pos++;
            segment = uint16("a segment number", start);
            if (s.peek() == '/') {
                s.pos++;
                segmentationComplete(start);
                complete = true;
            }
        }
        lbrkt(start);
        boolean immAck = false;
        if (peekToken() == Token.IMM_ACK_REQUIRED) {
            take();
            immAck = true;
            comma(start);
        }
        if (peekToken() == Token.ERROR) {
            ErrorDescriptor error = errorDescriptor();
            rbrkt(start);
            return new Transaction.Reply(id, segment, complete, immAck, error, List.of());
        }
        List<ActionReply> actions = new ArrayList<>(1);
        int itemStart;
        do {
            itemStart = s.pos;
            if (actions.size() == options.maxActions()) {
                throw s.fail(itemStart, "more than " + options.maxActions() + " actions in reply " + id);
            }
            actions.add(actionReply(start));
        } while (more(itemStart, '}'));
        return new Transaction.Reply(id, segment, complete, immAck, null, actions);
    }

    /** SegmentationCompleteToken = "END" / "&". */
    private void segmentationComplete(int start) {
        if (s.peek() == '&') {
            s.pos++;
        } else if (peekToken() == Token.SEGMENTATION_COMPLETE) {
            take();
        } else {
            throw s.expected("'END' or '&'", start);
        }
    }

    /** transactionPending = PendingToken EQUAL TransactionID LBRKT RBRKT. */
    private Transaction.Pending transactionPending(int start) {
        take();
        equal(start);
        long id = uint32("a transaction id", start);
        lbrkt(start);
        rbrkt(start);
        return new Transaction.Pending(id);
    }

    /**
     * transactionResponseAck = ResponseAckToken LBRKT transactionAck *(COMMA transactionAck) RBRKT;
     * transactionAck = TransactionID / (TransactionID "-" TransactionID).
     */
    private Transaction.ResponseAck transactionResponseAck(int start) {
        take();
        lbrkt(start);
        List<Transaction.AckRange> acks = new ArrayList<>(2);
        int itemStart;
        do {
            itemStart = s.pos;
            long first = uint32("a transaction id", start);
            long last = first;
            int dash = s.lwspEnd(s.pos);
            if (s.charAt(dash) == '-') {
                if (dash != s.pos || TextScanner.isWhite(s.charAt(dash + 1))) {
                    s.deviation(Deviation.Kind.OTHER, s.pos, "white space around '-' in the acknowledged range '"
                            + s.excerpt(itemStart, s.lwspEnd(dash + 1) + 1) + "...'");
                }
                s.pos = dash + 1;
                s.skipLwsp();
                last = uint32("the last transaction id of the range", itemStart);
            }
            acks.add(new Transaction.AckRange(first, last));
        } while (more(itemStart, '}'));
        return new Transaction.ResponseAck(acks);
    }

    /** segmentReply = MessageSegmentToken EQUAL TransactionID SLASH segmentNumber [SLASH SegmentationCompleteToken]. */
    private Transaction.SegmentReply segmentReply(int start) {
        take();
        equal(start);
        long id = uint32("a transaction id", start);
        if (s.peek() != '/') throw s.expected("'/' and a segment number", start);
        s.pos++;
        int segment = uint16("a segment number", start);
        boolean complete = false;
        if (s.peek() == '/') {
            s.pos++;
            segmentationComplete(start);
            complete = true;
        }
        return new Transaction.SegmentReply(id, segment, complete);
    }

    // ================================================================ actions

    /** ContextID = UINT32 / "*" / "-" / "$". */
    private ContextId contextId(int start) {
        switch (s.peek()) {
            case '-' -> {
                s.pos++;
                return ContextId.NULL;
            }
            case '$' -> {
                s.pos++;
                return ContextId.CHOOSE;
            }
            case '*' -> {
                s.pos++;
                return ContextId.ALL;
            }
            default -> {
                if (!isDigit(s.peek())) throw s.expected("a context id (a number, '-', '$' or '*')", start);
                return ContextId.of(uint32("a context id", start));
            }
        }
    }

    private static boolean isCommand(Token t) {
        return t == Token.ADD || t == Token.MOVE || t == Token.MODIFY || t == Token.SUBTRACT
                || t == Token.AUDIT_VALUE || t == Token.AUDIT_CAPABILITY || t == Token.NOTIFY
                || t == Token.SERVICE_CHANGE;
    }

    private static boolean isContextProperty(Token t) {
        return t == Token.TOPOLOGY || t == Token.PRIORITY || t == Token.EMERGENCY || t == Token.EMERGENCY_OFF
                || t == Token.IEPS || t == Token.CONTEXT_ATTR;
    }

    /**
     * actionRequest = CtxToken EQUAL ContextID LBRKT ((contextRequest [COMMA commandRequestList]) /
     * commandRequestList) RBRKT; contextRequest = ((contextProperties [COMMA contextAudit]) / contextAudit).
     */
    private ActionRequest actionRequest(int txStart) {
        int start = s.pos;
        if (peekToken() != Token.CONTEXT) throw s.expected("'Context'", txStart);
        take();
        equal(start);
        ContextId cid = contextId(start);
        lbrkt(start);
        String where = "Context = " + cid;
        List<ContextProperty> properties = List.of();
        List<ContextAuditItem> audit = List.of();
        List<CommandRequest> commands = new ArrayList<>(2);
        int phase = 0; // 0: properties, 1: after ContextAudit, 2: commands
        int itemStart;
        do {
            itemStart = s.pos;
            int c = s.peek();
            boolean prefixed = (c == 'O' || c == 'o' || c == 'W' || c == 'w') && s.charAt(s.pos + 1) == '-';
            Token t = prefixed ? null : peekToken();
            if (prefixed || isCommand(t)) {
                if (commands.size() == options.maxCommands()) {
                    throw s.fail(itemStart, "more than " + options.maxCommands() + " commands in " + where);
                }
                commands.add(commandRequest(where));
                phase = 2;
            } else if (t == Token.CONTEXT_AUDIT) {
                if (phase > 0) throw s.fail(itemStart, "ContextAudit must come before the commands in " + where);
                audit = contextAudit();
                phase = 1;
            } else if (isContextProperty(t)) {
                if (phase > 0) {
                    throw s.fail(itemStart, "context property '" + s.word(itemStart)
                            + "' must come before ContextAudit and the commands in " + where);
                }
                if (properties.isEmpty()) properties = new ArrayList<>(2);
                contextProperty(t, properties);
            } else {
                throw unknown("command", where, itemStart);
            }
        } while (more(itemStart, '}'));
        return new ActionRequest(cid, properties, audit, commands);
    }

    /**
     * actionReply = CtxToken EQUAL ContextID [LBRKT (errorDescriptor / commandReply / (commandReply COMMA
     * errorDescriptor)) RBRKT]; commandReply = (contextProperties [COMMA commandReplyList]) / commandReplyList.
     */
    private ActionReply actionReply(int txStart) {
        int start = s.pos;
        if (peekToken() != Token.CONTEXT) throw s.expected("'Context'", txStart);
        take();
        equal(start);
        ContextId cid = contextId(start);
        if (!nextIs('{')) return new ActionReply(cid, List.of(), List.of(), null); // v3: no braces
        lbrkt(start);
        String where = "Context = " + cid;
        if (s.peek() == '}') {
            s.deviation(Deviation.Kind.OTHER, s.pos, "'" + s.excerpt(start, s.pos) + " }' has no command reply and"
                    + " no error inside its braces");
            s.close();
            s.skipLwsp();
            return new ActionReply(cid, List.of(), List.of(), null);
        }
        List<ContextProperty> properties = List.of();
        List<CommandReply> replies = List.of();
        ErrorDescriptor error = null;
        while (true) {
            int itemStart = s.pos;
            Token t = peekToken();
            if (t == Token.ERROR) {
                error = errorDescriptor();
                if (more(itemStart, '}')) {
                    throw s.fail(s.pos, "nothing may follow the Error descriptor in " + where + " but found "
                            + s.found(s.pos));
                }
                break;
            }
            if (isCommand(t)) {
                if (replies.isEmpty()) replies = new ArrayList<>(2);
                if (replies.size() == options.maxCommands()) {
                    throw s.fail(itemStart, "more than " + options.maxCommands() + " command replies in " + where);
                }
                replies.add(commandReply(t, where));
            } else if (isContextProperty(t)) {
                if (!replies.isEmpty()) {
                    throw s.fail(itemStart, "context property '" + s.word(itemStart)
                            + "' must come before the command replies in " + where);
                }
                if (properties.isEmpty()) properties = new ArrayList<>(2);
                contextProperty(t, properties);
            } else {
                throw unknown("command reply", where, itemStart);
            }
            if (!more(itemStart, '}')) break;
        }
        return new ActionReply(cid, properties, replies, error);
    }

    // ================================================================ context properties and audit

    /** contextProperty = topologyDescriptor / priority / EmergencyToken / EmergencyOffToken / iepsValue / contextAttrDescriptor. */
    private void contextProperty(Token t, List<ContextProperty> into) {
        int start = s.pos;
        switch (t) {
            case TOPOLOGY -> into.add(topology());
            case PRIORITY -> {
                take();
                equal(start);
                into.add(new ContextProperty.Priority(uint16("a priority", start)));
            }
            case EMERGENCY -> {
                take();
                into.add(new ContextProperty.Emergency(true));
            }
            case EMERGENCY_OFF -> {
                take();
                into.add(new ContextProperty.Emergency(false));
            }
            case IEPS -> {
                take();
                equal(start);
                into.add(new ContextProperty.Ieps(onOff(start)));
            }
            case CONTEXT_ATTR -> contextAttr(into, start);
            default -> throw unknown("context property", "the context", start);
        }
    }

    /**
     * topologyDescriptor = TopologyToken LBRKT topologyTriple *(COMMA topologyTriple) RBRKT;
     * topologyTriple = terminationA COMMA terminationB COMMA topologyDirection [COMMA eventStream].
     */
    private TopologyDescriptor topology() {
        int start = s.pos;
        take();
        lbrkt(start);
        List<TopologyDescriptor.Triple> triples = new ArrayList<>(2);
        while (true) {
            int tripleStart = s.pos;
            TerminationId from = terminationId(tripleStart);
            comma(tripleStart);
            TerminationId to = terminationId(tripleStart);
            comma(tripleStart);
            TopologyDescriptor.Direction direction;
            Token d = peekToken();
            if (d == Token.BOTHWAY) direction = TopologyDescriptor.Direction.BOTHWAY;
            else if (d == Token.ISOLATE) direction = TopologyDescriptor.Direction.ISOLATE;
            else if (d == Token.ONEWAY) direction = TopologyDescriptor.Direction.ONEWAY;
            else if (d == Token.ONEWAY_EXTERNAL) direction = TopologyDescriptor.Direction.ONEWAY_EXTERNAL;
            else if (d == Token.ONEWAY_BOTH) direction = TopologyDescriptor.Direction.ONEWAY_BOTH;
            else throw s.expected("a topology direction (Bothway, Isolate, Oneway, OnewayExternal or OnewayBoth)",
                        tripleStart);
            take();
            Integer stream = null;
            s.skipLwsp();
            if (s.peek() == ',' && tokenAt(s.lwspEnd(s.pos + 1)) == Token.STREAM) {
                int p = s.lwspEnd(s.pos + 1);
                if (s.nextSignificant(s.nameEnd(p)) == '=') {
                    s.pos++;
                    s.skipLwsp();
                    peekToken();
                    take();
                    equal(tripleStart);
                    stream = uint16("a stream id", tripleStart);
                }
            }
            triples.add(new TopologyDescriptor.Triple(from, to, direction, stream));
            if (!more(tripleStart, '}')) break;
        }
        return new TopologyDescriptor(triples);
    }

    /**
     * contextAttrDescriptor = ContextAttrToken LBRKT (contextIdList / propertyParm *(COMMA propertyParm)) RBRKT;
     * contextIdList = ContextListToken EQUAL LBRKT ContextID *(COMMA ContextID) RBRKT.
     */
    private void contextAttr(List<? super ContextProperty> into, int start) {
        take();
        lbrkt(start);
        if (atContextList()) {
            into.add(contextList(start));
            rbrkt(start);
            return;
        }
        int itemStart;
        do {
            itemStart = s.pos;
            into.add(propertyParm());
        } while (more(itemStart, '}'));
    }

    private boolean atContextList() {
        return peekToken() == Token.CONTEXT_LIST && afterToken() == '=';
    }

    private ContextProperty.ContextList contextList(int start) {
        take();
        equal(start);
        lbrkt(start);
        List<ContextId> ids = new ArrayList<>(4);
        int itemStart;
        do {
            itemStart = s.pos;
            ids.add(contextId(start));
        } while (more(itemStart, '}'));
        return new ContextProperty.ContextList(ids);
    }

    /**
     * contextAudit = ContextAuditToken LBRKT (contextAuditProperties *(COMMA contextAuditProperties)) /
     * indAudcontextAttrDescriptor RBRKT.
     */
    private List<ContextAuditItem> contextAudit() {
        int start = s.pos;
        take();
        lbrkt(start);
        List<ContextAuditItem> items = new ArrayList<>(2);
        int itemStart;
        do {
            itemStart = s.pos;
            contextAuditItem(items, false);
        } while (more(itemStart, '}'));
        return items;
    }

    /**
     * contextAuditProperties = TopologyToken / EmergencyToken / PriorityToken / IEPSToken / pkgdName /
     * contextAuditSelector; contextAuditSelector = priority / emergencyValue / iepsValue / contextAttrDescriptor /
     * auditSelectLogic. Inside ContextAttr ({@code insideAttr}) an item may also be a propertyParm.
     */
    private void contextAuditItem(List<ContextAuditItem> items, boolean insideAttr) {
        int at = s.pos;
        if (atPkgdName()) {
            String name = pkgdName("a property", at);
            if (insideAttr && isRelation(s.nextSignificant(s.pos))) {
                items.add(new ContextAuditItem.Select(new PropertyParm(name, parmValue(at))));
            } else {
                items.add(new ContextAuditItem.PackageProperty(name));
            }
            return;
        }
        Token t = peekToken();
        boolean valued = t != null && afterToken() == '=';
        if (t == Token.TOPOLOGY && !valued) {
            take();
            items.add(new ContextAuditItem.Token(ContextAuditItem.Kind.TOPOLOGY));
        } else if (t == Token.EMERGENCY && !valued) {
            take();
            items.add(new ContextAuditItem.Token(ContextAuditItem.Kind.EMERGENCY));
        } else if (t == Token.PRIORITY) {
            take();
            if (valued) {
                equal(at);
                items.add(new ContextAuditItem.Select(new ContextProperty.Priority(uint16("a priority", at))));
            } else {
                items.add(new ContextAuditItem.Token(ContextAuditItem.Kind.PRIORITY));
            }
        } else if (t == Token.IEPS) {
            take();
            if (valued) {
                equal(at);
                items.add(new ContextAuditItem.Select(new ContextProperty.Ieps(onOff(at))));
            } else {
                items.add(new ContextAuditItem.Token(ContextAuditItem.Kind.IEPS));
            }
        } else if (t == Token.EMERGENCY_VALUE && valued) {
            take();
            equal(at);
            Token v = peekToken();
            if (v != Token.EMERGENCY && v != Token.EMERGENCY_OFF) throw s.expected("Emergency or EmergencyOff", at);
            take();
            items.add(new ContextAuditItem.Select(new ContextProperty.Emergency(v == Token.EMERGENCY)));
        } else if (t == Token.CONTEXT_ATTR && !insideAttr && afterToken() == '{') {
            take();
            lbrkt(at);
            if (atContextList()) {
                items.add(new ContextAuditItem.Select(contextList(at)));
                rbrkt(at);
                return;
            }
            int itemStart;
            do {
                itemStart = s.pos;
                contextAuditItem(items, true);
            } while (more(itemStart, '}'));
        } else if (t == Token.AND_AUDIT_SELECT && !valued) {
            take();
            items.add(new ContextAuditItem.Logic(true));
        } else if (t == Token.OR_AUDIT_SELECT && !valued) {
            take();
            items.add(new ContextAuditItem.Logic(false));
        } else {
            throw unknown("context audit item", "ContextAudit", at);
        }
    }

    // ================================================================ commands

    /** [O-] [W-] commandRequest. */
    private CommandRequest commandRequest(String where) {
        int start = s.pos;
        boolean optional = false;
        boolean wildcard = false;
        int c = s.peek();
        if ((c == 'O' || c == 'o') && s.charAt(s.pos + 1) == '-') {
            optional = true;
            s.pos += 2;
            c = s.peek();
        }
        if ((c == 'W' || c == 'w') && s.charAt(s.pos + 1) == '-') {
            wildcard = true;
            s.pos += 2;
        }
        Token verb = peekToken();
        if (!isCommand(verb)) throw unknown("command", where, s.pos);
        String name = verb.longName;
        take();
        equal(start);
        List<TerminationId> ids = termIdList(start);
        Command command = switch (verb) {
            case ADD, MOVE, MODIFY -> {
                List<Descriptor> descriptors = List.of();
                if (nextIs('{')) {
                    lbrkt(start);
                    if (s.peek() == '}') {
                        emptyBraces(start);
                    } else {
                        descriptors = new ArrayList<>(4);
                        int itemStart;
                        do {
                            itemStart = s.pos;
                            descriptors.add(ammParameter(name));
                        } while (more(itemStart, '}'));
                    }
                }
                Command.AmmVerb v = verb == Token.ADD ? Command.AmmVerb.ADD
                        : verb == Token.MOVE ? Command.AmmVerb.MOVE : Command.AmmVerb.MODIFY;
                yield new Command.Amm(v, ids, descriptors);
            }
            case SUBTRACT -> {
                AuditDescriptor audit = null;
                if (nextIs('{')) {
                    lbrkt(start);
                    if (s.peek() == '}') {
                        emptyBraces(start);
                    } else {
                        if (peekToken() != Token.AUDIT) {
                            if (isAlpha(s.peek()) && !atPkgdName()) {
                                throw s.fail(s.pos, "unexpected descriptor '" + s.word(s.pos)
                                        + "' in Subtract: only an Audit descriptor is allowed");
                            }
                            throw s.expected("an Audit descriptor", start);
                        }
                        audit = auditDescriptor();
                        rbrkt(start);
                    }
                }
                yield new Command.Subtract(ids, audit);
            }
            case AUDIT_VALUE, AUDIT_CAPABILITY -> {
                lbrkt(start);
                if (peekToken() != Token.AUDIT) throw s.expected("an Audit descriptor", start);
                AuditDescriptor audit = auditDescriptor();
                rbrkt(start);
                yield new Command.Audit(verb == Token.AUDIT_CAPABILITY, ids, audit);
            }
            case NOTIFY -> {
                lbrkt(start);
                if (peekToken() != Token.OBSERVED_EVENTS) throw s.expected("an ObservedEvents descriptor", start);
                int itemStart = s.pos;
                ObservedEventsDescriptor observed = observedEvents();
                ErrorDescriptor error = null;
                if (more(itemStart, '}')) {
                    if (peekToken() != Token.ERROR) {
                        throw s.expected("an Error descriptor (the only descriptor allowed after ObservedEvents in"
                                + " a Notify)", itemStart);
                    }
                    error = errorDescriptor();
                    rbrkt(start);
                }
                yield new Command.Notify(ids, observed, error);
            }
            default -> { // SERVICE_CHANGE
                lbrkt(start);
                List<ServiceChangeParm> parms = serviceChangeDescriptor(false, start);
                rbrkt(start);
                yield new Command.ServiceChange(ids, parms);
            }
        };
        return new CommandRequest(command, optional, wildcard);
    }

    /** commandReplys = serviceChangeReply / auditReply / ammsReply / notifyReply. */
    private CommandReply commandReply(Token verb, String where) {
        int start = s.pos;
        String name = verb.longName + " reply";
        take();
        if (verb == Token.AUDIT_VALUE || verb == Token.AUDIT_CAPABILITY) {
            return auditReply(verb == Token.AUDIT_CAPABILITY, start, name);
        }
        equal(start);
        List<TerminationId> ids = termIdList(start);
        switch (verb) {
            case ADD, MOVE, MODIFY, SUBTRACT -> {
                List<Descriptor> audit = List.of();
                if (nextIs('{')) {
                    lbrkt(start);
                    if (s.peek() == '}') emptyBraces(start);
                    else audit = terminationAudit(name);
                }
                CommandReply.AmmsVerb v = switch (verb) {
                    case ADD -> CommandReply.AmmsVerb.ADD;
                    case MOVE -> CommandReply.AmmsVerb.MOVE;
                    case MODIFY -> CommandReply.AmmsVerb.MODIFY;
                    default -> CommandReply.AmmsVerb.SUBTRACT;
                };
                return new CommandReply.Amms(v, ids, audit);
            }
            case NOTIFY -> {
                ErrorDescriptor error = null;
                if (nextIs('{')) {
                    lbrkt(start);
                    if (s.peek() == '}') {
                        emptyBraces(start);
                    } else {
                        if (peekToken() != Token.ERROR) throw s.expected("an Error descriptor", start);
                        error = errorDescriptor();
                        rbrkt(start);
                    }
                }
                return new CommandReply.Notify(ids, error);
            }
            default -> { // SERVICE_CHANGE
                ErrorDescriptor error = null;
                List<ServiceChangeParm> parms = List.of();
                if (nextIs('{')) {
                    lbrkt(start);
                    Token t = peekToken();
                    if (s.peek() == '}') {
                        emptyBraces(start);
                        return new CommandReply.ServiceChange(ids, null, parms);
                    } else if (t == Token.ERROR) {
                        error = errorDescriptor();
                    } else if (t == Token.SERVICES) {
                        parms = serviceChangeDescriptor(true, start);
                    } else {
                        throw s.expected("'Services' or an Error descriptor", start);
                    }
                    rbrkt(start);
                }
                return new CommandReply.ServiceChange(ids, error, parms);
            }
        }
    }

    /**
     * auditReply = (AuditValueToken / AuditCapToken) (contextTerminationAudit / auditOther);
     * contextTerminationAudit = EQUAL CtxToken (terminationIDList / LBRKT errorDescriptor RBRKT);
     * auditOther = EQUAL termIDList [LBRKT terminationAudit RBRKT].
     */
    private CommandReply.Audit auditReply(boolean capabilities, int start, String name) {
        equal(start);
        if (peekToken() == Token.CONTEXT) {
            int brace = s.lwspEnd(tokenEnd);
            // "Context {" is the context form unless the braces hold descriptors: then "C" is a termination id
            if (s.charAt(brace) == '{' && !auditReturnTokenAt(s.lwspEnd(brace + 1))) {
                take();
                lbrkt(start);
                if (peekToken() == Token.ERROR) {
                    ErrorDescriptor error = errorDescriptor();
                    rbrkt(start);
                    return new CommandReply.Audit(capabilities, true, List.of(), List.of(), error);
                }
                List<TerminationId> ids = new ArrayList<>(4);
                int itemStart;
                do {
                    itemStart = s.pos;
                    ids.add(terminationId(start));
                } while (more(itemStart, '}'));
                return new CommandReply.Audit(capabilities, true, ids, List.of(), null);
            }
        }
        List<TerminationId> ids = termIdList(start);
        List<Descriptor> audit = List.of();
        if (nextIs('{')) {
            lbrkt(start);
            if (s.peek() == '}') emptyBraces(start);
            else audit = terminationAudit(name);
        }
        return new CommandReply.Audit(capabilities, false, ids, audit, null);
    }

    /** A descriptor token at {@code p}, not the start of a pathNAME such as {@code E/1} or {@code M*}. */
    private boolean auditReturnTokenAt(int p) {
        if (!isAuditReturnToken(tokenAt(p))) return false;
        int c = s.charAt(s.nameEnd(p));
        return c != '/' && c != '*' && c != '$' && c != '@';
    }

    private static boolean isAuditReturnToken(Token t) {
        return t == Token.MEDIA || t == Token.MODEM || t == Token.MUX || t == Token.EVENTS || t == Token.SIGNALS
                || t == Token.DIGIT_MAP || t == Token.OBSERVED_EVENTS || t == Token.EVENT_BUFFER
                || t == Token.STATISTICS || t == Token.PACKAGES;
    }

    /** terminationAudit = auditReturnParameter *(COMMA auditReturnParameter), after its LBRKT, through its RBRKT. */
    private List<Descriptor> terminationAudit(String where) {
        List<Descriptor> list = new ArrayList<>(4);
        int itemStart;
        do {
            itemStart = s.pos;
            list.add(auditReturnParameter(where));
        } while (more(itemStart, '}'));
        return list;
    }

    /**
     * auditReturnParameter = mediaDescriptor / modemDescriptor / muxDescriptor / eventsDescriptor /
     * signalsDescriptor / digitMapDescriptor / observedEventsDescriptor / eventBufferDescriptor /
     * statisticsDescriptor / packagesDescriptor / errorDescriptor / auditReturnItem (v1/v2: auditItem).
     */
    private Descriptor auditReturnParameter(String where) {
        int at = s.pos;
        Token t = peekToken();
        if (t == Token.ERROR) return errorDescriptor();
        AuditDescriptor.Item item = auditItem(t);
        if (item == null) throw unknown("descriptor", where, at);
        int next = afterToken();
        boolean full = switch (t) {
            case MEDIA, SIGNALS, EVENT_BUFFER, STATISTICS, PACKAGES -> next == '{';
            case MODEM -> next == '=' || next == '[';
            default -> next == '='; // MUX, EVENTS, DIGIT_MAP, OBSERVED_EVENTS
        };
        if (!full) {
            take();
            return RETURN_ITEMS[item.ordinal()];
        }
        return switch (t) {
            case MEDIA -> media();
            case SIGNALS -> signals();
            case EVENT_BUFFER -> eventBuffer();
            case STATISTICS -> statistics();
            case PACKAGES -> packages();
            case MODEM -> modem();
            case MUX -> mux();
            case EVENTS -> events(false);
            case DIGIT_MAP -> digitMapDescriptor();
            default -> observedEvents();
        };
    }

    /** The auditItem a descriptor token names, or null. */
    private static AuditDescriptor.Item auditItem(Token t) {
        if (t == null) return null;
        return switch (t) {
            case MUX -> AuditDescriptor.Item.MUX;
            case MODEM -> AuditDescriptor.Item.MODEM;
            case MEDIA -> AuditDescriptor.Item.MEDIA;
            case SIGNALS -> AuditDescriptor.Item.SIGNALS;
            case EVENT_BUFFER -> AuditDescriptor.Item.EVENT_BUFFER;
            case DIGIT_MAP -> AuditDescriptor.Item.DIGIT_MAP;
            case STATISTICS -> AuditDescriptor.Item.STATISTICS;
            case EVENTS -> AuditDescriptor.Item.EVENTS;
            case OBSERVED_EVENTS -> AuditDescriptor.Item.OBSERVED_EVENTS;
            case PACKAGES -> AuditDescriptor.Item.PACKAGES;
            default -> null;
        };
    }

    /**
     * termIDList = TerminationID / LSBRKT TerminationID 1*(COMMA TerminationID) RSBRKT (v3).
     */
    private List<TerminationId> termIdList(int start) {
        if (s.peek() != '[') return List.of(terminationId(start));
        s.pos++;
        s.skipLwsp();
        List<TerminationId> ids = new ArrayList<>(4);
        int itemStart;
        do {
            itemStart = s.pos;
            ids.add(terminationId(start));
        } while (more(itemStart, ']'));
        if (ids.size() == 1) {
            s.deviation(Deviation.Kind.OTHER, start, "a '[ ]' termination id list with a single id in '"
                    + s.excerpt(start, s.pos) + "' (termIDList needs two or more)");
        }
        return ids;
    }

    /** TerminationID = "ROOT" / pathNAME / "$" / "*". */
    private TerminationId terminationId(int start) {
        int p = s.pos;
        int c = s.peek();
        if (c == '$') {
            s.pos++;
            return TerminationId.CHOOSE;
        }
        if (c == '*' && !isAlpha(s.charAt(p + 1))) {
            s.pos++;
            return TerminationId.ALL;
        }
        if (!(isAlpha(c) || c == '*' || isDigit(c))) throw s.expected("a termination id", start);
        int e = MIdReader.pathNameEnd(s, p, "termination id");
        s.pos = e;
        return new TerminationId(s.text.substring(p, e));
    }

    /** terminationIDList = LBRKT TerminationID *(COMMA TerminationID) RBRKT. */
    private List<TerminationId> terminationIdBraces(int start) {
        lbrkt(start);
        List<TerminationId> ids = new ArrayList<>(4);
        int itemStart;
        do {
            itemStart = s.pos;
            ids.add(terminationId(start));
        } while (more(itemStart, '}'));
        return ids;
    }

    // ================================================================ descriptors

    /**
     * ammParameter = mediaDescriptor / modemDescriptor / muxDescriptor / eventsDescriptor / signalsDescriptor /
     * digitMapDescriptor / eventBufferDescriptor / auditDescriptor / statisticsDescriptor (v3).
     */
    private Descriptor ammParameter(String verbName) {
        int at = s.pos;
        Token t = peekToken();
        if (t == null) throw unknown("descriptor", verbName, at);
        return switch (t) {
            case MEDIA -> media();
            case MODEM -> modem();
            case MUX -> mux();
            case EVENTS -> events(false);
            case SIGNALS -> signals();
            case DIGIT_MAP -> digitMapDescriptor();
            case EVENT_BUFFER -> eventBuffer();
            case AUDIT -> auditDescriptor();
            case STATISTICS -> statistics();
            default -> throw unknown("descriptor", verbName, at);
        };
    }

    /** mediaDescriptor = MediaToken LBRKT mediaParm *(COMMA mediaParm) RBRKT. */
    private MediaDescriptor media() {
        int start = s.pos;
        take();
        lbrkt(start);
        List<MediaParm> parms = new ArrayList<>(2);
        int itemStart;
        do {
            itemStart = s.pos;
            Token t = peekToken();
            if (t == Token.STREAM) parms.add(streamDescriptor());
            else if (t == Token.TERMINATION_STATE) parms.add(terminationState());
            else parms.add(streamParm(t, "Media"));
        } while (more(itemStart, '}'));
        return new MediaDescriptor(parms);
    }

    /** streamParm = localDescriptor / remoteDescriptor / localControlDescriptor / statisticsDescriptor (v3). */
    private StreamParm streamParm(Token t, String where) {
        int at = s.pos;
        if (t == Token.LOCAL) return new LocalDescriptor(octetString());
        if (t == Token.REMOTE) return new RemoteDescriptor(octetString());
        if (t == Token.LOCAL_CONTROL) return localControl();
        if (t == Token.STATISTICS) return statistics();
        throw unknown("descriptor", where, at);
    }

    /** streamDescriptor = StreamToken EQUAL StreamID LBRKT streamParm *(COMMA streamParm) RBRKT. */
    private StreamDescriptor streamDescriptor() {
        int start = s.pos;
        take();
        equal(start);
        int id = uint16("a stream id", start);
        lbrkt(start);
        String where = "Stream = " + id;
        List<StreamParm> parms = new ArrayList<>(3);
        int itemStart;
        do {
            itemStart = s.pos;
            parms.add(streamParm(peekToken(), where));
        } while (more(itemStart, '}'));
        return new StreamDescriptor(id, parms);
    }

    /**
     * Local / Remote: Token LBRKT octetString RBRKT, octetString = *(nonEscapeChar), nonEscapeChar = ("\}" /
     * %x01-7C / %x7E-FF). Returns exactly the text between the braces (escapes kept as written).
     */
    private String octetString() {
        int start = s.pos;
        take();
        s.skipLwsp();
        if (s.peek() != '{') throw s.expected("'{'", start);
        int open = s.pos;
        s.open();
        int from = s.pos;
        int p = from;
        while (true) {
            if (p >= s.end) throw s.fail(open, "the '{' of this " + s.word(start) + " descriptor is never closed");
            char c = s.text.charAt(p);
            if (c == '}') break;
            if (c == '\\' && p + 1 < s.end && s.text.charAt(p + 1) == '}') p += 2;
            else if (c == 0) throw s.fail(p, "a NUL octet is not allowed in a " + s.word(start) + " descriptor");
            else p++;
        }
        String body = s.text.substring(from, p);
        s.pos = p;
        s.close();
        s.skipLwsp();
        return body;
    }

    /** localControlDescriptor = LocalControlToken LBRKT localParm *(COMMA localParm) RBRKT. */
    private LocalControlDescriptor localControl() {
        int start = s.pos;
        take();
        lbrkt(start);
        List<LocalParm> parms = new ArrayList<>(3);
        int itemStart;
        do {
            itemStart = s.pos;
            parms.add(localParm());
        } while (more(itemStart, '}'));
        return new LocalControlDescriptor(parms);
    }

    /** localParm = streamMode / propertyParm / reservedValueMode / reservedGroupMode. */
    private LocalParm localParm() {
        int at = s.pos;
        if (atPkgdName()) return propertyParm();
        Token t = peekToken();
        if (t == Token.MODE) {
            take();
            equal(at);
            Token v = peekToken();
            LocalControlDescriptor.Mode mode;
            if (v == Token.SENDONLY) mode = LocalControlDescriptor.Mode.SENDONLY;
            else if (v == Token.RECVONLY) mode = LocalControlDescriptor.Mode.RECVONLY;
            else if (v == Token.SENDRECV) mode = LocalControlDescriptor.Mode.SENDRECV;
            else if (v == Token.INACTIVE) mode = LocalControlDescriptor.Mode.INACTIVE;
            else if (v == Token.LOOPBACK) mode = LocalControlDescriptor.Mode.LOOPBACK;
            else throw s.expected("a stream mode (SendOnly, ReceiveOnly, SendReceive, Inactive or Loopback)", at);
            take();
            return MODES[mode.ordinal()];
        }
        if (t == Token.RESERVED_VALUE) {
            take();
            equal(at);
            return new LocalControlDescriptor.ReservedValue(onOff(at));
        }
        if (t == Token.RESERVED_GROUP) {
            take();
            equal(at);
            return new LocalControlDescriptor.ReservedGroup(onOff(at));
        }
        throw unknown("parameter", "LocalControl", at);
    }

    /**
     * terminationStateDescriptor = TerminationStateToken LBRKT terminationStateParm *(COMMA terminationStateParm)
     * RBRKT; terminationStateParm = propertyParm / serviceStates / eventBufferControl.
     */
    private TerminationStateDescriptor terminationState() {
        int start = s.pos;
        take();
        lbrkt(start);
        List<TerminationStateParm> parms = new ArrayList<>(2);
        int itemStart;
        do {
            itemStart = s.pos;
            if (atPkgdName()) {
                parms.add(propertyParm());
                continue;
            }
            Token t = peekToken();
            if (t == Token.SERVICE_STATES) {
                take();
                equal(itemStart);
                Token v = peekToken();
                TerminationStateDescriptor.ServiceState state;
                if (v == Token.TEST) state = TerminationStateDescriptor.ServiceState.TEST;
                else if (v == Token.OUT_OF_SERVICE) state = TerminationStateDescriptor.ServiceState.OUT_OF_SERVICE;
                else if (v == Token.IN_SERVICE) state = TerminationStateDescriptor.ServiceState.IN_SERVICE;
                else throw s.expected("a service state (Test, OutOfService or InService)", itemStart);
                take();
                parms.add(new TerminationStateDescriptor.ServiceStates(state));
            } else if (t == Token.BUFFER) {
                take();
                equal(itemStart);
                int e = s.nameEnd(s.pos);
                if (s.wordIs(s.pos, e, "OFF")) {
                    s.pos = e;
                    parms.add(new TerminationStateDescriptor.EventBufferControl(false));
                } else if (peekToken() == Token.LOCK_STEP) {
                    take();
                    parms.add(new TerminationStateDescriptor.EventBufferControl(true));
                } else {
                    throw s.expected("OFF or LockStep", itemStart);
                }
            } else {
                throw unknown("parameter", "TerminationState", itemStart);
            }
        } while (more(itemStart, '}'));
        return new TerminationStateDescriptor(parms);
    }

    /**
     * eventsDescriptor = EventsToken [EQUAL RequestID LBRKT requestedEvent *(COMMA requestedEvent) RBRKT], and
     * embedFirst (the same with secondRequestedEvent) when {@code second}.
     */
    private EventsDescriptor events(boolean second) {
        int start = s.pos;
        take();
        if (afterToken() != '=') return NO_EVENTS;
        equal(start);
        RequestId rid = requestId(start);
        lbrkt(start);
        List<RequestedEvent> events = new ArrayList<>(2);
        int itemStart;
        do {
            itemStart = s.pos;
            events.add(requestedEvent(second));
        } while (more(itemStart, '}'));
        return new EventsDescriptor(rid, events);
    }

    /**
     * Opens the parameter list after an event or signal name: true after "{" (or, leniently, "(" which is a
     * {@link Deviation.Kind#PARENTHESISED_PARAMETERS}), false when the name has no parameters.
     */
    private boolean openParameters(String name, int nameStart) {
        int p = s.lwspEnd(s.pos);
        int c = s.charAt(p);
        if (c == '{') {
            s.skipLwsp();
            s.open();
            s.skipLwsp();
            return true;
        }
        if (c == '(') {
            s.deviation(Deviation.Kind.PARENTHESISED_PARAMETERS, p, "parameters of '" + name
                    + "' in parentheses '( )' instead of braces '{ }'");
            s.skipLwsp();
            s.open();
            s.skipLwsp();
            parenDepth++;
            return true;
        }
        return false;
    }

    /** The closer matching the last {@link #openParameters}: ')' while in a lenient parenthesised list. */
    private char parametersCloser(boolean parenthesised) { return parenthesised ? ')' : '}'; }

    private boolean parenthesisedAt(int p) { return s.charAt(s.lwspEnd(p)) == '('; }

    /**
     * requestedEvent = pkgdName [LBRKT eventParameter *(COMMA eventParameter) RBRKT], and
     * secondRequestedEvent (secondEventParameter) when {@code second}.
     */
    private RequestedEvent requestedEvent(boolean second) {
        int start = s.pos;
        String name = pkgdName("an event name", start);
        boolean parens = parenthesisedAt(s.pos);
        if (!openParameters(name, start)) return new RequestedEvent(name, List.of());
        char closer = parametersCloser(parens);
        List<EventParameter> parameters = new ArrayList<>(2);
        int itemStart;
        do {
            itemStart = s.pos;
            parameters.add(eventParameter(second, name));
        } while (more(itemStart, closer));
        if (parens) parenDepth--;
        return new RequestedEvent(name, parameters);
    }

    /**
     * eventParameter = embedWithSig / embedNoSig / KeepActiveToken / eventDM / eventStream / eventOther /
     * notifyBehaviour / ResetEventsDescriptorToken; secondEventParameter has embedSig instead of the two embeds.
     */
    private EventParameter eventParameter(boolean second, String event) {
        int at = s.pos;
        Token t = peekToken();
        if (t != null) {
            int next = afterToken();
            boolean valued = isRelation(next);
            switch (t) {
                case EMBED -> {
                    if (next == '{') return embed(second);
                }
                case KEEP_ACTIVE -> {
                    if (!valued) {
                        take();
                        return KeepActive.INSTANCE;
                    }
                }
                case RESET_EVENTS_DESCRIPTOR -> {
                    if (!valued) {
                        take();
                        return RESET_EVENTS;
                    }
                }
                case NEVER_NOTIFY, IMMEDIATE_NOTIFY -> {
                    if (!valued) {
                        take();
                        return new EventParameter.NotifyBehaviour(t == Token.NEVER_NOTIFY
                                ? EventParameter.NotifyBehaviourKind.NEVER
                                : EventParameter.NotifyBehaviourKind.IMMEDIATE, null);
                    }
                }
                case REGULATED_NOTIFY -> {
                    if (!valued) {
                        take();
                        EventParameter.Embed embed = null;
                        if (next == '{') {
                            lbrkt(at);
                            if (peekToken() != Token.EMBED) throw s.expected("an Embed descriptor", at);
                            embed = embed(false);
                            rbrkt(at);
                        }
                        return new EventParameter.NotifyBehaviour(EventParameter.NotifyBehaviourKind.REGULATED, embed);
                    }
                }
                case DIGIT_MAP -> {
                    if (next == '=') {
                        take();
                        equal(at);
                        if (s.peek() == '{') return new EventParameter.EventDigitMap(null, DigitMapReader.read(s));
                        return new EventParameter.EventDigitMap(digitMapName(at), null);
                    }
                }
                case STREAM -> {
                    if (next == '=') {
                        take();
                        equal(at);
                        return new StreamRef(uint16("a stream id", at));
                    }
                }
                default -> { }
            }
        }
        return otherParameter("a parameter of the event '" + event + "'", at);
    }

    /**
     * embedWithSig = EmbedToken LBRKT signalsDescriptor [COMMA embedFirst] RBRKT; embedNoSig = EmbedToken LBRKT
     * embedFirst RBRKT; embedSig = EmbedToken LBRKT signalsDescriptor RBRKT (when {@code second}).
     */
    private EventParameter.Embed embed(boolean second) {
        int start = s.pos;
        take();
        lbrkt(start);
        Token t = peekToken();
        if (t == Token.SIGNALS) {
            int itemStart = s.pos;
            SignalsDescriptor signals = signals();
            EventsDescriptor events = null;
            if (more(itemStart, '}')) {
                if (second || peekToken() != Token.EVENTS) {
                    throw s.expected(second ? "'}' (an embedded event may only embed signals)" : "'Events'", start);
                }
                events = events(true);
                rbrkt(start);
            }
            return new EventParameter.Embed(signals, events);
        }
        if (t == Token.EVENTS && !second) {
            EventsDescriptor events = events(true);
            rbrkt(start);
            return new EventParameter.Embed(null, events);
        }
        throw s.expected(second ? "'Signals'" : "'Signals' or 'Events'", start);
    }

    /** digitMapName = NAME. */
    private String digitMapName(int start) {
        if (!isAlpha(s.peek())) throw s.expected("a digit map name or '{'", start);
        int e = s.nameEnd(s.pos);
        String name = s.text.substring(s.pos, e);
        s.pos = e;
        return name;
    }

    /** signalsDescriptor = SignalsToken LBRKT [signalParm *(COMMA signalParm)] RBRKT (v1) / SignalsToken [...] (v3). */
    private SignalsDescriptor signals() {
        int start = s.pos;
        take();
        if (s.nextSignificant(s.pos) != '{') return NO_SIGNALS;
        lbrkt(start);
        if (s.peek() == '}') {
            s.close();
            s.skipLwsp();
            return NO_SIGNALS;
        }
        List<SignalParm> signals = new ArrayList<>(2);
        int itemStart;
        do {
            itemStart = s.pos;
            if (!atPkgdName() && peekToken() == Token.SIGNAL_LIST && afterToken() == '=') {
                signals.add(signalList());
            } else {
                signals.add(signalRequest());
            }
        } while (more(itemStart, '}'));
        return new SignalsDescriptor(signals);
    }

    /** signalList = SignalListToken EQUAL signalListId LBRKT signalListParm *(COMMA signalListParm) RBRKT. */
    private SignalParm.SignalList signalList() {
        int start = s.pos;
        take();
        equal(start);
        int id = uint16("a signal list id", start);
        lbrkt(start);
        List<SignalParm.Request> signals = new ArrayList<>(3);
        int itemStart;
        do {
            itemStart = s.pos;
            signals.add(signalRequest());
        } while (more(itemStart, '}'));
        return new SignalParm.SignalList(id, signals);
    }

    /** signalRequest = signalName [LBRKT sigParameter *(COMMA sigParameter) RBRKT]. */
    private SignalParm.Request signalRequest() {
        int start = s.pos;
        String name = pkgdName("a signal name", start);
        boolean parens = parenthesisedAt(s.pos);
        if (!openParameters(name, start)) return new SignalParm.Request(name, List.of());
        List<SignalParameter> parameters = new ArrayList<>(2);
        int itemStart;
        do {
            itemStart = s.pos;
            parameters.add(sigParameter(name));
        } while (more(itemStart, parametersCloser(parens)));
        if (parens) parenDepth--;
        return new SignalParm.Request(name, parameters);
    }

    /**
     * sigParameter = sigStream / sigSignalType / sigDuration / sigOther / notifyCompletion / KeepActiveToken /
     * sigDirection / sigRequestID / sigIntsigDelay.
     */
    private SignalParameter sigParameter(String signal) {
        int at = s.pos;
        Token t = peekToken();
        if (t != null) {
            int next = afterToken();
            if (next == '=') {
                switch (t) {
                    case STREAM -> {
                        take();
                        equal(at);
                        return new StreamRef(uint16("a stream id", at));
                    }
                    case SIGNAL_TYPE -> {
                        take();
                        equal(at);
                        Token v = peekToken();
                        SignalParameter.SignalType type;
                        if (v == Token.ON_OFF) type = SignalParameter.SignalType.ON_OFF;
                        else if (v == Token.TIME_OUT) type = SignalParameter.SignalType.TIME_OUT;
                        else if (v == Token.BRIEF) type = SignalParameter.SignalType.BRIEF;
                        else throw s.expected("a signal type (OnOff, TimeOut or Brief)", at);
                        take();
                        return new SignalParameter.Type(type);
                    }
                    case DURATION -> {
                        take();
                        equal(at);
                        return new SignalParameter.Duration(uint16("a duration", at));
                    }
                    case NOTIFY_COMPLETION -> {
                        take();
                        equal(at);
                        return notifyCompletion(at);
                    }
                    case DIRECTION -> {
                        take();
                        equal(at);
                        Token v = peekToken();
                        SignalParameter.DirectionKind d;
                        if (v == Token.EXTERNAL) d = SignalParameter.DirectionKind.EXTERNAL;
                        else if (v == Token.INTERNAL) d = SignalParameter.DirectionKind.INTERNAL;
                        else if (v == Token.BOTH) d = SignalParameter.DirectionKind.BOTH;
                        else throw s.expected("a direction (External, Internal or Both)", at);
                        take();
                        return new SignalParameter.Direction(d);
                    }
                    case REQUEST_ID -> {
                        take();
                        equal(at);
                        return new SignalParameter.SignalRequestId(requestId(at));
                    }
                    case INTSIG_DELAY -> {
                        take();
                        equal(at);
                        return new SignalParameter.IntersignalDelay(uint16("an intersignal delay", at));
                    }
                    default -> { }
                }
            } else if (t == Token.KEEP_ACTIVE && !isRelation(next)) {
                take();
                return KeepActive.INSTANCE;
            }
        }
        return otherParameter("a parameter of the signal '" + signal + "'", at);
    }

    /** notifyCompletion = NotifyCompletionToken EQUAL (LBRKT notificationReason *(COMMA notificationReason) RBRKT). */
    private SignalParameter.NotifyCompletion notifyCompletion(int start) {
        lbrkt(start);
        List<SignalParameter.NotificationReason> reasons = new ArrayList<>(3);
        int itemStart;
        do {
            itemStart = s.pos;
            Token r = peekToken();
            SignalParameter.NotificationReason reason;
            if (r == Token.TIME_OUT) reason = SignalParameter.NotificationReason.TIME_OUT;
            else if (r == Token.INTERRUPT_BY_EVENT) reason = SignalParameter.NotificationReason.INTERRUPTED_BY_EVENT;
            else if (r == Token.INTERRUPT_BY_NEW_SIGNALS_DESCR) {
                reason = SignalParameter.NotificationReason.INTERRUPTED_BY_NEW_SIGNALS_DESCRIPTOR;
            } else if (r == Token.OTHER_REASON) reason = SignalParameter.NotificationReason.OTHER_REASON;
            else if (r == Token.ITERATION) reason = SignalParameter.NotificationReason.ITERATION;
            else throw unknown("notification reason", "NotifyCompletion", itemStart);
            take();
            reasons.add(reason);
        } while (more(itemStart, '}'));
        return new SignalParameter.NotifyCompletion(reasons);
    }

    /**
     * digitMapDescriptor = DigitMapToken EQUAL ((LBRKT digitMapValue RBRKT) / (digitMapName [LBRKT digitMapValue
     * RBRKT])).
     */
    private DigitMapDescriptor digitMapDescriptor() {
        int start = s.pos;
        take();
        equal(start);
        if (s.peek() == '{') return new DigitMapDescriptor(null, DigitMapReader.read(s));
        String name = digitMapName(start);
        DigitMapValue value = null;
        if (nextIs('{')) value = DigitMapReader.read(s);
        return new DigitMapDescriptor(name, value);
    }

    /**
     * eventBufferDescriptor = EventBufferToken [LBRKT eventSpec *(COMMA eventSpec) RBRKT]; eventSpec = pkgdName
     * [LBRKT eventSpecParameter *(COMMA eventSpecParameter) RBRKT]; eventSpecParameter = eventStream / eventOther.
     */
    private EventBufferDescriptor eventBuffer() {
        int start = s.pos;
        take();
        if (s.nextSignificant(s.pos) != '{') return NO_EVENT_BUFFER;
        lbrkt(start);
        List<EventBufferDescriptor.EventSpec> specs = new ArrayList<>(2);
        int itemStart;
        do {
            itemStart = s.pos;
            String name = pkgdName("an event name", itemStart);
            specs.add(new EventBufferDescriptor.EventSpec(name, observedParameters(name, itemStart)));
        } while (more(itemStart, '}'));
        return new EventBufferDescriptor(specs);
    }

    /** [LBRKT (eventStream / eventOther) *(COMMA ...) RBRKT] after an observed event or event spec name. */
    private List<ObservedEventParameter> observedParameters(String name, int nameStart) {
        boolean parens = parenthesisedAt(s.pos);
        if (!openParameters(name, nameStart)) return List.of();
        List<ObservedEventParameter> parameters = new ArrayList<>(2);
        int itemStart;
        do {
            itemStart = s.pos;
            if (peekToken() == Token.STREAM && afterToken() == '=') {
                take();
                equal(itemStart);
                parameters.add(new StreamRef(uint16("a stream id", itemStart)));
            } else {
                parameters.add(otherParameter("a parameter of the event '" + name + "'", itemStart));
            }
        } while (more(itemStart, parametersCloser(parens)));
        if (parens) parenDepth--;
        return parameters;
    }

    /**
     * auditDescriptor = AuditToken LBRKT [auditItem *(COMMA auditItem)] RBRKT. The v2/v3 individual audit
     * (indAudterminationAudit, e.g. {@code Audit{Media{Stream=1{LocalControl{Mode}}}}}) is not in the model yet.
     */
    private AuditDescriptor auditDescriptor() {
        int start = s.pos;
        take();
        lbrkt(start);
        if (s.peek() == '}') {
            s.close();
            s.skipLwsp();
            return new AuditDescriptor(List.of());
        }
        List<AuditDescriptor.Item> items = new ArrayList<>(4);
        int itemStart;
        do {
            itemStart = s.pos;
            AuditDescriptor.Item item = auditItem(peekToken());
            if (item == null) throw unknown("audit item", "Audit", itemStart);
            int next = afterToken();
            if (next == '{' || next == '=') {
                throw s.fail(itemStart, "individual audit ('" + s.excerpt(itemStart, s.lwspEnd(tokenEnd) + 1)
                        + "...' inside Audit) is not supported");
            }
            take();
            items.add(item);
        } while (more(itemStart, '}'));
        return new AuditDescriptor(items);
    }

    /**
     * statisticsDescriptor = StatsToken LBRKT statisticsParameter *(COMMA statisticsParameter) RBRKT;
     * statisticsParameter = pkgdName [EQUAL VALUE / (LSBRKT VALUE *(COMMA VALUE) RSBRKT)] (v3 list; the form
     * {@code name = [a, b]} is accepted too).
     */
    private StatisticsDescriptor statistics() {
        int start = s.pos;
        take();
        lbrkt(start);
        List<StatisticsDescriptor.Statistic> stats = new ArrayList<>(4);
        int itemStart;
        do {
            itemStart = s.pos;
            String name = pkgdName("a statistic name", itemStart);
            ParmValue value = null;
            int next = s.nextSignificant(s.pos);
            if (next == '=') {
                equal(itemStart);
                value = s.peek() == '[' ? valueList(itemStart)
                        : new ParmValue.Single(ParmValue.Relation.EQUAL, value(itemStart));
            } else if (next == '[') {
                s.skipLwsp();
                value = valueList(itemStart);
            }
            stats.add(new StatisticsDescriptor.Statistic(name, value));
        } while (more(itemStart, '}'));
        return new StatisticsDescriptor(stats);
    }

    /** LSBRKT VALUE *(COMMA VALUE) RSBRKT. */
    private ParmValue.AllOf valueList(int start) {
        s.pos++;
        s.skipLwsp();
        List<String> values = new ArrayList<>(4);
        int itemStart;
        do {
            itemStart = s.pos;
            values.add(value(start));
        } while (more(itemStart, ']'));
        return new ParmValue.AllOf(values);
    }

    /**
     * observedEventsDescriptor = ObservedEventsToken EQUAL RequestID LBRKT observedEvent *(COMMA observedEvent)
     * RBRKT; observedEvent = [TimeStamp LWSP COLON] LWSP pkgdName [LBRKT observedEventParameter *(COMMA
     * observedEventParameter) RBRKT].
     */
    private ObservedEventsDescriptor observedEvents() {
        int start = s.pos;
        take();
        equal(start);
        RequestId rid = requestId(start);
        lbrkt(start);
        List<ObservedEventsDescriptor.ObservedEvent> events = new ArrayList<>(2);
        int itemStart;
        do {
            itemStart = s.pos;
            TimeStamp stamp = null;
            if (isDigit(s.peek())) {
                stamp = timeStamp();
                s.skipLwsp();
                if (s.peek() != ':') throw s.expected("':' after the time stamp", itemStart);
                s.pos++;
                s.skipLwsp();
            }
            int nameStart = s.pos;
            String name = pkgdName("an event name", itemStart);
            events.add(new ObservedEventsDescriptor.ObservedEvent(stamp, name, observedParameters(name, nameStart)));
        } while (more(itemStart, '}'));
        return new ObservedEventsDescriptor(rid, events);
    }

    /** packagesDescriptor = PackagesToken LBRKT packagesItem *(COMMA packagesItem) RBRKT; packagesItem = NAME "-" UINT16. */
    private PackagesDescriptor packages() {
        int start = s.pos;
        take();
        lbrkt(start);
        List<PackagesDescriptor.Item> items = new ArrayList<>(4);
        int itemStart;
        do {
            itemStart = s.pos;
            if (!isAlpha(s.peek())) throw s.expected("a package name", itemStart);
            int e = s.nameEnd(s.pos);
            String name = s.text.substring(s.pos, e);
            s.pos = e;
            if (s.peek() != '-') throw s.expected("'-' and the package version", itemStart);
            s.pos++;
            items.add(new PackagesDescriptor.Item(name, uint16("a package version", itemStart)));
        } while (more(itemStart, '}'));
        return new PackagesDescriptor(items);
    }

    /**
     * modemDescriptor = ModemToken ((EQUAL modemType) / (LSBRKT modemType *(COMMA modemType) RSBRKT))
     * [LBRKT propertyParm *(COMMA propertyParm) RBRKT].
     */
    private ModemDescriptor modem() {
        int start = s.pos;
        take();
        s.skipLwsp();
        List<String> types = new ArrayList<>(2);
        boolean list;
        if (s.peek() == '=') {
            s.pos++;
            s.skipLwsp();
            types.add(modemType(start));
            list = false;
        } else if (s.peek() == '[') {
            s.pos++;
            s.skipLwsp();
            int itemStart;
            do {
                itemStart = s.pos;
                types.add(modemType(start));
            } while (more(itemStart, ']'));
            list = true;
        } else {
            throw s.expected("'=' or '['", start);
        }
        List<PropertyParm> properties = List.of();
        if (nextIs('{')) {
            lbrkt(start);
            properties = new ArrayList<>(2);
            int itemStart;
            do {
                itemStart = s.pos;
                properties.add(propertyParm());
            } while (more(itemStart, '}'));
        }
        return new ModemDescriptor(types, list, properties);
    }

    /** modemType = V32bisToken / V22bisToken / V18Token / V22Token / V32Token / V34Token / V90Token / V91Token / SynchISDNToken / extensionParameter. */
    private String modemType(int start) {
        if (atExtension()) return extensionParameter(start);
        Token t = peekToken();
        if (t == Token.V32BIS || t == Token.V22BIS || t == Token.V18 || t == Token.V22 || t == Token.V32
                || t == Token.V34 || t == Token.V90 || t == Token.V91 || t == Token.SYNCH_ISDN) {
            take();
            return t.longName;
        }
        throw s.expected("a modem type (V18, V22, V22b, V32, V32b, V34, V90, V91, SynchISDN or X-...)", start);
    }

    /** muxDescriptor = MuxToken EQUAL MuxType terminationIDList. */
    private MuxDescriptor mux() {
        int start = s.pos;
        take();
        equal(start);
        String type;
        if (atExtension()) {
            type = extensionParameter(start);
        } else {
            Token t = peekToken();
            if (t != Token.H221 && t != Token.H223 && t != Token.H226 && t != Token.V76 && t != Token.NX64K) {
                throw s.expected("a mux type (H221, H223, H226, V76, Nx64Kservice or X-...)", start);
            }
            take();
            type = t.longName;
        }
        return new MuxDescriptor(type, terminationIdBraces(start));
    }

    /** errorDescriptor = ErrorToken EQUAL ErrorCode LBRKT [quotedString] RBRKT; ErrorCode = 1*4(DIGIT). */
    private ErrorDescriptor errorDescriptor() {
        int start = s.pos;
        take();
        equal(start);
        int code = (int) number(4, 9999, "an error code", start);
        lbrkt(start);
        String text = null;
        if (s.peek() == '"') {
            String quoted = quotedString();
            text = quoted.substring(1, quoted.length() - 1);
        } else if (s.peek() != '}') {
            int from = s.pos;
            int p = from;
            while (p < s.end && s.text.charAt(p) != '}' && s.text.charAt(p) != '{' && s.text.charAt(p) != '"') p++;
            if (s.charAt(p) != '}') throw s.expected("a quoted error text and '}'", start);
            s.deviation(Deviation.Kind.OTHER, from, "the text of Error = " + code + " is not a quoted string");
            text = s.text.substring(from, p).strip();
            s.pos = p;
        }
        rbrkt(start);
        return new ErrorDescriptor(code, text);
    }

    // ================================================================ ServiceChange

    /**
     * serviceChangeDescriptor = ServicesToken LBRKT serviceChangeParm *(COMMA serviceChangeParm) RBRKT, or when
     * {@code reply}: serviceChangeReplyDescriptor = ServicesToken LBRKT servChgReplyParm *(COMMA
     * servChgReplyParm) RBRKT.
     */
    private List<ServiceChangeParm> serviceChangeDescriptor(boolean reply, int commandStart) {
        int start = s.pos;
        if (peekToken() != Token.SERVICES) throw s.expected("'Services'", commandStart);
        take();
        lbrkt(start);
        List<ServiceChangeParm> parms = new ArrayList<>(4);
        boolean method = false;
        boolean reason = false;
        int itemStart;
        do {
            itemStart = s.pos;
            ServiceChangeParm parm = serviceChangeParm(reply);
            method |= parm instanceof ServiceChangeParm.Method;
            reason |= parm instanceof ServiceChangeParm.Reason;
            parms.add(parm);
        } while (more(itemStart, '}'));
        if (!reply) {
            if (!method) {
                s.deviation(Deviation.Kind.OTHER, start, "ServiceChange request without a Method"
                        + " (serviceChangeMethod is REQUIRED)");
            }
            if (!reason) {
                s.deviation(Deviation.Kind.MISSING_SERVICE_CHANGE_REASON, start, "ServiceChange request without a"
                        + " Reason (serviceChangeReason is REQUIRED)");
            }
        }
        return parms;
    }

    /**
     * serviceChangeParm = serviceChangeMethod / serviceChangeReason / serviceChangeDelay / serviceChangeAddress /
     * serviceChangeProfile / extension / TimeStamp / serviceChangeMgcId / serviceChangeVersion /
     * ServiceChangeIncompleteToken / auditItem; servChgReplyParm = serviceChangeAddress / serviceChangeMgcId /
     * serviceChangeProfile / serviceChangeVersion / TimeStamp.
     */
    private ServiceChangeParm serviceChangeParm(boolean reply) {
        int at = s.pos;
        if (isDigit(s.peek())) return new ServiceChangeParm.Stamp(timeStamp());
        if (atExtension()) {
            notInReply(reply, at);
            String name = extensionParameter(at);
            return new PropertyParm(name, parmValue(at));
        }
        Token t = peekToken();
        int next = t == null ? TextScanner.EOF : afterToken();
        if (t != null && next == '=') {
            switch (t) {
                case METHOD -> {
                    notInReply(reply, at);
                    take();
                    equal(at);
                    if (atExtension()) {
                        return new ServiceChangeParm.Method(ServiceChangeParm.MethodKind.EXTENSION,
                                extensionParameter(at));
                    }
                    Token m = peekToken();
                    ServiceChangeParm.MethodKind kind;
                    if (m == Token.FAILOVER) kind = ServiceChangeParm.MethodKind.FAILOVER;
                    else if (m == Token.FORCED) kind = ServiceChangeParm.MethodKind.FORCED;
                    else if (m == Token.GRACEFUL) kind = ServiceChangeParm.MethodKind.GRACEFUL;
                    else if (m == Token.RESTART) kind = ServiceChangeParm.MethodKind.RESTART;
                    else if (m == Token.DISCONNECTED) kind = ServiceChangeParm.MethodKind.DISCONNECTED;
                    else if (m == Token.HANDOFF) kind = ServiceChangeParm.MethodKind.HANDOFF;
                    else throw s.expected("a method (Failover, Forced, Graceful, Restart, Disconnected, HandOff or"
                                + " X-...)", at);
                    take();
                    return ServiceChangeParm.Method.of(kind);
                }
                case REASON -> {
                    notInReply(reply, at);
                    take();
                    equal(at);
                    int v = s.pos;
                    String value = value(at);
                    if (value.charAt(0) != '"') {
                        s.deviation(Deviation.Kind.OTHER, v, "ServiceChange Reason " + value
                                + " is not a quoted string (it MUST be, e.g. \"901 Cold Boot\")");
                    }
                    return new ServiceChangeParm.Reason(value);
                }
                case DELAY -> {
                    notInReply(reply, at);
                    take();
                    equal(at);
                    return new ServiceChangeParm.Delay(uint32("a delay", at));
                }
                case SERVICE_CHANGE_ADDRESS -> {
                    take();
                    equal(at);
                    if (isDigit(s.peek())) return new ServiceChangeParm.Address(null, uint16("a port number", at));
                    return new ServiceChangeParm.Address(MIdReader.read(s, at), null);
                }
                case MGC_ID_TO_TRY -> {
                    take();
                    equal(at);
                    return new ServiceChangeParm.MgcIdToTry(MIdReader.read(s, at));
                }
                case PROFILE -> {
                    take();
                    equal(at);
                    if (!isAlpha(s.peek())) throw s.expected("a profile name", at);
                    int e = s.nameEnd(s.pos);
                    String name = s.text.substring(s.pos, e);
                    s.pos = e;
                    if (s.peek() != '/') throw s.expected("'/' and the profile version", at);
                    s.pos++;
                    return new ServiceChangeParm.Profile(name, versionNumber(at));
                }
                case VERSION -> {
                    take();
                    equal(at);
                    return new ServiceChangeParm.Version(versionNumber(at));
                }
                default -> { }
            }
        }
        if (t == Token.SERVICE_CHANGE_INCOMPLETE && next != '=') {
            notInReply(reply, at);
            take();
            return new ServiceChangeParm.Incomplete();
        }
        AuditDescriptor.Item item = auditItem(t);
        if (item != null && next != '=' && next != '{') {
            notInReply(reply, at);
            take();
            return new ServiceChangeParm.AuditItem(item);
        }
        throw unknown("ServiceChange parameter", reply ? "a ServiceChange reply" : "Services", at);
    }

    private void notInReply(boolean reply, int at) {
        if (reply) {
            s.deviation(Deviation.Kind.OTHER, at, "'" + s.word(at) + "' is not allowed in a ServiceChange reply"
                    + " (servChgReplyParm)");
        }
    }
}
