package dev.holdfast.controller.sip;

/**
 * One registered contact of an address-of-record (RFC 3261 10.3).
 *
 * @param source    where the REGISTER came from ({@code udp:host:port}), the way back to a phone behind NAT
 * @param transport the transport to reach the contact with
 * @param expiresAt core time (ms) when it lapses
 * @param callId    the Call-ID and CSeq of the REGISTER that last set it, to refuse out-of-order refreshes
 */
public record Binding(String contact, String source, String transport, long expiresAt, String callId, long cseq,
                      long registeredAt) {}
