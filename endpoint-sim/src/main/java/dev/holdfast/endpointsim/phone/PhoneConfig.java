package dev.holdfast.endpointsim.phone;

import dev.holdfast.sim.rtp.ProbeConfig;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One simulated phone.
 *
 * @param user             the SIP user (Request-URI user of its Contact; the digest user name)
 * @param password         the digest password (null: never answers a challenge)
 * @param domain           the domain of its address of record, sip:user@domain
 * @param controllers      outbound proxy first, then its alternates in order; empty: no registrar (direct calls)
 * @param transport        "udp" or "tcp"
 * @param registerExpires  the registration interval asked for
 * @param keepaliveInterval how often it checks the controller (OPTIONS; plus CRLF on TCP); zero: never
 * @param requestTimeout   how long a REGISTER or keepalive may go unanswered before the controller counts as dead
 * @param mediaAddress     where its RTP talk-path probe listens
 * @param probe            the talk-path probe's rate
 * @param autoAnswerAfter  answer incoming calls by itself after this long; null: wait for {@link Phone#answer}
 * @param register         register with the controller on start (false: only send calls through it)
 * @param sessionExpires   ask for a session timer of this length on calls placed (RFC 4028); null: do not ask
 * @param registerTimeout  how long a REGISTER may go unanswered before the controller counts as dead; null: the
 *                         requestTimeout. Longer than the keepalive's is sane: a controller that answers keepalives
 *                         at once may still take seconds over a REGISTER while it rebuilds calls after a failover,
 *                         and a phone that gives up then goes back to the dead one (real phones wait for timer F)
 * @param keepaliveMisses  how many keepalive probes in a row must go unanswered before the controller counts as dead
 *                         (at least 1); after a miss the next probe goes at once, and an answer to any of them,
 *                         however late, or anything else heard from the controller, clears the count
 * @param keepaliveTimeout how long one keepalive probe may go unanswered before it counts as a miss; null: the
 *                         requestTimeout. Loss is declared at most keepaliveInterval + keepaliveMisses x this after
 *                         the controller's last answer
 */
public record PhoneConfig(String user, String password, String domain, List<InetSocketAddress> controllers, String transport,
                          Duration registerExpires, Duration keepaliveInterval, Duration requestTimeout,
                          InetAddress mediaAddress, ProbeConfig probe, Duration autoAnswerAfter, boolean register,
                          Duration sessionExpires, Duration registerTimeout, int keepaliveMisses, Duration keepaliveTimeout) {
    public PhoneConfig {
        if (keepaliveMisses < 1) throw new IllegalArgumentException("keepaliveMisses " + keepaliveMisses);
        Objects.requireNonNull(user);
        controllers = List.copyOf(controllers);
        transport = transport.toLowerCase(Locale.ROOT);
        if (!transport.equals("udp") && !transport.equals("tcp")) throw new IllegalArgumentException("transport " + transport);
        if (domain == null) domain = controllers.isEmpty() ? "holdfast.invalid" : controllers.get(0).getHostString();
    }

    /** A phone registering with {@code controllers} over UDP: 1 h registrations, keepalive every 30 s. */
    public static PhoneConfig of(String user, String password, List<InetSocketAddress> controllers) {
        return new PhoneConfig(user, password, null, controllers, "udp", Duration.ofHours(1), Duration.ofSeconds(30),
                Duration.ofSeconds(4), InetAddress.getLoopbackAddress(), ProbeConfig.FULL_RATE, null, true, null, null, 1, null);
    }

    public PhoneConfig withTransport(String t) {
        return new PhoneConfig(user, password, domain, controllers, t, registerExpires, keepaliveInterval, requestTimeout, mediaAddress, probe, autoAnswerAfter, register, sessionExpires, registerTimeout, keepaliveMisses, keepaliveTimeout);
    }

    public PhoneConfig withDomain(String d) {
        return new PhoneConfig(user, password, d, controllers, transport, registerExpires, keepaliveInterval, requestTimeout, mediaAddress, probe, autoAnswerAfter, register, sessionExpires, registerTimeout, keepaliveMisses, keepaliveTimeout);
    }

    public PhoneConfig withRegistration(Duration expires, Duration keepalive, Duration timeout) {
        return new PhoneConfig(user, password, domain, controllers, transport, expires, keepalive, timeout, mediaAddress, probe, autoAnswerAfter, register, sessionExpires, registerTimeout, keepaliveMisses, keepaliveTimeout);
    }

    public PhoneConfig withProbe(ProbeConfig p) {
        return new PhoneConfig(user, password, domain, controllers, transport, registerExpires, keepaliveInterval, requestTimeout, mediaAddress, p, autoAnswerAfter, register, sessionExpires, registerTimeout, keepaliveMisses, keepaliveTimeout);
    }

    public PhoneConfig withMediaAddress(InetAddress a) {
        return new PhoneConfig(user, password, domain, controllers, transport, registerExpires, keepaliveInterval, requestTimeout, a, probe, autoAnswerAfter, register, sessionExpires, registerTimeout, keepaliveMisses, keepaliveTimeout);
    }

    public PhoneConfig withAutoAnswer(Duration after) {
        return new PhoneConfig(user, password, domain, controllers, transport, registerExpires, keepaliveInterval, requestTimeout, mediaAddress, probe, after, register, sessionExpires, registerTimeout, keepaliveMisses, keepaliveTimeout);
    }

    public PhoneConfig withRegister(boolean r) {
        return new PhoneConfig(user, password, domain, controllers, transport, registerExpires, keepaliveInterval, requestTimeout, mediaAddress, probe, autoAnswerAfter, r, sessionExpires, registerTimeout, keepaliveMisses, keepaliveTimeout);
    }

    public PhoneConfig withRegisterTimeout(Duration d) {
        return new PhoneConfig(user, password, domain, controllers, transport, registerExpires, keepaliveInterval, requestTimeout, mediaAddress, probe, autoAnswerAfter, register, sessionExpires, d, keepaliveMisses, keepaliveTimeout);
    }

    /**
     * Keepalive loss detection: the controller is dead after {@code misses} probes in a row each unanswered for
     * {@code probeTimeout} (null: the request timeout).
     */
    public PhoneConfig withKeepaliveLoss(int misses, Duration probeTimeout) {
        return new PhoneConfig(user, password, domain, controllers, transport, registerExpires, keepaliveInterval, requestTimeout, mediaAddress, probe, autoAnswerAfter, register, sessionExpires, registerTimeout, misses, probeTimeout);
    }

    /** How long one keepalive probe may go unanswered (see {@code keepaliveTimeout}). */
    public Duration keepaliveProbeTimeout() { return keepaliveTimeout != null ? keepaliveTimeout : requestTimeout; }

    /** How long a REGISTER may go unanswered (see {@code registerTimeout}). */
    public Duration registrationTimeout() { return registerTimeout != null ? registerTimeout : requestTimeout; }

    public PhoneConfig withSessionExpires(Duration d) {
        return new PhoneConfig(user, password, domain, controllers, transport, registerExpires, keepaliveInterval, requestTimeout, mediaAddress, probe, autoAnswerAfter, register, d, registerTimeout, keepaliveMisses, keepaliveTimeout);
    }
}
