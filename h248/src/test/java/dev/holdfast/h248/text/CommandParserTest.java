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
import dev.holdfast.h248.message.ErrorDescriptor;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.MediaDescriptor;
import dev.holdfast.h248.message.ObservedEventsDescriptor;
import dev.holdfast.h248.message.ParmValue;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.RequestId;
import dev.holdfast.h248.message.ServiceChangeParm;
import dev.holdfast.h248.message.SignalParm;
import dev.holdfast.h248.message.SignalsDescriptor;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.TimeStamp;
import dev.holdfast.h248.message.TopologyDescriptor;
import dev.holdfast.h248.message.Transaction;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.holdfast.h248.text.Decode.HEADER;
import static dev.holdfast.h248.text.Decode.action;
import static dev.holdfast.h248.text.Decode.actionReply;
import static dev.holdfast.h248.text.Decode.command;
import static dev.holdfast.h248.text.Decode.commandReply;
import static dev.holdfast.h248.text.Decode.commandRequest;
import static dev.holdfast.h248.text.Decode.error;
import static dev.holdfast.h248.text.Decode.ok;
import static dev.holdfast.h248.text.Decode.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every command request and reply, O-/W- flags, v3 termination lists, context properties and ContextAudit. */
class CommandParserTest {
    private static List<TerminationId> ids(String... ids) {
        return java.util.Arrays.stream(ids).map(TerminationId::of).toList();
    }

    // ---------------------------------------------------------------- requests

    @Test
    void addMoveModifyWithAndWithoutDescriptors() {
        assertEquals(new Command.Amm(Command.AmmVerb.ADD, ids("a1"), List.of()), command("Add = a1"));
        assertEquals(new Command.Amm(Command.AmmVerb.MOVE, ids("a1"), List.of(SignalsDescriptor.of())),
                command("Move = a1 { Signals { } }"));
        Command.Amm m = (Command.Amm) command("MF=a1{M{O{MO=SR}},SG{cg/rt}}");
        assertEquals(Command.AmmVerb.MODIFY, m.verb());
        assertEquals(2, m.descriptors().size());
        assertInstanceOf(MediaDescriptor.class, m.descriptors().get(0));
        assertEquals(SignalsDescriptor.of(SignalParm.Request.of("cg/rt")), m.descriptors().get(1));
    }

    @Test
    void chooseAndWildcardTerminationIds() {
        assertEquals(ids("$"), command("Add = $").terminationIds());
        assertEquals(List.of(TerminationId.ALL), command("Subtract = *").terminationIds());
        assertEquals(ids("line/*"), command("MF = line/*").terminationIds());
        assertEquals(ids("*rtp/1"), command("MF = *rtp/1").terminationIds());
        assertEquals(ids("tdm/1/$"), command("A = tdm/1/$").terminationIds());
        assertEquals(ids("ROOT"), command("MF = ROOT").terminationIds());
    }

    @Test
    void v3TerminationIdList() {
        assertEquals(ids("a1", "a2", "rtp/3"), command("Modify = [a1, a2 ,rtp/3] { Signals { } }").terminationIds());
    }

    @Test
    void optionalAndWildcardResponseFlags() {
        ActionRequest a = action("O-Add = a1, W-Subtract = a*, O-W-Modify = b, o-w-Notify = c { OE = 1 { g/x } }");
        assertEquals(List.of(true, false, true, true), a.commands().stream().map(CommandRequest::optional).toList());
        assertEquals(List.of(false, true, true, true),
                a.commands().stream().map(CommandRequest::wildcardResponse).toList());
    }

    @Test
    void subtractWithAndWithoutAudit() {
        assertEquals(new Command.Subtract(ids("a1"), null), command("Subtract = a1"));
        assertEquals(new Command.Subtract(ids("a1"), AuditDescriptor.of(AuditDescriptor.Item.STATISTICS)),
                command("S=a1{AT{SA}}"));
    }

    @Test
    void auditValueAndAuditCapability() {
        assertEquals(new Command.Audit(false, ids("a1"), AuditDescriptor.of()), command("AuditValue = a1 { Audit { } }"));
        assertEquals(new Command.Audit(true, ids("ROOT"), AuditDescriptor.of(AuditDescriptor.Item.MEDIA,
                AuditDescriptor.Item.EVENTS, AuditDescriptor.Item.SIGNALS, AuditDescriptor.Item.OBSERVED_EVENTS,
                AuditDescriptor.Item.EVENT_BUFFER, AuditDescriptor.Item.MUX, AuditDescriptor.Item.MODEM,
                AuditDescriptor.Item.DIGIT_MAP, AuditDescriptor.Item.PACKAGES, AuditDescriptor.Item.STATISTICS)),
                command("AC=ROOT{AT{M,E,SG,OE,EB,MX,MD,DM,PG,SA}}"));
    }

    @Test
    void notifyWithAndWithoutError() {
        Command.Notify n = (Command.Notify) command("Notify = a1 { ObservedEvents = 77 { 20240101T12000000 : al/of } }");
        assertEquals(RequestId.of(77), n.observedEvents().requestId());
        assertEquals(new TimeStamp("20240101", "12000000"), n.observedEvents().events().get(0).timeStamp());
        assertNull(n.error());
        Command.Notify e = (Command.Notify) command("N=a1{OE=*{g/cause},ER=500{\"x\"}}");
        assertEquals(RequestId.ALL, e.observedEvents().requestId());
        assertEquals(ErrorDescriptor.of(500, "x"), e.error());
    }

    @Test
    void serviceChangeWithEveryParameter() {
        Command.ServiceChange sc = (Command.ServiceChange) command("ServiceChange = ROOT { Services {"
                + " Method = Restart, Reason = \"901 Cold Boot\", Delay = 4294967295, ServiceChangeAddress = 2945,"
                + " Profile = ResGW/1, Version = 3, 20030611T14153100, X-Foo = \"bar\", ServiceChangeInc, Media } }");
        assertEquals(List.of(
                ServiceChangeParm.Method.of(ServiceChangeParm.MethodKind.RESTART),
                new ServiceChangeParm.Reason("\"901 Cold Boot\""),
                new ServiceChangeParm.Delay(4294967295L),
                new ServiceChangeParm.Address(null, 2945),
                new ServiceChangeParm.Profile("ResGW", 1),
                new ServiceChangeParm.Version(3),
                new ServiceChangeParm.Stamp(new TimeStamp("20030611", "14153100")),
                PropertyParm.of("X-Foo", "\"bar\""),
                new ServiceChangeParm.Incomplete(),
                new ServiceChangeParm.AuditItem(AuditDescriptor.Item.MEDIA)), sc.parms());
        assertEquals(901, ((ServiceChangeParm.Reason) sc.parms().get(1)).code());
    }

    @Test
    void serviceChangeMethodsAndAddresses() {
        String[][] methods = {{"Failover", "FAILOVER"}, {"FO", "FORCED"}, {"graceful", "GRACEFUL"},
                {"RS", "RESTART"}, {"Disconnected", "DISCONNECTED"}, {"HO", "HANDOFF"}};
        for (String[] m : methods) {
            Command.ServiceChange sc = (Command.ServiceChange) command("SC=ROOT{SV{MT=" + m[0] + ",RE=\"900\"}}");
            assertEquals(ServiceChangeParm.Method.of(ServiceChangeParm.MethodKind.valueOf(m[1])), sc.parms().get(0));
        }
        Command.ServiceChange x = (Command.ServiceChange) command("SC=ROOT{SV{MT=X-Vendor,RE=\"905\","
                + "AD=[10.0.0.9]:2944,MG=<mgc2.example.net>}}");
        assertEquals(new ServiceChangeParm.Method(ServiceChangeParm.MethodKind.EXTENSION, "X-Vendor"), x.parms().get(0));
        assertEquals(new ServiceChangeParm.Address(new MId.IpAddress("10.0.0.9", false, 2944), null), x.parms().get(2));
        assertEquals(new ServiceChangeParm.MgcIdToTry(new MId.DomainName("mgc2.example.net", null)), x.parms().get(3));
    }

    @Test
    void unknownCommand() {
        String text = request("Modfy = a1");
        SyntaxError e = error(text);
        assertEquals("unknown command 'Modfy' in Context = 1", e.reason());
        assertEquals(text.indexOf("Modfy"), e.offset());
    }

    // ---------------------------------------------------------------- context properties and audit

    @Test
    void contextPropertiesBeforeCommands() {
        ActionRequest a = action("Topology { a1, a2, Isolate, a2, a3, Oneway, Stream = 2 }, Priority = 15,"
                + " Emergency, IEPSCall = ON, ContextAttr { x/y = 1, x/z = \"q\" }, Add = a1");
        assertEquals(List.of(
                new TopologyDescriptor(List.of(
                        new TopologyDescriptor.Triple(TerminationId.of("a1"), TerminationId.of("a2"),
                                TopologyDescriptor.Direction.ISOLATE, null),
                        new TopologyDescriptor.Triple(TerminationId.of("a2"), TerminationId.of("a3"),
                                TopologyDescriptor.Direction.ONEWAY, 2))),
                new ContextProperty.Priority(15),
                new ContextProperty.Emergency(true),
                new ContextProperty.Ieps(true),
                PropertyParm.of("x/y", "1"),
                PropertyParm.of("x/z", "\"q\"")), a.contextProperties());
        assertEquals(1, a.commands().size());
    }

    @Test
    void v3ContextPropertiesAndContextList() {
        ActionRequest a = action("TP{a,b,BW,b,c,OWE,c,d,OWB},EGO,IEPS=OFF,CT{CLT={1,2,3}},AV=*{AT{}}");
        assertEquals(List.of(
                new TopologyDescriptor(List.of(
                        new TopologyDescriptor.Triple(TerminationId.of("a"), TerminationId.of("b"),
                                TopologyDescriptor.Direction.BOTHWAY, null),
                        new TopologyDescriptor.Triple(TerminationId.of("b"), TerminationId.of("c"),
                                TopologyDescriptor.Direction.ONEWAY_EXTERNAL, null),
                        new TopologyDescriptor.Triple(TerminationId.of("c"), TerminationId.of("d"),
                                TopologyDescriptor.Direction.ONEWAY_BOTH, null))),
                new ContextProperty.Emergency(false),
                new ContextProperty.Ieps(false),
                new ContextProperty.ContextList(List.of(ContextId.of(1), ContextId.of(2), ContextId.of(3)))),
                a.contextProperties());
    }

    @Test
    void contextAuditAlone() {
        ActionRequest a = action("ContextAudit { Topology, Emergency, Priority }");
        assertEquals(List.of(
                new ContextAuditItem.Token(ContextAuditItem.Kind.TOPOLOGY),
                new ContextAuditItem.Token(ContextAuditItem.Kind.EMERGENCY),
                new ContextAuditItem.Token(ContextAuditItem.Kind.PRIORITY)), a.contextAudit());
        assertEquals(List.of(), a.commands());
    }

    @Test
    void v3ContextAuditSelection() {
        ActionRequest a = action("PR=1, CA{IEPS, x/y, PR=3, EGV=EGO, IEPS=ON, CT{x/z=5, x/w}, ORLgc, AndLgc},"
                + " AV=*{AT{}}");
        assertEquals(List.of(new ContextProperty.Priority(1)), a.contextProperties());
        assertEquals(List.of(
                new ContextAuditItem.Token(ContextAuditItem.Kind.IEPS),
                new ContextAuditItem.PackageProperty("x/y"),
                new ContextAuditItem.Select(new ContextProperty.Priority(3)),
                new ContextAuditItem.Select(new ContextProperty.Emergency(false)),
                new ContextAuditItem.Select(new ContextProperty.Ieps(true)),
                new ContextAuditItem.Select(PropertyParm.of("x/z", "5")),
                new ContextAuditItem.PackageProperty("x/w"),
                new ContextAuditItem.Logic(false),
                new ContextAuditItem.Logic(true)), a.contextAudit());
        assertEquals(1, a.commands().size());
    }

    @Test
    void contextPropertyAfterACommandIsRejected() {
        String text = request("Add = a1, Priority = 3");
        SyntaxError e = error(text);
        assertEquals("context property 'Priority' must come before ContextAudit and the commands in Context = 1",
                e.reason());
        assertEquals(text.indexOf("Priority"), e.offset());
    }

    // ---------------------------------------------------------------- replies

    @Test
    void ammsReplies() {
        ActionReply r = actionReply("Add = a1, Move = a2, Modify = a3 { Error = 501 { } }, Subtract = a4 {"
                + " Statistics { nt/os = 1 } }");
        assertEquals(List.of(CommandReply.AmmsVerb.ADD, CommandReply.AmmsVerb.MOVE, CommandReply.AmmsVerb.MODIFY,
                CommandReply.AmmsVerb.SUBTRACT),
                r.replies().stream().map(c -> ((CommandReply.Amms) c).verb()).toList());
        assertEquals(List.of(ErrorDescriptor.of(501, null)), ((CommandReply.Amms) r.replies().get(2)).terminationAudit());
    }

    @Test
    void notifyAndServiceChangeReplies() {
        assertEquals(new CommandReply.Notify(ids("a1"), null), commandReply("Notify = a1"));
        assertEquals(new CommandReply.Notify(ids("a1"), ErrorDescriptor.of(412, "no")),
                commandReply("N=a1{ER=412{\"no\"}}"));
        assertEquals(new CommandReply.ServiceChange(ids("ROOT"), null, List.of()), commandReply("SC = ROOT"));
        assertEquals(new CommandReply.ServiceChange(ids("ROOT"), ErrorDescriptor.of(505, null), List.of()),
                commandReply("SC=ROOT{ER=505{}}"));
        assertEquals(new CommandReply.ServiceChange(ids("ROOT"), null, List.of(
                new ServiceChangeParm.MgcIdToTry(new MId.DeviceName("mgc2")), new ServiceChangeParm.Version(2),
                new ServiceChangeParm.Profile("ResGW", 1),
                new ServiceChangeParm.Stamp(new TimeStamp("20240101", "00000000")))),
                commandReply("SC=ROOT{SV{MG=mgc2,V=2,PF=ResGW/1,20240101T00000000}}"));
    }

    @Test
    void auditReplies() {
        CommandReply.Audit a = (CommandReply.Audit) commandReply("AuditValue = a1 { Media { TS { SI = IV } },"
                + " Events, Signals, DigitMap, ObservedEvents = 5 { g/x }, Packages { g-1 }, Error = 432 { } }");
        assertFalse(a.capabilities());
        assertFalse(a.contextAudit());
        assertEquals(ids("a1"), a.terminationIds());
        assertEquals(7, a.terminationAudit().size());
        assertEquals(new AuditReturnItem(AuditDescriptor.Item.EVENTS), a.terminationAudit().get(1));
        assertEquals(new AuditReturnItem(AuditDescriptor.Item.SIGNALS), a.terminationAudit().get(2));
        assertEquals(new AuditReturnItem(AuditDescriptor.Item.DIGIT_MAP), a.terminationAudit().get(3));
        assertInstanceOf(ObservedEventsDescriptor.class, a.terminationAudit().get(4));

        assertEquals(new CommandReply.Audit(true, false, ids("ROOT"), List.of(), null), commandReply("AC = ROOT"));
    }

    @Test
    void contextTerminationAuditReplies() {
        assertEquals(new CommandReply.Audit(false, true, ids("a1", "a2"), List.of(), null),
                commandReply("AuditValue = Context { a1, a2 }"));
        assertEquals(new CommandReply.Audit(true, true, List.of(), List.of(), ErrorDescriptor.of(411, null)),
                commandReply("AC=C{ER=411{}}"));
        // a termination called "C" whose audit holds descriptors is the auditOther form
        assertEquals(new CommandReply.Audit(false, false, ids("C"), List.of(new AuditReturnItem(AuditDescriptor.Item.MEDIA)),
                null), commandReply("AV=C{M}"));
    }

    @Test
    void actionReplyWithPropertiesRepliesAndError() {
        ActionReply r = actionReply("Priority = 2, Add = a1, Error = 500 { \"failed\" }");
        assertEquals(List.of(new ContextProperty.Priority(2)), r.contextProperties());
        assertEquals(1, r.replies().size());
        assertEquals(ErrorDescriptor.of(500, "failed"), r.error());
        ActionReply onlyError = actionReply("ER=411{}");
        assertEquals(List.of(), onlyError.replies());
        assertEquals(ErrorDescriptor.of(411, null), onlyError.error());
    }

    @Test
    void v3ActionReplyWithoutBraces() {
        Transaction.Reply r = (Transaction.Reply) ok("MEGACO/3 [10.0.0.1] P=9{C=1,C=2{A=a}}").transactions().get(0);
        assertEquals(new ActionReply(ContextId.of(1), List.of(), List.of(), null), r.actions().get(0));
        assertEquals(1, r.actions().get(1).replies().size());
    }

    @Test
    void nothingMayFollowTheErrorOfAnActionReply() {
        String text = HEADER + "P=1{C=1{ER=500{},A=a}}";
        SyntaxError e = error(text);
        assertEquals("nothing may follow the Error descriptor in Context = 1 but found 'A'", e.reason());
        assertEquals(text.indexOf("A=a"), e.offset());
    }

    @Test
    void replyWithUnknownDescriptor() {
        SyntaxError e = error(Decode.reply("Add = a1 { Medai { } }"));
        assertEquals("unknown descriptor 'Medai' in Add reply", e.reason());
    }

    @Test
    void commandFlagsDefaultToFalse() {
        CommandRequest c = commandRequest("Add = a1");
        assertFalse(c.optional());
        assertFalse(c.wildcardResponse());
        assertTrue(ok(request("O-A=a")).transactions().get(0) instanceof Transaction.Request);
    }

    @Test
    void signalListParsesIntoTheModel() {
        SignalsDescriptor s = (SignalsDescriptor) Decode.descriptor("Signals { SignalList = 3 { cg/dt, cg/rt } }");
        assertEquals(new SignalsDescriptor(List.of(new SignalParm.SignalList(3,
                List.of(SignalParm.Request.of("cg/dt"), SignalParm.Request.of("cg/rt"))))), s);
    }

    @Test
    void extensionWithAlternatives() {
        Command.ServiceChange sc = (Command.ServiceChange) command("SC=ROOT{SV{MT=RS,RE=\"901\",X+abc={1,2}}}");
        assertEquals(new PropertyParm("X+abc", new ParmValue.OneOf(List.of("1", "2"))), sc.parms().get(2));
    }
}
