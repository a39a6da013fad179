package dev.holdfast.controller.sip;

import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The parsing threads' queue: a call's datagrams go out one at a time and in order (a 180 is processed before the
 * 200 that follows it), other calls' datagrams go to the other threads meanwhile.
 */
class CallOrderedDatagramsTest {
    private static DatagramQueuedMessageDispatch datagram(int port, String text) throws Exception {
        return datagram(port, text, 0);
    }

    private static DatagramQueuedMessageDispatch datagram(int port, String text, long receivedMillis) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        return new DatagramQueuedMessageDispatch(new DatagramPacket(b, b.length, InetAddress.getByName("127.0.0.1"), port),
                receivedMillis);
    }

    @Test void aDatagramThatWaitedLongerThanTheCongestionTimeoutIsDropped() throws Exception {
        CallOrderedDatagrams q = new CallOrderedDatagrams(8000);
        long now = System.currentTimeMillis();
        q.offer(datagram(6000, response(180, "Call-ID: old"), now - 9000));
        DatagramQueuedMessageDispatch fresh = datagram(6000, response(180, "Call-ID: new"), now);
        q.offer(fresh);
        assertSame(fresh, q.poll());
        assertEquals(1, q.dropped());
        assertEquals(0, q.size());
    }

    private static String response(int status, String callIdLine) {
        return "SIP/2.0 " + status + " X\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1\r\n" + callIdLine
                + "\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
    }

    @Test void theCallOfADatagramIsItsSourceAndCallId() throws Exception {
        assertEquals("127.0.0.1:6000 abc@h", CallOrderedDatagrams.callOf(datagram(6000, response(180, "Call-ID: abc@h")).packet));
        assertEquals("127.0.0.1:6000 abc@h", CallOrderedDatagrams.callOf(datagram(6000, response(180, "call-id :  abc@h ")).packet));
        assertEquals("127.0.0.1:6000 abc@h", CallOrderedDatagrams.callOf(datagram(6000, response(180, "i: abc@h")).packet));
        assertEquals("127.0.0.1:6001", CallOrderedDatagrams.callOf(datagram(6001, response(180, "X-Call-ID: abc@h")).packet));
        assertEquals("127.0.0.1:6001", CallOrderedDatagrams.callOf(datagram(6001, "\r\n\r\n").packet), "a keepalive");
    }

    @Test void aCallsDatagramsGoOneAtATimeInOrderWhileOtherCallsGoInParallel() throws Exception {
        CallOrderedDatagrams q = new CallOrderedDatagrams(0);
        DatagramQueuedMessageDispatch ringing = datagram(6000, response(180, "Call-ID: a"));
        DatagramQueuedMessageDispatch ok = datagram(6000, response(200, "Call-ID: a"));
        DatagramQueuedMessageDispatch other = datagram(6000, response(180, "Call-ID: b"));
        q.offer(ringing);
        q.offer(ok);
        q.offer(other);
        ExecutorService first = Executors.newSingleThreadExecutor();
        ExecutorService second = Executors.newSingleThreadExecutor();
        try {
            assertSame(ringing, first.submit(() -> q.take()).get(5, TimeUnit.SECONDS));
            // call a is being processed on the first thread: the second gets call b, not the 200
            assertSame(other, second.submit(() -> q.take()).get(5, TimeUnit.SECONDS));
            assertNull(second.submit(() -> q.poll(200, TimeUnit.MILLISECONDS)).get(5, TimeUnit.SECONDS),
                    "the 200 waits while its 180 is processed");
            // the first thread comes back for more: it is done with the 180, and the 200 goes
            assertSame(ok, first.submit(() -> q.poll(5, TimeUnit.SECONDS)).get(10, TimeUnit.SECONDS));
            assertEquals(0, q.size());
        } finally {
            first.shutdownNow();
            second.shutdownNow();
        }
    }

    /** The datagram's first line (its status line), to tell the datagrams apart after a trip through a real socket. */
    private static String firstLine(DatagramQueuedMessageDispatch d) {
        String text = new String(d.packet.getData(), d.packet.getOffset(), d.packet.getLength(), StandardCharsets.ISO_8859_1);
        return text.substring(0, text.indexOf('\r')) + " " + CallOrderedDatagrams.callOf(d.packet).replaceAll(".* ", "");
    }

    @Test void parsingThreadsReadingTheSocketKeepACallsOrderAndAThreadHeldUpStallsOnlyItsCall() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (DatagramSocket sip = new DatagramSocket(new InetSocketAddress(loopback, 0));
             DatagramSocket peer = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            byte[] buffer = new byte[4096];
            CallOrderedDatagrams q = new CallOrderedDatagrams(0, () -> {
                DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                try {
                    sip.receive(p);
                } catch (java.io.IOException closed) {
                    throw new InterruptedException("closed");
                }
                return new DatagramPacket(Arrays.copyOf(buffer, p.getLength()), p.getLength(), p.getAddress(), p.getPort());
            });
            java.util.function.Consumer<String> send = text -> {
                byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
                try {
                    peer.send(new DatagramPacket(b, b.length, loopback, sip.getLocalPort()));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            };
            send.accept(response(180, "Call-ID: a"));
            send.accept(response(200, "Call-ID: a"));
            send.accept(response(180, "Call-ID: b"));
            ExecutorService first = Executors.newSingleThreadExecutor();
            ExecutorService second = Executors.newSingleThreadExecutor();
            try {
                assertEquals("SIP/2.0 180 X a", firstLine(first.submit(() -> q.take()).get(5, TimeUnit.SECONDS)));
                // the first thread is busy with call a (held up in the stack, say): the second reads the 200 of call
                // a, leaves it for the first, and goes on with call b, and with call c that comes later
                assertEquals("SIP/2.0 180 X b", firstLine(second.submit(() -> q.take()).get(5, TimeUnit.SECONDS)));
                assertEquals(1, q.size(), "the 200 of call a waits for the thread busy with that call");
                send.accept(response(180, "Call-ID: c"));
                assertEquals("SIP/2.0 180 X c", firstLine(second.submit(() -> q.take()).get(5, TimeUnit.SECONDS)));
                Future<DatagramQueuedMessageDispatch> reading = second.submit(() -> q.take());
                Thread.sleep(200);
                assertFalse(reading.isDone(), "nothing for the second thread: it reads the socket");
                // the first thread comes back: the 200 of call a is its next, after the 180
                assertEquals("SIP/2.0 200 X a", firstLine(first.submit(() -> q.take()).get(5, TimeUnit.SECONDS)));
                assertEquals(0, q.size());
                sip.close();
                ExecutionException stopped = assertThrows(ExecutionException.class, () -> reading.get(5, TimeUnit.SECONDS));
                assertInstanceOf(InterruptedException.class, stopped.getCause(), "a closed socket ends the RI's parsing loop");
            } finally {
                first.shutdownNow();
                second.shutdownNow();
            }
        }
    }
}
