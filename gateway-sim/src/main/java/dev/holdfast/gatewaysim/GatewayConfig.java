package dev.holdfast.gatewaysim;

import dev.holdfast.gatewaysim.digitmap.DigitMapTimers;
import dev.holdfast.h248.message.MId;
import dev.holdfast.sim.rtp.ProbeConfig;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How one simulated gateway is provisioned.
 *
 * @param mid               its H.248 message identifier
 * @param lines             analog line termination ids ({@code A1}, ...)
 * @param trunks            trunk termination ids with their disconnect supervision ({@code T1 -> true})
 * @param controllers       the ordered list of controllers: primary first
 * @param mediaAddress      the address RTP terminations bind to and write into SDP
 * @param probe             the talk-path probe of most RTP terminations
 * @param fullRateProbe     the probe of every {@code fullRateEvery}-th RTP termination (0: none)
 * @param fullRateEvery     1 in how many RTP terminations gets the full-rate probe (0: none)
 * @param restartAvoidance  MWD: the first ServiceChange waits a random time in [0, MWD)
 * @param retryPause        the least pause before trying the controller list again when nobody answered
 * @param digitMapTimers    provisioned digit map timers (T, S, L)
 * @param defaultInactivity the provisioned it/ito maximum inactivity time when the controller gives none
 * @param maxTerminationsPerContext root/maxTerminationsPerContext
 * @param seed              seed of the gateway's randomness (SSRCs, restart avoidance): runs are reproducible
 * @param heartbeatReplyTimeout how long the it/ito Notify may go unanswered before the controller counts as lost;
 *                          null: until the transaction layer gives up (its whole retransmission schedule). With the
 *                          controller's mit this bounds loss detection over UDP: at most mit + this after the last
 *                          message heard (TCP: the connection's close is noticed at once)
 */
public record GatewayConfig(MId mid, List<String> lines, Map<String, Boolean> trunks,
                            List<InetSocketAddress> controllers, InetAddress mediaAddress, ProbeConfig probe,
                            ProbeConfig fullRateProbe, int fullRateEvery, Duration restartAvoidance,
                            Duration retryPause, DigitMapTimers digitMapTimers, Duration defaultInactivity,
                            int maxTerminationsPerContext, long seed, Duration heartbeatReplyTimeout) {
    public GatewayConfig {
        if (heartbeatReplyTimeout != null && (heartbeatReplyTimeout.isNegative() || heartbeatReplyTimeout.isZero()))
            throw new IllegalArgumentException("heartbeatReplyTimeout must be positive");
        Objects.requireNonNull(mid);
        lines = List.copyOf(lines);
        trunks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(trunks));
        controllers = List.copyOf(controllers);
        Objects.requireNonNull(mediaAddress);
        Objects.requireNonNull(probe);
        if (controllers.isEmpty()) throw new IllegalArgumentException("no controller");
        if (maxTerminationsPerContext < 2) throw new IllegalArgumentException("maxTerminationsPerContext");
    }

    /** Without a heartbeat reply timeout of its own (the transaction layer's give-up time applies). */
    public GatewayConfig(MId mid, List<String> lines, Map<String, Boolean> trunks, List<InetSocketAddress> controllers,
                         InetAddress mediaAddress, ProbeConfig probe, ProbeConfig fullRateProbe, int fullRateEvery,
                         Duration restartAvoidance, Duration retryPause, DigitMapTimers digitMapTimers,
                         Duration defaultInactivity, int maxTerminationsPerContext, long seed) {
        this(mid, lines, trunks, controllers, mediaAddress, probe, fullRateProbe, fullRateEvery, restartAvoidance,
                retryPause, digitMapTimers, defaultInactivity, maxTerminationsPerContext, seed, null);
    }

    /** A gateway with lines A1..A{@code lineCount}, no trunks, sensible defaults. */
    public static GatewayConfig of(MId mid, int lineCount, List<InetSocketAddress> controllers) {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= lineCount; i++) lines.add("A" + i);
        return new GatewayConfig(mid, lines, Map.of(), controllers, InetAddress.getLoopbackAddress(),
                ProbeConfig.FULL_RATE, null, 0, Duration.ZERO, Duration.ofSeconds(1), DigitMapTimers.DEFAULTS,
                Duration.ofSeconds(30), 16, 1, null);
    }

    public GatewayConfig withMid(MId m) {
        return new GatewayConfig(m, lines, trunks, controllers, mediaAddress, probe, fullRateProbe, fullRateEvery,
                restartAvoidance, retryPause, digitMapTimers, defaultInactivity, maxTerminationsPerContext, seed, heartbeatReplyTimeout);
    }

    public GatewayConfig withTrunks(Map<String, Boolean> t) {
        return new GatewayConfig(mid, lines, t, controllers, mediaAddress, probe, fullRateProbe, fullRateEvery,
                restartAvoidance, retryPause, digitMapTimers, defaultInactivity, maxTerminationsPerContext, seed, heartbeatReplyTimeout);
    }

    public GatewayConfig withProbe(ProbeConfig p, ProbeConfig fullRate, int every) {
        return new GatewayConfig(mid, lines, trunks, controllers, mediaAddress, p, fullRate, every,
                restartAvoidance, retryPause, digitMapTimers, defaultInactivity, maxTerminationsPerContext, seed, heartbeatReplyTimeout);
    }

    public GatewayConfig withRestartAvoidance(Duration mwd) {
        return new GatewayConfig(mid, lines, trunks, controllers, mediaAddress, probe, fullRateProbe, fullRateEvery,
                mwd, retryPause, digitMapTimers, defaultInactivity, maxTerminationsPerContext, seed, heartbeatReplyTimeout);
    }

    public GatewayConfig withRetryPause(Duration d) {
        return new GatewayConfig(mid, lines, trunks, controllers, mediaAddress, probe, fullRateProbe, fullRateEvery,
                restartAvoidance, d, digitMapTimers, defaultInactivity, maxTerminationsPerContext, seed, heartbeatReplyTimeout);
    }

    public GatewayConfig withDigitMapTimers(DigitMapTimers t) {
        return new GatewayConfig(mid, lines, trunks, controllers, mediaAddress, probe, fullRateProbe, fullRateEvery,
                restartAvoidance, retryPause, t, defaultInactivity, maxTerminationsPerContext, seed, heartbeatReplyTimeout);
    }

    public GatewayConfig withSeed(long s) {
        return new GatewayConfig(mid, lines, trunks, controllers, mediaAddress, probe, fullRateProbe, fullRateEvery,
                restartAvoidance, retryPause, digitMapTimers, defaultInactivity, maxTerminationsPerContext, s, heartbeatReplyTimeout);
    }

    public GatewayConfig withMediaAddress(InetAddress a) {
        return new GatewayConfig(mid, lines, trunks, controllers, a, probe, fullRateProbe, fullRateEvery,
                restartAvoidance, retryPause, digitMapTimers, defaultInactivity, maxTerminationsPerContext, seed, heartbeatReplyTimeout);
    }

    /** The provisioned it/ito maximum inactivity time used when the controller arms it/ito without mit. */
    public GatewayConfig withDefaultInactivity(Duration d) {
        return new GatewayConfig(mid, lines, trunks, controllers, mediaAddress, probe, fullRateProbe, fullRateEvery,
                restartAvoidance, retryPause, digitMapTimers, d, maxTerminationsPerContext, seed, heartbeatReplyTimeout);
    }

    /** See {@code heartbeatReplyTimeout}; null: the transaction layer's give-up time. */
    public GatewayConfig withHeartbeatReplyTimeout(Duration d) {
        return new GatewayConfig(mid, lines, trunks, controllers, mediaAddress, probe, fullRateProbe, fullRateEvery,
                restartAvoidance, retryPause, digitMapTimers, defaultInactivity, maxTerminationsPerContext, seed, d);
    }

    /** The ordered controller list (primary first). */
    public GatewayConfig withControllers(List<InetSocketAddress> c) {
        return new GatewayConfig(mid, lines, trunks, c, mediaAddress, probe, fullRateProbe, fullRateEvery,
                restartAvoidance, retryPause, digitMapTimers, defaultInactivity, maxTerminationsPerContext, seed,
                heartbeatReplyTimeout);
    }

    /** The mId as written on the wire, e.g. {@code [127.0.0.1]:2944}. */
    public String midText() {
        if (mid instanceof MId.IpAddress ip) return "[" + ip.address() + "]" + (ip.port() == null ? "" : ":" + ip.port());
        if (mid instanceof MId.DomainName d) return "<" + d.name() + ">" + (d.port() == null ? "" : ":" + d.port());
        if (mid instanceof MId.DeviceName d) return d.name();
        return mid.toString();
    }
}
