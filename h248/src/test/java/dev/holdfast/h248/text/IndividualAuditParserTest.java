package dev.holdfast.h248.text;

import dev.holdfast.h248.message.AuditDescriptor;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.IndAuditParameter;
import dev.holdfast.h248.message.IndAuditParameter.Buffer;
import dev.holdfast.h248.message.IndAuditParameter.DigitMap;
import dev.holdfast.h248.message.IndAuditParameter.EventBuffer;
import dev.holdfast.h248.message.IndAuditParameter.Events;
import dev.holdfast.h248.message.IndAuditParameter.Local;
import dev.holdfast.h248.message.IndAuditParameter.LocalControl;
import dev.holdfast.h248.message.IndAuditParameter.Media;
import dev.holdfast.h248.message.IndAuditParameter.Mode;
import dev.holdfast.h248.message.IndAuditParameter.Packages;
import dev.holdfast.h248.message.IndAuditParameter.Property;
import dev.holdfast.h248.message.IndAuditParameter.Remote;
import dev.holdfast.h248.message.IndAuditParameter.ReservedGroup;
import dev.holdfast.h248.message.IndAuditParameter.ReservedValue;
import dev.holdfast.h248.message.IndAuditParameter.ServiceStates;
import dev.holdfast.h248.message.IndAuditParameter.Signal;
import dev.holdfast.h248.message.IndAuditParameter.SignalList;
import dev.holdfast.h248.message.IndAuditParameter.Signals;
import dev.holdfast.h248.message.IndAuditParameter.Statistics;
import dev.holdfast.h248.message.IndAuditParameter.Stream;
import dev.holdfast.h248.message.IndAuditParameter.TerminationState;
import dev.holdfast.h248.message.LocalControlDescriptor;
import dev.holdfast.h248.message.ParmValue;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.RequestId;
import dev.holdfast.h248.message.ServiceChangeParm;
import dev.holdfast.h248.message.TerminationStateDescriptor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.holdfast.h248.text.Decode.command;
import static dev.holdfast.h248.text.Decode.descriptor;
import static dev.holdfast.h248.text.Decode.error;
import static dev.holdfast.h248.text.Decode.request;
import static dev.holdfast.h248.text.Decode.strictError;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The v2/v3 individual audit (H.248.1 Annex B: auditItem = ... / indAudterminationAudit, and the indAud* rules
 * below it), each rule in the long and the short token spelling. Every text here must decode strictly and leniently
 * alike with no deviation ({@link Decode#ok}); the error cases show the ABNF is kept.
 */
class IndividualAuditParserTest {

    /** The items of {@code AuditValue = t1 { Audit { items } }}. */
    private static List<AuditDescriptor.AuditItem> audit(String items) {
        return ((Command.Audit) command("AuditValue = t1 { Audit { " + items + " } }")).audit().items();
    }

    /** The long and the short spelling decode to the same items, which are {@code expected}. */
    private static void assertAudit(List<?> expected, String longForm, String shortForm) {
        assertEquals(expected, audit(longForm), longForm);
        assertEquals(expected, audit(shortForm), shortForm);
    }

    private static void assertAudit(AuditDescriptor.AuditItem expected, String longForm, String shortForm) {
        assertAudit(List.of(expected), longForm, shortForm);
    }

    private static Media streamOneLocalControl(IndAuditParameter.LocalParm... parms) {
        return Media.of(new Stream(1, LocalControl.of(parms)));
    }

    // ---------------------------------------------------------------- auditItem

    @Test
    void descriptorTokensStayTheTokenForm() {
        assertAudit(List.of(AuditDescriptor.Item.MEDIA, AuditDescriptor.Item.EVENTS, AuditDescriptor.Item.SIGNALS,
                        AuditDescriptor.Item.DIGIT_MAP, AuditDescriptor.Item.EVENT_BUFFER,
                        AuditDescriptor.Item.STATISTICS, AuditDescriptor.Item.PACKAGES),
                "Media, Events, Signals, DigitMap, EventBuffer, Statistics, Packages", "M,E,SG,DM,EB,SA,PG");
    }

    /** indAudterminationAudit is a comma list of its own; its items and the tokens alternate freely, in order. */
    @Test
    void tokensAndIndividualParametersMixInWireOrder() {
        assertAudit(List.of(Media.of(new TerminationState(ServiceStates.audit())), AuditDescriptor.Item.EVENTS,
                        new Packages("nt", 1), new Statistics("nt/os"), AuditDescriptor.Item.OBSERVED_EVENTS),
                "Media { TerminationState { ServiceStates } }, Events, Packages { nt-1 }, Statistics { nt/os },"
                        + " ObservedEvents",
                "M{TS{SI}},E,PG{nt-1},SA{nt/os},OE");
    }

    /** AuditItem.descriptor(): the descriptor a token or an individual audit parameter belongs to. */
    @Test
    void eachItemNamesTheDescriptorItAudits() {
        List<AuditDescriptor.AuditItem> items = audit("M, M{O{MO}}, E=1{al/on}, SG{}, DM=x, EB{al/on}, SA{nt/os},"
                + " PG{nt-1}, OE");
        assertEquals(List.of(AuditDescriptor.Item.MEDIA, AuditDescriptor.Item.MEDIA, AuditDescriptor.Item.EVENTS,
                        AuditDescriptor.Item.SIGNALS, AuditDescriptor.Item.DIGIT_MAP, AuditDescriptor.Item.EVENT_BUFFER,
                        AuditDescriptor.Item.STATISTICS, AuditDescriptor.Item.PACKAGES,
                        AuditDescriptor.Item.OBSERVED_EVENTS),
                items.stream().map(AuditDescriptor.AuditItem::descriptor).toList());
    }

    // ---------------------------------------------------------------- indAudmediaDescriptor

    /** The v2 classic: the stream mode of stream 1. */
    @Test
    void modeOfAStream() {
        assertAudit(streamOneLocalControl(Mode.audit()),
                "Media { Stream = 1 { LocalControl { Mode } } }", "M{ST=1{O{MO}}}");
    }

    /** indAudstreamParm directly in Media (single-stream termination). */
    @Test
    void localControlDirectlyInMedia() {
        assertAudit(Media.of(LocalControl.of(new ReservedGroup())),
                "Media { LocalControl { ReservedGroup } }", "M{O{RG}}");
    }

    /**
     * v3: several indAudmediaParm (streamParms or Stream descriptors, "but not both", a comment the decoder does not
     * enforce), and Statistics, Local and Remote as indAudstreamParm.
     */
    @Test
    void v3MediaWithSeveralParmsAndEveryStreamParm() {
        assertAudit(List.of(Media.of(new TerminationState(new Buffer()), new Stream(1, LocalControl.of(Mode.audit())),
                                new Stream(2, new Statistics("nt/os")), new Stream(3, new Local("v=0")),
                                new Stream(4, new Remote(""))),
                        Media.of(new Statistics("rtp/ps"), new Local("v=0"), LocalControl.of(new ReservedValue()))),
                "Media { TerminationState { Buffer }, Stream = 1 { LocalControl { Mode } }, Stream = 2 { Statistics"
                        + " { nt/os } }, Stream = 3 { Local {v=0} }, Stream = 4 { Remote {} } }, Media { Statistics {"
                        + " rtp/ps }, Local {v=0}, LocalControl { ReservedValue } }",
                "M{TS{BF},ST=1{O{MO}},ST=2{SA{nt/os}},ST=3{L{v=0}},ST=4{R{}}},M{SA{rtp/ps},L{v=0},O{RV}}");
    }

    /** The octetString of an audited Local/Remote is kept verbatim, line breaks and escaped braces included. */
    @Test
    void auditedLocalKeepsItsOctetString() {
        assertAudit(Media.of(new Stream(1, new Local("\nv=0\nm=audio $ RTP/AVP $ \\} x\n"))),
                "Media { Stream = 1 { Local {\nv=0\nm=audio $ RTP/AVP $ \\} x\n} } }",
                "M{ST=1{L{\nv=0\nm=audio $ RTP/AVP $ \\} x\n}}}");
    }

    // ---------------------------------------------------------------- indAudlocalParm

    @Test
    void everyLocalParm() {
        assertAudit(streamOneLocalControl(Mode.audit(), new ReservedValue(), new ReservedGroup(),
                        new Property("tdmc/ec"), new Property("nt/*")),
                "Media { Stream = 1 { LocalControl { Mode, ReservedValue, ReservedGroup, tdmc/ec, nt/* } } }",
                "M{ST=1{O{MO,RV,RG,tdmc/ec,nt/*}}}");
    }

    /** v3 selections: Mode with EQUAL or INEQUAL and a stream mode, a propertyParm of any relation. */
    @Test
    void localParmSelections() {
        assertAudit(streamOneLocalControl(
                        new Mode(ParmValue.Relation.EQUAL, LocalControlDescriptor.Mode.SENDONLY),
                        new Mode(ParmValue.Relation.NOT_EQUAL, LocalControlDescriptor.Mode.INACTIVE),
                        new Mode(ParmValue.Relation.GREATER, LocalControlDescriptor.Mode.RECVONLY),
                        new Mode(ParmValue.Relation.LESS, LocalControlDescriptor.Mode.LOOPBACK),
                        new Mode(ParmValue.Relation.EQUAL, LocalControlDescriptor.Mode.SENDRECV),
                        PropertyParm.of("tdmc/ec", "on"),
                        new PropertyParm("tdmc/gain", new ParmValue.Single(ParmValue.Relation.NOT_EQUAL, "2")),
                        new PropertyParm("nt/jit", new ParmValue.OneOf(List.of("40", "50")))),
                "Media { Stream = 1 { LocalControl { Mode = SendOnly, Mode # Inactive, Mode > ReceiveOnly,"
                        + " Mode < Loopback, Mode=SendReceive, tdmc/ec = on, tdmc/gain # 2, nt/jit = {40, 50} } } }",
                "M{ST=1{O{MO=SO,MO#IN,MO>RC,MO<LB,MO=SR,tdmc/ec=on,tdmc/gain#2,nt/jit={40,50}}}}");
    }

    // ---------------------------------------------------------------- indAudterminationStateParm

    @Test
    void everyTerminationStateParm() {
        assertAudit(List.of(
                        Media.of(new TerminationState(ServiceStates.audit())),
                        Media.of(new TerminationState(new Buffer())),
                        Media.of(new TerminationState(new Property("tdmc/ec")))),
                "Media { TerminationState { ServiceStates } }, Media { TerminationState { Buffer } },"
                        + " Media { TerminationState { tdmc/ec } }",
                "M{TS{SI}},M{TS{BF}},M{TS{tdmc/ec}}");
    }

    /** v3 selections: ServiceStates with EQUAL or INEQUAL and a state, a propertyParm. */
    @Test
    void terminationStateSelections() {
        assertAudit(List.of(
                        Media.of(new TerminationState(new ServiceStates(ParmValue.Relation.EQUAL,
                                TerminationStateDescriptor.ServiceState.IN_SERVICE))),
                        Media.of(new TerminationState(new ServiceStates(ParmValue.Relation.NOT_EQUAL,
                                TerminationStateDescriptor.ServiceState.OUT_OF_SERVICE))),
                        Media.of(new TerminationState(new ServiceStates(ParmValue.Relation.EQUAL,
                                TerminationStateDescriptor.ServiceState.TEST))),
                        Media.of(new TerminationState(PropertyParm.of("al/hs", "on")))),
                "Media { TerminationState { ServiceStates = InService } }, Media { TerminationState {"
                        + " ServiceStates # OutOfService } }, Media { TerminationState { ServiceStates = Test } },"
                        + " Media { TerminationState { al/hs = on } }",
                "M{TS{SI=IV}},M{TS{SI#OS}},M{TS{SI=TE}},M{TS{al/hs=on}}");
    }

    // ---------------------------------------------------------------- the other indAud descriptors

    @Test
    void events() {
        assertAudit(List.of(new Events(RequestId.of(7), "al/on"), new Events(RequestId.ALL, "dd/*"),
                        new Events(null, "al/of")),
                "Events = 7 { al/on }, Events = * { dd/* }, Events { al/of }", "E=7{al/on},E=*{dd/*},E{al/of}");
    }

    @Test
    void signals() {
        assertAudit(List.of(new Signals(null), new Signals(Signal.of("cg/rt")),
                        new Signals(new Signal("cg/rt", 1, RequestId.of(5))),
                        new Signals(new Signal("al/ri", 2, null)), new Signals(new Signal("al/ri", null, RequestId.of(6))),
                        new Signals(new SignalList(3, Signal.of("cg/rt"))), new Signals(new SignalList(4, null)),
                        new Signals(new SignalList(5, new Signal("cg/bt", null, RequestId.of(9))))),
                "Signals { }, Signals { cg/rt }, Signals { cg/rt { Stream = 1, SPARequestID = 5 } }, Signals {"
                        + " al/ri { Stream = 2 } }, Signals { al/ri { SPARequestID = 6 } }, Signals { SignalList = 3"
                        + " { cg/rt } }, Signals { SignalList = 4 }, Signals { SignalList = 5 { cg/bt { SPARequestID"
                        + " = 9 } } }",
                "SG{},SG{cg/rt},SG{cg/rt{ST=1,SPARQ=5}},SG{al/ri{ST=2}},SG{al/ri{SPARQ=6}},SG{SL=3{cg/rt}},"
                        + "SG{SL=4},SG{SL=5{cg/bt{SPARQ=9}}}");
    }

    /** The parameters of an audited signal in either order; the earlier v3 spelling RequestID / RQ too. */
    @Test
    void signalParametersInEitherOrder() {
        assertAudit(new Signals(new Signal("cg/rt", 1, RequestId.of(5))),
                "Signals { cg/rt { RequestID = 5, Stream = 1 } }", "SG{cg/rt{RQ=5,ST=1}}");
    }

    @Test
    void digitMap() {
        assertAudit(new DigitMap("dialplan0"), "DigitMap = dialplan0", "DM=dialplan0");
    }

    @Test
    void eventBuffer() {
        assertAudit(List.of(EventBuffer.of("al/of"), new EventBuffer("g/x", 2, null),
                        new EventBuffer("dd/ce", null, "ds"), new EventBuffer("dd/ce", null, "Stream")),
                "EventBuffer { al/of }, EventBuffer { g/x { Stream = 2 } }, EventBuffer { dd/ce { ds } },"
                        + " EventBuffer { dd/ce { Stream } }",
                "EB{al/of},EB{g/x{ST=2}},EB{dd/ce{ds}},EB{dd/ce{Stream}}");
    }

    @Test
    void statistics() {
        assertAudit(new Statistics("nt/dur"), "Statistics { nt/dur }", "SA{nt/dur}");
    }

    @Test
    void packages() {
        assertAudit(new Packages("nt", 1), "Packages { nt-1 }", "PG{nt-1}");
    }

    // ---------------------------------------------------------------- where an Audit descriptor goes

    @Test
    void inSubtractAuditCapabilityAndModify() {
        assertEquals(AuditDescriptor.of(new Statistics("rtp/ps")),
                ((Command.Subtract) command("S=t1{AT{SA{rtp/ps}}}")).audit());
        assertEquals(AuditDescriptor.of(Media.of(new TerminationState(ServiceStates.audit()))),
                ((Command.Audit) command("AuditCapability = t1 { Audit { Media { TerminationState {"
                        + " ServiceStates } } } }")).audit());
        assertEquals(AuditDescriptor.of(streamOneLocalControl(Mode.audit())), descriptor("AT{M{ST=1{O{MO}}}}"));
    }

    /** serviceChangeParm = ... / auditItem: each indAudauditReturnParameter is one ServiceChangeParm.AuditItem. */
    @Test
    void inServiceChangeServices() {
        Command.ServiceChange sc = (Command.ServiceChange) command("ServiceChange = ROOT { Services { Method ="
                + " Restart, Reason = \"917\", Events, Packages { tdmc-1 }, Media { Stream = 1 { LocalControl {"
                + " Mode } } } } }");
        assertEquals(List.of(ServiceChangeParm.Method.of(ServiceChangeParm.MethodKind.RESTART),
                new ServiceChangeParm.Reason("\"917\""),
                new ServiceChangeParm.AuditItem(AuditDescriptor.Item.EVENTS),
                new ServiceChangeParm.AuditItem(new Packages("tdmc", 1)),
                new ServiceChangeParm.AuditItem(streamOneLocalControl(Mode.audit()))), sc.parms());
        assertEquals(sc, command("SC=ROOT{SV{MT=RS,RE=\"917\",E,PG{tdmc-1},M{ST=1{O{MO}}}}}"));
    }

    /** Tokens are case-insensitive, names keep their case; LWSP and comments anywhere the ABNF has LWSP. */
    @Test
    void caseAndWhiteSpace() {
        assertEquals(List.of(Media.of(new Stream(1, LocalControl.of(new Mode(ParmValue.Relation.EQUAL,
                        LocalControlDescriptor.Mode.SENDONLY), new Property("TDMC/EC"))))),
                audit("media{stream=1{localcontrol{mode=sendonly,TDMC/EC}}}"));
        assertEquals(List.of(streamOneLocalControl(Mode.audit())),
                audit("Media ; audit the\n {\tStream\n=\n1 {\r\n LocalControl {  Mode ; mode only\n }\n}\n}"));
    }

    // ---------------------------------------------------------------- what the ABNF does not allow

    @Test
    void onlyMediaEventsSignalsDigitMapEventBufferStatisticsAndPackagesHaveAnIndividualForm() {
        for (String item : new String[] {"Mux { a }", "Modem { a }", "ObservedEvents = 1 { al/on }", "MX=H221{a}"}) {
            String text = request("AV=t1{AT{" + item + "}}");
            SyntaxError e = error(text);
            assertEquals(text.indexOf(item), e.offset(), item);
            assertEquals(true, e.reason().contains("cannot be audited individually"), e.reason());
        }
    }

    @Test
    void anIndividualAuditHasTheOpenerOfItsRule() {
        assertEquals("an individual audit of 'DM' is 'DM = name', with no '{' in Audit",
                error(request("AV=t1{AT{DM{x}}}")).reason());
        assertEquals("an individual audit of 'Media' is 'Media { ... }', with no '=' in Audit",
                error(request("AV=t1{AT{Media=1}}")).reason());
        assertEquals("an individual audit of 'SA' is 'SA { ... }', with no '=' in Services",
                error(request("SC=ROOT{SV{MT=RS,RE=\"901\",SA=x}}")).reason());
    }

    @Test
    void anIndividualAuditNamesSomething() {
        assertEquals("expected descriptor in an audited Media but found '}'",
                error(request("AV=t1{AT{M{}}}")).reason());
        assertEquals("expected a package name after 'PG{' but found '}'", error(request("AV=t1{AT{PG{}}}")).reason());
        assertEquals("expected an event name (package/item) after 'E=7{' but found '}'",
                error(request("AV=t1{AT{E=7{}}}")).reason());
    }

    /** One indAudstreamParm per Stream, one indAudterminationStateParm, one event, one signal, one statistic. */
    @Test
    void singleItemRulesTakeOneItem() {
        String[][] cases = {
                {"M{ST=1{O{MO},SA{nt/os}}}", "expected '}' after 'ST=1{O{MO}' but found ','"},
                {"M{TS{SI,BF}}", "expected '}' after 'TS{SI' but found ','"},
                {"E=1{al/on,al/of}", "expected '}' after 'E=1{al/on' but found ','"},
                {"SG{cg/rt,cg/bt}", "expected '}' after 'SG{cg/rt' but found ','"},
                {"SA{nt/os,nt/dur}", "expected '}' after 'SA{nt/os' but found ','"},
                {"EB{al/on{ST=1,x}}", "expected '}' after 'EB{al/on{ST=1' but found ','"}};
        for (String[] c : cases) assertEquals(c[1], error(request("AV=t1{AT{" + c[0] + "}}")).reason(), c[0]);
    }

    @Test
    void parametersOutsideTheIndividualAuditRules() {
        assertEquals("expected a stream mode (SendOnly, ReceiveOnly, SendReceive, Inactive or Loopback) after"
                + " 'MO=' but found 'SendRecv'", error(request("AV=t1{AT{M{O{MO=SendRecv}}}}")).reason());
        assertEquals("expected a service state (Test, OutOfService or InService) after 'SI#' but found 'OFF'",
                error(request("AV=t1{AT{M{TS{SI#OFF}}}}")).reason());
        assertEquals("unknown parameter 'Mod' in an audited LocalControl",
                error(request("AV=t1{AT{M{O{Mod}}}}")).reason());
        assertEquals("unknown parameter 'SY' in the audited signal 'cg/rt' (only Stream and RequestID)",
                error(request("AV=t1{AT{SG{cg/rt{SY=BR}}}}")).reason());
        assertEquals("'ST' is given twice for the audited signal 'cg/rt'",
                error(request("AV=t1{AT{SG{cg/rt{ST=1,ST=2}}}}")).reason());
        assertEquals("unknown descriptor 'ST' in an audited Stream = 1",
                error(request("AV=t1{AT{M{ST=1{ST=2{O{MO}}}}}}")).reason());
        assertEquals("expected ',' or '}' after 'RV' but found '='", error(request("AV=t1{AT{M{O{RV=ON}}}}")).reason());
    }

    /**
     * Damaged individual audits are syntax errors, never exceptions (which the decoder would report as an
     * "internal decoder error"): every one-character deletion and every insertion of a delimiter into the compact
     * text of the samples, decoded strictly and leniently.
     */
    @Test
    void damagedTextIsASyntaxErrorNeverAnException() {
        for (dev.holdfast.h248.message.Message m : List.of(SampleMessages.individualAuditsV2(),
                SampleMessages.individualAudits(), SampleMessages.capabilityChange())) {
            String text = TextCodec.encode(m, TextForm.COMPACT);
            int from = text.indexOf("{C=");
            for (int i = from; i < text.length(); i++) {
                decodeBoth(text.substring(0, i) + text.substring(i + 1));
                for (char c : new char[] {'{', '}', ',', '=', '#', '/', ' '}) {
                    decodeBoth(text.substring(0, i) + c + text.substring(i));
                }
            }
        }
    }

    private static void decodeBoth(String text) {
        for (DecodeOptions o : List.of(DecodeOptions.LENIENT, DecodeOptions.STRICT)) {
            DecodeResult r;
            try {
                r = TextCodec.decode(text, o);
            } catch (RuntimeException e) {
                throw new AssertionError("exception for:\n" + text, e);
            }
            if (r instanceof DecodeResult.Failed f && f.error().reason().startsWith("internal decoder error")) {
                throw new AssertionError(f.error().describe() + " for:\n" + text); // a bug the decoder caught
            }
        }
    }

    /** A trailing comma is the usual lenient deviation, an error when strict. */
    @Test
    void trailingCommaIsADeviation() {
        String text = request("AV=t1{AT{M{O{MO,}}}}");
        DecodeResult.Decoded d = Decode.decoded(text, DecodeOptions.LENIENT);
        assertEquals(Deviation.Kind.TRAILING_COMMA, d.deviations().get(0).kind());
        assertEquals(text.indexOf("MO,") + 2, strictError(text).offset());
    }
}
