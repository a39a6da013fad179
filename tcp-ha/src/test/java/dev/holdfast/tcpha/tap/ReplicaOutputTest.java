package dev.holdfast.tcpha.tap;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ReplicaOutputTest {
    @Test
    void keepsOnlyWhatTheClientHasNotAcknowledged() throws Exception {
        ReplicaOutput out = new ReplicaOutput(1 << 20);
        byte[] data = new byte[1000];
        for (int i = 0; i < data.length; i++) data[i] = (byte) i;
        out.write(data, 0, 600);
        out.acknowledged(250);
        out.write(data, 600, 400);
        assertEquals(250, out.unackedOffset());
        byte[] u = out.unacknowledged();
        assertEquals(750, u.length);
        assertEquals(data[250], u[0]);
        out.acknowledged(100); // an old ACK changes nothing
        assertEquals(750, out.unacknowledged().length);
        out.acknowledged(5000); // more than was produced: keeps nothing, never goes negative
        assertEquals(0, out.unacknowledged().length);
        assertEquals(1000, out.produced());
    }

    @Test
    void outputTheClientAcknowledgedBeforeTheLaggingReplicaProducedItIsNotKept() throws Exception {
        ReplicaOutput out = new ReplicaOutput(1 << 20);
        byte[] data = new byte[1000];
        for (int i = 0; i < data.length; i++) data[i] = (byte) i;
        out.write(data, 0, 100);
        out.acknowledged(450); // the primary's reply reached the client before the replica computed it
        out.write(data, 100, 200); // offsets 100..300: all acknowledged already
        assertEquals(0, out.unacknowledged().length);
        out.write(data, 300, 300); // 300..600: 450..600 not yet acknowledged
        assertEquals(450, out.unackedOffset());
        byte[] u = out.unacknowledged();
        assertEquals(150, u.length);
        assertEquals(data[450], u[0]);
        assertEquals(600, out.produced());
    }

    @Test
    void aReplicaFarAheadOfTheClientBlocksUntilAcked() throws Exception {
        ReplicaOutput out = new ReplicaOutput(1000);
        byte[] chunk = new byte[800];
        out.write(chunk, 0, 800);
        out.write(chunk, 0, 800); // 1600 unacked now: the next write must wait
        Thread t = new Thread(() -> {
            try { out.write(chunk, 0, 800); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        });
        t.start();
        t.join(200);
        assertTrue(t.isAlive(), "blocked while the client lags");
        out.acknowledged(1000);
        t.join(2000);
        assertFalse(t.isAlive());
        assertEquals(2400, out.produced());
    }

    /**
     * After the takeover the socket's stream starts at the client's last ACK: a replica that was still behind it
     * writes nothing of what the client already acknowledged (it would land at later sequence numbers).
     */
    @Test
    void afterTheTakeoverAReplicaBehindTheClientsAckSkipsWhatTheClientHas() throws Exception {
        int listener = dev.holdfast.tcpha.posix.Sockets.tcpSocket();
        dev.holdfast.tcpha.posix.Sockets.bind(listener, new java.net.InetSocketAddress("127.0.0.1", 0));
        dev.holdfast.tcpha.posix.Sockets.listen(listener, 1);
        try (java.net.Socket client = new java.net.Socket()) {
            client.connect(dev.holdfast.tcpha.posix.Sockets.localAddress(listener));
            int fd = dev.holdfast.tcpha.posix.Sockets.accept(listener);
            ReplicaOutput out = new ReplicaOutput(1 << 20);
            byte[] data = new byte[1000];
            for (int i = 0; i < data.length; i++) data[i] = (byte) i;
            out.write(data, 0, 100);
            out.acknowledged(450); // the primary had sent up to 450 and the client acknowledged it
            assertEquals(0, out.unacknowledged().length);
            out.attach(fd, new byte[0]); // the re-created socket: its next byte is output offset 450
            out.write(data, 100, 300);   // 100..400: the client has them
            out.write(data, 400, 100);   // 400..500: 450..500 are new
            out.close();
            byte[] got = client.getInputStream().readAllBytes();
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 450, 500), got);
            assertEquals(500, out.produced());
            dev.holdfast.tcpha.posix.Sockets.close(fd);
        } finally {
            dev.holdfast.tcpha.posix.Sockets.close(listener);
        }
    }

    /**
     * The takeover's path: the part the primary had sent is taken out for the repair-mode queue, the rest stays in
     * place as pending (no copy), a few bytes are written ahead (the prompt), and the rest follows, once, in order.
     */
    @Test
    void afterTheTakeoverTheRestIsWrittenOnceInOrder_promptFirst() throws Exception {
        int listener = dev.holdfast.tcpha.posix.Sockets.tcpSocket();
        dev.holdfast.tcpha.posix.Sockets.bind(listener, new java.net.InetSocketAddress("127.0.0.1", 0));
        dev.holdfast.tcpha.posix.Sockets.listen(listener, 1);
        try (java.net.Socket client = new java.net.Socket()) {
            client.connect(dev.holdfast.tcpha.posix.Sockets.localAddress(listener));
            int fd = dev.holdfast.tcpha.posix.Sockets.accept(listener);
            ReplicaOutput out = new ReplicaOutput(1 << 20);
            byte[] data = new byte[100_000];
            for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 7);
            out.write(data, 0, 60_000);
            out.acknowledged(10_000);
            assertEquals(50_000, out.unacknowledgedBytes());
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 10_000, 12_000), out.unacknowledged(0, 2_000), "the queued-as-sent part");
            out.attachAfter(fd, 2_000);
            assertEquals(48_000, out.pendingBytes());
            assertEquals(1, out.writeAhead(1));
            assertEquals(47_999, out.pendingBytes());
            out.write(data, 60_000, 40_000); // the replica's next output: after what was pending
            out.close();
            byte[] got = client.getInputStream().readAllBytes();
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 12_000, 100_000), got);
            dev.holdfast.tcpha.posix.Sockets.close(fd);
        } finally {
            dev.holdfast.tcpha.posix.Sockets.close(listener);
        }
    }
}
