package dev.holdfast.h248.message;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model refuses what the H.248.1 text ABNF (Annex B) forbids, so that the encoder can never write text a
 * decoder must reject: each case throws IllegalArgumentException with a message naming the rule, and the nearest
 * valid model is accepted.
 */
class ModelValidationTest {
    private static final TerminationId T = new TerminationId("a/1");
    private static final List<TerminationId> TS = List.of(T);
    private static final ErrorDescriptor ERR = ErrorDescriptor.of(400, null);
    private static final ActionReply EMPTY_REPLY = new ActionReply(ContextId.of(1), List.of(), List.of(), null);
    private static final CommandRequest MODIFY = CommandRequest.of(new Command.Amm(Command.AmmVerb.MODIFY, TS,
            List.of()));

    private static void rejected(Executable e, String... words) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        for (String w : words) {
            assertTrue(x.getMessage().contains(w), () -> "message '" + x.getMessage() + "' should mention " + w);
        }
    }

    @Test
    void transactionIdsAreUint32() {
        rejected(() -> new Transaction.Request(-1, List.of(ActionRequest.of(ContextId.of(1), MODIFY))),
                "TransactionID", "-1", "UINT32");
        rejected(() -> new Transaction.Request(0x1_0000_0000L, List.of(ActionRequest.of(ContextId.of(1), MODIFY))),
                "TransactionID", "4294967296");
        rejected(() -> Transaction.Reply.of(0x1_0000_0000L, List.of(EMPTY_REPLY)), "TransactionID");
        rejected(() -> new Transaction.Pending(-5), "TransactionID");
        rejected(() -> new Transaction.AckRange(1, 0x1_0000_0000L), "TransactionID");
        rejected(() -> new Transaction.SegmentReply(-1, 1, false), "TransactionID");
        assertDoesNotThrow(() -> new Transaction.Pending(0xFFFFFFFFL));
        assertDoesNotThrow(() -> new Transaction.Pending(0));
    }

    @Test
    void contextIdsAreUint32OrTheSpecialValues() {
        rejected(() -> ContextId.of(0x1_0000_0000L), "context id", "UINT32");
        rejected(() -> ContextId.of(-1), "context id", "UINT32");
        rejected(() -> RequestId.of(0x1_0000_0000L), "request id", "UINT32");
        assertDoesNotThrow(() -> ContextId.of(0xFFFFFFFFL));
    }

    @Test
    void aTransactionRequestNeedsAnAction() {
        rejected(() -> new Transaction.Request(1, List.of()), "action list", "at least one");
    }

    @Test
    void anActionRequestNeedsAPropertyAnAuditOrACommand() {
        rejected(() -> new ActionRequest(ContextId.of(1), List.of(), List.of(), List.of()), "context 1",
                "at least one");
        assertDoesNotThrow(() -> new ActionRequest(ContextId.of(1), List.of(new ContextProperty.Priority(3)),
                List.of(), List.of()));
    }

    @Test
    void aTransactionReplyHoldsAnErrorOrActionRepliesNotBothNorNeither() {
        rejected(() -> new Transaction.Reply(7, null, false, false, ERR, List.of(EMPTY_REPLY)),
                "reply 7", "both", "errorDescriptor / actionReplyList");
        rejected(() -> new Transaction.Reply(7, null, false, false, null, List.of()), "reply 7", "neither");
        assertDoesNotThrow(() -> Transaction.Reply.error(7, ERR));
    }

    @Test
    void segmentNumbersAreUint16AndEndNeedsASegmentNumber() {
        rejected(() -> new Transaction.Reply(7, 65536, false, false, ERR, List.of()), "segment number", "UINT16");
        rejected(() -> new Transaction.Reply(7, null, true, false, ERR, List.of()), "END", "segment number");
        rejected(() -> new Transaction.SegmentReply(7, -1, false), "segment number");
        assertDoesNotThrow(() -> new Transaction.Reply(7, 3, true, false, ERR, List.of()));
    }

    @Test
    void emptyListsTheGrammarWritesAsItemCommaItemAreRefused() {
        rejected(() -> new Transaction.ResponseAck(List.of()), "TransactionResponseAck", "at least one");
        rejected(() -> new MessageBody.Transactions(List.of()), "transaction list");
        rejected(() -> new MediaDescriptor(List.of()), "Media descriptor");
        rejected(() -> new StreamDescriptor(1, List.of()), "Stream descriptor");
        rejected(() -> new LocalControlDescriptor(List.of()), "LocalControl descriptor");
        rejected(() -> new TerminationStateDescriptor(List.of()), "TerminationState descriptor");
        rejected(() -> new StatisticsDescriptor(List.of()), "Statistics descriptor");
        rejected(() -> new PackagesDescriptor(List.of()), "Packages descriptor");
        rejected(() -> new TopologyDescriptor(List.of()), "Topology descriptor");
        rejected(() -> new ContextProperty.ContextList(List.of()), "ContextList");
        rejected(() -> new MuxDescriptor("H221", List.of()), "Mux descriptor");
        rejected(() -> new ModemDescriptor(List.of(), false, List.of()), "Modem descriptor");
        rejected(() -> new SignalParm.SignalList(1, List.of()), "SignalList");
        rejected(() -> new SignalParameter.NotifyCompletion(List.of()), "NotifyCompletion");
        rejected(() -> new ObservedEventsDescriptor(RequestId.of(1), List.of()), "ObservedEvents");
        rejected(() -> new IndAuditParameter.Media(List.of()), "audited Media");
        rejected(() -> new IndAuditParameter.LocalControl(List.of()), "audited LocalControl");
    }

    @Test
    void commandsNeedATerminationId() {
        rejected(() -> new Command.Amm(Command.AmmVerb.ADD, List.of(), List.of()), "termination id list");
        rejected(() -> new Command.Subtract(List.of(), null), "Subtract");
        rejected(() -> new Command.Audit(false, List.of(), new AuditDescriptor(List.of())), "AuditValue");
        rejected(() -> new Command.Notify(List.of(), null, null), "Notify");
        rejected(() -> new Command.ServiceChange(List.of(), List.of(new ServiceChangeParm.Reason("\"901\""))),
                "ServiceChange");
        rejected(() -> new CommandReply.Amms(CommandReply.AmmsVerb.SUBTRACT, List.of(), List.of()), "reply");
        rejected(() -> new CommandReply.Notify(List.of(), null), "Notify reply");
        rejected(() -> new CommandReply.ServiceChange(List.of(), null, List.of()), "ServiceChange reply");
        rejected(() -> new CommandReply.Audit(false, false, List.of(), List.of(), null), "AuditValue");
    }

    @Test
    void aServiceChangeRequestNeedsItsServicesParameters() {
        rejected(() -> new Command.ServiceChange(TS, List.of()), "Services");
    }

    @Test
    void aServiceChangeReplyHoldsAnErrorOrServicesNotBoth() {
        rejected(() -> new CommandReply.ServiceChange(TS, ERR, List.of(new ServiceChangeParm.Version(2))),
                "not both");
        assertDoesNotThrow(() -> new CommandReply.ServiceChange(TS, ERR, List.of()));
    }

    @Test
    void aContextAuditReplyHoldsIdsOrAnErrorExactlyOne() {
        rejected(() -> new CommandReply.Audit(false, true, TS, List.of(), ERR), "exactly one");
        rejected(() -> new CommandReply.Audit(false, true, List.of(), List.of(), null), "exactly one");
        rejected(() -> new CommandReply.Audit(false, false, TS, List.of(), ERR), "only for a context audit");
        assertDoesNotThrow(() -> new CommandReply.Audit(true, true, List.of(), List.of(), ERR));
    }

    @Test
    void anEventsDescriptorHasARequestIdExactlyWhenItHasEvents() {
        rejected(() -> new EventsDescriptor(RequestId.of(1), List.of()), "RequestID", "at least one event");
        rejected(() -> new EventsDescriptor(null, List.of(new RequestedEvent("al/on", List.of()))), "RequestID");
        assertDoesNotThrow(() -> new EventsDescriptor(null, List.of()));
    }

    @Test
    void uint16FieldsAreInRange() {
        rejected(() -> new StreamRef(65536), "StreamID", "UINT16");
        rejected(() -> new StreamDescriptor(-1, List.of(new LocalDescriptor("v=0"))), "StreamID");
        rejected(() -> new SignalParameter.Duration(70000), "duration");
        rejected(() -> new SignalParameter.IntersignalDelay(-1), "intersignal");
        rejected(() -> new ContextProperty.Priority(65536), "priority");
        rejected(() -> new PackagesDescriptor.Item("al", 65536), "package version");
        rejected(() -> new MId.IpAddress("10.0.0.1", false, 65536), "port");
        rejected(() -> new MId.DomainName("mgc.example", -1), "port");
        rejected(() -> new ServiceChangeParm.Address(null, 70000), "port");
        rejected(() -> new IndAuditParameter.Stream(65536, new IndAuditParameter.Statistics("nt/os")), "StreamID");
        rejected(() -> new IndAuditParameter.Packages("al", -1), "package version");
    }

    @Test
    void serviceChangeNumbersFollowTheirRules() {
        rejected(() -> new ServiceChangeParm.Delay(0x1_0000_0000L), "ServiceChangeDelay", "UINT32");
        rejected(() -> new ServiceChangeParm.Version(100), "ServiceChangeVersion", "0..99");
        rejected(() -> new ServiceChangeParm.Profile("ResGW", 100), "profile version");
        rejected(() -> new ServiceChangeParm.Address(null, null), "exactly one");
    }

    @Test
    void errorCodesHaveAtMostFourDigits() {
        // ErrorCode = 1*4(DIGIT): 0..9999 (H.248.1 Annex B; the codes defined so far are below 1000)
        rejected(() -> ErrorDescriptor.of(10000, null), "error code");
        rejected(() -> ErrorDescriptor.of(-1, null), "error code");
        assertDoesNotThrow(() -> ErrorDescriptor.of(9999, null));
    }

    @Test
    void aMessageLevelErrorNeedsItsDescriptor() {
        rejected(() -> new MessageBody.Error(null), "Error descriptor");
    }
}
