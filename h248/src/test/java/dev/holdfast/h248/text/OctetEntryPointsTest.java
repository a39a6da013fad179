package dev.holdfast.h248.text;

import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.LocalDescriptor;
import dev.holdfast.h248.message.MediaDescriptor;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.Transaction;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static dev.holdfast.h248.text.SampleMessages.MGC;
import static dev.holdfast.h248.text.SampleMessages.tid;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The octet entry points ({@link TextCodec#decode(byte[], int, int, DecodeOptions)}, {@link TextCodec#encodeToBytes})
 * give exactly what the text entry points give, wherever the message sits in the array, and text that is not
 * ISO-8859-1 is handled the way the octets would be.
 */
class OctetEntryPointsTest {

    private static byte[] corpus(int n) throws IOException {
        try (InputStream in = OctetEntryPointsTest.class.getResourceAsStream(String.format("/rfc3525/%02d.txt", n))) {
            return in.readAllBytes();
        }
    }

    @Test
    void decodingOctetsAnywhereInAnArrayEqualsDecodingTheText() throws IOException {
        for (int n = 1; n <= 28; n++) {
            byte[] msg = corpus(n);
            String text = new String(msg, StandardCharsets.ISO_8859_1);
            DecodeResult expected = TextCodec.decode(text, DecodeOptions.LENIENT);
            // the message in the middle of a larger array, with octets around it that must not be read
            byte[] big = new byte[msg.length + 20];
            Arrays.fill(big, (byte) '}');
            System.arraycopy(msg, 0, big, 7, msg.length);
            assertEquals(expected, TextCodec.decode(big, 7, msg.length, DecodeOptions.LENIENT), "file " + n);
            // and at the start of a larger array
            byte[] head = Arrays.copyOf(msg, msg.length + 5);
            head[msg.length] = '}';
            assertEquals(expected, TextCodec.decode(head, 0, msg.length, DecodeOptions.LENIENT), "file " + n);
            assertEquals(expected, TextCodec.decode(msg, DecodeOptions.LENIENT), "file " + n);
        }
    }

    @Test
    void errorPositionsCountFromTheStartOfTheMessageNotTheArray() {
        byte[] msg = (Decode.HEADER + "T=1{C=1{MF=t{Medai{}}}}").getBytes(StandardCharsets.ISO_8859_1);
        byte[] big = new byte[msg.length + 100];
        System.arraycopy(msg, 0, big, 100, msg.length);
        DecodeResult.Failed f = assertInstanceOf(DecodeResult.Failed.class,
                TextCodec.decode(big, 100, msg.length, DecodeOptions.LENIENT));
        assertEquals(Decode.HEADER.length() + 13, f.error().offset());
        assertEquals(2, f.error().line());
        assertEquals(14, f.error().column());
        assertEquals(List.of(1L), f.requestTransactionIds());
    }

    @Test
    void aMessageOverTheLimitIsRefusedWhereverItSits() {
        DecodeOptions small = DecodeOptions.LENIENT.withMaxMessageBytes(20);
        byte[] msg = (Decode.HEADER + "T=1{C=1{MF=t}}").getBytes(StandardCharsets.ISO_8859_1);
        byte[] big = new byte[msg.length + 3];
        System.arraycopy(msg, 0, big, 3, msg.length);
        DecodeResult.Failed f = assertInstanceOf(DecodeResult.Failed.class, TextCodec.decode(big, 3, msg.length, small));
        assertEquals(20, f.error().offset());
        assertEquals("message of " + msg.length + " octets exceeds the limit of 20", f.error().reason());
        assertEquals(f, TextCodec.decode(msg, small));
        assertEquals(f, TextCodec.decode(new String(msg, StandardCharsets.ISO_8859_1), small));
    }

    @Test
    void aRangeOutsideTheArrayIsACallerError() {
        byte[] msg = new byte[10];
        assertThrows(IndexOutOfBoundsException.class, () -> TextCodec.decode(msg, 5, 6, DecodeOptions.LENIENT));
        assertThrows(IndexOutOfBoundsException.class, () -> TextCodec.decode(msg, -1, 2, DecodeOptions.LENIENT));
    }

    @Test
    void textWithACharacterAboveIso88591IsASyntaxErrorAtThatCharacter() {
        String text = Decode.HEADER + "T=1{C=1{MF=t{M{L{v=0 s=caf\u00e9 \u20ac}}}}}";
        DecodeResult.Failed f = assertInstanceOf(DecodeResult.Failed.class, TextCodec.decode(text, DecodeOptions.LENIENT));
        assertEquals(text.indexOf('\u20ac'), f.error().offset());
        assertEquals("character U+20AC is not an ISO-8859-1 octet", f.error().reason());
        assertEquals(2, f.error().line());
        // a surrogate pair: the position of its first half
        String pair = Decode.HEADER + "T=1{C=1{MF=t{M{L{\ud83d\ude00}}}}}";
        f = assertInstanceOf(DecodeResult.Failed.class, TextCodec.decode(pair, DecodeOptions.STRICT));
        assertEquals(pair.indexOf('\ud83d'), f.error().offset());
        // ISO-8859-1 characters above 0x7F and a literal '?' are octets like any other
        String latin = Decode.HEADER + "T=1{C=1{MF=t{M{L{s=caf\u00e9?\u00ff}}}}}";
        assertInstanceOf(DecodeResult.Decoded.class, TextCodec.decode(latin, DecodeOptions.LENIENT));
    }

    private static Message withSdp(String sdp) {
        return Message.of(1, MGC, new Transaction.Request(1, List.of(ActionRequest.of(ContextId.of(1),
                new Command.Amm(Command.AmmVerb.MODIFY, List.of(tid("t1")),
                        List.of(new MediaDescriptor(List.of(new LocalDescriptor(sdp)))))))));
    }

    @Test
    void encodingToOctetsEqualsTheIso88591OctetsOfTheText() {
        for (Message m : SampleMessages.all()) {
            for (TextForm form : TextForm.values()) {
                assertArrayEquals(TextCodec.encode(m, form).getBytes(StandardCharsets.ISO_8859_1),
                        TextCodec.encodeToBytes(m, form), form + " " + m);
            }
        }
    }

    @Test
    void charactersAboveIso88591AreKeptInTextAndWrittenAsQuestionMarksInOctets() {
        // what String.getBytes(ISO_8859_1) does: one '?' per character, one per surrogate pair, one per lone half
        String sdp = "s=caf\u00e9 \u20ac \ud83d\ude00 \ud83d x\u00ff";
        Message m = withSdp(sdp);
        for (TextForm form : TextForm.values()) {
            String text = TextCodec.encode(m, form);
            assertEquals(1, text.split(java.util.regex.Pattern.quote(sdp), -1).length - 1, text);
            byte[] octets = TextCodec.encodeToBytes(m, form);
            assertArrayEquals(text.getBytes(StandardCharsets.ISO_8859_1), octets, form.toString());
            assertEquals(text.replace("\u20ac", "?").replace("\ud83d\ude00", "?").replace("\ud83d", "?"),
                    new String(octets, StandardCharsets.ISO_8859_1));
        }
        // in a property value too, and many of them (the writer's bookkeeping grows)
        String many = "\"" + "\u0100".repeat(40) + "\"";
        Message p = Message.of(1, MGC, new Transaction.Request(1, List.of(ActionRequest.of(ContextId.of(1),
                new Command.Amm(Command.AmmVerb.MODIFY, List.of(tid("t\u0101")), List.of(new MediaDescriptor(
                        List.of(new dev.holdfast.h248.message.LocalControlDescriptor(
                                List.of(PropertyParm.of("a/b", many)))))))))));
        String text = TextCodec.encode(p, TextForm.COMPACT);
        assertEquals("!/1 [192.0.2.1]:2944\nT=1{C=1{MF=t\u0101{M{O{a/b=" + many + "}}}}}", text);
        assertArrayEquals(text.getBytes(StandardCharsets.ISO_8859_1), TextCodec.encodeToBytes(p, TextForm.COMPACT));
    }

    @Test
    void aModelTheEncoderRefusesLeavesTheNextEncodingIntact() {
        Message bad = withSdp("a}b");
        assertThrows(IllegalArgumentException.class, () -> TextCodec.encodeToBytes(bad, TextForm.PRETTY));
        Message good = withSdp("v=0");
        assertEquals("!/1 [192.0.2.1]:2944\nT=1{C=1{MF=t1{M{L{v=0}}}}}", TextCodec.encode(good, TextForm.COMPACT));
    }

    @Test
    void largeMessagesGrowTheBufferAndNumbersAreWrittenInDecimal() {
        String sdp = "v=0\n" + "a=x\n".repeat(30_000);
        Message m = withSdp(sdp);
        byte[] octets = TextCodec.encodeToBytes(m, TextForm.COMPACT);
        assertEquals("!/1 [192.0.2.1]:2944\nT=1{C=1{MF=t1{M{L{" + sdp + "}}}}}",
                new String(octets, StandardCharsets.ISO_8859_1));
        for (long id : new long[] {0, 9, 10, 99, 100, 4294967295L}) {
            Message t = Message.of(1, MGC, new Transaction.Pending(id));
            assertEquals("!/1 [192.0.2.1]:2944\nPN=" + id + "{}", TextCodec.encode(t, TextForm.COMPACT));
        }
        // and the next small message is right after a big one
        assertEquals("!/1 [192.0.2.1]:2944\nPN=7{}", TextCodec.encode(Message.of(1, MGC, new Transaction.Pending(7)),
                TextForm.COMPACT));
    }
}
