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
import dev.holdfast.h248.message.IndAuditParameter;
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

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * The H.248.1 text encoder (Annex B ABNF, versions 1 to 3): writes a {@link Message} in one of the two
 * {@link TextForm}s, with the spellings of {@link Token}.
 *
 * <h2>Forms</h2>
 * <ul>
 *   <li><b>COMPACT</b>: short tokens and no optional white space. The mandatory SEPs are a space after the
 *       version (and after an authentication header) and a line feed after the mId:
 *       {@code !/1 [1.2.3.4]:2944\nT=1{C=-{MF=A4444{E=2222{al/of}}}}}.
 *       Transactions follow each other with nothing between them, except that a {@code Segment} reply (which does
 *       not end in a brace) is followed by a line feed when another transaction comes after it. No line break at
 *       the end.</li>
 *   <li><b>PRETTY</b>: long tokens; every element of a braced list on a line of its own, indented by four spaces
 *       per level; {@code " = "} after the keyword that names a transaction, context, command, stream, signal
 *       list, events/observed-events descriptor, error or digit map ({@code Context = 1 {}), {@code "="}
 *       without spaces in parameters ({@code Mode=SendReceive}, {@code al/on {strict=state}} is written as a
 *       block), as in RFC 3525's examples. Lists of plain values stay on one line: parameter alternatives and
 *       sublists, NotifyCompletion reasons, Audit items, Packages, termination id lists, TransactionResponseAck,
 *       the error text and a digit map value. Each transaction ends with a line break.</li>
 * </ul>
 * Line breaks are a bare LF ({@code "\n"}) in both forms: H.248.1 allows CR, LF or CRLF as EOL, LF is what
 * RFC 3525's examples and the peers we test against (Erlang/OTP megaco, Wireshark) accept, and it keeps pretty
 * text tidy in logs and files. Nothing here depends on the line break inside SDP.
 *
 * <h2>SDP (Local and Remote)</h2>
 * The model holds exactly the octets between the braces ({@code octetString}), and the encoder writes them
 * verbatim, in both forms, with nothing added before or after: {@code Local{} + sdp + {@code }}. This is what
 * makes {@code decode(encode(m)).equals(m)} hold for any SDP text. The convention for SDP that an application
 * builds is therefore the one a decoder hands back: to get the RFC's layout, with the SDP on lines of its own,
 * start and end the string with a line break, {@code "\nv=0\nc=IN IP4 $\nm=audio $ RTP/AVP 0\n"}, which gives
 * <pre>
 *         Local {
 * v=0
 * c=IN IP4 $
 * m=audio $ RTP/AVP 0
 * }
 * </pre>
 * in pretty form (no indentation inside the braces: it would become part of the SDP) and
 * {@code L{\nv=0\n...\n}} in compact form. The SDP must not contain an unescaped {@code }} (the ABNF escapes it
 * as {@code \}}) or a NUL octet, nor end with a backslash (it would escape the closing brace): such a model cannot
 * be written and is refused with an IllegalArgumentException.
 *
 * <h2>Other conventions</h2>
 * VALUEs, names, termination ids and digit maps are written as held (quoted strings keep their quotes; a digit
 * map holds no white space). The items the model flattens are regrouped: consecutive context attributes
 * ({@link PropertyParm} among the context properties) go into one {@code ContextAttr{...}}; a v3 context list
 * has a {@code ContextAttr{ContextList={...}}} of its own; a context audit selection on an attribute or a context
 * list is a {@code ContextAttr{...}} holding it. A v3 list of several termination ids is written
 * {@code [a,b]}. An action reply with nothing in it is written as a bare {@code Context = id}. An empty Signals
 * descriptor is a bare {@code Signals} (what Erlang/OTP megaco writes and accepts), except directly in a reply's
 * terminationAudit, where {@code Signals { }} keeps it apart from the Signals audit item.
 *
 * <p>Speed: the octets are written straight into the array of the {@link OctetWriter} this encoder is (token
 * spellings as octets, numbers without formatting); one encoder and its array are kept per thread, so encoding
 * allocates its result and little else.
 */
final class MessageEncoder extends OctetWriter {
    private static final int INDENT = 4;
    private static final ThreadLocal<MessageEncoder> PER_THREAD = ThreadLocal.withInitial(MessageEncoder::new);

    /**
     * Every token's spelling as octets, in six runs of one entry per token: pretty and compact, each bare
     * ("Context" / "C"), with the EQUAL of a keyword that names a block ("Context = " / "C=") and with the
     * unpadded EQUAL of a parameter ("Mode=" / "MO=").
     */
    private static final byte[][] SPELLINGS;
    private static final int TOKENS = Token.values().length;

    static {
        SPELLINGS = new byte[6 * TOKENS][];
        for (Token t : Token.values()) {
            for (int compact = 0; compact < 2; compact++) {
                String spelling = t.spelling(compact == 1);
                int run = compact * 3 * TOKENS + t.ordinal();
                SPELLINGS[run] = octets(spelling);
                SPELLINGS[run + TOKENS] = octets(spelling + (compact == 1 ? "=" : " = "));
                SPELLINGS[run + 2 * TOKENS] = octets(spelling + "=");
            }
        }
    }

    /**
     * {@link #SPELLINGS} again, packed for {@link OctetWriter#appendPacked}: per entry four longs, the spelling's
     * octets little-endian in the first three (zero past its end) and its length in the fourth, -1 for a spelling
     * longer than 24 octets (none today), which is copied from SPELLINGS. Why: a token is 1 to 23 octets, and
     * System.arraycopy of a length C2 cannot see is a call to a copy stub (9 % of compact encoding's CPU samples);
     * one to three 8-octet stores are not.
     */
    private static final long[] PACKED;

    static {
        PACKED = new long[SPELLINGS.length * 4];
        for (int k = 0; k < SPELLINGS.length; k++) {
            byte[] o = SPELLINGS[k];
            if (o.length > 24) {
                PACKED[4 * k + 3] = -1;
                continue;
            }
            for (int i = 0; i < o.length; i++) PACKED[4 * k + i / 8] |= (o[i] & 0xFFL) << (8 * (i % 8));
            PACKED[4 * k + 3] = o.length;
        }
    }

    private static byte[] octets(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    /** For tests: how many entries {@link #SPELLINGS} has, and entry {@code k} as written after {@code before}. */
    static int spellingCount() { return SPELLINGS.length; }

    static byte[][] spellingWritten(int k, String before) {
        MessageEncoder e = new MessageEncoder();
        e.append(before);
        e.spelling(k);
        e.append('|'); // the octets a packed store wrote past the spelling must be overwritten by what comes next
        return new byte[][] {SPELLINGS[k], e.toBytes()};
    }

    /** The spelling at {@code k} in {@link #SPELLINGS}. */
    private void spelling(int k) {
        if (PACKED[4 * k + 3] < 0) append(SPELLINGS[k]);
        else appendPacked(PACKED, 4 * k);
    }

    private boolean compact;
    /**
     * Where this message's form starts in {@link #SPELLINGS}. An int: the encoder lives long (one per thread), and
     * with G1 a reference stored into an old object pays a card-marking barrier with a StoreLoad fence, on every
     * message.
     */
    private int spellings;
    private int depth;
    private boolean busy;

    private MessageEncoder() {}

    static String encode(Message message, TextForm form) {
        MessageEncoder e = write(message, form);
        try {
            return e.text();
        } finally {
            e.release();
        }
    }

    static byte[] encodeToBytes(Message message, TextForm form) {
        MessageEncoder e = write(message, form);
        try {
            return e.toBytes();
        } finally {
            e.release();
        }
    }

    /** This thread's encoder with {@code message} written, or an exception; {@link #release} it after use. */
    private static MessageEncoder write(Message message, TextForm form) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(form, "form");
        MessageEncoder e = PER_THREAD.get();
        if (e.busy) e = new MessageEncoder(); // not expected: nothing the encoder calls encodes
        e.busy = true;
        e.reset();
        e.compact = form == TextForm.COMPACT;
        e.spellings = e.compact ? 3 * TOKENS : 0;
        e.depth = 0;
        try {
            e.message(message);
        } catch (RuntimeException | Error x) {
            e.release();
            throw x;
        }
        return e;
    }

    private void release() {
        trim();
        busy = false;
    }

    // ---------------------------------------------------------------- layout

    private void tok(Token t) {
        spelling(spellings + t.ordinal());
    }

    /** The keyword and a parameter's EQUAL: {@link #tok} then {@link #peq}. */
    private void tokPeq(Token t) {
        spelling(spellings + 2 * TOKENS + t.ordinal());
    }

    /** The keyword and EQUAL: {@link #tok} then {@link #eq}. */
    private void tokEq(Token t) {
        spelling(spellings + TOKENS + t.ordinal());
    }

    /** EQUAL after a keyword that names something with a block: " = " in pretty form. */
    private void eq() {
        if (compact) append('=');
        else append(" = ");
    }

    /** EQUAL in a parameter: never padded. */
    private void peq() {
        append('=');
    }

    private void newline() {
        lineBreak(depth * INDENT);
    }

    /** LBRKT before a block: " {" in pretty form, unless it follows '=' or a space. */
    private void lbrace() {
        if (!compact) {
            int last = last();
            if (last != '=' && last != ' ' && last != '\n' && last != -1) append(' ');
        }
        append('{');
    }

    private void open() {
        lbrace();
        depth++;
    }

    /** Before the {@code i}-th element of a block (0-based): the comma and, in pretty form, a new line. */
    private void item(int i) {
        if (compact) {
            if (i > 0) append(',');
        } else {
            lineBreak(i > 0 ? ',' : 0, depth * INDENT, 0);
        }
    }

    private void close(boolean hadItems) {
        depth--;
        if (!compact && hadItems) lineBreak(0, depth * INDENT, '}');
        else append('}');
    }

    /** COMMA in a list kept on one line. */
    private void inlineComma() {
        if (compact) append(',');
        else append(", ");
    }

    // ---------------------------------------------------------------- message

    private void message(Message m) {
        Message.AuthenticationHeader auth = m.auth();
        if (auth != null) {
            tokEq(Token.AUTHENTICATION);
            append(auth.securityParmIndex()).append(':').append(auth.sequenceNum()).append(':')
                    .append(auth.authData());
            append(compact ? ' ' : '\n');
        }
        header(m.version(), m.mid());
        MessageBody body = m.body();
        if (body instanceof MessageBody.Error e) {
            error(e.error());
            if (!compact) append('\n');
        } else {
            List<Transaction> ts = ((MessageBody.Transactions) body).transactions();
            for (int i = 0, n = ts.size(); i < n; i++) {
                Transaction t = ts.get(i);
                transaction(t);
                if (!compact || (t instanceof Transaction.SegmentReply && i + 1 < n)) append('\n');
            }
        }
    }

    /**
     * The header line ({@code MEGACO/1 [a.b.c.d]:p} and its line feed) of a message written from the same MId object
     * as the message before it, as octets, and what it was written from. A controller writes its own mId in every
     * message, the same MId object: the line is written twice, then copied. MIds are immutable records, so the same
     * object, version and form write the same octets. A writer that takes turns between several mIds (a simulator
     * of many gateways on one thread) never keeps one, so it does not copy a line per message. The fields change
     * only when the line does: no reference store (no collector barrier) per message once it is kept.
     */
    private MId headerMid;
    private int headerVersion = -1;
    private boolean headerCompact;
    private byte[] header;
    /** The mId of the last message whose header line was written out, not copied. */
    private MId previousMid;

    /** {@code MegacopToken SLASH Version SEP mId} and the line feed (the SEP after the mId). */
    private void header(int version, MId mid) {
        if (mid == headerMid && version == headerVersion && compact == headerCompact) {
            append(header);
            return;
        }
        int from = length();
        int wide = wideCount();
        tok(Token.MEGACOP);
        append('/').append(version).append(' ');
        mid(mid);
        append('\n');
        if (mid != previousMid) {
            previousMid = mid;
        } else if (mid != null && wideCount() == wide) { // a '?' for a wide character is given back by position
            header = copyFrom(from);
            headerMid = mid;
            headerVersion = version;
            headerCompact = compact;
        }
    }

    private void mid(MId mid) {
        if (mid instanceof MId.IpAddress ip) {
            append('[').append(ip.address()).append(']');
            if (ip.port() != null) append(':').append(ip.port().intValue());
        } else if (mid instanceof MId.DomainName dn) {
            append('<').append(dn.name()).append('>');
            if (dn.port() != null) append(':').append(dn.port().intValue());
        } else if (mid instanceof MId.DeviceName dev) {
            append(dev.name());
        } else if (mid instanceof MId.MtpAddress mtp) {
            tok(Token.MTP);
            append('{').append(mtp.hex()).append('}');
        } else {
            throw unknown(mid);
        }
    }

    // ---------------------------------------------------------------- transactions

    private void transaction(Transaction t) {
        if (t instanceof Transaction.Request r) {
            tokEq(Token.TRANSACTION);
            append(r.transactionId());
            open();
            List<ActionRequest> actions = r.actions();
            for (int i = 0; i < actions.size(); i++) {
                item(i);
                actionRequest(actions.get(i));
            }
            close(!actions.isEmpty());
        } else if (t instanceof Transaction.Reply r) {
            tokEq(Token.REPLY);
            append(r.transactionId());
            segment(r.segmentNumber(), r.segmentationComplete());
            open();
            int n = 0;
            if (r.immAckRequired()) {
                item(n++);
                tok(Token.IMM_ACK_REQUIRED);
            }
            if (r.error() != null) {
                item(n++);
                error(r.error());
            } else {
                for (ActionReply a : r.actions()) {
                    item(n++);
                    actionReply(a);
                }
            }
            close(n > 0);
        } else if (t instanceof Transaction.Pending p) {
            tokEq(Token.PENDING);
            append(p.transactionId());
            open();
            close(false);
        } else if (t instanceof Transaction.ResponseAck ack) {
            tok(Token.RESPONSE_ACK);
            lbrace();
            List<Transaction.AckRange> acks = ack.acks();
            for (int i = 0; i < acks.size(); i++) {
                if (i > 0) inlineComma();
                Transaction.AckRange range = acks.get(i);
                append(range.first());
                if (range.last() != range.first()) append('-').append(range.last());
            }
            append('}');
        } else if (t instanceof Transaction.SegmentReply s) {
            tokEq(Token.SEGMENT);
            append(s.transactionId());
            segment(s.segmentNumber(), s.segmentationComplete());
        } else {
            throw unknown(t);
        }
    }

    private void segment(Integer segmentNumber, boolean complete) {
        if (segmentNumber == null) return;
        append('/').append(segmentNumber.intValue());
        if (complete) {
            append('/');
            tok(Token.SEGMENTATION_COMPLETE);
        }
    }

    private void actionRequest(ActionRequest a) {
        tokEq(Token.CONTEXT);
        contextId(a.contextId());
        open();
        int n = contextProperties(a.contextProperties(), 0);
        if (!a.contextAudit().isEmpty()) {
            item(n++);
            contextAudit(a.contextAudit());
        }
        for (CommandRequest c : a.commands()) {
            item(n++);
            commandRequest(c);
        }
        close(n > 0);
    }

    private void actionReply(ActionReply a) {
        tokEq(Token.CONTEXT);
        contextId(a.contextId());
        if (a.contextProperties().isEmpty() && a.replies().isEmpty() && a.error() == null) return;
        open();
        int n = contextProperties(a.contextProperties(), 0);
        for (CommandReply r : a.replies()) {
            item(n++);
            commandReply(r);
        }
        if (a.error() != null) {
            item(n++);
            error(a.error());
        }
        close(n > 0);
    }

    private void contextId(ContextId id) {
        long v = id.value();
        if (v >= 0) append(v);
        else if (v == ContextId.NULL.value()) append('-');
        else if (v == ContextId.CHOOSE.value()) append('$');
        else append('*');
    }

    /** Writes the properties as elements {@code n, n+1, ...} of the enclosing block; returns the next index. */
    private int contextProperties(List<ContextProperty> props, int n) {
        for (int i = 0; i < props.size(); ) {
            ContextProperty p = props.get(i);
            item(n++);
            if (p instanceof PropertyParm) {
                // consecutive context attributes (v3) share one ContextAttr descriptor
                tok(Token.CONTEXT_ATTR);
                open();
                int j = 0;
                while (i < props.size() && props.get(i) instanceof PropertyParm attr) {
                    item(j++);
                    propertyParm(attr);
                    i++;
                }
                close(true);
            } else {
                contextProperty(p);
                i++;
            }
        }
        return n;
    }

    private void contextProperty(ContextProperty p) {
        if (p instanceof ContextProperty.Priority pr) {
            tokPeq(Token.PRIORITY);
            append(pr.value());
        } else if (p instanceof ContextProperty.Emergency em) {
            tok(em.on() ? Token.EMERGENCY : Token.EMERGENCY_OFF);
        } else if (p instanceof ContextProperty.Ieps ieps) {
            tokPeq(Token.IEPS);
            onOff(ieps.on());
        } else if (p instanceof TopologyDescriptor top) {
            topology(top);
        } else if (p instanceof PropertyParm attr) {
            tok(Token.CONTEXT_ATTR);
            open();
            item(0);
            propertyParm(attr);
            close(true);
        } else if (p instanceof ContextProperty.ContextList list) {
            // v3: ContextAttr { ContextList = { id *(, id) } }, a ContextAttr of its own
            tok(Token.CONTEXT_ATTR);
            open();
            item(0);
            tokPeq(Token.CONTEXT_LIST);
            lbrace();
            List<ContextId> ids = list.ids();
            for (int i = 0; i < ids.size(); i++) {
                if (i > 0) inlineComma();
                contextId(ids.get(i));
            }
            append('}');
            close(true);
        } else {
            throw unknown(p);
        }
    }

    private void contextAudit(List<ContextAuditItem> items) {
        tok(Token.CONTEXT_AUDIT);
        open();
        for (int i = 0; i < items.size(); i++) {
            item(i);
            ContextAuditItem it = items.get(i);
            if (it instanceof ContextAuditItem.Token t) {
                tok(switch (t.kind()) {
                    case TOPOLOGY -> Token.TOPOLOGY;
                    case EMERGENCY -> Token.EMERGENCY;
                    case PRIORITY -> Token.PRIORITY;
                    case IEPS -> Token.IEPS;
                });
            } else if (it instanceof ContextAuditItem.PackageProperty pp) {
                append(pp.pkgdName());
            } else if (it instanceof ContextAuditItem.Select sel) {
                ContextProperty p = sel.property();
                if (p instanceof ContextProperty.Emergency em) {
                    tokPeq(Token.EMERGENCY_VALUE);
                    tok(em.on() ? Token.EMERGENCY : Token.EMERGENCY_OFF);
                } else if (p instanceof TopologyDescriptor) {
                    throw new IllegalArgumentException("a topology is not a context audit selection");
                } else {
                    contextProperty(p);
                }
            } else if (it instanceof ContextAuditItem.Logic l) {
                tok(l.and() ? Token.AND_AUDIT_SELECT : Token.OR_AUDIT_SELECT);
            } else {
                throw unknown(it);
            }
        }
        close(!items.isEmpty());
    }

    private void topology(TopologyDescriptor top) {
        tok(Token.TOPOLOGY);
        open();
        List<TopologyDescriptor.Triple> triples = top.triples();
        for (int i = 0; i < triples.size(); i++) {
            item(i);
            TopologyDescriptor.Triple t = triples.get(i);
            append(t.from().value());
            inlineComma();
            append(t.to().value());
            inlineComma();
            tok(switch (t.direction()) {
                case BOTHWAY -> Token.BOTHWAY;
                case ISOLATE -> Token.ISOLATE;
                case ONEWAY -> Token.ONEWAY;
                case ONEWAY_EXTERNAL -> Token.ONEWAY_EXTERNAL;
                case ONEWAY_BOTH -> Token.ONEWAY_BOTH;
            });
            if (t.streamId() != null) {
                inlineComma();
                tokPeq(Token.STREAM);
                append(t.streamId().intValue());
            }
        }
        close(!triples.isEmpty());
    }

    // ---------------------------------------------------------------- commands

    private void commandRequest(CommandRequest cr) {
        if (cr.optional()) append("O-");
        if (cr.wildcardResponse()) append("W-");
        Command c = cr.command();
        if (c instanceof Command.Amm amm) {
            tok(switch (amm.verb()) {
                case ADD -> Token.ADD;
                case MOVE -> Token.MOVE;
                case MODIFY -> Token.MODIFY;
            });
            eq();
            terminationIds(amm.terminationIds());
            descriptorBlock(amm.descriptors());
        } else if (c instanceof Command.Subtract s) {
            tokEq(Token.SUBTRACT);
            terminationIds(s.terminationIds());
            if (s.audit() != null) {
                open();
                item(0);
                audit(s.audit());
                close(true);
            }
        } else if (c instanceof Command.Audit a) {
            tokEq(a.capabilities() ? Token.AUDIT_CAPABILITY : Token.AUDIT_VALUE);
            terminationIds(a.terminationIds());
            if (a.audit() != null) {
                open();
                item(0);
                audit(a.audit());
                close(true);
            }
        } else if (c instanceof Command.Notify nt) {
            if (nt.observedEvents() == null) {
                throw new IllegalArgumentException("a Notify request needs an ObservedEvents descriptor");
            }
            tokEq(Token.NOTIFY);
            terminationIds(nt.terminationIds());
            open();
            item(0);
            observedEvents(nt.observedEvents());
            if (nt.error() != null) {
                item(1);
                error(nt.error());
            }
            close(true);
        } else if (c instanceof Command.ServiceChange sc) {
            tokEq(Token.SERVICE_CHANGE);
            terminationIds(sc.terminationIds());
            open();
            item(0);
            services(sc.parms());
            close(true);
        } else {
            throw unknown(c);
        }
    }

    private void commandReply(CommandReply r) {
        if (r instanceof CommandReply.Amms amms) {
            tok(switch (amms.verb()) {
                case ADD -> Token.ADD;
                case MOVE -> Token.MOVE;
                case MODIFY -> Token.MODIFY;
                case SUBTRACT -> Token.SUBTRACT;
            });
            eq();
            terminationIds(amms.terminationIds());
            replyDescriptorBlock(amms.terminationAudit());
        } else if (r instanceof CommandReply.Audit a) {
            tokEq(a.capabilities() ? Token.AUDIT_CAPABILITY : Token.AUDIT_VALUE);
            if (a.contextAudit()) {
                tok(Token.CONTEXT);
                if (a.contextAuditError() != null) {
                    open();
                    item(0);
                    error(a.contextAuditError());
                    close(true);
                } else {
                    lbrace();
                    List<TerminationId> ids = a.terminationIds();
                    for (int i = 0; i < ids.size(); i++) {
                        if (i > 0) inlineComma();
                        append(ids.get(i).value());
                    }
                    append('}');
                }
            } else {
                terminationIds(a.terminationIds());
                replyDescriptorBlock(a.terminationAudit());
            }
        } else if (r instanceof CommandReply.Notify nt) {
            tokEq(Token.NOTIFY);
            terminationIds(nt.terminationIds());
            if (nt.error() != null) {
                open();
                item(0);
                error(nt.error());
                close(true);
            }
        } else if (r instanceof CommandReply.ServiceChange sc) {
            tokEq(Token.SERVICE_CHANGE);
            terminationIds(sc.terminationIds());
            if (sc.error() != null) {
                open();
                item(0);
                error(sc.error());
                close(true);
            } else if (!sc.parms().isEmpty()) {
                open();
                item(0);
                services(sc.parms());
                close(true);
            }
        } else {
            throw unknown(r);
        }
    }

    /** One id as is; several (v3) as {@code [a,b]}. */
    private void terminationIds(List<TerminationId> ids) {
        if (ids.size() == 1) {
            append(ids.get(0).value());
            return;
        }
        if (ids.isEmpty()) throw new IllegalArgumentException("a command without a termination id");
        append('[');
        for (int i = 0; i < ids.size(); i++) {
            if (i > 0) inlineComma();
            append(ids.get(i).value());
        }
        append(']');
    }

    /** {@code [{ descriptor *(, descriptor) }]}: nothing when there are none. */
    private void descriptorBlock(List<Descriptor> descriptors) {
        if (descriptors.isEmpty()) return;
        open();
        for (int i = 0; i < descriptors.size(); i++) {
            item(i);
            descriptor(descriptors.get(i));
        }
        close(true);
    }

    /**
     * A reply's terminationAudit: as {@link #descriptorBlock}, except that an empty Signals descriptor keeps its
     * braces there, since a bare {@code Signals} in a reply is read as the audit item (AuditReturnItem).
     */
    private void replyDescriptorBlock(List<Descriptor> descriptors) {
        if (descriptors.isEmpty()) return;
        open();
        for (int i = 0; i < descriptors.size(); i++) {
            item(i);
            Descriptor d = descriptors.get(i);
            if (d instanceof SignalsDescriptor s && s.signals().isEmpty()) {
                tok(Token.SIGNALS);
                open();
                close(false);
            } else {
                descriptor(d);
            }
        }
        close(true);
    }

    private void services(List<ServiceChangeParm> parms) {
        tok(Token.SERVICES);
        open();
        for (int i = 0; i < parms.size(); i++) {
            item(i);
            serviceChangeParm(parms.get(i));
        }
        close(!parms.isEmpty());
    }

    private void serviceChangeParm(ServiceChangeParm p) {
        if (p instanceof ServiceChangeParm.Method m) {
            tokPeq(Token.METHOD);
            if (m.kind() == ServiceChangeParm.MethodKind.EXTENSION) {
                append(m.extension());
            } else {
                tok(switch (m.kind()) {
                    case FAILOVER -> Token.FAILOVER;
                    case FORCED -> Token.FORCED;
                    case GRACEFUL -> Token.GRACEFUL;
                    case RESTART -> Token.RESTART;
                    case DISCONNECTED -> Token.DISCONNECTED;
                    case HANDOFF -> Token.HANDOFF;
                    case EXTENSION -> throw new AssertionError();
                });
            }
        } else if (p instanceof ServiceChangeParm.Reason r) {
            tokPeq(Token.REASON);
            append(r.value());
        } else if (p instanceof ServiceChangeParm.Delay d) {
            tokPeq(Token.DELAY);
            append(d.millis());
        } else if (p instanceof ServiceChangeParm.Address a) {
            tokPeq(Token.SERVICE_CHANGE_ADDRESS);
            if (a.mid() != null) mid(a.mid());
            else append(a.port().intValue());
        } else if (p instanceof ServiceChangeParm.Profile pf) {
            tokPeq(Token.PROFILE);
            append(pf.name()).append('/').append(pf.version());
        } else if (p instanceof ServiceChangeParm.Version v) {
            tokPeq(Token.VERSION);
            append(v.version());
        } else if (p instanceof ServiceChangeParm.MgcIdToTry mg) {
            tokPeq(Token.MGC_ID_TO_TRY);
            mid(mg.mid());
        } else if (p instanceof ServiceChangeParm.Stamp st) {
            timeStamp(st.timeStamp());
        } else if (p instanceof ServiceChangeParm.AuditItem ai) {
            auditItem(ai.item());
        } else if (p instanceof ServiceChangeParm.Incomplete) {
            tok(Token.SERVICE_CHANGE_INCOMPLETE);
        } else if (p instanceof PropertyParm pp) {
            propertyParm(pp);
        } else {
            throw unknown(p);
        }
    }

    // ---------------------------------------------------------------- descriptors

    private void descriptor(Descriptor d) {
        if (d instanceof MediaDescriptor m) {
            media(m);
        } else if (d instanceof EventsDescriptor e) {
            events(e);
        } else if (d instanceof SignalsDescriptor s) {
            signals(s);
        } else if (d instanceof DigitMapDescriptor dm) {
            digitMap(dm);
        } else if (d instanceof AuditDescriptor a) {
            audit(a);
        } else if (d instanceof StatisticsDescriptor s) {
            statistics(s);
        } else if (d instanceof ObservedEventsDescriptor oe) {
            observedEvents(oe);
        } else if (d instanceof ErrorDescriptor e) {
            error(e);
        } else if (d instanceof EventBufferDescriptor eb) {
            eventBuffer(eb);
        } else if (d instanceof PackagesDescriptor pg) {
            packages(pg);
        } else if (d instanceof AuditReturnItem ari) {
            auditItem(ari.item());
        } else if (d instanceof dev.holdfast.h248.message.IndAuditReturn iar) {
            auditItem(iar.parameter());
        } else if (d instanceof ModemDescriptor md) {
            modem(md);
        } else if (d instanceof MuxDescriptor mx) {
            mux(mx);
        } else {
            throw unknown(d);
        }
    }

    private void media(MediaDescriptor m) {
        tok(Token.MEDIA);
        open();
        List<MediaParm> parms = m.parms();
        for (int i = 0; i < parms.size(); i++) {
            item(i);
            MediaParm p = parms.get(i);
            if (p instanceof StreamDescriptor s) {
                tokEq(Token.STREAM);
                append(s.streamId());
                open();
                List<StreamParm> sp = s.parms();
                for (int j = 0; j < sp.size(); j++) {
                    item(j);
                    streamParm(sp.get(j));
                }
                close(!sp.isEmpty());
            } else if (p instanceof TerminationStateDescriptor ts) {
                terminationState(ts);
            } else if (p instanceof StreamParm sp) {
                streamParm(sp);
            } else {
                throw unknown(p);
            }
        }
        close(!parms.isEmpty());
    }

    private void streamParm(StreamParm p) {
        if (p instanceof LocalDescriptor l) {
            sdp(Token.LOCAL, l.sdp());
        } else if (p instanceof RemoteDescriptor r) {
            sdp(Token.REMOTE, r.sdp());
        } else if (p instanceof LocalControlDescriptor lc) {
            localControl(lc);
        } else if (p instanceof StatisticsDescriptor s) {
            statistics(s);
        } else {
            throw unknown(p);
        }
    }

    /** {@code Local { octetString }}: the octets exactly as held; see the class comment. */
    private void sdp(Token token, String sdp) {
        checkOctetString(sdp);
        tok(token);
        lbrace();
        append(sdp).append('}');
    }

    static void checkOctetString(String sdp) {
        for (int i = sdp.indexOf('}'); i >= 0; i = sdp.indexOf('}', i + 1)) {
            if (i == 0 || sdp.charAt(i - 1) != '\\') {
                throw new IllegalArgumentException("unescaped '}' at offset " + i + " of a Local/Remote descriptor");
            }
        }
        if (sdp.indexOf('\0') >= 0) throw new IllegalArgumentException("NUL octet in a Local/Remote descriptor");
        if (!sdp.isEmpty() && sdp.charAt(sdp.length() - 1) == '\\') {
            // "\}" would read as an escaped brace and the descriptor would never close
            throw new IllegalArgumentException("a Local/Remote descriptor cannot end with a backslash");
        }
    }

    private void localControl(LocalControlDescriptor lc) {
        tok(Token.LOCAL_CONTROL);
        open();
        List<LocalParm> parms = lc.parms();
        for (int i = 0; i < parms.size(); i++) {
            item(i);
            LocalParm p = parms.get(i);
            if (p instanceof LocalControlDescriptor.StreamMode m) {
                tokPeq(Token.MODE);
                tok(switch (m.mode()) {
                    case SENDONLY -> Token.SENDONLY;
                    case RECVONLY -> Token.RECVONLY;
                    case SENDRECV -> Token.SENDRECV;
                    case INACTIVE -> Token.INACTIVE;
                    case LOOPBACK -> Token.LOOPBACK;
                });
            } else if (p instanceof LocalControlDescriptor.ReservedValue rv) {
                tokPeq(Token.RESERVED_VALUE);
                onOff(rv.on());
            } else if (p instanceof LocalControlDescriptor.ReservedGroup rg) {
                tokPeq(Token.RESERVED_GROUP);
                onOff(rg.on());
            } else if (p instanceof PropertyParm pp) {
                propertyParm(pp);
            } else {
                throw unknown(p);
            }
        }
        close(!parms.isEmpty());
    }

    private void terminationState(TerminationStateDescriptor ts) {
        tok(Token.TERMINATION_STATE);
        open();
        List<TerminationStateParm> parms = ts.parms();
        for (int i = 0; i < parms.size(); i++) {
            item(i);
            TerminationStateParm p = parms.get(i);
            if (p instanceof TerminationStateDescriptor.ServiceStates ss) {
                tokPeq(Token.SERVICE_STATES);
                tok(switch (ss.state()) {
                    case TEST -> Token.TEST;
                    case OUT_OF_SERVICE -> Token.OUT_OF_SERVICE;
                    case IN_SERVICE -> Token.IN_SERVICE;
                });
            } else if (p instanceof TerminationStateDescriptor.EventBufferControl ebc) {
                tokPeq(Token.BUFFER);
                if (ebc.lockStep()) tok(Token.LOCK_STEP);
                else append("OFF");
            } else if (p instanceof PropertyParm pp) {
                propertyParm(pp);
            } else {
                throw unknown(p);
            }
        }
        close(!parms.isEmpty());
    }

    private void events(EventsDescriptor e) {
        tok(Token.EVENTS);
        if (e.requestId() == null && e.events().isEmpty()) return; // bare Events: clears the events
        if (e.requestId() != null) {
            eq();
            requestId(e.requestId());
        }
        open();
        List<RequestedEvent> events = e.events();
        for (int i = 0; i < events.size(); i++) {
            item(i);
            RequestedEvent ev = events.get(i);
            append(ev.name());
            List<EventParameter> params = ev.parameters();
            if (params.isEmpty()) continue;
            open();
            for (int j = 0; j < params.size(); j++) {
                item(j);
                eventParameter(params.get(j));
            }
            close(true);
        }
        close(!events.isEmpty());
    }

    private void eventParameter(EventParameter p) {
        if (p instanceof PropertyParm pp) {
            propertyParm(pp);
        } else if (p instanceof EventParameter.Embed em) {
            embed(em);
        } else if (p instanceof EventParameter.EventDigitMap dm) {
            tokPeq(Token.DIGIT_MAP);
            if (dm.name() != null) {
                append(dm.name());
            } else {
                lbrace();
                digitMapValue(dm.value());
                append('}');
            }
        } else if (p instanceof StreamRef s) {
            streamRef(s);
        } else if (p instanceof KeepActive) {
            tok(Token.KEEP_ACTIVE);
        } else if (p instanceof EventParameter.NotifyBehaviour nb) {
            switch (nb.kind()) {
                case IMMEDIATE -> tok(Token.IMMEDIATE_NOTIFY);
                case NEVER -> tok(Token.NEVER_NOTIFY);
                case REGULATED -> {
                    tok(Token.REGULATED_NOTIFY);
                    if (nb.regulatedEmbed() != null) {
                        open();
                        item(0);
                        embed(nb.regulatedEmbed());
                        close(true);
                    }
                }
            }
        } else if (p instanceof EventParameter.ResetEventsDescriptor) {
            tok(Token.RESET_EVENTS_DESCRIPTOR);
        } else {
            throw unknown(p);
        }
    }

    private void embed(EventParameter.Embed em) {
        tok(Token.EMBED);
        open();
        int n = 0;
        if (em.signals() != null) {
            item(n++);
            signals(em.signals());
        }
        if (em.events() != null) {
            item(n++);
            events(em.events());
        }
        close(n > 0);
    }

    /**
     * {@code Signals { ... }}. An empty one (stop all signals) is a bare {@code Signals}: v3 (and the H.248 v1/v2
     * implementors' guide) allow it, Erlang/OTP megaco writes and accepts only that form, and rejects
     * {@code Signals { }}.
     */
    private void signals(SignalsDescriptor s) {
        tok(Token.SIGNALS);
        if (s.signals().isEmpty()) return;
        open();
        List<SignalParm> signals = s.signals();
        for (int i = 0; i < signals.size(); i++) {
            item(i);
            SignalParm p = signals.get(i);
            if (p instanceof SignalParm.Request r) {
                signalRequest(r);
            } else if (p instanceof SignalParm.SignalList sl) {
                tokEq(Token.SIGNAL_LIST);
                append(sl.id());
                open();
                List<SignalParm.Request> list = sl.signals();
                for (int j = 0; j < list.size(); j++) {
                    item(j);
                    signalRequest(list.get(j));
                }
                close(!list.isEmpty());
            } else {
                throw unknown(p);
            }
        }
        close(!signals.isEmpty());
    }

    private void signalRequest(SignalParm.Request r) {
        append(r.name());
        List<SignalParameter> params = r.parameters();
        if (params.isEmpty()) return;
        open();
        for (int i = 0; i < params.size(); i++) {
            item(i);
            signalParameter(params.get(i));
        }
        close(true);
    }

    private void signalParameter(SignalParameter p) {
        if (p instanceof PropertyParm pp) {
            propertyParm(pp);
        } else if (p instanceof SignalParameter.Type t) {
            tokPeq(Token.SIGNAL_TYPE);
            tok(switch (t.type()) {
                case ON_OFF -> Token.ON_OFF;
                case TIME_OUT -> Token.TIME_OUT;
                case BRIEF -> Token.BRIEF;
            });
        } else if (p instanceof SignalParameter.Duration d) {
            tokPeq(Token.DURATION);
            append(d.value());
        } else if (p instanceof SignalParameter.NotifyCompletion nc) {
            tokPeq(Token.NOTIFY_COMPLETION);
            lbrace();
            List<SignalParameter.NotificationReason> reasons = nc.reasons();
            for (int i = 0; i < reasons.size(); i++) {
                if (i > 0) inlineComma();
                tok(switch (reasons.get(i)) {
                    case TIME_OUT -> Token.TIME_OUT;
                    case INTERRUPTED_BY_EVENT -> Token.INTERRUPT_BY_EVENT;
                    case INTERRUPTED_BY_NEW_SIGNALS_DESCRIPTOR -> Token.INTERRUPT_BY_NEW_SIGNALS_DESCR;
                    case OTHER_REASON -> Token.OTHER_REASON;
                    case ITERATION -> Token.ITERATION;
                });
            }
            append('}');
        } else if (p instanceof KeepActive) {
            tok(Token.KEEP_ACTIVE);
        } else if (p instanceof StreamRef s) {
            streamRef(s);
        } else if (p instanceof SignalParameter.Direction d) {
            tokPeq(Token.DIRECTION);
            tok(switch (d.direction()) {
                case EXTERNAL -> Token.EXTERNAL;
                case INTERNAL -> Token.INTERNAL;
                case BOTH -> Token.BOTH;
            });
        } else if (p instanceof SignalParameter.SignalRequestId rq) {
            tokPeq(Token.REQUEST_ID);
            requestId(rq.requestId());
        } else if (p instanceof SignalParameter.IntersignalDelay isd) {
            tokPeq(Token.INTSIG_DELAY);
            append(isd.value());
        } else {
            throw unknown(p);
        }
    }

    private void digitMap(DigitMapDescriptor dm) {
        tok(Token.DIGIT_MAP);
        if (dm.name() == null && dm.value() == null) return; // bare DigitMap (audit)
        eq();
        if (dm.name() != null) append(dm.name());
        if (dm.value() != null) {
            lbrace();
            digitMapValue(dm.value());
            append('}');
        }
    }

    private void digitMapValue(DigitMapValue v) {
        if (v.startTimer() != null) append("T:").append(v.startTimer().intValue()).append(',');
        if (v.shortTimer() != null) append("S:").append(v.shortTimer().intValue()).append(',');
        if (v.longTimer() != null) append("L:").append(v.longTimer().intValue()).append(',');
        if (v.durationTimer() != null) append("Z:").append(v.durationTimer().intValue()).append(',');
        append(v.digitMap());
    }

    private void audit(AuditDescriptor a) {
        tok(Token.AUDIT);
        lbrace();
        List<AuditDescriptor.AuditItem> items = a.items();
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) inlineComma();
            auditItem(items.get(i));
        }
        append('}');
    }

    /** An auditItem: a descriptor token, or a v2/v3 individual audit parameter (on the same line). */
    private void auditItem(AuditDescriptor.AuditItem item) {
        if (item instanceof AuditDescriptor.Item token) auditItem(token);
        else new IndAuditWriter(this, compact, this::propertyParm).write((IndAuditParameter) item);
    }

    private void auditItem(AuditDescriptor.Item item) {
        tok(switch (item) {
            case MUX -> Token.MUX;
            case MODEM -> Token.MODEM;
            case MEDIA -> Token.MEDIA;
            case SIGNALS -> Token.SIGNALS;
            case EVENT_BUFFER -> Token.EVENT_BUFFER;
            case DIGIT_MAP -> Token.DIGIT_MAP;
            case STATISTICS -> Token.STATISTICS;
            case EVENTS -> Token.EVENTS;
            case OBSERVED_EVENTS -> Token.OBSERVED_EVENTS;
            case PACKAGES -> Token.PACKAGES;
        });
    }

    private void statistics(StatisticsDescriptor s) {
        if (s.statistics().isEmpty()) {
            // the ABNF has no empty Statistics descriptor; a bare "Statistics" is an audit item (AuditReturnItem)
            throw new IllegalArgumentException("a Statistics descriptor needs at least one statistic");
        }
        tok(Token.STATISTICS);
        open();
        List<StatisticsDescriptor.Statistic> stats = s.statistics();
        for (int i = 0; i < stats.size(); i++) {
            item(i);
            StatisticsDescriptor.Statistic st = stats.get(i);
            append(st.name());
            if (st.value() != null) parmValue(st.value());
        }
        close(true);
    }

    private void observedEvents(ObservedEventsDescriptor oe) {
        tokEq(Token.OBSERVED_EVENTS);
        requestId(oe.requestId());
        open();
        List<ObservedEventsDescriptor.ObservedEvent> events = oe.events();
        for (int i = 0; i < events.size(); i++) {
            item(i);
            ObservedEventsDescriptor.ObservedEvent ev = events.get(i);
            if (ev.timeStamp() != null) {
                timeStamp(ev.timeStamp());
                append(':');
            }
            append(ev.name());
            observedEventParameters(ev.parameters());
        }
        close(!events.isEmpty());
    }

    private void observedEventParameters(List<ObservedEventParameter> params) {
        if (params.isEmpty()) return;
        open();
        for (int j = 0; j < params.size(); j++) {
            item(j);
            ObservedEventParameter p = params.get(j);
            if (p instanceof StreamRef s) streamRef(s);
            else if (p instanceof PropertyParm pp) propertyParm(pp);
            else throw unknown(p);
        }
        close(true);
    }

    private void eventBuffer(EventBufferDescriptor eb) {
        tok(Token.EVENT_BUFFER);
        List<EventBufferDescriptor.EventSpec> specs = eb.events();
        if (specs.isEmpty()) return;
        open();
        for (int i = 0; i < specs.size(); i++) {
            item(i);
            EventBufferDescriptor.EventSpec spec = specs.get(i);
            append(spec.name());
            observedEventParameters(spec.parameters());
        }
        close(true);
    }

    private void packages(PackagesDescriptor pg) {
        tok(Token.PACKAGES);
        lbrace();
        List<PackagesDescriptor.Item> items = pg.packages();
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) inlineComma();
            PackagesDescriptor.Item it = items.get(i);
            append(it.name()).append('-').append(it.version());
        }
        append('}');
    }

    private void modem(ModemDescriptor md) {
        tok(Token.MODEM);
        List<String> types = md.types();
        if (md.list()) {
            if (!compact) append(' ');
            append('[');
            for (int i = 0; i < types.size(); i++) {
                if (i > 0) inlineComma();
                spelledName(types.get(i));
            }
            append(']');
        } else {
            peq();
            spelledName(types.get(0));
        }
        List<PropertyParm> props = md.properties();
        if (props.isEmpty()) return;
        open();
        for (int i = 0; i < props.size(); i++) {
            item(i);
            propertyParm(props.get(i));
        }
        close(true);
    }

    private void mux(MuxDescriptor mx) {
        tokPeq(Token.MUX);
        spelledName(mx.type());
        lbrace();
        List<TerminationId> ids = mx.terminationIds();
        for (int i = 0; i < ids.size(); i++) {
            if (i > 0) inlineComma();
            append(ids.get(i).value());
        }
        append('}');
    }

    /** A modem or mux type: a token in this form's spelling, or an extension name as held. */
    private void spelledName(String name) {
        Token t = Token.lookup(name);
        if (t != null) tok(t);
        else append(name);
    }

    private void error(ErrorDescriptor e) {
        tokEq(Token.ERROR);
        append(e.code());
        lbrace();
        if (e.text() != null) append('"').append(e.text()).append('"');
        append('}');
    }

    // ---------------------------------------------------------------- small items

    private void propertyParm(PropertyParm p) {
        append(p.name());
        parmValue(p.value());
    }

    private void parmValue(ParmValue v) {
        if (v instanceof ParmValue.Single s) {
            append(switch (s.relation()) {
                case EQUAL -> '=';
                case GREATER -> '>';
                case LESS -> '<';
                case NOT_EQUAL -> '#';
            });
            append(s.value());
        } else if (v instanceof ParmValue.AllOf all) {
            append("=[");
            values(all.values());
            append(']');
        } else if (v instanceof ParmValue.OneOf one) {
            append("={");
            values(one.values());
            append('}');
        } else if (v instanceof ParmValue.Range r) {
            append("=[").append(r.low()).append(':').append(r.high()).append(']');
        } else {
            throw unknown(v);
        }
    }

    private void values(List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) inlineComma();
            append(values.get(i));
        }
    }

    private void streamRef(StreamRef s) {
        tokPeq(Token.STREAM);
        append(s.streamId());
    }

    private void requestId(RequestId id) {
        if (id.value() < 0) append('*');
        else append(id.value());
    }

    private void timeStamp(TimeStamp ts) {
        append(ts.date()).append('T').append(ts.time());
    }

    private void onOff(boolean on) {
        append(on ? "ON" : "OFF");
    }

    private static IllegalArgumentException unknown(Object o) {
        return new IllegalArgumentException("cannot encode " + o);
    }
}
