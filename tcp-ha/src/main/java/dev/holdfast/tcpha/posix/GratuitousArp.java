package dev.holdfast.tcpha.posix;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * Announces that an IPv4 address now lives at this interface's MAC (RFC 5227 ARP announcement: sender and target
 * protocol address both the address). Hosts that have the address in their neighbour table update it at once.
 * Sent as a broadcast request and a broadcast reply, since stacks differ in which one they honour.
 */
public final class GratuitousArp implements AutoCloseable {
    private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
    private final PacketSocket socket;
    private final byte[] request, reply;

    /** Opens the packet socket and builds the two frames now, so announcing later is two sendto calls. */
    public GratuitousArp(String ifName, InetAddress address) throws IOException {
        byte[] mac = PacketSocket.macOf(ifName);
        byte[] ip = address.getAddress();
        request = arp(1, mac, ip, new byte[6]);
        reply = arp(2, mac, ip, BROADCAST);
        socket = new PacketSocket(ifName, PacketSocket.ETH_P_ARP, false);
    }

    public void announce(int repeats) throws IOException {
        for (int i = 0; i < repeats; i++) {
            socket.send(request, BROADCAST);
            socket.send(reply, BROADCAST);
        }
    }

    @Override
    public void close() { socket.close(); }

    public static void announce(String ifName, InetAddress address, int repeats) throws IOException {
        byte[] mac = PacketSocket.macOf(ifName);
        byte[] ip = address.getAddress();
        try (PacketSocket s = new PacketSocket(ifName, PacketSocket.ETH_P_ARP, false)) {
            for (int i = 0; i < repeats; i++) {
                s.send(arp(1, mac, ip, new byte[6]), BROADCAST);
                s.send(arp(2, mac, ip, BROADCAST), BROADCAST);
            }
        }
    }

    /** Opens the packet socket and builds the frames without sending anything (first-use costs before they matter). */
    public static void warmUp(String ifName, InetAddress address) throws IOException {
        byte[] mac = PacketSocket.macOf(ifName);
        try (PacketSocket s = new PacketSocket(ifName, PacketSocket.ETH_P_ARP, false)) {
            arp(1, mac, address.getAddress(), new byte[6]);
        }
    }

    /** An announcement: sender and target protocol address both the announced address. */
    static byte[] arp(int op, byte[] mac, byte[] ip, byte[] targetMac) { return frame(op, mac, ip, targetMac, ip); }

    /** An ARP packet for IPv4 over Ethernet (RFC 826): op 1 request, 2 reply. */
    static byte[] frame(int op, byte[] senderMac, byte[] senderIp, byte[] targetMac, byte[] targetIp) {
        ByteBuffer b = ByteBuffer.allocate(28);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) op);
        b.put(senderMac).put(senderIp).put(targetMac).put(targetIp);
        return b.array();
    }
}
