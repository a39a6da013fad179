package dev.holdfast.controller.sip;

import java.net.DatagramSocket;
import java.net.SocketException;

/**
 * What the kernel granted of the SIP UDP socket's receive buffer (SO_RCVBUF), against what the stack asked for. Linux
 * caps a request at {@code net.core.rmem_max} without an error, so a short buffer would otherwise go unnoticed until
 * datagrams are dropped under load. (Linux reserves twice the granted size for its bookkeeping and getsockopt reports
 * that; the JDK halves it back, so {@link DatagramSocket#getReceiveBufferSize} is the size granted.) The buffer is
 * what carries the controller through a pause (a garbage collection, a busy machine): at 1000 calls/s a B2BUA
 * receives about 7000 datagrams a second, and 4 MB granted holds about 3600 of them on loopback.
 */
record ReceiveBufferCheck(int askedBytes, int grantedBytes) {
    private static final System.Logger LOG = System.getLogger(ReceiveBufferCheck.class.getName());

    /** Reads the socket's buffer, set to {@code askedBytes} before. */
    static ReceiveBufferCheck of(DatagramSocket socket, int askedBytes) throws SocketException {
        return new ReceiveBufferCheck(askedBytes, socket.getReceiveBufferSize());
    }

    boolean shortOfAsked() { return grantedBytes < askedBytes; }

    /** One line at start: INFO when granted in full, WARNING (with the remedy) when less. */
    void log(int port) {
        if (shortOfAsked()) {
            LOG.log(System.Logger.Level.WARNING, "SIP UDP receive buffer on port " + port + ": asked " + askedBytes
                    + " bytes, the kernel granted " + grantedBytes + " (net.core.rmem_max caps it: raise it, e.g. sysctl"
                    + " -w net.core.rmem_max=" + askedBytes + ", or datagrams are dropped in a pause under load)");
        } else {
            LOG.log(System.Logger.Level.INFO, "SIP UDP receive buffer on port " + port + ": " + grantedBytes
                    + " bytes as asked");
        }
    }
}
