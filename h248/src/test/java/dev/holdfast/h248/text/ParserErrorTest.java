package dev.holdfast.h248.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.holdfast.h248.text.Decode.HEADER;
import static dev.holdfast.h248.text.Decode.error;
import static dev.holdfast.h248.text.Decode.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Syntax errors: exact position (offset, line, column) and a reason a gateway engineer can act on. */
class ParserErrorTest {

    /** Asserts the reason and that the error is at the first occurrence of {@code at} (after {@code after}). */
    private static void assertError(String text, String reason, String at, int occurrence) {
        SyntaxError e = error(text);
        assertEquals(reason, e.reason());
        int offset = Decode.offsetOf(text, at, occurrence);
        assertEquals(offset, e.offset(), "offset");
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        assertEquals(line, e.line(), "line");
        assertEquals(offset - lineStart + 1, e.column(), "column");
        assertEquals("line " + line + ", column " + (offset - lineStart + 1) + ": " + reason, e.describe());
    }

    private static void assertError(String text, String reason, String at) { assertError(text, reason, at, 0); }

    @Test
    void missingBraceAfterACommandThatNeedsOne() {
        assertError(request("AuditValue = A4444 , Add = A5555"),
                "expected '{' after 'AuditValue = A4444' but found ','", ",");
    }

    @Test
    void missingEquals() {
        assertError(HEADER + "Transaction 1 { Context = 1 { Add = a } }",
                "expected '=' after 'Transaction' but found '1'", "1 {");
    }

    @Test
    void missingClosingBraceAtTheEnd() {
        String text = HEADER + "Transaction = 1 {\n  Context = 1 {\n    Modify = t1 { Signals { cg/rt } }\n  }\n";
        SyntaxError e = error(text);
        assertEquals("expected ',' or '}' after 'Context = 1 { Modify = t1 { Signals { cg/rt } } }' but found the end"
                + " of the message", e.reason());
        assertEquals(text.length(), e.offset());
        assertEquals(6, e.line());
        assertEquals(1, e.column());
    }

    @Test
    void unknownTransactionKeyword() {
        assertError(HEADER + "Transact = 1 { }",
                "expected a transaction (Transaction, Reply, Pending, TransactionResponseAck or Segment) or an Error"
                        + " descriptor but found 'Transact'", "Transact");
    }

    @Test
    void garbageAfterTheLastTransaction() {
        assertError(HEADER + "P=1{C=-{N=t}} trailing garbage",
                "expected another transaction or the end of the message but found 'trailing'", "trailing");
    }

    @Test
    void noWhiteSpaceBeforeTheMId() {
        assertError("MEGACO/1[10.0.0.1] P=1{C=-{N=t}}",
                "expected white space before the mId after 'MEGACO/1' but found '['", "[");
    }

    @Test
    void wrongStartOfMessage() {
        assertError("MEGACOP/1 [10.0.0.1] P=1{C=-{N=t}}",
                "expected 'MEGACO/' or '!/' at the start of the message but found 'MEGACOP/1'", "MEGACOP");
    }

    @Test
    void eventNameWithoutPackage() {
        assertError(request("Modify = t1 { Events = 1 { offhook } }"),
                "expected '/' after the package name 'offhook' but found ' '", " }", 0);
    }

    @Test
    void propertyWithoutValue() {
        assertError(request("MF=t{M{O{a/b=}}}"), "expected a value after 'a/b=' but found '}'", "}");
    }

    @Test
    void unclosedQuotedString() {
        assertError(HEADER + "P=1{ER=400{\"never closed}}", "the quoted string starting here is never closed", "\"");
    }

    @Test
    void controlCharacterInQuotedString() {
        assertError(HEADER + "P=1{ER=400{\"bad\u0001\"}}", "octet 0x01 is not allowed in a quoted string", "\u0001");
    }

    @Test
    void badContextId() {
        assertError(request("Add = a").replace("Context = 1", "Context = x"),
                "expected a context id (a number, '-', '$' or '*') after 'Context =' but found 'x'", "x {");
    }

    @Test
    void serviceChangeWithoutServices() {
        assertError(request("SC=ROOT{MT=RS}"), "expected 'Services' after 'SC=ROOT{' but found 'MT'", "MT");
    }

    @Test
    void notifyWithoutObservedEvents() {
        assertError(request("Notify = t1 { Events = 1 { al/on } }"),
                "expected an ObservedEvents descriptor after 'Notify = t1 {' but found 'Events'", "Events");
    }

    @Test
    void subtractWithADescriptorOtherThanAudit() {
        assertError(request("Subtract = t1 { Media { } }"),
                "unexpected descriptor 'Media' in Subtract: only an Audit descriptor is allowed", "Media");
    }

    @Test
    void errorDescriptorAfterObservedEventsMustBeAnError() {
        assertError(request("N=t1{OE=1{g/x},SG{}}"),
                "expected an Error descriptor (the only descriptor allowed after ObservedEvents in a Notify) after"
                        + " 'OE=1{g/x},' but found 'SG'", "SG");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "MF=t{SG{cg/rt{SY=Forever}}}    | expected a signal type (OnOff, TimeOut or Brief) after 'SY=' but found 'Forever' | Forever",
            "MF=t{SG{cg/rt{NC={TO,Never}}}} | unknown notification reason 'Never' in NotifyCompletion                          | Never",
            "MF=t{E=1{a/b{DM=}}}            | expected a digit map name or '{' after 'DM=' but found '}'                       | }}}",
            "MF=t{M{TS{SI=Up}}}             | expected a service state (Test, OutOfService or InService) after 'SI=' but found 'Up' | Up",
            "MF=t{M{TS{BF=ON}}}             | expected OFF or LockStep after 'BF=' but found 'ON'                              | ON",
            "MF=t{MD=V99}                   | expected a modem type (V18, V22, V22b, V32, V32b, V34, V90, V91, SynchISDN or X-...) after 'MD=' but found 'V99' | V99",
            "MF=t{MX=H999{a}}               | expected a mux type (H221, H223, H226, V76, Nx64Kservice or X-...) after 'MX=' but found 'H999' | H999",
            "MF=t{M{O{RV=maybe}}}           | expected ON or OFF after 'RV=' but found 'maybe'                                 | maybe",
            "MF=t{M{O{a/b=[1,2}}}           | expected ',' or ']' after '2' but found '}'                                       | }}}",
            "MF=t{M{ST=1{O{MO=SO}}}         | expected ',' or '}' after 'C=1{MF=t{M{ST=1{O{MO=SO}}}}}' but found the end of the message | ``",
    })
    void descriptorErrors(String fragment, String reason, String at) {
        String text = HEADER + "T=1{C=1{" + fragment.strip() + "}}";
        if (at == null || at.isEmpty()) {
            SyntaxError e = error(text);
            assertEquals(reason, e.reason());
            assertEquals(text.length(), e.offset());
            return;
        }
        assertError(text, reason, at.strip(), 0);
    }

    @Test
    void errorPositionOnALaterLine() {
        String text = HEADER + "Transaction = 1 {\n  Context = 1 {\n    Modify = t1 {\n      Media { Strem = 1 { } }\n"
                + "    }\n  }\n}\n";
        SyntaxError e = error(text);
        assertEquals("unknown descriptor 'Strem' in Media", e.reason());
        assertEquals(5, e.line());
        assertEquals(15, e.column());
    }
}
