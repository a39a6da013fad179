package dev.holdfast.h248.text;

import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.CommandRequest;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.Transaction;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static dev.holdfast.h248.text.Decode.decoded;
import static dev.holdfast.h248.text.Decode.failed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The decoder hands back the values it made before for the same octets (RecentValues): equal models, shared
 * immutable parts, and every check and deviation still made on each message.
 */
class RecentValuesTest {
    private static final String MESSAGE = "MEGACO/1 [124.124.124.222]:55555\nTransaction = 7 { Context = 2000 {"
            + " Modify = A4444 { Events = 2222 { al/of { strict=state } }, Media { Stream = 1 { LocalControl {"
            + " Mode=SendReceive, tdmc/ec=on } } } } } }";

    private static Message decode(String text, DecodeOptions options) {
        return decoded(text, options).message();
    }

    private static CommandRequest command(Message m) {
        return ((Transaction.Request) m.transactions().get(0)).actions().get(0).commands().get(0);
    }

    @Test
    void theSameOctetsGiveEqualModelsThatShareTheirRepeatedParts() {
        Message first = decode(MESSAGE, DecodeOptions.LENIENT);
        Message second = decode(MESSAGE, DecodeOptions.LENIENT);
        assertEquals(first, second);
        assertSame(first.mid(), second.mid());
        Command.Amm a = (Command.Amm) command(first).command();
        Command.Amm b = (Command.Amm) command(second).command();
        assertSame(a.terminationIds(), b.terminationIds());
        assertSame(((Transaction.Request) first.transactions().get(0)).actions().get(0).contextId(),
                ((Transaction.Request) second.transactions().get(0)).actions().get(0).contextId());
    }

    @Test
    void differentOctetsGiveDifferentValues() {
        Message m = decode(MESSAGE, DecodeOptions.LENIENT);
        Message other = decode(MESSAGE.replace("A4444", "A4445").replace("[124.124.124.222]", "[124.124.124.223]")
                .replace("tdmc/ec=on", "tdmc/ec=of"), DecodeOptions.LENIENT);
        assertEquals(new TerminationId("A4445"),
                ((Command.Amm) command(other).command()).terminationIds().get(0));
        assertNotEquals(m.mid(), other.mid());
        assertNotEquals(m, other);
        // and the first message's values are still what they were
        assertEquals(m, decode(MESSAGE, DecodeOptions.LENIENT));
    }

    @Test
    void theSameOctetsAsAnotherKindOfValueStayApart() {
        // "A4444" as a termination id and as a parameter value; "2000" as a context id and as a request id
        String text = "MEGACO/1 [10.0.0.1]:2944\nTransaction = 1 { Context = 2000 { Modify = A4444 {"
                + " Events = 2000 { al/of { x=A4444 } } } } }";
        for (int i = 0; i < 2; i++) {
            Message m = decode(text, DecodeOptions.LENIENT);
            Command.Amm amm = (Command.Amm) command(m).command();
            assertEquals(new TerminationId("A4444"), amm.terminationIds().get(0));
            var events = (dev.holdfast.h248.message.EventsDescriptor) amm.descriptors().get(0);
            assertEquals(2000, events.requestId().value());
            PropertyParm x = (PropertyParm) events.events().get(0).parameters().get(0);
            assertEquals("A4444", ((dev.holdfast.h248.message.ParmValue.Single) x.value()).value());
        }
    }

    @Test
    void aDeviationIsReportedEachTimeAndStrictFailsEachTime() {
        // a termination id with '.' is a deviation; the second decode hands back the id made the first time
        String text = "MEGACO/1 [10.0.0.1]:2944\nTransaction = 1 { Context = 1 { Modify = line.1 } }";
        int strictAt = failed(text, DecodeOptions.STRICT).error().offset();
        for (int i = 0; i < 3; i++) {
            assertEquals(1, decoded(text, DecodeOptions.LENIENT).deviations().size());
            assertEquals(strictAt, failed(text, DecodeOptions.STRICT).error().offset());
        }
    }

    @Test
    void aFailureReportsTheMIdReadBeforeIt() {
        String text = "MEGACO/1 [124.124.124.222]:55555\nTransaction = 9 { Context = 1 { Modify = A1 { Medai } } }";
        DecodeResult.Failed f = failed(text, DecodeOptions.LENIENT);
        assertEquals(decode(MESSAGE, DecodeOptions.LENIENT).mid(), f.mid());
        assertEquals(1, f.version());
        assertNull(failed("MEGACO/1 [1.2.3", DecodeOptions.LENIENT).mid());
    }

    @Test
    void theTableKeepsWorkingWhenManyValuesCompeteForItsSlots() {
        // more distinct ids than slots: each decode still gives the id written
        for (int i = 0; i < 3000; i++) {
            String id = "T" + i;
            String text = "MEGACO/1 [10.0.0.1]:2944\nTransaction = 1 { Context = 1 { Modify = " + id + " } }";
            Message m = decode(text, DecodeOptions.LENIENT);
            assertEquals(new TerminationId(id), ((Command.Amm) command(m).command()).terminationIds().get(0));
        }
        // octets of up to 24 go through the table, longer ones not: both read right
        String longest = "x".repeat(24);
        String longer = "y".repeat(25);
        for (String name : new String[] {longest, longer, longest, longer}) {
            String text = "MEGACO/1 [10.0.0.1]:2944\nTransaction = 1 { Context = 1 { Modify = A1 { Events = 1 {"
                    + " al/of { " + name + "=on } } } } }";
            byte[] octets = text.getBytes(StandardCharsets.ISO_8859_1);
            DecodeResult r = TextCodec.decode(octets, DecodeOptions.LENIENT);
            var events = (dev.holdfast.h248.message.EventsDescriptor)
                    ((Command.Amm) command(((DecodeResult.Decoded) r).message()).command()).descriptors().get(0);
            assertEquals(name, ((PropertyParm) events.events().get(0).parameters().get(0)).name());
        }
    }

    @Test
    void aKeyIsTheSameWhereverItsOctetsLieInTheArray() {
        // the key is read by whole 8-octet words when 24 octets follow it in the array, else octet by octet: both
        // readings of the same octets must find the same value, and the octets after the key must not count
        for (int n = 1; n <= RecentValues.MAX_OCTETS; n++) {
            RecentValues table = new RecentValues();
            byte[] far = new byte[n + 40];
            java.util.Arrays.fill(far, (byte) 'z'); // different octets right after the key
            byte[] near = new byte[n];
            for (int i = 0; i < n; i++) {
                far[8 + i] = (byte) ('a' + i);
                near[i] = (byte) ('a' + i);
            }
            assertNull(table.find(far, 8, 8 + n, RecentValues.STRING));
            String kept = table.keep("key" + n);
            assertSame(kept, table.find(near, 0, n, RecentValues.STRING), "length " + n + " read near the end");
            assertSame(kept, table.find(far, 8, 8 + n, RecentValues.STRING), "length " + n + " read far from the end");
            assertNull(table.find(far, 8, 8 + n, RecentValues.MID), "length " + n + " as another kind");
            if (n > 1) assertNull(table.find(near, 0, n - 1, RecentValues.STRING), "length " + n + " less one");
        }
    }
}
