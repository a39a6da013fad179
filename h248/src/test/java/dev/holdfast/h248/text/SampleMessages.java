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
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.MediaDescriptor;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.MessageBody;
import dev.holdfast.h248.message.ModemDescriptor;
import dev.holdfast.h248.message.MuxDescriptor;
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
import dev.holdfast.h248.message.StreamRef;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.TerminationStateDescriptor;
import dev.holdfast.h248.message.TimeStamp;
import dev.holdfast.h248.message.TopologyDescriptor;
import dev.holdfast.h248.message.Transaction;

import java.util.List;

/**
 * Realistic H.248 messages built with the model, shared by the encoder tests and the Wireshark interop test.
 * Between them they use every element of the model.
 */
public final class SampleMessages {
    private SampleMessages() {}

    static final MId MGC = MId.ipv4("192.0.2.1", 2944);
    static final MId MG = MId.ipv4("192.0.2.20", 2944);

    /** SDP as the RFC lays it out: on lines of its own inside the braces (see MessageEncoder's class comment). */
    static final String LOCAL_SDP = "\nv=0\nc=IN IP4 192.0.2.20\nm=audio 1296 RTP/AVP 0\n";
    static final String REMOTE_SDP = "\nv=0\nc=IN IP4 198.51.100.7\nm=audio 40000 RTP/AVP 0\na=ptime:20\n";

    static TerminationId tid(String id) { return TerminationId.of(id); }

    static PropertyParm prop(String name, String value) { return PropertyParm.of(name, value); }

    static CommandRequest cmd(Command c) { return CommandRequest.of(c); }

    /** MG cold boot: ServiceChange on ROOT with every request parameter. */
    public static Message serviceChangeRestart() {
        Command.ServiceChange sc = new Command.ServiceChange(List.of(TerminationId.ROOT), List.of(
                ServiceChangeParm.Method.of(ServiceChangeParm.MethodKind.RESTART),
                new ServiceChangeParm.Reason("\"901 Cold Boot\""),
                new ServiceChangeParm.Delay(1500),
                new ServiceChangeParm.Address(null, 2944),
                new ServiceChangeParm.Profile("ResGW", 1),
                new ServiceChangeParm.Version(2),
                new ServiceChangeParm.Stamp(new TimeStamp("20240611", "13042200")),
                PropertyParm.of("X-ver", "\"build 7\"")));
        return Message.of(2, MG, new Transaction.Request(9998,
                List.of(new ActionRequest(ContextId.NULL, List.of(), List.of(), List.of(cmd(sc))))));
    }

    /** MGC answer to the restart: version, profile and where to go instead. */
    public static Message serviceChangeReply() {
        CommandReply.ServiceChange sc = new CommandReply.ServiceChange(List.of(TerminationId.ROOT), null, List.of(
                new ServiceChangeParm.MgcIdToTry(new MId.DomainName("mgc2.example.net", 2944)),
                new ServiceChangeParm.Profile("ResGW", 1),
                new ServiceChangeParm.Version(2)));
        return Message.of(2, MGC, Transaction.Reply.of(9998, List.of(ActionReply.of(ContextId.NULL, sc))));
    }

    /** Modify of a line: media with both SDPs, events with every parameter kind, signals, digit map. */
    public static Message modifyLine() {
        MediaDescriptor media = MediaDescriptor.of(
                new TerminationStateDescriptor(List.of(
                        new TerminationStateDescriptor.ServiceStates(TerminationStateDescriptor.ServiceState.IN_SERVICE),
                        new TerminationStateDescriptor.EventBufferControl(true),
                        prop("al/hookstate", "onhook"))),
                new StreamDescriptor(1, List.of(
                        new LocalControlDescriptor(List.of(
                                new LocalControlDescriptor.StreamMode(LocalControlDescriptor.Mode.SENDRECV),
                                new LocalControlDescriptor.ReservedValue(true),
                                new LocalControlDescriptor.ReservedGroup(false),
                                prop("nt/jit", "40"))),
                        new LocalDescriptor(LOCAL_SDP),
                        new RemoteDescriptor(REMOTE_SDP))));
        EventsDescriptor events = new EventsDescriptor(RequestId.of(2223), List.of(
                new RequestedEvent("al/of", List.of(new PropertyParm("strict", ParmValue.of("state")),
                        KeepActive.INSTANCE, new StreamRef(1))),
                new RequestedEvent("dd/ce", List.of(
                        new EventParameter.EventDigitMap("dialplan0", null),
                        new EventParameter.Embed(
                                SignalsDescriptor.of(SignalParm.Request.of("cg/rt")),
                                EventsDescriptor.of(2224, RequestedEvent.of("al/on"))))),
                new RequestedEvent("dd/std", List.of(
                        new EventParameter.EventDigitMap(null, new DigitMapValue(4, null, 12, null, "(0|1x|2xx)")),
                        new EventParameter.NotifyBehaviour(EventParameter.NotifyBehaviourKind.REGULATED,
                                new EventParameter.Embed(null, EventsDescriptor.of(2225, RequestedEvent.of("al/on")))),
                        new EventParameter.ResetEventsDescriptor())),
                new RequestedEvent("al/fl", List.of(
                        new EventParameter.NotifyBehaviour(EventParameter.NotifyBehaviourKind.IMMEDIATE, null))),
                new RequestedEvent("nt/qualert", List.of(
                        new EventParameter.NotifyBehaviour(EventParameter.NotifyBehaviourKind.NEVER, null),
                        new PropertyParm("th", new ParmValue.Single(ParmValue.Relation.GREATER, "30"))))));
        SignalsDescriptor signals = SignalsDescriptor.of(
                SignalParm.Request.of("cg/dt", new SignalParameter.Type(SignalParameter.SignalType.TIME_OUT),
                        new SignalParameter.Duration(3000),
                        new SignalParameter.NotifyCompletion(List.of(SignalParameter.NotificationReason.TIME_OUT,
                                SignalParameter.NotificationReason.INTERRUPTED_BY_EVENT)),
                        KeepActive.INSTANCE, new StreamRef(1),
                        new SignalParameter.Direction(SignalParameter.DirectionKind.EXTERNAL),
                        new SignalParameter.SignalRequestId(RequestId.of(77)),
                        new SignalParameter.IntersignalDelay(10)),
                new SignalParm.SignalList(2, List.of(
                        SignalParm.Request.of("an/apf", PropertyParm.of("an", "105")),
                        SignalParm.Request.of("an/apf", new PropertyParm("noc", ParmValue.of("2"))))));
        DigitMapDescriptor digitMap = new DigitMapDescriptor("dialplan0",
                new DigitMapValue(16, 4, 12, 2, "(0S|00S|[1-7]xLxx|8Lxxxxxxx|Fxxxxxxx|Exx|9L1xxxxxxxxxx|9L011x.S)"));
        Command.Amm modify = new Command.Amm(Command.AmmVerb.MODIFY, List.of(tid("line/17")),
                List.of(media, events, signals, digitMap, new EventBufferDescriptor(List.of(
                        new EventBufferDescriptor.EventSpec("al/of", List.of(new StreamRef(1), prop("strict", "exact"))),
                        new EventBufferDescriptor.EventSpec("dd/ce", List.of())))));
        return Message.of(2, MGC, new Transaction.Request(10001,
                List.of(ActionRequest.of(ContextId.of(1), cmd(modify)))));
    }

    /** Add of an RTP termination chosen by the MG ($) in a new context, with context properties and audit. */
    public static Message addChoose() {
        Command.Amm addLine = new Command.Amm(Command.AmmVerb.ADD, List.of(tid("line/17")), List.of());
        Command.Amm addRtp = new Command.Amm(Command.AmmVerb.ADD, List.of(TerminationId.CHOOSE), List.of(
                MediaDescriptor.of(
                        new LocalControlDescriptor(List.of(
                                new LocalControlDescriptor.StreamMode(LocalControlDescriptor.Mode.RECVONLY))),
                        new LocalDescriptor("\nv=0\nc=IN IP4 $\nm=audio $ RTP/AVP 0 18\na=fmtp:18 annexb=no\n"))));
        TopologyDescriptor topology = new TopologyDescriptor(List.of(
                new TopologyDescriptor.Triple(tid("line/17"), TerminationId.CHOOSE,
                        TopologyDescriptor.Direction.BOTHWAY, null),
                new TopologyDescriptor.Triple(tid("line/18"), tid("line/17"),
                        TopologyDescriptor.Direction.ONEWAY_EXTERNAL, 1)));
        ActionRequest action = new ActionRequest(ContextId.CHOOSE,
                List.of(new ContextProperty.Priority(3), new ContextProperty.Emergency(true), topology,
                        new ContextProperty.Ieps(false), prop("hf/cookie", "\"v1.abcdef\""), prop("hf/gen", "4"),
                        new ContextProperty.ContextList(List.of(ContextId.of(7), ContextId.of(8))),
                        new ContextProperty.Emergency(false)),
                List.of(new ContextAuditItem.Token(ContextAuditItem.Kind.TOPOLOGY),
                        new ContextAuditItem.Token(ContextAuditItem.Kind.EMERGENCY),
                        new ContextAuditItem.Token(ContextAuditItem.Kind.PRIORITY),
                        new ContextAuditItem.Token(ContextAuditItem.Kind.IEPS),
                        new ContextAuditItem.PackageProperty("hf/cookie")),
                List.of(cmd(addLine), new CommandRequest(addRtp, true, true)));
        return Message.of(3, MGC, new Transaction.Request(10002, List.of(action)));
    }

    /** v3 context audit with selection conditions, and a Move, a Subtract with audit, AuditValue/Capability. */
    public static Message auditsAndMove() {
        ActionRequest select = new ActionRequest(ContextId.ALL, List.of(), List.of(
                new ContextAuditItem.Select(new ContextProperty.Priority(5)),
                new ContextAuditItem.Select(new ContextProperty.Emergency(true)),
                new ContextAuditItem.Select(new ContextProperty.Ieps(true)),
                new ContextAuditItem.Select(prop("hf/gen", "4")),
                new ContextAuditItem.Select(new ContextProperty.ContextList(List.of(ContextId.of(1), ContextId.of(2)))),
                new ContextAuditItem.Logic(false),
                new ContextAuditItem.Logic(true)), List.of());
        Command.Amm move = new Command.Amm(Command.AmmVerb.MOVE, List.of(tid("line/18")), List.of(
                new EventsDescriptor(null, List.of()), new EventBufferDescriptor(List.of()),
                new SignalsDescriptor(List.of())));
        Command.Subtract subtract = new Command.Subtract(List.of(tid("rtp/00012")),
                AuditDescriptor.of(AuditDescriptor.Item.STATISTICS));
        Command.Subtract subtractAll = new Command.Subtract(List.of(TerminationId.ALL), null);
        Command.Audit auditValue = new Command.Audit(false, List.of(tid("line/*")), AuditDescriptor.of(
                AuditDescriptor.Item.MEDIA, AuditDescriptor.Item.EVENTS, AuditDescriptor.Item.SIGNALS,
                AuditDescriptor.Item.EVENT_BUFFER, AuditDescriptor.Item.DIGIT_MAP, AuditDescriptor.Item.STATISTICS,
                AuditDescriptor.Item.OBSERVED_EVENTS, AuditDescriptor.Item.PACKAGES, AuditDescriptor.Item.MUX,
                AuditDescriptor.Item.MODEM));
        Command.Audit auditCap = new Command.Audit(true, List.of(TerminationId.ROOT), AuditDescriptor.of());
        return Message.of(3, MGC, new Transaction.Request(10003, List.of(
                select,
                ActionRequest.of(ContextId.of(2), cmd(move), cmd(subtract)),
                ActionRequest.of(ContextId.NULL, cmd(subtractAll), cmd(auditValue), cmd(auditCap)))));
    }

    /** Off-hook and digits from a gateway identified by its domain name. */
    public static Message notifyDigits() {
        ObservedEventsDescriptor oe = new ObservedEventsDescriptor(RequestId.of(2223), List.of(
                new ObservedEventsDescriptor.ObservedEvent(new TimeStamp("20240611", "13050012"), "al/of",
                        List.of(prop("init", "false"))),
                new ObservedEventsDescriptor.ObservedEvent(new TimeStamp("20240611", "13050375"), "dd/ce",
                        List.of(prop("ds", "\"5551234\""), prop("Meth", "FM"), new StreamRef(1))),
                ObservedEventsDescriptor.ObservedEvent.of("g/sc")));
        Command.Notify notify = new Command.Notify(List.of(tid("line/17")), oe, null);
        Command.Notify notifyError = new Command.Notify(List.of(tid("line/18")), new ObservedEventsDescriptor(
                RequestId.of(2224), List.of(ObservedEventsDescriptor.ObservedEvent.of("al/on"))),
                ErrorDescriptor.of(ErrorDescriptor.NOT_READY, null));
        return Message.of(1, new MId.DomainName("mg17.example.net", null), new Transaction.Request(20001,
                List.of(ActionRequest.of(ContextId.of(1), cmd(notify), cmd(notifyError)))));
    }

    /** Replies to Notify, Add (with the SDP the MG chose) and an AuditValue returning every descriptor kind. */
    public static Message auditValueReply() {
        CommandReply.Audit audit = new CommandReply.Audit(false, false, List.of(tid("line/17")), List.of(
                MediaDescriptor.of(new TerminationStateDescriptor(List.of(
                        new TerminationStateDescriptor.ServiceStates(TerminationStateDescriptor.ServiceState.TEST),
                        new TerminationStateDescriptor.EventBufferControl(false)))),
                EventsDescriptor.of(2223, RequestedEvent.of("al/of")),
                SignalsDescriptor.of(),
                new DigitMapDescriptor("dialplan0", null),
                new AuditReturnItem(AuditDescriptor.Item.EVENT_BUFFER),
                new StatisticsDescriptor(List.of(new StatisticsDescriptor.Statistic("nt/dur", ParmValue.of("4200")))),
                new ObservedEventsDescriptor(RequestId.ALL, List.of(ObservedEventsDescriptor.ObservedEvent.of("al/on"))),
                new PackagesDescriptor(List.of(new PackagesDescriptor.Item("al", 1),
                        new PackagesDescriptor.Item("dd", 2), new PackagesDescriptor.Item("nt", 1))),
                new AuditReturnItem(AuditDescriptor.Item.MEDIA),
                new AuditReturnItem(AuditDescriptor.Item.OBSERVED_EVENTS),
                new ModemDescriptor(List.of("V18"), false, List.of()),
                new ModemDescriptor(List.of("V32b", "SynchISDN", "X-Foo"), true, List.of(prop("mod/speed", "2400"))),
                new MuxDescriptor("H221", List.of(tid("bchan/1"), tid("bchan/2"))),
                // v2: an auditReturnParameter may be an individual audit item
                new dev.holdfast.h248.message.IndAuditReturn(new dev.holdfast.h248.message.IndAuditParameter.Events(
                        null, "al/on")),
                new dev.holdfast.h248.message.IndAuditReturn(dev.holdfast.h248.message.IndAuditParameter.Media.of(
                        new dev.holdfast.h248.message.IndAuditParameter.Stream(1,
                                dev.holdfast.h248.message.IndAuditParameter.LocalControl.of(
                                        new dev.holdfast.h248.message.IndAuditParameter.Mode(null, null)))))), null);
        CommandReply.Audit contextAudit = new CommandReply.Audit(false, true,
                List.of(tid("line/17"), tid("rtp/00012")), List.of(), null);
        CommandReply.Audit contextAuditError = new CommandReply.Audit(true, true, List.of(), List.of(),
                ErrorDescriptor.of(ErrorDescriptor.UNKNOWN_CONTEXT_ID, "no such context"));
        CommandReply.Amms add = new CommandReply.Amms(CommandReply.AmmsVerb.ADD, List.of(tid("rtp/00012")),
                List.of(MediaDescriptor.of(new LocalDescriptor(LOCAL_SDP))));
        CommandReply.Amms addLine = new CommandReply.Amms(CommandReply.AmmsVerb.ADD, List.of(tid("line/17")),
                List.of());
        CommandReply.Notify notify = new CommandReply.Notify(List.of(tid("line/17")), null);
        return Message.of(2, MG, Transaction.Reply.of(10004, List.of(
                ActionReply.of(ContextId.of(1), notify, addLine, add),
                ActionReply.of(ContextId.NULL, audit),
                ActionReply.of(ContextId.ALL, contextAudit, contextAuditError))));
    }

    /** Subtract reply carrying the RTP statistics, and a v3 list of several termination ids. */
    public static Message subtractReply() {
        StatisticsDescriptor stats = new StatisticsDescriptor(List.of(
                new StatisticsDescriptor.Statistic("nt/os", ParmValue.of("62300")),
                new StatisticsDescriptor.Statistic("nt/or", ParmValue.of("62300")),
                new StatisticsDescriptor.Statistic("rtp/pl", ParmValue.of("0.01")),
                new StatisticsDescriptor.Statistic("rtp/jit", ParmValue.of("20")),
                new StatisticsDescriptor.Statistic("rtp/delay", ParmValue.of("40")),
                new StatisticsDescriptor.Statistic("nt/dur", null),
                new StatisticsDescriptor.Statistic("x/per", new ParmValue.AllOf(List.of("1", "2", "3")))));
        CommandReply.Amms subtract = new CommandReply.Amms(CommandReply.AmmsVerb.SUBTRACT,
                List.of(tid("rtp/00012")), List.of(stats));
        CommandReply.Amms subtractMany = new CommandReply.Amms(CommandReply.AmmsVerb.SUBTRACT,
                List.of(tid("line/17"), tid("line/18")), List.of());
        CommandReply.Amms modify = new CommandReply.Amms(CommandReply.AmmsVerb.MODIFY, List.of(tid("line/19")),
                List.of(MediaDescriptor.of(new StreamDescriptor(1, List.of(stats)))));
        CommandReply.Amms move = new CommandReply.Amms(CommandReply.AmmsVerb.MOVE, List.of(tid("line/18")),
                List.of());
        return Message.of(3, MG, Transaction.Reply.of(10005, List.of(
                ActionReply.of(ContextId.of(1), subtract, subtractMany),
                ActionReply.of(ContextId.of(2), modify, move))));
    }

    /** Error replies at every level, an ImmAckRequired reply, a pending and a response ack. */
    public static Message errorsPendingAck() {
        Transaction.Reply transactionError = Transaction.Reply.error(10006,
                ErrorDescriptor.of(ErrorDescriptor.SYNTAX_ERROR_IN_TRANSACTION, "Syntax error in transaction"));
        ActionReply actionError = new ActionReply(ContextId.of(7), List.of(), List.of(),
                ErrorDescriptor.of(ErrorDescriptor.UNKNOWN_CONTEXT_ID, null));
        ActionReply commandError = new ActionReply(ContextId.of(8), List.of(), List.of(
                new CommandReply.Amms(CommandReply.AmmsVerb.ADD, List.of(tid("line/99")),
                        List.of(ErrorDescriptor.of(ErrorDescriptor.UNKNOWN_TERMINATION_ID, "line/99")))),
                ErrorDescriptor.of(ErrorDescriptor.INTERNAL_GATEWAY_ERROR, null));
        ActionReply scError = ActionReply.of(ContextId.NULL, new CommandReply.ServiceChange(
                List.of(TerminationId.ROOT), ErrorDescriptor.of(ErrorDescriptor.UNAUTHORIZED, "Unauthorized"), List.of()));
        ActionReply empty = new ActionReply(ContextId.of(9), List.of(), List.of(), null);
        Transaction.Reply replies = new Transaction.Reply(10007, null, false, true, null,
                List.of(actionError, commandError, scError, empty));
        return Message.of(2, MG, transactionError, replies, new Transaction.Pending(10008),
                new Transaction.ResponseAck(List.of(Transaction.AckRange.of(9998), new Transaction.AckRange(10001, 10003))));
    }

    /** A message-level error, sent when a message cannot be parsed at all. */
    public static Message messageError() {
        return new Message(null, 1, MG, new MessageBody.Error(
                ErrorDescriptor.of(ErrorDescriptor.BAD_REQUEST, "Syntax error in message")));
    }

    /** v3 segmented reply, segment confirmations, IPv6/MTP/device mIds and an authentication header. */
    public static Message segmentsV3() {
        Transaction.Reply seg1 = new Transaction.Reply(10010, 1, false, false, null,
                List.of(ActionReply.of(ContextId.of(1), new CommandReply.Notify(List.of(tid("line/1")), null))));
        Transaction.Reply seg2 = new Transaction.Reply(10010, 2, true, false, null,
                List.of(ActionReply.of(ContextId.of(2), new CommandReply.ServiceChange(List.of(tid("line/2")),
                        null, List.of(new ServiceChangeParm.Address(MId.ipv4("192.0.2.9", null), null))))));
        return new Message(new Message.AuthenticationHeader("0x01020304", "0x00000001",
                "0x000102030405060708090a0b"), 3, new MId.IpAddress("2001:db8::20", true, 2944),
                new MessageBody.Transactions(List.of(seg1, new Transaction.SegmentReply(10011, 1, false),
                        new Transaction.SegmentReply(10011, 2, true), seg2)));
    }

    public static Message serviceChangeOtherMids() {
        Command.ServiceChange mtp = new Command.ServiceChange(List.of(tid("trunk/*")), List.of(
                ServiceChangeParm.Method.of(ServiceChangeParm.MethodKind.FORCED),
                new ServiceChangeParm.Reason("\"905 Termination taken out of service\""),
                new ServiceChangeParm.MgcIdToTry(new MId.MtpAddress("0A1B")),
                new ServiceChangeParm.AuditItem(AuditDescriptor.Item.MEDIA),
                new ServiceChangeParm.Incomplete()));
        Command.ServiceChange ext = new Command.ServiceChange(List.of(tid("trunk/1")), List.of(
                new ServiceChangeParm.Method(ServiceChangeParm.MethodKind.EXTENSION, "X-Quiet"),
                new ServiceChangeParm.Reason("\"900 Service Restored\""),
                new ServiceChangeParm.Address(new MId.DeviceName("mg/17"), null)));
        return Message.of(1, new MId.DeviceName("gw17"), new Transaction.Request(1, List.of(
                ActionRequest.of(ContextId.NULL, mtp, ext))));
    }

    /** Parameter values of every shape. */
    public static Message parmValues() {
        Command.Amm modify = new Command.Amm(Command.AmmVerb.MODIFY, List.of(tid("line/17")), List.of(
                MediaDescriptor.of(new TerminationStateDescriptor(List.of(
                        prop("a/b", "1"),
                        new PropertyParm("a/gt", new ParmValue.Single(ParmValue.Relation.GREATER, "2")),
                        new PropertyParm("a/lt", new ParmValue.Single(ParmValue.Relation.LESS, "3")),
                        new PropertyParm("a/ne", new ParmValue.Single(ParmValue.Relation.NOT_EQUAL, "4")),
                        new PropertyParm("a/all", new ParmValue.AllOf(List.of("5", "6"))),
                        new PropertyParm("a/one", new ParmValue.OneOf(List.of("\"x y\"", "7"))),
                        new PropertyParm("a/range", new ParmValue.Range("8", "9")))))));
        return Message.of(1, MGC, new Transaction.Request(3, List.of(ActionRequest.of(ContextId.of(4), modify))));
    }

    /**
     * v2 individual audit (only what the v2 ABNF has): one property, event, signal, statistic or package per item,
     * after a descriptor token (Erlang/OTP megaco rejects a token after an individual audit item).
     */
    public static Message individualAuditsV2() {
        Command.Audit mode = new Command.Audit(false, List.of(tid("line/17")), AuditDescriptor.of(
                IndAuditParameter.Media.of(new IndAuditParameter.Stream(1,
                        IndAuditParameter.LocalControl.of(IndAuditParameter.Mode.audit())))));
        Command.Audit several = new Command.Audit(false, List.of(tid("line/18")), AuditDescriptor.of(
                AuditDescriptor.Item.EVENTS,
                IndAuditParameter.Media.of(new IndAuditParameter.TerminationState(
                        IndAuditParameter.ServiceStates.audit())),
                IndAuditParameter.Media.of(IndAuditParameter.LocalControl.of(new IndAuditParameter.ReservedGroup())),
                new IndAuditParameter.Events(RequestId.of(7), "al/on"),
                new IndAuditParameter.Signals(new IndAuditParameter.SignalList(3, IndAuditParameter.Signal.of("cg/rt"))),
                new IndAuditParameter.DigitMap("dialplan0"),
                new IndAuditParameter.EventBuffer("g/x", 2, null),
                new IndAuditParameter.Statistics("nt/dur"),
                new IndAuditParameter.Packages("nt", 1)));
        Command.Audit cap = new Command.Audit(true, List.of(tid("line/19")), AuditDescriptor.of(
                IndAuditParameter.Media.of(new IndAuditParameter.TerminationState(new IndAuditParameter.Buffer())),
                new IndAuditParameter.Signals(IndAuditParameter.Signal.of("al/ri")),
                new IndAuditParameter.EventBuffer("dd/ce", null, "ds")));
        return Message.of(2, MGC, new Transaction.Request(10020, List.of(
                ActionRequest.of(ContextId.NULL, cmd(mode), cmd(several), cmd(cap)))));
    }

    /**
     * v3 individual audit: several parameters in one Media and LocalControl, Local, Remote and Statistics per
     * stream, selections (Mode = SendReceive, ServiceStates # Test, a property value), Events without RequestID,
     * empty Signals, a SignalList without a signal, a signal's Stream and RequestID; in AuditValue,
     * AuditCapability, Subtract and Modify.
     */
    public static Message individualAudits() {
        Command.Audit streams = new Command.Audit(false, List.of(tid("line/17")), AuditDescriptor.of(
                IndAuditParameter.Media.of(
                        new IndAuditParameter.TerminationState(new IndAuditParameter.Property("tdmc/ec")),
                        new IndAuditParameter.Stream(1, IndAuditParameter.LocalControl.of(
                                IndAuditParameter.Mode.audit(), new IndAuditParameter.ReservedValue(),
                                new IndAuditParameter.ReservedGroup(), new IndAuditParameter.Property("nt/jit"))),
                        new IndAuditParameter.Stream(2, new IndAuditParameter.Statistics("nt/os")),
                        new IndAuditParameter.Stream(3, new IndAuditParameter.Local("m=audio $ RTP/AVP $")),
                        new IndAuditParameter.Stream(4, new IndAuditParameter.Remote("c=IN IP4 $")))));
        Command.Audit select = new Command.Audit(false, List.of(TerminationId.ALL), AuditDescriptor.of(
                IndAuditParameter.Media.of(
                        new IndAuditParameter.TerminationState(new IndAuditParameter.ServiceStates(
                                ParmValue.Relation.NOT_EQUAL, TerminationStateDescriptor.ServiceState.TEST)),
                        IndAuditParameter.LocalControl.of(
                                new IndAuditParameter.Mode(ParmValue.Relation.EQUAL, LocalControlDescriptor.Mode.SENDRECV),
                                prop("tdmc/ec", "on"))),
                IndAuditParameter.Media.of(new IndAuditParameter.TerminationState(prop("al/hs", "on")))));
        Command.Audit cap = new Command.Audit(true, List.of(TerminationId.ROOT), AuditDescriptor.of(
                new IndAuditParameter.Events(null, "al/of"),
                new IndAuditParameter.Events(RequestId.ALL, "dd/*"),
                new IndAuditParameter.Signals(null),
                new IndAuditParameter.Signals(new IndAuditParameter.Signal("cg/rt", 1, RequestId.of(5))),
                new IndAuditParameter.Signals(new IndAuditParameter.SignalList(4, null)),
                IndAuditParameter.EventBuffer.of("al/of"),
                AuditDescriptor.Item.PACKAGES));
        Command.Subtract subtract = new Command.Subtract(List.of(tid("rtp/00012")), AuditDescriptor.of(
                new IndAuditParameter.Statistics("rtp/ps"), new IndAuditParameter.Statistics("rtp/pr")));
        Command.Amm modify = new Command.Amm(Command.AmmVerb.MODIFY, List.of(tid("line/18")), List.of(
                AuditDescriptor.of(IndAuditParameter.Media.of(new IndAuditParameter.TerminationState(
                        new IndAuditParameter.ServiceStates(ParmValue.Relation.EQUAL,
                                TerminationStateDescriptor.ServiceState.IN_SERVICE))))));
        return Message.of(3, MGC, new Transaction.Request(10021, List.of(
                ActionRequest.of(ContextId.NULL, cmd(streams), cmd(select), cmd(cap)),
                ActionRequest.of(ContextId.of(5), cmd(subtract), cmd(modify)))));
    }

    /**
     * v2 ServiceChange announcing changed capabilities, with audit items (a token, then individual ones) in
     * Services. (Tokens first: Erlang/OTP megaco rejects a token after an individual audit item.)
     */
    public static Message capabilityChange() {
        Command.ServiceChange sc = new Command.ServiceChange(List.of(TerminationId.ROOT), List.of(
                ServiceChangeParm.Method.of(ServiceChangeParm.MethodKind.RESTART),
                new ServiceChangeParm.Reason("\"917 Capability Change\""),
                new ServiceChangeParm.AuditItem(AuditDescriptor.Item.EVENTS),
                new ServiceChangeParm.AuditItem(new IndAuditParameter.Packages("tdmc", 1)),
                new ServiceChangeParm.AuditItem(IndAuditParameter.Media.of(new IndAuditParameter.Stream(1,
                        IndAuditParameter.LocalControl.of(IndAuditParameter.Mode.audit()))))));
        return Message.of(2, MG, new Transaction.Request(9999, List.of(ActionRequest.of(ContextId.NULL, sc))));
    }

    public static List<Message> all() {
        return List.of(serviceChangeRestart(), serviceChangeReply(), modifyLine(), addChoose(), auditsAndMove(),
                notifyDigits(), auditValueReply(), subtractReply(), errorsPendingAck(), messageError(),
                segmentsV3(), serviceChangeOtherMids(), parmValues(), individualAuditsV2(), individualAudits(),
                capabilityChange());
    }
}
