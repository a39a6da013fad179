package dev.holdfast.h248.text;

import dev.holdfast.h248.message.AuditDescriptor;
import dev.holdfast.h248.message.DigitMapDescriptor;
import dev.holdfast.h248.message.DigitMapValue;
import dev.holdfast.h248.message.ErrorDescriptor;
import dev.holdfast.h248.message.EventBufferDescriptor;
import dev.holdfast.h248.message.EventParameter;
import dev.holdfast.h248.message.EventsDescriptor;
import dev.holdfast.h248.message.KeepActive;
import dev.holdfast.h248.message.LocalControlDescriptor;
import dev.holdfast.h248.message.LocalDescriptor;
import dev.holdfast.h248.message.MediaDescriptor;
import dev.holdfast.h248.message.ModemDescriptor;
import dev.holdfast.h248.message.MuxDescriptor;
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
import dev.holdfast.h248.message.StreamRef;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.TerminationStateDescriptor;
import dev.holdfast.h248.message.TimeStamp;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.holdfast.h248.text.Decode.descriptor;
import static dev.holdfast.h248.text.Decode.descriptors;
import static dev.holdfast.h248.text.Decode.error;
import static dev.holdfast.h248.text.Decode.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each descriptor of the model, as an ammParameter (or where the ABNF puts it). */
class DescriptorParserTest {

    @Test
    void mediaWithTerminationStateAndStreams() {
        MediaDescriptor m = (MediaDescriptor) descriptor("Media { TerminationState { ServiceStates = OutOfService,"
                + " Buffer = LockStep, tdmc/ec = on }, Stream = 1 { LocalControl { Mode = SendOnly,"
                + " ReservedValue = ON, ReservedGroup = off, nt/jit > 40 } }, Stream = 2 { O { MO = LB } } }");
        assertEquals(MediaDescriptor.of(
                new TerminationStateDescriptor(List.of(
                        new TerminationStateDescriptor.ServiceStates(TerminationStateDescriptor.ServiceState.OUT_OF_SERVICE),
                        new TerminationStateDescriptor.EventBufferControl(true),
                        PropertyParm.of("tdmc/ec", "on"))),
                new StreamDescriptor(1, List.of(new LocalControlDescriptor(List.of(
                        new LocalControlDescriptor.StreamMode(LocalControlDescriptor.Mode.SENDONLY),
                        new LocalControlDescriptor.ReservedValue(true),
                        new LocalControlDescriptor.ReservedGroup(false),
                        new PropertyParm("nt/jit", new ParmValue.Single(ParmValue.Relation.GREATER, "40")))))),
                new StreamDescriptor(2, List.of(new LocalControlDescriptor(List.of(
                        new LocalControlDescriptor.StreamMode(LocalControlDescriptor.Mode.LOOPBACK)))))), m);
    }

    @Test
    void everyStreamMode() {
        String[][] modes = {{"SendOnly", "SENDONLY"}, {"RC", "RECVONLY"}, {"sendreceive", "SENDRECV"},
                {"IN", "INACTIVE"}, {"Loopback", "LOOPBACK"}};
        for (String[] m : modes) {
            MediaDescriptor d = (MediaDescriptor) descriptor("M{O{MO=" + m[0] + "}}");
            assertEquals(LocalControlDescriptor.Mode.valueOf(m[1]), ((LocalControlDescriptor) d.parms().get(0)).mode());
        }
    }

    @Test
    void streamParmsDirectlyInMediaIncludingV3Statistics() {
        MediaDescriptor m = (MediaDescriptor) descriptor("M{L{v=0},R{v=0},O{MO=IN},SA{rtp/ps=3},TS{BF=OFF}}");
        assertEquals(MediaDescriptor.of(new LocalDescriptor("v=0"), new RemoteDescriptor("v=0"),
                new LocalControlDescriptor(List.of(new LocalControlDescriptor.StreamMode(
                        LocalControlDescriptor.Mode.INACTIVE))),
                new StatisticsDescriptor(List.of(new StatisticsDescriptor.Statistic("rtp/ps", ParmValue.of("3")))),
                new TerminationStateDescriptor(List.of(new TerminationStateDescriptor.EventBufferControl(false)))), m);
    }

    @Test
    void propertyValueForms() {
        LocalControlDescriptor lc = (LocalControlDescriptor) ((MediaDescriptor) descriptor(
                "M{O{a/b=1, a/c<2, a/d#x, a/e=[1,2 ,3], a/f={x, \"y z\"}, a/g=[1:9], a/h = \"quoted, with }\","
                        + " a/i=0x1F, a/j=-5, */*=*, a/*=$}}")).parms().get(0);
        assertEquals(List.of(
                PropertyParm.of("a/b", "1"),
                new PropertyParm("a/c", new ParmValue.Single(ParmValue.Relation.LESS, "2")),
                new PropertyParm("a/d", new ParmValue.Single(ParmValue.Relation.NOT_EQUAL, "x")),
                new PropertyParm("a/e", new ParmValue.AllOf(List.of("1", "2", "3"))),
                new PropertyParm("a/f", new ParmValue.OneOf(List.of("x", "\"y z\""))),
                new PropertyParm("a/g", new ParmValue.Range("1", "9")),
                PropertyParm.of("a/h", "\"quoted, with }\""),
                PropertyParm.of("a/i", "0x1F"),
                PropertyParm.of("a/j", "-5"),
                PropertyParm.of("*/*", "*"),
                PropertyParm.of("a/*", "$")), lc.parms());
    }

    @Test
    void modemBothForms() {
        assertEquals(new ModemDescriptor(List.of("V34"), false, List.of()), descriptor("Modem = V34"));
        assertEquals(new ModemDescriptor(List.of("V18", "V22b", "SynchISDN", "X-Mod1"), true,
                List.of(PropertyParm.of("mp/x", "1"))), descriptor("MD[V18, v22b ,SN,X-Mod1]{mp/x=1}"));
    }

    @Test
    void mux() {
        assertEquals(new MuxDescriptor("H221", List.of(TerminationId.of("b1"), TerminationId.of("b2"))),
                descriptor("Mux = H221 { b1, b2 }"));
        assertEquals(new MuxDescriptor("Nx64Kservice", List.of(TerminationId.of("b1"))), descriptor("MX=N64{b1}"));
        assertEquals(new MuxDescriptor("X+Mx", List.of(TerminationId.of("b1"))), descriptor("MX=X+Mx{b1}"));
    }

    @Test
    void eventsBareAndWithEveryParameter() {
        assertEquals(new EventsDescriptor(null, List.of()), descriptor("Events"));
        EventsDescriptor e = (EventsDescriptor) descriptor("Events = 12 { al/of { strict = state, KeepActive,"
                + " Stream = 2, DigitMap = dp1 }, dd/ce { DigitMap = { T:10, (0|1x) } },"
                + " al/on { Embed { Signals { cg/rt }, Events = 13 { al/on { KA, DM = dp2, Embed { SG { cg/bt } } } } } },"
                + " al/fl { Embed { Events } }, g/x { NeverNotify, ResetEventsDescriptor },"
                + " g/y { ImmediateNotify }, g/z { RegulatedNotify { Embed { Signals { x/y } } } }, g/w { NBRN } }");
        assertEquals(RequestId.of(12), e.requestId());
        assertEquals(List.of(
                RequestedEvent.of("al/of", PropertyParm.of("strict", "state"), KeepActive.INSTANCE, new StreamRef(2),
                        new EventParameter.EventDigitMap("dp1", null)),
                RequestedEvent.of("dd/ce", new EventParameter.EventDigitMap(null,
                        new DigitMapValue(10, null, null, null, "(0|1x)"))),
                RequestedEvent.of("al/on", new EventParameter.Embed(SignalsDescriptor.of(SignalParm.Request.of("cg/rt")),
                        EventsDescriptor.of(13, RequestedEvent.of("al/on", KeepActive.INSTANCE,
                                new EventParameter.EventDigitMap("dp2", null),
                                new EventParameter.Embed(SignalsDescriptor.of(SignalParm.Request.of("cg/bt")), null))))),
                RequestedEvent.of("al/fl", new EventParameter.Embed(null, new EventsDescriptor(null, List.of()))),
                RequestedEvent.of("g/x", new EventParameter.NotifyBehaviour(EventParameter.NotifyBehaviourKind.NEVER, null),
                        new EventParameter.ResetEventsDescriptor()),
                RequestedEvent.of("g/y", new EventParameter.NotifyBehaviour(EventParameter.NotifyBehaviourKind.IMMEDIATE,
                        null)),
                RequestedEvent.of("g/z", new EventParameter.NotifyBehaviour(EventParameter.NotifyBehaviourKind.REGULATED,
                        new EventParameter.Embed(SignalsDescriptor.of(SignalParm.Request.of("x/y")), null))),
                RequestedEvent.of("g/w", new EventParameter.NotifyBehaviour(
                        EventParameter.NotifyBehaviourKind.REGULATED, null))), e.events());
    }

    @Test
    void tokenSpelledParameterWithAValueIsAPackageParameter() {
        // "KA = 1" cannot be the KeepActive token (it takes no value): it is the event parameter named KA
        EventsDescriptor e = (EventsDescriptor) descriptor("E=1{x/y{KA=1, ST=3}}");
        assertEquals(List.of(RequestedEvent.of("x/y", PropertyParm.of("KA", "1"), new StreamRef(3))), e.events());
    }

    @Test
    void embeddedEventMayOnlyEmbedSignals() {
        SyntaxError e = error(request("MF=t1{E=1{a/b{EM{E=2{c/d{EM{E=3{e/f}}}}}}}}"));
        assertEquals("expected 'Signals' after 'EM{' but found 'E'", e.reason());
    }

    @Test
    void signalsEmptyBareAndWithEveryParameter() {
        assertEquals(SignalsDescriptor.of(), descriptor("Signals { }"));
        assertEquals(SignalsDescriptor.of(), descriptor("Signals"));
        SignalsDescriptor s = (SignalsDescriptor) descriptor("Signals { cg/rt { Stream = 1, SignalType = OnOff,"
                + " Duration = 300, NotifyCompletion = { TimeOut, IntByEvent, IntBySigDescr, OtherReason, Iteration },"
                + " KeepActive, SPADirection = External, SPARequestID = 7, Intersignal = 20, vol = -3 },"
                + " an/apf { SY = TO, DI = 1, RQ = *, SPAIS = 5, SPADI = Both }, x/y { SY = BR, SPADI = IT },"
                + " SL = 4 { x/a, x/b { DR = 2 } } }");
        assertEquals(List.of(
                SignalParm.Request.of("cg/rt", new StreamRef(1),
                        new SignalParameter.Type(SignalParameter.SignalType.ON_OFF),
                        new SignalParameter.Duration(300),
                        new SignalParameter.NotifyCompletion(List.of(SignalParameter.NotificationReason.TIME_OUT,
                                SignalParameter.NotificationReason.INTERRUPTED_BY_EVENT,
                                SignalParameter.NotificationReason.INTERRUPTED_BY_NEW_SIGNALS_DESCRIPTOR,
                                SignalParameter.NotificationReason.OTHER_REASON,
                                SignalParameter.NotificationReason.ITERATION)),
                        KeepActive.INSTANCE,
                        new SignalParameter.Direction(SignalParameter.DirectionKind.EXTERNAL),
                        new SignalParameter.SignalRequestId(RequestId.of(7)),
                        new SignalParameter.IntersignalDelay(20),
                        PropertyParm.of("vol", "-3")),
                SignalParm.Request.of("an/apf", new SignalParameter.Type(SignalParameter.SignalType.TIME_OUT),
                        PropertyParm.of("DI", "1"),
                        new SignalParameter.SignalRequestId(RequestId.ALL),
                        new SignalParameter.IntersignalDelay(5),
                        new SignalParameter.Direction(SignalParameter.DirectionKind.BOTH)),
                SignalParm.Request.of("x/y", new SignalParameter.Type(SignalParameter.SignalType.BRIEF),
                        new SignalParameter.Direction(SignalParameter.DirectionKind.INTERNAL)),
                new SignalParm.SignalList(4, List.of(SignalParm.Request.of("x/a"),
                        SignalParm.Request.of("x/b", new SignalParameter.Duration(2))))), s.signals());
    }

    @Test
    void digitMapDescriptorForms() {
        assertEquals(new DigitMapDescriptor("dp1", null), descriptor("DigitMap = dp1"));
        assertEquals(new DigitMapDescriptor(null, DigitMapValue.of("(0|00|[1-7]xxx|8xxxxxxx|Fxxxxxxx|Exx|91xxxxxxxxxx|9011x.)")),
                descriptor("DM={(0|00|[1-7]xxx|8xxxxxxx|Fxxxxxxx|Exx|91xxxxxxxxxx|9011x.)}"));
        assertEquals(new DigitMapDescriptor("Dialplan0", new DigitMapValue(5, 4, 16, 3, "xxxx")),
                descriptor("DigitMap = Dialplan0 { T:5, S:4, L:16, Z:3, xxxx }"));
    }

    @Test
    void eventBuffer() {
        assertEquals(new EventBufferDescriptor(List.of()), descriptor("EventBuffer"));
        assertEquals(new EventBufferDescriptor(List.of(
                new EventBufferDescriptor.EventSpec("al/of", List.of()),
                new EventBufferDescriptor.EventSpec("g/x", List.of(new StreamRef(1), PropertyParm.of("p", "\"v\""))))),
                descriptor("EB { al/of, g/x { ST = 1, p = \"v\" } }"));
    }

    @Test
    void auditStatisticsInAmm() {
        List<?> d = descriptors("Audit { }, Statistics { nt/os, nt/dur = 40, rtp/x [1, 2], rtp/y = [3] }");
        assertEquals(AuditDescriptor.of(), d.get(0));
        assertEquals(new StatisticsDescriptor(List.of(
                new StatisticsDescriptor.Statistic("nt/os", null),
                new StatisticsDescriptor.Statistic("nt/dur", ParmValue.of("40")),
                new StatisticsDescriptor.Statistic("rtp/x", new ParmValue.AllOf(List.of("1", "2"))),
                new StatisticsDescriptor.Statistic("rtp/y", new ParmValue.AllOf(List.of("3"))))), d.get(1));
    }

    @Test
    void observedEventsInANotify() {
        ObservedEventsDescriptor oe = ((dev.holdfast.h248.message.Command.Notify) Decode.command(
                "N=t1{OE=2223{19990729T22010001:dd/ce{ds=\"916135551212\",Meth=UM}, 19990729T22010002 : g/x {"
                        + " Stream = 2 }, al/on}}")).observedEvents();
        assertEquals(List.of(
                new ObservedEventsDescriptor.ObservedEvent(new TimeStamp("19990729", "22010001"), "dd/ce",
                        List.of(PropertyParm.of("ds", "\"916135551212\""), PropertyParm.of("Meth", "UM"))),
                new ObservedEventsDescriptor.ObservedEvent(new TimeStamp("19990729", "22010002"), "g/x",
                        List.of(new StreamRef(2))),
                ObservedEventsDescriptor.ObservedEvent.of("al/on")), oe.events());
    }

    @Test
    void packagesAndErrorInAReply() {
        List<?> audit = ((dev.holdfast.h248.message.CommandReply.Audit) Decode.commandReply(
                "AV=t1{PG{nt-1,rtp-2, g-65535},ER=510{\"unknown package\"},ER=400{}}")).terminationAudit();
        assertEquals(new PackagesDescriptor(List.of(new PackagesDescriptor.Item("nt", 1),
                new PackagesDescriptor.Item("rtp", 2), new PackagesDescriptor.Item("g", 65535))), audit.get(0));
        assertEquals(ErrorDescriptor.of(510, "unknown package"), audit.get(1));
        assertEquals(ErrorDescriptor.of(400, null), audit.get(2));
    }

    @Test
    void unknownDescriptorInModify() {
        String text = request("Modify = A4444 { Medai { } }");
        SyntaxError e = error(text);
        assertEquals("unknown descriptor 'Medai' in Modify", e.reason());
        assertEquals(text.indexOf("Medai"), e.offset());
    }

    @Test
    void auditItemWithoutAnIndividualFormTakesNoBraces() {
        // the individual audit itself is covered by IndividualAuditParserTest
        String text = request("AV=t1{AT{M,MX{a}}}");
        SyntaxError e = error(text);
        assertEquals("'MX' cannot be audited individually (an individual audit is Media, Events, Signals, DigitMap,"
                + " EventBuffer, Statistics or Packages) in Audit", e.reason());
        assertEquals(text.indexOf("MX"), e.offset());
    }

    @Test
    void streamIdOutOfRange() {
        assertEquals("a stream id 65536 is out of range (0..65535)",
                error(request("MF=t{M{ST=65536{O{MO=SR}}}}")).reason());
    }

    @Test
    void localControlNeedsAKnownParameter() {
        assertEquals("unknown parameter 'Mod' in LocalControl", error(request("MF=t{M{O{Mod=SR}}}")).reason());
        assertEquals("expected a stream mode (SendOnly, ReceiveOnly, SendReceive, Inactive or Loopback) after"
                + " 'MO=' but found 'SendRecv'", error(request("MF=t{M{O{MO=SendRecv}}}")).reason());
    }
}
