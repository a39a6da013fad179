package dev.holdfast.h248.text;

import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.Descriptor;
import dev.holdfast.h248.message.IndAuditParameter;
import dev.holdfast.h248.message.IndAuditReturn;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.PackagesDescriptor;
import dev.holdfast.h248.message.Transaction;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Individual audit items in an audit reply's terminationAudit: H.248.1 v2's auditReturnParameter allows any
 * auditItem, individual audits included; v3 narrowed it to the bare tokens. Where the text is also a full
 * descriptor it is read as that.
 */
class IndividualAuditReplyTest {
    private static final String REPLY = "Reply = 1 { Context = - { AuditValue = A1 { %s } } }";

    private static String message(int version, String audit) {
        return "MEGACO/" + version + " [124.124.124.222]:55555\n" + String.format(REPLY, audit);
    }

    private static List<Descriptor> terminationAudit(Message m) {
        Transaction.Reply r = (Transaction.Reply) m.transactions().get(0);
        return ((CommandReply.Audit) r.actions().get(0).replies().get(0)).terminationAudit();
    }

    private static Message decoded(String text) {
        DecodeResult r = TextCodec.decode(text, DecodeOptions.STRICT);
        assertInstanceOf(DecodeResult.Decoded.class, r, () -> text + " -> " + r);
        return ((DecodeResult.Decoded) r).message();
    }

    @Test
    void v2ReplyWithIndividualAuditsDecodesAndRoundTripsInBothForms() {
        Message m = decoded(message(2, "Media { Stream = 1 { LocalControl { Mode, ReservedGroup } } }, "
                + "Events { al/on }, Media { TerminationState { ServiceStates } }, Packages { al-1 }"));
        IndAuditParameter.Media media = new IndAuditParameter.Media(List.of(new IndAuditParameter.Stream(1,
                new IndAuditParameter.LocalControl(List.of(new IndAuditParameter.Mode(null, null),
                        new IndAuditParameter.ReservedGroup())))));
        assertEquals(List.of(new IndAuditReturn(media),
                new IndAuditReturn(new IndAuditParameter.Events(null, "al/on")),
                new IndAuditReturn(new IndAuditParameter.Media(List.of(new IndAuditParameter.TerminationState(
                        new IndAuditParameter.ServiceStates(null, null))))),
                // also a full Packages descriptor: read as that, the same information
                new PackagesDescriptor(List.of(new PackagesDescriptor.Item("al", 1)))),
                terminationAudit(m));
        for (TextForm form : TextForm.values()) {
            String text = TextCodec.encode(m, form);
            assertEquals(m, decoded(text), text);
        }
    }

    @Test
    void aFullDescriptorInAV2ReplyStaysAFullDescriptor() {
        Message m = decoded(message(2, "Media { Stream = 1 { LocalControl { Mode = SendReceive } } }"));
        assertInstanceOf(dev.holdfast.h248.message.MediaDescriptor.class, terminationAudit(m).get(0));
    }

    @Test
    void v1AndV3RepliesDoNotTakeIndividualAudits() {
        for (int v : new int[] {1, 3}) {
            DecodeResult r = TextCodec.decode(message(v, "Media { Stream = 1 { LocalControl { Mode } } }"),
                    DecodeOptions.LENIENT);
            assertInstanceOf(DecodeResult.Failed.class, r, "version " + v);
        }
    }

    @Test
    void whatIsNeitherAFullDescriptorNorAnIndividualAuditIsReportedWhereTheFullOneBroke() {
        String text = message(2, "Media { Stream = 1 { LocalControl { Mode = } } }");
        DecodeResult r = TextCodec.decode(text, DecodeOptions.LENIENT);
        DecodeResult.Failed f = assertInstanceOf(DecodeResult.Failed.class, r);
        assertEquals(text.indexOf("= }") + 2, f.error().offset(), f.error().describe());
    }
}
