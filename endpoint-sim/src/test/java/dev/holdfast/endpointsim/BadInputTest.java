package dev.holdfast.endpointsim;

import dev.holdfast.endpointsim.phone.Call;
import dev.holdfast.endpointsim.phone.CallState;
import dev.holdfast.endpointsim.phone.Phone;
import dev.holdfast.endpointsim.phone.PhoneConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-written bad and stale requests at a phone's UDP port: a protocol-correct answer or a drop, never harm. */
class BadInputTest {
    private PhoneRuntime rt;
    private PhoneRuntime other;
    private Phone bob;
    private DatagramSocket raw;
    private int branch;

    @BeforeEach void start() throws Exception {
        rt = PhoneRuntime.loopback();
        other = PhoneRuntime.loopback();
        bob = rt.phone(PhoneConfig.of("bob", null, List.of()));
        raw = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        raw.setSoTimeout(3000);
    }

    @AfterEach void stop() {
        if (raw != null) raw.close();
        if (rt != null) rt.close();
        if (other != null) other.close();
    }

    /** Sends {@code method} with {@code extra} headers and body; the status line of the final answer, or null. */
    private String send(String method, String user, String extra, String body) throws Exception {
        InetSocketAddress to = rt.sip().localAddress("udp");
        String text = method + " sip:" + user + "@127.0.0.1:" + to.getPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + raw.getLocalPort() + ";branch=z9hG4bKbad" + (++branch) + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:mallory@127.0.0.1>;tag=m" + branch + "\r\n"
                + "To: <sip:" + user + "@127.0.0.1>" + extra + "\r\n"
                + "Call-ID: bad" + branch + "@127.0.0.1\r\n"
                + "CSeq: 1 " + method + "\r\n"
                + "Contact: <sip:mallory@127.0.0.1:" + raw.getLocalPort() + ">\r\n"
                + (body.isEmpty() ? "" : "Content-Type: application/sdp\r\n")
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
        return sendRaw(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String status(String statusLine) {
        return statusLine == null ? "no answer" : statusLine.split(" ")[1];
    }

    private String sendRaw(byte[] datagram) throws Exception {
        InetSocketAddress to = rt.sip().localAddress("udp");
        raw.send(new DatagramPacket(datagram, datagram.length, to));
        byte[] buf = new byte[65536];
        long end = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < end) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                raw.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            String line = new String(buf, 0, p.getLength(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
            if (!line.startsWith("SIP/2.0 1")) return line;
        }
        return null;
    }

    @Test void badRequestsGetErrorsOrDropsAndCallsStillWork() throws Exception {
        assertNull(sendRaw("this is not SIP\r\n\r\n".getBytes(StandardCharsets.UTF_8)), "garbage is dropped");
        assertEquals("488", status(send("INVITE", "bob", "", "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n")),
                "an SDP without audio");
        assertEquals("481", status(send("BYE", "bob", ";tag=nosuch", "")));
        assertEquals("481", status(send("REFER", "bob", ";tag=nosuch", "")));
        assertEquals("405", status(send("INFO", "bob", "", "")));
        assertEquals("501", status(send("FROBNICATE", "bob", "", "")));
        assertEquals("404", status(send("INVITE", "nobody", "", "")), "a user not here");
        assertTrue(bob.refusedRequests() >= 5, "counted: " + bob.refusedRequests());
        assertTrue(rt.sip().unroutable() >= 1);

        Phone alice = other.phone(PhoneConfig.of("alice", null, List.of()).withAutoAnswer(Duration.ZERO));
        Call c = bob.call(alice.directUri());
        Await.until("a normal call after all that", Duration.ofSeconds(5), () -> c.state() == CallState.CONNECTED && c.talkPathUp());
    }
}
