package dev.holdfast.h248.text;

import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.CommandRequest;
import dev.holdfast.h248.message.Descriptor;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.Transaction;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

/** Decoding shortcuts for the parser tests: wrap a fragment in a minimal message, decode, unwrap. */
final class Decode {
    private Decode() {}

    static final String HEADER = "MEGACO/1 [10.0.0.1]:2944\n";

    static DecodeResult.Decoded decoded(String text, DecodeOptions options) {
        DecodeResult r = MessageParser.parse(text, options);
        if (r instanceof DecodeResult.Failed f) {
            fail("expected to decode but got " + f.error().describe() + "\n" + text);
        }
        return (DecodeResult.Decoded) r;
    }

    /** Lenient decode that must succeed with no deviation. */
    static Message ok(String text) {
        DecodeResult.Decoded d = decoded(text, DecodeOptions.LENIENT);
        assertEquals(List.of(), d.deviations(), "unexpected deviations");
        DecodeResult.Decoded strict = decoded(text, DecodeOptions.STRICT);
        assertEquals(d.message(), strict.message(), "strict and lenient disagree");
        return d.message();
    }

    static DecodeResult.Failed failed(String text, DecodeOptions options) {
        DecodeResult r = MessageParser.parse(text, options);
        return assertInstanceOf(DecodeResult.Failed.class, r, () -> "expected a syntax error for\n" + text);
    }

    /** The lenient syntax error for {@code text}. */
    static SyntaxError error(String text) { return failed(text, DecodeOptions.LENIENT).error(); }

    static SyntaxError strictError(String text) { return failed(text, DecodeOptions.STRICT).error(); }

    /** A request message with one transaction and one action holding {@code commands}. */
    static String request(String commands) { return HEADER + "Transaction = 1 { Context = 1 { " + commands + " } }"; }

    /** A reply message with one action holding {@code replies}. */
    static String reply(String replies) { return HEADER + "Reply = 1 { Context = 1 { " + replies + " } }"; }

    static ActionRequest action(String commands) {
        Transaction.Request t = (Transaction.Request) ok(request(commands)).transactions().get(0);
        return t.actions().get(0);
    }

    static CommandRequest commandRequest(String command) { return action(command).commands().get(0); }

    static Command command(String command) { return commandRequest(command).command(); }

    /** The descriptors of {@code Modify = t1 { descriptors }}. */
    static List<Descriptor> descriptors(String descriptors) {
        return ((Command.Amm) command("Modify = t1 { " + descriptors + " }")).descriptors();
    }

    static Descriptor descriptor(String descriptor) { return descriptors(descriptor).get(0); }

    static ActionReply actionReply(String replies) {
        Transaction.Reply t = (Transaction.Reply) ok(reply(replies)).transactions().get(0);
        return t.actions().get(0);
    }

    static CommandReply commandReply(String reply) { return actionReply(reply).replies().get(0); }

    /** The offset of the {@code n}th (0-based) occurrence of {@code what} in {@code text}. */
    static int offsetOf(String text, String what, int n) {
        int i = -1;
        for (int k = 0; k <= n; k++) {
            i = text.indexOf(what, i + 1);
            if (i < 0) throw new IllegalArgumentException(what + " not found " + (n + 1) + " times");
        }
        return i;
    }

    static int offsetOf(String text, String what) { return offsetOf(text, what, 0); }
}
