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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The text codec on a realistic call-flow mix: the RFC 3525 Appendix A messages ({@link BenchCorpus}) in one form.
 * One operation is one message; successive operations take the messages in call-flow order, round and round, so
 * the average time per operation is the time per message of the mix (messages/s = 10^6 / the score in µs), and
 * JMH's GC profiler ({@code -prof gc}) gives the bytes allocated per message ({@code gc.alloc.rate.norm}).
 *
 * <ul>
 *   <li>{@code decode}: octets to model (lenient, the default for received messages);</li>
 *   <li>{@code encode}: model to octets in the same form;</li>
 *   <li>{@code decodeEncode}: both, as a peer that reads a message and writes one does (what OTP megaco's
 *       benchmark times as {@code us_per_decode_encode}).</li>
 * </ul>
 * {@code files} restricts the mix (bin/bench-codec passes the messages that OTP megaco accepts, to compare like
 * with like). Run it with bin/bench-codec, or
 * {@code java -cp <test classpath> org.openjdk.jmh.Main CodecBenchmark -prof gc}.
 *
 * <p>JVM options: the forks run with the options the product runs the codec with, bin/controller's defaults
 * ({@code bin/controller --default-jvm-options}: the Shenandoah collector on a fixed heap touched at start, C2's InlineSmallCode
 * at 1000, see there why). bin/bench-codec passes
 * them to the forks itself ({@code -jvmArgs}, so that they are read from bin/controller, not from here) and prints
 * them; the {@code @Fork} annotation's copy is for direct JMH runs, and {@code CodecBenchmarkOptionsTest} keeps it
 * equal.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-XX:+UseShenandoahGC", "-Xms4g", "-Xmx4g", "-XX:+UseTransparentHugePages",
        "-XX:+AlwaysPreTouch", "-XX:InlineSmallCode=1000"})
public class CodecBenchmark {
    @Param({"PRETTY", "COMPACT"})
    public String form;

    /** "*" for the whole corpus, else file names joined by '+' (e.g. {@code 02.txt+04.txt}). */
    @Param({"*"})
    public String files;

    private TextForm textForm;
    private byte[][] texts;
    private Message[] models;
    private int next;

    @Setup(Level.Trial)
    public void load() {
        textForm = TextForm.valueOf(form);
        Map<String, byte[]> set = BenchCorpus.load(textForm, files);
        texts = set.values().toArray(new byte[0][]);
        models = new Message[texts.length];
        for (int i = 0; i < texts.length; i++) {
            DecodeResult r = TextCodec.decode(texts[i], DecodeOptions.LENIENT);
            if (!(r instanceof DecodeResult.Decoded d)) throw new IllegalStateException("message " + i + ": " + r);
            models[i] = d.message();
            // the set is in our canonical form: what we decode we write back octet for octet
            if (!Arrays.equals(texts[i], TextCodec.encodeToBytes(models[i], textForm))) {
                throw new IllegalStateException("message " + i + " is not a fixed point of decode+encode");
            }
        }
    }

    private int nextIndex() {
        int i = next;
        next = i + 1 == texts.length ? 0 : i + 1;
        return i;
    }

    @Benchmark
    public DecodeResult decode() {
        return TextCodec.decode(texts[nextIndex()], DecodeOptions.LENIENT);
    }

    @Benchmark
    public byte[] encode() {
        return TextCodec.encodeToBytes(models[nextIndex()], textForm);
    }

    @Benchmark
    public byte[] decodeEncode() {
        DecodeResult r = TextCodec.decode(texts[nextIndex()], DecodeOptions.LENIENT);
        return TextCodec.encodeToBytes(((DecodeResult.Decoded) r).message(), textForm);
    }
}
