package dev.holdfast.h248.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A latency histogram with log-linear buckets: exact below 16 µs, then 8 buckets per power of two (each at most
 * 12.5% wide) up to about 36 minutes; anything longer is counted in the last bucket. Recording is one atomic
 * increment, safe from any thread, and allocates nothing, so it can sit on an event loop's hot path. Percentiles are
 * read from {@linkplain #snapshot() snapshots}; the difference of two snapshots gives the percentiles of what was
 * recorded between them (one step of a load ramp). Exported in the Prometheus text format with every bucket, so
 * that a scraper can compute the same percentiles ({@link Snapshot#parsePrometheus}).
 */
public final class LatencyHistogram {
    private static final int EXACT = 16;
    private static final int SUB_BITS = 3;
    private static final int SUB = 1 << SUB_BITS;
    /** Highest power of two (of microseconds) with buckets of its own: 2^31 µs is about 36 minutes. */
    private static final int MAX_EXPONENT = 30;
    static final int BUCKETS = EXACT + (MAX_EXPONENT - 3) * SUB;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    /** Records one duration in nanoseconds (negative counts as 0). */
    public void record(long nanos) {
        counts.incrementAndGet(index(Math.max(0, nanos) / 1000));
    }

    static int index(long micros) {
        if (micros < EXACT) return (int) micros;
        int e = 63 - Long.numberOfLeadingZeros(micros);
        if (e > MAX_EXPONENT) return BUCKETS - 1;
        int sub = (int) (micros >>> (e - SUB_BITS)) & (SUB - 1);
        return EXACT + (e - 4) * SUB + sub;
    }

    /** The exclusive upper bound of bucket {@code i}, in microseconds. */
    static long upperMicros(int i) {
        if (i < EXACT) return i + 1;
        int e = (i - EXACT) / SUB + 4;
        int sub = (i - EXACT) % SUB;
        return (long) (SUB + sub + 1) << (e - SUB_BITS);
    }

    /** The counts now (a consistent enough copy: each bucket is read once). */
    public Snapshot snapshot() {
        long[] c = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) c[i] = counts.get(i);
        return new Snapshot(c);
    }

    /**
     * The histogram as Prometheus text: {@code name_bucket{labels,le="seconds"}} for every bucket (cumulative),
     * {@code name_count} and {@code name_sum} (the sum from bucket upper bounds: an estimate). {@code labels} is
     * empty or like {@code transport="udp"}.
     */
    public String prometheus(String name, String help, String labels) {
        return snapshot().prometheus(name, help, labels);
    }

    /** Counts per bucket at one moment. */
    public static final class Snapshot {
        private final long[] counts;

        private Snapshot(long[] counts) { this.counts = counts; }

        /** An empty snapshot (the "before" of a first step). */
        public static Snapshot empty() { return new Snapshot(new long[BUCKETS]); }

        public long count() {
            long n = 0;
            for (long c : counts) n += c;
            return n;
        }

        /** What was recorded since {@code earlier}. */
        public Snapshot minus(Snapshot earlier) {
            long[] d = new long[BUCKETS];
            for (int i = 0; i < BUCKETS; i++) d[i] = Math.max(0, counts[i] - earlier.counts[i]);
            return new Snapshot(d);
        }

        /** Several histograms' counts added (shards of one measurement). */
        public Snapshot plus(Snapshot other) {
            long[] d = new long[BUCKETS];
            for (int i = 0; i < BUCKETS; i++) d[i] = counts[i] + other.counts[i];
            return new Snapshot(d);
        }

        /**
         * The nearest-rank percentile in milliseconds, as the upper bound of its bucket (never less than the true
         * value, at most 12.5% more); 0 with no sample.
         */
        public double percentileMillis(double percentile) {
            long n = count();
            if (n == 0) return 0;
            long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * n));
            long seen = 0;
            for (int i = 0; i < BUCKETS; i++) {
                seen += counts[i];
                if (seen >= rank) return upperMicros(i) / 1000.0;
            }
            return upperMicros(BUCKETS - 1) / 1000.0;
        }

        String prometheus(String name, String help, String labels) {
            StringBuilder out = new StringBuilder(BUCKETS * 48);
            out.append("# HELP ").append(name).append(' ').append(help).append('\n');
            out.append("# TYPE ").append(name).append(" histogram\n");
            String sep = labels.isEmpty() ? "" : labels + ",";
            long cumulative = 0;
            double sum = 0;
            for (int i = 0; i < BUCKETS; i++) {
                cumulative += counts[i];
                sum += counts[i] * (upperMicros(i) / 1e6);
                out.append(name).append("_bucket{").append(sep).append("le=\"")
                        .append(String.format(Locale.ROOT, "%.6f", upperMicros(i) / 1e6)).append("\"} ")
                        .append(cumulative).append('\n');
            }
            out.append(name).append("_bucket{").append(sep).append("le=\"+Inf\"} ").append(cumulative).append('\n');
            String braces = labels.isEmpty() ? "" : "{" + labels + "}";
            out.append(name).append("_count").append(braces).append(' ').append(cumulative).append('\n');
            out.append(name).append("_sum").append(braces).append(' ')
                    .append(String.format(Locale.ROOT, "%.6f", sum)).append('\n');
            return out.toString();
        }

        /**
         * The histogram {@code name} with exactly {@code labels} (empty or like {@code transport="udp"}) from
         * Prometheus text written by {@link #prometheus}; an empty snapshot when it is not there or does not have
         * this histogram's buckets.
         */
        public static Snapshot parsePrometheus(String text, String name, String labels) {
            String prefix = name + "_bucket{" + (labels.isEmpty() ? "" : labels + ",") + "le=\"";
            List<Long> cumulative = new ArrayList<>(BUCKETS + 1);
            for (String line : text.split("\n")) {
                if (!line.startsWith(prefix) || line.startsWith(prefix + "+Inf")) continue;
                int space = line.lastIndexOf(' ');
                try {
                    cumulative.add((long) Double.parseDouble(line.substring(space + 1).trim()));
                } catch (NumberFormatException e) {
                    return empty();
                }
            }
            if (cumulative.size() != BUCKETS) return empty();
            long[] c = new long[BUCKETS];
            long before = 0;
            for (int i = 0; i < BUCKETS; i++) {
                c[i] = Math.max(0, cumulative.get(i) - before);
                before = cumulative.get(i);
            }
            return new Snapshot(c);
        }
    }
}
