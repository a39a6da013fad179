package dev.holdfast.h248.bench;

import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.text.DecodeOptions;
import dev.holdfast.h248.text.DecodeResult;
import dev.holdfast.h248.text.TextCodec;
import dev.holdfast.h248.text.TextForm;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A quick check of the codec's speed on a busy machine: the same messages as {@link TextCodecSpeed}, timed by the
 * thread's CPU time (time spent waiting for a core does not count) over many short rounds; prints the minimum and
 * the median per message. For development; the JMH benchmark gives the reported figures.
 *
 * <p>Usage: {@code java -cp ... dev.holdfast.h248.bench.TextCodecSpeedLoop [rounds] [rfc3525 dir]}
 */
public final class TextCodecSpeedLoop {
    private static volatile Object sink;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path dir = Path.of(args.length > 1 ? args[1] : "h248/src/test/resources/rfc3525");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (TextForm form : TextForm.values()) {
            int n = TextCodecSpeed.OTP_ACCEPTED.size();
            byte[][] wire = new byte[n][];
            Message[] messages = new Message[n];
            for (int i = 0; i < n; i++) {
                byte[] file = Files.readAllBytes(dir.resolve(TextCodecSpeed.OTP_ACCEPTED.get(i) + ".txt"));
                Message m = decoded(file);
                wire[i] = form == TextForm.PRETTY ? file : TextCodec.encodeToBytes(m, TextForm.COMPACT);
                messages[i] = decoded(wire[i]);
            }
            int passes = 200; // per round
            double[][] r = new double[3][rounds];
            for (int warm = 0; warm < 3; warm++) {
                for (int k = 0; k < rounds / 2; k++) {
                    run(0, wire, messages, form, passes);
                    run(1, wire, messages, form, passes);
                    run(2, wire, messages, form, passes);
                }
            }
            for (int k = 0; k < rounds; k++) {
                for (int which = 0; which < 3; which++) {
                    long t0 = mx.getCurrentThreadCpuTime();
                    run(which, wire, messages, form, passes);
                    r[which][k] = (mx.getCurrentThreadCpuTime() - t0) / (double) (passes * n);
                }
            }
            String[] names = {"decode", "encode", "decode+encode"};
            for (int which = 0; which < 3; which++) {
                double[] v = r[which];
                Arrays.sort(v);
                System.out.printf("%-8s %-14s min %7.1f  p10 %7.1f  median %7.1f ns/message (thread CPU time)%n",
                        form, names[which], v[0], v[rounds / 10], v[rounds / 2]);
            }
        }
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
