package dev.holdfast.controller.cookie;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * How cookies fared: verdicts (accepted, and rejected by reason) and the sizes of the cookies written, so that the
 * controller can report the typical and the largest cookie. Thread-safe.
 */
public final class CookieCounters {
    private final LongAdder accepted = new LongAdder();
    private final Map<RejectReason, LongAdder> rejected = new EnumMap<>(RejectReason.class);
    private final LongAdder encoded = new LongAdder();
    private final LongAdder encodedChars = new LongAdder();
    private final AtomicLong encodedMax = new AtomicLong();

    public CookieCounters() {
        for (RejectReason r : RejectReason.values()) rejected.put(r, new LongAdder());
    }

    /** Counts a verification's outcome; returns it, to count where it is used. */
    public CookieVerdict count(CookieVerdict verdict) {
        if (verdict instanceof CookieVerdict.Rejected r) rejected.get(r.reason()).increment();
        else accepted.increment();
        return verdict;
    }

    /** Counts a cookie written (its size in characters); returns it. */
    public String encoded(String cookieText) {
        int n = cookieText.length();
        encoded.increment();
        encodedChars.add(n);
        encodedMax.accumulateAndGet(n, Math::max);
        return cookieText;
    }

    public long accepted() { return accepted.sum(); }

    public long rejected(RejectReason reason) { return rejected.get(reason).sum(); }

    public long rejectedTotal() {
        long n = 0;
        for (LongAdder a : rejected.values()) n += a.sum();
        return n;
    }

    /**
     * Every counter by name: {@code cookie.accepted}, {@code cookie.rejected.<reason>} (e.g.
     * {@code cookie.rejected.forged}), {@code cookie.encoded}, {@code cookie.encoded.chars.total},
     * {@code cookie.encoded.chars.max}, and {@code cookie.encoded.chars.mean} (rounded down; 0 when none).
     */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("cookie.accepted", accepted.sum());
        for (Map.Entry<RejectReason, LongAdder> e : rejected.entrySet()) {
            out.put("cookie.rejected." + e.getKey().counterName(), e.getValue().sum());
        }
        long count = encoded.sum();
        long total = encodedChars.sum();
        out.put("cookie.encoded", count);
        out.put("cookie.encoded.chars.total", total);
        out.put("cookie.encoded.chars.max", encodedMax.get());
        out.put("cookie.encoded.chars.mean", count == 0 ? 0 : total / count);
        return out;
    }
}
