package dev.holdfast.h248.transport.codec;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static dev.holdfast.h248.transport.codec.MessageSniffer.Kind.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

class MessageSnifferTest {
    static MessageSniffer.Kind k(String s) { return MessageSniffer.classify(s.getBytes(StandardCharsets.ISO_8859_1)); }

    @Test
    void requestsInBothForms() {
        assertEquals(REQUESTS, k("MEGACO/1 [123.123.123.4]:55555\nTransaction = 9998 {\n Context = - {"));
        assertEquals(REQUESTS, k("!/1 [123.123.123.4]:55555 T=9998{C=-{"));
        assertEquals(REQUESTS, k("  ; comment\n!/1 <mgc.example.net>:2944\n; another\nt=1{"));
        assertEquals(REQUESTS, k("!/2 mg1/line T=1{"));
    }

    @Test
    void responsesAreRecognisedSoThatTheyAreNeverAnswered() {
        assertEquals(RESPONSES, k("MEGACO/1 [124.124.124.222]:55555\nReply = 9998 { Context = - {"));
        assertEquals(RESPONSES, k("!/1 [1.2.3.4] P=1{C=-{"));
        assertEquals(RESPONSES, k("!/1 [1.2.3.4] PN=1{}"));
        assertEquals(RESPONSES, k("!/1 [1.2.3.4] K{1-3}"));
        assertEquals(RESPONSES, k("MEGACO/1 [1.2.3.4] TransactionResponseAck{1}"));
        assertEquals(RESPONSES, k("MEGACO/1 [1.2.3.4]:2944 Error=400{\"bad\"}"));
        assertEquals(RESPONSES, k("!/1 [1.2.3.4] ER=400"));
        assertEquals(RESPONSES, k("!/3 [1.2.3.4] SM=4/2"));
    }

    @Test
    void noHeaderIsNotH248() {
        assertEquals(NOT_H248, k(""));
        assertEquals(NOT_H248, k("\u0000\u0001\u00ff garbage"));
        assertEquals(NOT_H248, k("GET / HTTP/1.1"));
    }

    @Test
    void headerWithAnUnknownBodyIsUnknown() {
        assertEquals(UNKNOWN, k("MEGACO/1 [1.2.3.4] Foo=1{}"));
        assertEquals(UNKNOWN, k("MEGACO/1 [1.2.3.4]"));
        assertEquals(UNKNOWN, k("!/1 [1.2.3.4"));
    }
}
