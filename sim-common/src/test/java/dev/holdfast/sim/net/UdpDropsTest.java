package dev.holdfast.sim.net;

import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A socket that is never read, with a small receive buffer, shows the kernel's drops once it overflows. */
class UdpDropsTest {
    @Test void anUnreadSocketsOverflowIsCountedAndAPortWithNoSocketIsNot() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (DatagramSocket unread = new DatagramSocket(new InetSocketAddress(lo, 0));
             DatagramSocket sender = new DatagramSocket(new InetSocketAddress(lo, 0))) {
            unread.setReceiveBufferSize(4096);
            int port = unread.getLocalPort();
            assertEquals(0, UdpDrops.of(port), "a fresh socket has dropped nothing");
            byte[] payload = new byte[1000];
            for (int i = 0; i < 200; i++) sender.send(new DatagramPacket(payload, payload.length, lo, port));
            assertTrue(UdpDrops.of(port) > 0, "200 datagrams of 1000 octets into a 4 KB buffer: " + UdpDrops.of(port));
            int unused;
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(lo, 0))) {
                unused = s.getLocalPort();
            }
            assertEquals(-1, UdpDrops.of(unused), "no socket on that port");
        }
    }
}
