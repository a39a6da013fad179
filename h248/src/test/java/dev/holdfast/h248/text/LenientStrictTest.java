package dev.holdfast.h248.text;

import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.ErrorDescriptor;
import dev.holdfast.h248.message.EventsDescriptor;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.RequestedEvent;
import dev.holdfast.h248.message.SignalParm;
import dev.holdfast.h248.message.SignalsDescriptor;
import dev.holdfast.h248.message.Transaction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Stream;

import static dev.holdfast.h248.text.Decode.HEADER;
import static dev.holdfast.h248.text.Decode.decoded;
import static dev.holdfast.h248.text.Decode.ok;
import static dev.holdfast.h248.text.Decode.reply;
import static dev.holdfast.h248.text.Decode.request;
import static dev.holdfast.h248.text.Decode.strictError;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every deviation the lenient decoder accepts: lenient mode decodes and reports it (kind, exact position, detail);
 * strict mode fails at that same position with the detail as the reason.
 */
class LenientStrictTest {

    /**
     * @param text   the message
     * @param kind   the one deviation expected
     * @param marker the text that starts where the deviation is reported (its first occurrence)
     * @param detail the expected detail (and strict reason)
     */
    private static Arguments deviation(String name, String text, Deviation.Kind kind, String marker, int markerShift,
                                       String detail) {
        return Arguments.of(name, text, kind, Decode.offsetOf(text, marker) + markerShift, detail);
    }

    static Stream<Arguments> deviations() {
        String sc = request("ServiceChange = ROOT { Services { Method = Restart, ServiceChangeAddress = 55555 } }");
        String unquoted = request("SC=ROOT{SV{MT=FO,RE=905}}");
        String noMethod = request("SC=ROOT{SV{RE=\"905\"}}");
        return Stream.of(
                deviation("event parameters in parentheses", request("MF=t{E=1{al/of(strict=state)}}"),
                        Deviation.Kind.PARENTHESISED_PARAMETERS, "(", 0,
                        "parameters of 'al/of' in parentheses '( )' instead of braces '{ }'"),
                deviation("signal parameters in parentheses", request("MF=t{SG{cg/rt (DR=10)}}"),
                        Deviation.Kind.PARENTHESISED_PARAMETERS, "(", 0,
                        "parameters of 'cg/rt' in parentheses '( )' instead of braces '{ }'"),
                deviation("observed event parameters in parentheses",
                        request("N=t{OE=1{19990729T22000000:al/of(init=false)}}"),
                        Deviation.Kind.PARENTHESISED_PARAMETERS, "(", 0,
                        "parameters of 'al/of' in parentheses '( )' instead of braces '{ }'"),
                deviation("event spec parameters in parentheses", request("MF=t{EB{g/x(ST=1)}}"),
                        Deviation.Kind.PARENTHESISED_PARAMETERS, "(", 0,
                        "parameters of 'g/x' in parentheses '( )' instead of braces '{ }'"),
                deviation("trailing comma in LocalControl", request("MF=t{M{ST=1{O{MO=SO,}}}}"),
                        Deviation.Kind.TRAILING_COMMA, ",}", 0,
                        "comma before the closing '}' after 'MO=SO'"),
                deviation("trailing comma in a value list", request("MF=t{M{O{a/b=[1,2,]}}}"),
                        Deviation.Kind.TRAILING_COMMA, ",]", 0, "comma before the closing ']' after '2'"),
                deviation("trailing comma in a transaction", HEADER + "T=1{C=1{MF=t},}",
                        Deviation.Kind.TRAILING_COMMA, ",}", 0, "comma before the closing '}' after 'C=1{MF=t}'"),
                deviation("white space in a digit map", request("MF=t{DM=dp{(1 2|3)}}"),
                        Deviation.Kind.WHITESPACE_IN_DIGIT_MAP, " 2", 0,
                        "white space or a line break inside the digit map, between '1' and '2'"),
                deviation("comment in a digit string", request("MF=t{DM=dp{(12;x\n3|4)}}"),
                        Deviation.Kind.WHITESPACE_IN_DIGIT_MAP, ";x", 0,
                        "white space or a line break inside the digit map, between '2' and '3'"),
                deviation("DTMF keys in a digit map", request("MF=t{DM=dp{(0S|#xxxxxxx|*xx)}}"),
                        Deviation.Kind.OTHER, "#", 0,
                        "'#' in a digit map: H.248.1 writes the DTMF keys * and # as E and F"),
                deviation("Notify with only an Error", request("N=t{ER=502{}}"), Deviation.Kind.OTHER, "ER", 0,
                        "Notify without an ObservedEvents descriptor (only an Error descriptor)"),
                deviation("empty event parameter braces", request("MF=t{E=1{al/on{}}}"), Deviation.Kind.OTHER,
                        "}", 0, "empty '{ }' after 'al/on{': the ABNF requires at least one item inside the braces"),
                deviation("empty signal parameter braces", request("MF=t{SG{cg/rt{ }}}"), Deviation.Kind.OTHER,
                        "}", 0, "empty '{ }' after 'cg/rt{': the ABNF requires at least one item inside the braces"),
                deviation("ServiceChange without Reason", sc, Deviation.Kind.MISSING_SERVICE_CHANGE_REASON,
                        "Services", 0, "ServiceChange request without a Reason (serviceChangeReason is REQUIRED)"),
                deviation("ServiceChange without Method", noMethod, Deviation.Kind.OTHER, "SV", 0,
                        "ServiceChange request without a Method (serviceChangeMethod is REQUIRED)"),
                deviation("unquoted ServiceChange Reason", unquoted, Deviation.Kind.OTHER, "905", 0,
                        "ServiceChange Reason 905 is not a quoted string (it MUST be, e.g. \"901 Cold Boot\")"),
                deviation("Method in a ServiceChange reply", reply("SC=ROOT{SV{MT=RS,V=2}}"), Deviation.Kind.OTHER,
                        "MT", 0, "'MT' is not allowed in a ServiceChange reply (servChgReplyParm)"),
                deviation("no white space after the mId", "MEGACO/1 [10.0.0.1]:2944T=1{C=1{MF=t}}",
                        Deviation.Kind.OTHER, "T=1", 0,
                        "no white space between the mId '[10.0.0.1]:2944' and the message body"),
                deviation("action reply with empty braces", HEADER + "Reply = 5 { Context = 3 { } }",
                        Deviation.Kind.OTHER, "} }", 0,
                        "'Context = 3 { }' has no command reply and no error inside its braces"),
                deviation("command with empty braces", request("Modify = t1 { }"), Deviation.Kind.OTHER, "}", 0,
                        "empty '{ }' after 'Modify = t1 {': the ABNF requires at least one item inside the braces"),
                deviation("comment not ended by a line break", HEADER + "P=1{C=1{MF=t}} ; no EOL",
                        Deviation.Kind.OTHER, ";", 0, "comment at the end of the message is not ended by a line break"),
                deviation("non-ASCII octet in a comment", HEADER + "P=1{C=1{MF=t}} ; 20\u00b5s\n",
                        Deviation.Kind.OTHER, "\u00b5", 0, "octet 0xB5 is not allowed in a comment"),
                deviation("NUL padding", HEADER + "P=1{C=1{MF=t}}\u0000\u0000\u0000", Deviation.Kind.OTHER,
                        "\u0000", 0, "3 NUL octet(s) after the end of the message"),
                deviation("single id in a termination id list", request("MF=[t1]"), Deviation.Kind.OTHER, "MF", 0,
                        "a '[ ]' termination id list with a single id in 'MF=[t1]' (termIDList needs two or more)"),
                deviation("'-' in a termination id", request("MF=line-1"), Deviation.Kind.OTHER, "-1", 0,
                        "'-' is not allowed in the termination id 'line-1' (pathNAME)"),
                deviation("termination id starting with a digit", request("MF=1/2"), Deviation.Kind.OTHER, "1/2", 0,
                        "termination id '1/2' does not start with a letter"),
                deviation("white space around the range colon", request("MF=t{M{O{a/b=[1 : 5]}}}"),
                        Deviation.Kind.OTHER, " : 5", 0, "white space around ':' in the range '1 : 5...'"),
                deviation("white space around an ack range dash", HEADER + "K{1 - 5}", Deviation.Kind.OTHER,
                        " - 5", 0, "white space around '-' in the acknowledged range '1 - 5...'"),
                deviation("unquoted error text", HEADER + "P=1{ER=400{Syntax error}}", Deviation.Kind.OTHER,
                        "Syntax", 0, "the text of Error = 400 is not a quoted string"),
                deviation("extension name too long", request("SC=ROOT{SV{MT=X-Restart7,RE=\"900\"}}"),
                        Deviation.Kind.OTHER, "X-", 0, "extension name 'X-Restart7' is longer than X- and 6 characters"),
                deviation("termination id over 64 characters", request("MF=t" + "x".repeat(70)),
                        Deviation.Kind.OTHER, "tx", 0, "termination id longer than 64 characters"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deviations")
    void lenientReportsAndStrictRejects(String name, String text, Deviation.Kind kind, int offset, String detail) {
        DecodeResult.Decoded d = decoded(text, DecodeOptions.LENIENT);
        assertEquals(1, d.deviations().size(), () -> d.deviations().toString());
        Deviation v = d.deviations().get(0);
        assertEquals(kind, v.kind());
        assertEquals(detail, v.detail());
        assertEquals(offset, v.offset());
        SyntaxError e = strictError(text);
        assertEquals(offset, e.offset());
        assertEquals(v.line(), e.line());
        assertEquals(v.column(), e.column());
        assertEquals(detail, e.reason());
    }

    @Test
    void parenthesisedParametersGiveTheSameModelAsBraces() {
        Message parens = decoded(request("MF=t{E=1{al/of(strict=state, x=(a)b),dd/ce(DM=dp)},SG{cg/rt(DR=5)}}"),
                DecodeOptions.LENIENT).message();
        assertEquals(ok(request("MF=t{E=1{al/of{strict=state, x=(a)b},dd/ce{DM=dp}},SG{cg/rt{DR=5}}}")), parens);
        Command.Amm amm = (Command.Amm) ((Transaction.Request) parens.transactions().get(0)).actions().get(0)
                .commands().get(0).command();
        EventsDescriptor e = (EventsDescriptor) amm.descriptors().get(0);
        assertEquals(RequestedEvent.of("al/of", PropertyParm.of("strict", "state"), PropertyParm.of("x", "(a)b")),
                e.events().get(0));
        assertEquals(SignalsDescriptor.of(SignalParm.Request.of("cg/rt",
                new dev.holdfast.h248.message.SignalParameter.Duration(5))), amm.descriptors().get(1));
    }

    @Test
    void trailingCommaIsDroppedFromTheModel() {
        assertEquals(ok(request("MF=t{M{ST=1{O{MO=SO}}}}")),
                decoded(request("MF=t{M{ST=1{O{MO=SO,},}}}"), DecodeOptions.LENIENT).message());
    }

    @Test
    void unquotedErrorTextIsKeptTrimmed() {
        Transaction.Reply r = (Transaction.Reply) decoded(HEADER + "P=1{ER=400{ Syntax error }}",
                DecodeOptions.LENIENT).message().transactions().get(0);
        assertEquals(ErrorDescriptor.of(400, "Syntax error"), r.error());
    }

    @Test
    void severalDeviationsAreAllReportedInOrder() {
        String text = request("MF=t{E=1{al/of(a=1),},DM=dp{(1 2)}}");
        DecodeResult.Decoded d = decoded(text, DecodeOptions.LENIENT);
        assertEquals(List.of(Deviation.Kind.PARENTHESISED_PARAMETERS, Deviation.Kind.TRAILING_COMMA,
                Deviation.Kind.WHITESPACE_IN_DIGIT_MAP), d.deviations().stream().map(Deviation::kind).toList());
        assertEquals(text.indexOf('('), strictError(text).offset());
    }
}
