package dev.holdfast.h248.text;

import dev.holdfast.h248.message.AuditDescriptor;
import dev.holdfast.h248.message.AuditReturnItem;
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
import dev.holdfast.h248.message.MediaDescriptor;
import dev.holdfast.h248.message.MediaParm;
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
import dev.holdfast.h248.message.SignalParameter;
import dev.holdfast.h248.message.SignalParm;
import dev.holdfast.h248.message.SignalsDescriptor;
import dev.holdfast.h248.message.StatisticsDescriptor;
import dev.holdfast.h248.message.StreamDescriptor;
import dev.holdfast.h248.message.StreamParm;
import dev.holdfast.h248.message.StreamRef;
import dev.holdfast.h248.message.TerminationStateDescriptor;
import dev.holdfast.h248.message.TerminationStateParm;
import dev.holdfast.h248.message.TimeStamp;

import java.util.List;

import static dev.holdfast.h248.text.TextScanner.isAlpha;
import static dev.holdfast.h248.text.TextScanner.isDigit;

/**
 * The descriptor productions of the H.248.1 text grammar (Annex B): Media with its streams, LocalControl,
 * Local/Remote, TerminationState, Events (with Embed and the v3 notify behaviours), Signals, DigitMap, EventBuffer,
 * Audit, Statistics, ObservedEvents, Packages, Modem, Mux and Error, and the reply-side terminationAudit.
 */
abstract class DescriptorReader extends GrammarReader {
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

    DescriptorReader(TextScanner s) {
        super(s);
    }

    // ================================================================ descriptors

    /**
     * ammParameter = mediaDescriptor / modemDescriptor / muxDescriptor / eventsDescriptor / signalsDescriptor /
     * digitMapDescriptor / eventBufferDescriptor / auditDescriptor / statisticsDescriptor (v3).
     */
    Descriptor ammParameter(String verbName) {
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
    MediaDescriptor media() {
        int start = s.pos;
        take();
        lbrkt(start);
        int parmsMark = mark();
        int itemStart;
        do {
            itemStart = s.pos;
            Token t = peekToken();
            if (t == Token.STREAM) push(streamDescriptor());
            else if (t == Token.TERMINATION_STATE) push(terminationState());
            else push(streamParm(t, -1));
        } while (more(itemStart, '}'));
        return new MediaDescriptor(popList(parmsMark));
    }

    /** streamParm = localDescriptor / remoteDescriptor / localControlDescriptor / statisticsDescriptor (v3). */
    /** {@code streamId} is -1 for a streamParm directly in Media. */
    StreamParm streamParm(Token t, int streamId) {
        int at = s.pos;
        if (t == Token.LOCAL) return new LocalDescriptor(octetString(t));
        if (t == Token.REMOTE) return new RemoteDescriptor(octetString(t));
        if (t == Token.LOCAL_CONTROL) return localControl();
        if (t == Token.STATISTICS) return statistics();
        throw unknown("descriptor", streamId < 0 ? "Media" : "Stream = " + streamId, at);
    }

    /** streamDescriptor = StreamToken EQUAL StreamID LBRKT streamParm *(COMMA streamParm) RBRKT. */
    StreamDescriptor streamDescriptor() {
        int start = s.pos;
        take();
        equal(start);
        int id = uint16("a stream id", start);
        lbrkt(start);
        int parmsMark = mark();
        int itemStart;
        do {
            itemStart = s.pos;
            push(streamParm(peekToken(), id));
        } while (more(itemStart, '}'));
        return new StreamDescriptor(id, popList(parmsMark));
    }

    /**
     * Local / Remote: Token LBRKT octetString RBRKT, octetString = *(nonEscapeChar), nonEscapeChar = ("\}" /
     * %x01-7C / %x7E-FF). Returns exactly the text between the braces (escapes kept as written).
     */
    String octetString(Token token) {
        int start = s.pos;
        take();
        s.skipLwsp();
        if (s.peek() != '{') throw s.expected("'{'", start);
        int open = s.pos;
        s.open();
        int from = s.pos;
        int p = from;
        while (true) {
            if (p >= s.end) throw s.fail(open, "the '{' of this " + token.longName + " descriptor is never closed");
            int c = s.at(p);
            if (c == '}') break;
            if (c == '\\' && p + 1 < s.end && s.at(p + 1) == '}') p += 2;
            else if (c == 0) throw s.fail(p, "a NUL octet is not allowed in a " + token.longName + " descriptor");
            else p++;
        }
        String body = s.string(from, p);
        s.pos = p;
        s.close();
        s.skipLwsp();
        return body;
    }

    /** localControlDescriptor = LocalControlToken LBRKT localParm *(COMMA localParm) RBRKT. */
    LocalControlDescriptor localControl() {
        int start = s.pos;
        take();
        lbrkt(start);
        int parmsMark = mark();
        int itemStart;
        do {
            itemStart = s.pos;
            push(localParm());
        } while (more(itemStart, '}'));
        return new LocalControlDescriptor(popList(parmsMark));
    }

    /** localParm = streamMode / propertyParm / reservedValueMode / reservedGroupMode. */
    LocalParm localParm() {
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
    TerminationStateDescriptor terminationState() {
        int start = s.pos;
        take();
        lbrkt(start);
        int parmsMark = mark();
        int itemStart;
        do {
            itemStart = s.pos;
            if (atPkgdName()) {
                push(propertyParm());
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
                push(new TerminationStateDescriptor.ServiceStates(state));
            } else if (t == Token.BUFFER) {
                take();
                equal(itemStart);
                int e = s.nameEnd(s.pos);
                if (s.wordIs(s.pos, e, "OFF")) {
                    s.pos = e;
                    push(new TerminationStateDescriptor.EventBufferControl(false));
                } else if (peekToken() == Token.LOCK_STEP) {
                    take();
                    push(new TerminationStateDescriptor.EventBufferControl(true));
                } else {
                    throw s.expected("OFF or LockStep", itemStart);
                }
            } else {
                throw unknown("parameter", "TerminationState", itemStart);
            }
        } while (more(itemStart, '}'));
        return new TerminationStateDescriptor(popList(parmsMark));
    }

    /**
     * eventsDescriptor = EventsToken [EQUAL RequestID LBRKT requestedEvent *(COMMA requestedEvent) RBRKT], and
     * embedFirst (the same with secondRequestedEvent) when {@code second}.
     */
    EventsDescriptor events(boolean second) {
        int start = s.pos;
        take();
        if (afterToken() != '=') return NO_EVENTS;
        equal(start);
        RequestId rid = requestId(start);
        lbrkt(start);
        int eventsMark = mark();
        int itemStart;
        do {
            itemStart = s.pos;
            push(requestedEvent(second));
        } while (more(itemStart, '}'));
        return new EventsDescriptor(rid, popList(eventsMark));
    }

    /** What follows an event or signal name: nothing, "{" parameters, or (lenient) "(" parameters. */
    static final int NO_PARAMETERS = 0;
    static final int BRACES = 1;
    static final int PARENTHESES = 2;

    /**
     * Opens the parameter list after an event or signal name: returns {@link #BRACES} after "{", or, leniently,
     * {@link #PARENTHESES} after "(" (a {@link Deviation.Kind#PARENTHESISED_PARAMETERS}), or {@link #NO_PARAMETERS}.
     * An empty list ("name { }") is a deviation and reads as no parameters.
     */
    int openParameters(String name, int nameStart) {
        s.skipLwsp();
        int c = s.peek();
        if (c != '{' && c != '(') return NO_PARAMETERS;
        boolean parens = c == '(';
        if (parens) {
            s.deviation(Deviation.Kind.PARENTHESISED_PARAMETERS, s.pos, "parameters of '" + name
                    + "' in parentheses '( )' instead of braces '{ }'");
        }
        s.open();
        s.skipLwsp();
        if (s.peek() == (parens ? ')' : '}')) {
            emptyBraces(nameStart);
            return NO_PARAMETERS;
        }
        if (parens) parenDepth++;
        return parens ? PARENTHESES : BRACES;
    }

    /** Closes what {@link #openParameters} opened, when {@link #more} has consumed the closer. */
    void closedParameters(int opened) {
        if (opened == PARENTHESES) parenDepth--;
    }

    static char closer(int opened) { return opened == PARENTHESES ? ')' : '}'; }

    /**
     * requestedEvent = pkgdName [LBRKT eventParameter *(COMMA eventParameter) RBRKT], and
     * secondRequestedEvent (secondEventParameter) when {@code second}.
     */
    RequestedEvent requestedEvent(boolean second) {
        int start = s.pos;
        String name = pkgdName("an event name", start);
        int opened = openParameters(name, start);
        if (opened == NO_PARAMETERS) return new RequestedEvent(name, List.of());
        char closer = closer(opened);
        int parametersMark = mark();
        int itemStart;
        do {
            itemStart = s.pos;
            push(eventParameter(second, name));
        } while (more(itemStart, closer));
        closedParameters(opened);
        return new RequestedEvent(name, popList(parametersMark));
    }

    /**
     * eventParameter = embedWithSig / embedNoSig / KeepActiveToken / eventDM / eventStream / eventOther /
     * notifyBehaviour / ResetEventsDescriptorToken; secondEventParameter has embedSig instead of the two embeds.
     */
    EventParameter eventParameter(boolean second, String event) {
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
        return otherParameter("event", event, at);
    }

    /**
     * embedWithSig = EmbedToken LBRKT signalsDescriptor [COMMA embedFirst] RBRKT; embedNoSig = EmbedToken LBRKT
     * embedFirst RBRKT; embedSig = EmbedToken LBRKT signalsDescriptor RBRKT (when {@code second}).
     */
    EventParameter.Embed embed(boolean second) {
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
    String digitMapName(int start) {
        if (!isAlpha(s.peek())) throw s.expected("a digit map name or '{'", start);
        int e = s.nameEnd(s.pos);
        String name = s.name(s.pos, e);
        s.pos = e;
        return name;
    }

    /** signalsDescriptor = SignalsToken LBRKT [signalParm *(COMMA signalParm)] RBRKT (v1) / SignalsToken [...] (v3). */
    SignalsDescriptor signals() {
        int start = s.pos;
        take();
        if (s.nextSignificant(s.pos) != '{') return NO_SIGNALS;
        lbrkt(start);
        if (s.peek() == '}') {
            s.close();
            s.skipLwsp();
            return NO_SIGNALS;
        }
        int signalsMark = mark();
        int itemStart;
        do {
            itemStart = s.pos;
            if (!atPkgdName() && peekToken() == Token.SIGNAL_LIST && afterToken() == '=') {
                push(signalList());
            } else {
                push(signalRequest());
            }
        } while (more(itemStart, '}'));
        return new SignalsDescriptor(popList(signalsMark));
    }

    /** signalList = SignalListToken EQUAL signalListId LBRKT signalListParm *(COMMA signalListParm) RBRKT. */
    SignalParm.SignalList signalList() {
        int start = s.pos;
        take();
        equal(start);
        int id = uint16("a signal list id", start);
        lbrkt(start);
        int signalsMark = mark();
        int itemStart;
        do {
            itemStart = s.pos;
            push(signalRequest());
        } while (more(itemStart, '}'));
        return new SignalParm.SignalList(id, popList(signalsMark));
    }

    /** signalRequest = signalName [LBRKT sigParameter *(COMMA sigParameter) RBRKT]. */
    SignalParm.Request signalRequest() {
        int start = s.pos;
        String name = pkgdName("a signal name", start);
        int opened = openParameters(name, start);
        if (opened == NO_PARAMETERS) return new SignalParm.Request(name, List.of());
        int parametersMark = mark();
        int itemStart;
        do {
            itemStart = s.pos;
            push(sigParameter(name));
        } while (more(itemStart, closer(opened)));
        closedParameters(opened);
        return new SignalParm.Request(name, popList(parametersMark));
    }

    /**
     * sigParameter = sigStream / sigSignalType / sigDuration / sigOther / notifyCompletion / KeepActiveToken /
     * sigDirection / sigRequestID / sigIntsigDelay.
     */
    SignalParameter sigParameter(String signal) {
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
        return otherParameter("signal", signal, at);
    }

    /** notifyCompletion = NotifyCompletionToken EQUAL (LBRKT notificationReason *(COMMA notificationReason) RBRKT). */
    SignalParameter.NotifyCompletion notifyCompletion(int start) {
        lbrkt(start);
        int reasonsMark = mark();
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
            push(reason);
        } while (more(itemStart, '}'));
        return new SignalParameter.NotifyCompletion(popList(reasonsMark));
    }

    /**
     * digitMapDescriptor = DigitMapToken EQUAL ((LBRKT digitMapValue RBRKT) / (digitMapName [LBRKT digitMapValue
     * RBRKT])).
     */
    DigitMapDescriptor digitMapDescriptor() {
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
    EventBufferDescriptor eventBuffer() {
        int start = s.pos;
        take();
        if (s.nextSignificant(s.pos) != '{') return NO_EVENT_BUFFER;
        lbrkt(start);
        int specsMark = mark();
        int itemStart;
        do {
            itemStart = s.pos;
            String name = pkgdName("an event name", itemStart);
            push(new EventBufferDescriptor.EventSpec(name, observedParameters(name, itemStart)));
        } while (more(itemStart, '}'));
        return new EventBufferDescriptor(popList(specsMark));
    }

    /** [LBRKT (eventStream / eventOther) *(COMMA ...) RBRKT] after an observed event or event spec name. */
    List<ObservedEventParameter> observedParameters(String name, int nameStart) {
        int opened = openParameters(name, nameStart);
        if (opened == NO_PARAMETERS) return List.of();
        int parametersMark = mark();
        int itemStart;
        do {
            itemStart = s.pos;
            if (peekToken() == Token.STREAM && afterToken() == '=') {
                take();
                equal(itemStart);
                push(new StreamRef(uint16("a stream id", itemStart)));
            } else {
                push(otherParameter("event", name, itemStart));
            }
        } while (more(itemStart, closer(opened)));
        closedParameters(opened);
        return popList(parametersMark);
    }

    /** auditDescriptor = AuditToken LBRKT [auditItem *(COMMA auditItem)] RBRKT, with the v2/v3 individual audit. */
    AuditDescriptor auditDescriptor() {
        return new AuditReader(this).auditDescriptor();
    }

    /**
     * statisticsDescriptor = StatsToken LBRKT statisticsParameter *(COMMA statisticsParameter) RBRKT;
     * statisticsParameter = pkgdName [EQUAL VALUE / (LSBRKT VALUE *(COMMA VALUE) RSBRKT)] (v3 list; the form
     * {@code name = [a, b]} is accepted too).
     */
    StatisticsDescriptor statistics() {
        int start = s.pos;
        take();
        lbrkt(start);
        int statsMark = mark();
        int itemStart;
        do {
            itemStart = s.pos;
            String name = pkgdName("a statistic name", itemStart);
            ParmValue value = null;
            int next = s.nextSignificant(s.pos);
            if (next == '=') {
                equal(itemStart);
                value = s.peek() == '[' ? valueList(itemStart)
                        : new ParmValue.Single(ParmValue.Relation.EQUAL, value(itemStart, false));
            } else if (next == '[') {
                s.skipLwsp();
                value = valueList(itemStart);
            }
            push(new StatisticsDescriptor.Statistic(name, value));
        } while (more(itemStart, '}'));
        return new StatisticsDescriptor(popList(statsMark));
    }

    /** LSBRKT VALUE *(COMMA VALUE) RSBRKT, a statistic's values. */
    ParmValue.AllOf valueList(int start) {
        s.pos++;
        s.skipLwsp();
        int valuesMark = mark();
        int itemStart;
        do {
            itemStart = s.pos;
            push(value(start, false));
        } while (more(itemStart, ']'));
        return new ParmValue.AllOf(popList(valuesMark));
    }

    /**
     * observedEventsDescriptor = ObservedEventsToken EQUAL RequestID LBRKT observedEvent *(COMMA observedEvent)
     * RBRKT; observedEvent = [TimeStamp LWSP COLON] LWSP pkgdName [LBRKT observedEventParameter *(COMMA
     * observedEventParameter) RBRKT].
     */
    ObservedEventsDescriptor observedEvents() {
        int start = s.pos;
        take();
        equal(start);
        RequestId rid = requestId(start);
        lbrkt(start);
        int eventsMark = mark();
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
            push(new ObservedEventsDescriptor.ObservedEvent(stamp, name, observedParameters(name, nameStart)));
        } while (more(itemStart, '}'));
        return new ObservedEventsDescriptor(rid, popList(eventsMark));
    }

    /** packagesDescriptor = PackagesToken LBRKT packagesItem *(COMMA packagesItem) RBRKT; packagesItem = NAME "-" UINT16. */
    PackagesDescriptor packages() {
        int start = s.pos;
        take();
        lbrkt(start);
        int itemsMark = mark();
        int itemStart;
        do {
            itemStart = s.pos;
            if (!isAlpha(s.peek())) throw s.expected("a package name", itemStart);
            int e = s.nameEnd(s.pos);
            String name = s.string(s.pos, e);
            s.pos = e;
            if (s.peek() != '-') throw s.expected("'-' and the package version", itemStart);
            s.pos++;
            push(new PackagesDescriptor.Item(name, uint16("a package version", itemStart)));
        } while (more(itemStart, '}'));
        return new PackagesDescriptor(popList(itemsMark));
    }

    /**
     * modemDescriptor = ModemToken ((EQUAL modemType) / (LSBRKT modemType *(COMMA modemType) RSBRKT))
     * [LBRKT propertyParm *(COMMA propertyParm) RBRKT].
     */
    ModemDescriptor modem() {
        int start = s.pos;
        take();
        s.skipLwsp();
        int typesMark = mark();
        boolean list;
        if (s.peek() == '=') {
            s.pos++;
            s.skipLwsp();
            push(modemType(start));
            list = false;
        } else if (s.peek() == '[') {
            s.pos++;
            s.skipLwsp();
            int itemStart;
            do {
                itemStart = s.pos;
                push(modemType(start));
            } while (more(itemStart, ']'));
            list = true;
        } else {
            throw s.expected("'=' or '['", start);
        }
        List<String> types = popList(typesMark);
        List<PropertyParm> properties = List.of();
        if (nextIs('{')) {
            lbrkt(start);
            int propertiesMark = mark();
            int itemStart;
            do {
                itemStart = s.pos;
                push(propertyParm());
            } while (more(itemStart, '}'));
            properties = popList(propertiesMark);
        }
        return new ModemDescriptor(types, list, properties);
    }

    /** modemType = V32bisToken / V22bisToken / V18Token / V22Token / V32Token / V34Token / V90Token / V91Token / SynchISDNToken / extensionParameter. */
    String modemType(int start) {
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
    MuxDescriptor mux() {
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
    ErrorDescriptor errorDescriptor() {
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
            while (p < s.end && s.at(p) != '}' && s.at(p) != '{' && s.at(p) != '"') p++;
            if (s.charAt(p) != '}') throw s.expected("a quoted error text and '}'", start);
            s.deviation(Deviation.Kind.OTHER, from, "the text of Error = " + code + " is not a quoted string");
            text = s.string(from, p).strip();
            s.pos = p;
        }
        rbrkt(start);
        return new ErrorDescriptor(code, text);
    }

    // ================================================================ audit replies

    static boolean isAuditReturnToken(Token t) {
        return t == Token.MEDIA || t == Token.MODEM || t == Token.MUX || t == Token.EVENTS || t == Token.SIGNALS
                || t == Token.DIGIT_MAP || t == Token.OBSERVED_EVENTS || t == Token.EVENT_BUFFER
                || t == Token.STATISTICS || t == Token.PACKAGES;
    }

    /** terminationAudit = auditReturnParameter *(COMMA auditReturnParameter), after its LBRKT, through its RBRKT. */
    List<Descriptor> terminationAudit(Token verb) {
        int listMark = mark();
        int itemStart;
        do {
            itemStart = s.pos;
            push(auditReturnParameter(verb));
        } while (more(itemStart, '}'));
        return popList(listMark);
    }

    /**
     * auditReturnParameter = mediaDescriptor / modemDescriptor / muxDescriptor / eventsDescriptor /
     * signalsDescriptor / digitMapDescriptor / observedEventsDescriptor / eventBufferDescriptor /
     * statisticsDescriptor / packagesDescriptor / errorDescriptor / auditReturnItem (v1/v2: auditItem).
     */
    Descriptor auditReturnParameter(Token verb) {
        int at = s.pos;
        Token t = peekToken();
        if (t == Token.ERROR) return errorDescriptor();
        AuditDescriptor.Item item = auditItem(t);
        if (item == null) throw unknown("descriptor", verb.longName + " reply", at);
        if (messageVersion() != 2) return fullAuditReturnParameter(t, item);
        // v2: auditReturnParameter also allows an auditItem, which may be an individual audit; where the text is
        // a full descriptor too, the full descriptor is what it is read as
        if (t == Token.EVENTS && afterToken() == '{') {
            // "Events { ... }" without a RequestID is no eventsDescriptor: only the individual audit
            return new dev.holdfast.h248.message.IndAuditReturn(
                    (dev.holdfast.h248.message.IndAuditParameter) new AuditReader(this).auditItem(verb.longName
                            + " reply"));
        }
        int depth = s.depth;
        int stackTop = top;
        int parens = parenDepth;
        int deviations = s.deviationCount();
        try {
            return fullAuditReturnParameter(t, item);
        } catch (ParseFailure full) {
            s.pos = at;
            s.depth = depth;
            for (int i = stackTop; i < top; i++) stack[i] = null;
            top = stackTop;
            parenDepth = parens;
            s.forgetDeviationsFrom(deviations);
            AuditDescriptor.AuditItem individual;
            try {
                individual = new AuditReader(this).auditItem(verb.longName + " reply");
            } catch (ParseFailure notIndividual) {
                throw full;
            }
            if (individual instanceof dev.holdfast.h248.message.IndAuditParameter p) {
                return new dev.holdfast.h248.message.IndAuditReturn(p);
            }
            throw full;
        }
    }

    /** The version in the message header, 0 before it is read. */
    abstract int messageVersion();

    private Descriptor fullAuditReturnParameter(Token t, AuditDescriptor.Item item) {
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
    static AuditDescriptor.Item auditItem(Token t) {
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
}
