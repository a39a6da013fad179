package dev.holdfast.h248.text;

import dev.holdfast.h248.message.AuditDescriptor;
import dev.holdfast.h248.message.IndAuditParameter;
import dev.holdfast.h248.message.LocalControlDescriptor;
import dev.holdfast.h248.message.ParmValue;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.RequestId;
import dev.holdfast.h248.message.TerminationStateDescriptor;

import java.util.ArrayList;
import java.util.List;

import static dev.holdfast.h248.text.TextScanner.isAlpha;

/**
 * The Audit descriptor of the H.248.1 text grammar with the v2/v3 individual audit (indAudterminationAudit), on the
 * scanner and lexical helpers of the reader that owns it. The productions are the v3 ones (Annex B), which accept
 * every v2 form too; like the rest of the decoder, the version in the header does not narrow them.
 *
 * <p>An auditItem token followed by '{' (or '=' for Events and DigitMap) is an individual audit, a bare one the
 * token form; within the braces only the ABNF's forms are accepted (no lenient variants). Restrictions stated only
 * in ABNF comments ("at-most-once", "either streamParm or streamDescriptor but not both") are not enforced, as
 * elsewhere in the decoder.
 *
 * <p>Used for the Audit descriptor (in AuditValue, AuditCapability, Subtract and Add/Modify/Move) and for the
 * auditItems of a ServiceChange's Services, and in v2 replies: v2's auditReturnParameter also lists auditItem, so
 * a v2 reply's terminationAudit item that is not a full descriptor is read here as an individual audit
 * (DescriptorReader.auditReturnParameter); v3 narrowed auditReturnParameter to the tokens (auditReturnItem).
 */
final class AuditReader {
    private static final AuditDescriptor EMPTY = new AuditDescriptor(List.of());

    private final DescriptorReader r;
    private final TextScanner s;

    AuditReader(DescriptorReader reader) {
        this.r = reader;
        this.s = reader.s;
    }

    /** auditDescriptor = AuditToken LBRKT [auditItem *(COMMA auditItem)] RBRKT. */
    AuditDescriptor auditDescriptor() {
        int start = s.pos;
        r.take();
        r.lbrkt(start);
        if (s.peek() == '}') {
            s.close();
            s.skipLwsp();
            return EMPTY;
        }
        int itemsMark = r.mark(); // on the reader's list stack, made into a list once (no ArrayList, no copy)
        int itemStart;
        do {
            itemStart = s.pos;
            r.push(auditItem("Audit"));
        } while (r.more(itemStart, '}'));
        return new AuditDescriptor(r.popList(itemsMark));
    }

    /**
     * auditItem = auditReturnItem / SignalsToken / EventBufferToken / EventsToken / indAudterminationAudit, where
     * indAudterminationAudit = indAudauditReturnParameter *(COMMA indAudauditReturnParameter): one token or one
     * indAudauditReturnParameter (the list's commas are the caller's). {@code where} names the enclosing construct
     * for errors.
     */
    AuditDescriptor.AuditItem auditItem(String where) {
        int at = s.pos;
        Token t = r.peekToken();
        AuditDescriptor.Item item = DescriptorReader.auditItem(t);
        if (item == null) throw r.unknown("audit item", where, at);
        int next = r.afterToken();
        boolean individual = switch (t) {
            case MEDIA, SIGNALS, EVENT_BUFFER, STATISTICS, PACKAGES -> next == '{';
            case EVENTS -> next == '{' || next == '=';
            case DIGIT_MAP -> next == '=';
            default -> false;
        };
        if (!individual) {
            if (next == '{' || next == '=') {
                String word = s.word(at);
                if (t == Token.DIGIT_MAP) throw s.fail(at, "an individual audit of '" + word + "' is '" + word
                        + " = name', with no '{' in " + where);
                if (t != Token.MUX && t != Token.MODEM && t != Token.OBSERVED_EVENTS) {
                    throw s.fail(at, "an individual audit of '" + word + "' is '" + word + " { ... }', with no '='"
                            + " in " + where);
                }
                throw s.fail(at, "'" + word + "' cannot be audited individually (an individual audit is "
                        + "Media, Events, Signals, DigitMap, EventBuffer, Statistics or Packages) in " + where);
            }
            r.take();
            return item;
        }
        return switch (t) {
            case MEDIA -> media();
            case EVENTS -> events();
            case SIGNALS -> signals();
            case DIGIT_MAP -> digitMap();
            case EVENT_BUFFER -> eventBuffer();
            case STATISTICS -> statistics();
            default -> packages();
        };
    }

    // ---------------------------------------------------------------- Media

    /** indAudmediaDescriptor = MediaToken LBRKT indAudmediaParm *(COMMA indAudmediaParm) RBRKT (v2: exactly one). */
    private IndAuditParameter.Media media() {
        int start = s.pos;
        r.take();
        r.lbrkt(start);
        List<IndAuditParameter.MediaParm> parms = new ArrayList<>(2);
        int itemStart;
        do {
            itemStart = s.pos;
            Token t = r.peekToken();
            if (t == Token.STREAM) parms.add(stream());
            else if (t == Token.TERMINATION_STATE) parms.add(terminationState());
            else parms.add(streamParm(t, "an audited Media"));
        } while (r.more(itemStart, '}'));
        return new IndAuditParameter.Media(parms);
    }

    /**
     * indAudstreamParm = indAudlocalControlDescriptor / indAudstatisticsDescriptor / indAudremoteDescriptor /
     * indAudlocalDescriptor (v2: LocalControl only).
     */
    private IndAuditParameter.StreamParm streamParm(Token t, String where) {
        int at = s.pos;
        if (t == Token.LOCAL_CONTROL) return localControl();
        if (t == Token.STATISTICS) return statistics();
        if (t == Token.LOCAL) return new IndAuditParameter.Local(r.octetString(t));
        if (t == Token.REMOTE) return new IndAuditParameter.Remote(r.octetString(t));
        throw r.unknown("descriptor", where, at);
    }

    /** indAudstreamDescriptor = StreamToken EQUAL StreamID LBRKT indAudstreamParm RBRKT. */
    private IndAuditParameter.Stream stream() {
        int start = s.pos;
        r.take();
        r.equal(start);
        int id = r.uint16("a stream id", start);
        r.lbrkt(start);
        IndAuditParameter.StreamParm parm = streamParm(r.peekToken(), "an audited Stream = " + id);
        r.rbrkt(start);
        return new IndAuditParameter.Stream(id, parm);
    }

    /** indAudlocalControlDescriptor = LocalControlToken LBRKT indAudlocalParm *(COMMA indAudlocalParm) RBRKT. */
    private IndAuditParameter.LocalControl localControl() {
        int start = s.pos;
        r.take();
        r.lbrkt(start);
        List<IndAuditParameter.LocalParm> parms = new ArrayList<>(2);
        int itemStart;
        do {
            itemStart = s.pos;
            parms.add(localParm());
        } while (r.more(itemStart, '}'));
        return new IndAuditParameter.LocalControl(parms);
    }

    /**
     * indAudlocalParm = ModeToken [(EQUAL / INEQUAL) streamModes] / pkgdName / propertyParm / ReservedValueToken /
     * ReservedGroupToken.
     */
    private IndAuditParameter.LocalParm localParm() {
        int at = s.pos;
        if (r.atPkgdName()) {
            String name = r.pkgdName("a property", at);
            if (!atRelation()) return new IndAuditParameter.Property(name);
            return new PropertyParm(name, r.parmValue(at));
        }
        Token t = r.peekToken();
        if (t == Token.MODE) {
            r.take();
            if (!atRelation()) return IndAuditParameter.Mode.audit();
            ParmValue.Relation relation = relation();
            Token v = r.peekToken();
            LocalControlDescriptor.Mode mode;
            if (v == Token.SENDONLY) mode = LocalControlDescriptor.Mode.SENDONLY;
            else if (v == Token.RECVONLY) mode = LocalControlDescriptor.Mode.RECVONLY;
            else if (v == Token.SENDRECV) mode = LocalControlDescriptor.Mode.SENDRECV;
            else if (v == Token.INACTIVE) mode = LocalControlDescriptor.Mode.INACTIVE;
            else if (v == Token.LOOPBACK) mode = LocalControlDescriptor.Mode.LOOPBACK;
            else throw s.expected("a stream mode (SendOnly, ReceiveOnly, SendReceive, Inactive or Loopback)", at);
            r.take();
            return new IndAuditParameter.Mode(relation, mode);
        }
        if (t == Token.RESERVED_VALUE) {
            r.take();
            return new IndAuditParameter.ReservedValue();
        }
        if (t == Token.RESERVED_GROUP) {
            r.take();
            return new IndAuditParameter.ReservedGroup();
        }
        throw r.unknown("parameter", "an audited LocalControl", at);
    }

    /** indAudterminationStateDescriptor = TerminationStateToken LBRKT indAudterminationStateParm RBRKT. */
    private IndAuditParameter.TerminationState terminationState() {
        int start = s.pos;
        r.take();
        r.lbrkt(start);
        IndAuditParameter.TerminationState ts = new IndAuditParameter.TerminationState(terminationStateParm());
        r.rbrkt(start);
        return ts;
    }

    /**
     * indAudterminationStateParm = pkgdName / propertyParm / ServiceStatesToken [(EQUAL / INEQUAL)
     * serviceStatesValue] / BufferToken.
     */
    private IndAuditParameter.TerminationStateParm terminationStateParm() {
        int at = s.pos;
        if (r.atPkgdName()) {
            String name = r.pkgdName("a property", at);
            if (!atRelation()) return new IndAuditParameter.Property(name);
            return new PropertyParm(name, r.parmValue(at));
        }
        Token t = r.peekToken();
        if (t == Token.SERVICE_STATES) {
            r.take();
            if (!atRelation()) return IndAuditParameter.ServiceStates.audit();
            ParmValue.Relation relation = relation();
            Token v = r.peekToken();
            TerminationStateDescriptor.ServiceState state;
            if (v == Token.TEST) state = TerminationStateDescriptor.ServiceState.TEST;
            else if (v == Token.OUT_OF_SERVICE) state = TerminationStateDescriptor.ServiceState.OUT_OF_SERVICE;
            else if (v == Token.IN_SERVICE) state = TerminationStateDescriptor.ServiceState.IN_SERVICE;
            else throw s.expected("a service state (Test, OutOfService or InService)", at);
            r.take();
            return new IndAuditParameter.ServiceStates(relation, state);
        }
        if (t == Token.BUFFER) {
            r.take();
            return new IndAuditParameter.Buffer();
        }
        throw r.unknown("parameter", "an audited TerminationState", at);
    }

    /**
     * True when EQUAL or INEQUAL follows: after a pkgdName that makes it a propertyParm (v3: select by it), after
     * Mode or ServiceStates a selection.
     */
    private boolean atRelation() { return GrammarReader.isRelation(s.nextSignificant(s.pos)); }

    /** EQUAL / INEQUAL, INEQUAL = LWSP (">" / "<" / "#") LWSP. */
    private ParmValue.Relation relation() {
        s.skipLwsp();
        ParmValue.Relation relation = switch (s.peek()) {
            case '=' -> ParmValue.Relation.EQUAL;
            case '>' -> ParmValue.Relation.GREATER;
            case '<' -> ParmValue.Relation.LESS;
            default -> ParmValue.Relation.NOT_EQUAL; // '#': callers check isRelation first
        };
        s.pos++;
        s.skipLwsp();
        return relation;
    }

    // ---------------------------------------------------------------- the other descriptors

    /**
     * indAudeventsDescriptor = EventsToken [EQUAL RequestID] LBRKT indAudrequestedEvent RBRKT (v2: the RequestID is
     * required); indAudrequestedEvent = pkgdName.
     */
    private IndAuditParameter.Events events() {
        int start = s.pos;
        r.take();
        RequestId rid = null;
        if (r.nextIs('=')) {
            r.equal(start);
            rid = r.requestId(start);
        }
        r.lbrkt(start);
        String name = r.pkgdName("an event name", start);
        r.rbrkt(start);
        return new IndAuditParameter.Events(rid, name);
    }

    /** indAudsignalsDescriptor = SignalsToken LBRKT [indAudsignalParm] RBRKT. */
    private IndAuditParameter.Signals signals() {
        int start = s.pos;
        r.take();
        r.lbrkt(start);
        if (s.peek() == '}') {
            s.close();
            s.skipLwsp();
            return new IndAuditParameter.Signals(null);
        }
        IndAuditParameter.SignalParm parm;
        if (!r.atPkgdName() && r.peekToken() == Token.SIGNAL_LIST && r.afterToken() == '=') {
            parm = signalList();
        } else {
            parm = signal();
        }
        r.rbrkt(start);
        return new IndAuditParameter.Signals(parm);
    }

    /** indAudsignalList = SignalListToken EQUAL signalListId [LBRKT indAudsignalListParm RBRKT] (v2: required). */
    private IndAuditParameter.SignalList signalList() {
        int start = s.pos;
        r.take();
        r.equal(start);
        int id = r.uint16("a signal list id", start);
        if (!r.nextIs('{')) return new IndAuditParameter.SignalList(id, null);
        r.lbrkt(start);
        IndAuditParameter.Signal signal = signal();
        r.rbrkt(start);
        return new IndAuditParameter.SignalList(id, signal);
    }

    /**
     * indAudsignalRequest = signalName [LBRKT indAudsignalRequestParm *(COMMA indAudsignalRequestParm) RBRKT];
     * indAudsignalRequestParm = sigStream / sigRequestID, each at most once.
     */
    private IndAuditParameter.Signal signal() {
        int start = s.pos;
        String name = r.pkgdName("a signal name", start);
        if (!r.nextIs('{')) return IndAuditParameter.Signal.of(name);
        r.lbrkt(start);
        Integer stream = null;
        RequestId rid = null;
        int itemStart;
        do {
            itemStart = s.pos;
            Token t = r.peekToken();
            if ((t == Token.STREAM || t == Token.REQUEST_ID) && r.afterToken() == '=') {
                if (t == Token.STREAM ? stream != null : rid != null) {
                    throw s.fail(itemStart, "'" + s.word(itemStart) + "' is given twice for the audited signal '"
                            + name + "'");
                }
                r.take();
                r.equal(itemStart);
                if (t == Token.STREAM) stream = r.uint16("a stream id", itemStart);
                else rid = r.requestId(itemStart);
            } else {
                throw r.unknown("parameter", "the audited signal '" + name + "' (only Stream and RequestID)",
                        itemStart);
            }
        } while (r.more(itemStart, '}'));
        return new IndAuditParameter.Signal(name, stream, rid);
    }

    /** indAuddigitMapDescriptor = DigitMapToken EQUAL digitMapName. */
    private IndAuditParameter.DigitMap digitMap() {
        int start = s.pos;
        r.take();
        r.equal(start);
        return new IndAuditParameter.DigitMap(r.digitMapName(start));
    }

    /**
     * indAudeventBufferDescriptor = EventBufferToken LBRKT indAudeventSpec RBRKT; indAudeventSpec = pkgdName [LBRKT
     * indAudeventSpecParameter RBRKT]; indAudeventSpecParameter = eventStream / eventParameterName.
     */
    private IndAuditParameter.EventBuffer eventBuffer() {
        int start = s.pos;
        r.take();
        r.lbrkt(start);
        String name = r.pkgdName("an event name", start);
        Integer stream = null;
        String parameter = null;
        if (r.nextIs('{')) {
            int specStart = s.pos;
            r.lbrkt(start);
            int at = s.pos;
            if (r.peekToken() == Token.STREAM && r.afterToken() == '=') {
                r.take();
                r.equal(at);
                stream = r.uint16("a stream id", at);
            } else {
                if (!isAlpha(s.peek())) throw s.expected("'Stream = id' or an event parameter name", specStart);
                parameter = name();
            }
            r.rbrkt(start);
        }
        r.rbrkt(start);
        return new IndAuditParameter.EventBuffer(name, stream, parameter);
    }

    /** indAudstatisticsDescriptor = StatsToken LBRKT pkgdName RBRKT. */
    private IndAuditParameter.Statistics statistics() {
        int start = s.pos;
        r.take();
        r.lbrkt(start);
        String name = r.pkgdName("a statistic name", start);
        r.rbrkt(start);
        return new IndAuditParameter.Statistics(name);
    }

    /** NAME, at a letter (the caller checks). */
    private String name() {
        int e = s.nameEnd(s.pos);
        String name = s.string(s.pos, e);
        s.pos = e;
        return name;
    }

    /** indAudpackagesDescriptor = PackagesToken LBRKT packagesItem RBRKT; packagesItem = NAME "-" UINT16. */
    private IndAuditParameter.Packages packages() {
        int start = s.pos;
        r.take();
        r.lbrkt(start);
        if (!isAlpha(s.peek())) throw s.expected("a package name", start);
        String name = name();
        if (s.peek() != '-') throw s.expected("'-' and the package version", start);
        s.pos++;
        int version = r.uint16("a package version", start);
        r.rbrkt(start);
        return new IndAuditParameter.Packages(name, version);
    }
}
