package dev.holdfast.sim.rtp;

import dev.holdfast.sim.media.UdpMediaNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Probes on real UDP sockets on 127.0.0.1, all on one event loop. */
class TalkPathProbeUdpTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private UdpMediaNetwork network;
    private final SplittableRandom random = new SplittableRandom(7);

    @BeforeEach void start() { network = UdpMediaNetwork.ownLoop(); }

    @AfterEach void stop() { network.close(); }

    private TalkPathProbe probe(ProbeConfig config) throws Exception {
        return TalkPathProbe.open(network, LOOPBACK, config, 0, random);
    }

    private static void await(String what, BooleanSupplier condition, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("not within " + limit + ": " + what);
            Thread.sleep(10);
        }
    }

    @Test void twoProbesPointedAtEachOtherHaveTheTalkPathUp() throws Exception {
        try (TalkPathProbe a = probe(ProbeConfig.FULL_RATE); TalkPathProbe b = probe(ProbeConfig.FULL_RATE)) {
            assertFalse(a.talkPathUp());
            a.setRemote(b.localAddress());
            b.setRemote(a.localAddress());
            await("both ends up", () -> a.talkPathUp() && b.talkPathUp(), Duration.ofSeconds(5));
            ProbeStats sa = a.stats();
            assertTrue(sa.packetsSent() > 0 && sa.packetsReceived() > 0, sa.toString());
            assertEquals(0, sa.strangerPackets());
            assertEquals(0, sa.gaps(), "no packet lost on loopback: " + sa);
        }
    }

    @Test void oneWayOnlyIsNotATalkPath() throws Exception {
        try (TalkPathProbe a = probe(ProbeConfig.FULL_RATE); TalkPathProbe b = probe(ProbeConfig.FULL_RATE)) {
            b.setSending(false); // b hears a, a hears nothing
            a.setRemote(b.localAddress());
            b.setRemote(a.localAddress());
            await("b hears a", () -> b.stats().weHearPeer(), Duration.ofSeconds(5));
            Thread.sleep(200);
            assertFalse(a.talkPathUp(), a.stats().toString());
            assertFalse(b.talkPathUp(), "a never reports hearing b: " + b.stats());
            assertFalse(b.stats().peerHearsUs());

            b.setSending(true);
            await("both up", () -> a.talkPathUp() && b.talkPathUp(), Duration.ofSeconds(5));
            b.setHearing(false); // b sends but passes nothing on: its reports say so
            await("a learns that b does not hear it", () -> !a.stats().peerHearsUs(), Duration.ofSeconds(5));
            assertTrue(a.stats().weHearPeer());
            assertFalse(a.talkPathUp());
            assertFalse(b.talkPathUp());
        }
    }

    @Test void theTalkPathGoesDownAfterTheTimeoutWhenOneSideStops() throws Exception {
        ProbeConfig config = ProbeConfig.FULL_RATE.withDownAfter(Duration.ofMillis(300));
        try (TalkPathProbe a = probe(config); TalkPathProbe b = probe(config)) {
            a.setRemote(b.localAddress());
            b.setRemote(a.localAddress());
            await("up", () -> a.talkPathUp() && b.talkPathUp(), Duration.ofSeconds(5));
            long stoppedAt = System.nanoTime();
            b.close();
            await("a sees the path down", () -> !a.talkPathUp(), Duration.ofSeconds(5));
            long tookMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
            assertTrue(tookMillis >= 250, "down only after the timeout, took " + tookMillis + " ms");
            await("a hears nothing", () -> !a.stats().weHearPeer(), Duration.ofSeconds(5));
            ProbeStats s = a.stats();
            assertFalse(s.talkPathUp());
            assertTrue(s.lastReceivedAgeMillis() >= 300, s.toString());
        }
    }

    @Test void aStrangersPacketsDoNotCount() throws Exception {
        try (TalkPathProbe a = probe(ProbeConfig.FULL_RATE); TalkPathProbe b = probe(ProbeConfig.FULL_RATE);
             TalkPathProbe stranger = probe(ProbeConfig.FULL_RATE)) {
            a.setRemote(b.localAddress());     // a expects b ...
            a.settled().get();
            stranger.setRemote(a.localAddress()); // ... but only the stranger sends to a
            await("stranger packets seen", () -> a.stats().strangerPackets() >= 10, Duration.ofSeconds(5));
            ProbeStats s = a.stats();
            assertEquals(0, s.packetsReceived(), s.toString());
            assertFalse(s.weHearPeer());
            assertFalse(a.talkPathUp());
        }
    }

    @Test void sequenceGapsAreCounted() throws Exception {
        try (TalkPathProbe a = probe(ProbeConfig.FULL_RATE); DatagramSocket peer = new DatagramSocket(0, LOOPBACK)) {
            a.setRemote(new InetSocketAddress(LOOPBACK, peer.getLocalPort()));
            a.settled().get();
            int[] sequence = {65530, 65531, 65534, 65535, 0, 1, 5, 6};  // gaps 65532-3 and 2-4, across the wrap
            for (int i = 0; i < sequence.length; i++) {
                byte[] d = new byte[RtpHeader.LENGTH + 20];
                new RtpHeader(false, 0, sequence[i], 160L * i, 0x1234).write(d, 0);
                peer.send(new DatagramPacket(d, d.length, a.localAddress()));
            }
            await("all received", () -> a.stats().packetsReceived() == sequence.length, Duration.ofSeconds(5));
            ProbeStats s = a.stats();
            assertEquals(2, s.gaps(), s.toString());
            assertEquals(5, s.lost(), s.toString());
            // and what a sends really is RTP: version 2, our payload type, consecutive sequence numbers
            byte[] buf = new byte[200];
            DatagramPacket p1 = new DatagramPacket(buf.clone(), 200);
            DatagramPacket p2 = new DatagramPacket(buf.clone(), 200);
            peer.setSoTimeout(2000);
            peer.receive(p1);
            peer.receive(p2);
            RtpHeader h1 = RtpHeader.read(java.util.Arrays.copyOf(p1.getData(), p1.getLength()));
            RtpHeader h2 = RtpHeader.read(java.util.Arrays.copyOf(p2.getData(), p2.getLength()));
            assertEquals(0, h1.payloadType());
            assertEquals(a.ssrc(), h1.ssrc());
            assertEquals((h1.sequence() + 1) & 0xFFFF, h2.sequence());
            assertEquals((h1.timestamp() + 160) & 0xFFFFFFFFL, h2.timestamp());
        }
    }
}
