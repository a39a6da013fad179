package dev.holdfast.sim.rtp;

/**
 * A snapshot of one probe.
 *
 * @param packetsSent       RTP packets sent
 * @param octetsSent        payload octets sent
 * @param packetsReceived   packets received from the expected peer (all its sources, duplicates excluded)
 * @param octetsReceived    payload octets of those packets
 * @param gaps              forward jumps in the peer's sequence numbers that skipped packets
 * @param lost              packets the peer's sequence numbers say were sent but never arrived
 * @param late              packets that arrived out of order
 * @param duplicates        packets that arrived twice
 * @param strangerPackets   datagrams from anyone but the expected peer, or not RTP: ignored
 * @param jitterMillis      interarrival jitter (RFC 3550), milliseconds
 * @param weHearPeer        a packet from the peer arrived within downAfter (and we pass media in)
 * @param peerHearsUs       the peer's latest report says our packets reached it within downAfter
 * @param lastReceivedAgeMillis how long ago the last packet from the peer arrived, -1 if none did
 * @param marked            a window was marked ({@link TalkPathProbe#mark}); the next three are since then
 * @param maxGapMillisSinceMark the largest silence between consecutive packets from the peer since the mark, a
 *                          silence still going on included
 * @param lostSinceMark     packets lost since the mark
 * @param receivedSinceMark packets received since the mark
 */
public record ProbeStats(long packetsSent, long octetsSent, long packetsReceived, long octetsReceived, long gaps,
                         long lost, long late, long duplicates, long strangerPackets, double jitterMillis,
                         boolean weHearPeer, boolean peerHearsUs, long lastReceivedAgeMillis, boolean marked,
                         double maxGapMillisSinceMark, long lostSinceMark, long receivedSinceMark) {
    /** Packets from the expected peer both ways, recently: the call's media really flows. */
    public boolean talkPathUp() { return weHearPeer && peerHearsUs; }

    /** Loss as a percentage of the packets expected, 0 when none were expected. */
    public double lossPercent() {
        long expected = packetsReceived + lost;
        return expected == 0 ? 0 : 100.0 * lost / expected;
    }
}
