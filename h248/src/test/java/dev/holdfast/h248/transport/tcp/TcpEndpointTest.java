package dev.holdfast.h248.transport.tcp;

import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.Transaction;
import dev.holdfast.h248.text.TextCodec;
import dev.holdfast.h248.transaction.PeerLostException;
import dev.holdfast.h248.transaction.TransactionOptions;
import dev.holdfast.h248.transaction.TransactionTimeoutException;
import dev.holdfast.h248.transport.EndpointOptions;
import dev.holdfast.h248.transport.H248Endpoint;
import dev.holdfast.h248.transport.Messages;
import dev.holdfast.h248.transport.Peer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** H248Endpoint over real TCP connections on 127.0.0.1, TPKT framed. */
class TcpEndpointTest {
    static final InetSocketAddress ANY_LOCAL = new InetSocketAddress("127.0.0.1", 0);
    static final TransactionOptions FAST = TransactionOptions.DEFAULTS
            .withReliableReplyTimeout(Duration.ofMillis(800))
            .withProvisionalResponseTime(Duration.ofMillis(150))
            .withLongTimer(Duration.ofSeconds(3));
    static final EndpointOptions OPTIONS = EndpointOptions.DEFAULTS.withTransactions(FAST).withMaxFrameSize(4096);

    final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables) c.close();
    }

    H248Endpoint server() throws Exception { return server(OPTIONS); }

    H248Endpoint server(EndpointOptions options) throws Exception {
        H248Endpoint e = H248Endpoint.tcpServer(MId.ipv4("127.0.0.1", null), ANY_LOCAL, options);
        closeables.add(e);
        return e;
    }

    H248Endpoint client(H248Endpoint server) throws Exception {
        H248Endpoint e = H248Endpoint.tcpClient(MId.ipv4("127.0.0.1", null), server.localAddress(), OPTIONS);
        closeables.add(e);
        return e;
    }

    Socket raw(H248Endpoint server) throws IOException {
        Socket s = new Socket();
        s.connect(server.localAddress(), 2000);
        s.setSoTimeout(3000);
        closeables.add(s);
        return s;
    }

    static byte[] tpkt(int version, int length, byte[] payload) {
        byte[] f = new byte[4 + payload.length];
        f[0] = (byte) version;
        f[2] = (byte) (length >> 8);
        f[3] = (byte) length;
        System.arraycopy(payload, 0, f, 4, payload.length);
        return f;
    }

    static byte[] tpkt(String payload) {
        byte[] p = payload.getBytes(StandardCharsets.ISO_8859_1);
        return tpkt(3, p.length + 4, p);
    }

    static String readFrame(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        assertEquals(3, in.readUnsignedByte());
        in.readUnsignedByte();
        int len = in.readUnsignedShort();
        byte[] b = new byte[len - 4];
        in.readFully(b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static boolean closedByPeer(Socket s) throws IOException {
        try {
            return s.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    static <T> T await(java.util.function.Supplier<T> value, java.util.function.Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        T v = value.get();
        while (!done.test(v) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            v = value.get();
        }
        return v;
    }

    @Test
    void requestsAndRepliesBothWays() throws Exception {
        H248Endpoint mgc = server();
        List<Peer> mgs = new CopyOnWriteArrayList<>();
        mgc.onRequest(r -> { mgs.add(r.peer()); return CompletableFuture.completedFuture(Messages.serviceChangeReply()); });
        H248Endpoint mg = client(mgc);
        mg.onRequest(r -> CompletableFuture.completedFuture(Messages.modifyReply()));

        assertEquals(Messages.serviceChangeReply(),
                mg.send(mg.remotePeer(), Messages.serviceChangeRestart()).get(5, TimeUnit.SECONDS).actions());
        assertEquals(1, mgs.size());
        assertEquals(Messages.modifyReply(),
                mgc.send(mgs.get(0), Messages.modifyWithEvents()).get(5, TimeUnit.SECONDS).actions());
        assertEquals(Set.of(mgs.get(0)), mgc.connectedPeers());
        assertEquals(0, mgc.counters().retransmissions.sum() + mg.counters().retransmissions.sum());
    }

    @Test
    void noRetransmissionOverTcpButATimeout() throws Exception {
        H248Endpoint mgc = server();
        Socket mg = raw(mgc);
        Peer peer = await(() -> mgc.connectedPeers(), s -> !s.isEmpty()).iterator().next();
        CompletableFuture<Transaction.Reply> f = mgc.send(peer, Messages.modifyWithEvents());
        String req = readFrame(mg);
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        assertInstanceOf(TransactionTimeoutException.class, e.getCause());
        mg.setSoTimeout(300);
        assertThrows(SocketTimeoutException.class, () -> mg.getInputStream().read(),
                "no second copy, connection still open");
        assertTrue(TextCodec.parse(req).transactions().get(0) instanceof Transaction.Request);
        assertTrue(mgc.transactions().stateSizes().isEmpty());
    }

    @Test
    void peerLossFailsAllOutstandingTransactionsPromptly() throws Exception {
        H248Endpoint mgc = server(OPTIONS.withTransactions(FAST.withReliableReplyTimeout(Duration.ofSeconds(30))));
        H248Endpoint mg = client(mgc);
        CompletableFuture<List<ActionReply>> never = new CompletableFuture<>();
        mg.onRequest(r -> never);
        Peer peer = await(() -> mgc.connectedPeers(), s -> !s.isEmpty()).iterator().next();
        List<CompletableFuture<Transaction.Reply>> fs = new ArrayList<>();
        for (int i = 0; i < 10; i++) fs.add(mgc.send(peer, Messages.modifyWithEvents()));
        await(() -> mg.transactions().stateSizes().incoming(), n -> n == 10);
        long t0 = System.nanoTime();
        mg.close();
        for (var f : fs) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(2, TimeUnit.SECONDS));
            assertInstanceOf(PeerLostException.class, e.getCause());
        }
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "fails within a second");
        assertTrue(mgc.transactions().stateSizes().isEmpty());
        assertTrue(mgc.connectedPeers().isEmpty());
    }

    @Test
    void anOversizedFrameClosesThatConnectionOnly() throws Exception {
        H248Endpoint mgc = server();
        mgc.onRequest(r -> CompletableFuture.completedFuture(Messages.serviceChangeReply()));
        H248Endpoint good = client(mgc);
        Socket bad = raw(mgc);
        OutputStream out = bad.getOutputStream();
        out.write(new byte[]{3, 0, (byte) 0xFF, (byte) 0xF0}); // claims 65520 octets, limit 4096
        out.flush();
        assertTrue(closedByPeer(bad));
        assertEquals(1, mgc.counters().oversized.sum());
        assertNotNull(good.send(good.remotePeer(), Messages.serviceChangeRestart()).get(5, TimeUnit.SECONDS));
    }

    @Test
    void aBadTpktVersionClosesThatConnectionOnly() throws Exception {
        H248Endpoint mgc = server();
        mgc.onRequest(r -> CompletableFuture.completedFuture(Messages.serviceChangeReply()));
        H248Endpoint good = client(mgc);
        Socket bad = raw(mgc);
        bad.getOutputStream().write(tpkt(2, 10, "abcdef".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(closedByPeer(bad));
        assertEquals(1, mgc.counters().malformedFrames.sum());
        assertNotNull(good.send(good.remotePeer(), Messages.serviceChangeRestart()).get(5, TimeUnit.SECONDS));
    }

    @Test
    void aRawPeerGetsTheReplyInATpktFrameAndGarbageAnError() throws Exception {
        H248Endpoint mgc = server();
        AtomicInteger calls = new AtomicInteger();
        mgc.onRequest(r -> { calls.incrementAndGet(); return CompletableFuture.completedFuture(Messages.serviceChangeReply()); });
        Socket mg = raw(mgc);
        OutputStream out = mg.getOutputStream();
        out.write(tpkt("MEGACO/1 [127.0.0.1]:2944 }}}"));
        out.write(tpkt("MEGACO/1 [127.0.0.1]:2944\nTransaction = 5 {\n Context = - {\n  ServiceChange = ROOT {\n"
                + "   Services { Method = Restart, Reason = 901 }\n  }\n }\n}\n"));
        out.flush();
        var error = TextCodec.parse(readFrame(mg));
        assertEquals(400, ((dev.holdfast.h248.message.MessageBody.Error) error.body()).error().code());
        var reply = TextCodec.parse(readFrame(mg));
        assertEquals(5, ((Transaction.Reply) reply.transactions().get(0)).transactionId());
        assertEquals(1, calls.get());
        assertEquals(1, mgc.counters().decodeErrors.sum());
    }

    @Test
    void sendingToAnUnconnectedPeerFailsAtOnce() throws Exception {
        H248Endpoint mgc = server();
        CompletableFuture<Transaction.Reply> f = mgc.send(Peer.of("127.0.0.1", 9), Messages.modifyWithEvents());
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(2, TimeUnit.SECONDS));
        assertInstanceOf(dev.holdfast.h248.transaction.TransactionSendException.class, e.getCause());
    }

    @Test
    void connectingToNothingFailsWithConnectException() {
        assertThrows(java.net.ConnectException.class, () -> H248Endpoint.tcpClient(MId.ipv4("127.0.0.1", null),
                new InetSocketAddress("127.0.0.1", freePort()), OPTIONS));
    }

    static int freePort() {
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
