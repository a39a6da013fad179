package dev.holdfast.h248.transport.codec;

import dev.holdfast.h248.message.ErrorDescriptor;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.MessageBody;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.text.DecodeResult;
import dev.holdfast.h248.text.SyntaxError;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class DecodeFailureAnswerTest {
    static final MId US = MId.ipv4("127.0.0.1", 2944);
    static final SyntaxError ERR = new SyntaxError(30, 2, 5, "expected '{' but found \"x\"");

    static Message answer(String raw, Integer version, MId mid, List<Long> ids) {
        return DecodeFailureAnswer.answer(new DecodeResult.Failed(ERR, version, mid, ids),
                raw.getBytes(StandardCharsets.ISO_8859_1), US, 1);
    }

    @Test
    void knownRequestIdsGetTransactionErrors403() {
        Message m = answer("MEGACO/2 [1.2.3.4] T=5{x T=6{", 2, MId.ipv4("1.2.3.4", null), List.of(5L, 6L));
        assertEquals(2, m.version());
        assertEquals(US, m.mid());
        assertEquals(2, m.transactions().size());
        Transaction.Reply r = (Transaction.Reply) m.transactions().get(0);
        assertEquals(5, r.transactionId());
        assertEquals(ErrorDescriptor.SYNTAX_ERROR_IN_TRANSACTION, r.error().code());
        assertEquals(6, m.transactions().get(1) instanceof Transaction.Reply r6 ? r6.transactionId() : -1);
    }

    @Test
    void unidentifiedRequestGetsAMessageLevelError400WithTheSyntaxErrorAndNoQuotes() {
        Message m = answer("MEGACO/1 [1.2.3.4] T=abc{", 1, MId.ipv4("1.2.3.4", null), List.of());
        ErrorDescriptor e = ((MessageBody.Error) m.body()).error();
        assertEquals(400, e.code());
        assertTrue(e.text().contains("line 2, column 5"), e.text());
        assertFalse(e.text().contains("\""));
    }

    @Test
    void repliesPendingsAcksAndErrorsAreNeverAnswered() {
        assertNull(answer("MEGACO/1 [1.2.3.4] Reply=5{x", 1, null, List.of()));
        assertNull(answer("!/1 [1.2.3.4] PN=5{x", 1, null, List.of()));
        assertNull(answer("!/1 [1.2.3.4] K{x", 1, null, List.of()));
        assertNull(answer("!/1 [1.2.3.4] ER=400{x", 1, null, List.of()));
    }

    @Test
    void octetsWithoutAnH248HeaderAreDropped() {
        assertNull(answer("\u0000\u0013garbage", null, null, List.of()));
    }

    @Test
    void anH248HeaderWithGarbageAfterItIsAnswered400() {
        Message m = answer("MEGACO/1 [1.2.3.4]:2944 ###", 1, MId.ipv4("1.2.3.4", 2944), List.of());
        assertEquals(400, ((MessageBody.Error) m.body()).error().code());
    }
}
