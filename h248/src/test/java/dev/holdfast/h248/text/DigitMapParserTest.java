package dev.holdfast.h248.text;

import dev.holdfast.h248.message.DigitMapDescriptor;
import dev.holdfast.h248.message.DigitMapValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static dev.holdfast.h248.text.Decode.decoded;
import static dev.holdfast.h248.text.Decode.descriptor;
import static dev.holdfast.h248.text.Decode.error;
import static dev.holdfast.h248.text.Decode.request;
import static dev.holdfast.h248.text.Decode.strictError;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** digitMapValue: timers, digit strings, ranges, the white space the ABNF allows and the white space it does not. */
class DigitMapParserTest {

    private static DigitMapValue map(String body) {
        return ((DigitMapDescriptor) descriptor("DigitMap = dp {" + body + "}")).value();
    }

    @Test
    void timers() {
        assertEquals(new DigitMapValue(1, 2, 3, 4, "xx"), map("T:1,S:2,L:3,Z:4,xx"));
        assertEquals(new DigitMapValue(99, null, 16, null, "xx"), map(" t:99 , l:16 ,  xx "));
        assertEquals(new DigitMapValue(null, null, null, null, "L"), map("L"));
    }

    @Test
    void timersOutOfOrder() {
        assertEquals("digit map timer 'T:' is repeated or out of order (T, S, L, Z)", error(request(
                "MF=t{DM=dp{S:1,T:2,xx}}")).reason());
    }

    @Test
    void timerHasAtMostTwoDigits() {
        assertEquals("digit map timer value has more than 2 digits", error(request("MF=t{DM=dp{T:100,xx}}")).reason());
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "=>", quoteCharacter = '`', value = {
            "(0S|00S|[1-7]xLxx|8Lxxxxxxx|Fxxxxxxx|Exx|9L1xxxxxxxxxx|9L011x.S) => (0S|00S|[1-7]xLxx|8Lxxxxxxx|Fxxxxxxx|Exx|9L1xxxxxxxxxx|9L011x.S)",
            "xxxx                         => xxxx",
            "(E|F|[0-9ABCD]x.|Tx)         => (E|F|[0-9ABCD]x.|Tx)",
            "(1Z|2 [3-4] 5)               => (1Z|2[3-4]5)",
            "( 0 | 00 | [ 1-7 ] xxx )     => (0|00|[1-7]xxx)",
            "`(0|\n  00 ; comment\n |1)`  => (0|00|1)",
    })
    void validMapsWithAllowedWhiteSpace(String body, String expected) {
        // map() decodes strictly too and requires no deviation: all this white space is allowed
        assertEquals(expected, map(body.replace("\\n", "\n")).digitMap());
    }

    @Test
    void invalidCharacter() {
        String text = request("MF=t{DM=dp{(0S|qxxx)}}");
        SyntaxError e = error(text);
        assertEquals("'q' is not allowed in a digit map", e.reason());
        assertEquals(text.indexOf('q'), e.offset());
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "=>", quoteCharacter = '`', value = {
            "``          => empty digit map",
            "(0|)        => empty digit string before ')' in a digit map",
            "(0|1        => digit map '(' is not closed with ')'",
            "[1-         => digit map range '[' is not closed with ']'",
            "[1-a]       => expected a digit after '-' in the digit map range but found 'a'",
            "[a-1]       => '-' in a digit map range must come between two digits",
            "x(1)        => '(' is only allowed at the start of a digit map",
            "(1)x        => expected '}' after the ')' that ends the digit map but found 'x'",
            "1|2         => '|' outside '( )' in a digit map",
            ".1          => '.' in a digit map must follow a digit position",
    })
    void invalidMaps(String body, String reason) {
        assertEquals(reason, error(request("MF=t{DM=dp{" + body + "}}")).reason());
    }

    @Test
    void whiteSpaceInsideARangeIsADeviation() {
        String text = request("MF=t{DM=dp{(0| 00|[1-\n   7]xxx)}}");
        DecodeResult.Decoded d = decoded(text, DecodeOptions.LENIENT);
        assertEquals(List.of(Deviation.Kind.WHITESPACE_IN_DIGIT_MAP), d.deviations().stream().map(Deviation::kind).toList());
        assertEquals(text.indexOf("-\n") + 1, d.deviations().get(0).offset());
        DigitMapDescriptor dm = (DigitMapDescriptor) ((dev.holdfast.h248.message.Command.Amm) ((dev.holdfast.h248.message
                .Transaction.Request) d.message().transactions().get(0)).actions().get(0).commands().get(0).command())
                .descriptors().get(0);
        assertEquals("(0|00|[1-7]xxx)", dm.value().digitMap());
        SyntaxError e = strictError(text);
        assertEquals(text.indexOf("-\n") + 1, e.offset());
        assertEquals("white space or a line break inside the digit map, between '-' and '7'", e.reason());
    }

    @Test
    void whiteSpaceInsideADigitStringIsADeviationReportedOnce() {
        DecodeResult.Decoded d = decoded(request("MF=t{DM=dp{(1 2 3|4 5)}}"), DecodeOptions.LENIENT);
        assertEquals(1, d.deviations().size());
        assertEquals(Deviation.Kind.WHITESPACE_IN_DIGIT_MAP, d.deviations().get(0).kind());
    }

    @Test
    void eventDigitMapValue() {
        assertEquals(new DigitMapValue(null, 3, null, null, "(xx|1x.)"),
                ((dev.holdfast.h248.message.EventParameter.EventDigitMap) ((dev.holdfast.h248.message.EventsDescriptor)
                        descriptor("E=1{dd/ce{DM={S:3,(xx|1x.)}}}")).events().get(0).parameters().get(0)).value());
    }
}
