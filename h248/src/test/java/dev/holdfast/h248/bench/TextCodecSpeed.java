package dev.holdfast.h248.bench;

import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.text.DecodeOptions;
import dev.holdfast.h248.text.DecodeResult;
import dev.holdfast.h248.text.TextCodec;
import dev.holdfast.h248.text.TextForm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Speed of the text codec on the RFC 3525 messages that Erlang/OTP megaco accepts (the 17 of the 28 whose header is
 * MEGACO/1 and that OTP's v1 parser decodes), through the byte entry points the transports use. One operation is one
 * message: the figures are per message, like the Erlang benchmark's. {@code form}: PRETTY decodes the files as they
 * are and encodes pretty text; COMPACT decodes our compact encoding of the same messages and encodes compact text.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TextCodecSpeed {
    /** The RFC 3525 files OTP megaco's v1 text decoder accepts. */
    public static final List<String> OTP_ACCEPTED = List.of("02", "04", "06", "08", "09", "10", "11", "12", "16",
            "18", "20", "22", "23", "24", "26", "27", "28");
    static final int N = 17;

    @Param({"PRETTY", "COMPACT"})
    public TextForm form;

    byte[][] wire;
    Message[] messages;

    @Setup(Level.Trial)
    public void load() throws IOException {
        Path dir = Path.of(System.getProperty("rfc3525.dir", "h248/src/test/resources/rfc3525"));
        wire = new byte[N][];
        messages = new Message[N];
        for (int i = 0; i < N; i++) {
            byte[] file = Files.readAllBytes(dir.resolve(OTP_ACCEPTED.get(i) + ".txt"));
            Message m = decoded(file);
            wire[i] = form == TextForm.PRETTY ? file : TextCodec.encodeToBytes(m, TextForm.COMPACT);
            messages[i] = decoded(wire[i]);
        }
    }

    private static Message decoded(byte[] b) {
        DecodeResult r = TextCodec.decode(b, 0, b.length, DecodeOptions.LENIENT);
        if (!(r instanceof DecodeResult.Decoded d)) throw new IllegalStateException("not decodable: " + r);
        return d.message();
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void decode(Blackhole bh) {
        for (byte[] b : wire) bh.consume(TextCodec.decode(b, 0, b.length, DecodeOptions.LENIENT));
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void encode(Blackhole bh) {
        for (Message m : messages) bh.consume(TextCodec.encodeToBytes(m, form));
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void decodeEncode(Blackhole bh) {
        for (byte[] b : wire) {
            DecodeResult r = TextCodec.decode(b, 0, b.length, DecodeOptions.LENIENT);
            bh.consume(TextCodec.encodeToBytes(((DecodeResult.Decoded) r).message(), form));
        }
    }
}
