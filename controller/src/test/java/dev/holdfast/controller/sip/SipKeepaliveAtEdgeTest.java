package dev.holdfast.controller.sip;

import dev.holdfast.controller.Controller;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A phone's OPTIONS keepalive is answered by the SIP edge while the core progresses (a busy controller keeps its
 * phones), and only by the core when the core is stuck (its phones must fail over). The core is held up by a query
 * that sleeps on the core thread; the core still sees every OPTIONS.
 */
class SipKeepaliveAtEdgeTest {
    private Controller controller;

    @AfterEach void stop() {
        if (controller != null) controller.close();
    }

    private static String options(String callId, int localPort) {
        return "OPTIONS sip:127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + localPort + ";branch=z9hG4bK" + callId + "\r\n"
                + "From: <sip:200001@127.0.0.1>;tag=" + callId + "\r\n"
                + "To: <sip:127.0.0.1>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Max-Forwards: 70\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    private String exchange(DatagramSocket s, String message, int waitMillis) throws Exception {
        byte[] out = message.getBytes(StandardCharsets.UTF_8);
        s.send(new DatagramPacket(out, out.length, new InetSocketAddress("127.0.0.1", controller.sip().port())));
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

    @Test void keepalivesAreAnsweredAtOnceWhileTheCoreIsBusyButWaitForAStuckCore() throws Exception {
        controller = SipTestController.start("", 30);
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int port = s.getLocalPort();
            CompletableFuture<Void> held = dev.holdfast.controller.CoreHold.hold(controller, 3000);
            String a = exchange(s, options("ka1", port), 2500);
            assertTrue(a != null && a.startsWith("SIP/2.0 200"), "answer: " + a);
            assertTrue(a.contains("Allow:"), a);
            assertFalse(held.isDone(), "answered while the core was busy");
            held.get(10, TimeUnit.SECONDS);
            assertEquals(1, controller.sip().counters().get(SipEdgeCounters.KEEPALIVES_AT_EDGE));

            held = dev.holdfast.controller.CoreHold.hold(controller, 3000);
            Thread.sleep(1500); // nothing finished for over a second: the core is stuck
            String b = exchange(s, options("ka2", port), 8000);
            assertTrue(b != null && b.startsWith("SIP/2.0 200"), "answer: " + b);
            assertTrue(held.isDone(), "a stuck core's keepalive is answered by the core, once free");
            assertEquals(1, controller.sip().counters().get(SipEdgeCounters.KEEPALIVES_AT_EDGE));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (SipTestController.counter(controller, "requests.OPTIONS") < 2 && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(2, SipTestController.counter(controller, "requests.OPTIONS"), "the core saw both");
    }

    @Test void aKeepaliveAnsweredLateIsCountedAndOneAnsweredAtOnceIsNot() throws Exception {
        controller = SipTestController.start("", 30);
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int port = s.getLocalPort();
            String first = exchange(s, options("ka0", port), 8000);
            assertTrue(first != null && first.startsWith("SIP/2.0 200"), "answer: " + first);
            long lateBefore = controller.sip().counters().get(SipEdgeCounters.KEEPALIVES_ANSWERED_LATE);
            CompletableFuture<Void> held = dev.holdfast.controller.CoreHold.hold(controller, 3000);
            Thread.sleep(1500); // the core is stuck: the edge leaves the keepalive to it, answered when it is free
            String b = exchange(s, options("ka3", port), 8000);
            assertTrue(b != null && b.startsWith("SIP/2.0 200"), "answer: " + b);
            held.get(10, TimeUnit.SECONDS);
            // over 500 ms after it arrived: counted (and logged at WARNING with where it waited), by the sender thread
            // just after the answer left
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (controller.sip().counters().get(SipEdgeCounters.KEEPALIVES_ANSWERED_LATE) == lateBefore
                    && System.nanoTime() < deadline) Thread.sleep(10);
            assertEquals(lateBefore + 1, controller.sip().counters().get(SipEdgeCounters.KEEPALIVES_ANSWERED_LATE));
        }
    }

    private static String register(String callId, int localPort) {
        return "REGISTER sip:127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + localPort + ";branch=z9hG4bK" + callId + "\r\n"
                + "From: <sip:200001@127.0.0.1>;tag=" + callId + "\r\n"
                + "To: <sip:200001@127.0.0.1>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 REGISTER\r\n"
                + "Contact: <sip:200001@127.0.0.1:" + localPort + ">\r\n"
                + "Max-Forwards: 70\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    /** A REGISTER waits for the core (its answer is the core's): one answered over a second late is counted. */
    @Test void aRegisterAnsweredLateIsCountedAndOneAnsweredAtOnceIsNot() throws Exception {
        controller = SipTestController.start("", 30);
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int port = s.getLocalPort();
            String quick = exchange(s, register("reg1", port), 5000);
            assertTrue(quick != null && quick.startsWith("SIP/2.0 401"), "challenge: " + quick);
            assertEquals(0, controller.sip().counters().get(SipEdgeCounters.REGISTERS_ANSWERED_LATE));

            CompletableFuture<Void> held = dev.holdfast.controller.CoreHold.hold(controller, 1500);
            String late = exchange(s, register("reg2", port), 8000);
            assertTrue(late != null && late.startsWith("SIP/2.0 401"), "challenge: " + late);
            assertTrue(held.isDone(), "the core answered it, after the hold");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (controller.sip().counters().get(SipEdgeCounters.REGISTERS_ANSWERED_LATE) < 1 && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(1, controller.sip().counters().get(SipEdgeCounters.REGISTERS_ANSWERED_LATE));
    }
}
