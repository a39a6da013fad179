package dev.holdfast.h248.transport;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A plain DatagramSocket on 127.0.0.1 that a test drives by hand: exact octets out, exact octets in. */
public final class RawUdpPeerAccess implements AutoCloseable {
    public final DatagramSocket socket;

    public RawUdpPeerAccess() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    public int port() { return socket.getLocalPort(); }

    public Peer asPeer() { return Peer.of("127.0.0.1", port()); }

    public void send(byte[] bytes, InetSocketAddress to) throws IOException {
        socket.send(new DatagramPacket(bytes, bytes.length, to));
    }

    public void send(String text, InetSocketAddress to) throws IOException {
        send(text.getBytes(StandardCharsets.ISO_8859_1), to);
    }

    /** The next datagram as text, or null if none comes within {@code timeoutMillis}. */
    public String receive(int timeoutMillis) throws IOException {
        byte[] buf = new byte[70_000];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.setSoTimeout(timeoutMillis);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1);
    }

    @Override public void close() { socket.close(); }
}
