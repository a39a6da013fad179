package dev.holdfast.h248.text;

import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.AuditDescriptor;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.IndAuditParameter;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.Transaction;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The encoder's text for the v2/v3 individual audit, exactly, in both forms (the layout is described on
 * {@link IndAuditWriter}: the items stay on the Audit descriptor's line), and {@code decode(encode(m)).equals(m)}
 * for the samples (strictly, with no deviation) and for random individual audits.
 */
class IndividualAuditEncoderTest {

    private static void assertForms(Message m, String pretty, String compact) {
        assertEquals(pretty, TextCodec.encode(m, TextForm.PRETTY), "pretty form");
        assertEquals(compact, TextCodec.encode(m, TextForm.COMPACT), "compact form");
    }

    @Test
    void v2IndividualAudits() {
        assertForms(SampleMessages.individualAuditsV2(),
                """
                MEGACO/2 [192.0.2.1]:2944
                Transaction = 10020 {
                    Context = - {
                        AuditValue = line/17 {
                            Audit {Media {Stream = 1 {LocalControl {Mode}}}}
                        },
                        AuditValue = line/18 {
                            Audit {Events, Media {TerminationState {ServiceStates}}, Media {LocalControl {ReservedGroup}}, Events = 7 {al/on}, Signals {SignalList = 3 {cg/rt}}, DigitMap = dialplan0, EventBuffer {g/x {Stream=2}}, Statistics {nt/dur}, Packages {nt-1}}
                        },
                        AuditCapability = line/19 {
                            Audit {Media {TerminationState {Buffer}}, Signals {al/ri}, EventBuffer {dd/ce {ds}}}
                        }
                    }
                }
                """,
                """
                !/2 [192.0.2.1]:2944
                T=10020{C=-{AV=line/17{AT{M{ST=1{O{MO}}}}},AV=line/18{AT{E,M{TS{SI}},M{O{RG}},E=7{al/on},SG{SL=3{cg/rt}},DM=dialplan0,EB{g/x{ST=2}},SA{nt/dur},PG{nt-1}}},AC=line/19{AT{M{TS{BF}},SG{al/ri},EB{dd/ce{ds}}}}}}""");
    }

    @Test
    void v3IndividualAuditsWithSelections() {
        assertForms(SampleMessages.individualAudits(),
                """
                MEGACO/3 [192.0.2.1]:2944
                Transaction = 10021 {
                    Context = - {
                        AuditValue = line/17 {
                            Audit {Media {TerminationState {tdmc/ec}, Stream = 1 {LocalControl {Mode, ReservedValue, ReservedGroup, nt/jit}}, Stream = 2 {Statistics {nt/os}}, Stream = 3 {Local {m=audio $ RTP/AVP $}}, Stream = 4 {Remote {c=IN IP4 $}}}}
                        },
                        AuditValue = * {
                            Audit {Media {TerminationState {ServiceStates#Test}, LocalControl {Mode=SendReceive, tdmc/ec=on}}, Media {TerminationState {al/hs=on}}}
                        },
                        AuditCapability = ROOT {
                            Audit {Events {al/of}, Events = * {dd/*}, Signals {}, Signals {cg/rt {Stream=1, SPARequestID=5}}, Signals {SignalList = 4}, EventBuffer {al/of}, Packages}
                        }
                    },
                    Context = 5 {
                        Subtract = rtp/00012 {
                            Audit {Statistics {rtp/ps}, Statistics {rtp/pr}}
                        },
                        Modify = line/18 {
                            Audit {Media {TerminationState {ServiceStates=InService}}}
                        }
                    }
                }
                """,
                """
                !/3 [192.0.2.1]:2944
                T=10021{C=-{AV=line/17{AT{M{TS{tdmc/ec},ST=1{O{MO,RV,RG,nt/jit}},ST=2{SA{nt/os}},ST=3{L{m=audio $ RTP/AVP $}},ST=4{R{c=IN IP4 $}}}}},AV=*{AT{M{TS{SI#TE},O{MO=SR,tdmc/ec=on}},M{TS{al/hs=on}}}},AC=ROOT{AT{E{al/of},E=*{dd/*},SG{},SG{cg/rt{ST=1,SPARQ=5}},SG{SL=4},EB{al/of},PG}}},C=5{S=rtp/00012{AT{SA{rtp/ps},SA{rtp/pr}}},MF=line/18{AT{M{TS{SI=IV}}}}}}""");
    }

    @Test
    void auditItemsInServiceChangeServices() {
        assertForms(SampleMessages.capabilityChange(),
                """
                MEGACO/2 [192.0.2.20]:2944
                Transaction = 9999 {
                    Context = - {
                        ServiceChange = ROOT {
                            Services {
                                Method=Restart,
                                Reason="917 Capability Change",
                                Events,
                                Packages {tdmc-1},
                                Media {Stream = 1 {LocalControl {Mode}}}
                            }
                        }
                    }
                }
                """,
                """
                !/2 [192.0.2.20]:2944
                T=9999{C=-{SC=ROOT{SV{MT=RS,RE="917 Capability Change",E,PG{tdmc-1},M{ST=1{O{MO}}}}}}}""");
    }

    /** What we write is plain ABNF: it decodes strictly, with no deviation, to the message we wrote. */
    @Test
    void samplesDecodeStrictlyToTheSameMessage() {
        for (Message m : List.of(SampleMessages.individualAuditsV2(), SampleMessages.individualAudits(),
                SampleMessages.capabilityChange())) {
            for (TextForm form : TextForm.values()) {
                String text = TextCodec.encode(m, form);
                DecodeResult.Decoded d = Decode.decoded(text, DecodeOptions.STRICT);
                assertEquals(List.of(), d.deviations(), text);
                assertEquals(m, d.message(), text);
            }
        }
    }

    /** The ABNF has no empty indAudmediaDescriptor or indAudlocalControlDescriptor: such a model is refused. */
    @Test
    void modelsWithNoTextFormAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> encodeAudit(IndAuditParameter.Media.of()));
        assertThrows(IllegalArgumentException.class, () -> encodeAudit(IndAuditParameter.Media.of(
                new IndAuditParameter.Stream(1, IndAuditParameter.LocalControl.of()))));
        assertThrows(IllegalArgumentException.class, () -> encodeAudit(IndAuditParameter.Media.of(
                new IndAuditParameter.Stream(1, new IndAuditParameter.Local("a } b")))));
    }

    private static String encodeAudit(IndAuditParameter p) {
        Message m = Message.of(2, SampleMessages.MGC, new Transaction.Request(1, List.of(ActionRequest.of(
                ContextId.NULL, new Command.Audit(false, List.of(SampleMessages.tid("a")), AuditDescriptor.of(p))))));
        return TextCodec.encode(m, TextForm.COMPACT);
    }

    // ---------------------------------------------------------------- random individual audits

    @Provide
    Arbitrary<Message> audits() {
        return CanonicalMessageArbitraries.audits().list().ofMinSize(1).ofMaxSize(3).map(list -> Message.of(3,
                SampleMessages.MGC, new Transaction.Request(1, List.of(ActionRequest.of(ContextId.NULL,
                        list.stream().map(a -> new Command.Audit(false, List.of(SampleMessages.tid("a")), a))
                                .toArray(Command[]::new))))));
    }

    @Property(tries = 500, edgeCases = EdgeCasesMode.MIXIN)
    void randomAuditsRoundTripInBothForms(@ForAll("audits") Message m) {
        for (TextForm form : TextForm.values()) {
            String text = TextCodec.encode(m, form);
            DecodeResult.Decoded d = Decode.decoded(text, DecodeOptions.STRICT);
            assertEquals(m, d.message(), text);
        }
    }
}
