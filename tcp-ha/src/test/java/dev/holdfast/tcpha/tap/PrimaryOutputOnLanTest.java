package dev.holdfast.tcpha.tap;

import dev.holdfast.tcpha.app.StreamApplication;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The backup's view of whether the primary's output reaches the LAN (the NIC row's last sign: a reply the primary
 * wrote that the tap never saw, although the client's window had room for it).
 */
class PrimaryOutputOnLanTest {
    /** A connection as the tap learns it: the client's SYN (window scale 10), the primary's SYN-ACK (scale 7). */
    static ReplicaConnection connection(int serverIsn) {
        byte[] syn = TcpSegmentTest.synWithOptions();
        ReplicaConnection c = new ReplicaConnection(TcpSegment.parse(syn, syn.length), StreamApplication.named("echo"), 1 << 20);
        c.serverIsn = serverIsn;
        c.serverIsnKnown = true;
        c.serverWscale = 7;
        c.synAckSeen = true;
        c.clientAcked(serverIsn + 1); // the client's ACK of the SYN-ACK
        c.clientWindow = 1000;       // x 1024: about 1 MB open
        return c;
    }

    @Test
    void aReplyWrittenButNeverSeenOnTheLanCounts_onceSeenOrAcknowledgedItDoesNot() {
        ReplicaConnection c = connection(1000);
        c.serverSent(1001 + 150);
        c.clientAcked(1001 + 150);            // first reply out and acknowledged
        assertEquals(0, c.primaryOutputNotOnLan(150));
        assertEquals(150, c.primaryOutputNotOnLan(300), "the second reply was written, the tap never saw it");
        long before = c.lanProgress();
        c.serverSent(1001 + 300);
        assertEquals(0, c.primaryOutputNotOnLan(300), "seen on the LAN");
        assertNotEquals(before, c.lanProgress(), "seeing it is progress");
        ReplicaConnection d = connection(1000);
        d.clientAcked(1001 + 300);            // the tap missed the primary's header, but the client's ACK covers it
        assertEquals(0, d.primaryOutputNotOnLan(300));
    }

    @Test
    void aFullClientWindowHoldsOutputBackLegitimately() {
        ReplicaConnection c = connection(1000);
        c.serverSent(1001 + 65536);
        c.clientAcked(1001 + 65536);
        c.clientWindow = 0;                   // the client does not read: its buffer is full
        assertEquals(0, c.primaryOutputNotOnLan(65536 + 4096));
        c.clientWindow = 64;                  // 64 KB open again, and the primary's last 4 KB still not seen
        assertEquals(4096, c.primaryOutputNotOnLan(65536 + 4096));
    }

    @Test
    void sequenceNumbersWrapAroundLikeTcps() {
        int isn = -100;                       // 0xFFFFFF9C: the stream crosses 2^32 after 99 bytes
        ReplicaConnection c = connection(isn);
        c.serverSent(isn + 1 + 150);
        assertEquals(0, c.primaryOutputNotOnLan(150));
        assertEquals(50, c.primaryOutputNotOnLan(200));
        assertEquals(0, connection(isn).primaryOutputNotOnLan(-1), "no WRITTEN report yet: nothing to judge");
    }
}
