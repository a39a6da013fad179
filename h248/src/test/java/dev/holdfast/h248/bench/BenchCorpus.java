package dev.holdfast.h248.bench;

import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.text.DecodeOptions;
import dev.holdfast.h248.text.DecodeResult;
import dev.holdfast.h248.text.TextCodec;
import dev.holdfast.h248.text.TextForm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's message set: the 28 messages of the RFC 3525 Appendix A call flow (test resources
 * {@code rfc3525/NN.txt}), decoded leniently (some of them have the RFC's deviations) and re-encoded by our encoder
 * in one form. The same octets go to our codec (CodecBenchmark) and to OTP megaco (bin/bench-codec writes them
 * out with {@link #main}), so both codecs work on the same messages.
 */
public final class BenchCorpus {
    static final int MESSAGES = 28;

    private BenchCorpus() {}

    /** File name (NN.txt) to message text in {@code form}, in call-flow order. */
    public static Map<String, byte[]> load(TextForm form) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (int i = 1; i <= MESSAGES; i++) {
            String name = String.format(Locale.ROOT, "%02d.txt", i);
            Message m = decode(resource("/rfc3525/" + name), name);
            out.put(name, TextCodec.encodeToBytes(m, form));
        }
        return out;
    }

    /** The subset of {@link #load} named by {@code files}: "*" for all, else names separated by '+'. */
    public static Map<String, byte[]> load(TextForm form, String files) {
        Map<String, byte[]> all = load(form);
        if (files.equals("*")) return all;
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String f : files.split("\\+")) {
            if (f.isBlank()) continue;
            byte[] text = all.get(f.trim());
            if (text == null) throw new IllegalArgumentException("no message " + f + " in the corpus");
            out.put(f.trim(), text);
        }
        if (out.isEmpty()) throw new IllegalArgumentException("empty message set: " + files);
        return out;
    }

    static Message decode(byte[] text, String name) {
        DecodeResult r = TextCodec.decode(text, DecodeOptions.LENIENT);
        if (r instanceof DecodeResult.Failed f) {
            throw new IllegalStateException(name + " does not decode: " + f.error().describe());
        }
        return ((DecodeResult.Decoded) r).message();
    }

    private static byte[] resource(String path) {
        try (InputStream in = BenchCorpus.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing test resource " + path);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the message set in both forms: {@code DIR/pretty/NN.txt} and {@code DIR/compact/NN.txt}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: BenchCorpus <output dir>");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        for (TextForm form : TextForm.values()) {
            Path sub = dir.resolve(form.name().toLowerCase(Locale.ROOT));
            Files.createDirectories(sub);
            List<Integer> sizes = new ArrayList<>();
            for (Map.Entry<String, byte[]> e : load(form).entrySet()) {
                Files.write(sub.resolve(e.getKey()), e.getValue());
                sizes.add(e.getValue().length);
            }
            System.out.printf(Locale.ROOT, "%s: %d messages, %d octets on average -> %s%n", form, sizes.size(),
                    sizes.stream().mapToInt(Integer::intValue).sum() / sizes.size(), sub);
        }
    }
}
