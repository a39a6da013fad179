package dev.holdfast.sim.media;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Closed media sockets stay bound and idle and are handed to the next open, on real UDP sockets on 127.0.0.1. */
class UdpMediaNetworkReuseTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private UdpMediaNetwork network;

    @BeforeEach void start() { network = UdpMediaNetwork.ownLoop(); }

    @AfterEach void stop() { network.close(); }

    @Test
    void aClosedSocketIsReusedAndDeliversOnlyToItsNewOwner() throws Exception {
        LinkedBlockingQueue<String> first = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<String> second = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<String> peerGot = new LinkedBlockingQueue<>();
        MediaSocket peer = network.open(LOOPBACK, (from, d) -> peerGot.add(from.getPort() + ":" + new String(d)));
        MediaSocket a = network.open(LOOPBACK, (from, d) -> first.add(new String(d)));
        InetSocketAddress port = a.localAddress();
        peer.send(port, "one".getBytes());
        assertEquals("one", first.poll(2, TimeUnit.SECONDS));

        a.close();
        assertEquals(1, network.openSockets(), "the peer only: a closed socket is not in use");
        peer.send(port, "to nobody".getBytes()); // arrives while idle: dropped
        Thread.sleep(100);
        MediaSocket b = network.open(LOOPBACK, (from, d) -> second.add(new String(d)));
        assertEquals(port, b.localAddress(), "the idle socket was handed out again");
        assertEquals(1, network.socketsReused());
        peer.send(port, "two".getBytes());
        assertEquals("two", second.poll(2, TimeUnit.SECONDS));
        assertTrue(first.isEmpty(), "the first owner hears nothing after its close: " + first);
        assertNull(second.poll(100, TimeUnit.MILLISECONDS), "nothing from before the reuse: " + second);

        a.send(peer.localAddress(), "stale".getBytes()); // the old handle is closed: dropped
        b.send(peer.localAddress(), "fresh".getBytes());
        assertEquals(port.getPort() + ":fresh", peerGot.poll(2, TimeUnit.SECONDS));
        assertNull(peerGot.poll(100, TimeUnit.MILLISECONDS));
        b.close();
        peer.close();
    }

    @Test
    void twoSocketsOpenAtOnceNeverShareAPort() throws Exception {
        MediaSocket a = network.open(LOOPBACK, (from, d) -> { });
        a.close();
        MediaSocket b = network.open(LOOPBACK, (from, d) -> { });
        MediaSocket c = network.open(LOOPBACK, (from, d) -> { });
        assertNotEquals(b.localAddress(), c.localAddress());
        assertEquals(2, network.openSockets());
        b.close();
        c.close();
    }
}
