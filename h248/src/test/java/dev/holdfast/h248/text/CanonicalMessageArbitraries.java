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
import dev.holdfast.h248.message.IndAuditParameter;
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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * Random valid messages in canonical form: every model value the decoder can produce, and only those (the model
 * can also hold values with no text form, such as an empty Statistics descriptor, or two spellings of one text,
 * such as a bare {@code Events} in a reply, which the decoder reads as an AuditReturnItem). Names and values are
 * drawn from small pools of valid spellings; structure, counts, optional parts and numbers are random.
 */
final class CanonicalMessageArbitraries {
    private CanonicalMessageArbitraries() {}

    // ---------------------------------------------------------------- lexical pools

    private static final List<String> PKGD_NAMES = List.of("al/on", "al/of", "al/fl", "dd/ce", "cg/dt", "cg/rt",
            "nt/jit", "tdmc/gain", "tdmc/ec", "g/sc", "rtp/pl", "nt/os", "hf/cookie", "X_pkg/item_2", "an/apf");
    private static final List<String> PARAM_NAMES = List.of("strict", "init", "digits", "meth", "th", "an", "noc",
            "gain", "Cause", "x_1");
    private static final List<String> VALUES = List.of("onhook", "12", "0x1F", "-5", "state", "exact", "on", "OFF",
            "\"a quoted value\"", "\"5551234\"", "1.5", "a+b", "100%", "x-y_z");
    private static final List<String> DIGIT_MAPS = List.of("(0|00|[1-7]xxx|8xxxxxxx|Fxxxxxxx|Exx|91xxxxxxxxxx|9011x.)",
            "(0S|00S|[1-7]xLxx|8Lxxxxxxx|Fxxxxxxx|Exx|9L1xxxxxxxxxx|9L011x.S)", "xxxx", "(1x|2Zx|[3-5]xx.)");
    private static final List<String> ERROR_TEXTS = List.of("Syntax error", "No such context", "", "line/99", "a; b");

    static Arbitrary<Message> messages() {
        Arbitrary<MessageBody> body = Arbitraries.frequencyOf(
                Tuple.of(10, transactions().list().ofMinSize(1).ofMaxSize(3)
                        .map(l -> (MessageBody) new MessageBody.Transactions(l))),
                Tuple.of(1, errors().map(e -> (MessageBody) new MessageBody.Error(e))));
        Arbitrary<Message.AuthenticationHeader> auth = Arbitraries.of(
                new Message.AuthenticationHeader("0x01020304", "0x0000002A", "0x000102030405060708090a0b"))
                .injectNull(0.8);
        return Combinators.combine(auth, Arbitraries.integers().between(1, 3), mids(), body).as(Message::new);
    }

    static Arbitrary<MId> mids() {
        Arbitrary<Integer> port = Arbitraries.integers().between(0, 65535).injectNull(0.4);
        Arbitrary<String> v4 = Arbitraries.integers().between(0, 255).list().ofSize(4)
                .map(l -> l.get(0) + "." + l.get(1) + "." + l.get(2) + "." + l.get(3));
        return Arbitraries.oneOf(
                Combinators.combine(v4, port).as((a, p) -> (MId) new MId.IpAddress(a, false, p)),
                Combinators.combine(Arbitraries.of("2001:db8::1", "::1", "fe80::2:3"), port)
                        .as((a, p) -> (MId) new MId.IpAddress(a, true, p)),
                Combinators.combine(Arbitraries.of("mg1.example.net", "mgc-2.example.org", "x"), port)
                        .as((n, p) -> (MId) new MId.DomainName(n, p)),
                Arbitraries.of("gw17", "mg/17", "RGW_2").map(n -> (MId) new MId.DeviceName(n)),
                Arbitraries.of("0A1B", "12345678", "00FF00").map(h -> (MId) new MId.MtpAddress(h)));
    }

    // ---------------------------------------------------------------- transactions

    static Arbitrary<Transaction> transactions() {
        Arbitrary<Long> id = Arbitraries.longs().between(0, 0xFFFFFFFFL);
        Arbitrary<Transaction> request = Combinators.combine(id, actionRequests().list().ofMinSize(1).ofMaxSize(3))
                .as(Transaction.Request::new);
        Arbitrary<Integer> segment = Arbitraries.integers().between(0, 65535).injectNull(0.7);
        Arbitrary<Transaction> reply = Combinators.combine(id, segment, Arbitraries.of(true, false),
                        Arbitraries.of(true, false), errors().injectNull(0.8),
                        actionReplies().list().ofMinSize(1).ofMaxSize(3))
                .as((t, seg, end, ack, err, actions) -> new Transaction.Reply(t, seg, seg != null && end, ack, err,
                        err != null ? List.of() : actions));
        Arbitrary<Transaction> pending = id.map(Transaction.Pending::new);
        Arbitrary<Transaction.AckRange> range = Combinators.combine(id, Arbitraries.longs().between(0, 1000))
                .as((first, n) -> new Transaction.AckRange(first, Math.min(0xFFFFFFFFL, first + n)));
        Arbitrary<Transaction> ack = range.list().ofMinSize(1).ofMaxSize(4).map(Transaction.ResponseAck::new);
        Arbitrary<Transaction> segmentReply = Combinators.combine(id, Arbitraries.integers().between(0, 65535),
                Arbitraries.of(true, false)).as(Transaction.SegmentReply::new);
        return Arbitraries.frequencyOf(Tuple.of(6, request), Tuple.of(6, reply),
                Tuple.of(1, pending), Tuple.of(1, ack),
                Tuple.of(1, segmentReply));
    }

    static Arbitrary<ContextId> contextIds() {
        return Arbitraries.oneOf(Arbitraries.longs().between(0, 0xFFFFFFFEL).map(ContextId::of),
                Arbitraries.of(ContextId.NULL, ContextId.CHOOSE, ContextId.ALL));
    }

    static Arbitrary<ActionRequest> actionRequests() {
        Arbitrary<List<ContextProperty>> props = contextProperties().list().ofMaxSize(3);
        Arbitrary<List<ContextAuditItem>> audit = mostlyEmpty(contextAuditItems().list().ofMinSize(1).ofMaxSize(3));
        Arbitrary<List<CommandRequest>> commands = commandRequests().list().ofMinSize(1).ofMaxSize(3);
        return Combinators.combine(contextIds(), props, audit, commands).as(ActionRequest::new);
    }

    static Arbitrary<ActionReply> actionReplies() {
        Arbitrary<List<ContextProperty>> props = mostlyEmpty(contextProperties().list().ofMinSize(1).ofMaxSize(2));
        return Combinators.combine(contextIds(), props, commandReplies().list().ofMaxSize(3),
                errors().injectNull(0.8)).as(ActionReply::new);
    }

    // ---------------------------------------------------------------- context

    static Arbitrary<ContextProperty> contextProperties() {
        Arbitrary<TopologyDescriptor.Triple> triple = Combinators.combine(terminationIds(), terminationIds(),
                Arbitraries.of(TopologyDescriptor.Direction.class), Arbitraries.integers().between(0, 65535)
                        .injectNull(0.7)).as(TopologyDescriptor.Triple::new);
        return Arbitraries.oneOf(
                Arbitraries.integers().between(0, 15).map(ContextProperty.Priority::new),
                Arbitraries.of(true, false).map(ContextProperty.Emergency::new),
                Arbitraries.of(true, false).map(ContextProperty.Ieps::new),
                triple.list().ofMinSize(1).ofMaxSize(3).map(TopologyDescriptor::new),
                propertyParms(PKGD_NAMES).map(p -> (ContextProperty) p),
                contextIds().list().ofMinSize(1).ofMaxSize(3).map(ContextProperty.ContextList::new));
    }

    static Arbitrary<ContextAuditItem> contextAuditItems() {
        Arbitrary<ContextProperty> selection = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 15).map(ContextProperty.Priority::new),
                Arbitraries.of(true, false).map(ContextProperty.Emergency::new),
                Arbitraries.of(true, false).map(ContextProperty.Ieps::new),
                propertyParms(PKGD_NAMES).map(p -> (ContextProperty) p),
                contextIds().list().ofMinSize(1).ofMaxSize(3).map(ContextProperty.ContextList::new));
        return Arbitraries.oneOf(
                Arbitraries.of(ContextAuditItem.Kind.class).map(ContextAuditItem.Token::new),
                Arbitraries.of(PKGD_NAMES).map(ContextAuditItem.PackageProperty::new),
                selection.map(ContextAuditItem.Select::new),
                Arbitraries.of(true, false).map(ContextAuditItem.Logic::new));
    }

    // ---------------------------------------------------------------- commands

    /** Mostly one id (v1/v2), sometimes a v3 list of two or three. */
    static Arbitrary<List<TerminationId>> terminationIdLists() {
        return Arbitraries.frequencyOf(Tuple.of(4, terminationIds().map(List::of)),
                Tuple.of(1, terminationIds().list().ofMinSize(2).ofMaxSize(3)));
    }

    private static <T> Arbitrary<List<T>> mostlyEmpty(Arbitrary<List<T>> lists) {
        return Arbitraries.frequencyOf(Tuple.of(7, Arbitraries.just(List.<T>of())), Tuple.of(3, lists));
    }

    static Arbitrary<TerminationId> terminationIds() {
        return Arbitraries.oneOf(
                Arbitraries.of("ROOT", "$", "*", "line/*", "rtp/$", "A4444", "trunk/1/*", "a_b/c1@example.net")
                        .map(TerminationId::of),
                Arbitraries.integers().between(0, 99999).map(n -> TerminationId.of("line/" + n)));
    }

    static Arbitrary<CommandRequest> commandRequests() {
        Arbitrary<Command> amm = Combinators.combine(Arbitraries.of(Command.AmmVerb.class), terminationIdLists(),
                requestDescriptors().list().ofMaxSize(4)).as(Command.Amm::new);
        Arbitrary<Command> subtract = Combinators.combine(terminationIdLists(), audits().injectNull(0.5))
                .as(Command.Subtract::new);
        Arbitrary<Command> audit = Combinators.combine(Arbitraries.of(true, false), terminationIdLists(), audits())
                .as(Command.Audit::new);
        Arbitrary<Command> notify = Combinators.combine(terminationIdLists(), observedEvents(),
                errors().injectNull(0.8)).as(Command.Notify::new);
        Arbitrary<Command> serviceChange = Combinators.combine(terminationIdLists(), serviceChangeParms())
                .as(Command.ServiceChange::new);
        return Combinators.combine(Arbitraries.oneOf(amm, subtract, audit, notify, serviceChange),
                Arbitraries.of(true, false), Arbitraries.of(true, false)).as(CommandRequest::new);
    }

    static Arbitrary<CommandReply> commandReplies() {
        Arbitrary<CommandReply> amms = Combinators.combine(Arbitraries.of(CommandReply.AmmsVerb.class),
                terminationIdLists(), replyDescriptors().list().ofMaxSize(4)).as(CommandReply.Amms::new);
        Arbitrary<CommandReply> auditOther = Combinators.combine(Arbitraries.of(true, false), terminationIdLists(),
                replyDescriptors().list().ofMaxSize(4))
                .as((cap, ids, audit) -> new CommandReply.Audit(cap, false, ids, audit, null));
        Arbitrary<CommandReply> auditContext = Combinators.combine(Arbitraries.of(true, false),
                        terminationIds().list().ofMinSize(1).ofMaxSize(3), errors().injectNull(0.5))
                .as((cap, ids, err) -> new CommandReply.Audit(cap, true, err == null ? ids : List.of(), List.of(), err));
        Arbitrary<CommandReply> notify = Combinators.combine(terminationIdLists(), errors().injectNull(0.7))
                .as(CommandReply.Notify::new);
        Arbitrary<CommandReply> serviceChange = Combinators.combine(terminationIdLists(), errors().injectNull(0.7),
                        serviceChangeReplyParms().list().ofMaxSize(3))
                .as((ids, err, parms) -> new CommandReply.ServiceChange(ids, err, err != null ? List.of() : parms));
        return Arbitraries.oneOf(amms, auditOther, auditContext, notify, serviceChange);
    }

    static Arbitrary<List<ServiceChangeParm>> serviceChangeParms() {
        Arbitrary<ServiceChangeParm> method = Arbitraries.of(ServiceChangeParm.MethodKind.class)
                .map(k -> k == ServiceChangeParm.MethodKind.EXTENSION
                        ? new ServiceChangeParm.Method(k, "X-Quiet") : ServiceChangeParm.Method.of(k));
        Arbitrary<ServiceChangeParm> reason = Arbitraries.of("\"901 Cold Boot\"", "\"900 Service Restored\"",
                "\"905\"").map(ServiceChangeParm.Reason::new);
        Arbitrary<ServiceChangeParm> other = Arbitraries.oneOf(
                Arbitraries.longs().between(0, 0xFFFFFFFFL).map(ServiceChangeParm.Delay::new),
                serviceChangeReplyParms(),
                auditItems().map(ServiceChangeParm.AuditItem::new),
                Arbitraries.just(new ServiceChangeParm.Incomplete()),
                Combinators.combine(Arbitraries.of("X-ver", "X+Foo1"), values())
                        .as((n, v) -> (ServiceChangeParm) PropertyParm.of(n, v)));
        return Combinators.combine(method, reason, other.list().ofMaxSize(3)).as((m, r, rest) -> {
            List<ServiceChangeParm> all = new ArrayList<>(List.of(m, r));
            all.addAll(rest);
            return all;
        });
    }

    static Arbitrary<ServiceChangeParm> serviceChangeReplyParms() {
        return Arbitraries.oneOf(
                Combinators.combine(mids().injectNull(0.5), Arbitraries.integers().between(0, 65535))
                        .as((mid, port) -> new ServiceChangeParm.Address(mid, mid == null ? port : null)),
                mids().map(ServiceChangeParm.MgcIdToTry::new),
                Combinators.combine(Arbitraries.of("ResGW", "TrGW_2"), Arbitraries.integers().between(0, 99))
                        .as(ServiceChangeParm.Profile::new),
                Arbitraries.integers().between(1, 99).map(ServiceChangeParm.Version::new),
                timeStamps().map(ServiceChangeParm.Stamp::new));
    }

    // ---------------------------------------------------------------- descriptors

    static Arbitrary<Descriptor> requestDescriptors() {
        return Arbitraries.oneOf(media().map(d -> (Descriptor) d), events(true).map(d -> (Descriptor) d),
                Arbitraries.just((Descriptor) new EventsDescriptor(null, List.of())),
                signals().map(d -> (Descriptor) d), digitMaps().map(d -> (Descriptor) d),
                eventBuffers(0).map(d -> (Descriptor) d), audits().map(d -> (Descriptor) d),
                statistics().map(d -> (Descriptor) d), modems().map(d -> (Descriptor) d),
                muxes().map(d -> (Descriptor) d));
    }

    static Arbitrary<Descriptor> replyDescriptors() {
        return Arbitraries.oneOf(media().map(d -> (Descriptor) d), events(true).map(d -> (Descriptor) d),
                signals().map(d -> (Descriptor) d), digitMaps().map(d -> (Descriptor) d),
                eventBuffers(1).map(d -> (Descriptor) d), statistics().map(d -> (Descriptor) d),
                observedEvents().map(d -> (Descriptor) d), packages().map(d -> (Descriptor) d),
                errors().map(d -> (Descriptor) d), modems().map(d -> (Descriptor) d), muxes().map(d -> (Descriptor) d),
                Arbitraries.of(AuditDescriptor.Item.class).map(i -> (Descriptor) new AuditReturnItem(i)));
    }

    static Arbitrary<MediaDescriptor> media() {
        Arbitrary<MediaParm> stream = Combinators.combine(Arbitraries.integers().between(0, 65535),
                streamParms().list().ofMinSize(1).ofMaxSize(3)).as(StreamDescriptor::new);
        return Arbitraries.oneOf(streamParms().map(p -> (MediaParm) p), stream,
                terminationStates().map(t -> (MediaParm) t)).list().ofMinSize(1).ofMaxSize(3)
                .map(MediaDescriptor::new);
    }

    static Arbitrary<StreamParm> streamParms() {
        Arbitrary<LocalParm> localParm = Arbitraries.oneOf(
                Arbitraries.of(LocalControlDescriptor.Mode.class).map(LocalControlDescriptor.StreamMode::new),
                Arbitraries.of(true, false).map(LocalControlDescriptor.ReservedValue::new),
                Arbitraries.of(true, false).map(LocalControlDescriptor.ReservedGroup::new),
                propertyParms(PKGD_NAMES).map(p -> (LocalParm) p));
        return Arbitraries.oneOf(
                localParm.list().ofMinSize(1).ofMaxSize(3).map(LocalControlDescriptor::new),
                sdps().map(LocalDescriptor::new), sdps().map(RemoteDescriptor::new),
                statistics().map(s -> (StreamParm) s));
    }

    static Arbitrary<String> sdps() {
        Arbitrary<Integer> port = Arbitraries.integers().between(1024, 65535);
        return Arbitraries.oneOf(
                port.map(p -> "\nv=0\nc=IN IP4 192.0.2.20\nm=audio " + p + " RTP/AVP 0\n"),
                port.map(p -> "v=0\r\no=- 1 1 IN IP4 198.51.100.7\r\ns=-\r\nc=IN IP4 198.51.100.7\r\nt=0 0\r\n"
                        + "m=audio " + p + " RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\n"),
                Arbitraries.just("\n   v=0\n   c=IN IP4 $\n   m=audio $ RTP/AVP 4\n   a=ptime:30\n   v=0\n"
                        + "   c=IN IP4 $\n   m=audio $ RTP/AVP 0\n               "),
                Arbitraries.just("v=0\ns=brace \\} escaped\n"),
                Arbitraries.just(""));
    }

    static Arbitrary<TerminationStateDescriptor> terminationStates() {
        return Arbitraries.oneOf(
                Arbitraries.of(TerminationStateDescriptor.ServiceState.class)
                        .map(s -> (TerminationStateParm) new TerminationStateDescriptor.ServiceStates(s)),
                Arbitraries.of(true, false).map(TerminationStateDescriptor.EventBufferControl::new),
                propertyParms(PKGD_NAMES).map(p -> (TerminationStateParm) p))
                .list().ofMinSize(1).ofMaxSize(3).map(TerminationStateDescriptor::new);
    }

    /** Events = id { ... }; {@code embedding} allows Embed parameters (not inside an embedded Events). */
    static Arbitrary<EventsDescriptor> events(boolean embedding) {
        Arbitrary<EventParameter> parameter = embedding
                ? Arbitraries.oneOf(simpleEventParameters(), embeds().map(e -> (EventParameter) e),
                        Arbitraries.of(EventParameter.NotifyBehaviourKind.class).flatMap(k ->
                                k == EventParameter.NotifyBehaviourKind.REGULATED
                                        ? embeds().injectNull(0.5).map(e -> new EventParameter.NotifyBehaviour(k, e))
                                        : Arbitraries.just(new EventParameter.NotifyBehaviour(k, null))))
                : simpleEventParameters();
        Arbitrary<RequestedEvent> event = Combinators.combine(Arbitraries.of(PKGD_NAMES),
                parameter.list().ofMaxSize(3)).as(RequestedEvent::new);
        return Combinators.combine(requestIds(), event.list().ofMinSize(1).ofMaxSize(3)).as(EventsDescriptor::new);
    }

    private static Arbitrary<EventParameter> simpleEventParameters() {
        return Arbitraries.oneOf(
                propertyParms(PARAM_NAMES).map(p -> (EventParameter) p),
                Arbitraries.just((EventParameter) KeepActive.INSTANCE),
                streamRefs().map(s -> (EventParameter) s),
                Arbitraries.of("dialplan0", "Dialplan1").map(n -> new EventParameter.EventDigitMap(n, null)),
                digitMapValues().map(v -> new EventParameter.EventDigitMap(null, v)),
                Arbitraries.just((EventParameter) new EventParameter.ResetEventsDescriptor()));
    }

    static Arbitrary<EventParameter.Embed> embeds() {
        return Arbitraries.oneOf(
                Combinators.combine(signals(), events(false).injectNull(0.5)).as(EventParameter.Embed::new),
                events(false).map(e -> new EventParameter.Embed(null, e)));
    }

    static Arbitrary<SignalsDescriptor> signals() {
        Arbitrary<SignalParameter> parameter = Arbitraries.oneOf(
                Arbitraries.of(SignalParameter.SignalType.class).map(SignalParameter.Type::new),
                Arbitraries.integers().between(0, 65535).map(SignalParameter.Duration::new),
                Arbitraries.of(SignalParameter.NotificationReason.class).list().ofMinSize(1).ofMaxSize(3)
                        .map(SignalParameter.NotifyCompletion::new),
                Arbitraries.just((SignalParameter) KeepActive.INSTANCE),
                streamRefs().map(s -> (SignalParameter) s),
                Arbitraries.of(SignalParameter.DirectionKind.class).map(SignalParameter.Direction::new),
                requestIds().map(SignalParameter.SignalRequestId::new),
                Arbitraries.integers().between(0, 65535).map(SignalParameter.IntersignalDelay::new),
                propertyParms(PARAM_NAMES).map(p -> (SignalParameter) p));
        Arbitrary<SignalParm.Request> request = Combinators.combine(Arbitraries.of(PKGD_NAMES),
                parameter.list().ofMaxSize(3)).as(SignalParm.Request::new);
        Arbitrary<SignalParm> list = Combinators.combine(Arbitraries.integers().between(0, 65535),
                request.list().ofMinSize(1).ofMaxSize(3)).as(SignalParm.SignalList::new);
        return Arbitraries.oneOf(request.map(r -> (SignalParm) r), list).list().ofMaxSize(3)
                .map(SignalsDescriptor::new);
    }

    static Arbitrary<DigitMapValue> digitMapValues() {
        Arbitrary<Integer> timer = Arbitraries.integers().between(0, 99).injectNull(0.6);
        return Combinators.combine(timer, timer, timer, timer, Arbitraries.of(DIGIT_MAPS)).as(DigitMapValue::new);
    }

    static Arbitrary<DigitMapDescriptor> digitMaps() {
        return Arbitraries.oneOf(
                Combinators.combine(Arbitraries.of("dialplan0", "Dialplan_1"), digitMapValues().injectNull(0.5))
                        .as(DigitMapDescriptor::new),
                digitMapValues().map(v -> new DigitMapDescriptor(null, v)));
    }

    /** EventBuffer [{ ... }]; with {@code minEvents} 1 never bare (a bare one in a reply is an audit item). */
    static Arbitrary<EventBufferDescriptor> eventBuffers(int minEvents) {
        Arbitrary<EventBufferDescriptor.EventSpec> spec = Combinators.combine(Arbitraries.of(PKGD_NAMES),
                observedEventParameters().list().ofMaxSize(2)).as(EventBufferDescriptor.EventSpec::new);
        return spec.list().ofMinSize(minEvents).ofMaxSize(3).map(EventBufferDescriptor::new);
    }

    static Arbitrary<AuditDescriptor> audits() {
        return auditItems().list().ofMaxSize(4).map(AuditDescriptor::new);
    }

    /** An auditItem: a descriptor token or (v2/v3) one individual audit parameter. */
    static Arbitrary<AuditDescriptor.AuditItem> auditItems() {
        return Arbitraries.oneOf(Arbitraries.of(AuditDescriptor.Item.class).map(i -> (AuditDescriptor.AuditItem) i),
                indAuditParameters().map(p -> (AuditDescriptor.AuditItem) p));
    }

    static Arbitrary<IndAuditParameter> indAuditParameters() {
        Arbitrary<IndAuditParameter.Signal> signal = Combinators.combine(Arbitraries.of(PKGD_NAMES),
                Arbitraries.integers().between(0, 65535).injectNull(0.6), requestIds().injectNull(0.6))
                .as(IndAuditParameter.Signal::new);
        Arbitrary<IndAuditParameter.SignalParm> signalParm = Arbitraries.oneOf(signal.map(x -> x),
                Combinators.combine(Arbitraries.integers().between(0, 65535), signal.injectNull(0.4))
                        .as(IndAuditParameter.SignalList::new));
        Arbitrary<IndAuditParameter.EventBuffer> eventBuffer = Arbitraries.oneOf(
                Arbitraries.of(PKGD_NAMES).map(IndAuditParameter.EventBuffer::of),
                Combinators.combine(Arbitraries.of(PKGD_NAMES), Arbitraries.integers().between(0, 65535))
                        .as((n, st) -> new IndAuditParameter.EventBuffer(n, st, null)),
                Combinators.combine(Arbitraries.of(PKGD_NAMES), Arbitraries.of(PARAM_NAMES))
                        .as((n, pn) -> new IndAuditParameter.EventBuffer(n, null, pn)));
        return Arbitraries.oneOf(
                indAuditMediaParms().list().ofMinSize(1).ofMaxSize(3).map(IndAuditParameter.Media::new),
                Combinators.combine(requestIds().injectNull(0.4), Arbitraries.of(PKGD_NAMES))
                        .as(IndAuditParameter.Events::new),
                signalParm.injectNull(0.2).map(IndAuditParameter.Signals::new),
                Arbitraries.of("dialplan0", "DP_1", "x").map(IndAuditParameter.DigitMap::new),
                eventBuffer,
                Arbitraries.of(PKGD_NAMES).map(IndAuditParameter.Statistics::new),
                Combinators.combine(Arbitraries.of("nt", "al", "tdmc", "g"), Arbitraries.integers().between(0, 65535))
                        .as(IndAuditParameter.Packages::new));
    }

    static Arbitrary<IndAuditParameter.MediaParm> indAuditMediaParms() {
        Arbitrary<IndAuditParameter.LocalParm> localParm = Arbitraries.oneOf(
                Arbitraries.just(IndAuditParameter.Mode.audit()),
                Combinators.combine(Arbitraries.of(ParmValue.Relation.class),
                        Arbitraries.of(LocalControlDescriptor.Mode.class)).as(IndAuditParameter.Mode::new),
                Arbitraries.just(new IndAuditParameter.ReservedValue()),
                Arbitraries.just(new IndAuditParameter.ReservedGroup()),
                Arbitraries.of(PKGD_NAMES).map(IndAuditParameter.Property::new),
                propertyParms(PKGD_NAMES).map(p -> (IndAuditParameter.LocalParm) p));
        Arbitrary<IndAuditParameter.StreamParm> streamParm = Arbitraries.oneOf(
                localParm.list().ofMinSize(1).ofMaxSize(3).map(IndAuditParameter.LocalControl::new),
                Arbitraries.of(PKGD_NAMES).map(IndAuditParameter.Statistics::new),
                sdps().map(IndAuditParameter.Local::new), sdps().map(IndAuditParameter.Remote::new));
        Arbitrary<IndAuditParameter.TerminationStateParm> stateParm = Arbitraries.oneOf(
                Arbitraries.just(IndAuditParameter.ServiceStates.audit()),
                Combinators.combine(Arbitraries.of(ParmValue.Relation.class),
                        Arbitraries.of(TerminationStateDescriptor.ServiceState.class))
                        .as(IndAuditParameter.ServiceStates::new),
                Arbitraries.just(new IndAuditParameter.Buffer()),
                Arbitraries.of(PKGD_NAMES).map(IndAuditParameter.Property::new),
                propertyParms(PKGD_NAMES).map(p -> (IndAuditParameter.TerminationStateParm) p));
        return Arbitraries.oneOf(streamParm.map(p -> p),
                Combinators.combine(Arbitraries.integers().between(0, 65535), streamParm)
                        .as(IndAuditParameter.Stream::new),
                stateParm.map(IndAuditParameter.TerminationState::new));
    }

    static Arbitrary<StatisticsDescriptor> statistics() {
        Arbitrary<ParmValue> value = Arbitraries.oneOf(values().map(ParmValue::of),
                values().list().ofMinSize(1).ofMaxSize(3).map(ParmValue.AllOf::new));
        return Combinators.combine(Arbitraries.of(PKGD_NAMES), value.injectNull(0.3))
                .as(StatisticsDescriptor.Statistic::new).list().ofMinSize(1).ofMaxSize(4)
                .map(StatisticsDescriptor::new);
    }

    static Arbitrary<ObservedEventsDescriptor> observedEvents() {
        Arbitrary<ObservedEventsDescriptor.ObservedEvent> event = Combinators.combine(timeStamps().injectNull(0.5),
                Arbitraries.of(PKGD_NAMES), observedEventParameters().list().ofMaxSize(3))
                .as(ObservedEventsDescriptor.ObservedEvent::new);
        return Combinators.combine(requestIds(), event.list().ofMinSize(1).ofMaxSize(3))
                .as(ObservedEventsDescriptor::new);
    }

    private static Arbitrary<ObservedEventParameter> observedEventParameters() {
        return Arbitraries.oneOf(streamRefs().map(s -> (ObservedEventParameter) s),
                propertyParms(PARAM_NAMES).map(p -> (ObservedEventParameter) p));
    }

    static Arbitrary<PackagesDescriptor> packages() {
        return Combinators.combine(Arbitraries.of("al", "dd", "cg", "nt", "rtp", "g", "X_hf"),
                        Arbitraries.integers().between(0, 65535)).as(PackagesDescriptor.Item::new)
                .list().ofMinSize(1).ofMaxSize(4).map(PackagesDescriptor::new);
    }

    static Arbitrary<ModemDescriptor> modems() {
        Arbitrary<String> type = Arbitraries.of("V18", "V22", "V22b", "V32", "V32b", "V34", "V90", "V91",
                "SynchISDN", "X-Foo", "X+Bar1");
        Arbitrary<List<PropertyParm>> props = propertyParms(PKGD_NAMES).list().ofMaxSize(2);
        return Arbitraries.oneOf(
                Combinators.combine(type, props).as((t, p) -> new ModemDescriptor(List.of(t), false, p)),
                Combinators.combine(type.list().ofMinSize(1).ofMaxSize(3), props)
                        .as((t, p) -> new ModemDescriptor(t, true, p)));
    }

    static Arbitrary<MuxDescriptor> muxes() {
        return Combinators.combine(Arbitraries.of("H221", "H223", "H226", "V76", "Nx64Kservice", "X-Mux"),
                terminationIds().list().ofMinSize(1).ofMaxSize(3)).as(MuxDescriptor::new);
    }

    static Arbitrary<ErrorDescriptor> errors() {
        return Combinators.combine(Arbitraries.integers().between(0, 9999), Arbitraries.of(ERROR_TEXTS).injectNull(0.3))
                .as(ErrorDescriptor::new);
    }

    // ---------------------------------------------------------------- small values

    static Arbitrary<PropertyParm> propertyParms(List<String> names) {
        Arbitrary<ParmValue> value = Arbitraries.oneOf(
                values().map(ParmValue::of),
                Combinators.combine(Arbitraries.of(ParmValue.Relation.class), values()).as(ParmValue.Single::new),
                values().list().ofMinSize(1).ofMaxSize(3).map(ParmValue.AllOf::new),
                values().list().ofMinSize(1).ofMaxSize(3).map(ParmValue.OneOf::new),
                Combinators.combine(values(), values()).as(ParmValue.Range::new));
        return Combinators.combine(Arbitraries.of(names), value).as(PropertyParm::new);
    }

    static Arbitrary<String> values() {
        return Arbitraries.oneOf(Arbitraries.of(VALUES), Arbitraries.integers().between(0, 1_000_000).map(String::valueOf));
    }

    static Arbitrary<RequestId> requestIds() {
        return Arbitraries.oneOf(Arbitraries.longs().between(0, 0xFFFFFFFFL).map(RequestId::of),
                Arbitraries.just(RequestId.ALL));
    }

    static Arbitrary<StreamRef> streamRefs() {
        return Arbitraries.integers().between(0, 65535).map(StreamRef::new);
    }

    static Arbitrary<TimeStamp> timeStamps() {
        return Combinators.combine(Arbitraries.strings().numeric().ofLength(8), Arbitraries.strings().numeric()
                .ofLength(8)).as(TimeStamp::new);
    }
}
