package dev.holdfast.controller.sip;

import dev.holdfast.controller.Controller;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.util.concurrent.TimeUnit;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SIP edge against what a phone, or an attacker, may send: OPTIONS, methods we do not serve, malformed and
 * oversized requests, CRLF keepalives, floods. SIPp sends the well-formed requests; plain sockets send the bytes
 * SIPp would not, and check the answers octet by octet.
 */
class SipEdgeTest {
    @TempDir Path dir;
    private Controller controller;

    @BeforeAll static void sippInstalled() {
        assertTrue(Sipp.installed(), "SIPp (Debian sip-tester) is needed: ./bin/test installs it");
    }

    @AfterEach void stop() {
        if (controller != null) controller.close();
    }

    private static String request(String method, String callId, int localPort, String extraHeaders, String body) {
        return method + " sip:1001@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + localPort + ";branch=z9hG4bK" + callId + "\r\n"
                + "From: <sip:probe@127.0.0.1>;tag=" + callId + "\r\n"
                + "To: <sip:1001@127.0.0.1>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 " + method + "\r\n"
                + "Max-Forwards: 70\r\n"
                + extraHeaders
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    /** Sends one datagram from {@code s} and returns the first answer, or null after {@code waitMillis}. */
    private String exchange(DatagramSocket s, String message, int waitMillis) throws Exception {
        byte[] out = message.getBytes(StandardCharsets.UTF_8);
        s.send(new DatagramPacket(out, out.length, new InetSocketAddress("127.0.0.1", controller.sip().port())));
        return receive(s, waitMillis);
    }

    private static String receive(DatagramSocket s, int waitMillis) throws Exception {
        s.setSoTimeout(waitMillis);
        byte[] in = new byte[65536];
        DatagramPacket p = new DatagramPacket(in, in.length);
        try {
            s.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return new String(in, 0, p.getLength(), StandardCharsets.UTF_8);
    }

    private long edge(String name) { return controller.sip().counters().get(name); }

    /**
     * A core counter once it reached {@code expected} (or after 3 s): the edge answers a keepalive OPTIONS before the
     * core has handled it.
     */
    private long coreCount(String name, long expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        long n;
        while ((n = SipTestController.counter(controller, name)) < expected && System.nanoTime() < deadline) Thread.sleep(20);
        return n;
    }

    private static String scenario(String method, int status) {
        return """
                <?xml version="1.0" encoding="ISO-8859-1" ?>
                <scenario name="%1$s">
                  <send retrans="500">
                    <![CDATA[
                      %1$s sip:1001@[remote_ip]:[remote_port] SIP/2.0
                      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                      From: <sip:probe@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]
                      To: <sip:1001@[remote_ip]:[remote_port]>
                      Call-ID: [call_id]
                      CSeq: 1 %1$s
                      Contact: <sip:probe@[local_ip]:[local_port];transport=[transport]>
                      Max-Forwards: 70
                      Content-Length: 0

                    ]]>
                  </send>
                  <recv response="%2$d">
                    <action>
                      <ereg regexp="INVITE, ?ACK, ?CANCEL, ?BYE, ?OPTIONS, ?REGISTER" search_in="hdr" header="Allow:" check_it="true" assign_to="allow"/>
                    </action>
                  </recv>
                  <Reference variables="allow"/>
                </scenario>
                """.formatted(method, status);
    }

    @ParameterizedTest @ValueSource(strings = {"udp", "tcp"})
    void optionsIsAnsweredAndMethodsWeDoNotServeGet405Or501WithAllow(String transport) throws Exception {
        controller = SipTestController.start("", 30);
        Sipp sipp = new Sipp(dir);
        String target = SipTestController.target(controller);
        Sipp.Result options = sipp.run(sipp.scenario("options", scenario("OPTIONS", 200)), transport, Sipp.freePort(), target, 1);
        assertTrue(options.passed(), "OPTIONS: " + options);
        Sipp.Result subscribe = sipp.run(sipp.scenario("subscribe", scenario("SUBSCRIBE", 405)), transport, Sipp.freePort(), target, 1);
        assertTrue(subscribe.passed(), "SUBSCRIBE: " + subscribe);
        Sipp.Result unknown = sipp.run(sipp.scenario("foo", scenario("FROBNICATE", 501)), transport, Sipp.freePort(), target, 1);
        assertTrue(unknown.passed(), "FROBNICATE: " + unknown);
        assertEquals(1, coreCount("requests.OPTIONS", 1));
        assertEquals(1, SipTestController.counter(controller, "requests.SUBSCRIBE"));
        assertEquals(1, SipTestController.counter(controller, "requests.other"));
    }

    @Test void malformedRequestsGet400WithAReasonOrAreDroppedAndAreCounted() throws Exception {
        controller = SipTestController.start("", 30);
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int port = s.getLocalPort();
            // a Max-Forwards that is not a number: 400 with the parser's reason in the status line
            String badHeader = request("OPTIONS", "bad1", port, "", "").replace("Max-Forwards: 70", "Max-Forwards: many");
            String a = exchange(s, badHeader, 2000);
            assertTrue(a != null && a.startsWith("SIP/2.0 400 Bad Request ("), "answer: " + a);
            // no Call-ID at all: no response can be built (it must carry the Call-ID): dropped
            String noCallId = request("OPTIONS", "bad2", port, "", "").replace("Call-ID: bad2\r\n", "");
            assertNull(exchange(s, noCallId, 1000), "dropped");
            // a CSeq that is not a number: 400 naming it
            String badCseq = request("OPTIONS", "bad3", port, "", "").replace("CSeq: 1 OPTIONS", "CSeq: one OPTIONS");
            String c = exchange(s, badCseq, 2000);
            assertTrue(c != null && c.startsWith("SIP/2.0 400 Bad Request (CSeq"), "answer: " + c);
            // the controller still serves this source afterwards
            String ok = exchange(s, request("OPTIONS", "good1", port, "", ""), 2000);
            assertTrue(ok != null && ok.startsWith("SIP/2.0 200"), "answer: " + ok);
        }
        assertEquals(3, edge(SipEdgeCounters.MALFORMED));
        assertEquals(1, coreCount("requests.OPTIONS", 1), "the core saw the good one only");
    }

    @Test void oversizedMessagesAreDroppedAndCounted() throws Exception {
        controller = SipTestController.start("maxMessageBytes: 4096", 30);
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int port = s.getLocalPort();
            String big = request("OPTIONS", "big1", port, "Content-Type: text/plain\r\n", "x".repeat(8000));
            assertNull(exchange(s, big, 1000), "an oversized request gets no answer");
            String ok = exchange(s, request("OPTIONS", "small1", port, "", ""), 2000);
            assertTrue(ok != null && ok.startsWith("SIP/2.0 200"), "answer: " + ok);
        }
        assertEquals(1, edge(SipEdgeCounters.OVERSIZED));
        assertEquals(1, coreCount("requests.OPTIONS", 1), "the core never saw the big one");
    }

    @Test void crlfKeepaliveOnTcpIsAnsweredAndTheConnectionStaysUsable() throws Exception {
        controller = SipTestController.start("", 30);
        try (Socket s = new Socket("127.0.0.1", controller.sip().port())) {
            s.setSoTimeout(3000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            // a phone registers (here: asks OPTIONS) over the connection, then keeps it alive with CRLFs (RFC 5626 4.4.1)
            String options = request("OPTIONS", "tcp1", s.getLocalPort(), "", "").replace("SIP/2.0/UDP", "SIP/2.0/TCP");
            out.write(options.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String first = readResponse(in);
            assertTrue(first.startsWith("SIP/2.0 200 "), first);
            out.write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals('\r', in.read());
            assertEquals('\n', in.read());
            out.write(options.replace("tcp1", "tcp2").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String second = readResponse(in);
            assertTrue(second.startsWith("SIP/2.0 200 "), second);
        }
    }

    /** Reads one response (headers and a body of Content-Length octets) from a stream. */
    private static String readResponse(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) break;
            sb.append((char) c);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)\r\n(Content-Length|l)\\s*:\\s*(\\d+)").matcher(sb);
        int body = m.find() ? Integer.parseInt(m.group(2)) : 0;
        for (int i = 0; i < body; i++) sb.append((char) in.read());
        return sb.toString();
    }

    @Test void aFloodingSourceGets503WithRetryAfterAndOtherSourcesAreStillServed() throws Exception {
        controller = SipTestController.start("floodRequestsPerSecond: 5, floodBurst: 5, retryAfterSeconds: 7", 30);
        List<String> answers = new ArrayList<>();
        try (DatagramSocket flood = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int port = flood.getLocalPort();
            for (int i = 0; i < 30; i++) {
                byte[] out = request("OPTIONS", "flood" + i, port, "", "").getBytes(StandardCharsets.UTF_8);
                flood.send(new DatagramPacket(out, out.length, new InetSocketAddress("127.0.0.1", controller.sip().port())));
            }
            String a;
            while ((a = receive(flood, 1000)) != null) answers.add(a.substring(0, a.indexOf("\r\n\r\n")));
        }
        long ok = answers.stream().filter(a -> a.startsWith("SIP/2.0 200")).count();
        List<String> busy = answers.stream().filter(a -> a.startsWith("SIP/2.0 503")).toList();
        assertTrue(ok >= 5 && ok <= 8, "about the burst passes: " + ok);
        assertEquals(30, ok + busy.size(), "every request answered: " + answers);
        assertTrue(busy.stream().allMatch(a -> a.contains("Retry-After: 7")), busy.get(0));
        assertEquals(busy.size(), edge(SipEdgeCounters.FLOOD));
        // another source is not limited by the first one's flood
        try (DatagramSocket other = new DatagramSocket(0, InetAddress.getByName("127.0.0.2"))) {
            String a = exchange(other, request("OPTIONS", "other1", other.getLocalPort(), "", "")
                    .replace("127.0.0.1:" + other.getLocalPort(), "127.0.0.2:" + other.getLocalPort()), 2000);
            assertTrue(a != null && a.startsWith("SIP/2.0 200"), "answer: " + a);
        }
    }
}
