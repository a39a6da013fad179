package dev.holdfast.h248.text;

import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.AuditDescriptor;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.CommandRequest;
import dev.holdfast.h248.message.ContextAuditItem;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.ContextProperty;
import dev.holdfast.h248.message.Descriptor;
import dev.holdfast.h248.message.ErrorDescriptor;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.MessageBody;
import dev.holdfast.h248.message.ObservedEventsDescriptor;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.ServiceChangeParm;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.TimeStamp;
import dev.holdfast.h248.message.TopologyDescriptor;
import dev.holdfast.h248.message.Transaction;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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
 * restrictions "are part of the protocol even though not enforced by this specification"), and the Reason "MUST
 * be encoded using the quotedString form". These are deviations, so strict mode rejects them and lenient mode
 * reports them. (The productions alone accept a ServiceChange without Reason; OTP megaco rejects it too.)
 *
 * <p>Deviations accepted in lenient mode, each reported with its position (strict mode fails there instead):
 * <ul>
 *   <li>{@link Deviation.Kind#PARENTHESISED_PARAMETERS}: {@code al/of(strict=state)} for events, signals, observed
 *       events and event specs;</li>
 *   <li>{@link Deviation.Kind#TRAILING_COMMA}: a comma right before the closing bracket of any list;</li>
 *   <li>{@link Deviation.Kind#WHITESPACE_IN_DIGIT_MAP}: white space, a line break or a comment inside a digit
 *       string or range (the model keeps the map without it);</li>
 *   <li>{@link Deviation.Kind#MISSING_SERVICE_CHANGE_REASON};</li>
 *   <li>{@link Deviation.Kind#OTHER}: no Method in a ServiceChange request, an unquoted Reason, request-only
 *       parameters in a ServiceChange reply, no white space after the mId, {@code Context = 1 { }} in a reply and
 *       other empty braces where the ABNF wants content, a Notify with only an Error, {@code '*'} and {@code '#'}
 *       in a digit map, a termination id with {@code '-'} or {@code '.'}, starting with a digit or over 64
 *       characters, a one-id {@code [t1]} list, white space around the ':' of a range or the '-' of an
 *       acknowledged range, an unquoted error text, an extension name over 6 characters, a comment with non-ASCII
 *       octets or without a final line break, NUL octets after the message.</li>
 * </ul>
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
final class MessageParser extends DescriptorReader {
    /**
     * What was understood before an error, for {@link DecodeResult.Failed}: the version (0 before it is read) and
     * where the mId starts once it has been read (-1 before), so that a failure reads it again. Ints, not an
     * Integer and an MId: the parser lives long (one per thread), and with G1 a reference stored into an old
     * object pays a card-marking barrier with a StoreLoad fence, on every message.
     */
    private int version;
    private int midAt = -1;

    @Override
    int messageVersion() { return version; }
    /**
     * The transaction requests read so far are the {@link Transaction.Request}s on the list stack from here; the
     * id of the one being read is {@code readingRequestId} (-1: none).
     */
    private int transactionsMark = -1;
    private long readingRequestId = -1;

    /** One parser per thread, reused: a decode then allocates only the model (and what a failure reports). */
    private static final ThreadLocal<MessageParser> PER_THREAD = ThreadLocal.withInitial(MessageParser::new);
    private boolean busy;

    private MessageParser() {
        super(new TextScanner());
    }

    /** This thread's parser, started on {@code b[0, end)}; {@link #finish} it after use. */
    private static MessageParser started(byte[] b, int end, DecodeOptions options) {
        MessageParser p = PER_THREAD.get();
        if (p.busy) p = new MessageParser(); // not expected: the decoder calls nothing that decodes
        p.busy = true;
        p.start(b, end, options);
        p.version = 0;
        p.midAt = -1;
        p.transactionsMark = -1;
        p.readingRequestId = -1;
        return p;
    }

    private void release() {
        finish();
        busy = false;
    }

    /**
     * Decodes one message given as text; never throws for any input. The text must be ISO-8859-1 (one character
     * per octet): a character above U+00FF is a syntax error.
     */
    static DecodeResult parse(CharSequence text, DecodeOptions options) {
        String str = text == null ? "" : text.toString();
        int n = str.length();
        byte[] b = str.getBytes(StandardCharsets.ISO_8859_1); // a copy of the octets; '?' for what is not one
        int wide = -1;
        if (b.length != n) {
            wide = firstNonOctet(str, 0);
        } else {
            for (int i = 0; i < n; i++) {
                if (b[i] == '?' && str.charAt(i) != '?') {
                    wide = i;
                    break;
                }
            }
        }
        if (wide >= 0 && n <= options.maxMessageBytes()) {
            b = new byte[n]; // one octet per character, so that positions are the text's
            for (int i = 0; i < n; i++) b[i] = (byte) str.charAt(i);
            return failedBefore(b, n, options, wide,
                    String.format("character U+%04X is not an ISO-8859-1 octet", (int) str.charAt(wide)));
        }
        return parse(b, 0, n, options);
    }

    private static int firstNonOctet(String str, int from) {
        for (int i = from; i < str.length(); i++) {
            if (str.charAt(i) > 0xFF) return i;
        }
        return -1;
    }

    /** Decodes the message in {@code bytes[offset, offset + length)}; never throws for any input. */
    static DecodeResult parse(byte[] bytes, int offset, int length, DecodeOptions options) {
        if (length > options.maxMessageBytes()) {
            // counted only up to the limit, where the error is
            int max = options.maxMessageBytes();
            byte[] head = offset == 0 ? bytes : Arrays.copyOfRange(bytes, offset, offset + max + 1);
            return failedBefore(head, offset == 0 ? length : max + 1, options, max,
                    "message of " + length + " octets exceeds the limit of " + max);
        }
        // positions in errors and deviations count from the start of the message
        byte[] b = offset == 0 ? bytes : Arrays.copyOfRange(bytes, offset, offset + length);
        MessageParser p = started(b, length, options);
        try {
            Message m = p.message();
            return new DecodeResult.Decoded(m, p.s.deviations());
        } catch (ParseFailure f) {
            return p.failed(f.offset, f.reason);
        } catch (RuntimeException | StackOverflowError e) {
            // Last resort: a decoder bug must not escape to the transport.
            return p.failed(Math.min(p.s.pos, length), "internal decoder error: " + e);
        } finally {
            p.release();
        }
    }

    /** A failure found before reading {@code b[0, end)}: nothing understood yet. */
    private static DecodeResult.Failed failedBefore(byte[] b, int end, DecodeOptions options, int offset,
                                                    String reason) {
        MessageParser p = started(b, end, options);
        try {
            return p.failed(offset, reason);
        } finally {
            p.release();
        }
    }

    private DecodeResult.Failed failed(int offset, String reason) {
        int[] lc = s.lineColumn(offset);
        List<Long> requestIds = new ArrayList<>(2);
        if (transactionsMark >= 0) {
            for (int i = transactionsMark; i < top; i++) {
                if (stack[i] instanceof Transaction.Request r) requestIds.add(r.transactionId());
            }
        }
        if (readingRequestId >= 0) requestIds.add(readingRequestId);
        return new DecodeResult.Failed(new SyntaxError(offset, lc[0], lc[1], reason), version == 0 ? null : version,
                midRead(), requestIds);
    }

    /** The mId read before a failure, read again (it was read once without an error), or null. */
    private MId midRead() {
        if (midAt < 0) return null;
        s.pos = midAt;
        try {
            return MIdReader.read(s, midAt);
        } catch (ParseFailure notAgain) {
            return null;
        }
    }

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
        MId mid = MIdReader.read(s, midStart);
        midAt = midStart;
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
        return s.string(p, q);
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
        transactionsMark = mark();
        while (true) {
            int start = s.pos;
            if ((top - transactionsMark) == options.maxTransactions()) {
                throw s.fail(start, "more than " + options.maxTransactions() + " transactions in one message");
            }
            Token t = peekToken();
            Transaction tx;
            if (t == Token.TRANSACTION) tx = transactionRequest(start);
            else if (t == Token.REPLY) tx = transactionReply(start);
            else if (t == Token.PENDING) tx = transactionPending(start);
            else if (t == Token.RESPONSE_ACK) tx = transactionResponseAck(start);
            else if (t == Token.SEGMENT) tx = segmentReply(start);
            else if ((top == transactionsMark)) {
                throw s.fail(start, "expected a transaction (Transaction, Reply, Pending, TransactionResponseAck or"
                        + " Segment) or an Error descriptor but found " + s.found(start));
            } else {
                throw s.fail(start, "expected another transaction or the end of the message but found "
                        + s.found(start));
            }
            push(tx);
            readingRequestId = -1;
            s.skipLwsp();
            if (s.pos >= s.end || trailingNuls()) break;
        }
        return new MessageBody.Transactions(popList(transactionsMark));
    }

    /** NUL padding after the message, as some UDP stacks send: a deviation, then the end. */
    private boolean trailingNuls() {
        for (int p = s.pos; p < s.end; p++) {
            if (s.at(p) != 0) return false;
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
        readingRequestId = id;
        lbrkt(start);
        int actionsMark = mark();
        int itemStart;
        do {
            itemStart = s.pos;
            if ((top - actionsMark) == options.maxActions()) {
                throw s.fail(itemStart, "more than " + options.maxActions() + " actions in transaction " + id);
            }
            push(actionRequest(start));
        } while (more(itemStart, '}'));
        return new Transaction.Request(id, popList(actionsMark));
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
        int actionsMark = mark();
        int itemStart;
        do {
            itemStart = s.pos;
            if ((top - actionsMark) == options.maxActions()) {
                throw s.fail(itemStart, "more than " + options.maxActions() + " actions in reply " + id);
            }
            push(actionReply(start));
        } while (more(itemStart, '}'));
        return new Transaction.Reply(id, segment, complete, immAck, null, popList(actionsMark));
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
        int acksMark = mark();
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
            push(new Transaction.AckRange(first, last));
        } while (more(itemStart, '}'));
        return new Transaction.ResponseAck(popList(acksMark));
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
                int p = s.pos;
                long id = uint32("a context id", start);
                // every message of a call names its context: the id made before for the same digits
                Object v = s.recent.find(s.b, p, s.pos, RecentValues.CONTEXT_ID);
                return v != null ? (ContextId) v : s.recent.keep(ContextId.of(id));
            }
        }
    }

    /** "Context = 12", for messages. */
    private static String inContext(ContextId cid) { return "Context = " + cid; }

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
        // the properties are pushed from here, then (after a ContextAudit) the commands
        int mark = mark();
        List<ContextProperty> properties = null;
        List<ContextAuditItem> audit = List.of();
        int phase = 0; // 0: properties, 1: after ContextAudit, 2: commands
        int itemStart;
        do {
            itemStart = s.pos;
            int c = s.peek();
            boolean prefixed = (c == 'O' || c == 'o' || c == 'W' || c == 'w') && s.charAt(s.pos + 1) == '-';
            Token t = prefixed ? null : peekToken();
            if (prefixed || isCommand(t)) {
                if (phase == 0) properties = popList(mark);
                if ((top - mark) == options.maxCommands()) {
                    throw s.fail(itemStart, "more than " + options.maxCommands() + " commands in " + inContext(cid));
                }
                push(commandRequest(cid));
                phase = 2;
            } else if (t == Token.CONTEXT_AUDIT) {
                if (phase > 0) throw s.fail(itemStart, "ContextAudit must come before the commands in " + inContext(cid));
                properties = popList(mark);
                audit = contextAudit();
                phase = 1;
            } else if (isContextProperty(t)) {
                if (phase > 0) {
                    throw s.fail(itemStart, "context property '" + s.word(itemStart)
                            + "' must come before ContextAudit and the commands in " + inContext(cid));
                }
                contextProperty(t);
            } else {
                throw unknown("command", inContext(cid), itemStart);
            }
        } while (more(itemStart, '}'));
        if (phase == 0) properties = popList(mark);
        List<CommandRequest> commands = popList(mark);
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
        if (s.peek() == '}') {
            s.deviation(Deviation.Kind.OTHER, s.pos, "'" + s.excerpt(start, s.pos) + " }' has no command reply and"
                    + " no error inside its braces");
            s.close();
            s.skipLwsp();
            return new ActionReply(cid, List.of(), List.of(), null);
        }
        // the properties are pushed from here, then the command replies
        int mark = mark();
        List<ContextProperty> properties = null;
        ErrorDescriptor error = null;
        while (true) {
            int itemStart = s.pos;
            Token t = peekToken();
            if (t == Token.ERROR) {
                error = errorDescriptor();
                if (more(itemStart, '}')) {
                    throw s.fail(s.pos, "nothing may follow the Error descriptor in " + inContext(cid) + " but found "
                            + s.found(s.pos));
                }
                break;
            }
            if (isCommand(t)) {
                if (properties == null) properties = popList(mark);
                if ((top - mark) == options.maxCommands()) {
                    throw s.fail(itemStart, "more than " + options.maxCommands() + " command replies in " + inContext(cid));
                }
                push(commandReply(t));
            } else if (isContextProperty(t)) {
                if (properties != null) {
                    throw s.fail(itemStart, "context property '" + s.word(itemStart)
                            + "' must come before the command replies in " + inContext(cid));
                }
                contextProperty(t);
            } else {
                throw unknown("command reply", inContext(cid), itemStart);
            }
            if (!more(itemStart, '}')) break;
        }
        if (properties == null) properties = popList(mark);
        List<CommandReply> replies = popList(mark);
        return new ActionReply(cid, properties, replies, error);
    }

    // ================================================================ context properties and audit

    /** contextProperty = topologyDescriptor / priority / EmergencyToken / EmergencyOffToken / iepsValue / contextAttrDescriptor. */
    /** Pushes the property, or each of a ContextAttr's. */
    private void contextProperty(Token t) {
        int start = s.pos;
        switch (t) {
            case TOPOLOGY -> push(topology());
            case PRIORITY -> {
                take();
                equal(start);
                push(new ContextProperty.Priority(uint16("a priority", start)));
            }
            case EMERGENCY -> {
                take();
                push(new ContextProperty.Emergency(true));
            }
            case EMERGENCY_OFF -> {
                take();
                push(new ContextProperty.Emergency(false));
            }
            case IEPS -> {
                take();
                equal(start);
                push(new ContextProperty.Ieps(onOff(start)));
            }
            case CONTEXT_ATTR -> contextAttr(start);
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
        int triplesMark = mark();
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
            push(new TopologyDescriptor.Triple(from, to, direction, stream));
            if (!more(tripleStart, '}')) break;
        }
        return new TopologyDescriptor(popList(triplesMark));
    }

    /**
     * contextAttrDescriptor = ContextAttrToken LBRKT (contextIdList / propertyParm *(COMMA propertyParm)) RBRKT;
     * contextIdList = ContextListToken EQUAL LBRKT ContextID *(COMMA ContextID) RBRKT.
     */
    private void contextAttr(int start) {
        take();
        lbrkt(start);
        if (atContextList()) {
            push(contextList(start));
            rbrkt(start);
            return;
        }
        int itemStart;
        do {
            itemStart = s.pos;
            push(propertyParm());
        } while (more(itemStart, '}'));
    }

    private boolean atContextList() {
        return peekToken() == Token.CONTEXT_LIST && afterToken() == '=';
    }

    private ContextProperty.ContextList contextList(int start) {
        take();
        equal(start);
        lbrkt(start);
        int idsMark = mark();
        int itemStart;
        do {
            itemStart = s.pos;
            push(contextId(start));
        } while (more(itemStart, '}'));
        return new ContextProperty.ContextList(popList(idsMark));
    }

    /**
     * contextAudit = ContextAuditToken LBRKT (contextAuditProperties *(COMMA contextAuditProperties)) /
     * indAudcontextAttrDescriptor RBRKT.
     */
    private List<ContextAuditItem> contextAudit() {
        int start = s.pos;
        take();
        lbrkt(start);
        int itemsMark = mark();
        int itemStart;
        do {
            itemStart = s.pos;
            contextAuditItem(false);
        } while (more(itemStart, '}'));
        return popList(itemsMark);
    }

    /**
     * contextAuditProperties = TopologyToken / EmergencyToken / PriorityToken / IEPSToken / pkgdName /
     * contextAuditSelector; contextAuditSelector = priority / emergencyValue / iepsValue / contextAttrDescriptor /
     * auditSelectLogic. Inside ContextAttr ({@code insideAttr}) an item may also be a propertyParm.
     */
    /** Pushes the item, or each of a ContextAttr's. */
    private void contextAuditItem(boolean insideAttr) {
        int at = s.pos;
        if (atPkgdName()) {
            String name = pkgdName("a property", at);
            if (insideAttr && isRelation(s.nextSignificant(s.pos))) {
                push(new ContextAuditItem.Select(new PropertyParm(name, parmValue(at))));
            } else {
                push(new ContextAuditItem.PackageProperty(name));
            }
            return;
        }
        Token t = peekToken();
        boolean valued = t != null && afterToken() == '=';
        if (t == Token.TOPOLOGY && !valued) {
            take();
            push(new ContextAuditItem.Token(ContextAuditItem.Kind.TOPOLOGY));
        } else if (t == Token.EMERGENCY && !valued) {
            take();
            push(new ContextAuditItem.Token(ContextAuditItem.Kind.EMERGENCY));
        } else if (t == Token.PRIORITY) {
            take();
            if (valued) {
                equal(at);
                push(new ContextAuditItem.Select(new ContextProperty.Priority(uint16("a priority", at))));
            } else {
                push(new ContextAuditItem.Token(ContextAuditItem.Kind.PRIORITY));
            }
        } else if (t == Token.IEPS) {
            take();
            if (valued) {
                equal(at);
                push(new ContextAuditItem.Select(new ContextProperty.Ieps(onOff(at))));
            } else {
                push(new ContextAuditItem.Token(ContextAuditItem.Kind.IEPS));
            }
        } else if (t == Token.EMERGENCY_VALUE && valued) {
            take();
            equal(at);
            Token v = peekToken();
            if (v != Token.EMERGENCY && v != Token.EMERGENCY_OFF) throw s.expected("Emergency or EmergencyOff", at);
            take();
            push(new ContextAuditItem.Select(new ContextProperty.Emergency(v == Token.EMERGENCY)));
        } else if (t == Token.CONTEXT_ATTR && !insideAttr && afterToken() == '{') {
            take();
            lbrkt(at);
            if (atContextList()) {
                push(new ContextAuditItem.Select(contextList(at)));
                rbrkt(at);
                return;
            }
            int itemStart;
            do {
                itemStart = s.pos;
                contextAuditItem(true);
            } while (more(itemStart, '}'));
        } else if (t == Token.AND_AUDIT_SELECT && !valued) {
            take();
            push(new ContextAuditItem.Logic(true));
        } else if (t == Token.OR_AUDIT_SELECT && !valued) {
            take();
            push(new ContextAuditItem.Logic(false));
        } else {
            throw unknown("context audit item", "ContextAudit", at);
        }
    }

    // ================================================================ commands

    /** [O-] [W-] commandRequest. */
    private CommandRequest commandRequest(ContextId cid) {
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
        if (!isCommand(verb)) throw unknown("command", inContext(cid), s.pos);
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
                        int descriptorsMark = mark();
                        int itemStart;
                        do {
                            itemStart = s.pos;
                            push(ammParameter(name));
                        } while (more(itemStart, '}'));
                        descriptors = popList(descriptorsMark);
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
                if (peekToken() == Token.ERROR) {
                    s.deviation(Deviation.Kind.OTHER, s.pos, "Notify without an ObservedEvents descriptor (only an"
                            + " Error descriptor)");
                    ErrorDescriptor error = errorDescriptor();
                    rbrkt(start);
                    yield new Command.Notify(ids, null, error);
                }
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
    private CommandReply commandReply(Token verb) {
        int start = s.pos;
        take();
        if (verb == Token.AUDIT_VALUE || verb == Token.AUDIT_CAPABILITY) {
            return auditReply(verb, start);
        }
        equal(start);
        List<TerminationId> ids = termIdList(start);
        switch (verb) {
            case ADD, MOVE, MODIFY, SUBTRACT -> {
                List<Descriptor> audit = List.of();
                if (nextIs('{')) {
                    lbrkt(start);
                    if (s.peek() == '}') emptyBraces(start);
                    else audit = terminationAudit(verb);
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
    /** A descriptor token at {@code p}, not the start of a pathNAME such as {@code E/1} or {@code M*}. */
    private boolean auditReturnTokenAt(int p) {
        if (!isAuditReturnToken(tokenAt(p))) return false;
        int c = s.charAt(s.nameEnd(p));
        return c != '/' && c != '*' && c != '$' && c != '@';
    }

    private CommandReply.Audit auditReply(Token verb, int start) {
        boolean capabilities = verb == Token.AUDIT_CAPABILITY;
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
                int idsMark = mark();
                int itemStart;
                do {
                    itemStart = s.pos;
                    push(terminationId(start));
                } while (more(itemStart, '}'));
                return new CommandReply.Audit(capabilities, true, popList(idsMark), List.of(), null);
            }
        }
        List<TerminationId> ids = termIdList(start);
        List<Descriptor> audit = List.of();
        if (nextIs('{')) {
            lbrkt(start);
            if (s.peek() == '}') emptyBraces(start);
            else audit = terminationAudit(verb);
        }
        return new CommandReply.Audit(capabilities, false, ids, audit, null);
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
        int parmsMark = mark();
        boolean method = false;
        boolean reason = false;
        int itemStart;
        do {
            itemStart = s.pos;
            ServiceChangeParm parm = serviceChangeParm(reply);
            method |= parm instanceof ServiceChangeParm.Method;
            reason |= parm instanceof ServiceChangeParm.Reason;
            push(parm);
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
        return popList(parmsMark);
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
                    String name = s.string(s.pos, e);
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
        if (auditItem(t) != null) {
            notInReply(reply, at);
            return new ServiceChangeParm.AuditItem(new AuditReader(this).auditItem("Services"));
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
