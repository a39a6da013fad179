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
 * <p>Usage: {@code java -cp ... dev.holdfast.h248.bench.TextCodecSpeedLoop [rounds] [rfc3525 dir] [FORM[:0|1|2]]}
 * (0 decode, 1 encode, 2 both: to profile one of them).
 */
public final class TextCodecSpeedLoop {
    private static volatile Object sink;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path dir = Path.of(args.length > 1 ? args[1] : "h248/src/test/resources/rfc3525");
        String only = args.length > 2 ? args[2] : ""; // e.g. "PRETTY:0" for pretty decode only (when profiling)
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (TextForm form : TextForm.values()) {
            if (!only.isEmpty() && !only.startsWith(form.name())) continue;
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
                    for (int which = 0; which < 3; which++) {
                        if (selected(only, which)) run(which, wire, messages, form, passes);
                    }
                }
            }
            for (int k = 0; k < rounds; k++) {
                for (int which = 0; which < 3; which++) {
                    if (!selected(only, which)) continue;
                    long t0 = mx.getCurrentThreadCpuTime();
                    run(which, wire, messages, form, passes);
                    r[which][k] = (mx.getCurrentThreadCpuTime() - t0) / (double) (passes * n);
                }
            }
            String[] names = {"decode", "encode", "decode+encode"};
            for (int which = 0; which < 3; which++) {
                if (!selected(only, which)) continue;
                double[] v = r[which];
                Arrays.sort(v);
                System.out.printf("%-8s %-14s min %7.1f  p10 %7.1f  median %7.1f ns/message (thread CPU time)%n",
                        form, names[which], v[0], v[rounds / 10], v[rounds / 2]);
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
