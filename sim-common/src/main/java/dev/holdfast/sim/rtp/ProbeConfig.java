package dev.holdfast.sim.rtp;

import java.time.Duration;

/**
 * How a talk-path probe behaves.
 *
 * @param packetsPerSecond  send rate: 50 is a real 20 ms voice stream; a few per second is enough to prove a
 *                          talk path and lets thousands of calls share a small machine
 * @param payloadSize       payload octets per packet (at least {@link ProbeReport#LENGTH})
 * @param clockRate         RTP timestamp units per second (8000 for the G.711 payload types 0 and 8)
 * @param downAfter         how long without a packet (or without the peer hearing us) before the path is down;
 *                          at least a few packet intervals
 */
public record ProbeConfig(double packetsPerSecond, int payloadSize, int clockRate, Duration downAfter) {
    /** A real voice stream's packet rate, 20 ms packets. */
    public static final ProbeConfig FULL_RATE = new ProbeConfig(50, 20, 8000, Duration.ofMillis(300));
    /** The rate for the bulk of calls in a load test. */
    public static final ProbeConfig LOW_RATE = new ProbeConfig(4, 20, 8000, Duration.ofMillis(1500));

    public ProbeConfig {
        if (!(packetsPerSecond > 0 && packetsPerSecond <= 1000)) throw new IllegalArgumentException("rate " + packetsPerSecond);
        if (payloadSize < ProbeReport.LENGTH || payloadSize > 1400) throw new IllegalArgumentException("payload " + payloadSize);
        if (clockRate <= 0) throw new IllegalArgumentException("clock rate " + clockRate);
        if (downAfter.toNanos() < (long) (1e9 / packetsPerSecond)) throw new IllegalArgumentException("downAfter shorter than one packet interval");
    }

    /** A config at {@code pps} with downAfter = max(3 intervals + 150 ms, 300 ms). */
    public static ProbeConfig atRate(double pps) {
        long intervalNanos = (long) (1e9 / pps);
        long down = Math.max(3 * intervalNanos + 150_000_000L, 300_000_000L);
        return new ProbeConfig(pps, 20, 8000, Duration.ofNanos(down));
    }

    public Duration interval() { return Duration.ofNanos((long) (1e9 / packetsPerSecond)); }

    /** Timestamp increment between packets. */
    public long timestampStep() { return Math.max(1, Math.round(clockRate / packetsPerSecond)); }

    public ProbeConfig withDownAfter(Duration d) { return new ProbeConfig(packetsPerSecond, payloadSize, clockRate, d); }
}
