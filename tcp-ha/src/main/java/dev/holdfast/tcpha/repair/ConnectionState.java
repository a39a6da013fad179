package dev.holdfast.tcpha.repair;

import java.net.InetSocketAddress;

/**
 * Everything a kernel needs to carry on one established TCP connection from the server's side: the 4-tuple,
 * the sequence numbers, the options negotiated in the handshake, the windows, the timestamp clock and the queued
 * bytes. Sequence numbers are 32-bit TCP sequence numbers (kept in ints, compared modulo 2^32).
 *
 * @param local         the server's address (the VIP and service port)
 * @param remote        the client's address
 * @param sndUna        sequence number of the first server byte the client has not acknowledged
 * @param rcvNxt        sequence number of the next client byte expected (everything before is received)
 * @param mss           the client's MSS from its SYN
 * @param sndWscale     the client's window scale shift (applies to windows the client advertises), -1 if none
 * @param rcvWscale     the server's own window scale shift (from its SYN-ACK)
 * @param sack          SACK permitted on the connection
 * @param timestamps    timestamps on the connection
 * @param tsVal         the server's timestamp clock now (at least the last TSval it sent)
 * @param sndWnd        the client's receive window in bytes (already scaled)
 * @param rcvWnd        the receive window the server offers, in bytes
 * @param sendQueue     server bytes from sndUna on that the client has not acknowledged (to be retransmitted)
 * @param recvQueue     client bytes before rcvNxt that the server application has not yet read
 */
public record ConnectionState(InetSocketAddress local, InetSocketAddress remote, int sndUna, int rcvNxt, int mss,
        int sndWscale, int rcvWscale, boolean sack, boolean timestamps, int tsVal, int sndWnd, int rcvWnd,
        byte[] sendQueue, byte[] recvQueue) {

    public ConnectionState withQueues(byte[] send, byte[] recv) {
        return new ConnectionState(local, remote, sndUna, rcvNxt, mss, sndWscale, rcvWscale, sack, timestamps, tsVal,
                sndWnd, rcvWnd, send, recv);
    }

    @Override
    public String toString() {
        return "ConnectionState[" + remote + "->" + local + " sndUna=" + Integer.toUnsignedString(sndUna)
                + " rcvNxt=" + Integer.toUnsignedString(rcvNxt) + " mss=" + mss + " wscale=" + sndWscale + "/" + rcvWscale
                + " sack=" + sack + " ts=" + timestamps + " tsVal=" + Integer.toUnsignedString(tsVal)
                + " sndWnd=" + sndWnd + " rcvWnd=" + rcvWnd + " sendQ=" + sendQueue.length + " recvQ=" + recvQueue.length + "]";
    }
}
