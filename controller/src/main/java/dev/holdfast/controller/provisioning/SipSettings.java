package dev.holdfast.controller.provisioning;

import java.util.List;

/**
 * The controller's SIP side (registrar and back-to-back user agent). Absent from a provisioning file: the controller
 * does not listen for SIP (unless {@code --sip-port} asks it to).
 *
 * @param address                where to listen (default: the controller's address)
 * @param port                   UDP and TCP port (default 5060; 0 picks a free one)
 * @param transports             {@code udp}, {@code tcp} or both (default both)
 * @param realm                  the digest realm (default {@code holdfast})
 * @param nonceSeconds           how long a digest nonce stays valid; older ones get {@code stale=true} (default 300)
 * @param minExpires             shortest registration accepted; shorter ones get 423 (default 60)
 * @param maxExpires             longest registration granted; longer requests are cut to this (default 3600)
 * @param defaultExpires         a contact without an expiry gets this (default 3600)
 * @param maxMessageBytes        larger messages are dropped (default 16384)
 * @param floodRequestsPerSecond requests per second one source address may send (default 200)
 * @param floodBurst             how many it may send at once above that rate (default 400)
 * @param retryAfterSeconds      the Retry-After of a 503 for a flooding source (default 5)
 * @param trustedPeers           source addresses whose INVITEs are accepted without authentication (SIP trunks,
 *                               test callers); calls from others must come from a registered contact or authenticate
 * @param conferencePartMissingSeconds how long a focus conference rebuilt after a failover waits for a part that has
 *                               not arrived (its gateway's context, or a member's dialog) before it goes on without it:
 *                               mixed again on another gateway, or ended (default 30; docs/migration.md, "Conferences")
 */
public record SipSettings(String address, Integer port, List<String> transports, String realm, Integer nonceSeconds,
                          Integer minExpires, Integer maxExpires, Integer defaultExpires, Integer maxMessageBytes,
                          Integer floodRequestsPerSecond, Integer floodBurst, Integer retryAfterSeconds,
                          List<String> trustedPeers, Integer conferencePartMissingSeconds) {
    public static final SipSettings DEFAULTS = new SipSettings(null, null, null, null, null, null, null, null, null,
            null, null, null, null, null);

    public SipSettings {
        if (port == null) port = 5060;
        transports = transports == null ? List.of("udp", "tcp") : List.copyOf(transports);
        if (realm == null) realm = "holdfast";
        if (nonceSeconds == null) nonceSeconds = 300;
        if (minExpires == null) minExpires = 60;
        if (maxExpires == null) maxExpires = 3600;
        if (defaultExpires == null) defaultExpires = 3600;
        if (maxMessageBytes == null) maxMessageBytes = 16384;
        if (floodRequestsPerSecond == null) floodRequestsPerSecond = 200;
        if (floodBurst == null) floodBurst = 400;
        if (retryAfterSeconds == null) retryAfterSeconds = 5;
        trustedPeers = trustedPeers == null ? List.of() : List.copyOf(trustedPeers);
        if (conferencePartMissingSeconds == null) conferencePartMissingSeconds = 30;
    }

    /** The same settings listening on {@code port}. */
    public SipSettings withPort(int port) {
        return new SipSettings(address, port, transports, realm, nonceSeconds, minExpires, maxExpires, defaultExpires,
                maxMessageBytes, floodRequestsPerSecond, floodBurst, retryAfterSeconds, trustedPeers,
                conferencePartMissingSeconds);
    }
}
