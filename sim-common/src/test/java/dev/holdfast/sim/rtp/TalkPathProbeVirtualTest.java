package dev.holdfast.sim.rtp;

import dev.holdfast.sim.media.VirtualMediaNetwork;
import dev.holdfast.sim.time.VirtualSimScheduler;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probe's logic in virtual time, on the in-memory network: exact and reproducible. */
class TalkPathProbeVirtualTest {
    private final VirtualSimScheduler time = new VirtualSimScheduler();
    private final VirtualMediaNetwork network = new VirtualMediaNetwork(time, Duration.ofMillis(1));
    private final InetAddress host = InetAddress.getLoopbackAddress();

    @Test void upDownAndGapsInVirtualTime() throws Exception {
        SplittableRandom random = new SplittableRandom(1);
        TalkPathProbe a = TalkPathProbe.open(network, host, ProbeConfig.FULL_RATE, 8, random);
        TalkPathProbe b = TalkPathProbe.open(network, host, ProbeConfig.FULL_RATE, 8, random);
        a.setRemote(b.localAddress());
        b.setRemote(a.localAddress());
        time.advance(Duration.ofMillis(100));
        assertTrue(a.talkPathUp() && b.talkPathUp());
        assertEquals(7, a.stats().packetsSent(), "t=0,20,...,100 ms, and at 1 ms the answer to b's first packet");

        int[] sent = {0};
        network.dropWhen((to, d) -> to.equals(a.localAddress()) && ++sent[0] % 10 == 0); // every 10th b->a lost
        time.advance(Duration.ofMillis(1050)); // 52 packets: the 10th, 20th, ... 50th lost, each seen as a gap
        ProbeStats s = a.stats();
        assertEquals(5, s.gaps(), s.toString());
        assertEquals(5, s.lost(), s.toString());
        assertTrue(a.talkPathUp());

        network.dropWhen((to, d) -> to.equals(a.localAddress())); // b -> a cut
        time.advance(Duration.ofMillis(250));
        assertTrue(b.talkPathUp(), "b still within downAfter of the last packet a heard from it");
        time.advance(Duration.ofMillis(90));
        assertFalse(a.talkPathUp());
        assertFalse(b.talkPathUp(), "a's reports now say it hears nothing");

        a.setConfig(ProbeConfig.atRate(4));
        long before = a.stats().packetsSent();
        time.advance(Duration.ofSeconds(10));
        assertEquals(41, a.stats().packetsSent() - before, "4 packets/s, at 0, 0.25, ... 10 s");
        a.close();
        b.close();
        time.advance(Duration.ofSeconds(1));
        assertEquals(0, time.pendingTimers());
    }

    @Test void aNewSourceIsAnsweredAtOnceSoBothEndsSeeTheTalkPathWithinARoundTrip() throws Exception {
        SplittableRandom random = new SplittableRandom(2);
        ProbeConfig slow = ProbeConfig.atRate(4); // a packet every 250 ms
        TalkPathProbe a = TalkPathProbe.open(network, host, slow, 0, random);
        TalkPathProbe b = TalkPathProbe.open(network, host, slow, 0, random);
        b.setRemote(a.localAddress()); // b sends first: a has no remote yet and ignores it
        time.advance(Duration.ofMillis(50));
        a.setRemote(b.localAddress()); // a's first packet says it hears nothing; b answers it at once
        time.advance(Duration.ofMillis(5));
        assertTrue(a.talkPathUp(), "a hears b, and b's answer says b hears a: " + a.stats());
        assertTrue(b.talkPathUp(), "a's answer to b's first packet says a hears b: " + b.stats());
        assertEquals(2, a.stats().packetsSent(), "a's first packet and its answer to b's");
        time.advance(Duration.ofMillis(1000));
        assertEquals(6, a.stats().packetsSent(), "then 4 packets/s, no more answers: 50 + 250 ... 1000 ms");
        assertEquals(0, a.stats().lost());
        a.close();
        b.close();
        time.advance(Duration.ofSeconds(1));
        assertEquals(0, time.pendingTimers());
    }

    @Test void receiveStatisticsAcrossTheWrap() {
        ReceiveStatistics r = new ReceiveStatistics();
        int[] seq = {65534, 65535, 0, 1, 1, 3, 2};
        for (int i = 0; i < seq.length; i++) r.packet(seq[i], 160L * i, 160L * i);
        assertEquals(6, r.expected());
        assertEquals(6, r.received()); // the duplicate 1 is not counted; the late 2 is, and fills the gap
        assertEquals(0, r.lost());
        assertEquals(1, r.gaps());
        assertEquals(1, r.duplicates());
        assertEquals(1, r.late());
    }
}
