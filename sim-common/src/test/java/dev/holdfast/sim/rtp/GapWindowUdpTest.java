package dev.holdfast.sim.rtp;

import dev.holdfast.sim.media.UdpMediaNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The drill's RTP figures on real UDP sockets on 127.0.0.1: the largest gap between received packets and the
 * packets lost, over a window started by {@link TalkPathProbe#mark}.
 */
class GapWindowUdpTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private UdpMediaNetwork network;
    private final SplittableRandom random = new SplittableRandom(11);

    @BeforeEach void start() { network = UdpMediaNetwork.ownLoop(); }

    @AfterEach void stop() { network.close(); }

    private TalkPathProbe probe() throws Exception {
        return TalkPathProbe.open(network, LOOPBACK, ProbeConfig.FULL_RATE, 0, random);
    }

    private static void await(String what, BooleanSupplier condition, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("not within " + limit + ": " + what);
            Thread.sleep(10);
        }
    }

    @Test void aPauseInSendingIsTheLargestGapAndLosesNothing() throws Exception {
        try (TalkPathProbe a = probe(); TalkPathProbe b = probe()) {
            a.setRemote(b.localAddress());
            b.setRemote(a.localAddress());
            await("talk path", () -> a.talkPathUp() && b.talkPathUp(), Duration.ofSeconds(5));
            assertFalse(b.stats().marked());
            b.mark().get();
            Thread.sleep(200);
            ProbeStats steady = b.stats();
            assertTrue(steady.marked());
            assertTrue(steady.maxGapMillisSinceMark() < 150, "50 packets/s flowing: gaps near 20 ms: " + steady);
            assertEquals(0, steady.lostSinceMark());

            a.setSending(false); // nothing sent for 400 ms: no sequence number skipped
            Thread.sleep(400);
            assertTrue(b.stats().maxGapMillisSinceMark() >= 380, "a silence going on counts: " + b.stats());
            a.setSending(true);
            long before = b.stats().receivedSinceMark();
            await("packets again", () -> b.stats().receivedSinceMark() > before + 5, Duration.ofSeconds(5));
            ProbeStats s = b.stats();
            assertTrue(s.maxGapMillisSinceMark() >= 380 && s.maxGapMillisSinceMark() < 2000, s.toString());
            assertEquals(0, s.lostSinceMark(), "a pause loses nothing: " + s);

            b.mark().get();
            Thread.sleep(100);
            assertTrue(b.stats().maxGapMillisSinceMark() < 150, "a new mark starts a new window: " + b.stats());
        }
    }

    @Test void packetsSentElsewhereAreCountedLostAfterTheMark() throws Exception {
        try (TalkPathProbe a = probe(); TalkPathProbe b = probe();
             TalkPathProbe elsewhere = probe()) {
            a.setRemote(b.localAddress());
            b.setRemote(a.localAddress());
            await("talk path", () -> a.talkPathUp() && b.talkPathUp(), Duration.ofSeconds(5));
            b.mark().get();
            // a's packets go to another port for 300 ms: about 15 sequence numbers never reach b
            InetSocketAddress hole = elsewhere.localAddress();
            a.setRemote(hole);
            Thread.sleep(300);
            a.setRemote(b.localAddress());
            long before = b.stats().receivedSinceMark();
            await("packets again", () -> b.stats().receivedSinceMark() > before + 5, Duration.ofSeconds(5));
            ProbeStats s = b.stats();
            assertTrue(s.lostSinceMark() >= 8 && s.lostSinceMark() <= 40, "about 15 lost: " + s);
            assertTrue(s.maxGapMillisSinceMark() >= 250, s.toString());
            assertTrue(a.stats().lostSinceMark() == 0 && !a.stats().marked(), "a was not marked: " + a.stats());
        }
    }

    @Test void nothingReceivedAfterTheMarkIsOneGapFromTheLastPacket() throws Exception {
        try (TalkPathProbe a = probe(); TalkPathProbe b = probe()) {
            a.setRemote(b.localAddress());
            b.setRemote(a.localAddress());
            await("talk path", () -> a.talkPathUp() && b.talkPathUp(), Duration.ofSeconds(5));
            a.close();
            Thread.sleep(50);
            b.mark().get();
            Thread.sleep(300);
            assertTrue(b.stats().maxGapMillisSinceMark() >= 340, "a dead path's gap grows: " + b.stats());
        }
    }
}
