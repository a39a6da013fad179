package dev.holdfast.h248.bench;

import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.text.DecodeOptions;
import dev.holdfast.h248.text.DecodeResult;
import dev.holdfast.h248.text.TextCodec;
import dev.holdfast.h248.text.TextForm;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * A quick look at the codec's speed on a busy machine, for development: the {@link BenchCorpus} messages, timed by
 * the thread's CPU time (time spent waiting for a core does not count, unlike JMH's wall-clock time) over many
 * short rounds, reporting the minimum, 10th percentile and median per message. {@link CodecBenchmark} (through
 * bin/bench-codec) gives the reported figures.
 *
 * <p>Usage: {@code java -cp <test classpath> dev.holdfast.h248.bench.TextCodecSpeedLoop [rounds] [files]
 * [FORM[:0|1|2]]}: {@code files} as in {@link BenchCorpus#load(TextForm, String)}, by default the 25 messages
 * OTP megaco accepts in our encoding (all but 01, 14 and 15); the last argument limits the run to one form and
 * optionally one of decode (0), encode (1), decode+encode (2), e.g. to profile it.
 *
 * <p>{@code -Dclock=process} times by the process's CPU time instead (all threads: the garbage collector's work
 * counts, as when comparing collectors; so does the JIT compiler's if it still compiles after the warm-up). Collections come
 * every few dozen rounds, so the mean, not the minimum, shows their cost.
 */
public final class TextCodecSpeedLoop {
    static final String OTP_ACCEPTED = "02.txt+03.txt+04.txt+05.txt+06.txt+07.txt+08.txt+09.txt+10.txt+11.txt+12.txt"
            + "+13.txt+16.txt+17.txt+18.txt+19.txt+20.txt+21.txt+22.txt+23.txt+24.txt+25.txt+26.txt+27.txt+28.txt";
    private static final String[] NAMES = {"decode", "encode", "decode+encode"};
    private static volatile Object sink;

    private TextCodecSpeedLoop() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        String files = args.length > 1 && !args[1].isEmpty() ? args[1] : OTP_ACCEPTED;
        String only = args.length > 2 ? args[2] : "";
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean processClock = "process".equals(System.getProperty("clock"));
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        java.util.function.LongSupplier clock = processClock ? os::getProcessCpuTime : mx::getCurrentThreadCpuTime;
        for (TextForm form : TextForm.values()) {
            if (!only.isEmpty() && !only.startsWith(form.name())) continue;
            byte[][] wire = BenchCorpus.load(form, files).values().toArray(new byte[0][]);
            Message[] messages = new Message[wire.length];
            for (int i = 0; i < wire.length; i++) messages[i] = decoded(wire[i]);
            // per round; the process clock ticks in 10 ms steps on Linux (the thread clock in ns): longer rounds
            int passes = processClock ? 2000 : 200;
            double[][] r = new double[3][rounds];
            for (int warm = 0; warm < 3; warm++) {
                for (int k = 0; k < rounds / 2; k++) {
                    for (int which = 0; which < 3; which++) {
                        if (selected(only, which)) run(which, wire, messages, form, passes);
                    }
                }
            }
            for (int k = 0; k < rounds; k++) {
                for (int which = 0; which < 3; which++) {
                    if (!selected(only, which)) continue;
                    long t0 = clock.getAsLong();
                    run(which, wire, messages, form, passes);
                    r[which][k] = (clock.getAsLong() - t0) / (double) (passes * wire.length);
                }
            }
            for (int which = 0; which < 3; which++) {
                if (!selected(only, which)) continue;
                double[] v = r[which];
                Arrays.sort(v);
                System.out.printf("%-8s %-14s min %7.1f  p10 %7.1f  median %7.1f  mean %7.1f ns/message (%s CPU"
                        + " time, %d messages)%n", form, NAMES[which], v[0], v[rounds / 10], v[rounds / 2],
                        Arrays.stream(v).average().orElse(0), processClock ? "process" : "thread", wire.length);
            }
        }
    }

    private static boolean selected(String only, int which) {
        return only.indexOf(':') < 0 || only.endsWith(":" + which);
    }

    private static void run(int which, byte[][] wire, Message[] messages, TextForm form, int passes) {
        Object last = null;
        for (int p = 0; p < passes; p++) {
            for (int i = 0; i < wire.length; i++) {
                switch (which) {
                    case 0 -> last = TextCodec.decode(wire[i], 0, wire[i].length, DecodeOptions.LENIENT);
                    case 1 -> last = TextCodec.encodeToBytes(messages[i], form);
                    default -> {
                        DecodeResult d = TextCodec.decode(wire[i], 0, wire[i].length, DecodeOptions.LENIENT);
                        last = TextCodec.encodeToBytes(((DecodeResult.Decoded) d).message(), form);
                    }
                }
            }
        }
        sink = last;
    }

    private static Message decoded(byte[] b) {
        DecodeResult r = TextCodec.decode(b, 0, b.length, DecodeOptions.LENIENT);
        if (!(r instanceof DecodeResult.Decoded d)) throw new IllegalStateException("not decodable: " + r);
        return d.message();
    }
}
