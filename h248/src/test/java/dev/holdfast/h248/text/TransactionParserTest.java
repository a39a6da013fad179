package dev.holdfast.h248.text;

import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.ErrorDescriptor;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.MessageBody;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.Transaction;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.holdfast.h248.text.Decode.HEADER;
import static dev.holdfast.h248.text.Decode.error;
import static dev.holdfast.h248.text.Decode.failed;
import static dev.holdfast.h248.text.Decode.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** transactionList: requests, replies (ImmAckRequired, v3 segments), Pending, TransactionResponseAck, Segment. */
class TransactionParserTest {

    @Test
    void requestWithSeveralActions() {
        Message m = ok(HEADER + "Transaction = 4294967295 { Context = 1 { Modify = a }, Context = $ { Add = b },"
                + " Context = * { Notify = c { ObservedEvents = 1 { g/x } } }, Context = - { Subtract = d } }");
        assertEquals(1, m.version());
        Transaction.Request t = (Transaction.Request) m.transactions().get(0);
        assertEquals(4294967295L, t.transactionId());
        assertEquals(List.of(ContextId.of(1), ContextId.CHOOSE, ContextId.ALL, ContextId.NULL),
                t.actions().stream().map(a -> a.contextId()).toList());
    }

    @Test
    void replyWithImmAckRequired() {
        Transaction.Reply r = (Transaction.Reply) ok(HEADER + "Reply = 12 { ImmAckRequired, Context = 7 { Add = a } }")
                .transactions().get(0);
        assertEquals(12, r.transactionId());
        assertTrue(r.immAckRequired());
        assertNull(r.segmentNumber());
        assertFalse(r.segmentationComplete());
        assertEquals(List.of(ActionReply.of(ContextId.of(7),
                new CommandReply.Amms(CommandReply.AmmsVerb.ADD, List.of(TerminationId.of("a")), List.of()))),
                r.actions());
    }

    @Test
    void replyWithTransactionError() {
        Transaction.Reply r = (Transaction.Reply) ok(HEADER + "P=3{IA,ER=403{\"Syntax error in transaction\"}}")
                .transactions().get(0);
        assertTrue(r.immAckRequired());
        assertEquals(ErrorDescriptor.of(403, "Syntax error in transaction"), r.error());
        assertEquals(List.of(), r.actions());
    }

    @Test
    void segmentedReplies() {
        Message m = ok("MEGACO/3 [10.0.0.1] Reply = 5/1 { Context = 1 { Add = a } } Reply = 5/2/END { Context = 1 {"
                + " Add = b } } P=6/7/&{C=1{A=c}}");
        Transaction.Reply first = (Transaction.Reply) m.transactions().get(0);
        Transaction.Reply last = (Transaction.Reply) m.transactions().get(1);
        Transaction.Reply compact = (Transaction.Reply) m.transactions().get(2);
        assertEquals(1, first.segmentNumber());
        assertFalse(first.segmentationComplete());
        assertEquals(2, last.segmentNumber());
        assertTrue(last.segmentationComplete());
        assertEquals(7, compact.segmentNumber());
        assertTrue(compact.segmentationComplete());
    }

    @Test
    void segmentReply() {
        Message m = ok("MEGACO/3 [10.0.0.1] Segment = 5/1 SM=5/2/END Segment=6/3/&");
        assertEquals(List.of(new Transaction.SegmentReply(5, 1, false), new Transaction.SegmentReply(5, 2, true),
                new Transaction.SegmentReply(6, 3, true)), m.transactions());
    }

    @Test
    void pending() {
        assertEquals(List.of(new Transaction.Pending(10), new Transaction.Pending(11)),
                ok(HEADER + "Pending = 10 { } PN=11{}").transactions());
    }

    @Test
    void responseAckWithRanges() {
        Message m = ok(HEADER + "TransactionResponseAck { 1, 3-5, 4294967290-4294967295 } K{9}");
        assertEquals(List.of(
                new Transaction.ResponseAck(List.of(Transaction.AckRange.of(1), new Transaction.AckRange(3, 5),
                        new Transaction.AckRange(4294967290L, 4294967295L))),
                new Transaction.ResponseAck(List.of(Transaction.AckRange.of(9)))), m.transactions());
    }

    @Test
    void mixedTransactionList() {
        Message m = ok(HEADER + "K{1} T=2{C=-{MF=a}} P=3{C=-{MF=b}} PN=4{}");
        assertInstanceOf(Transaction.ResponseAck.class, m.transactions().get(0));
        assertInstanceOf(Transaction.Request.class, m.transactions().get(1));
        assertInstanceOf(Transaction.Reply.class, m.transactions().get(2));
        assertInstanceOf(Transaction.Pending.class, m.transactions().get(3));
    }

    @Test
    void messageLevelError() {
        Message m = ok("!/2 <mg.example.net>:2944 ER=402{\"Unauthorized\"}");
        assertEquals(2, m.version());
        assertEquals(new MessageBody.Error(ErrorDescriptor.of(402, "Unauthorized")), m.body());
        assertEquals(List.of(), m.transactions());
    }

    @Test
    void authenticationHeader() {
        Message m = ok("Authentication = 0x1234ABCD:0x00000001:0x0123456789abcdef0123456789ABCDEF\n"
                + "MEGACO/1 [10.0.0.1] P=1{C=-{N=ROOT}}");
        assertEquals(new Message.AuthenticationHeader("0x1234ABCD", "0x00000001",
                "0x0123456789abcdef0123456789ABCDEF"), m.auth());
        assertEquals(new MId.IpAddress("10.0.0.1", false, null), m.mid());
    }

    @Test
    void authenticationDataMustHave24To64HexDigits() {
        SyntaxError e = error("AU=0x1234ABCD:0x00000001:0x0123 !/1 [10.0.0.1] P=1{C=-{N=ROOT}}");
        assertEquals("AuthData has 4 hex digits; it needs 24 to 64", e.reason());
        assertEquals(25, e.offset());
    }

    @Test
    void transactionIdOutOfRange() {
        SyntaxError e = error(HEADER + "T=4294967296{C=-{MF=a}}");
        assertEquals("a transaction id 4294967296 is out of range (0..4294967295)", e.reason());
        assertEquals(HEADER.length() + 2, e.offset());
    }

    @Test
    void failureCarriesWhatWasUnderstood() {
        String text = HEADER + "T=5{C=-{MF=a}} T=6{C=-{MF=b}} T=7{C=-{Modify=}}";
        DecodeResult.Failed f = failed(text, DecodeOptions.LENIENT);
        assertEquals(1, f.version());
        assertEquals(new MId.IpAddress("10.0.0.1", false, 2944), f.mid());
        assertEquals(List.of(5L, 6L, 7L), f.requestTransactionIds());
        assertEquals(text.lastIndexOf('='), f.error().offset() - 1);
    }

    @Test
    void failureBeforeTheMidHasOnlyTheVersion() {
        DecodeResult.Failed f = failed("MEGACO/2 ", DecodeOptions.LENIENT);
        assertEquals(2, f.version());
        assertNull(f.mid());
        assertEquals(List.of(), f.requestTransactionIds());
    }

    @Test
    void emptyMessageAndBodylessMessage() {
        assertEquals("expected 'MEGACO/' or '!/' at the start of the message but found the end of the message",
                error("").reason());
        assertEquals("expected a transaction (Transaction, Reply, Pending, TransactionResponseAck or Segment) or an"
                + " Error descriptor but found the end of the message", error(HEADER).reason());
    }

    @Test
    void versionZeroIsRejected() {
        SyntaxError e = error("MEGACO/0 [10.0.0.1] P=1{C=-{N=ROOT}}");
        assertEquals("protocol version 0 does not exist", e.reason());
        assertEquals(7, e.offset());
    }
}
