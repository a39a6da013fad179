package dev.holdfast.tcpha.tap;

import dev.holdfast.tcpha.posix.PacketSocket;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The tap's kernel filter on loopback (root: a packet socket): a service's inbound segments arrive whole, its
 * outbound ones as exactly their headers, another port's traffic not at all.
 */
class ServiceTrafficFilterTest {
    @Test
    void passesClientSegmentsWholeServerSegmentsAsHeadersAndNothingElse() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root for a packet socket");
        try (ServerSocket service = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             ServerSocket other = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             PacketSocket tap = new PacketSocket("lo", PacketSocket.ETH_P_IP, false)) {
            int lo = ByteBuffer.wrap(InetAddress.getLoopbackAddress().getAddress()).getInt();
            tap.attachFilter(ServiceTrafficFilter.program(lo, service.getLocalPort()));
            tap.setReceiveTimeoutMillis(200);
            // a packet socket takes every frame from its creation until the filter is attached: on a shared host's
            // loopback that is other processes' traffic, queued unfiltered; read it out before the test's own
            byte[] stale = new byte[70_000];
            while (tap.receive(stale, null, true) >= 0) { /* queued before the filter */ }
            byte[] request = new byte[1000], reply = new byte[1000];
            try (Socket c = new Socket(); Socket o = new Socket()) {
                o.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), other.getLocalPort()));
                o.getOutputStream().write(new byte[500]); // another port: must not pass
                c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), service.getLocalPort()));
                try (Socket s = service.accept()) {
                    c.getOutputStream().write(request);
                    InputStream in = s.getInputStream();
                    int got = 0;
                    while (got < request.length) got += in.read(new byte[2000], 0, request.length - got);
                    OutputStream out = s.getOutputStream();
                    out.write(reply);
                    c.getInputStream().readNBytes(reply.length);
                }
            }
            byte[] buf = new byte[70_000];
            int[] type = new int[1];
            boolean sawRequest = false, sawReplyHeaders = false;
            int n;
            while ((n = tap.receive(buf, type)) >= 0) {
                TcpSegment s = TcpSegment.parse(buf, n);
                assertNotNull(s, "only TCP passes");
                boolean toService = s.dstPort() == service.getLocalPort(), fromService = s.srcPort() == service.getLocalPort();
                assertTrue(toService || fromService, "a segment of another port passed: " + s.srcPort() + "->" + s.dstPort());
                if (toService && s.payloadLength() == request.length) sawRequest = true;
                if (fromService) {
                    // exactly its headers, no payload byte: a kept byte pins the server's page fragment (see the filter)
                    assertEquals(s.payloadOffset(), n, "server segment cut to exactly its headers");
                    assertTrue(n <= ServiceTrafficFilter.HEADERS_ONLY);
                    if (TcpSegment.u16(buf, 2) >= 1000) sawReplyHeaders = true; // IP total length says the payload was there
                }
            }
            assertTrue(sawRequest, "the client's 1,000-byte segment passed whole");
            assertTrue(sawReplyHeaders, "the server's reply passed as headers");
        }
    }
}
